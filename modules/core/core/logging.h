#pragma once

#include <core/core_export.h>

#include <QLoggingCategory>

// Every logging category of the suite, in one place. Default severity is warning; turn one
// up with QT_LOGGING_RULES="hall.queue.debug=true".
HALL_CORE_EXPORT const QLoggingCategory &lcCore();
HALL_CORE_EXPORT const QLoggingCategory &lcStorage();
HALL_CORE_EXPORT const QLoggingCategory &lcQueue();
HALL_CORE_EXPORT const QLoggingCategory &lcServer();
HALL_CORE_EXPORT const QLoggingCategory &lcServerHttp();
HALL_CORE_EXPORT const QLoggingCategory &lcServerAuth();
HALL_CORE_EXPORT const QLoggingCategory &lcDevices();
HALL_CORE_EXPORT const QLoggingCategory &lcApp();      // hall.app: the application shell
HALL_CORE_EXPORT const QLoggingCategory &lcNet();      // hall.net: method and path only, never a token, query or body
HALL_CORE_EXPORT const QLoggingCategory &lcSecurity(); // hall.security: never a key, a plaintext field or a blob
HALL_CORE_EXPORT const QLoggingCategory &lcSync();     // hall.sync: the sync engine of a PC's cache
HALL_CORE_EXPORT const QLoggingCategory &lcVoice();
HALL_CORE_EXPORT const QLoggingCategory &lcDisplay();  // hall.display: the wall (numbers and windows, never a name)
HALL_CORE_EXPORT const QLoggingCategory &lcKeyboard(); // hall.ui.keyboard: the pinyin engine's state, never a key or a text
HALL_CORE_EXPORT const QLoggingCategory &lcBridge();   // hall.bridge: bars, voice and the caller bus (numbers and windows, never a name)
HALL_CORE_EXPORT const QLoggingCategory &lcKiosk();    // hall.kiosk: tickets by number and business, never who took them
HALL_CORE_EXPORT const QLoggingCategory &lcDriverSane();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverScannerWia();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverIdCardSam();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverVirtual();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverEscPos();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverCallerBus();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverLedBar();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverOnbon();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverCodeScanner();
HALL_CORE_EXPORT const QLoggingCategory &lcDriverCameraUvc();
