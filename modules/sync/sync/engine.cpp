#include "engine.h"

#include <core/logging.h>

#include <QBuffer>
#include <QJsonArray>
#include <QPointer>

namespace hall::sync {

SyncTransport::~SyncTransport() = default;

void SyncTransport::blobStart(const QJsonObject &, Done done)
{
    done(TransportResult::fromHttp(400, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), QStringLiteral("no_blobs")},
                                                                               {QStringLiteral("message"), QStringLiteral("this transport carries no blobs")}}}}));
}

void SyncTransport::blobChunk(const QJsonObject &, qint64, QIODevice *, qint64, Done done)
{
    blobStart({}, std::move(done));
}

TransportResult TransportResult::fromHttp(int status, const QJsonObject &body, const QString &transportError)
{
    TransportResult r;
    r.status = status;
    r.body = body;
    const QJsonObject e = body.value(QStringLiteral("error")).toObject();
    r.code = e.value(QStringLiteral("code")).toString();
    r.message = e.value(QStringLiteral("message")).toString();
    if (status == 0) {
        r.kind = Kind::Transient;
        r.message = transportError;
    } else if (status >= 200 && status < 300) {
        r.kind = Kind::Ok;
    } else if (status == 409 && r.code == QLatin1String("sequence_gap")) {
        r.kind = Kind::SequenceGap;
    } else if (status == 409 && (r.code == QLatin1String("stale_epoch") || r.code == QLatin1String("reset_required"))) {
        r.kind = Kind::ResetRequired;
    } else if (status == 409 && r.code == QLatin1String("upgrade_required")) {
        r.kind = Kind::UpgradeRequired;
    } else if (status >= 500 || status == 429 || status == 401 || status == 408) {
        r.kind = Kind::Transient;
    } else {
        r.kind = Kind::Refused;
    }
    if (r.message.isEmpty() && r.kind != Kind::Ok)
        r.message = QStringLiteral("HTTP %1").arg(status);
    return r;
}


SyncEngine::SyncEngine(SyncCache *cache, SyncTransport *transport, Options options, QObject *parent)
    : QObject(parent), m_cache(cache), m_transport(transport), m_options(options),
      m_backoff(core::BackoffPolicy{options.backoffBaseMs, options.backoffCapMs, 50}),
      m_blobBackoff(core::BackoffPolicy{options.backoffBaseMs, options.backoffCapMs, 50})
{
    m_blobTimer.setSingleShot(true);
    connect(&m_blobTimer, &QTimer::timeout, this, &SyncEngine::upload);
    m_notesTimer.setSingleShot(true);
    m_notesTimer.setInterval(options.notesIntervalMs);
    connect(&m_notesTimer, &QTimer::timeout, this, [this] {
        QString err;
        if (!writeBlobNotes(&err))
            blobFailure(err);
    });
    qRegisterMetaType<hall::sync::SyncStatus>();
    m_pushTimer.setSingleShot(true);
    connect(&m_pushTimer, &QTimer::timeout, this, &SyncEngine::push);
    m_pullTimer.setSingleShot(true);
    connect(&m_pullTimer, &QTimer::timeout, this, &SyncEngine::pull);
    m_watchdog.setInterval(std::max(100, std::min(m_options.watchdogMs / 4, 5000)));
    connect(&m_watchdog, &QTimer::timeout, this, &SyncEngine::watchdog);
}

void SyncEngine::start()
{
    m_running = true;
    m_lastProgress = QDateTime::currentDateTime();
    m_watchdog.start();
    sweepBlobs();
    refreshStatus();
    m_pushTimer.start(0);
    m_pullTimer.start(0);
    m_blobTimer.start(0);
}

void SyncEngine::stop()
{
    m_running = false;
    m_pushTimer.stop();
    m_pullTimer.stop();
    m_blobTimer.stop();
    m_watchdog.stop();
    m_flights.clear(); // answers still under way find nothing and are dropped
    QString err;
    writeBlobNotes(&err);
    m_notesTimer.stop();
}

void SyncEngine::kick()
{
    refreshStatus(); // a new write shows in the status at once
    if (m_running && !m_pushing && !m_status.resetRequired)
        m_pushTimer.start(0);
    blobWanted();
}

bool SyncEngine::isCaughtUp() const
{
    return m_running && isIdle() && m_status.pending == 0 && !m_status.resetRequired && m_pulledAfterPushes == m_pushesAnswered;
}

void SyncEngine::pullNow()
{
    if (m_running && !m_pulling)
        m_pullTimer.start(0);
}

void SyncEngine::push()
{
    if (!m_running || m_pushing || m_status.resetRequired)
        return;
    SyncState st;
    QList<OutboxEntry> entries;
    QString err;
    if (!m_cache->state(&st, &err) || !m_cache->pending(st.epoch, std::max<qint64>(1, m_resendFrom), m_options.batch, &entries, &err)) {
        transientFailure(err);
        return;
    }
    // Blobs before the entries that reference them: the batch ends at the first entry whose
    // blobs are not all on the server yet; the uploader pushes again when they are.
    if (!writeBlobNotes(&err))
        return transientFailure(err);
    qsizetype ready = 0;
    for (; ready < entries.size(); ++ready) {
        if (!m_cache->blobsReady(entries.at(ready).data, &err)) {
            if (!err.isEmpty())
                return transientFailure(err);
            break;
        }
    }
    m_cutAtBlobs = ready < entries.size();
    entries.resize(ready);
    if (entries.isEmpty()) {
        blobWanted();
        return;
    }
    if (m_status.catchUpTotal == 0 && m_status.pending > m_options.batch)
        m_status.catchUpTotal = m_status.pending;
    QJsonArray list;
    for (const OutboxEntry &e : std::as_const(entries)) {
        QJsonObject pushed;
        if (!m_cache->pushForm(e, &pushed, &err)) {
            // Sealed personal fields and no key now: they wait (the watchdog shows why).
            if (list.isEmpty()) {
                transientFailure(tr("Entry %1 holds personal data that cannot be opened: %2").arg(e.seq).arg(err));
                return;
            }
            break;
        }
        list.append(pushed);
    }
    m_pushing = true;
    QPointer<SyncEngine> self(this);
    const qint64 epoch = st.epoch;
    m_transport->push({{QStringLiteral("device"), st.device}, {QStringLiteral("epoch"), epoch}, {QStringLiteral("entries"), list}},
                      [self, epoch](const TransportResult &r) {
                          if (self)
                              self->onPushed(epoch, r);
                      });
}

void SyncEngine::onPushed(qint64 epoch, const TransportResult &r)
{
    m_pushing = false;
    switch (r.kind) {
    case TransportResult::Kind::Ok: {
        const QJsonArray outcomes = r.body.value(QStringLiteral("outcomes")).toArray();
        QString err;
        if (!m_cache->applyOutcomes(epoch, outcomes, &err)) {
            transientFailure(err);
            return;
        }
        m_resendFrom = r.body.value(QStringLiteral("lastSeq")).toInteger() + 1;
        m_backoff.reset();
        m_status.lastError = m_status.upgradeRequired ? m_upgradeMessage : QString(); // still true: pushes carry no feed
        m_status.catchUpDone += outcomes.size();
        m_lastProgress = QDateTime::currentDateTime();
        Q_EMIT outcomesArrived(int(outcomes.size()));
        const QJsonObject waiting = r.body.value(QStringLiteral("waiting")).toObject();
        if (!waiting.isEmpty()) {
            // The server lacks blobs this entry references (it lost them, or they were never
            // sent): they go up again, and the entry waits for them.
            if (!m_cache->requeueBlobs(waiting.value(QStringLiteral("blobs")).toArray(), &err))
                return transientFailure(err);
            m_status.lastError = waiting.value(QStringLiteral("message")).toString();
            refreshStatus();
            blobWanted();
            m_pushTimer.start(m_backoff.nextDelayMs());
            return;
        }
        ++m_pushesAnswered;
        refreshStatus();
        // What waits behind a batch that ended at blobs still going up follows with the next
        // ones that complete.
        if (m_status.pending > 0 && !m_cutAtBlobs)
            m_pushTimer.start(0);
        else if (m_status.pending > 0 && !m_pushTimer.isActive())
            m_pushTimer.start(m_flights.empty() ? 0 : m_options.blobPushDelayMs);
        else if (m_status.pending == 0)
            pullNow(); // what the writes changed on the server comes back at once
        return;
    }
    case TransportResult::Kind::SequenceGap: {
        const qint64 expected = r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("expectedSeq")).toInteger();
        if (expected > m_resendFrom) {
            // The server has more than we knew (replies were lost): send from there on and learn
            // the outcomes of the rest by pull.
            m_resendFrom = expected;
            m_pushTimer.start(0);
            pullNow();
            return;
        }
        // The server lacks entries this cache has answers for: its database went back in time.
        resetRequired(r, QStringLiteral("sequence_gap"));
        return;
    }
    case TransportResult::Kind::ResetRequired:
        resetRequired(r, QStringLiteral("stale_epoch"));
        return;
    case TransportResult::Kind::UpgradeRequired: // not a push answer; taken as any refusal
    case TransportResult::Kind::Refused:
    case TransportResult::Kind::Transient:
        transientFailure(r.message);
        return;
    }
}

void SyncEngine::resetRequired(const TransportResult &r, const QString &reason)
{
    m_status.resetRequired = true;
    m_status.resetReason = r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("reason")).toString(reason);
    m_status.lastError = r.message;
    qCWarning(lcSync) << "reset required:" << m_status.resetReason << r.message;
    refreshStatus();
}

void SyncEngine::transientFailure(const QString &error)
{
    qCInfo(lcSync) << "push failed, retrying:" << error;
    retryLater(m_pushTimer, m_backoff, error);
}

void SyncEngine::retryLater(QTimer &timer, core::Backoff &backoff, const QString &error)
{
    m_status.lastError = error;
    refreshStatus();
    if (m_running)
        timer.start(backoff.nextDelayMs());
}

void SyncEngine::blobWanted()
{
    if (m_running && !m_blobTimer.isActive())
        m_blobTimer.start(0);
}

void SyncEngine::upload()
{
    if (!m_running || int(m_flights.size()) >= m_options.parallelUploads)
        return;
    QList<SyncCache::QueuedBlob> queued;
    QString err;
    // The cache still lists as queued the blobs in flight and those completed since the notes
    // were last written: past them, as many as there are free slots.
    if (!m_cache->queuedBlobs(m_options.parallelUploads + int(m_flights.size() + m_blobNotes.size()), &queued, &err))
        return blobFailure(err);
    if (queued.isEmpty())
        return;
    if (!m_blobs) {
        m_status.lastError = tr("Blobs wait for upload, but the cache's key is not available to read them.");
        refreshStatus();
        return;
    }
    QPointer<SyncEngine> self(this);
    for (const SyncCache::QueuedBlob &blob : std::as_const(queued)) {
        const QString key = blob.algorithm + u'/' + blob.hash;
        const auto note = m_blobNotes.constFind(key);
        if (int(m_flights.size()) >= m_options.parallelUploads || m_flights.count(key) || (note != m_blobNotes.constEnd() && note->second))
            continue;
        m_flights[key].blob = blob;
        if (!m_askFirst.remove(key)) {
            sendChunk(key, blob.sent); // the first chunk starts the upload; a wrong offset is corrected
            continue;
        }
        // After a failure, asking first tells the offset the server has: the upload resumes
        // there without sending a chunk it may have already.
        m_transport->blobStart(BlobRef{blob.algorithm, blob.hash, blob.size}.toJson(), [self, key](const TransportResult &r) {
            if (self)
                self->onBlobAnswer(key, r);
        });
    }
}

void SyncEngine::onBlobAnswer(const QString &key, const TransportResult &r)
{
    const auto it = m_flights.find(key);
    if (it == m_flights.end())
        return; // stopped meanwhile
    Flight &f = it->second;
    f.source.reset();
    if (r.kind == TransportResult::Kind::Ok) {
        const qint64 offset = r.body.value(QStringLiteral("offset")).toInteger();
        const bool complete = r.body.value(QStringLiteral("complete")).toBool();
        f.blob.sent = offset;
        m_blobNotes.insert(key, {f.blob, complete});
        if (!m_notesTimer.isActive())
            m_notesTimer.start();
        m_blobBackoff.reset();
        m_lastProgress = QDateTime::currentDateTime();
        if (!complete)
            return sendChunk(key, offset);
        m_flights.erase(it);
        // Entries may have been waiting for this one. While other blobs are still going up, the
        // push waits a moment so the materials of several go in one request and one commit on
        // either side; after the last one it goes at once.
        if (m_flights.empty())
            m_pushTimer.start(0);
        else if (!m_pushTimer.isActive())
            m_pushTimer.start(m_options.blobPushDelayMs);
        blobWanted();
        return;
    }
    if (r.code == QLatin1String("wrong_offset")) // the server's offset rules
        return sendChunk(key, r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("offset")).toInteger());
    // Anything else (a cut connection, a discarded upload): later, from the server's offset.
    m_flights.erase(it);
    m_askFirst.insert(key);
    blobFailure(r.message);
}

void SyncEngine::sendChunk(const QString &key, qint64 offset)
{
    Flight &f = m_flights.at(key);
    const qint64 length = std::max<qint64>(0, std::min(m_options.chunkBytes, f.blob.size - offset));
    QString err;
    // The chunk is decrypted into memory (at most chunkBytes per blob in flight) and handed to
    // the network as a buffer: QNetworkAccessManager sends a buffer in one piece, while from a
    // device it fetches 16 KiB at a time across threads, each piece waiting for this event loop.
    // The file stays open for the blob's next chunks: a fresh reader per chunk would look the
    // file up and walk its sealed chunks from the start each time (quadratic for a 50 MB scan).
    const BlobRef ref{f.blob.algorithm, f.blob.hash, f.blob.size};
    if (!f.reader)
        f.reader = m_blobs->reader(ref, 0, -1, &err);
    const bool inside = f.reader && f.reader->seek(offset);
    const QByteArray bytes = inside ? f.reader->read(length) : QByteArray();
    if (!inside || bytes.size() != length) {
        if (f.reader && !inside)
            m_blobs->reader(ref, offset, length, &err); // says what is wrong with the window
        else if (f.reader)
            err = f.reader->errorString();
        m_flights.erase(key);
        return blobFailure(err);
    }
    auto buffer = std::make_shared<QBuffer>();
    buffer->setData(bytes);
    buffer->open(QIODevice::ReadOnly);
    f.source = std::move(buffer);
    QPointer<SyncEngine> self(this);
    // The callback holds the device too: the request may still read it if the engine stops.
    m_transport->blobChunk(ref.toJson(), offset, f.source.get(), length,
                           [self, key, source = f.source](const TransportResult &r) {
        if (self)
            self->onBlobAnswer(key, r);
    });
}

bool SyncEngine::writeBlobNotes(QString *error)
{
    if (m_blobNotes.isEmpty())
        return true;
    if (!m_cache->noteBlobsSent(m_blobNotes.values(), error))
        return false;
    m_blobNotes.clear();
    refreshStatus();
    return true;
}

void SyncEngine::blobFailure(const QString &error)
{
    qCInfo(lcSync) << "blob upload failed, retrying:" << error;
    retryLater(m_blobTimer, m_blobBackoff, error);
}

// After a crash: files no row names go, rows whose file is gone are told (docs/sync.md, "Blobs").
void SyncEngine::sweepBlobs()
{
    SyncCache::Sweep sweep;
    QString err;
    if (!m_cache->sweepBlobs(m_options.sweepGraceMs, &sweep, &err)) {
        qCWarning(lcSync) << "blob folder not swept:" << err;
        return;
    }
    if (sweep.filesRemoved || sweep.rowsDropped || sweep.missing)
        qCInfo(lcSync) << "blob folder swept:" << sweep.filesRemoved << "files no row names removed," << sweep.rowsDropped
                       << "rows of uploaded blobs without a file dropped," << sweep.missing << "blobs to upload without a file";
    refreshStatus();
    if (m_status.blobsMissing > 0)
        m_status.lastError = missingBlobs();
}

QString SyncEngine::missingBlobs() const
{
    return tr("%n blobs to upload have lost their local file (the PC stopped while they were stored?); the materials that "
              "reference them wait: scan them again, or import them from an export (hall-sync import-blobs).",
              nullptr, int(m_status.blobsMissing));
}

void SyncEngine::pull()
{
    if (!m_running || m_pulling || m_status.resetRequired)
        return;
    SyncState st;
    QString err;
    if (!m_cache->state(&st, &err)) {
        m_status.lastError = err;
        m_pullTimer.start(m_options.pullIntervalMs);
        return;
    }
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("device"), st.device);
    q.addQueryItem(QStringLiteral("epoch"), QString::number(st.epoch));
    q.addQueryItem(QStringLiteral("since"), QString::number(st.checkpoint));
    q.addQueryItem(QStringLiteral("outcomesAfter"), QString::number(st.outcomesAfter));
    q.addQueryItem(QStringLiteral("limit"), QString::number(m_options.pageSize));
    // What this build reads and what the cached rows were built from: the server answers in a
    // format both know, or asks for a reset (rows it cannot carry over) or an upgrade.
    q.addQueryItem(QStringLiteral("format"), QString::number(m_options.feedFormat));
    q.addQueryItem(QStringLiteral("rows"), QString::number(st.feedFormat));
    m_pulling = true;
    QPointer<SyncEngine> self(this);
    const qint64 epoch = st.epoch;
    const qint64 pushesBefore = m_pushesAnswered;
    m_transport->pull(q, [self, epoch, pushesBefore](const TransportResult &r) {
        if (!self)
            return;
        self->onPulled(epoch, r);
        if (r.kind != TransportResult::Kind::Ok)
            return;
        self->m_pulledAfterPushes = pushesBefore;
        // A push was answered while this pull ran: pull again for what it changed — once the
        // outbox is empty (the last push's answer pulls too). During a push-out the pushes'
        // own answers carry their outcomes, and a pull after each would cost a request and a
        // commit per push on either side.
        if (pushesBefore != self->m_pushesAnswered && self->m_status.pending == 0)
            self->pullNow();
    });
}

void SyncEngine::onPulled(qint64 epoch, const TransportResult &r)
{
    m_pulling = false;
    if (r.kind == TransportResult::Kind::ResetRequired)
        return resetRequired(r, QStringLiteral("checkpoint_ahead"));
    if (r.kind == TransportResult::Kind::UpgradeRequired) {
        // Nothing here can read the server's feed: the cache stays as it is and entries still go
        // out (their push is no feed); asked again at the pull interval, in case the server is
        // rolled back.
        if (!m_status.upgradeRequired)
            qCWarning(lcSync) << "upgrade required:" << r.message;
        m_status.upgradeRequired = true;
        m_status.lastError = m_upgradeMessage = r.message;
        refreshStatus();
        m_pullTimer.start(m_options.pullIntervalMs);
        return;
    }
    if (r.kind != TransportResult::Kind::Ok) {
        m_status.lastError = r.message;
        refreshStatus();
        m_pullTimer.start(m_options.pullIntervalMs);
        return;
    }
    const QJsonArray changes = r.body.value(QStringLiteral("changes")).toArray();
    const QJsonArray outcomes = r.body.value(QStringLiteral("outcomes")).toArray();
    QString err;
    if (!m_cache->applyPull(epoch, changes, outcomes, r.body.value(QStringLiteral("checkpoint")).toInteger(), &err,
                            r.body.value(QStringLiteral("format")).toInt())) {
        m_status.lastError = err;
        refreshStatus();
        m_pullTimer.start(m_options.pullIntervalMs);
        return;
    }
    if (m_status.upgradeRequired) {
        m_status.upgradeRequired = false;
        m_status.lastError.clear();
    }
    if (!changes.isEmpty())
        Q_EMIT referenceChanged();
    if (!outcomes.isEmpty()) {
        m_lastProgress = QDateTime::currentDateTime();
        Q_EMIT outcomesArrived(int(outcomes.size()));
    }
    refreshStatus();
    const bool more = r.body.value(QStringLiteral("more")).toBool() || outcomes.size() >= m_options.pageSize;
    m_pullTimer.start(more ? 0 : m_options.pullIntervalMs);
}

void SyncEngine::refreshStatus()
{
    SyncCache::Counts c;
    SyncState st;
    QString err;
    if (m_cache->counts(&c, &err) && m_cache->state(&st, &err)) {
        m_status.pending = c.pending;
        m_status.oldestPendingSecs = c.oldestPending.isValid() ? c.oldestPending.secsTo(QDateTime::currentDateTime()) : 0;
        m_status.conflicts = c.conflicts;
        m_status.rejected = c.rejected;
        m_status.parked = c.parked;
        m_status.blobsWaiting = c.blobsWaiting;
        m_status.blobBytesWaiting = c.blobBytesWaiting;
        m_status.blobsMissing = c.blobsMissing;
        m_status.lastPush = st.lastPush;
        m_status.lastPull = st.lastPull;
    }
    if (m_status.pending == 0 && m_status.blobsWaiting == 0) {
        m_status.catchUpTotal = 0;
        m_status.catchUpDone = 0;
        m_status.stalled = false;
        m_status.stallReason.clear();
        m_lastProgress = QDateTime::currentDateTime();
    }
    Q_EMIT statusChanged(m_status);
}

void SyncEngine::watchdog()
{
    refreshStatus();
    const bool stalled = (m_status.pending > 0 || m_status.blobsWaiting > 0) && m_lastProgress.msecsTo(QDateTime::currentDateTime()) > m_options.watchdogMs;
    if (stalled || stalled != m_status.stalled) {
        m_status.stalled = stalled;
        const QString waiting = m_status.pending > 0 ? tr("%n entries waiting, no progress for %1 s: %2", nullptr, int(m_status.pending))
                                                     : tr("%n blobs waiting to upload, no progress for %1 s: %2", nullptr, int(m_status.blobsWaiting));
        const QString why = m_status.blobsMissing > 0 ? missingBlobs()
                            : m_status.lastError.isEmpty() ? tr("no answer from the server") : m_status.lastError;
        m_status.stallReason = stalled ? waiting.arg(m_lastProgress.secsTo(QDateTime::currentDateTime())).arg(why)
                                       : QString();
        Q_EMIT statusChanged(m_status);
    }
    // Liveness: whatever happened to the last attempt, waiting entries are tried again.
    if (m_running && m_status.pending > 0 && !m_pushing && !m_pushTimer.isActive() && !m_status.resetRequired)
        m_pushTimer.start(0);
    if (m_status.blobsWaiting > 0 && m_flights.empty())
        blobWanted();
}

bool SyncEngine::reset(const QString &exportPath, QString *error)
{
    if (!m_cache->reset(exportPath, error))
        return false;
    m_status = SyncStatus();
    m_resendFrom = 0;
    m_backoff.reset();
    refreshStatus();
    pullNow();
    return true;
}

} // namespace hall::sync
