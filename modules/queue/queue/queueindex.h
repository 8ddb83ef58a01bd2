#pragma once

#include <core/ticket.h>

#include <QDate>
#include <QHash>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include <compare>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace hall::queue::Internal {

// A ticket's place in the call order of its business: green channel, priority, appointments by
// slot time before walk-ins, then arrival (orderKey, which an imported ticket may take between
// existing ones), then id so that every key is unique. A window's policy ranks whole businesses
// and so sits between `appointment` and `orderKey` when businesses are compared (Engine::pickNext).
struct CallKey
{
    int green = 0;           // 0 = green channel
    int priority = 0;        // minus the level: higher levels first
    int walkIn = 0;          // 0 = appointment
    qint64 appointment = 0;  // slot start, ms since epoch
    qint64 orderKey = 0;
    qint64 id = 0;

    static CallKey of(const core::Ticket &t);
    // Compares the parts before the window's business rank.
    std::strong_ordering classCompare(const CallKey &o) const;
    auto operator<=>(const CallKey &) const = default;
};

// The engine's queue counts and call candidates, kept up to date on every change of a ticket
// (Engine::touch), so that people ahead, the waiting counts and the next ticket of a window cost
// O(log n) or less instead of a scan of the queue (issue 10):
//   - per business, an order-statistic tree of its queued tickets (not sub tickets) by CallKey:
//     people ahead is the rank of a ticket's key;
//   - per (target window or 0, business), the tickets a window may call now, sorted: the first
//     is the group's candidate, the size its waiting count;
//   - tickets not callable before a time (a missed ticket's delay, an appointment before its
//     slot) wait in a set by that time and join their group when the clock passes it;
//   - per business, counters of queued tickets (sub tickets too) and of tickets issued today.
class QueueIndex
{
public:
    static constexpr qint64 NoGate = std::numeric_limits<qint64>::min();

    void clear();
    // Indexes `t` as it is now (not at all when it is not of `day`), replacing how it was.
    void update(const core::Ticket &t, const QDate &day);

    // Queued tickets of t's business (not sub tickets) ahead of t in call order.
    int ahead(const core::Ticket &t) const;
    int waiting(qint64 businessId) const { return m_waiting.value(businessId); }
    int issued(qint64 businessId) const { return m_issued.value(businessId); }

    // Makes the groups match the clock: tickets whose time has come join them (and, if the
    // clock went back, tickets whose time is ahead again leave them).
    void release(const QDateTime &now);
    // Callable tickets of a business not sent to one window (targetWindow 0), or sent to one.
    int callable(qint64 targetWindow, qint64 businessId) const;
    const CallKey *first(qint64 targetWindow, qint64 businessId) const;
    // Per business with callable tickets sent to this window: its first ticket and their number.
    void forEachTargeted(qint64 window, const std::function<void(qint64 businessId, const CallKey &first, int count)> &f) const;

private:
    using OrderTree = __gnu_pbds::tree<CallKey, __gnu_pbds::null_type, std::less<CallKey>, __gnu_pbds::rb_tree_tag,
                                       __gnu_pbds::tree_order_statistics_node_update>;
    using GroupId = std::pair<qint64, qint64>; // target window (0: any of the business's), business

    struct Entry
    {
        qint64 businessId = 0;
        bool waiting = false; // queued (sub tickets too)
        bool issued = false;  // issued today (not a sub ticket)
        bool ordered = false; // in the business's tree and in a group or deferred
        GroupId group;
        CallKey key;
        qint64 gate = NoGate; // not callable before (ms since epoch)
    };

    void remove(const Entry &e);
    void add(const Entry &e);
    void join(const Entry &e);

    QHash<qint64, Entry> m_entries; // by ticket id
    QHash<qint64, OrderTree> m_order;
    std::map<GroupId, std::set<CallKey>> m_groups;
    std::set<std::pair<qint64, qint64>> m_deferred; // (gate, ticket id)
    qint64 m_releasedTo = NoGate;
    QHash<qint64, int> m_waiting;
    QHash<qint64, int> m_issued;
};

} // namespace hall::queue::Internal
