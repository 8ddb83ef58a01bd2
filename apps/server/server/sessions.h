#pragma once

#include <server/accountstore.h>
#include <server/server_export.h>

#include <QHash>

#include <optional>

namespace hall::server {

// Token → session, cached in memory over the AccountStore. The HTTP core and the event stream
// authenticate through it; the auth controller changes it only from committed writes, so the
// cache never holds what the database does not.
class HALL_SERVER_EXPORT Sessions
{
public:
    explicit Sessions(AccountStore *accounts) : m_accounts(accounts) {}

    // The live session of a bearer token, or nothing (unknown, expired, disabled account).
    std::optional<Session> sessionFor(const QByteArray &token);
    void forget(const QByteArray &tokenHash) { m_cache.remove(tokenHash); }
    // Every cached session of the account: the next request reads the database again.
    void forgetAccount(qint64 accountId)
    {
        m_cache.removeIf([accountId](const auto &it) { return it.value().account.id == accountId; });
    }

    // The cached sessions that are live (expired ones are dropped from the cache here).
    QList<QByteArray> liveTokens();

    static QByteArray hashToken(const QByteArray &token);

    AccountStore *accounts() const { return m_accounts; }

private:
    AccountStore *m_accounts;
    QHash<QByteArray, Session> m_cache; // token hash → session
};

} // namespace hall::server
