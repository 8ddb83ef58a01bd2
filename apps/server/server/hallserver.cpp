#include "hallserver.h"

#include "audit.h"
#include "blobcontroller.h"
#include "controllers.h"
#include "ownership.h"
#include "reports.h"
#include "synccontroller.h"

#include <core/logging.h>
#include <security/crypto.h>
#include <storage/database.h>

namespace hall::server {

namespace {

HttpOptions httpOptions(const ServerOptions &options)
{
    HttpOptions http = options;
    if (options.certificates && options.certificates->isEnabled())
        http.clientAuthorities = options.certificates->authorities();
    return http;
}

} // namespace

HallServer::HallServer(storage::Database *db, core::Clock *clock, ServerOptions options, QObject *parent)
    : QObject(parent), m_accounts(db), m_hallStore(db, &m_accounts), m_queueStore(db), m_syncStore(db), m_blobStore(db), m_sessions(&m_accounts),
      m_halls(&m_hallStore, &m_queueStore, clock, m_accounts.secret()),
      m_http(db, &m_sessions, &m_halls, clock, httpOptions(options)), m_audit(db),
      m_notifications(db, &m_halls, &m_http, clock), m_devices(db, &m_http, clock), m_notifyConfig(options.notify), m_personalKey(options.personalKey)
{
    m_http.setAudit(&m_audit);
    if (!options.auditKey.isEmpty()) {
        QString err;
        if (!m_audit.setSigningKey(options.auditKey, &err))
            qCCritical(lcServer) << err;
    }
    m_signTimer.setInterval(std::max(1, options.auditSignSeconds) * 1000);
    connect(&m_signTimer, &QTimer::timeout, this, [this] {
        m_audit.signHeads(m_http.batch());
        m_http.scheduleFlush();
    });
    const QString database = db->backend() == storage::Backend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
    m_http.addController(std::make_unique<SystemController>(&m_halls, clock, database, options.fakeClock, [this] {
        return m_ownership ? m_ownership->status() : QJsonObject{{QStringLiteral("role"), QStringLiteral("owner")}};
    }));
    AuthLimits auth = options.auth;
    auth.demo = auth.demo || options.demo;
    auto authController = std::make_unique<AuthController>(&m_sessions, &m_halls, auth);
    authController->setCertificates(options.certificates);
    m_auth = authController.get();
    m_certificates = options.certificates;
    m_http.addController(std::move(authController));
    auto blobs = std::make_unique<BlobController>(&m_blobStore, options.blobFolder);
    m_blobs = blobs.get();
    auto sync = std::make_unique<SyncController>(&m_syncStore, &m_queueStore, &m_http.events(), blobs.get());
    m_sync = sync.get();
    m_sync->setFeedFormats(options.feedFormat, options.oldestFeedFormat);
    m_halls.setObserver([this](qint64 hallId, const queue::Engine &engine, const queue::ChangeSet &changes, CommitBatch &batch) {
        m_sync->observeQueue(hallId, engine, changes, batch);
        m_notifications.observe(hallId, engine, changes, batch);
    });
    m_http.addController(std::make_unique<HallController>(&m_halls, [this](qint64 hallId, const core::HallConfig &cfg, CommitBatch &batch, QString *error) {
        return m_sync->publishReference(hallId, cfg, batch, error);
    }));
    // Tickets issued with a phone, online or offline (taken in by sync), are kept for reminders.
    const QueueController::Issued issued = [this](qint64 hallId, const queue::Engine &engine, const core::Ticket &t, const QString &phone,
                                                  CommitBatch &batch) { m_notifications.track(hallId, engine, t, phone, batch); };
    m_sync->setIssued(issued);
    m_http.addController(std::make_unique<QueueController>(&m_queueStore, issued));
    m_http.addController(std::make_unique<NotificationController>(&m_notifications));
    m_http.addController(std::make_unique<DeviceController>(&m_devices));
    m_http.addController(std::make_unique<WindowController>(&m_sessions));
    m_http.addController(std::make_unique<LeaseController>(m_sync));
    m_http.addController(std::move(sync));
    m_http.addController(std::move(blobs));
    m_http.addController(std::make_unique<AuditController>(&m_audit.store()));
    m_http.addController(std::make_unique<ReportController>(db, &m_audit));
    m_tickTimer.setInterval(1000);
    connect(&m_tickTimer, &QTimer::timeout, this, &HallServer::tick);
}

HallServer::~HallServer()
{
    // The chain's last entries get a signed head before the server goes.
    if (m_audit.isSigning()) {
        m_audit.signHeads(m_http.batch());
        m_http.flush();
    }
}

void HallServer::setOwnership(Ownership *ownership)
{
    m_ownership = ownership;
    m_http.setFence([ownership](QString *error) { return ownership->fence(error); });
    connect(ownership, &Ownership::lost, this, [this] { m_tickTimer.stop(); });
}

bool HallServer::loadHalls(QString *error)
{
    // Reminders first: restoring the halls may close tickets whose phones must go.
    if (!m_notifications.isEnabled()) {
        if (!m_notifications.configure(m_notifyConfig, m_personalKey, error))
            return false;
        security::crypto::cleanse(m_personalKey); // the cipher has it now
    }
    if (!m_notifications.load(error) || !m_devices.load(error) || !m_halls.load(m_http.batch(), error))
        return false;
    m_notifications.prune(m_http.batch());
    // Reference data as it is now goes into the sync feed (only what changed since last time).
    for (qint64 id : m_halls.ids()) {
        if (!m_sync->publishReference(id, m_halls.engine(id)->config(), m_http.batch(), error))
            return false;
    }
    m_http.flush();
    return true;
}

bool HallServer::start(QString *error)
{
    if (!m_http.listen(error))
        return false;
    m_tickTimer.start();
    if (m_audit.isSigning())
        m_signTimer.start();
    else
        qCWarning(lcServer) << "no audit key (--audit-key): the audit chain's heads are not signed";
    return true;
}

void HallServer::tick()
{
    m_halls.tickAll(m_http.batch());
    m_notifications.tick(m_http.batch());
    // A CRL replaced by the hall's cron job ends the revoked certificates' sessions within a tick.
    if (m_certificates) {
        m_certificates->refresh();
        m_auth->endRevokedSessions(m_http.batch(), &m_http.events());
    }
    // A session ended by the command line (or another instance) ends here within a tick.
    m_auth->endSessionsEndedElsewhere(&m_http.events());
    m_devices.tick();
    if (!m_http.batch().isEmpty())
        m_http.scheduleFlush();
}

} // namespace hall::server
