#include "throttle.h"

#include <algorithm>

namespace hall::server {

qint64 LoginThrottle::waitMs(const QString &key, qint64 nowMs) const
{
    const auto it = m_keys.constFind(key);
    if (it == m_keys.constEnd() || it->attempts < m_policy.freeAttempts || nowMs - it->lastMs >= m_policy.forgetAfterMs)
        return 0;
    const int over = std::min(it->attempts - m_policy.freeAttempts, 30);
    const qint64 delay = std::min(m_policy.maxDelayMs, m_policy.baseDelayMs << over);
    return std::max<qint64>(0, it->lastMs + delay - nowMs);
}

void LoginThrottle::attempt(const QString &key, qint64 nowMs)
{
    if (m_keys.size() >= m_policy.maxKeys && !m_keys.contains(key))
        prune(nowMs);
    Entry &e = m_keys[key];
    if (e.attempts && nowMs - e.lastMs >= m_policy.forgetAfterMs)
        e.attempts = 0;
    ++e.attempts;
    e.lastMs = nowMs;
}

void LoginThrottle::refund(const QString &key)
{
    auto it = m_keys.find(key);
    if (it != m_keys.end() && --it->attempts <= 0)
        m_keys.erase(it);
}

void LoginThrottle::prune(qint64 nowMs)
{
    m_keys.removeIf([&](const auto &it) { return nowMs - it.value().lastMs >= m_policy.forgetAfterMs; });
    while (m_keys.size() >= m_policy.maxKeys) {
        // Still full of recent keys: drop the quietest eighth.
        QList<qint64> times;
        times.reserve(m_keys.size());
        for (auto it = m_keys.cbegin(); it != m_keys.cend(); ++it)
            times.append(it->lastMs);
        const qsizetype cut = std::max<qsizetype>(1, times.size() / 8);
        std::nth_element(times.begin(), times.begin() + (cut - 1), times.end());
        const qint64 limit = times.at(cut - 1);
        m_keys.removeIf([&](const auto &it) { return it.value().lastMs <= limit; });
    }
}

QString ThrottleLog::note(const QString &address, qint64 nowMs)
{
    if (m_count == 0 && nowMs - m_loggedAtMs >= IntervalMs) {
        m_loggedAtMs = nowMs;
        return QStringLiteral("sign-in throttled from %1; more are summed up once a minute").arg(address);
    }
    ++m_count;
    if (m_addresses.size() < 1000)
        m_addresses.insert(address);
    return nowMs - m_loggedAtMs >= IntervalMs ? flush(nowMs) : QString();
}

QString ThrottleLog::flush(qint64 nowMs)
{
    if (m_count == 0)
        return {};
    const QString line = QStringLiteral("%1 sign-in attempt(s) throttled in the last %2 s, from %3 address(es)")
                             .arg(m_count)
                             .arg((nowMs - m_loggedAtMs + 999) / 1000)
                             .arg(m_addresses.size() >= 1000 ? QStringLiteral("1000 or more") : QString::number(m_addresses.size()));
    m_count = 0;
    m_addresses.clear();
    m_loggedAtMs = nowMs;
    return line;
}

} // namespace hall::server
