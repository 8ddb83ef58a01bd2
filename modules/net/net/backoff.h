#pragma once

// The hall client's reconnects use the one backoff of the suite (core/backoff.h).
#include <core/backoff.h>

namespace hall::net {
using BackoffPolicy = core::BackoffPolicy;
using Backoff = core::Backoff;
} // namespace hall::net
