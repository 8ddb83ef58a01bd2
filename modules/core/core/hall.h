#pragma once

#include <core/core_export.h>

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTime>

namespace hall::core {

// -1 means "no limit" for every quota figure.
struct Quota
{
    int morning = -1;
    int afternoon = -1;
    int daily = -1;
    bool isLimited() const { return morning >= 0 || afternoon >= 0 || daily >= 0; }
};

// A business day split at noon; a null half means the business is closed then.
struct HALL_CORE_EXPORT BusinessHours
{
    QTime morningStart, morningEnd, afternoonStart, afternoonEnd;

    enum class Half { Closed, Morning, Afternoon };
    Half halfAt(QTime t) const;
};

struct HALL_CORE_EXPORT Business
{
    qint64 id = 0;
    QString code;
    QString name;
    QString prefix;            // walk-in tickets: A001
    QString appointmentPrefix; // 预约 tickets; empty = same as prefix
    QString greenPrefix;       // 绿色通道 tickets; empty = same as prefix
    QString specialPrefix;     // 特殊号 released with a password; empty = same as prefix
    int rangeStart = 1;
    int rangeEnd = 999;
    int digits = 3;
    int leaseFrom = 0;         // first number of offline leases (A800…); 0 = the top fifth of the range
    QString groupCode;         // window group whose quota this business also counts against
    BusinessHours hours;
    Quota quota;
    QMap<QString, int> priorities; // named levels, e.g. 老年人 → 2; "普通" → 0 is implied
    bool paused = false;
    QStringList ticketLines;   // custom lines printed on the ticket
    int remindAhead = 3;       // reminders (Q8): a text once this many people or fewer are ahead; 0: none

    QString formatNumber(const QString &pfx, int seq) const;
    // Walk-in numbers from here up are leased to kiosks for offline tickets (docs/sync.md,
    // "Offline tickets"); online numbering runs below it and only then continues above.
    int leaseStart() const;
};

struct WindowGroup
{
    qint64 id = 0;
    QString code;
    QString name;
    Quota quota;
};

struct Floor
{
    qint64 id = 0;
    QString code;
    QString name;
};

// How a window picks among its businesses once priority and appointments are equal.
enum class CallPolicy { Arrival, Order, Weight };

struct Binding
{
    QString businessCode;
    int order = 1;  // lower is served first under CallPolicy::Order
    int weight = 1; // share of calls under CallPolicy::Weight
};

struct HALL_CORE_EXPORT Window
{
    qint64 id = 0;
    QString number; // what the hall shows: "3"
    QString name;
    QString floorCode;
    QString groupCode;
    CallPolicy policy = CallPolicy::Arrival;
    QList<Binding> bindings;

    bool serves(const QString &businessCode) const;
};

struct QueueRules
{
    int recallLimit = 3;            // total calls of one ticket before it is skipped (Q7)
    int missedRecallMinutes = 10;   // a missed ticket is callable again after this (Q8)
    int missedPriorityBoost = 1;    // and comes back this many levels higher
    int missedLimit = 2;            // missed more often than this: abandoned
    int countdownSeconds = 60;      // shown to the officer after a call (Q9)
    QTime clearAt = QTime(18, 30);  // end-of-day clearing of open tickets (Q16)
    bool blockUnserved = true;      // kiosk refuses businesses no open window serves (Q12)
    int appointmentEarlyMinutes = 60; // check-in allowed this long before the slot (Q4)
    int appointmentGraceMinutes = 15; // after slot end + grace: an on-site ticket instead
    int maxPauseMinutes = 30;       // longer pauses count as an attendance problem (Q15)
};

struct Account
{
    QString login;
    QString name;
    QString role;
    QString password;
};

struct HALL_CORE_EXPORT HallConfig
{
    Q_DECLARE_TR_FUNCTIONS(HallConfig)
public:
    qint64 id = 0;
    QString code;
    QString name;
    QueueRules rules;
    QList<Floor> floors;
    QList<WindowGroup> groups;
    QList<Business> businesses;
    QList<Window> windows;
    QList<Account> accounts; // only read from seed files; never written back out

    const Business *business(const QString &code) const;
    const Business *businessById(qint64 id) const;
    const Window *window(const QString &number) const;
    const Window *windowById(qint64 id) const;
    const WindowGroup *group(const QString &code) const;

    // Strict: unknown fields, wrong types and dangling references are errors, never guesses.
    static bool fromJson(const QJsonObject &json, HallConfig *out, QString *error);
    QJsonObject toJson() const;
};

HALL_CORE_EXPORT QString callPolicyName(CallPolicy policy);

} // namespace hall::core
