#pragma once

#include <server/server_export.h>

#include <QHash>
#include <QString>

namespace hall::server {

// Growing delays for sign-in attempts, per key (an account's login or a source address). Every
// attempt counts from the moment it starts, so a burst of parallel guesses cannot slip through
// before the first one fails; a success clears the key. After `freeAttempts`, each attempt must
// wait base × 2^(attempts − free), up to `maxDelayMs`; refused attempts do not count, so a
// flood cannot push the wait of the real user further out. Keys are forgotten after
// `forgetAfterMs` of quiet, and at most `maxKeys` are kept (the oldest go first), so random
// logins cannot grow the table without bound.
class HALL_SERVER_EXPORT LoginThrottle
{
public:
    struct Policy
    {
        int freeAttempts = 5;
        qint64 baseDelayMs = 1000;
        qint64 maxDelayMs = 15 * 60 * 1000;
        qint64 forgetAfterMs = 60 * 60 * 1000;
        qsizetype maxKeys = 100000;
    };

    explicit LoginThrottle(Policy policy) : m_policy(policy) {}

    // Milliseconds `key` must still wait before it may try again; 0: it may try now.
    qint64 waitMs(const QString &key, qint64 nowMs) const;
    void attempt(const QString &key, qint64 nowMs);
    void succeeded(const QString &key) { m_keys.remove(key); }
    // Takes back one attempt that turned out well (where only failures should count).
    void refund(const QString &key);
    qsizetype size() const { return m_keys.size(); }

private:
    struct Entry
    {
        int attempts = 0;
        qint64 lastMs = 0;
    };
    void prune(qint64 nowMs);

    Policy m_policy;
    QHash<QString, Entry> m_keys;
};

} // namespace hall::server
