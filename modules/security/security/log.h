#pragma once

// hall.security is listed with every other category in core/logging.h. Messages in it never
// carry a key, a plaintext personal field or a blob; tst_security_logging checks that.
#include <core/logging.h>
