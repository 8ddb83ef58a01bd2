#pragma once

#include <server/audit.h>
#include <server/commit.h>
#include <server/events.h>
#include <server/http.h>
#include <server/server_export.h>

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace hall::storage {
class Database;
}

namespace hall::server {

class Halls;
class RequestGate;
class Sessions;

struct HttpOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString tlsCertificate;
    QString tlsKey;
    qint64 maxBodyBytes = 64 * 1024;
    // The hall CA: with TLS, every connection is asked for a client certificate (not required;
    // the certificate sign-in checks what came, see ClientCertificates).
    QList<QSslCertificate> clientAuthorities;
};

// The one HTTP core every domain's controller sits in: dispatch by scope and route, bearer-token
// authentication, role and hall checks, body limits and JSON parsing, the group commit, and the
// event fan-out. Requests are handled at once and their durable changes collected in a
// CommitBatch; before any reply leaves, the batch of every request handled in this turn of the
// event loop is written in one transaction. Only then are the replies sent and the events
// published, so an acknowledged operation is always durable and nobody sees uncommitted state.
class HALL_SERVER_EXPORT HttpCore : public QObject
{
    Q_OBJECT
public:
    HttpCore(storage::Database *db, Sessions *sessions, Halls *halls, core::Clock *clock, HttpOptions options,
             QObject *parent = nullptr);
    ~HttpCore() override;

    // Routes of `controller` under its scope, each with its rule from the access table; the core
    // keeps the controller.
    void addController(std::unique_ptr<Controller> controller);
    // A rule beyond accessTable(), for a test's own controller (before addController).
    void allow(AccessRule rule) { m_rules.append(std::move(rule)); }
    // Every registered route as method and path pattern ("/api/v1/halls/{}/tickets").
    QList<QPair<QByteArray, QString>> routes() const;
    // Every registered route with its settings (body, raw bytes, limit), for the endpoint fuzzer.
    QList<Route> routeTable() const;

    bool listen(QString *error);
    quint16 port() const { return m_port; }
    // Requests refused at the door (body too large, chunked, head too large), for tests.
    qint64 refusedAtGate() const;

    // Where handlers and timers put durable changes; flushed at the end of this event-loop turn.
    CommitBatch &batch() { return m_batch; }
    void scheduleFlush();
    // Commits what is waiting now (start-up and reload, where there is no loop turn to wait for).
    void flush();
    // Runs at the start of every flush, before the commit: work of this turn that must start
    // before the commit's own fsync blocks the thread (the blob files' syncs).
    void addFlushHook(std::function<void()> hook) { m_flushHooks.push_back(std::move(hook)); }
    // Runs inside every commit before the writes (hall ownership, see Ownership::fence).
    void setFence(std::function<bool(QString *)> fence) { m_fence = std::move(fence); }

    EventHub &events() { return m_events; }
    // Every change, every denial and every read of personal data goes into this trail, in the
    // same commit as the operation.
    void setAudit(AuditTrail *trail) { m_audit = trail; }

    // Deferred::finish lands here, on the server's thread.
    void finishDeferred(quint64 id, const std::function<Reply(CommitBatch &)> &answer);
    // Requests waiting for a deferred answer (sign-ins being hashed), for tests and limits.
    qsizetype deferredCount() const { return m_waiting.size(); }

private:
    struct Scope
    {
        QStringList prefix;
        QList<Route> routes;
    };
    struct Pending
    {
        QPointer<QTcpSocket> socket;
        Reply reply;
        bool changed = false;
        QTcpSocket *connection = nullptr; // the socket, also once it is gone
        bool completesDeferred = false;
    };
    // What dispatch found out about a request, for the hall's commit and the audit trail.
    struct Dispatched
    {
        qint64 hallId = 0;
        const Route *route = nullptr;
        AccountRecord account;
        QString action; // "POST /api/v1/halls/{}/tickets"
    };
    struct Waiting
    {
        QPointer<QTcpSocket> socket;
        QTcpSocket *connection = nullptr;
        std::optional<AuditRecord> audit; // completed with the deferred answer
    };

    void handle(const QHttpServerRequest &request, QTcpSocket *socket);
    Reply dispatch(const QHttpServerRequest &request, QTcpSocket *socket, Dispatched *out);
    std::optional<AuditRecord> auditRecord(const QHttpServerRequest &request, const Dispatched &d, const Reply &reply) const;
    const Route *findRoute(const QByteArray &method, const QStringList &path, QStringList *params, bool *pathKnown) const;
    // The largest body a request to `path` may carry (RequestGate refuses more unread).
    qint64 bodyLimit(const QByteArray &method, const QString &path) const;
    std::optional<Session> authenticate(const QHttpServerRequest &request, QString *error);
    void send(QTcpSocket *socket, const Reply &reply);
    void deliver(Pending &p);
    void release(QTcpSocket *connection); // a deferred or streamed reply on it has left
    void reloadHalls();

    storage::Database *m_db;
    core::Clock *m_clock;
    AuditTrail *m_audit = nullptr;
    Sessions *m_sessions;
    Halls *m_halls;
    HttpOptions m_options;
    QHttpServer m_http;
    EventHub m_events;
    quint16 m_port = 0;
    QPointer<RequestGate> m_gate; // owned by m_http
    QList<Scope> m_scopes;
    QList<AccessRule> m_rules;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    CommitBatch m_batch;
    std::vector<Pending> m_pending;
    quint64 m_nextRequest = 0;
    QHash<quint64, Waiting> m_waiting;               // deferred requests by id
    QHash<QTcpSocket *, int> m_outstanding;          // deferred requests per connection
    QHash<QTcpSocket *, std::vector<Pending>> m_held; // later replies waiting behind them
    QTimer m_flushTimer;
    std::vector<std::function<void()>> m_flushHooks;
    std::function<bool(QString *)> m_fence;
};

} // namespace hall::server
