#include "logging.h"

Q_LOGGING_CATEGORY(lcNet, "hall.net", QtWarningMsg)
