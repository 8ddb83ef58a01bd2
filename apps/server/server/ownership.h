#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <memory>

namespace hall::server {

// Exactly one hall-server serves the halls of a database at a time (issue 11), because each
// keeps its halls' queues in memory. The owner holds a lock that is released when it dies:
//  - SQLite: an exclusive flock() on "<database file>.lock", released by the kernel with the
//    process (a local disk only: a network share is refused, see docs/operations.md);
//  - PostgreSQL: session advisory locks, one for the database (hall 0) and one per hall, on a
//    connection of their own kept for the life of the process, released by PostgreSQL when that
//    session ends (the process died, or TCP keepalives found its machine gone).
// With the lock it claims the halls in hall_owners (its own token, a new epoch) before it loads
// them, and from then on every commit is fenced: the commit transaction checks that the rows still
// carry its token (FOR SHARE on PostgreSQL, so a claim waits for a commit in flight). An owner
// that lost its lock and was replaced therefore cannot write a single row more, even before its
// own check notices; once it notices it emits lost() and must stop serving.
class HALL_SERVER_EXPORT Ownership : public QObject, private SqlStore
{
    Q_OBJECT
public:
    enum class Result {
        Acquired,    // this process owns the halls now
        Held,        // another process holds them: the message names it
        Unavailable, // the database or lock could not be reached now: worth retrying
        Refused,     // never possible here (a SQLite database on a network share)
    };

    explicit Ownership(storage::Database *db, QObject *parent = nullptr);
    ~Ownership() override;

    // Takes the locks if no other process holds them, then claims the halls. Anything but
    // Acquired comes with a message saying why.
    Result tryAcquire(QString *message);

    // Checks every `intervalMs` that the lock is still held (PostgreSQL: its session answers;
    // SQLite: the lock file is still the one locked); lost() when it is not.
    void watch(int intervalMs);

    // Runs inside the commit transaction: false once another process has claimed the halls.
    bool fence(QString *error);

    bool isOwner() const { return m_owner; }
    qint64 epoch() const { return m_epoch; }
    QDateTime since() const { return m_since; }
    // The role for /api/v1/health.
    QJsonObject status() const;
    // Who holds the halls according to hall_owners, for messages.
    QString holder();

    class Lock;

Q_SIGNALS:
    // The lock is gone or another process took the halls; emitted once, from the event loop.
    void lost(const QString &reason);

private:
    bool claim(QString *error);
    void lose(const QString &reason);

    std::unique_ptr<Lock> m_lock;
    QString m_token;
    QList<qint64> m_keys; // 0 (the database) and every hall id
    qint64 m_epoch = 0;
    QDateTime m_since;
    bool m_owner = false;
    QTimer m_watch;
};

} // namespace hall::server
