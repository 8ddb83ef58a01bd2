#pragma once

#include <server/server_export.h>

#include <QHash>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace hall::storage {
class Database;
}

namespace hall::server {

// One domain's durable change waiting for the group commit: the queue's change set of a hall,
// a new or revoked token, a hall configuration. write() runs inside the batch's transaction;
// committed() runs after COMMIT (publish events, update caches), rolledBack() when the
// transaction failed (drop or reload what was assumed).
class HALL_SERVER_EXPORT PendingWrite
{
public:
    virtual ~PendingWrite();
    virtual bool write(QString *error) = 0;
    virtual void committed() {}
    virtual void rolledBack() {}
};

// Everything the requests of one turn of the event loop changed, written in one transaction
// (group commit): one fsync for all of them, and no reply leaves before it.
class HALL_SERVER_EXPORT CommitBatch
{
public:
    CommitBatch() = default;
    CommitBatch(CommitBatch &&) = default;
    CommitBatch &operator=(CommitBatch &&) = default;

    void add(std::unique_ptr<PendingWrite> write);
    // The write kept under `key` (one per hall's queue, say), made by `make` on first use.
    // Callers merge into it and then call touch().
    template<typename W, typename Make>
    W &slot(const QString &key, Make make)
    {
        PendingWrite *&w = m_slots[key];
        if (!w) {
            auto made = make();
            w = made.get();
            m_writes.push_back(std::move(made));
        }
        return static_cast<W &>(*w);
    }
    void touch() { ++m_generation; }

    // Grows with every change added: a request changed something if it moved.
    quint64 generation() const { return m_generation; }
    bool isEmpty() const { return m_writes.empty(); }
    std::size_t size() const { return m_writes.size(); }

    // Writes everything in one transaction. `fence`, when given, runs first inside it: false
    // (this process no longer owns the halls) rolls everything back.
    bool commit(storage::Database *db, QString *error, const std::function<bool(QString *)> &fence = {});
    // Tells each write whether its transaction committed (after the replies have left).
    void finish(bool committed);

private:
    std::vector<std::unique_ptr<PendingWrite>> m_writes;
    QHash<QString, PendingWrite *> m_slots;
    quint64 m_generation = 0;
};

} // namespace hall::server
