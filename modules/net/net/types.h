#pragma once

#include <net/net_export.h>

#include <core/ticket.h>

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace hall::net {

// The values hall-server returns, as docs/api.md describes them. Each has a parse function
// that checks every field it reads for presence (where the API always sends it) and type, and
// fails with the path of the first problem ("windows[2].state: …"). Fields the client does not
// know are ignored, so a newer server that adds one does not break older clients.

struct Health
{
    QString status;
    QString version;
    QString database;
    QDateTime time;
    QStringList halls;
};

// A signed-in account. The token is kept in memory only (HallClient) — or, for a device, in
// the OS keychain (DeviceSignIn).
// GET /auth/ways: how people may sign in (to a hall, when asked for one).
struct SignInWays
{
    bool password = true;
    bool certificate = false;
};

struct Session
{
    QString token;
    QDateTime expiresAt;
    QString role;
    QString name;
    QString hall; // empty for admins, who belong to no hall
};

struct Account
{
    qint64 id = 0;
    QString login;
    QString name;
    QString role;
    QDateTime expiresAt;
};

struct HallInfo
{
    QString code;
    QString name;
    int windows = 0;
    int businesses = 0;
};

struct PriorityLevel
{
    QString name;
    int level = 0;
    bool operator==(const PriorityLevel &) const = default;
};

struct BusinessStatus
{
    QString code;
    QString name;
    QString prefix;
    int waiting = 0;
    int issuedToday = 0;
    int remaining = -1; // -1: unlimited
    bool available = true;
    bool paused = false;
    QString blockedBy;     // an error code ("quota_full") when not available
    QString blockedReason; // for people
    QList<PriorityLevel> priorities;
    bool operator==(const BusinessStatus &) const = default;
};

struct TicketInfo
{
    qint64 id = 0;
    QString number;
    QString business;
    QString businessName;
    core::TicketStatus status = core::TicketStatus::Waiting;
    core::TicketSource source = core::TicketSource::Touch;
    int priority = 0;
    bool green = false;
    QDate day;
    QDateTime issuedAt;
    QString window;       // the window that called, serves or hung it
    QString targetWindow; // transferred to this window
    QDateTime appointmentAt;
    QDateTime calledAt;
    QDateTime callableAfter;
    QDateTime finishedAt;
    qint64 masterId = 0;
    int callCount = 0;
    int missedCount = 0;
    // Only in replies about one ticket (not in events or window states):
    int peopleAhead = -1;
    int printCount = 0;
    QString appointmentCode;
    QStringList ticketLines;
    bool operator==(const TicketInfo &) const = default;
};

struct WindowStatus
{
    QString number;
    QString name;
    core::WindowState state = core::WindowState::Offline;
    QDateTime since;
    bool attendanceProblem = false;
    int waiting = 0;
    QString policy;
    qint64 officerId = 0;
    QString pauseType;
    QString pauseReason;
    std::optional<TicketInfo> current;
    QStringList businesses;
    bool operator==(const WindowStatus &) const = default;
};

// The reply of call-next, recall, special-call and call-back.
struct CallResult
{
    std::optional<TicketInfo> ticket; // none: the current ticket was finished and nobody waits
    QDateTime countdownUntil;
    qint64 finished = 0; // the ticket finished by this call
    qint64 skipped = 0;  // the ticket skipped (recall limit reached)
    QList<qint64> subTickets;
};

struct Appointment
{
    qint64 id = 0;
    QString code;
    QDateTime slotStart;
    QDateTime slotEnd;
};

// A block of walk-in numbers for one device's offline tickets (docs/sync.md).
struct Lease
{
    qint64 id = 0;
    QString business;
    QString prefix;
    int from = 0;
    int to = 0;
    QString fromNumber;
    QString toNumber;
    int digits = 3;
    QDate day;
    QDateTime grantedAt;
    QDateTime until;
    QString device;
    int used = 0; // numbers of it the server has taken in
    int returnedFrom = 0; // handed back from this sequence on (0: not handed back)
    QDateTime returnedAt;
};

struct BlacklistEntry
{
    QDate until;
    QString reason;
};

struct CallRecord
{
    QDateTime at;
    QString kind;
    QString number;
    QString window;
    qint64 officerId = 0;
    QString status;
    int callCount = 0;
    qint64 ticketId = 0;
};

// One part of a device and its state (docs/api.md, "Devices"): "printer" ok, paper_low,
// paper_out, cover_open, offline, error or unknown.
struct DevicePart
{
    QString part;
    QString state;
    QString message;
    bool operator==(const DevicePart &) const = default;
};

// What a device says about itself (PUT /halls/{}/devices/{}/status).
struct DeviceReport
{
    QList<DevicePart> parts;
    int everySeconds = 60;  // how often it reports: silent for three of these, it is unreachable
    int ageSeconds = 0;     // it saw this state so long ago (a report that waited out an outage)
};

// A device's last report as supervisors see it (GET /halls/{}/devices, event device.status).
struct DeviceStatusInfo
{
    QString device;
    QString account;
    QString role;
    QString condition; // ok, warning, fault
    bool reachable = true;
    QList<DevicePart> parts;
    int everySeconds = 60;
    QDateTime observedAt;
    QDateTime reportedAt;
    qint64 silentSeconds = 0;
};

// The hall at a moment: `hello`, and `queue.summary` (which may carry only what changed:
// full == false).
struct HallSummary
{
    QString hall;
    QString name;
    QList<BusinessStatus> businesses;
    QList<WindowStatus> windows;
    bool full = true;
};

// One message of the event stream other than hello and queue.summary.
struct HallEvent
{
    enum class Type {
        TicketIssued, TicketCalled, TicketServing, TicketFinished, TicketHung, TicketAbandoned,
        TicketMissed, TicketTransferred, WindowState, QueueCleared, Other,
    };
    Type type = Type::Other;
    QString typeName; // as sent: "ticket.called"
    qint64 seq = 0;
    QDateTime at;
    std::optional<TicketInfo> ticket; // ticket.*
    std::optional<WindowStatus> window; // window.state
    // ticket.called
    QString callWindow;
    QString callWindowName;
    QString callKind; // next, recall, special, callback
    QDateTime countdownUntil;
    // ticket.missed
    bool notify = false;
    // ticket.transferred
    QString fromWindow;
    // queue.cleared
    int clearedCount = 0;
    QJsonObject data; // the whole payload, for anything not typed above
};

// The request side.
struct IssueRequest
{
    QString business;
    core::TicketSource source = core::TicketSource::Touch; // Touch, IdCard or Phone
    QString idNumber; // personal data: sent, never logged
    QString phone;
    QString priority; // a level name of the business; empty: ordinary
    bool green = false; // staff only
};

struct TicketFilter
{
    std::optional<core::TicketStatus> status;
    QString business;
};

struct AppointmentRequest
{
    QString code;
    QString business;
    QString idNumber;
    QString phone;
    QDateTime slotStart;
    QDateTime slotEnd;
};

struct TransferRequest
{
    QString window;   // to one window, and/or
    QString business; // to another business
    qint64 ticket = 0; // a sub ticket instead of the current one
};

// Parsers: true and *out filled, or false and *error set.
// A blob to upload, and the state of its upload on the server (docs/sync.md, "Blobs").
struct BlobUploadRequest
{
    QString algorithm; // sha256, sm3
    QString hash;
    qint64 size = 0;
};

struct BlobUpload
{
    QString upload; // the session (empty once complete)
    qint64 offset = 0;
    qint64 size = 0;
    bool complete = false;
    qint64 chunkBytes = 0;
};

HALL_NET_EXPORT bool parseBlobUpload(const QJsonObject &o, BlobUpload *out, QString *error);
HALL_NET_EXPORT bool parseHealth(const QJsonObject &o, Health *out, QString *error);
HALL_NET_EXPORT bool parseSession(const QJsonObject &o, Session *out, QString *error);
HALL_NET_EXPORT bool parseSignInWays(const QJsonObject &o, SignInWays *out, QString *error);
HALL_NET_EXPORT bool parseAccount(const QJsonObject &o, Account *out, QString *error);
HALL_NET_EXPORT bool parseHallInfo(const QJsonObject &o, HallInfo *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseBusiness(const QJsonObject &o, BusinessStatus *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseTicket(const QJsonObject &o, TicketInfo *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseWindow(const QJsonObject &o, WindowStatus *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseCallResult(const QJsonObject &o, CallResult *out, QString *error);
HALL_NET_EXPORT bool parseAppointment(const QJsonObject &o, Appointment *out, QString *error);
HALL_NET_EXPORT bool parseLease(const QJsonObject &o, Lease *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseCallRecord(const QJsonObject &o, CallRecord *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseDeviceStatus(const QJsonObject &o, DeviceStatusInfo *out, QString *error, const QString &path = {});
HALL_NET_EXPORT bool parseSummary(const QJsonObject &o, HallSummary *out, QString *error);
HALL_NET_EXPORT bool parseEvent(const QJsonObject &message, HallEvent *out, QString *error);

} // namespace hall::net
