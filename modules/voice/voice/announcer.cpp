#include "announcer.h"

#include <core/logging.h>

#include <QTimer>

namespace hall::voice {

Announcer::Announcer(SpeechEngine *engine, const core::Clock *clock, QObject *parent)
    : QObject(parent), m_engine(engine), m_clock(clock)
{
    connect(m_engine, &SpeechEngine::finished, this, [this] {
        m_speaking = false;
        Q_EMIT said(m_current);
        next();
    });
    connect(m_engine, &SpeechEngine::failed, this, [this](const QString &reason) {
        m_speaking = false;
        qCWarning(lcVoice) << "announcement" << m_current.id << "broke off:" << reason;
        Q_EMIT failed(m_current, reason);
        next();
    });
}

bool Announcer::isQuiet() const
{
    if (!m_quietFrom.isValid() || !m_quietTo.isValid() || m_quietFrom == m_quietTo)
        return false;
    const QTime t = m_clock->now().time();
    return m_quietFrom < m_quietTo ? (t >= m_quietFrom && t < m_quietTo) : (t >= m_quietFrom || t < m_quietTo);
}

void Announcer::announce(const Announcement &a)
{
    if (a.recall) {
        // After the recalls already waiting, before everything else.
        qsizetype at = 0;
        while (at < m_queue.size() && m_queue.at(at).recall)
            ++at;
        m_queue.insert(at, a);
    } else {
        m_queue.append(a);
    }
    if (!m_speaking)
        next();
}

void Announcer::next()
{
    while (!m_speaking && !m_queue.isEmpty()) {
        m_current = m_queue.takeFirst();
        if (isQuiet()) {
            Q_EMIT suppressed(m_current);
            continue;
        }
        QString error;
        m_speaking = true;
        Q_EMIT started(m_current);
        if (!m_engine->say(m_current, m_volume, &error)) {
            m_speaking = false;
            qCWarning(lcVoice) << "announcement" << m_current.id << "not said:" << error;
            Q_EMIT failed(m_current, error);
        }
    }
}

} // namespace hall::voice
