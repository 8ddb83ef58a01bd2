#pragma once

#include <kiosk/kiosk_export.h>

#include <app/aspects.h>

namespace hall::kiosk {

// What the hall's staff may change on the kiosk (the settings store of this PC and role).
class HALL_KIOSK_EXPORT KioskSettings : public app::AspectContainer
{
    Q_OBJECT
public:
    explicit KioskSettings(QObject *parent = nullptr);

    app::IntAspect idleSeconds;
    app::IntAspect idleAfterPrintSeconds;
    app::StringAspect maintenanceCode;
    app::IntAspect paperWarnAfter; // tickets on a roll before the kiosk warns (0: never)
    app::IntAspect ticketsOnRoll;  // printed since the paper counter was reset
};

} // namespace hall::kiosk
