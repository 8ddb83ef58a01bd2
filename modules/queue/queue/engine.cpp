#include "engine.h"

#include "json.h"

#include <core/idnumber.h>
#include <core/logging.h>

#include <QRandomGenerator>

#include <algorithm>

namespace hall::queue {

using core::Business;
using core::BusinessHours;
using core::Ticket;
using core::TicketSource;
using core::TicketStatus;
using core::WindowState;

namespace {

// Business documents an empty appointment, green or special prefix as "same as prefix".
QString kindPrefix(const Business &b, const QString &prefix)
{
    return prefix.isEmpty() ? b.prefix : prefix;
}

// The business a ticket's number and quota were drawn from. A transfer to another business
// (Q10) changes the ticket's businessId but not its number, so look for the owner of its prefix.
const Business *issuerOf(const core::HallConfig &config, const Ticket &t)
{
    auto owns = [&t](const Business &b) {
        return t.prefix == b.prefix || t.prefix == kindPrefix(b, b.appointmentPrefix)
            || t.prefix == kindPrefix(b, b.greenPrefix) || t.prefix == kindPrefix(b, b.specialPrefix);
    };
    const Business *own = config.businessById(t.businessId);
    if (own && owns(*own))
        return own;
    for (const Business &b : config.businesses) {
        if (owns(b))
            return &b;
    }
    return own;
}

} // namespace

Engine::Engine(core::HallConfig config, const core::Clock *clock, Hasher hasher, IdAllocator nextId)
    : m_config(std::move(config)), m_clock(clock), m_hasher(std::move(hasher)), m_nextId(std::move(nextId))
{
    m_day = now().date();
    for (const core::Window &w : std::as_const(m_config.windows)) {
        WindowRuntime rt;
        rt.windowId = w.id;
        m_windows.insert(w.id, rt);
    }
}

void Engine::setConfig(core::HallConfig config)
{
    m_config = std::move(config);
    for (const core::Window &w : std::as_const(m_config.windows)) {
        if (!m_windows.contains(w.id)) {
            WindowRuntime rt;
            rt.windowId = w.id;
            m_windows.insert(w.id, rt);
        }
    }
    rebuildIndexes();
}

void Engine::restore(const Snapshot &s)
{
    m_tickets.clear();
    for (const Ticket &t : s.tickets)
        m_tickets.insert(t.id, t);
    for (const WindowRuntime &rt : s.windows) {
        if (m_windows.contains(rt.windowId))
            m_windows[rt.windowId] = rt;
    }
    m_appointments.clear();
    for (const Appointment &a : s.appointments)
        m_appointments.insert(a.code, a);
    m_blacklist.clear();
    for (const BlacklistEntry &b : s.blacklist)
        m_blacklist.insert(b.identityHash, b);
    m_passwords.clear();
    for (const ReleasePassword &p : s.passwords)
        m_passwords.insert(p.id, p);
    m_leases.clear();
    for (const Lease &l : s.leases)
        m_leases.insert(l.id, l);
    // Resume on the day the snapshot was taken, so that ensureDay() rolls over to today exactly
    // as a running engine would have: yesterday's logins end, its open tickets are cleared.
    QDate last;
    for (const Ticket &t : s.tickets) {
        if (!last.isValid() || t.day > last)
            last = t.day;
    }
    for (const WindowRuntime &rt : s.windows) {
        if (rt.since.isValid() && (!last.isValid() || rt.since.date() > last))
            last = rt.since.date();
    }
    const QDate today = now().date();
    m_day = last.isValid() && last < today ? last : today;
    m_clearedDay = {};
    m_mayHoldOldTickets = true;
    rebuildIndexes();
    m_changes = {};
    ensureDay(); // tickets left open from an earlier day are cleared now
}

QString Engine::halfKey(BusinessHours::Half half) const
{
    return half == BusinessHours::Half::Morning ? QStringLiteral("am") : QStringLiteral("pm");
}

// Quotas count walk-in tickets only: appointments were budgeted when booked, and virtual,
// special and sub tickets are made by staff for people already in the hall.
bool Engine::counted(const Ticket &t) const
{
    return t.source == TicketSource::Touch || t.source == TicketSource::IdCard || t.source == TicketSource::Phone;
}

void Engine::rebuildIndexes()
{
    m_index.clear();
    for (const Ticket &t : std::as_const(m_tickets))
        m_index.update(t, m_day);
    m_subs.clear();
    m_byIdentity.clear();
    m_lastSeq.clear();
    m_issued.clear();
    m_reserved.clear();
    m_leaseTickets.clear();
    m_servedAt.clear();
    m_nextOrderKey = 1;
    // A lease's numbers are spent (handed back or not); first, so that offline tickets inside
    // blocks below the lease start are known as such.
    for (const Lease &l : std::as_const(m_leases))
        spendNumbers(l.businessId, l.prefix, l.from, l.to, true);
    for (const Ticket &t : std::as_const(m_tickets)) {
        m_nextOrderKey = std::max(m_nextOrderKey, t.orderKey + 1);
        if (t.day != m_day)
            continue;
        if (t.masterId)
            m_subs[t.masterId].append(t.id);
        if (!t.identityHash.isEmpty())
            m_byIdentity[t.identityHash].append(t.id);
        const Business *issuer = issuerOf(m_config, t);
        if (t.source != TicketSource::Sub)
            spendNumbers(issuer ? issuer->id : t.businessId, t.prefix, t.seq, t.seq, false);
        // As callTicket() counts: sub tickets are called with their master, virtual ones never.
        if (t.windowId && t.calledAt.isValid() && !t.masterId && t.source != TicketSource::Virtual)
            ++m_servedAt[QStringLiteral("%1/%2").arg(t.windowId).arg(t.businessId)];
        if (counted(t) && issuer && t.status != TicketStatus::Voided)
            countQuota(m_issued, *issuer, issuer->hours.halfAt(t.issuedAt.time()), 1);
        if (t.source != TicketSource::Sub && !m_leases.isEmpty()) {
            if (const Lease *l = leaseOf(issuer ? issuer->id : t.businessId, t.prefix, t.seq))
                m_leaseTickets[l->id].insert(t.seq, t.id);
        }
    }
    // The numbers of a lease its device may still issue hold quota.
    for (const Lease &l : std::as_const(m_leases)) {
        if (const Business *b = m_config.businessById(l.businessId))
            countQuota(m_reserved, *b, l.half == QLatin1String("am") ? BusinessHours::Half::Morning : BusinessHours::Half::Afternoon,
                       l.held() - leaseUsed(l.id));
    }
}

void Engine::countQuota(QHash<QString, int> &counts, const Business &b, BusinessHours::Half half, int n) const
{
    if (half == BusinessHours::Half::Closed)
        return;
    counts[QStringLiteral("b:%1/%2").arg(b.id).arg(halfKey(half))] += n;
    if (!b.groupCode.isEmpty())
        counts[QStringLiteral("g:%1/%2").arg(b.groupCode, halfKey(half))] += n;
}

void Engine::ensureDay()
{
    // Runs before every operation, so the common case must cost nothing: once a day is set,
    // m_tickets holds only that day's tickets, and only restore() can bring in older ones.
    const QDate today = now().date();
    if (today == m_day && !m_mayHoldOldTickets)
        return;
    m_mayHoldOldTickets = false;
    // Close what an earlier day left open; today's queue (e.g. restored next to an older
    // ticket still open) is not touched.
    int n = 0;
    for (Ticket &t : m_tickets) {
        if (t.day == today || !t.isOpen())
            continue;
        setStatus(t, TicketStatus::Cleared);
        t.finishedAt = now();
        touch(t);
        ++n;
    }
    if (n > 0) {
        audit(0, QStringLiteral("clear"), 0, 0, QStringLiteral("day rollover: %1 tickets").arg(n));
        m_changes.events.append({QStringLiteral("queue.cleared"), QJsonObject{{QStringLiteral("count"), n}}});
    }
    for (WindowRuntime &rt : m_windows) {
        if (today != m_day) {
            if (rt.state != WindowState::Offline || rt.currentTicketId) {
                rt = WindowRuntime{rt.windowId, WindowState::Offline, 0, 0, {}, {}, now()};
                touch(rt);
                emitWindow(rt);
            }
        } else if (rt.currentTicketId) {
            const Ticket *cur = ticket(rt.currentTicketId);
            if (!cur || !cur->isOpen()) {
                rt.currentTicketId = 0;
                if (rt.state == WindowState::Serving)
                    rt.state = WindowState::Idle;
                touch(rt);
                emitWindow(rt);
            }
        }
    }
    // Earlier days' tickets (all closed now) stay in storage for statistics, not in memory.
    for (auto it = m_tickets.begin(); it != m_tickets.end();) {
        if (it->day != today)
            it = m_tickets.erase(it);
        else
            ++it;
    }
    if (today != m_day) {
        m_day = today;
        m_clearedDay = {};
        for (auto it = m_passwords.begin(); it != m_passwords.end();) {
            if (it->day != today)
                it = m_passwords.erase(it);
            else
                ++it;
        }
        // A lease is for its day: a new day voids what is left of it.
        for (auto it = m_leases.begin(); it != m_leases.end();) {
            if (it->day != today)
                it = m_leases.erase(it);
            else
                ++it;
        }
    }
    rebuildIndexes();
}

void Engine::tick()
{
    ensureDay();
    if (m_clearedDay != m_day && now().time() >= m_config.rules.clearAt) {
        m_clearedDay = m_day;
        const int n = clearOpenTicketsBefore(QDateTime(m_day, m_config.rules.clearAt), 0,
                                             QStringLiteral("scheduled end-of-day clearing"));
        if (n > 0)
            qCInfo(lcQueue) << m_config.code << "end-of-day clearing closed" << n << "tickets";
    }
}

int Engine::clearOpenTickets(qint64 actor, const QString &reason)
{
    return clearOpenTicketsBefore(QDateTime(), actor, reason);
}

// Closes open tickets issued before `cutoff` (all of them when it is null). The scheduled
// clearing passes today's clearAt, so running it again after a restart leaves anything issued
// since untouched.
int Engine::clearOpenTicketsBefore(const QDateTime &cutoff, qint64 actor, const QString &reason)
{
    int n = 0;
    for (Ticket &t : m_tickets) {
        if (!t.isOpen() || (cutoff.isValid() && t.issuedAt >= cutoff))
            continue;
        setStatus(t, TicketStatus::Cleared);
        t.finishedAt = now();
        touch(t);
        ++n;
    }
    for (WindowRuntime &rt : m_windows) {
        const Ticket *cur = ticket(rt.currentTicketId);
        if (rt.currentTicketId && (!cur || !cur->isOpen())) {
            rt.currentTicketId = 0;
            if (rt.state == WindowState::Serving)
                rt.state = WindowState::Idle;
            touch(rt);
            emitWindow(rt);
        }
    }
    if (n > 0) {
        audit(actor, QStringLiteral("clear"), 0, 0, QStringLiteral("%1: %2 tickets").arg(reason).arg(n));
        m_changes.events.append({QStringLiteral("queue.cleared"), QJsonObject{{QStringLiteral("count"), n}}});
    }
    return n;
}

// ---------------------------------------------------------------------------------------
// bookkeeping

void Engine::setStatus(Ticket &t, TicketStatus status)
{
    t.status = status;
}

// Every change of a ticket ends here, so the queue index follows them all.
void Engine::touch(const Ticket &t)
{
    m_changes.tickets.insert(t.id, t);
    m_index.update(t, m_day);
}

void Engine::touch(const WindowRuntime &rt)
{
    m_changes.windows.insert(rt.windowId, rt);
}

void Engine::audit(qint64 actor, const QString &action, qint64 ticketId, qint64 windowId, const QString &detail)
{
    m_changes.audit.append(AuditEntry{now(), actor, action, ticketId, windowId, detail});
}

void Engine::emitTicket(const QString &type, const Ticket &t, QJsonObject extra)
{
    QJsonObject data = publicTicketJson(*this, t);
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
        data.insert(it.key(), it.value());
    m_changes.events.append({type, data});
}

void Engine::emitWindow(const WindowRuntime &rt)
{
    m_changes.events.append({QStringLiteral("window.state"), windowJson(*this, windowStatus(m_config.windowById(rt.windowId)->number))});
}

ChangeSet Engine::takeChanges()
{
    return std::exchange(m_changes, ChangeSet{});
}

// ---------------------------------------------------------------------------------------
// lookups

Result<const Business *> Engine::findBusiness(const QString &code) const
{
    if (const Business *b = m_config.business(code))
        return b;
    return Error{ErrorCode::NotFound, tr("There is no business \"%1\" in this hall.").arg(code)};
}

Result<const core::Window *> Engine::findWindow(const QString &number) const
{
    if (const core::Window *w = m_config.window(number))
        return w;
    return Error{ErrorCode::NotFound, tr("There is no window \"%1\" in this hall.").arg(number)};
}

Result<WindowRuntime *> Engine::openWindow(const QString &number, bool allowPaused)
{
    auto w = findWindow(number);
    if (!w)
        return w.error();
    WindowRuntime &rt = m_windows[w.value()->id];
    if (rt.state == WindowState::Offline)
        return Error{ErrorCode::WindowOffline, tr("Nobody is logged in at window %1.").arg(number)};
    if (rt.state == WindowState::Paused && !allowPaused)
        return Error{ErrorCode::WindowPaused, tr("Window %1 is paused; resume it first.").arg(number)};
    return &rt;
}

const Ticket *Engine::ticket(qint64 id) const
{
    const auto it = m_tickets.constFind(id);
    return it == m_tickets.constEnd() ? nullptr : &*it;
}

QList<Ticket *> Engine::subsOf(qint64 masterId)
{
    QList<Ticket *> out;
    for (qint64 id : m_subs.value(masterId)) {
        auto it = m_tickets.find(id);
        if (it != m_tickets.end() && it->masterId == masterId)
            out.append(&*it);
    }
    return out;
}

QList<Ticket> Engine::tickets(std::function<bool(const Ticket &)> filter) const
{
    QList<Ticket> out;
    for (const Ticket &t : m_tickets) {
        if (!filter || filter(t))
            out.append(t);
    }
    std::sort(out.begin(), out.end(), [](const Ticket &a, const Ticket &b) { return a.id < b.id; });
    return out;
}

// ---------------------------------------------------------------------------------------
// issuing

bool Engine::isServed(const Business &b) const
{
    for (const core::Window &w : m_config.windows) {
        if (!w.serves(b.code))
            continue;
        const WindowState s = m_windows.value(w.id).state;
        if (s == WindowState::Idle || s == WindowState::Serving)
            return true;
    }
    return false;
}

int Engine::quotaRemaining(const Business &b) const
{
    const auto half = b.hours.halfAt(now().time());
    if (half == BusinessHours::Half::Closed)
        return 0;
    int remaining = -1;
    auto limit = [&remaining](int quota, int used) {
        if (quota < 0)
            return;
        const int left = std::max(0, quota - used);
        remaining = remaining < 0 ? left : std::min(remaining, left);
    };
    // Leased numbers count from the moment they are granted, so tickets issued offline never
    // take a quota past its figure.
    auto used = [this](const QString &scope, const char *h) {
        const QString key = scope + u'/' + QLatin1String(h);
        return m_issued.value(key) + m_reserved.value(key);
    };
    const QString bs = QStringLiteral("b:%1").arg(b.id);
    limit(half == BusinessHours::Half::Morning ? b.quota.morning : b.quota.afternoon,
          used(bs, half == BusinessHours::Half::Morning ? "am" : "pm"));
    limit(b.quota.daily, used(bs, "am") + used(bs, "pm"));
    if (const core::WindowGroup *g = m_config.group(b.groupCode)) {
        const QString gs = QStringLiteral("g:%1").arg(g->code);
        limit(half == BusinessHours::Half::Morning ? g->quota.morning : g->quota.afternoon,
              used(gs, half == BusinessHours::Half::Morning ? "am" : "pm"));
        limit(g->quota.daily, used(gs, "am") + used(gs, "pm"));
    }
    return remaining;
}

std::optional<Error> Engine::checkIssuable(const Business &b, bool walkIn) const
{
    if (b.paused)
        return Error{ErrorCode::BusinessPaused, tr("%1 is paused; no tickets are issued for it now.").arg(b.name)};
    if (m_config.rules.blockUnserved && !isServed(b))
        return Error{ErrorCode::Unserved, tr("No window is serving %1 at the moment.").arg(b.name)};
    if (!walkIn)
        return std::nullopt;
    if (b.hours.halfAt(now().time()) == BusinessHours::Half::Closed)
        return Error{ErrorCode::Closed, tr("%1 is not taking tickets at this time.").arg(b.name)};
    if (quotaRemaining(b) == 0)
        return Error{ErrorCode::QuotaFull, tr("当前业务取号数量已满")};
    return std::nullopt;
}

std::optional<Error> Engine::checkIdentity(const Business &b, const QByteArray &identity) const
{
    if (identity.isEmpty())
        return std::nullopt;
    const auto bl = m_blacklist.constFind(identity);
    if (bl != m_blacklist.constEnd() && bl->until >= m_day)
        return Error{ErrorCode::Blacklisted, tr("This person may not take tickets until %1.").arg(bl->until.toString(Qt::ISODate))};
    for (qint64 id : m_byIdentity.value(identity)) {
        const Ticket &t = *m_tickets.constFind(id);
        if (t.businessId == b.id && t.isOpen() && t.day == m_day)
            return Error{ErrorCode::Duplicate, tr("This person already holds ticket %1 for %2; reprint it instead.").arg(t.number, b.name), t.id};
    }
    return std::nullopt;
}

// The person behind a walk-in ticket, online or offline: the identity's hash and the priority
// level, then the identity rules (one open ticket per person and business, the blacklist).
std::optional<Error> Engine::checkApplicant(const Business &b, TicketSource source, const QString &idNumber, const QString &phone,
                                            const QString &priorityName, QByteArray *identity, int *priority) const
{
    switch (source) {
    case TicketSource::IdCard:
        if (!core::isValidIdNumber(idNumber))
            return Error{ErrorCode::InvalidInput, tr("The ID number is not valid; read the card again.")};
        *identity = m_hasher(idNumber.toUpper());
        break;
    case TicketSource::Phone:
        if (!core::isValidMobile(phone))
            return Error{ErrorCode::InvalidInput, tr("The mobile number is not valid.")};
        *identity = m_hasher(phone);
        break;
    case TicketSource::Touch:
        break;
    default:
        return Error{ErrorCode::InvalidInput, tr("Tickets of this kind are not issued here.")};
    }
    *priority = 0;
    if (!priorityName.isEmpty()) {
        const auto it = b.priorities.constFind(priorityName);
        if (it == b.priorities.constEnd())
            return Error{ErrorCode::InvalidInput, tr("%1 has no priority level \"%2\".").arg(b.name, priorityName)};
        *priority = *it;
    }
    return checkIdentity(b, *identity);
}

// Walk-in numbers (a business's own prefix) are handed out from both sides of its lease start
// (A800 of 001–999): online numbers count up from the start of the range, leases from the
// lease start up. When the leases reach the end of the range, further leases are blocks
// counting down from the lease start (A770–A799, then A740–A769 …) towards the online numbers;
// online numbers that reach the leased blocks go on above the last number given out. So online
// numbering starts at 001, leases at 800, and nothing is given twice. Counters, per
// "businessId/prefix": the last online number below the leases; "…/up" the last number from
// the lease start up; "…/down" the first number of the lowest leased block below it.
void Engine::spendNumbers(qint64 businessId, const QString &prefix, int from, int to, bool lease)
{
    const QString key = QStringLiteral("%1/%2").arg(businessId).arg(prefix);
    const Business *b = m_config.businessById(businessId);
    if (!b || prefix != b->prefix) {
        int &online = m_lastSeq[key];
        online = std::max(online, to);
        return;
    }
    const int start = b->leaseStart();
    if (lease && from < start) {
        int &down = m_lastSeq[key + QStringLiteral("/down")];
        down = down ? std::min(down, from) : from;
    }
    // A number inside the leased blocks below the lease start (an offline ticket) moves neither.
    if (const int floor = leaseFloor(*b); from < floor) {
        int &online = m_lastSeq[key];
        online = std::max(online, std::min(to, floor - 1));
    }
    if (to >= start) {
        int &up = m_lastSeq[key + QStringLiteral("/up")];
        up = std::max(up, to);
    }
}

int Engine::leaseFloor(const Business &b) const
{
    const int down = m_lastSeq.value(QStringLiteral("%1/%2/down").arg(b.id).arg(b.prefix));
    return down > 0 ? down : b.leaseStart();
}

int Engine::nextLeaseSeq(const Business &b) const
{
    return std::max(m_lastSeq.value(QStringLiteral("%1/%2/up").arg(b.id).arg(b.prefix)) + 1, b.leaseStart());
}

Result<int> Engine::nextSeq(const Business &b, const QString &prefix) const
{
    const int last = m_lastSeq.value(QStringLiteral("%1/%2").arg(b.id).arg(prefix), b.rangeStart - 1);
    int seq = std::max(last + 1, b.rangeStart);
    if (prefix == b.prefix && seq >= leaseFloor(b))
        seq = nextLeaseSeq(b);
    if (seq > b.rangeEnd)
        return Error{ErrorCode::RangeExhausted, tr("All numbers of %1 for today are used (%2).").arg(b.name, b.formatNumber(prefix, b.rangeEnd))};
    return seq;
}

// Arrival order is issue time: a key is the issue time in milliseconds × 1000 plus a count of
// the tickets of that millisecond, so a ticket issued offline and taken in later sorts among
// those issued around it. (Keys of earlier versions counted 1, 2, 3 …; they stay below.)
qint64 Engine::orderKeyAt(const QDateTime &issuedAt)
{
    qint64 key = issuedAt.toMSecsSinceEpoch() * 1000;
    if (issuedAt >= now()) {
        key = std::max(key, m_nextOrderKey);
    } else {
        QSet<qint64> taken;
        for (const Ticket &t : std::as_const(m_tickets)) {
            if (t.orderKey >= key && t.orderKey < key + 1000)
                taken.insert(t.orderKey);
        }
        while (taken.contains(key))
            ++key;
    }
    m_nextOrderKey = std::max(m_nextOrderKey, key + 1);
    return key;
}

Ticket Engine::makeTicket(const Business &b, const QString &prefix, int seq, TicketSource source, const QDateTime &issuedAt)
{
    Ticket t;
    t.id = m_nextId();
    t.hallId = m_config.id;
    t.businessId = b.id;
    t.day = m_day;
    t.prefix = prefix;
    t.seq = seq;
    t.number = b.formatNumber(prefix, seq);
    t.source = source;
    t.issuedAt = issuedAt.isValid() ? issuedAt : now();
    t.orderKey = orderKeyAt(t.issuedAt);
    t.printCount = 1;
    return t;
}

void Engine::addTicket(Ticket t, qint64 actor, const QString &action)
{
    // An offline ticket's number lies below numbers issued since its lease: keep the highest.
    if (t.source != TicketSource::Sub)
        spendNumbers(t.businessId, t.prefix, t.seq, t.seq, false);
    if (counted(t)) {
        const Business *b = m_config.businessById(t.businessId);
        countQuota(m_issued, *b, b->hours.halfAt(t.issuedAt.time()), 1);
    }
    m_tickets.insert(t.id, t);
    setStatus(m_tickets[t.id], t.status);
    if (t.masterId)
        m_subs[t.masterId].append(t.id);
    if (!t.identityHash.isEmpty())
        m_byIdentity[t.identityHash].append(t.id);
    touch(t);
    audit(actor, action, t.id, t.windowId);
    emitTicket(QStringLiteral("ticket.issued"), t);
}

Result<core::Ticket> Engine::issue(const IssueRequest &req)
{
    ensureDay();
    auto b = findBusiness(req.businessCode);
    if (!b)
        return b.error();
    const Business &biz = *b.value();

    QByteArray identity;
    int priority = 0;
    // Someone who already holds a ticket is offered a reprint even when the business is full.
    if (auto e = checkApplicant(biz, req.source, req.idNumber, req.phone, req.priorityName, &identity, &priority))
        return *e;
    if (auto e = checkIssuable(biz, true))
        return *e;
    const QString prefix = req.green ? kindPrefix(biz, biz.greenPrefix) : biz.prefix;
    auto seq = nextSeq(biz, prefix);
    if (!seq)
        return seq.error();

    Ticket t = makeTicket(biz, prefix, seq.value(), req.source);
    t.identityHash = identity;
    t.priority = priority;
    t.green = req.green;
    addTicket(t, req.actor, QStringLiteral("issue"));
    return m_tickets.value(t.id);
}

// ---------------------------------------------------------------------------------------
// offline numbering

const Lease *Engine::leaseOf(qint64 businessId, const QString &prefix, int seq) const
{
    for (const Lease &l : m_leases) {
        if (l.businessId == businessId && l.prefix == prefix && seq >= l.from && seq <= l.to)
            return &l;
    }
    return nullptr;
}

QList<Lease> Engine::leases() const
{
    QList<Lease> out = m_leases.values();
    std::sort(out.begin(), out.end(), [](const Lease &a, const Lease &b) { return a.id < b.id; });
    return out;
}

int Engine::leaseUsed(qint64 leaseId) const
{
    const auto it = m_leaseTickets.constFind(leaseId);
    return it == m_leaseTickets.constEnd() ? 0 : int(it->size());
}

Result<Lease> Engine::lease(const QString &businessCode, int size, const QString &device, qint64 actor)
{
    ensureDay();
    auto b = findBusiness(businessCode);
    if (!b)
        return b.error();
    const Business &biz = *b.value();
    if (size < 1 || size > MaxLeaseSize)
        return Error{ErrorCode::InvalidInput, tr("A lease holds 1 to %1 numbers.").arg(MaxLeaseSize)};
    if (device.isEmpty())
        return Error{ErrorCode::InvalidInput, tr("A lease is for one device; name it.")};
    int open = 0;
    for (const Lease &l : std::as_const(m_leases)) {
        if (l.device == device && l.businessId == biz.id && now() < l.until && !l.returnedFrom && leaseUsed(l.id) < l.size())
            ++open;
    }
    if (open >= MaxOpenLeases)
        return Error{ErrorCode::InvalidState, tr("This device already holds %1 leases of %2 with numbers left; use them first.")
                                                  .arg(open).arg(biz.name)};
    // Not checkIssuable(): a kiosk stocks up before the windows open, and it is the offline
    // ticket that joins the queue later, whatever is open then.
    if (biz.paused)
        return Error{ErrorCode::BusinessPaused, tr("%1 is paused; no tickets are issued for it now.").arg(biz.name)};
    const auto half = biz.hours.halfAt(now().time());
    if (half == BusinessHours::Half::Closed)
        return Error{ErrorCode::Closed, tr("%1 is not taking tickets at this time.").arg(biz.name)};
    const int remaining = quotaRemaining(biz);
    if (remaining == 0)
        return Error{ErrorCode::QuotaFull, tr("当前业务取号数量已满")};
    // From the lease start up (A800…); once the top of the range is given out, the next block
    // lies just below the lowest one, above the day's online numbers. When they meet, no more.
    const int n = remaining > 0 ? std::min(size, remaining) : size;
    int from = nextLeaseSeq(biz), to = std::min(biz.rangeEnd, from + n - 1);
    if (from > biz.rangeEnd) {
        to = leaseFloor(biz) - 1;
        from = std::max({m_lastSeq.value(QStringLiteral("%1/%2").arg(biz.id).arg(biz.prefix)) + 1, biz.rangeStart, to - n + 1});
        if (from > to)
            return Error{ErrorCode::RangeExhausted, tr("All numbers of %1 for today are given out (%2–%3); no more can be leased.")
                                                        .arg(biz.name, biz.formatNumber(biz.prefix, biz.rangeStart), biz.formatNumber(biz.prefix, biz.rangeEnd))};
    }

    Lease l;
    l.id = m_nextId();
    l.businessId = biz.id;
    l.prefix = biz.prefix;
    l.from = from;
    l.to = to;
    l.day = m_day;
    l.half = halfKey(half);
    l.grantedAt = now();
    l.until = QDateTime(m_day, half == BusinessHours::Half::Morning ? biz.hours.morningEnd : biz.hours.afternoonEnd);
    l.device = device;
    l.accountId = actor;
    m_leases.insert(l.id, l);
    spendNumbers(biz.id, biz.prefix, l.from, l.to, true);
    countQuota(m_reserved, biz, half, l.size());
    m_changes.leases.insert(l.id, l);
    audit(actor, QStringLiteral("lease"), 0, 0,
          QStringLiteral("%1 %2-%3 %4").arg(biz.code, biz.formatNumber(l.prefix, l.from), biz.formatNumber(l.prefix, l.to), device));
    return l;
}

Result<core::Ticket> Engine::importOffline(const OfflineTicketRequest &req)
{
    ensureDay();
    auto b = findBusiness(req.businessCode);
    if (!b)
        return b.error();
    const Business &biz = *b.value();
    const QString number = biz.formatNumber(biz.prefix, req.seq);
    const Lease *l = leaseOf(biz.id, biz.prefix, req.seq);
    if (!req.issuedAt.isValid() || req.issuedAt.date() != m_day)
        return Error{ErrorCode::LeaseExpired, tr("Ticket %1 was issued on %2; offline tickets count only on the day of their lease.")
                                                  .arg(number, req.issuedAt.date().toString(Qt::ISODate))};
    if (!l || l->device != req.device || l->accountId != req.actor)
        return Error{ErrorCode::OutsideLease, tr("Number %1 is not inside a lease this device holds today.").arg(number)};
    // Kiosks' clocks drift a little: a time up to five minutes off is taken as it is (it is what
    // tells a ticket sent again from another one with the same number); further off, refused.
    constexpr qint64 skewSecs = 5 * 60;
    if (req.issuedAt > now().addSecs(skewSecs))
        return Error{ErrorCode::InvalidInput, tr("Ticket %1 has an issue time in the future (%2); check the kiosk's clock.")
                                                  .arg(number, req.issuedAt.toString(Qt::ISODate))};
    if (req.issuedAt < l->grantedAt.addSecs(-skewSecs))
        return Error{ErrorCode::OutsideLease, tr("Ticket %1 was issued before its lease was granted (%2).")
                                                  .arg(number, l->grantedAt.toString(Qt::ISODate))};
    const QDateTime at = req.issuedAt;
    const auto half = biz.hours.halfAt(at.time());
    if (at >= l->until || half == BusinessHours::Half::Closed || halfKey(half) != l->half)
        return Error{ErrorCode::LeaseExpired, tr("The lease of %1 ended at %2; ticket %1 was issued after it.")
                                                  .arg(number, l->until.time().toString(QStringLiteral("HH:mm")))};
    if (l->returnedFrom && req.seq >= l->returnedFrom)
        return Error{ErrorCode::OutsideLease, tr("Number %1 was handed back with the rest of its lease at %2; it is never issued.")
                                                  .arg(number, l->returnedAt.toString(QStringLiteral("HH:mm")))};
    if (const qint64 taken = m_leaseTickets.value(l->id).value(req.seq)) {
        const Ticket &t = m_tickets[taken];
        if (t.issuedAt == at)
            return t; // the same ticket again (sent once more after a reset): it is in already
        return Error{ErrorCode::NumberUsed, tr("Number %1 was taken into the queue already; a number is used once.").arg(number), t.id};
    }
    QByteArray identity;
    int priority = 0;
    if (auto e = checkApplicant(biz, req.source, req.idNumber, req.phone, req.priorityName, &identity, &priority))
        return *e;

    const Lease lease = *l;
    Ticket t = makeTicket(biz, biz.prefix, req.seq, req.source, at);
    t.identityHash = identity;
    t.priority = priority;
    addTicket(t, req.actor, QStringLiteral("issue-offline"));
    m_leaseTickets[lease.id].insert(t.seq, t.id);
    // Counted as issued now (addTicket), so no longer held by the lease.
    countQuota(m_reserved, biz, half, -1);
    return m_tickets.value(t.id);
}

Result<Lease> Engine::returnLease(qint64 leaseId, int used, const QString &device, qint64 actor)
{
    ensureDay();
    const auto it = m_leases.find(leaseId);
    if (it == m_leases.end() || it->device != device)
        return Error{ErrorCode::NotFound, tr("Device %1 holds no lease %2 today.").arg(device).arg(leaseId)};
    Lease &l = *it;
    if (used < 0 || used > l.size())
        return Error{ErrorCode::InvalidInput, tr("used: how many numbers of the lease were issued, 0 to %1.").arg(l.size())};
    const int first = l.from + used;
    if (l.returnedFrom)
        return l.returnedFrom == first ? Result<Lease>(l)
                                       : Error{ErrorCode::InvalidState, tr("Lease %1 was handed back from number %2 on already; handed-back numbers never return.")
                                                                            .arg(leaseId).arg(l.returnedFrom)};
    const QHash<int, qint64> taken = m_leaseTickets.value(l.id);
    for (auto t = taken.cbegin(); t != taken.cend(); ++t) {
        if (t.key() >= first)
            return Error{ErrorCode::InvalidState, tr("Ticket %1 of this lease is in the queue already; %2 numbers cannot have been issued.")
                                                      .arg(m_tickets.value(t.value()).number).arg(used), t.value()};
    }
    l.returnedFrom = first;
    l.returnedAt = now();
    if (const Business *b = m_config.businessById(l.businessId))
        countQuota(m_reserved, *b, l.half == QLatin1String("am") ? BusinessHours::Half::Morning : BusinessHours::Half::Afternoon,
                   -(l.to - first + 1));
    m_changes.leases.insert(l.id, l);
    const Business *b = m_config.businessById(l.businessId);
    audit(actor, QStringLiteral("lease-return"), 0, 0,
          QStringLiteral("%1 %2 from %3 (%4 numbers)").arg(b ? b->code : QString()).arg(l.id)
              .arg(b ? b->formatNumber(l.prefix, first) : QString::number(first)).arg(l.to - first + 1));
    return l;
}

Result<Appointment> Engine::book(const QString &code, const QString &businessCode, const QString &idNumber,
                                 const QString &phone, const QDateTime &slotStart, const QDateTime &slotEnd,
                                 qint64 actor)
{
    ensureDay();
    auto b = findBusiness(businessCode);
    if (!b)
        return b.error();
    if (code.isEmpty() || code.size() > 32)
        return Error{ErrorCode::InvalidInput, tr("An appointment code of 1 to 32 characters is required.")};
    if (m_appointments.contains(code))
        return Error{ErrorCode::Duplicate, tr("Appointment %1 already exists.").arg(code)};
    if (!slotStart.isValid() || !slotEnd.isValid() || slotEnd <= slotStart)
        return Error{ErrorCode::InvalidInput, tr("The appointment slot must have a start before its end.")};
    if (slotEnd < now())
        return Error{ErrorCode::InvalidInput, tr("The appointment slot is already over.")};
    QByteArray identity;
    if (!idNumber.isEmpty()) {
        if (!core::isValidIdNumber(idNumber))
            return Error{ErrorCode::InvalidInput, tr("The ID number is not valid; read the card again.")};
        identity = m_hasher(idNumber.toUpper());
    } else if (!phone.isEmpty()) {
        if (!core::isValidMobile(phone))
            return Error{ErrorCode::InvalidInput, tr("The mobile number is not valid.")};
        identity = m_hasher(phone);
    }
    const auto bl = m_blacklist.constFind(identity);
    if (!identity.isEmpty() && bl != m_blacklist.constEnd() && bl->until >= slotStart.date())
        return Error{ErrorCode::Blacklisted, tr("This person may not book until %1.").arg(bl->until.toString(Qt::ISODate))};

    Appointment a;
    a.id = m_nextId();
    a.code = code;
    a.businessId = b.value()->id;
    a.identityHash = identity;
    a.slotStart = slotStart;
    a.slotEnd = slotEnd;
    m_appointments.insert(code, a);
    m_changes.appointments.insert(code, a);
    audit(actor, QStringLiteral("book"), 0, 0, code);
    return a;
}

Result<core::Ticket> Engine::checkIn(const QString &code, qint64 actor)
{
    ensureDay();
    auto it = m_appointments.find(code);
    if (it == m_appointments.end())
        return Error{ErrorCode::NotFound, tr("There is no appointment %1.").arg(code)};
    Appointment &a = *it;
    if (a.ticketId) {
        const Ticket *t = ticket(a.ticketId);
        return Error{ErrorCode::Duplicate, tr("Appointment %1 is already checked in as ticket %2; reprint it instead.")
                                               .arg(code, t ? t->number : QString()), a.ticketId};
    }
    if (a.slotStart.date() != m_day)
        return Error{ErrorCode::TooEarly, tr("Appointment %1 is for %2, not today.").arg(code, a.slotStart.date().toString(Qt::ISODate))};
    const QDateTime t0 = now();
    if (t0 < a.slotStart.addSecs(-60LL * m_config.rules.appointmentEarlyMinutes))
        return Error{ErrorCode::TooEarly, tr("Check-in for appointment %1 opens at %2.")
                                              .arg(code, a.slotStart.addSecs(-60LL * m_config.rules.appointmentEarlyMinutes).time().toString(QStringLiteral("HH:mm")))};
    // Blacklisted after booking: no ticket while the entry lasts (Q13).
    if (const auto bl = m_blacklist.constFind(a.identityHash);
        !a.identityHash.isEmpty() && bl != m_blacklist.constEnd() && bl->until >= m_day)
        return Error{ErrorCode::Blacklisted, tr("This person may not take tickets until %1.").arg(bl->until.toString(Qt::ISODate))};
    const Business &biz = *m_config.businessById(a.businessId);
    const bool late = t0 > a.slotEnd.addSecs(60LL * m_config.rules.appointmentGraceMinutes);
    if (auto e = checkIssuable(biz, late))
        return *e;
    // A late arrival loses the slot and queues as a walk-in (Q4).
    const QString prefix = late ? biz.prefix : kindPrefix(biz, biz.appointmentPrefix);
    auto seq = nextSeq(biz, prefix);
    if (!seq)
        return seq.error();
    Ticket t = makeTicket(biz, prefix, seq.value(), late ? TicketSource::Touch : TicketSource::Appointment);
    t.identityHash = a.identityHash;
    t.appointmentCode = code;
    if (!late)
        t.appointmentAt = a.slotStart;
    a.ticketId = t.id;
    m_changes.appointments.insert(code, a);
    addTicket(t, actor, late ? QStringLiteral("checkin-late") : QStringLiteral("checkin"));
    return m_tickets.value(t.id);
}

Result<core::Ticket> Engine::checkInByIdNumber(const QString &idNumber, qint64 actor)
{
    if (!core::isValidIdNumber(idNumber))
        return Error{ErrorCode::InvalidInput, tr("The ID number is not valid; read the card again.")};
    const QByteArray identity = m_hasher(idNumber.toUpper());
    const Appointment *best = nullptr;
    for (const Appointment &a : std::as_const(m_appointments)) {
        if (a.identityHash == identity && !a.ticketId && a.slotStart.date() == now().date()
            && (!best || a.slotStart < best->slotStart))
            best = &a;
    }
    if (!best)
        return Error{ErrorCode::NotFound, tr("No appointment for today was found for this ID card.")};
    return checkIn(best->code, actor);
}

Result<core::Ticket> Engine::reprint(qint64 ticketId, qint64 actor)
{
    ensureDay();
    auto it = m_tickets.find(ticketId);
    if (it == m_tickets.end() || it->day != m_day)
        return Error{ErrorCode::NotFound, tr("There is no ticket %1 today.").arg(ticketId)};
    if (!it->isOpen())
        return Error{ErrorCode::InvalidState, tr("Ticket %1 is closed; it cannot be reprinted.").arg(it->number)};
    ++it->printCount;
    touch(*it);
    audit(actor, QStringLiteral("reprint"), it->id, 0, QString::number(it->printCount));
    return *it;
}

Result<core::Ticket> Engine::voidTicket(qint64 ticketId, const QString &reason, qint64 actor)
{
    ensureDay();
    auto it = m_tickets.find(ticketId);
    if (it == m_tickets.end() || it->day != m_day)
        return Error{ErrorCode::NotFound, tr("There is no ticket %1 today.").arg(ticketId)};
    // Only a ticket nobody has called yet: once a window called it, its holder had it.
    if (it->status != TicketStatus::Waiting || it->callCount > 0)
        return Error{ErrorCode::InvalidState, tr("Ticket %1 is not waiting; only a waiting ticket can be voided.").arg(it->number)};
    setStatus(*it, TicketStatus::Voided);
    it->finishedAt = now();
    if (const Business *b = issuerOf(m_config, *it); b && counted(*it))
        countQuota(m_issued, *b, b->hours.halfAt(it->issuedAt.time()), -1);
    touch(*it);
    audit(actor, QStringLiteral("void"), it->id, 0, reason);
    emitTicket(QStringLiteral("ticket.voided"), *it, {{QStringLiteral("reason"), reason}});
    return *it;
}

Result<core::Ticket> Engine::issueSub(qint64 masterId, const QString &businessCode, qint64 actor)
{
    ensureDay();
    auto mit = m_tickets.find(masterId);
    if (mit == m_tickets.end() || mit->day != m_day)
        return Error{ErrorCode::NotFound, tr("There is no ticket %1 today.").arg(masterId)};
    if (mit->masterId)
        return Error{ErrorCode::InvalidState, tr("Ticket %1 is itself a sub ticket.").arg(mit->number)};
    if (!mit->isOpen() || mit->status == TicketStatus::Hung)
        return Error{ErrorCode::InvalidState, tr("Ticket %1 is not open.").arg(mit->number)};
    auto b = findBusiness(businessCode);
    if (!b)
        return b.error();
    const Ticket master = *mit;
    int n = 0;
    for (const Ticket *sub : subsOf(masterId))
        n = std::max(n, sub->seq);
    Ticket t = makeTicket(*b.value(), master.prefix, n + 1, TicketSource::Sub);
    t.number = master.number + u'-' + QString::number(n + 1);
    t.masterId = masterId;
    t.orderKey = master.orderKey;
    t.status = master.status == TicketStatus::Missed ? TicketStatus::Waiting : master.status;
    t.windowId = master.windowId;
    t.calledAt = master.calledAt;
    t.priority = master.priority;
    t.green = master.green;
    t.identityHash = master.identityHash;
    addTicket(t, actor, QStringLiteral("issue-sub"));
    return m_tickets.value(t.id);
}

Result<core::Ticket> Engine::issueVirtual(const QString &window, const QString &businessCode, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    auto b = findBusiness(businessCode);
    if (!b)
        return b.error();
    const core::Window *w = m_config.windowById(rt.value()->windowId);
    if (!w->serves(businessCode))
        return Error{ErrorCode::WrongWindow, tr("Window %1 does not handle %2.").arg(window, b.value()->name)};
    auto seq = nextSeq(*b.value(), b.value()->prefix);
    if (!seq)
        return seq.error();
    WindowRuntime &r = *rt.value();
    closeCurrent(r, actor);
    Ticket t = makeTicket(*b.value(), b.value()->prefix, seq.value(), TicketSource::Virtual);
    t.status = TicketStatus::Serving;
    t.windowId = r.windowId;
    t.calledAt = now();
    t.officerId = r.officerId;
    addTicket(t, actor, QStringLiteral("issue-virtual"));
    r.currentTicketId = t.id;
    r.state = WindowState::Serving;
    r.since = now();
    touch(r);
    emitWindow(r);
    return m_tickets.value(t.id);
}

Result<QStringList> Engine::createReleasePasswords(const QString &businessCode, int count, qint64 actor)
{
    ensureDay();
    auto b = findBusiness(businessCode);
    if (!b)
        return b.error();
    if (count < 1 || count > 100)
        return Error{ErrorCode::InvalidInput, tr("Between 1 and 100 release passwords can be made at once.")};
    QStringList out;
    for (int i = 0; i < count; ++i) {
        QString pw;
        QByteArray hash;
        do {
            pw = QString::number(QRandomGenerator::system()->bounded(100000000)).rightJustified(8, u'0');
            hash = m_hasher(QStringLiteral("release:") + pw);
        } while (std::any_of(m_passwords.cbegin(), m_passwords.cend(), [&](const ReleasePassword &p) { return p.passwordHash == hash; }));
        ReleasePassword p;
        p.id = m_nextId();
        p.businessId = b.value()->id;
        p.passwordHash = hash;
        p.day = m_day;
        p.createdBy = actor;
        m_passwords.insert(p.id, p);
        m_changes.passwords.insert(p.id, p);
        out.append(pw);
    }
    audit(actor, QStringLiteral("release-passwords"), 0, 0, QStringLiteral("%1 x%2").arg(businessCode).arg(count));
    return out;
}

Result<core::Ticket> Engine::issueSpecial(const QString &password, qint64 actor)
{
    ensureDay();
    const QByteArray hash = m_hasher(QStringLiteral("release:") + password.trimmed());
    ReleasePassword *found = nullptr;
    for (ReleasePassword &p : m_passwords) {
        if (p.passwordHash == hash && p.day == m_day)
            found = &p;
    }
    if (!found || found->ticketId) {
        audit(actor, QStringLiteral("release-refused"), 0, 0, found ? QStringLiteral("used") : QStringLiteral("unknown"));
        return Error{ErrorCode::BadPassword, found ? tr("This release password was already used.")
                                                   : tr("This release password is not valid today.")};
    }
    const Business &biz = *m_config.businessById(found->businessId);
    if (auto e = checkIssuable(biz, false))
        return *e;
    const QString prefix = kindPrefix(biz, biz.specialPrefix);
    auto seq = nextSeq(biz, prefix);
    if (!seq)
        return seq.error();
    Ticket t = makeTicket(biz, prefix, seq.value(), TicketSource::Special);
    int top = 1;
    for (int level : biz.priorities)
        top = std::max(top, level);
    t.priority = top;
    found->ticketId = t.id;
    found->usedBy = actor;
    found->usedAt = now();
    m_changes.passwords.insert(found->id, *found);
    addTicket(t, actor, QStringLiteral("release"));
    return m_tickets.value(t.id);
}

Result<BlacklistEntry> Engine::blacklist(const QString &who, const QDate &until, const QString &reason, qint64 actor)
{
    ensureDay();
    if (!core::isValidIdNumber(who) && !core::isValidMobile(who))
        return Error{ErrorCode::InvalidInput, tr("Give a valid ID number or mobile number.")};
    if (!until.isValid() || until < m_day)
        return Error{ErrorCode::InvalidInput, tr("The end date must be today or later.")};
    if (reason.trimmed().isEmpty())
        return Error{ErrorCode::InvalidInput, tr("A reason is required.")};
    BlacklistEntry e{m_hasher(who.toUpper()), until, reason.trimmed(), actor};
    m_blacklist.insert(e.identityHash, e);
    m_changes.blacklist.insert(e.identityHash, e);
    audit(actor, QStringLiteral("blacklist"), 0, 0, until.toString(Qt::ISODate));
    return e;
}

Result<bool> Engine::unblacklist(const QString &who, qint64 actor)
{
    const QByteArray h = m_hasher(who.toUpper());
    if (!m_blacklist.remove(h))
        return Error{ErrorCode::NotFound, tr("This person is not on the blacklist.")};
    m_changes.blacklist.remove(h);
    m_changes.unblacklisted.append(h);
    audit(actor, QStringLiteral("unblacklist"), 0, 0);
    return true;
}

// ---------------------------------------------------------------------------------------
// windows

Result<WindowRuntime> Engine::login(const QString &window, qint64 officerId)
{
    ensureDay();
    auto w = findWindow(window);
    if (!w)
        return w.error();
    WindowRuntime &rt = m_windows[w.value()->id];
    if (rt.state != WindowState::Offline && rt.officerId != officerId)
        return Error{ErrorCode::InvalidState, tr("Window %1 is in use by another officer; they must log out first.").arg(window)};
    if (rt.state == WindowState::Offline) {
        rt.state = WindowState::Idle;
        rt.since = now();
    }
    rt.officerId = officerId;
    touch(rt);
    audit(officerId, QStringLiteral("login"), 0, rt.windowId);
    emitWindow(rt);
    return rt;
}

Result<WindowRuntime> Engine::logout(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window, true);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    closeCurrent(r, actor);
    r = WindowRuntime{r.windowId, WindowState::Offline, 0, 0, {}, {}, now()};
    touch(r);
    audit(actor, QStringLiteral("logout"), 0, r.windowId);
    emitWindow(r);
    return r;
}

Result<WindowRuntime> Engine::pause(const QString &window, const QString &type, const QString &reason, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window, true);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    if (r.state == WindowState::Paused)
        return Error{ErrorCode::InvalidState, tr("Window %1 is already paused.").arg(window)};
    if (type.trimmed().isEmpty())
        return Error{ErrorCode::InvalidInput, tr("Choose a pause type.")};
    if (r.currentTicketId)
        return Error{ErrorCode::InvalidState, tr("Finish, transfer or hang up the current ticket before pausing.")};
    r.state = WindowState::Paused;
    r.pauseType = type.trimmed();
    r.pauseReason = reason.trimmed();
    r.since = now();
    touch(r);
    audit(actor, QStringLiteral("pause"), 0, r.windowId, r.pauseType + u':' + r.pauseReason);
    emitWindow(r);
    return r;
}

Result<WindowRuntime> Engine::resume(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window, true);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    if (r.state != WindowState::Paused)
        return Error{ErrorCode::InvalidState, tr("Window %1 is not paused.").arg(window)};
    r.state = WindowState::Idle;
    r.pauseType.clear();
    r.pauseReason.clear();
    r.since = now();
    touch(r);
    audit(actor, QStringLiteral("resume"), 0, r.windowId);
    emitWindow(r);
    return r;
}

// ---------------------------------------------------------------------------------------
// status

QList<BusinessStatus> Engine::businessStatus() const
{
    QList<BusinessStatus> out;
    for (const Business &b : m_config.businesses) {
        BusinessStatus s;
        s.business = &b;
        s.waiting = m_index.waiting(b.id);
        s.issuedToday = m_index.issued(b.id);
        s.remaining = quotaRemaining(b);
        const auto e = checkIssuable(b, true);
        s.available = !e.has_value();
        if (e) {
            s.blockedBy = e->code;
            s.blockedReason = e->message;
        }
        out.append(s);
    }
    return out;
}

WindowStatus Engine::windowStatus(const QString &window) const
{
    WindowStatus s;
    s.window = m_config.window(window);
    if (!s.window)
        return s;
    s.runtime = m_windows.value(s.window->id);
    const QDateTime t = now();
    if (s.runtime.state == WindowState::Paused) {
        s.attendanceProblem = s.runtime.since.secsTo(t) > 60LL * m_config.rules.maxPauseMinutes;
    } else if (s.runtime.state == WindowState::Offline) {
        // Logged out while one of its businesses is open: nobody at a staffed window.
        for (const core::Binding &bd : s.window->bindings) {
            const Business *b = m_config.business(bd.businessCode);
            if (b && b->hours.halfAt(t.time()) != BusinessHours::Half::Closed)
                s.attendanceProblem = true;
        }
    }
    m_index.release(t);
    for (const Business *b : servedBy(*s.window))
        s.waiting += m_index.callable(0, b->id);
    m_index.forEachTargeted(s.window->id, [&s](qint64, const Internal::CallKey &, int n) { s.waiting += n; });
    return s;
}

QList<WindowStatus> Engine::windowStatus() const
{
    QList<WindowStatus> out;
    for (const core::Window &w : m_config.windows)
        out.append(windowStatus(w.number));
    return out;
}

} // namespace hall::queue
