#pragma once

#include <server/blobstore.h>
#include <server/controllers.h>
#include <server/http.h>
#include <server/server_export.h>
#include <server/syncstore.h>

#include <core/hall.h>
#include <queue/state.h>

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <optional>

namespace hall::server {

class BlobController;
class EventHub;
class QueueStore;
class SyncWrite;

// The sync domain (docs/sync.md): push with exactly-once effect per (device, epoch, seq), pull
// of the change feed and of outcomes, and the reference data every PC keeps offline. State that
// runs ahead of the database by what the current batch holds (devices' sequences, the feed's
// counter, ratings pending) lives here and is dropped when a commit fails.
class HALL_SERVER_EXPORT SyncController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(SyncController)
public:
    // `blobs` says which blobs are complete: an entry that references others waits (docs/sync.md).
    SyncController(SyncStore *store, QueueStore *queue, EventHub *events, BlobController *blobs = nullptr);
    ~SyncController() override;
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}/sync"); }
    void registerRoutes(RouteScope &routes) override;

    // The hall, its businesses and windows into the `ref` scope of the change feed: what
    // changed since the last publication gets a new sequence and version, what went a tombstone.
    bool publishReference(qint64 hallId, const core::HallConfig &cfg, CommitBatch &batch, QString *error);

    // Sees each offline ticket taken in with a phone, as the issue route does (reminders).
    void setIssued(QueueController::Issued issued) { m_issued = std::move(issued); }

    // The window and officer scopes (docs/sync.md): what each window served and each officer's
    // day, derived from the queue's changes into the same batch, so they commit together.
    void observeQueue(qint64 hallId, const queue::Engine &engine, const queue::ChangeSet &changes, CommitBatch &batch);

    // Who a device belongs to, for requests about it outside push and pull (leases): nobody yet
    // (the first push claims it), the caller, another account; Unreadable on a storage failure.
    enum class Owner { Nobody, Caller, Other, Unreadable };
    Owner ownerOf(const QString &device, qint64 hallId, qint64 account);
    static bool validDeviceId(const QString &device);

    // The change feed's format (docs/sync.md, "Feed format"): how its rows look. It goes up with
    // a change that clients of the old format cannot read, or that makes rows they cached from
    // it wrong; the server answers every format from OldestFeedFormat up, a client in the newest
    // it reads, and a cache whose rows are of another format gets "reset required".
    static constexpr int FeedFormat = 1;
    static constexpr int OldestFeedFormat = 1;
    // Another build's formats: tests play a server upgrade with it. 0 keeps this build's.
    void setFeedFormats(int current, int oldest);

    static constexpr int MaxEntries = 1000;
    static constexpr qint64 MaxPushBytes = 4 * 1024 * 1024;
    static constexpr int MaxNoticeChars = 500;

private:
    friend class SyncWrite;

    Reply push(RequestContext &c);
    Reply pull(RequestContext &c);
    // The format a pull is answered in, from the client's `format` and `rows`; or the refusal.
    std::optional<Reply> feedFormat(RequestContext &c, qint64 since, int *served) const;
    SyncOutcome applyRating(RequestContext &c, const QString &device, const QJsonObject &data, const QDateTime &at, SyncWrite &w);
    SyncOutcome applyNotice(RequestContext &c, const QJsonObject &data, SyncWrite &w);
    // The hall scope's rows ("kind/key" → last change), read from the feed once per hall.
    QHash<QString, SyncChange> *hallRows(qint64 hallId, QString *error);
    SyncOutcome applyOfflineTicket(RequestContext &c, const QString &device, const QJsonObject &data);
    // nullopt: applied or refused in `out`; otherwise the blobs it waits for (or a storage failure).
    std::optional<QList<BlobId>> applyMaterial(RequestContext &c, const QString &device, const QJsonObject &data, const QDateTime &at,
                                               SyncWrite &w, SyncOutcome *out, bool *storageFailed);
    // The scopes a pull reads: those asked for if the caller may read them, else the caller's own.
    std::optional<Reply> pullScopes(RequestContext &c, QStringList *scopes) const;
    // One day's rows of the window and officer scopes ("scope|kind/key" → last change).
    QHash<QString, SyncChange> *workRows(qint64 hallId, const QDate &day);
    void publishWork(qint64 hallId, SyncChange change, SyncWrite &w);
    // A served ticket's row (window scope) and its officer's day (officer scope), each given
    // what changed: the ticket reached done, or a rating arrived.
    void publishServed(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, int rating, SyncWrite &w);
    SyncWrite &write(CommitBatch &batch);
    bool nextChangeSeq(qint64 hallId, qint64 *seq, QString *error);
    void dropState();

    SyncStore *m_store;
    QueueStore *m_queue;
    EventHub *m_events;
    BlobController *m_blobs;
    QueueController::Issued m_issued;
    QHash<QString, SyncDevice> m_devices;                   // device → state, committed or pending
    QHash<qint64, qint64> m_lastChange;                     // hall → last feed sequence handed out
    QHash<qint64, QHash<QString, SyncChange>> m_reference;  // hall → "kind/key" → last published
    QHash<qint64, QHash<QString, SyncChange>> m_hallRows;   // hall → "kind/key" → last change (scope hall)
    struct WorkDay
    {
        QDate day;
        QHash<QString, SyncChange> rows;
    };
    QHash<qint64, WorkDay> m_work;                          // hall → today's window/officer rows
    QSet<qint64> m_rated;                                   // tickets rated in the pending batch
    QSet<QString> m_materials;                              // "hall/key" of materials in the pending batch
    bool m_stale = false;
    int m_feedFormat = FeedFormat;
    int m_oldestFeedFormat = OldestFeedFormat;
};

} // namespace hall::server
