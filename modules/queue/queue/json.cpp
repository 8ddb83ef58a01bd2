#include "json.h"

#include "engine.h"

#include <QJsonArray>

namespace hall::queue {

namespace {

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toString(Qt::ISODateWithMs)) : QJsonValue();
}

} // namespace

QJsonObject publicTicketJson(const Engine &engine, const core::Ticket &t)
{
    const core::HallConfig &cfg = engine.config();
    const core::Business *b = cfg.businessById(t.businessId);
    const core::Window *w = t.windowId ? cfg.windowById(t.windowId) : nullptr;
    const core::Window *target = t.targetWindowId ? cfg.windowById(t.targetWindowId) : nullptr;
    QJsonObject o{
        {QStringLiteral("id"), t.id},
        {QStringLiteral("number"), t.number},
        {QStringLiteral("business"), b ? b->code : QString()},
        {QStringLiteral("businessName"), b ? b->name : QString()},
        {QStringLiteral("status"), core::ticketStatusName(t.status)},
        {QStringLiteral("source"), core::ticketSourceName(t.source)},
        {QStringLiteral("priority"), t.priority},
        {QStringLiteral("green"), t.green},
        {QStringLiteral("day"), t.day.toString(Qt::ISODate)},
        {QStringLiteral("issuedAt"), time(t.issuedAt)},
        {QStringLiteral("callCount"), t.callCount},
        {QStringLiteral("missedCount"), t.missedCount},
    };
    if (w)
        o.insert(QStringLiteral("window"), w->number);
    if (target)
        o.insert(QStringLiteral("targetWindow"), target->number);
    if (t.appointmentAt.isValid())
        o.insert(QStringLiteral("appointmentAt"), time(t.appointmentAt));
    if (t.calledAt.isValid())
        o.insert(QStringLiteral("calledAt"), time(t.calledAt));
    if (t.callableAfter.isValid() && t.status == core::TicketStatus::Missed)
        o.insert(QStringLiteral("callableAfter"), time(t.callableAfter));
    if (t.finishedAt.isValid())
        o.insert(QStringLiteral("finishedAt"), time(t.finishedAt));
    if (t.masterId)
        o.insert(QStringLiteral("masterId"), t.masterId);
    return o;
}

QJsonObject ticketJson(const Engine &engine, const core::Ticket &t)
{
    QJsonObject o = publicTicketJson(engine, t);
    o.insert(QStringLiteral("peopleAhead"), engine.peopleAhead(t));
    o.insert(QStringLiteral("printCount"), t.printCount);
    if (!t.appointmentCode.isEmpty())
        o.insert(QStringLiteral("appointmentCode"), t.appointmentCode);
    if (const core::Business *b = engine.config().businessById(t.businessId); b && !b->ticketLines.isEmpty())
        o.insert(QStringLiteral("ticketLines"), QJsonArray::fromStringList(b->ticketLines));
    return o;
}

QJsonObject windowJson(const Engine &engine, const WindowStatus &s)
{
    if (!s.window)
        return {};
    QJsonObject o{
        {QStringLiteral("number"), s.window->number},
        {QStringLiteral("name"), s.window->name},
        {QStringLiteral("state"), core::windowStateName(s.runtime.state)},
        {QStringLiteral("since"), time(s.runtime.since)},
        {QStringLiteral("attendanceProblem"), s.attendanceProblem},
        {QStringLiteral("waiting"), s.waiting},
        {QStringLiteral("policy"), core::callPolicyName(s.window->policy)},
    };
    if (s.runtime.officerId)
        o.insert(QStringLiteral("officerId"), s.runtime.officerId);
    if (s.runtime.state == core::WindowState::Paused) {
        o.insert(QStringLiteral("pauseType"), s.runtime.pauseType);
        o.insert(QStringLiteral("pauseReason"), s.runtime.pauseReason);
    }
    if (const core::Ticket *t = engine.ticket(s.runtime.currentTicketId))
        o.insert(QStringLiteral("current"), publicTicketJson(engine, *t));
    QJsonArray businesses;
    for (const core::Binding &b : s.window->bindings)
        businesses.append(b.businessCode);
    o.insert(QStringLiteral("businesses"), businesses);
    return o;
}

QJsonObject businessJson(const BusinessStatus &s)
{
    QJsonObject o{
        {QStringLiteral("code"), s.business->code},
        {QStringLiteral("name"), s.business->name},
        {QStringLiteral("prefix"), s.business->prefix},
        {QStringLiteral("waiting"), s.waiting},
        {QStringLiteral("issuedToday"), s.issuedToday},
        {QStringLiteral("remaining"), s.remaining},
        {QStringLiteral("available"), s.available},
        {QStringLiteral("paused"), s.business->paused},
    };
    if (!s.available) {
        o.insert(QStringLiteral("blockedBy"), errorCodeName(s.blockedBy));
        o.insert(QStringLiteral("blockedReason"), s.blockedReason);
    }
    QJsonArray levels;
    for (auto it = s.business->priorities.constBegin(); it != s.business->priorities.constEnd(); ++it)
        levels.append(QJsonObject{{QStringLiteral("name"), it.key()}, {QStringLiteral("level"), it.value()}});
    o.insert(QStringLiteral("priorities"), levels);
    return o;
}

QJsonObject callResultJson(const Engine &engine, const CallResult &r)
{
    QJsonObject o;
    o.insert(QStringLiteral("ticket"), r.ticket.id ? QJsonValue(publicTicketJson(engine, r.ticket)) : QJsonValue());
    if (r.ticket.id)
        o.insert(QStringLiteral("countdownUntil"), time(r.countdownUntil));
    if (r.finishedTicketId)
        o.insert(QStringLiteral("finished"), r.finishedTicketId);
    if (r.skippedTicketId)
        o.insert(QStringLiteral("skipped"), r.skippedTicketId);
    QJsonArray subs;
    for (qint64 id : r.subTicketIds)
        subs.append(id);
    if (!subs.isEmpty())
        o.insert(QStringLiteral("subTickets"), subs);
    return o;
}

QJsonObject leaseJson(const Engine &engine, const Lease &l)
{
    const core::Business *b = engine.config().businessById(l.businessId);
    QJsonObject o{{QStringLiteral("id"), l.id},
            {QStringLiteral("business"), b ? b->code : QString()},
            {QStringLiteral("prefix"), l.prefix},
            {QStringLiteral("from"), l.from},
            {QStringLiteral("to"), l.to},
            {QStringLiteral("fromNumber"), b ? b->formatNumber(l.prefix, l.from) : QString()},
            {QStringLiteral("toNumber"), b ? b->formatNumber(l.prefix, l.to) : QString()},
            {QStringLiteral("digits"), b ? b->digits : 0},
            {QStringLiteral("day"), l.day.toString(Qt::ISODate)},
            {QStringLiteral("grantedAt"), time(l.grantedAt)},
            {QStringLiteral("until"), time(l.until)},
            {QStringLiteral("device"), l.device},
                  {QStringLiteral("used"), engine.leaseUsed(l.id)}};
    if (l.returnedFrom) { // handed back from this sequence on
        o.insert(QStringLiteral("returnedFrom"), l.returnedFrom);
        o.insert(QStringLiteral("returnedAt"), time(l.returnedAt));
    }
    return o;
}

} // namespace hall::queue
