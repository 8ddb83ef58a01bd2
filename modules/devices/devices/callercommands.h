#pragma once

// What a caller key means to the queue: a pure mapping from CallerEvent to a window operation
// of hall-server (docs/api.md, "Windows"), so the bridge between a CallerBus and the server is
// a thin loop: event → queueCommand() → POST /halls/{hall}/windows/{window}/{operation}.

#include <devices/callerbus.h>

#include <QString>
#include <QVariantMap>

namespace hall::devices {

// What the bridge knows about the caller that sent the event.
struct CallerContext
{
    // Q17: a caller signs in either with the officer's staff ID (typed digits = officer
    // login, at the caller's window) or with a window number (typed digits = window, signed
    // in as the officer the caller belongs to).
    enum class LoginMode { StaffId, Window };

    QString window;   // the window this caller works; empty: its bus address
    bool paused = false; // the window is paused now: the pause key resumes it
    LoginMode loginMode = LoginMode::StaffId;
    QString officer;  // Window login mode: the officer's login this caller belongs to
};

struct QueueCommand
{
    // A window operation of docs/api.md ("call-next", "recall", "special-call", "pause",
    // "resume", "transfer", "login"), or, with `local` set, something the bridge does
    // itself: "prompt-rating" (promptRating() on the window's evaluator), "query" (read the
    // window and show() its waiting count), "settings" (nothing: the caller's own menu),
    // "rate" (a rating for the evaluation store, E1–E3).
    QString operation;
    QString window;        // the window number of the URL
    QVariantMap arguments; // the JSON body
    bool local = false;
    // special-call: the number typed on the keypad. The API takes a ticket id, so the bridge
    // looks this number up among the waiting tickets (GET …/tickets?status=waiting, matching
    // the digits of the ticket number) and puts the id in arguments["ticket"].
    QString ticketNumber;
    QString error; // translated; set when the event cannot become a command (no digits typed …)

    bool isValid() const { return error.isEmpty() && !operation.isEmpty(); }
};

HALL_DEVICES_EXPORT QueueCommand queueCommand(const CallerEvent &event, const CallerContext &context = {});

// "next", "recall", "special-call" … for logs and hall-devices.
HALL_DEVICES_EXPORT QString callerKeyName(CallerEvent::Key key);
// E1: 1 非常不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意 (translated); empty outside 1…5.
HALL_DEVICES_EXPORT QString ratingLabel(int rating);
// Stable codes for storage and the API: "very-dissatisfied" … "very-satisfied".
HALL_DEVICES_EXPORT QString ratingCode(int rating);

} // namespace hall::devices
