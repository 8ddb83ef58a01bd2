#pragma once

#include <queue/queue_export.h>

#include <core/ticket.h>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>

namespace hall::queue {

struct WindowRuntime
{
    qint64 windowId = 0;
    core::WindowState state = core::WindowState::Offline;
    qint64 officerId = 0;
    qint64 currentTicketId = 0;
    QString pauseType;
    QString pauseReason;
    QDateTime since; // when the state last changed
};

struct Appointment
{
    qint64 id = 0;
    QString code;
    qint64 businessId = 0;
    QByteArray identityHash;
    QDateTime slotStart;
    QDateTime slotEnd;
    qint64 ticketId = 0; // set at check-in
};

struct BlacklistEntry
{
    QByteArray identityHash;
    QDate until; // inclusive
    QString reason;
    qint64 byAccount = 0;
};

struct ReleasePassword
{
    qint64 id = 0;
    qint64 businessId = 0;
    QByteArray passwordHash;
    QDate day;
    qint64 createdBy = 0;
    qint64 usedBy = 0;
    qint64 ticketId = 0;
    QDateTime usedAt;
};

struct AuditEntry
{
    QDateTime at;
    qint64 actor = 0;
    QString action;
    qint64 ticketId = 0;
    qint64 windowId = 0;
    QString detail;
};

// A block of walk-in numbers a kiosk may issue from while it cannot reach the server (offline
// tickets). Granted from the same counter as online numbers, so it never overlaps them or
// another lease; valid on its day until the end of the half-day it was granted in, and counted
// against that half's quota (and the daily and group quotas) as soon as it is granted.
struct Lease
{
    qint64 id = 0;
    qint64 businessId = 0;
    QString prefix;
    int from = 0; // first and last sequence, inclusive
    int to = 0;
    QDate day;
    QString half; // "am" or "pm": the quota it counts against
    QDateTime grantedAt;
    QDateTime until; // exclusive: the end of the half-day
    QString device;  // the sync device that holds it
    qint64 accountId = 0;
    int returnedFrom = 0; // handed back from this sequence on (0: not handed back); never issued
    QDateTime returnedAt;

    int size() const { return to - from + 1; }
    // The numbers still the device's: all of them, or those before the handed-back rest.
    int held() const { return returnedFrom ? returnedFrom - from : size(); }
};

enum class CallKind { Next, Recall, Special, CallBack };

struct CallRecord
{
    qint64 ticketId = 0;
    qint64 windowId = 0;
    qint64 officerId = 0;
    CallKind kind = CallKind::Next;
    QDateTime at;
};

struct Event
{
    QString type; // ticket.issued, ticket.called, window.state …
    QJsonObject data;
};

// Everything one or more operations changed, as values, for the store to write in one
// transaction before any reply leaves the server.
struct HALL_QUEUE_EXPORT ChangeSet
{
    QMap<qint64, core::Ticket> tickets;
    QMap<qint64, WindowRuntime> windows;
    QMap<QString, Appointment> appointments;
    QMap<QByteArray, BlacklistEntry> blacklist;
    QList<QByteArray> unblacklisted;
    QMap<qint64, ReleasePassword> passwords;
    QMap<qint64, Lease> leases;
    QList<AuditEntry> audit;
    QList<CallRecord> calls;
    QList<Event> events;

    bool isEmpty() const;
    void merge(ChangeSet &&other);
};

// What the engine needs back from storage after a restart.
struct Snapshot
{
    QList<core::Ticket> tickets; // today's, plus any older ticket still open
    QList<WindowRuntime> windows;
    QList<Appointment> appointments;
    QList<BlacklistEntry> blacklist;
    QList<ReleasePassword> passwords;
    QList<Lease> leases; // today's
};

HALL_QUEUE_EXPORT
QString callKindName(CallKind kind);

} // namespace hall::queue
