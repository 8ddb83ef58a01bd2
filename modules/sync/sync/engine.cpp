#include "engine.h"

#include <core/logging.h>

#include <QJsonArray>
#include <QPointer>

namespace hall::sync {

SyncTransport::~SyncTransport() = default;

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
      m_backoff(core::BackoffPolicy{options.backoffBaseMs, options.backoffCapMs, 50})
{
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
    refreshStatus();
    m_pushTimer.start(0);
    m_pullTimer.start(0);
}

void SyncEngine::stop()
{
    m_running = false;
    m_pushTimer.stop();
    m_pullTimer.stop();
    m_watchdog.stop();
}

void SyncEngine::kick()
{
    refreshStatus(); // a new write shows in the status at once
    if (m_running && !m_pushing && !m_status.resetRequired)
        m_pushTimer.start(0);
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
    if (entries.isEmpty())
        return;
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
        m_status.lastError.clear();
        m_status.catchUpDone += outcomes.size();
        m_lastProgress = QDateTime::currentDateTime();
        Q_EMIT outcomesArrived(int(outcomes.size()));
        ++m_pushesAnswered;
        refreshStatus();
        if (m_status.pending > 0)
            m_pushTimer.start(0);
        else
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
        m_status.resetRequired = true;
        m_status.lastError = r.message;
        refreshStatus();
        return;
    }
    case TransportResult::Kind::ResetRequired:
        m_status.resetRequired = true;
        m_status.lastError = r.message;
        refreshStatus();
        return;
    case TransportResult::Kind::Refused:
    case TransportResult::Kind::Transient:
        transientFailure(r.message);
        return;
    }
}

void SyncEngine::transientFailure(const QString &error)
{
    m_status.lastError = error;
    qCInfo(lcSync) << "push failed, retrying:" << error;
    refreshStatus();
    if (m_running)
        m_pushTimer.start(m_backoff.nextDelayMs());
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
        // A push was answered while this pull ran: pull again for what it changed.
        if (pushesBefore != self->m_pushesAnswered)
            self->pullNow();
    });
}

void SyncEngine::onPulled(qint64 epoch, const TransportResult &r)
{
    m_pulling = false;
    if (r.kind == TransportResult::Kind::ResetRequired) {
        m_status.resetRequired = true;
        m_status.lastError = r.message;
        refreshStatus();
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
    if (!m_cache->applyPull(epoch, changes, outcomes, r.body.value(QStringLiteral("checkpoint")).toInteger(), &err)) {
        m_status.lastError = err;
        refreshStatus();
        m_pullTimer.start(m_options.pullIntervalMs);
        return;
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
        m_status.lastPush = st.lastPush;
        m_status.lastPull = st.lastPull;
    }
    if (m_status.pending == 0) {
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
    const bool stalled = m_status.pending > 0 && m_lastProgress.msecsTo(QDateTime::currentDateTime()) > m_options.watchdogMs;
    if (stalled || stalled != m_status.stalled) {
        m_status.stalled = stalled;
        m_status.stallReason = stalled ? tr("%n entries waiting, no progress for %1 s: %2", nullptr, int(m_status.pending))
                                             .arg(m_lastProgress.secsTo(QDateTime::currentDateTime()))
                                             .arg(m_status.lastError.isEmpty() ? tr("no answer from the server") : m_status.lastError)
                                       : QString();
        Q_EMIT statusChanged(m_status);
    }
    // Liveness: whatever happened to the last attempt, waiting entries are tried again.
    if (m_running && m_status.pending > 0 && !m_pushing && !m_pushTimer.isActive() && !m_status.resetRequired)
        m_pushTimer.start(0);
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
