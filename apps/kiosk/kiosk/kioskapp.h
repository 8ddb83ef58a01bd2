#pragma once

#include <kiosk/kiosk_export.h>

namespace hall::app {
class HallApplication;
}

namespace hall::kiosk {

// hall-kiosk on the application shell, so its main.cpp stays thin. addOptions(): its title and
// options, before HallApplication::start(). run(), after it: reads the kiosk's part of the
// config, opens the offline cache, wires the controller to the devices, the voice (elderly mode)
// and the screen, shows it and runs the event loop; returns the exit code.
HALL_KIOSK_EXPORT void addOptions(app::HallApplication &app);
HALL_KIOSK_EXPORT int run(app::HallApplication &app);

} // namespace hall::kiosk
