#pragma once

#include "store.h"

#include <core/clock.h>
#include <queue/engine.h>

#include <QHash>
#include <QHostAddress>
#include <QHttpServer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace hall::server {

struct Reply
{
    int status = 200;
    QJsonObject body;
};

// What a route handler sees: the caller, the hall, the path parameters and the parsed body.
struct RequestContext
{
    Session session;
    queue::Engine *engine = nullptr;
    qint64 hallId = 0;
    QStringList params; // values of {…} path segments, in order
    QJsonObject body;
    QUrlQuery query;
    qint64 actor() const { return session.account.id; }
    const QString &role() const { return session.account.role; }
};

struct ServerOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString tlsCertificate;
    QString tlsKey;
    qint64 maxBodyBytes = 64 * 1024;
    bool fakeClock = false; // enables POST /api/v1/admin/clock (demo and tests only)
};

// hall-server: the queue authority. Requests are applied to the hall's Engine at once and
// their changes collected; before any reply leaves, the collected changes of every request
// handled in this turn of the event loop are written in one transaction (group commit).
// Only then are the replies sent and the events pushed to WebSocket subscribers, so an
// acknowledged operation is always durable and nobody sees uncommitted state.
class HallServer : public QObject
{
    Q_OBJECT
public:
    HallServer(Store *store, core::Clock *clock, ServerOptions options, QObject *parent = nullptr);
    ~HallServer() override;

    bool start(QString *error);
    quint16 port() const { return m_port; }
    bool loadHalls(QString *error);

private:
    using Handler = std::function<Reply(RequestContext &)>;
    struct Route
    {
        QByteArray method;
        QStringList segments; // "{}" marks a parameter
        QStringList roles;    // empty: any signed-in account
        bool hallScoped = false;
        bool needsBody = false;
        Handler handler;
    };
    struct Pending
    {
        QPointer<QTcpSocket> socket;
        Reply reply;
        qint64 hallId = 0;
        bool changed = false;
    };
    struct Subscriber
    {
        QWebSocket *socket = nullptr;
        qint64 hallId = 0;
    };

    void registerRoutes();
    void route(const char *method, const QString &pattern, QStringList roles, Handler handler);
    void handle(const QHttpServerRequest &request, QTcpSocket *socket);
    Reply dispatch(const QHttpServerRequest &request, qint64 *hallId);
    void queueReply(QTcpSocket *socket, Reply reply, qint64 hallId, bool changed);
    void flush();
    void send(QTcpSocket *socket, const Reply &reply);
    void collect(qint64 hallId, queue::Engine *engine, bool *changed);
    void reloadEngines();
    void acceptWebSocket();
    void broadcast(qint64 hallId, const QList<queue::Event> &events);
    void tick();
    std::optional<Session> authenticate(const QHttpServerRequest &request, QString *error);
    std::optional<Session> sessionFor(const QByteArray &token);
    queue::Engine *engineFor(const QString &hallCode, qint64 *hallId);
    QJsonObject summary(queue::Engine *engine) const;

    // route handlers (api.cpp)
    Reply login(RequestContext &c);
    Reply logout(RequestContext &c);
    Reply halls(RequestContext &c);
    Reply putConfig(RequestContext &c);
    Reply setClock(RequestContext &c);
    Reply windowOp(RequestContext &c, const QString &op);

    Store *m_store;
    core::Clock *m_clock;
    ServerOptions m_options;
    QHttpServer m_http;
    quint16 m_port = 0;
    QList<Route> m_routes;
    QHash<qint64, std::shared_ptr<queue::Engine>> m_engines;
    QHash<QString, qint64> m_hallIds;
    QHash<QByteArray, Session> m_sessions; // token hash → session cache
    QByteArray m_secret;
    std::vector<Pending> m_pending;
    QHash<qint64, queue::ChangeSet> m_batch;
    QList<Subscriber> m_subscribers;
    QTimer m_flushTimer;
    QTimer m_tickTimer;
    qint64 m_eventSeq = 0;
};

} // namespace hall::server
