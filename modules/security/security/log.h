#pragma once

#include <security/security_export.h>

#include <QLoggingCategory>

namespace hall::security {

// "hall.security", default severity warning. Messages in this category never carry a key,
// a plaintext personal field or a blob; tst_security_logging checks that.
HALL_SECURITY_EXPORT const QLoggingCategory &lcSecurity();

} // namespace hall::security
