#pragma once

// hall.net is listed with every other category in core/logging.h.
#include <core/logging.h>
