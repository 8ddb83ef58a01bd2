#pragma once

#include <server/accountstore.h>
#include <server/blobstore.h>
#include <server/controllers.h>
#include <server/devices.h>
#include <server/halls.h>
#include <server/hallstore.h>
#include <server/httpcore.h>
#include <server/notifications.h>
#include <server/queuestore.h>
#include <server/server_export.h>
#include <server/sessions.h>
#include <server/syncstore.h>

#include <QObject>
#include <QTimer>

namespace hall::server {

class BlobController;
class Ownership;
class SyncController;

// What HttpCore takes (address, port, TLS, body limit) and the rest of the server's settings.
struct ServerOptions : HttpOptions
{
    bool fakeClock = false; // enables POST /api/v1/admin/clock (demo and tests only)
    bool demo = false;      // serves the demo data on purpose: its published passwords sign in
    AuthLimits auth;        // sign-in throttling and hashing threads
    QByteArray auditKey;    // SM2 private key (PEM) that signs the audit chain's heads
    int auditSignSeconds = 60; // how often the heads that moved are signed
    QString blobFolder;     // where blob files live (the data folder's blobs/ by default)
    // The hall CA and CRL of the certificate sign-in (configured, outliving the server); with
    // TLS, clients are then asked for a certificate. None: that sign-in is off.
    ClientCertificates *certificates = nullptr;
    NotifyConfig notify;    // reminders' gateways (--notify FILE); empty: no reminders, no phones kept
    QByteArray personalKey; // 32 bytes that seal the phones kept for reminders (--personal-key FILE)
    int feedFormat = 0;       // the sync feed's formats (SyncController::setFeedFormats): 0 is this
    int oldestFeedFormat = 0; // build's; tests play another build with them
};

// hall-server put together: the domain stores on one database, the queue's engines, the
// sessions, the HTTP core and one controller per domain, and the clock tick that runs the
// end-of-day clearing. main.cpp and in-process tests build one of these.
class HALL_SERVER_EXPORT HallServer : public QObject
{
    Q_OBJECT
public:
    HallServer(storage::Database *db, core::Clock *clock, ServerOptions options, QObject *parent = nullptr);
    ~HallServer() override;

    // Fences every commit with `ownership` (which must own the halls and outlive the server)
    // and reports its role on /api/v1/health; once it is lost the server stops its clock tick
    // and can commit nothing more. Without one (tests, --self-test) nothing is fenced.
    void setOwnership(Ownership *ownership);
    // Restores every hall's queue from the database (commits what restoring changed).
    bool loadHalls(QString *error);
    bool start(QString *error);
    quint16 port() const { return m_http.port(); }

    HttpCore &http() { return m_http; }
    Halls &halls() { return m_halls; }
    Sessions &sessions() { return m_sessions; }
    AuditTrail &audit() { return m_audit; }
    Notifications &notifications() { return m_notifications; }
    DeviceStatuses &devices() { return m_devices; }
    BlobController &blobs() { return *m_blobs; }

private:
    void tick();

    AccountStore m_accounts;
    HallStore m_hallStore;
    QueueStore m_queueStore;
    SyncStore m_syncStore;
    BlobStore m_blobStore;
    Sessions m_sessions;
    Halls m_halls;
    HttpCore m_http;
    AuditTrail m_audit;
    Notifications m_notifications;
    DeviceStatuses m_devices;
    NotifyConfig m_notifyConfig;
    QByteArray m_personalKey;
    SyncController *m_sync = nullptr; // owned by m_http
    BlobController *m_blobs = nullptr; // owned by m_http
    AuthController *m_auth = nullptr; // owned by m_http
    ClientCertificates *m_certificates = nullptr;
    Ownership *m_ownership = nullptr;
    QTimer m_tickTimer;
    QTimer m_signTimer;
};

} // namespace hall::server
