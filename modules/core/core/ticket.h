#pragma once

#include <core/core_export.h>

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace hall::core {

enum class TicketStatus {
    Waiting,   // in the queue
    Called,    // called to a window, countdown running
    Serving,   // the applicant is at the window
    Missed,    // 过号: did not come; callable again after the missed delay
    Hung,      // 挂起: suspended at a window, to be called back the same day
    Done,      // finished
    Abandoned, // missed too often
    Cleared,   // closed by end-of-day clearing
    Voided,    // 作废: never handed out (the kiosk could not print it); its number is not reissued
};

enum class TicketSource { Touch, IdCard, Phone, Appointment, Virtual, Special, Sub };

enum class WindowState { Offline, Idle, Serving, Paused };

struct HALL_CORE_EXPORT Ticket
{
    qint64 id = 0;
    qint64 hallId = 0;
    qint64 businessId = 0;
    QDate day;
    QString prefix;
    int seq = 0;
    QString number;
    TicketSource source = TicketSource::Touch;
    TicketStatus status = TicketStatus::Waiting;
    int priority = 0;
    bool green = false;
    QByteArray identityHash; // keyed hash of the ID number or phone; the clear value is never kept
    QDateTime issuedAt;
    QDateTime appointmentAt;   // callable from here; null for walk-ins
    QString appointmentCode;
    qint64 orderKey = 0;       // arrival order; transfers keep it (Q10)
    qint64 windowId = 0;       // window that called, serves or hung it
    qint64 targetWindowId = 0; // transferred to one window
    QDateTime calledAt;
    QDateTime callableAfter;   // missed tickets wait until then (Q8)
    QDateTime finishedAt;
    int callCount = 0;
    int missedCount = 0;
    int printCount = 0;
    qint64 masterId = 0;       // sub ticket of a master (一号联办, Q11)
    qint64 officerId = 0;

    bool isOpen() const;
    bool isQueued() const { return status == TicketStatus::Waiting || status == TicketStatus::Missed; }
};

HALL_CORE_EXPORT QString ticketStatusName(TicketStatus s);
HALL_CORE_EXPORT bool ticketStatusFromName(const QString &name, TicketStatus *out);
HALL_CORE_EXPORT QString ticketSourceName(TicketSource s);
HALL_CORE_EXPORT bool ticketSourceFromName(const QString &name, TicketSource *out);
HALL_CORE_EXPORT QString windowStateName(WindowState s);
HALL_CORE_EXPORT bool windowStateFromName(const QString &name, WindowState *out);

} // namespace hall::core
