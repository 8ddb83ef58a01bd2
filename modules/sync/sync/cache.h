#pragma once

#include <sync/sync_export.h>

#include <security/personaldata.h>
#include <storage/database.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

#include <memory>
#include <optional>

namespace hall::sync {

struct HALL_SYNC_EXPORT OutboxEntry
{
    qint64 epoch = 0;
    qint64 seq = 0;
    QString key;    // idempotency key
    QString kind;   // "rating" …
    QString entity; // "kind/key" of the local row it writes, for holding pulled changes back
    QJsonObject data;
    QDateTime madeAt;
    QString state;  // pending, done, parked
    QString status; // applied, rejected, conflict (once done)
    QString code;
    QString message;
    QJsonObject result;
    QJsonObject current;
    QByteArray sealed; // personal fields of the entry, sealed (SyncCache::seal); opened only to push
    QJsonObject toPush() const;
    // A line of an export file: the push form, epoch, entity and the sealed fields, still sealed.
    QJsonObject toExport() const;
};

struct SyncState
{
    QString device;
    qint64 epoch = 1;
    qint64 nextSeq = 1;
    qint64 checkpoint = 0;
    qint64 outcomesAfter = 0;
    int feedFormat = 1; // the feed format the cached rows were built from
    QDateTime lastPush;
    QDateTime lastPull;
};

// A PC's local cache (a real SQLite file, migrations from sql/client) and its sync bookkeeping:
// the device id and epoch, the outbox, the pulled reference data and the checkpoint. A local
// write and its outbox entry commit together: open a storage::Transaction on connection(),
// write the app's rows, call enqueue(), commit.
class HALL_SYNC_EXPORT SyncCache
{
    Q_DECLARE_TR_FUNCTIONS(SyncCache)
public:
    // A cache written by a newer HallSuite (its schema is past what this build knows) is refused
    // with SchemaTooNew and left exactly as it is: its unsent entries go out once that version
    // (or a newer one) runs here again.
    static storage::OpenResult open(const QString &path, std::unique_ptr<SyncCache> *out, QString *error);

    // The newest sync feed format this build reads (docs/sync.md, "Feed format").
    static constexpr int FeedFormat = 1;
    ~SyncCache();

    storage::Database *database() const { return m_db.get(); }
    QSqlDatabase connection() const { return m_db->connection(); }

    // Inside the caller's transaction: the next sequence of this epoch, a new idempotency key.
    // `sealed`: personal fields from seal(), merged into the data only when it is pushed.
    bool enqueue(const QString &kind, const QJsonObject &data, const QString &entity, OutboxEntry *made, QString *error,
                 const QByteArray &sealed = {});

    // Personal data at rest (security::PersonalData): bound to this cache and the key from the
    // keychain. Without a usable key there is nothing to seal with, and personal fields are
    // refused rather than stored in clear.
    void attachPersonalData(const security::KeyResult &key);
    const security::PersonalData *personalData() const { return m_personal ? &*m_personal : nullptr; }
    // Personal fields of the entry for `entity`, sealed; nullopt (and *error) without a key.
    std::optional<QByteArray> seal(const QString &entity, const QJsonObject &fields, QString *error) const;
    // The entry as pushed: its data with the sealed fields opened. False when they cannot be
    // opened (no key now): the entry waits, nothing is sent without them.
    bool pushForm(const OutboxEntry &e, QJsonObject *out, QString *error) const;
    // The sealed fields opened (for masking in hall-sync); empty when there are none or no key.
    QJsonObject openSealed(const OutboxEntry &e) const;

    bool state(SyncState *out, QString *error) const;
    // Pending entries of the current epoch from `fromSeq` on, in order.
    bool pending(qint64 epoch, qint64 fromSeq, int limit, QList<OutboxEntry> *out, QString *error) const;
    bool entries(const QString &state, int limit, QList<OutboxEntry> *out, QString *error) const;
    struct Counts
    {
        qint64 pending = 0;
        QDateTime oldestPending;
        qint64 conflicts = 0; // conflicts nobody has decided yet
        qint64 rejected = 0;
        qint64 parked = 0;
        qint64 blobsWaiting = 0;     // blobs not yet complete on the server
        qint64 blobBytesWaiting = 0; // their bytes the server has not confirmed
        qint64 blobsMissing = 0;     // blobs to upload whose file is gone (see sweepBlobs)
    };
    bool counts(Counts *out, QString *error) const;
    QJsonObject reference(const QString &kind, const QString &key) const;
    QList<QJsonObject> references(const QString &kind) const;
    // The version a new local edit of a versioned entity is made against: the pulled version
    // plus this device's own edits of it still waiting (each adds one when the server applies it).
    qint64 baseVersion(const QString &kind, const QString &key) const;

    // One pulled page, its outcomes and its checkpoint, in one transaction; `format` (the feed
    // format the server answered in; 0: not said) is recorded as the rows' format.
    bool applyPull(qint64 epoch, const QJsonArray &changes, const QJsonArray &outcomes, qint64 checkpoint, QString *error,
                   int format = 0);
    // Outcomes from a push reply, in one transaction.
    bool applyOutcomes(qint64 epoch, const QJsonArray &outcomes, QString *error);
    bool notePush(QString *error);

    // Writes every unsent entry to `exportPath` (JSON lines, fsynced) and the files of the blobs
    // not yet on the server, still sealed with the cache's key, to `exportPath` + ".blobs/" with
    // their list in "blobs.jsonl" there (BlobStore::importExported reads them back). Changes nothing.
    bool exportUnsent(const QString &exportPath, QString *error, int *entries = nullptr, int *blobs = nullptr) const;
    // exportUnsent(), then parks the unsent entries and starts a new epoch from an empty
    // checkpoint. Nothing is deleted.
    bool reset(const QString &exportPath, QString *error);
    // A field engineer's decision on a parked entry: queue it again in the current epoch.
    bool requeueParked(QString *error, int *count = nullptr);
    bool decideConflict(qint64 epoch, qint64 seq, QString *error);

    // The blob upload queue (BlobStore writes the files; the engine uploads). The files are in
    // blobFolder(), sealed with the cache's key; nothing here needs the key.
    QString blobFolder() const;
    struct QueuedBlob
    {
        QString algorithm;
        QString hash;
        qint64 size = 0;
        qint64 sent = 0;
    };
    // Inside the caller's transaction; `duplicate` when the cache has the blob already.
    bool queueBlob(const QString &algorithm, const QString &hash, qint64 size, const QString &file, bool *duplicate, QString *error);
    bool blobFile(const QString &algorithm, const QString &hash, QString *file, QString *error) const;
    // A blob's file brought back (BlobStore::importExported): queued as new, or in place of a
    // row whose file was lost.
    bool restoreBlob(const QString &algorithm, const QString &hash, qint64 size, const QString &file, QString *error);
    // The oldest queued blobs, at most `limit`.
    bool queuedBlobs(int limit, QList<QueuedBlob> *out, QString *error) const;
    // What the server confirmed of these blobs (`sent`; complete when sent == size and it said so),
    // in one transaction.
    bool noteBlobsSent(const QList<std::pair<QueuedBlob, bool>> &blobs, QString *error);
    // Blobs the server says it lacks (its storage was restored): queued again from the start.
    bool requeueBlobs(const QJsonArray &blobs, QString *error);
    // Whether every blob an entry's data references ("blobs": [{algorithm, hash}]) is on the
    // server; blobs this cache does not hold are the server's business.
    bool blobsReady(const QJsonObject &data, QString *error) const;
    // A blob's local file is needed until the server has the blob complete and no unsent entry
    // (pending, or parked by a reset) references it: then its row goes, and its file soon after
    // on a worker thread (at the latest when the cache is closed). `released` counts. Applying
    // outcomes (applyOutcomes, applyPull) does the same in its own transaction.
    bool releaseBlobs(QString *error, int *released = nullptr);
    // At start, after a crash: files in the blob folder that no row names (an import that never
    // committed, a release that stopped half-way) are removed once older than `graceMs` (another
    // process may be importing right now); rows whose file is gone are dropped when the server
    // has the blob, else marked "missing" (not uploadable; Counts::blobsMissing, the entries
    // that reference them wait).
    struct Sweep
    {
        int filesRemoved = 0;
        int rowsDropped = 0;
        int missing = 0; // newly marked
    };
    bool sweepBlobs(qint64 graceMs, Sweep *out, QString *error);

private:
    explicit SyncCache(std::unique_ptr<storage::Database> db);
    bool applyOutcomesInTx(qint64 epoch, const QJsonArray &outcomes, QStringList *released, QString *error);
    bool releaseBlobsInTx(QStringList *files, QString *error);
    void removeReleased(const QStringList &files);
    bool releaseHeldInTx(QString *error);

    std::unique_ptr<storage::Database> m_db;
    std::optional<security::PersonalData> m_personal; // none: no key was ever offered
    std::unique_ptr<QThreadPool> m_remover;           // removes released blob files, one thread
};

} // namespace hall::sync
