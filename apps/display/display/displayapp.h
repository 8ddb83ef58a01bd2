#pragma once

#include <display/display_export.h>

namespace hall::app {
class HallApplication;
}

namespace hall::display {

// hall-display on the application shell, so its main.cpp stays thin. addOptions(): its title
// and options, before HallApplication::start(). run(), after it: reads the wall's config and
// layout, builds the controller and the wall, shows it and runs the event loop; returns the
// exit code.
HALL_DISPLAY_EXPORT void addOptions(app::HallApplication &app);
HALL_DISPLAY_EXPORT int run(app::HallApplication &app);

} // namespace hall::display
