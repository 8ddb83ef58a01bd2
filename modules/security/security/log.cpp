#include "log.h"

namespace hall::security {

Q_LOGGING_CATEGORY(lcSecurity, "hall.security", QtWarningMsg)

} // namespace hall::security
