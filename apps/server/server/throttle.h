#pragma once

#include <server/server_export.h>

#include <QHash>
#include <QSet>
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

// What throttled sign-ins write to the log, so that a flood neither fills the disk nor writes
// what the attackers typed (a login can be a person's name or ID number): the first one after a
// quiet minute says its source address; those that follow are summed up at most once a minute —
// how many, from how many addresses.
class HALL_SERVER_EXPORT ThrottleLog
{
public:
    static constexpr qint64 IntervalMs = 60 * 1000;

    // A line to log for this throttled attempt, or an empty string.
    QString note(const QString &address, qint64 nowMs);
    // The summary of what was not logged yet (an empty string: nothing).
    QString flush(qint64 nowMs);

private:
    qint64 m_loggedAtMs = -IntervalMs;
    qint64 m_count = 0;
    QSet<QString> m_addresses; // of the attempts counted, at most 1000 told apart
};

} // namespace hall::server
