#include "logging.h"

Q_LOGGING_CATEGORY(lcCore, "hall.core", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStorage, "hall.storage", QtWarningMsg)
Q_LOGGING_CATEGORY(lcQueue, "hall.queue", QtWarningMsg)
Q_LOGGING_CATEGORY(lcServer, "hall.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerHttp, "hall.server.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcServerAuth, "hall.server.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDevices, "hall.devices", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDriverIdCardSam, "hall.driver.idcard.sam", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDriverVirtual, "hall.driver.virtual", QtWarningMsg)
