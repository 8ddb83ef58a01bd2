// hall-kiosk: the self-service ticket kiosk (REQUIREMENTS K1, K2, Q2–Q5, Q13, Q14). Everything
// it does is in libhall_kiosk (apps/kiosk/kiosk): KioskController takes and prints tickets,
// KioskScreen shows it, kioskapp.cpp wires them onto the application shell and the devices.

#include <kiosk/kioskapp.h>

#include <app/hallapplication.h>

int main(int argc, char *argv[])
{
    hall::app::HallApplication app(argc, argv, QStringLiteral("hall-kiosk"));
    hall::kiosk::addOptions(app);
    if (!app.start())
        return app.showProblem();
    return hall::kiosk::run(app);
}
