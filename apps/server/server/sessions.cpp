#include "sessions.h"

#include <QCryptographicHash>

namespace hall::server {

QByteArray Sessions::hashToken(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

std::optional<Session> Sessions::sessionFor(const QByteArray &token)
{
    const QByteArray hash = hashToken(token);
    auto it = m_cache.constFind(hash);
    std::optional<Session> s;
    if (it != m_cache.constEnd()) {
        s = *it;
    } else {
        s = m_accounts->session(hash);
        if (s) {
            s->tokenHash = hash;
            m_cache.insert(hash, *s);
        }
    }
    if (!s || s->account.disabled || s->expiresAt < QDateTime::currentDateTime())
        return std::nullopt;
    return s;
}

QList<QByteArray> Sessions::liveTokens()
{
    const QDateTime now = QDateTime::currentDateTime();
    m_cache.removeIf([&now](const auto &it) { return it.value().expiresAt < now; });
    QList<QByteArray> out;
    out.reserve(m_cache.size());
    for (auto it = m_cache.cbegin(); it != m_cache.cend(); ++it) {
        if (!it.value().account.disabled)
            out.append(it.key());
    }
    return out;
}

} // namespace hall::server
