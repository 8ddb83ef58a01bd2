#include "hallstate.h"

namespace hall::net {

void HallState::replace(const HallSummary &summary, qint64 seq)
{
    clear();
    m_hall = summary.hall;
    m_name = summary.name;
    m_seq = seq;
    for (const BusinessStatus &b : summary.businesses) {
        m_businesses.insert(b.code, b);
        m_businessOrder.append(b.code);
    }
    for (const WindowStatus &w : summary.windows) {
        m_windows.insert(w.number, w);
        m_windowOrder.append(w.number);
    }
}

bool HallState::apply(const HallSummary &summary, qint64 seq)
{
    if (summary.full || !isValid()) {
        replace(summary, seq);
        return true;
    }
    if (summary.hall != m_hall)
        return false;
    if (!summary.name.isEmpty())
        m_name = summary.name;
    m_seq = seq;
    for (const BusinessStatus &b : summary.businesses) {
        if (!m_businesses.contains(b.code))
            m_businessOrder.append(b.code);
        m_businesses.insert(b.code, b);
    }
    for (const WindowStatus &w : summary.windows) {
        if (!m_windows.contains(w.number))
            m_windowOrder.append(w.number);
        m_windows.insert(w.number, w);
    }
    return true;
}

void HallState::clear()
{
    *this = HallState();
}

QList<BusinessStatus> HallState::businessList() const
{
    QList<BusinessStatus> out;
    for (const QString &code : m_businessOrder)
        out.append(m_businesses.value(code));
    return out;
}

QList<WindowStatus> HallState::windowList() const
{
    QList<WindowStatus> out;
    for (const QString &number : m_windowOrder)
        out.append(m_windows.value(number));
    return out;
}

QList<WindowStatus> HallState::callsMissedBy(const HallState &now) const
{
    QList<WindowStatus> out;
    if (!isValid() || m_hall != now.hall())
        return out;
    for (const WindowStatus &w : now.windowList()) {
        if (!w.current || w.current->status != core::TicketStatus::Called)
            continue;
        const WindowStatus before = m_windows.value(w.number);
        if (before.current && before.current->id == w.current->id && before.current->callCount == w.current->callCount)
            continue;
        out.append(w);
    }
    return out;
}

} // namespace hall::net
