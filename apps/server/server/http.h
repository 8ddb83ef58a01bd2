#pragma once

#include <server/access.h>
#include <server/accountstore.h>
#include <server/server_export.h>

#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSslCertificate>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace hall::queue {
class Engine;
}

namespace hall::server {

class CommitBatch;
class HttpCore;


struct Reply
{
    int status = 200;
    QJsonObject body;
    bool deferred = false; // the handler answers later, through its Deferred
    QString auditDetail;   // what the audit entry adds to method, path and status (never personal data)
    bool close = false;    // the connection ends after this reply (a request refused unread)
    int retryAfterSeconds = 0; // > 0: a Retry-After header (and error.retryAfterSeconds)
    // Instead of `body`: bytes streamed from this open device (a blob's file), a piece at a
    // time as the socket drains, so a large download never sits in memory.
    std::shared_ptr<QIODevice> stream;
    qint64 streamSize = 0;
};

// Every error leaves as {"error": {"code", "message"[, "ticketId"]}} (docs/api.md).
HALL_SERVER_EXPORT Reply errorReply(int status, const QString &code, const QString &message, qint64 ticketId = 0);
inline Reply ok(QJsonObject body, int status = 200) { return Reply{status, std::move(body)}; }
inline Reply invalid(const QString &message) { return errorReply(400, QStringLiteral("invalid_input"), message); }
// 429: come back in `seconds` (header and body).
HALL_SERVER_EXPORT Reply tooManyRequests(const QString &code, const QString &message, qint64 seconds);

// A reply that comes later, for work that must not run on the server's thread (password
// hashing). The handler returns later() and keeps the Deferred; finish() may be called from any
// thread: `answer` then runs on the server's thread, may add writes to the batch, and its reply
// leaves after their commit like any other. Replies on one connection keep their order.
class HALL_SERVER_EXPORT Deferred
{
public:
    Deferred() = default;
    Deferred(HttpCore *core, quint64 id);
    void finish(std::function<Reply(CommitBatch &)> answer) const;

private:
    QPointer<HttpCore> m_core;
    quint64 m_id = 0;
};

inline Reply later() { return Reply{0, {}, true}; }

// What a route handler sees: the caller, the hall (hall-scoped routes), the path parameters,
// the parsed body, and the batch its durable writes join. A handler never writes to the
// database itself: it adds to the batch, and its reply leaves only after the batch commits.
struct RequestContext
{
    Session session;
    queue::Engine *engine = nullptr;
    qint64 hallId = 0;
    QStringList params; // values of {} path segments, in order (the hall code first)
    QJsonObject body;
    QByteArray raw; // the body as sent, on routes that take bytes (Route::rawBody)
    QUrlQuery query;
    QHostAddress peer;
    // The certificate chain the client presented on this TLS connection (peer first); empty
    // over plain HTTP or without one. Checked only by the certificate sign-in.
    QList<QSslCertificate> peerCertificates;
    CommitBatch *batch = nullptr;
    HttpCore *core = nullptr;
    quint64 requestId = 0;
    qint64 actor() const { return session.account.id; }
    Deferred defer() const { return Deferred(core, requestId); }
    const QString &role() const { return session.account.role; }
};

using Handler = std::function<Reply(RequestContext &)>;

namespace roles {
inline const QString Admin = QStringLiteral("admin");
inline const QString Supervisor = QStringLiteral("supervisor");
inline const QString Officer = QStringLiteral("officer");
inline const QString Kiosk = QStringLiteral("kiosk");
inline const QString Display = QStringLiteral("display");
inline const QString Caller = QStringLiteral("caller");
inline const QString Approver = QStringLiteral("approver");
// 首席代表: a department's chief representative in the hall.
inline const QString Chief = QStringLiteral("chief");
// Separation of duties (三员分立, docs/security.md): the system administrator (admin) configures
// halls and the server; the security administrator manages accounts; the auditor alone reads
// the audit trail. None of the three can do another's work, and none changes the trail.
inline const QString Security = QStringLiteral("security");
inline const QString Auditor = QStringLiteral("auditor");
// Not a role: marks a route that needs no sign-in.
inline const QString Public = QStringLiteral("*public");
// Devices sign in once and keep a long-lived token; no one is there to type a password.
inline bool isDevice(const QString &role) { return role == Kiosk || role == Display || role == Caller; }
// The roles of the server as a whole: their accounts belong to no hall.
inline bool isServerWide(const QString &role) { return role == Admin || role == Security || role == Auditor; }
// The roles that oversee rather than work a hall: no hall's data, no event stream.
inline bool isOversight(const QString &role) { return role == Security || role == Auditor; }
// Every role an account can have, for `hall-server account add`.
inline const QStringList All{Admin, Security, Auditor, Chief, Supervisor, Approver, Officer, Kiosk, Display, Caller};
} // namespace roles

struct Route
{
    QByteArray method;
    QStringList segments; // the whole path; "{}" marks a parameter
    // From the access table (access.cpp) when the route is added to the core; a route the
    // table does not know has no rule and is refused to everyone.
    bool ruled = false;
    QStringList roles; // roles::Public: no sign-in
    DataScope scope = DataScope::Hall;
    bool hallScoped = false;
    bool needsBody = false;
    qint64 maxBodyBytes = 0; // 0: the core's limit
    bool auditRead = false;  // a read of personal data: audited like a change
    bool rawBody = false;    // the body is bytes (application/octet-stream), not JSON
    Handler handler;
};

// The routes of one controller, declared relative to its scope ("/api/v1/auth",
// "/api/v1/halls/{}/windows"). A scope under /api/v1/halls/{} makes every route in it
// hall-scoped: the core resolves the hall and checks the caller belongs to it.
class HALL_SERVER_EXPORT RouteScope
{
public:
    explicit RouteScope(const QString &prefix);

    // Each returns the route, for settings such as a larger body limit. Who may call it is
    // not said here but in the one access table (access.cpp).
    Route &get(const QString &path, Handler handler) { return add("GET", path, std::move(handler)); }
    Route &post(const QString &path, Handler handler) { return add("POST", path, std::move(handler)); }
    Route &put(const QString &path, Handler handler) { return add("PUT", path, std::move(handler)); }
    Route &add(const char *method, const QString &path, Handler handler);

    const QStringList &prefix() const { return m_prefix; }
    const QList<Route> &routes() const { return m_routes; }

private:
    QStringList m_prefix;
    QList<Route> m_routes;
};

// One domain's part of the API (after qBittorrent's web API controllers): it owns a scope and
// declares its routes there; the HTTP core does everything around a handler.
class HALL_SERVER_EXPORT Controller
{
public:
    virtual ~Controller();
    virtual QString scope() const = 0;
    virtual void registerRoutes(RouteScope &routes) = 0;
};

// Path parameter helper: a positive id or false.
HALL_SERVER_EXPORT bool parseId(const QString &s, qint64 *out);

} // namespace hall::server
