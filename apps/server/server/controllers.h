#pragma once

// The domains' controllers. Each owns a scope of the API and declares its routes there; the
// HttpCore does authentication, hall checks, body parsing and the commit around them.

#include <server/certificates.h>
#include <server/hallstore.h>
#include <server/http.h>
#include <server/passwords.h>
#include <server/server_export.h>
#include <server/throttle.h>

#include <core/hall.h>

#include <QCoreApplication>

#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace hall::core {
class Clock;
struct Ticket;
}
namespace hall::queue {
class Engine;
}

namespace hall::server {

class EventHub;

class Halls;
class QueueStore;
class Sessions;
class SyncController;

// /api/v1/health and the demo clock.
class HALL_SERVER_EXPORT SystemController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(SystemController)
public:
    // `owner`: this process's role and claim for health (role, epoch, since; see Ownership).
    SystemController(Halls *halls, core::Clock *clock, QString database, bool fakeClock, std::function<QJsonObject()> owner)
        : m_halls(halls), m_clock(clock), m_database(std::move(database)), m_fakeClock(fakeClock), m_owner(std::move(owner)) {}
    QString scope() const override { return QStringLiteral("/api/v1"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply setClock(RequestContext &c);

    Halls *m_halls;
    core::Clock *m_clock;
    QString m_database;
    bool m_fakeClock;
    std::function<QJsonObject()> m_owner;
};

struct AuthLimits
{
    LoginThrottle::Policy perAccount = LoginThrottle::Policy();
    LoginThrottle::Policy perAddress = LoginThrottle::Policy{20, 1000, 15 * 60 * 1000, 60 * 60 * 1000, 100000};
    int hashThreads = 1;       // of 2 cores, one stays with the event loop
    int maxHashesWaiting = 64; // beyond: 503 busy, at once
    PasswordPolicy passwords;
    // The demo data is served on purpose (--demo, --fake-clock): its published passwords sign
    // in, and passwords set by its seed need not be changed first.
    bool demo = false;
    // false (--no-password-sign-in): people sign in by certificate only; a password is refused
    // with password_sign_in_off before it is checked. Devices keep their passwords.
    bool passwordSignIn = true;
};

// Sign-in and sign-out; tokens are written through the group commit like every other change.
// Passwords are hashed on a thread of their own, never on the server's thread, and sign-ins are
// throttled per account and per source address with growing delays (LoginThrottle). Devices are
// never locked out by it: they keep their long-lived tokens, which no failed password touches.
class HALL_SERVER_EXPORT AuthController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(AuthController)
public:
    using Limits = AuthLimits;

    AuthController(Sessions *sessions, Halls *halls) : AuthController(sessions, halls, AuthLimits()) {}
    AuthController(Sessions *sessions, Halls *halls, AuthLimits limits);
    ~AuthController() override;
    QString scope() const override { return QStringLiteral("/api/v1"); }
    void registerRoutes(RouteScope &routes) override;
    // The hall CA and CRL the certificate sign-in checks against (none: that sign-in is off).
    void setCertificates(ClientCertificates *certificates) { m_certificates = certificates; }
    // Once the CRL in force is a new one, the sessions signed in with a certificate it revokes
    // end (in `batch`, their streams at once). Called from the server's tick.
    void endRevokedSessions(CommitBatch &batch, EventHub *events);
    // Sessions ended in the database by another writer (hall-server's command line removing a
    // certificate mapping, resetting a password or disabling an account; another instance on
    // the same PostgreSQL) end here too: their cached sessions and event streams go. Called from
    // the server's tick; reads the live cached and streaming tokens only.
    void endSessionsEndedElsewhere(EventHub *events);

private:
    Reply login(RequestContext &c);
    Reply certificateSignIn(RequestContext &c);
    // password_sign_in_off for `login` when people may not use passwords on this server or in
    // `hall` (the hall the client signs in for, if it said), else nothing.
    std::optional<Reply> passwordRefused(const QString &login, const QString &hall);
    Reply passwordOff(const QString &login);
    // The account's own hall lets only certificates sign its people in.
    bool hallRefusesPasswords(const AccountRecord &account);
    // The account `login` and its certificates' mappings, or the refusal (404, 503).
    std::optional<Reply> mappingsOf(const QString &login, AccountRecord *account, QList<CertificateStore::Mapping> *list);
    // GET auth/ways[?hall=]: which sign-in ways the server (and the hall) allow.
    Reply signInWays(RequestContext &c);
    Reply changePassword(RequestContext &c);
    Reply logout(RequestContext &c);
    // Throttling and hashing capacity for a password check of `login` from `peer`: a refusal,
    // or nothing and the attempt is counted.
    std::optional<Reply> admit(const QString &login, const QHostAddress &peer);
    // The check has ended: a success clears the login's count and refunds the address.
    void checked(const QString &login, const QHostAddress &peer, bool ok);
    Reply signIn(CommitBatch &batch, const AccountRecord &a, const AccountStore::TokenCertificate &certificate = {});
    Reply finishSignIn(CommitBatch &batch, bool passwordOk, const std::optional<AccountRecord> &account, const QString &login,
                       const QHostAddress &peer, bool demoPassword);

    Sessions *m_sessions;
    Halls *m_halls;
    Limits m_limits;
    LoginThrottle m_accounts;
    LoginThrottle m_addresses;
    ThrottleLog m_throttleLog;
    std::unique_ptr<QThreadPool> m_hashers;
    QString m_unknownHash;
    int m_hashing = 0;
    ClientCertificates *m_certificates = nullptr;
    quint64 m_crlGenerationChecked = 0;
    CertificateStore m_certificateStore;
    HallStore m_hallStore;
};

// The halls and their configuration.
class HALL_SERVER_EXPORT HallController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(HallController)
public:
    // `configured` runs when a new configuration joins the batch (the sync domain publishes it).
    using Configured = std::function<bool(qint64 hallId, const core::HallConfig &cfg, CommitBatch &batch, QString *error)>;
    explicit HallController(Halls *halls, Configured configured = {}) : m_halls(halls), m_configured(std::move(configured)) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply putConfig(RequestContext &c);

    Halls *m_halls;
    Configured m_configured;
};

// A hall's queue: businesses, tickets, appointments, release passwords, blacklist, calls.
class HALL_SERVER_EXPORT QueueController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(QueueController)
public:
    // `issued` sees each ticket issued with a phone (the reminders domain keeps it, sealed).
    using Issued = std::function<void(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, const QString &phone, CommitBatch &batch)>;
    explicit QueueController(QueueStore *store, Issued issued = {}) : m_store(store), m_issued(std::move(issued)) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    QueueStore *m_store;
    Issued m_issued;
};

// Number leases (docs/sync.md, "Offline tickets"): a kiosk asks for a block of walk-in numbers
// per business for one of its sync devices; the queue engine grants it, and it is written in
// the group commit with the engine's other changes.
class HALL_SERVER_EXPORT LeaseController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(LeaseController)
public:
    explicit LeaseController(SyncController *sync) : m_sync(sync) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    SyncController *m_sync;
};

// What a window does: sign in and out, pause, call, serve, transfer. One route per operation,
// each from a table of operations.
class HALL_SERVER_EXPORT WindowController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(WindowController)
public:
    explicit WindowController(Sessions *sessions) : m_sessions(sessions) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}/windows/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Sessions *m_sessions;
};

class AuditStore;

// The audit trail for the auditor: read only (no route changes or removes an entry), and
// every read is itself an entry of the trail (auditRead).
class HALL_SERVER_EXPORT AuditController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(AuditController)
public:
    explicit AuditController(AuditStore *store) : m_store(store) {}
    QString scope() const override { return QStringLiteral("/api/v1"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply entries(RequestContext &c);

    AuditStore *m_store;
};

} // namespace hall::server
