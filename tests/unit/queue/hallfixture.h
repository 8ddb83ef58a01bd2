#pragma once

// Shared helpers for the queue engine unit tests: a small hall configuration built in code
// (ids assigned here), a ManualClock, a SHA-256 hasher, a counter for ids, and a tiny
// "store" that absorbs ChangeSets the way the server's storage does and builds a Snapshot.

#include <queue/engine.h>
#include <queue/result.h>
#include <queue/state.h>

#include <core/clock.h>
#include <core/hall.h>
#include <core/ticket.h>

#include <QCryptographicHash>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTest>

#include <functional>
#include <memory>

namespace hallfixture {

using namespace Qt::StringLiterals;

using hall::core::Business;
using hall::core::HallConfig;
using hall::core::Ticket;
using hall::core::TicketSource;
using hall::core::TicketStatus;
using hall::core::Window;
using hall::core::WindowState;
using hall::queue::Engine;
using hall::queue::BusinessStatus;
using hall::queue::CallKind;
using hall::queue::CallResult;
using hall::queue::ChangeSet;
using hall::queue::ErrorCode;
using hall::queue::WindowRuntime;
using hall::queue::WindowStatus;
using hall::queue::IssueRequest;

// Ids of the standard hall. Config ids are non-zero and unique.
constexpr qint64 HallId = 1;
constexpr qint64 BizHZ = 11;  // 户籍 (prefix A), windows 1 and 3
constexpr qint64 BizCRJ = 12; // 出入境 (prefix B), windows 2 and 3
constexpr qint64 BizJJ = 13;  // 交警 (prefix C), group G1, window 4
constexpr qint64 BizSB = 14;  // 社保 (prefix D), group G1, window 4
constexpr qint64 GroupG1 = 31;
constexpr qint64 Win1 = 21;
constexpr qint64 Win2 = 22;
constexpr qint64 Win3 = 23;
constexpr qint64 Win4 = 24;

// Valid resident ID numbers (GB 11643 check character) and mobile numbers.
inline const QString Id1 = QStringLiteral("11010519491231002X");
inline const QString Id2 = QStringLiteral("440524188001010014");
inline const QString Id3 = QStringLiteral("440106198001011230");
inline const QString Id4 = QStringLiteral("320102199003074560");
inline const QString Phone1 = QStringLiteral("13800138000");
inline const QString Phone2 = QStringLiteral("15912345678");

inline QString elderly() { return QStringLiteral("老年人"); } // level 2
inline QString soldier() { return QStringLiteral("军人"); }   // level 1

// A Monday; the hall opens 08:30–12:00 and 13:30–17:30.
inline QDate day0() { return QDate(2024, 3, 4); }
inline QDateTime at(int h, int m = 0, int dayOffset = 0)
{
    return QDateTime(day0().addDays(dayOffset), QTime(h, m));
}

inline Business makeBusiness(qint64 id, const QString &code, const QString &name, const QString &prefix)
{
    Business b;
    b.id = id;
    b.code = code;
    b.name = name;
    b.prefix = prefix;
    // HallConfig::fromJson fills the kind prefixes with the walk-in prefix; do the same here.
    b.appointmentPrefix = prefix;
    b.greenPrefix = prefix;
    b.specialPrefix = prefix;
    b.rangeStart = 1;
    b.rangeEnd = 999;
    b.digits = 3;
    b.hours.morningStart = QTime(8, 30);
    b.hours.morningEnd = QTime(12, 0);
    b.hours.afternoonStart = QTime(13, 30);
    b.hours.afternoonEnd = QTime(17, 30);
    b.priorities.insert(elderly(), 2);
    b.priorities.insert(soldier(), 1);
    return b;
}

inline Window makeWindow(qint64 id, const QString &number, const QStringList &businesses)
{
    Window w;
    w.id = id;
    w.number = number;
    w.name = QStringLiteral("%1号窗口").arg(number);
    int order = 1;
    for (const QString &b : businesses)
        w.bindings.append(hall::core::Binding{b, order++, 1});
    return w;
}

// The standard hall: four businesses, one window group, four windows.
inline HallConfig standardConfig()
{
    HallConfig c;
    c.id = HallId;
    c.code = QStringLiteral("test-hall");
    c.name = QStringLiteral("测试政务服务大厅");
    hall::core::WindowGroup g;
    g.id = GroupG1;
    g.code = QStringLiteral("G1");
    g.name = QStringLiteral("综合窗口组");
    c.groups.append(g);
    c.businesses.append(makeBusiness(BizHZ, QStringLiteral("HZ"), QStringLiteral("户籍业务"), QStringLiteral("A")));
    c.businesses.append(makeBusiness(BizCRJ, QStringLiteral("CRJ"), QStringLiteral("出入境业务"), QStringLiteral("B")));
    Business jj = makeBusiness(BizJJ, QStringLiteral("JJ"), QStringLiteral("交警业务"), QStringLiteral("C"));
    jj.groupCode = QStringLiteral("G1");
    c.businesses.append(jj);
    Business sb = makeBusiness(BizSB, QStringLiteral("SB"), QStringLiteral("社保业务"), QStringLiteral("D"));
    sb.groupCode = QStringLiteral("G1");
    c.businesses.append(sb);
    c.windows.append(makeWindow(Win1, QStringLiteral("1"), {QStringLiteral("HZ")}));
    c.windows.append(makeWindow(Win2, QStringLiteral("2"), {QStringLiteral("CRJ")}));
    c.windows.append(makeWindow(Win3, QStringLiteral("3"), {QStringLiteral("HZ"), QStringLiteral("CRJ")}));
    Window w4 = makeWindow(Win4, QStringLiteral("4"), {QStringLiteral("JJ"), QStringLiteral("SB")});
    w4.groupCode = QStringLiteral("G1");
    c.windows.append(w4);
    return c;
}

inline Business *businessIn(HallConfig &c, const QString &code)
{
    for (Business &b : c.businesses) {
        if (b.code == code)
            return &b;
    }
    return nullptr;
}

inline Window *windowIn(HallConfig &c, const QString &number)
{
    for (Window &w : c.windows) {
        if (w.number == number)
            return &w;
    }
    return nullptr;
}

inline QByteArray sha256(const QString &s)
{
    return QCryptographicHash::hash(s.toUtf8(), QCryptographicHash::Sha256);
}

inline qint64 officerFor(const QString &window) { return 500 + window.toInt(); }

template<typename T>
QString describe(const hall::queue::Result<T> &r)
{
    if (r.ok())
        return QStringLiteral("ok");
    return hall::queue::errorCodeName(r.error().code) + QStringLiteral(": ") + r.error().message;
}

// One engine over the given configuration, with its own clock and id counter. Not movable:
// the engine's id allocator points back into it.
class Hall
{
public:
    explicit Hall(HallConfig config = standardConfig(), const QDateTime &start = at(9, 0), qint64 firstId = 1000)
        : clock(start), nextId(firstId),
          engine(std::move(config), &clock, &sha256, [this] { return nextId++; })
    {
    }
    Hall(const Hall &) = delete;
    Hall &operator=(const Hall &) = delete;

    Engine *operator->() { return &engine; }

    bool loginAll()
    {
        for (const Window &w : engine.config().windows) {
            if (!engine.login(w.number, officerFor(w.number)).ok())
                return false;
        }
        return true;
    }
    bool login(const QString &window) { return engine.login(window, officerFor(window)).ok(); }

    hall::queue::Result<Ticket> touch(const QString &business, const QString &priority = {}, bool green = false)
    {
        IssueRequest r;
        r.businessCode = business;
        r.source = TicketSource::Touch;
        r.priorityName = priority;
        r.green = green;
        r.actor = 900;
        return engine.issue(r);
    }
    hall::queue::Result<Ticket> byIdCard(const QString &business, const QString &id)
    {
        IssueRequest r;
        r.businessCode = business;
        r.source = TicketSource::IdCard;
        r.idNumber = id;
        r.actor = 900;
        return engine.issue(r);
    }
    hall::queue::Result<Ticket> byPhone(const QString &business, const QString &phone)
    {
        IssueRequest r;
        r.businessCode = business;
        r.source = TicketSource::Phone;
        r.phone = phone;
        r.actor = 900;
        return engine.issue(r);
    }
    // The number called by callNext at a window, "" when nobody was called, "!<error>" on error.
    QString next(const QString &window)
    {
        const auto r = engine.callNext(window, officerFor(window));
        if (!r.ok())
            return QStringLiteral("!") + hall::queue::errorCodeName(r.error().code);
        return r->ticket.number;
    }
    TicketStatus status(qint64 id)
    {
        const Ticket *t = engine.ticket(id);
        return t ? t->status : TicketStatus::Cleared;
    }
    hall::queue::BusinessStatus businessStatus(const QString &code)
    {
        for (const hall::queue::BusinessStatus &s : engine.businessStatus()) {
            if (s.business && s.business->code == code)
                return s;
        }
        return {};
    }

    hall::core::ManualClock clock;
    qint64 nextId;
    Engine engine;
};

// What storage keeps: the latest version of every changed object.
struct Store
{
    QMap<qint64, Ticket> tickets;
    QMap<qint64, hall::queue::WindowRuntime> windows;
    QMap<QString, hall::queue::Appointment> appointments;
    QMap<QByteArray, hall::queue::BlacklistEntry> blacklist;
    QMap<qint64, hall::queue::ReleasePassword> passwords;
    QMap<qint64, hall::queue::Lease> leases;

    void absorb(const hall::queue::ChangeSet &c)
    {
        tickets.insert(c.tickets);
        windows.insert(c.windows);
        appointments.insert(c.appointments);
        blacklist.insert(c.blacklist);
        for (const QByteArray &h : c.unblacklisted)
            blacklist.remove(h);
        passwords.insert(c.passwords);
        leases.insert(c.leases);
    }
    hall::queue::Snapshot snapshot() const
    {
        hall::queue::Snapshot s;
        s.tickets = tickets.values();
        s.windows = windows.values();
        s.appointments = appointments.values();
        s.blacklist = blacklist.values();
        s.passwords = passwords.values();
        s.leases = leases.values();
        return s;
    }
};

} // namespace hallfixture

Q_DECLARE_METATYPE(hall::core::TicketSource)
Q_DECLARE_METATYPE(hall::core::TicketStatus)
Q_DECLARE_METATYPE(hall::core::WindowState)
Q_DECLARE_METATYPE(hall::core::CallPolicy)
Q_DECLARE_METATYPE(hall::queue::ErrorCode)
Q_DECLARE_METATYPE(hall::queue::CallKind)

// Each macro evaluates its argument once (it is usually an engine operation).
#define HALL_VERIFY_OK(result)                                                                            \
    do {                                                                                                  \
        const auto &hallResult_ = (result);                                                               \
        QVERIFY2(hallResult_.ok(), qPrintable(hallfixture::describe(hallResult_)));                       \
    } while (false)
#define HALL_VERIFY_ERROR(result, expectedCode)                                                           \
    do {                                                                                                  \
        const auto &hallResult_ = (result);                                                               \
        QVERIFY2(!hallResult_.ok(), "expected an error, got success");                                    \
        QVERIFY2(hallResult_.error().code == (expectedCode), qPrintable(hallfixture::describe(hallResult_))); \
    } while (false)
