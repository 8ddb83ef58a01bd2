#pragma once

#include <server/server_export.h>

#include <core/clock.h>
#include <queue/engine.h>

#include <QHash>
#include <QJsonObject>

#include <functional>
#include <memory>

namespace hall::server {

class CommitBatch;
class HallStore;
class QueueStore;

// The queue domain's live state: one queue::Engine per hall, restored from the QueueStore. What
// the engines change is collected into the commit batch as one write per hall; after COMMIT
// that write hands the hall's events to the publisher (the event fan-out).
class HALL_SERVER_EXPORT Halls
{
public:
    using Publisher = std::function<void(qint64 hallId, const QList<queue::Event> &events)>;

    Halls(HallStore *halls, QueueStore *queue, core::Clock *clock, QByteArray secret);
    ~Halls();

    void setPublisher(Publisher publisher) { m_publish = std::move(publisher); }
    // Sees each change set as it joins the batch, for domains that derive rows from the queue
    // in the same transaction (the sync feed's window and officer scopes).
    using Observer = std::function<void(qint64 hallId, const queue::Engine &engine, const queue::ChangeSet &changes, CommitBatch &batch)>;
    void setObserver(Observer observer) { m_observe = std::move(observer); }

    // (Re)loads every hall from the database; what restoring changed (tickets left open from
    // an earlier day) goes into `batch`.
    bool load(CommitBatch &batch, QString *error);
    // A commit that carried queue changes failed: the engines hold state the database does not.
    void markStale() { m_stale = true; }
    bool isStale() const { return m_stale; }

    queue::Engine *engine(qint64 hallId) const { return m_engines.value(hallId).get(); }
    queue::Engine *engineFor(const QString &code, qint64 *hallId) const;
    QString codeOf(qint64 hallId) const;
    QStringList codes() const { return m_ids.keys(); }
    QList<qint64> ids() const { return m_engines.keys(); }

    void collect(qint64 hallId, CommitBatch &batch);
    void tickAll(CommitBatch &batch);

    // The whole hall as displays see it: businesses with waiting counts, windows.
    QJsonObject summary(qint64 hallId) const;

    HallStore *hallStore() const { return m_hallStore; }
    QueueStore *queueStore() const { return m_queueStore; }
    core::Clock *clock() const { return m_clock; }

private:
    friend class QueueWrite;

    HallStore *m_hallStore;
    QueueStore *m_queueStore;
    core::Clock *m_clock;
    QByteArray m_secret;
    Publisher m_publish;
    Observer m_observe;
    QHash<qint64, std::shared_ptr<queue::Engine>> m_engines;
    QHash<QString, qint64> m_ids;
    bool m_stale = false;
};

} // namespace hall::server
