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

} // namespace hall::server
