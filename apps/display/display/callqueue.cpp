#include "callqueue.h"

#include <core/logging.h>

namespace hall::display {

CallQueue::CallQueue(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CallQueue::timeUp);
    m_maxWait.setSingleShot(true);
    connect(&m_maxWait, &QTimer::timeout, this, [this] {
        if (m_current)
            qCWarning(lcDisplay, "call %s at window %s: no word from the voice; showing the next call",
                      qPrintable(m_current->number), qPrintable(m_current->window));
        showNext();
    });
}

void CallQueue::setWaitForAnnouncement(bool wait, int maxWaitMs)
{
    m_waitForAnnouncement = wait;
    m_maxWait.setInterval(maxWaitMs);
}

void CallQueue::add(const Call &call)
{
    if (m_waiting.size() >= Capacity) {
        const Call dropped = m_waiting.takeFirst();
        qCWarning(lcDisplay, "more than %d calls waiting to be shown: %s at window %s not enlarged", Capacity,
                  qPrintable(dropped.number), qPrintable(dropped.window));
    }
    m_waiting.append(call);
    if (!m_current)
        return showNext();
    // The one on screen was given its time when it was alone: it gets the shorter time now due.
    if (m_timer.isActive()) {
        const qint64 remaining = std::max<qint64>(0, durationMs() - m_since.elapsed());
        if (remaining < m_timer.remainingTime())
            m_timer.start(int(remaining));
    }
}

void CallQueue::announced(const QString &announcementId)
{
    if (m_current && m_current->announcementId() == announcementId && !m_currentAnnounced) {
        m_currentAnnounced = true;
        if (m_timeUp)
            showNext();
        return;
    }
    // Remembered only for calls still waiting (the set cannot outgrow the queue).
    for (const Call &c : std::as_const(m_waiting)) {
        if (c.announcementId() == announcementId) {
            m_announced.insert(announcementId);
            return;
        }
    }
}

void CallQueue::clear()
{
    m_waiting.clear();
    m_announced.clear();
    m_timer.stop();
    m_maxWait.stop();
    if (m_current) {
        m_current.reset();
        Q_EMIT currentChanged();
    }
}

int CallQueue::durationMs() const
{
    // 8 s alone; with 2 waiting behind it 4 s; with 6, 2 s.
    const int ms = m_showMs / (1 + int(m_waiting.size()) / 2);
    return std::max(ms, std::min(m_minimumMs, m_showMs));
}

void CallQueue::showNext()
{
    m_timer.stop();
    m_maxWait.stop();
    if (m_waiting.isEmpty()) {
        if (m_current) {
            m_current.reset();
            Q_EMIT currentChanged();
        }
        return;
    }
    m_current = m_waiting.takeFirst();
    m_currentAnnounced = m_announced.remove(m_current->announcementId());
    m_timeUp = false;
    ++m_shown;
    m_timer.start(durationMs());
    m_since.start();
    if (m_waitForAnnouncement && !m_currentAnnounced)
        m_maxWait.start();
    Q_EMIT currentChanged();
    Q_EMIT shown(*m_current);
}

void CallQueue::timeUp()
{
    m_timeUp = true;
    if (!m_waitForAnnouncement || m_currentAnnounced)
        showNext();
}

} // namespace hall::display
