#pragma once

#include <QRect>
#include <QString>

namespace hall::demo {

// The whole hall on one PC (hall-demo --whole-hall): the pty emulators of the hall's devices in
// this process (ID card reader and ticket printer for the kiosk, the caller bus with callers
// and an evaluator and the window LED bars for the bridge), a TCP link between the kiosk and
// hall-server that the script can cut, and hall-kiosk, hall-display and hall-bridge started as
// they run in a hall. The script plays a morning through them — tickets by ID card, mobile
// number and touch, calls from the hardware callers, a print that fails, the network cut and
// back — waiting each time for what the apps report (their --automation events, the
// emulators, the server), and says what happened in Chinese and English.
struct HallDayOptions
{
    QString url;      // hall-server, started with --fake-clock on the demo hall
    QString bin;      // where hall-kiosk, hall-display and hall-bridge are
    QString work;     // configs, caches, logs, the voice's WAV files
    QString shots;    // screenshots of the apps at each moment; empty: none
    int paceMs = 0;   // a pause after each step, for people watching (never needed by the script)
    int enlargeSeconds = 0; // the wall's enlargement of a call (its settings); 0: the wall's own
    QRect desktop;    // the free area of the desktop the windows open on; empty: none (Xvfb)
};

int runHallDay(const HallDayOptions &options);

} // namespace hall::demo
