// Calling rules of the queue engine (Q6–Q10): who is next, recall and skip, missed tickets,
// transfer, hang and call-back.

#include "engine.h"

#include <core/logging.h>

#include <algorithm>

namespace hall::queue {

using core::Ticket;
using core::TicketStatus;
using core::WindowState;

QList<const core::Business *> Engine::servedBy(const core::Window &w) const
{
    QList<const core::Business *> out;
    for (const core::Binding &bd : w.bindings) {
        const core::Business *b = m_config.business(bd.businessCode);
        if (b && !out.contains(b))
            out.append(b);
    }
    return out;
}

// Each business's first callable ticket is its candidate (m_index); the window's policy ranks
// the businesses, between the appointment slot and arrival in the call order. A ticket sent to
// one window is that window's alone, whatever its business.
std::optional<qint64> Engine::pickNext(const core::Window &w) const
{
    auto rank = [&](qint64 businessId) -> double {
        const core::Business *b = m_config.businessById(businessId);
        const core::Binding *bd = nullptr;
        for (const core::Binding &x : w.bindings) {
            if (b && x.businessCode == b->code)
                bd = &x;
        }
        if (!bd) // transferred here from a business the window does not normally serve
            return 0;
        switch (w.policy) {
        case core::CallPolicy::Arrival:
            return 0;
        case core::CallPolicy::Order:
            return bd->order;
        case core::CallPolicy::Weight:
            // The business furthest behind its share of this window's calls goes first.
            return double(m_servedAt.value(QStringLiteral("%1/%2").arg(w.id).arg(businessId))) / bd->weight;
        }
        return 0;
    };
    const Internal::CallKey *best = nullptr;
    double bestRank = 0;
    auto consider = [&](qint64 businessId, const Internal::CallKey &k) {
        const double r = rank(businessId);
        if (best) {
            const auto c = k.classCompare(*best);
            if (c > 0 || (c == 0 && (r > bestRank || (r == bestRank && k > *best))))
                return;
        }
        best = &k;
        bestRank = r;
    };
    m_index.release(now());
    for (const core::Business *b : servedBy(w)) {
        if (const Internal::CallKey *k = m_index.first(0, b->id))
            consider(b->id, *k);
    }
    m_index.forEachTargeted(w.id, [&](qint64 businessId, const Internal::CallKey &k, int) { consider(businessId, k); });
    if (!best)
        return std::nullopt;
    return best->id;
}

int Engine::peopleAhead(const Ticket &t) const
{
    return t.isQueued() ? m_index.ahead(t) : 0;
}

// Closes the ticket the window holds before another call (the caller's "next" key), with
// its sub tickets. Returns the closed ticket's id, or 0.
qint64 Engine::closeCurrent(WindowRuntime &rt, qint64 actor)
{
    const qint64 id = rt.currentTicketId;
    if (!id)
        return 0;
    rt.currentTicketId = 0;
    rt.state = WindowState::Idle;
    rt.since = now();
    touch(rt);
    auto it = m_tickets.find(id);
    if (it == m_tickets.end() || (it->status != TicketStatus::Called && it->status != TicketStatus::Serving))
        return 0;
    QList<Ticket *> closing = subsOf(id);
    closing.prepend(&*it);
    for (Ticket *t : closing) {
        if ((t->id == id || t->windowId == rt.windowId)
            && (t->status == TicketStatus::Called || t->status == TicketStatus::Serving)) {
            setStatus(*t, TicketStatus::Done);
            t->finishedAt = now();
            touch(*t);
            emitTicket(QStringLiteral("ticket.finished"), *t);
        }
    }
    audit(actor, QStringLiteral("finish"), id, rt.windowId);
    return id;
}

CallResult Engine::callTicket(WindowRuntime &rt, Ticket &t, CallKind kind, qint64 actor)
{
    const QDateTime n = now();
    setStatus(t, TicketStatus::Called);
    t.windowId = rt.windowId;
    t.targetWindowId = 0;
    t.calledAt = n;
    t.officerId = rt.officerId;
    ++t.callCount;
    touch(t);
    if (kind != CallKind::Recall)
        ++m_servedAt[QStringLiteral("%1/%2").arg(rt.windowId).arg(t.businessId)];

    CallResult r;
    r.countdownUntil = n.addSecs(m_config.rules.countdownSeconds);
    for (Ticket *sub : subsOf(t.id)) {
        if (sub->isOpen() && sub->status != TicketStatus::Hung) {
            setStatus(*sub, TicketStatus::Called);
            sub->windowId = rt.windowId;
            sub->calledAt = n;
            touch(*sub);
            r.subTicketIds.append(sub->id);
        }
    }
    rt.currentTicketId = t.id;
    rt.state = WindowState::Serving;
    rt.since = n;
    touch(rt);
    m_changes.calls.append(CallRecord{t.id, rt.windowId, rt.officerId, kind, n});
    audit(actor, QStringLiteral("call-") + callKindName(kind), t.id, rt.windowId, QString::number(t.callCount));
    const core::Window *w = m_config.windowById(rt.windowId);
    emitTicket(QStringLiteral("ticket.called"), t,
               QJsonObject{{QStringLiteral("window"), w->number},
                           {QStringLiteral("windowName"), w->name},
                           {QStringLiteral("kind"), callKindName(kind)},
                           {QStringLiteral("countdownUntil"), r.countdownUntil.toString(Qt::ISODateWithMs)}});
    emitWindow(rt);
    r.ticket = t;
    return r;
}

void Engine::markMissed(Ticket &t, qint64 actor)
{
    ++t.missedCount;
    const core::QueueRules &rules = m_config.rules;
    const bool abandon = t.missedCount > rules.missedLimit;
    // Sub tickets called with their master leave the window with it: back to waiting for
    // their master's next call, or closed with an abandoned master.
    for (Ticket *sub : subsOf(t.id)) {
        if (sub->status != TicketStatus::Called && sub->status != TicketStatus::Serving)
            continue;
        setStatus(*sub, abandon ? TicketStatus::Abandoned : TicketStatus::Waiting);
        sub->windowId = 0;
        if (abandon)
            sub->finishedAt = now();
        touch(*sub);
    }
    if (abandon) {
        setStatus(t, TicketStatus::Abandoned);
        t.finishedAt = now();
        touch(t);
        audit(actor, QStringLiteral("abandon"), t.id, t.windowId, QString::number(t.missedCount));
        emitTicket(QStringLiteral("ticket.abandoned"), t);
        return;
    }
    // Back in the queue after the delay, a little higher so the person is not sent to the end.
    setStatus(t, TicketStatus::Missed);
    t.callableAfter = now().addSecs(60LL * rules.missedRecallMinutes);
    t.priority += rules.missedPriorityBoost;
    t.callCount = 0;
    t.targetWindowId = 0;
    touch(t);
    audit(actor, QStringLiteral("miss"), t.id, t.windowId, QString::number(t.missedCount));
    emitTicket(QStringLiteral("ticket.missed"), t,
               QJsonObject{{QStringLiteral("callableAfter"), t.callableAfter.toString(Qt::ISODateWithMs)},
                           {QStringLiteral("notify"), !t.identityHash.isEmpty()}});
}

Result<CallResult> Engine::callNext(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    const core::Window &w = *m_config.windowById(r.windowId);
    const auto next = pickNext(w);
    if (!next && !r.currentTicketId)
        return Error{ErrorCode::QueueEmpty, tr("Nobody is waiting for window %1.").arg(window)};
    const qint64 finished = closeCurrent(r, actor);
    if (!next) { // the current ticket is finished and nobody else waits: ticket.id stays 0
        emitWindow(r);
        CallResult res;
        res.finishedTicketId = finished;
        return res;
    }
    CallResult res = callTicket(r, m_tickets[*next], CallKind::Next, actor);
    res.finishedTicketId = finished;
    return res;
}

Result<CallResult> Engine::recall(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    auto it = m_tickets.find(r.currentTicketId);
    if (!r.currentTicketId || it == m_tickets.end() || it->status != TicketStatus::Called)
        return Error{ErrorCode::InvalidState, tr("Window %1 has no called ticket to recall.").arg(window)};
    if (it->callCount < m_config.rules.recallLimit)
        return callTicket(r, *it, CallKind::Recall, actor);

    // Called as often as the hall allows: the ticket is skipped and the next one called (Q7).
    const qint64 skipped = it->id;
    markMissed(*it, actor);
    r.currentTicketId = 0;
    r.state = WindowState::Idle;
    r.since = now();
    touch(r);
    const auto next = pickNext(*m_config.windowById(r.windowId));
    if (!next) {
        emitWindow(r);
        CallResult res;
        res.skippedTicketId = skipped;
        return res;
    }
    CallResult res = callTicket(r, m_tickets[*next], CallKind::Next, actor);
    res.skippedTicketId = skipped;
    return res;
}

Result<CallResult> Engine::specialCall(const QString &window, qint64 ticketId, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    auto it = m_tickets.find(ticketId);
    if (it == m_tickets.end() || it->day != m_day)
        return Error{ErrorCode::NotFound, tr("There is no ticket %1 today.").arg(ticketId)};
    if (!it->isQueued() || it->masterId)
        return Error{ErrorCode::InvalidState, tr("Ticket %1 is not waiting in the queue.").arg(it->number)};
    const core::Window &w = *m_config.windowById(rt.value()->windowId);
    const core::Business *b = m_config.businessById(it->businessId);
    if (it->targetWindowId ? it->targetWindowId != w.id : !w.serves(b->code))
        return Error{ErrorCode::WrongWindow, tr("Ticket %1 is not for window %2.").arg(it->number, window)};
    WindowRuntime &r = *rt.value();
    const qint64 finished = closeCurrent(r, actor);
    CallResult res = callTicket(r, *it, CallKind::Special, actor);
    res.finishedTicketId = finished;
    return res;
}

Result<CallResult> Engine::callBack(const QString &window, qint64 ticketId, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    auto it = m_tickets.find(ticketId);
    if (it == m_tickets.end() || it->day != m_day)
        return Error{ErrorCode::NotFound, tr("There is no ticket %1 today.").arg(ticketId)};
    if (it->status != TicketStatus::Hung)
        return Error{ErrorCode::InvalidState, tr("Ticket %1 is not hung up.").arg(it->number)};
    WindowRuntime &r = *rt.value();
    if (it->windowId != r.windowId)
        return Error{ErrorCode::WrongWindow, tr("Ticket %1 was hung up at another window.").arg(it->number)};
    const qint64 finished = closeCurrent(r, actor);
    CallResult res = callTicket(r, *it, CallKind::CallBack, actor);
    res.finishedTicketId = finished;
    return res;
}

Result<core::Ticket> Engine::start(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    auto it = m_tickets.find(rt.value()->currentTicketId);
    if (it == m_tickets.end() || it->status != TicketStatus::Called)
        return Error{ErrorCode::InvalidState, tr("Window %1 has no called ticket to start.").arg(window)};
    setStatus(*it, TicketStatus::Serving);
    touch(*it);
    audit(actor, QStringLiteral("start"), it->id, it->windowId);
    emitTicket(QStringLiteral("ticket.serving"), *it);
    return *it;
}

Result<core::Ticket> Engine::finish(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window, true);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    if (!r.currentTicketId)
        return Error{ErrorCode::InvalidState, tr("Window %1 has no ticket to finish.").arg(window)};
    const qint64 id = closeCurrent(r, actor);
    emitWindow(r);
    return m_tickets.value(id);
}

Result<core::Ticket> Engine::miss(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    auto it = m_tickets.find(r.currentTicketId);
    if (it == m_tickets.end() || it->status != TicketStatus::Called)
        return Error{ErrorCode::InvalidState, tr("Only a called ticket whose holder did not come can be marked missed.")};
    markMissed(*it, actor);
    r.currentTicketId = 0;
    r.state = WindowState::Idle;
    r.since = now();
    touch(r);
    emitWindow(r);
    return *it;
}

Result<core::Ticket> Engine::transfer(const QString &window, qint64 ticketId, const QString &toWindow,
                                      const QString &toBusiness, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window, true);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    const qint64 id = ticketId ? ticketId : r.currentTicketId;
    auto it = m_tickets.find(id);
    const bool atWindow = it != m_tickets.end() && it->windowId == r.windowId
        && (it->status == TicketStatus::Called || it->status == TicketStatus::Serving)
        && (it->id == r.currentTicketId || it->masterId == r.currentTicketId);
    if (!atWindow)
        return Error{ErrorCode::InvalidState, tr("Only a ticket being served at window %1 can be transferred.").arg(window)};
    if (toWindow.isEmpty() && toBusiness.isEmpty())
        return Error{ErrorCode::InvalidInput, tr("Choose the window or the business to transfer to.")};
    const core::Window *target = nullptr;
    if (!toWindow.isEmpty()) {
        auto tw = findWindow(toWindow);
        if (!tw)
            return tw.error();
        target = tw.value();
        if (target->id == r.windowId)
            return Error{ErrorCode::InvalidInput, tr("A ticket cannot be transferred to its own window.")};
    }
    const core::Business *biz = m_config.businessById(it->businessId);
    if (!toBusiness.isEmpty()) {
        auto b = findBusiness(toBusiness);
        if (!b)
            return b.error();
        biz = b.value();
    }
    if (!target && !std::any_of(m_config.windows.cbegin(), m_config.windows.cend(),
                                [&](const core::Window &w) { return w.id != r.windowId && w.serves(biz->code); }))
        return Error{ErrorCode::Unserved, tr("No other window handles %1.").arg(biz->name)};

    // The ticket keeps its orderKey, so it returns to its original place in the queue (Q10).
    const qint64 from = r.windowId;
    it->businessId = biz->id;
    it->targetWindowId = target ? target->id : 0;
    it->windowId = 0;
    it->callCount = 0;
    it->masterId = 0; // a transferred sub ticket is queued on its own
    setStatus(*it, TicketStatus::Waiting);
    touch(*it);
    if (it->id == r.currentTicketId) {
        for (Ticket *sub : subsOf(it->id)) {
            if (sub->windowId == from && (sub->status == TicketStatus::Called || sub->status == TicketStatus::Serving)) {
                sub->windowId = 0;
                setStatus(*sub, TicketStatus::Waiting);
                touch(*sub);
            }
        }
        r.currentTicketId = 0;
        r.state = WindowState::Idle;
        r.since = now();
        touch(r);
        emitWindow(r);
    }
    audit(actor, QStringLiteral("transfer"), it->id, from,
          (target ? QStringLiteral("window ") + target->number : QString()) + u' ' + biz->code);
    emitTicket(QStringLiteral("ticket.transferred"), *it,
               QJsonObject{{QStringLiteral("fromWindow"), m_config.windowById(from)->number}});
    return *it;
}

Result<core::Ticket> Engine::hang(const QString &window, qint64 actor)
{
    ensureDay();
    auto rt = openWindow(window, true);
    if (!rt)
        return rt.error();
    WindowRuntime &r = *rt.value();
    auto it = m_tickets.find(r.currentTicketId);
    if (it == m_tickets.end() || (it->status != TicketStatus::Called && it->status != TicketStatus::Serving))
        return Error{ErrorCode::InvalidState, tr("Window %1 has no ticket to hang up.").arg(window)};
    setStatus(*it, TicketStatus::Hung);
    touch(*it);
    r.currentTicketId = 0;
    r.state = WindowState::Idle;
    r.since = now();
    touch(r);
    audit(actor, QStringLiteral("hang"), it->id, r.windowId);
    emitTicket(QStringLiteral("ticket.hung"), *it);
    emitWindow(r);
    return *it;
}

} // namespace hall::queue
