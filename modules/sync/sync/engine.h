#pragma once

#include <sync/blobstore.h>
#include <sync/cache.h>
#include <sync/sync_export.h>
#include <sync/transport.h>

#include <core/backoff.h>

#include <QObject>
#include <QHash>
#include <QSet>
#include <QTimer>

#include <map>

namespace hall::sync {


// What every app can show about its cache's sync.
struct SyncStatus
{
    qint64 pending = 0;
    qint64 oldestPendingSecs = 0;
    QDateTime lastPush;
    QDateTime lastPull;
    QString lastError;
    qint64 conflicts = 0;
    qint64 rejected = 0;
    qint64 parked = 0;
    qint64 blobsWaiting = 0;     // blobs still to upload, and their bytes the server lacks
    qint64 blobBytesWaiting = 0;
    qint64 blobsMissing = 0;    // blobs to upload whose local file is gone (found at start): their entries wait
    bool stalled = false;       // entries waiting and no progress for longer than the watchdog allows
    QString stallReason;        // what to show then: how many wait, for how long, the last error
    bool resetRequired = false; // the server asks for a reset (see SyncCache::reset)
    QString resetReason;        // why: stale_epoch, checkpoint_ahead, feed_format, sequence_gap
    bool upgradeRequired = false; // this build reads no feed format the server sends: pulls stop
                                  // (entries still go out), lastError says to install the current version
    qint64 catchUpTotal = 0;    // a long catch-up: entries to send when it began, and sent so far
    qint64 catchUpDone = 0;
};

// Moves a SyncCache's outbox to the server and the server's changes and outcomes into the cache
// (docs/sync.md). Retries run on timers with backoff and jitter — never only when the next write
// comes; a watchdog turns "entries waiting, no progress" into a visible error; a reset is
// never automatic (it exports first, see SyncCache::reset).
class HALL_SYNC_EXPORT SyncEngine : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int pullIntervalMs = 5000;
        int watchdogMs = 60000; // pending entries without progress for this long: stalled
        int batch = 1000;       // entries per push
        int pageSize = 500;     // changes per pull page
        int backoffBaseMs = 500;
        int backoffCapMs = 5000; // after the network heals, every outbox drains within seconds
        qint64 chunkBytes = 1024 * 1024; // per blob upload request (the server may ask for less)
        int parallelUploads = 6;         // blobs in flight at once: their commits share the server's group commit
        int blobPushDelayMs = 100;       // a completed blob's entries wait this long for those of the blobs still in flight
        int notesIntervalMs = 200;       // what the server confirmed of blobs is written to the cache this often
        qint64 sweepGraceMs = 10 * 60 * 1000; // at start, blob files no row names are removed once this old
        int feedFormat = SyncCache::FeedFormat; // the newest feed format read (tests play another build)
    };

    SyncEngine(SyncCache *cache, SyncTransport *transport, Options options, QObject *parent = nullptr);
    SyncEngine(SyncCache *cache, SyncTransport *transport, QObject *parent = nullptr)
        : SyncEngine(cache, transport, Options(), parent) {}

    // The cache's blobs, to upload before the entries that reference them. Without it (no key),
    // such entries wait and the status says why.
    void setBlobStore(BlobStore *blobs) { m_blobs = blobs; }

    void start();
    void stop();
    // Something was written: push soon. Not needed for liveness (timers retry anyway).
    void kick();
    void pullNow();
    // Exports unsent entries to `exportPath`, starts a new epoch, pulls from scratch.
    bool reset(const QString &exportPath, QString *error);

    SyncStatus status() const { return m_status; }
    bool isIdle() const { return !m_pushing && !m_pulling && m_flights.empty(); }
    // Nothing waits, and a pull that began after the last push was answered has completed: the
    // cache holds the server's state including the effects of its own writes.
    bool isCaughtUp() const;

Q_SIGNALS:
    void statusChanged(const hall::sync::SyncStatus &status);
    void referenceChanged();
    void outcomesArrived(int count);

private:
    void push();
    void pull();
    void onPushed(qint64 epoch, const TransportResult &r);
    void onPulled(qint64 epoch, const TransportResult &r);
    void resetRequired(const TransportResult &r, const QString &reason);
    void transientFailure(const QString &error);
    void retryLater(QTimer &timer, core::Backoff &backoff, const QString &error);
    void upload();
    void onBlobAnswer(const QString &key, const TransportResult &r);
    void sendChunk(const QString &key, qint64 offset);
    void blobWanted(); // fill the upload slots soon, unless a backoff waits
    bool writeBlobNotes(QString *error);
    void blobFailure(const QString &error);
    void sweepBlobs();
    QString missingBlobs() const; // what to tell while blobs to upload have no file
    void refreshStatus();
    void watchdog();

    SyncCache *m_cache;
    SyncTransport *m_transport;
    BlobStore *m_blobs = nullptr;
    Options m_options;
    core::Backoff m_backoff;
    core::Backoff m_blobBackoff;
    QTimer m_blobTimer;
    struct Flight
    {
        SyncCache::QueuedBlob blob;
        std::unique_ptr<BlobReader> reader; // the blob's file while it goes up: each chunk reads on from the last
        std::shared_ptr<QIODevice> source;  // the bytes of the chunk in flight; its callback keeps it alive too
    };
    std::map<QString, Flight> m_flights; // blobs being uploaded, by "algorithm/hash"
    QSet<QString> m_askFirst;            // blobs whose last attempt failed: ask the server's offset
    // What the server confirmed and the cache does not record yet: written together, a few
    // times a second and before each push, not one fsync per blob (a lost note only means the
    // server is asked again, and answers "complete").
    QHash<QString, std::pair<SyncCache::QueuedBlob, bool>> m_blobNotes;
    QTimer m_notesTimer;
    QTimer m_pushTimer;
    QTimer m_pullTimer;
    QTimer m_watchdog;
    bool m_running = false;
    bool m_pushing = false;
    bool m_pulling = false;
    bool m_cutAtBlobs = false;       // the last push ended before an entry whose blobs are not all up
    qint64 m_pushesAnswered = 0;     // successful push replies so far
    qint64 m_pulledAfterPushes = -1; // m_pushesAnswered when the last completed pull began
    qint64 m_resendFrom = 0;    // after a gap: the server has what is below this
    QDateTime m_lastProgress;   // when the pending count last went down (or nothing waited)
    QString m_upgradeMessage;   // the server's, while SyncStatus::upgradeRequired
    SyncStatus m_status;
};

} // namespace hall::sync

Q_DECLARE_METATYPE(hall::sync::SyncStatus)
