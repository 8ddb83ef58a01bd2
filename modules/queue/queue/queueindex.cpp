#include "queueindex.h"

#include <algorithm>
#include <tuple>

namespace hall::queue::Internal {

using core::Ticket;
using core::TicketStatus;

CallKey CallKey::of(const Ticket &t)
{
    const bool appointment = t.appointmentAt.isValid();
    return CallKey{t.green ? 0 : 1, -t.priority, appointment ? 0 : 1,
                   appointment ? t.appointmentAt.toMSecsSinceEpoch() : 0, t.orderKey, t.id};
}

std::strong_ordering CallKey::classCompare(const CallKey &o) const
{
    return std::tie(green, priority, walkIn, appointment) <=> std::tie(o.green, o.priority, o.walkIn, o.appointment);
}

void QueueIndex::clear()
{
    *this = QueueIndex();
}

void QueueIndex::update(const Ticket &t, const QDate &day)
{
    if (const auto it = m_entries.constFind(t.id); it != m_entries.constEnd()) {
        remove(*it);
        m_entries.erase(it);
    }
    if (t.day != day)
        return;
    Entry e;
    e.businessId = t.businessId;
    e.waiting = t.isQueued();
    e.issued = t.source != core::TicketSource::Sub;
    e.ordered = e.waiting && !t.masterId;
    e.group = {t.targetWindowId, t.businessId};
    e.key = CallKey::of(t);
    // A missed ticket is callable after its delay, an appointment from its slot (Q4, Q8).
    if (t.status == TicketStatus::Missed && t.callableAfter.isValid())
        e.gate = t.callableAfter.toMSecsSinceEpoch();
    if (t.appointmentAt.isValid())
        e.gate = std::max(e.gate, t.appointmentAt.toMSecsSinceEpoch());
    add(e);
    m_entries.insert(t.id, e);
}

void QueueIndex::add(const Entry &e)
{
    if (e.waiting)
        ++m_waiting[e.businessId];
    if (e.issued)
        ++m_issued[e.businessId];
    if (!e.ordered)
        return;
    m_order[e.businessId].insert(e.key);
    if (e.gate <= m_releasedTo)
        join(e);
    else
        m_deferred.insert({e.gate, e.key.id});
}

void QueueIndex::join(const Entry &e)
{
    m_groups[e.group].insert(e.key);
}

void QueueIndex::remove(const Entry &e)
{
    if (e.waiting)
        --m_waiting[e.businessId];
    if (e.issued)
        --m_issued[e.businessId];
    if (!e.ordered)
        return;
    const auto tree = m_order.find(e.businessId);
    tree->erase(e.key);
    if (tree->empty())
        m_order.erase(tree);
    if (!m_deferred.erase({e.gate, e.key.id})) {
        const auto group = m_groups.find(e.group);
        group->second.erase(e.key);
        if (group->second.empty()) // few groups, so that a window looks only at its own
            m_groups.erase(group);
    }
}

int QueueIndex::ahead(const Ticket &t) const
{
    const auto tree = m_order.constFind(t.businessId);
    if (tree == m_order.constEnd())
        return 0;
    // Strictly before t's key and arrival, whatever the id: t itself and its own sub tickets
    // (which share its orderKey) are not ahead of it.
    CallKey k = CallKey::of(t);
    k.id = std::numeric_limits<qint64>::min();
    return int(tree->order_of_key(k));
}

void QueueIndex::release(const QDateTime &now)
{
    const qint64 to = now.toMSecsSinceEpoch();
    if (to < m_releasedTo) {
        // A clock set back (a demo or test clock): rare, so a pass over the tickets will do.
        for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
            const Entry &e = *it;
            if (e.ordered && e.gate > to && e.gate <= m_releasedTo) {
                const auto group = m_groups.find(e.group);
                group->second.erase(e.key);
                if (group->second.empty())
                    m_groups.erase(group);
                m_deferred.insert({e.gate, e.key.id});
            }
        }
    }
    m_releasedTo = to;
    while (!m_deferred.empty() && m_deferred.begin()->first <= to) {
        join(m_entries.value(m_deferred.begin()->second));
        m_deferred.erase(m_deferred.begin());
    }
}

int QueueIndex::callable(qint64 targetWindow, qint64 businessId) const
{
    const auto group = m_groups.find({targetWindow, businessId});
    return group == m_groups.end() ? 0 : int(group->second.size());
}

const CallKey *QueueIndex::first(qint64 targetWindow, qint64 businessId) const
{
    const auto group = m_groups.find({targetWindow, businessId});
    return group == m_groups.end() ? nullptr : &*group->second.begin();
}

void QueueIndex::forEachTargeted(qint64 window, const std::function<void(qint64, const CallKey &, int)> &f) const
{
    for (auto it = m_groups.lower_bound({window, std::numeric_limits<qint64>::min()});
         it != m_groups.end() && it->first.first == window; ++it)
        f(it->first.second, *it->second.begin(), int(it->second.size()));
}

} // namespace hall::queue::Internal
