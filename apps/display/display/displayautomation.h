#pragma once

#include <display/display_export.h>

namespace hall::app {
class Automation;
}

namespace hall::display {

class DisplayController;

// The wall's part of --automation (app::Automation; the whole-hall demo watches it): events
//   call NUMBER WINDOW KIND   a call is shown enlarged
//   calm                      no call is enlarged any more: the wall shows the hall
//   online / offline          the wall follows the hall live, or shows its last state
//   state                     the hall's state changed (tickets, windows)
// and the command `status` ("offline=0|1 enlarged=NUMBER@WINDOW").
HALL_DISPLAY_EXPORT void automate(app::Automation *automation, DisplayController *controller);

} // namespace hall::display
