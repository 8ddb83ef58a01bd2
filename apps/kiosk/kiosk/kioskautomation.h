#pragma once

#include <kiosk/kiosk_export.h>

namespace hall::app {
class Automation;
}

namespace hall::kiosk {

class KioskController;

// The kiosk's part of --automation (app::Automation; the whole-hall demo drives it): events
//   screen NAME                     the screen shown (Attract, Choose, Identify, Done, Message, …)
//   printed NUMBER online|lease     a ticket came out of the printer
//   voided ID REASON                a ticket that did not print was voided
//   online / offline                the link to hall-server
// and the commands `status` ("screen=… offline=0|1 paper=ok|warning ticket=… banner=…") and
// `top-up-leases` (offline numbers now, not at the minute's top-up). Everything else the
// script does through the screen's buttons, as a citizen would (click business-HJ, digits-1 …).
HALL_KIOSK_EXPORT void automate(app::Automation *automation, KioskController *controller);

} // namespace hall::kiosk
