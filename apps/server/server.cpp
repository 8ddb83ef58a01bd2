#include "server.h"

#include <core/logging.h>
#include <queue/json.h>
#include <storage/transaction.h>

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>

namespace hall::server {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    default: return "OTHER";
    }
}

} // namespace

Reply errorReply(int status, const QString &code, const QString &message, qint64 ticketId = 0)
{
    QJsonObject e{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (ticketId)
        e.insert(QStringLiteral("ticketId"), ticketId);
    return Reply{status, QJsonObject{{QStringLiteral("error"), e}}};
}

HallServer::HallServer(Store *store, core::Clock *clock, ServerOptions options, QObject *parent)
    : QObject(parent), m_store(store), m_clock(clock), m_options(std::move(options))
{
    m_secret = m_store->secret();
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &HallServer::flush);
    m_tickTimer.setInterval(1000);
    connect(&m_tickTimer, &QTimer::timeout, this, &HallServer::tick);
    registerRoutes();
    m_http.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        // The reply is written to the socket ourselves after the group commit; the responder
        // itself is dropped unused (it must not outlive the request it refers to).
        handle(request, responder.socket());
    });
    // Qt hands a WebSocket upgrade over only when a route claims the path; the subscription
    // itself is checked in acceptWebSocket(). A plain GET there gets a JSON error.
    m_http.route(QStringLiteral("/api/v1/events"), [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
            send(responder.socket(), errorReply(400, QStringLiteral("websocket_required"),
                                                tr("/api/v1/events is a WebSocket stream; connect with ws:// or wss://.")));
    });
    connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, this, &HallServer::acceptWebSocket);
}

HallServer::~HallServer()
{
    for (const Subscriber &s : std::as_const(m_subscribers))
        delete s.socket;
}

bool HallServer::loadHalls(QString *error)
{
    QList<core::HallConfig> halls;
    if (!m_store->loadHalls(&halls, error))
        return false;
    m_engines.clear();
    m_hallIds.clear();
    const QByteArray secret = m_secret;
    for (const core::HallConfig &cfg : std::as_const(halls)) {
        auto hasher = [secret](const QString &s) {
            return QMessageAuthenticationCode::hash(s.toUtf8(), secret, QCryptographicHash::Sha256);
        };
        auto engine = std::make_shared<queue::Engine>(cfg, m_clock, hasher, [this] { return m_store->allocateId(); });
        queue::Snapshot snap;
        if (!m_store->loadSnapshot(cfg, m_clock->now().date(), &snap, error))
            return false;
        engine->restore(snap);
        m_engines.insert(cfg.id, engine);
        m_hallIds.insert(cfg.code, cfg.id);
        // restore() may have cleared tickets left open from an earlier day: persist that.
        bool changed = false;
        collect(cfg.id, engine.get(), &changed);
    }
    if (!m_batch.isEmpty())
        flush();
    return true;
}

bool HallServer::start(QString *error)
{
    if (!m_options.tlsCertificate.isEmpty()) {
        QFile cf(m_options.tlsCertificate), kf(m_options.tlsKey);
        if (!cf.open(QIODevice::ReadOnly) || !kf.open(QIODevice::ReadOnly)) {
            *error = tr("Cannot read the TLS certificate %1 or key %2.").arg(m_options.tlsCertificate, m_options.tlsKey);
            return false;
        }
        const QSslCertificate cert(&cf, QSsl::Pem);
        const QByteArray keyPem = kf.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (cert.isNull() || key.isNull()) {
            *error = tr("The TLS certificate or key is not valid PEM.");
            return false;
        }
        m_http.sslSetup(cert, key);
    }
    m_port = m_http.listen(m_options.address, m_options.port);
    if (!m_port) {
        *error = tr("Cannot listen on %1:%2 (is another server running there?)").arg(m_options.address.toString()).arg(m_options.port);
        return false;
    }
    m_tickTimer.start();
    return true;
}

// ---------------------------------------------------------------------------------------
// requests

void HallServer::route(const char *method, const QString &pattern, QStringList roles, Handler handler)
{
    Route r;
    r.method = method;
    r.segments = pattern.split(u'/', Qt::SkipEmptyParts);
    r.roles = std::move(roles);
    r.hallScoped = r.segments.size() >= 4 && r.segments.at(2) == QLatin1String("halls") && r.segments.at(3) == QLatin1String("{}");
    r.needsBody = r.method == "POST" || r.method == "PUT";
    r.handler = std::move(handler);
    m_routes.append(std::move(r));
}

std::optional<Session> HallServer::sessionFor(const QByteArray &token)
{
    const QByteArray hash = QCryptographicHash::hash(token, QCryptographicHash::Sha256);
    auto it = m_sessions.constFind(hash);
    std::optional<Session> s;
    if (it != m_sessions.constEnd()) {
        s = *it;
    } else {
        s = m_store->session(hash);
        if (s) {
            s->tokenHash = hash;
            m_sessions.insert(hash, *s);
        }
    }
    if (!s || s->account.disabled || s->expiresAt < QDateTime::currentDateTime())
        return std::nullopt;
    return s;
}

std::optional<Session> HallServer::authenticate(const QHttpServerRequest &request, QString *error)
{
    const QByteArray auth = request.value("Authorization");
    if (!auth.startsWith("Bearer ")) {
        *error = tr("Sign in first: send \"Authorization: Bearer <token>\" from POST /api/v1/auth/login.");
        return std::nullopt;
    }
    auto s = sessionFor(auth.mid(7).trimmed());
    if (!s)
        *error = tr("The token is unknown or has expired; sign in again.");
    return s;
}

queue::Engine *HallServer::engineFor(const QString &hallCode, qint64 *hallId)
{
    const auto it = m_hallIds.constFind(hallCode);
    if (it == m_hallIds.constEnd())
        return nullptr;
    *hallId = *it;
    return m_engines.value(*it).get();
}

Reply HallServer::dispatch(const QHttpServerRequest &request, qint64 *hallId)
{
    const QStringList path = request.url().path().split(u'/', Qt::SkipEmptyParts);
    const QByteArray method = methodName(request.method());
    const Route *match = nullptr;
    bool pathKnown = false;
    QStringList params;
    for (const Route &r : std::as_const(m_routes)) {
        if (r.segments.size() != path.size())
            continue;
        QStringList p;
        bool ok = true;
        for (qsizetype i = 0; i < path.size() && ok; ++i) {
            if (r.segments.at(i) == QLatin1String("{}"))
                p.append(path.at(i));
            else
                ok = r.segments.at(i) == path.at(i);
        }
        if (!ok)
            continue;
        pathKnown = true;
        if (r.method == method) {
            match = &r;
            params = p;
            break;
        }
    }
    if (!match) {
        if (pathKnown)
            return errorReply(405, QStringLiteral("method_not_allowed"), tr("%1 is not allowed on %2.").arg(QString::fromLatin1(method), request.url().path()));
        return errorReply(404, QStringLiteral("no_such_endpoint"), tr("There is no endpoint %1 %2; see docs/api.md.").arg(QString::fromLatin1(method), request.url().path()));
    }

    RequestContext ctx;
    ctx.params = params;
    ctx.query = request.query();
    if (!match->roles.contains(QStringLiteral("*public"))) {
        QString err;
        auto s = authenticate(request, &err);
        if (!s)
            return errorReply(401, QStringLiteral("unauthenticated"), err);
        ctx.session = *s;
        const QString &role = ctx.session.account.role;
        if (role != QLatin1String("admin") && !match->roles.isEmpty() && !match->roles.contains(role))
            return errorReply(403, QStringLiteral("forbidden"), tr("The %1 role may not do this.").arg(role));
    }
    if (match->hallScoped) {
        ctx.engine = engineFor(params.first(), &ctx.hallId);
        if (!ctx.engine)
            return errorReply(404, QStringLiteral("not_found"), tr("There is no hall \"%1\".").arg(params.first()));
        const AccountRecord &a = ctx.session.account;
        if (a.role != QLatin1String("admin") && a.hallId != ctx.hallId)
            return errorReply(403, QStringLiteral("forbidden"), tr("This account belongs to another hall."));
        *hallId = ctx.hallId;
    }
    if (match->needsBody) {
        const QByteArray body = request.body();
        if (body.size() > m_options.maxBodyBytes)
            return errorReply(413, QStringLiteral("body_too_large"), tr("The request body is larger than %1 bytes.").arg(m_options.maxBodyBytes));
        if (!body.trimmed().isEmpty()) {
            const QByteArray type = request.value("Content-Type");
            if (!type.isEmpty() && !type.startsWith("application/json"))
                return errorReply(415, QStringLiteral("unsupported_media_type"), tr("Send the body as application/json."));
            QJsonParseError pe;
            const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
            if (pe.error != QJsonParseError::NoError)
                return errorReply(400, QStringLiteral("malformed_json"), tr("The body is not valid JSON: %1 at offset %2.").arg(pe.errorString()).arg(pe.offset));
            if (!doc.isObject())
                return errorReply(400, QStringLiteral("malformed_json"), tr("The body must be a JSON object."));
            ctx.body = doc.object();
        }
    }
    if (ctx.engine)
        ctx.engine->tick();
    return match->handler(ctx);
}

void HallServer::handle(const QHttpServerRequest &request, QTcpSocket *socket)
{
    qint64 hallId = 0;
    Reply reply = dispatch(request, &hallId);
    bool changed = false;
    if (hallId)
        collect(hallId, m_engines.value(hallId).get(), &changed);
    qCDebug(lcServerHttp) << methodName(request.method()) << request.url().path() << reply.status;
    queueReply(socket, std::move(reply), hallId, changed);
}

void HallServer::collect(qint64 hallId, queue::Engine *engine, bool *changed)
{
    queue::ChangeSet c = engine->takeChanges();
    if (c.isEmpty())
        return;
    *changed = true;
    m_batch[hallId].merge(std::move(c));
}

void HallServer::queueReply(QTcpSocket *socket, Reply reply, qint64 hallId, bool changed)
{
    m_pending.push_back(Pending{socket, std::move(reply), hallId, changed});
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void HallServer::flush()
{
    QHash<qint64, queue::ChangeSet> batch = std::exchange(m_batch, {});
    std::vector<Pending> pending = std::exchange(m_pending, {});
    bool committed = true;
    if (!batch.isEmpty()) {
        QString error;
        storage::Transaction tx(m_store->database()->connection());
        committed = tx.isActive();
        for (auto it = batch.cbegin(); committed && it != batch.cend(); ++it)
            committed = m_store->write(it.key(), it.value(), &error);
        committed = committed && tx.commit();
        if (!committed) {
            qCCritical(lcServer) << "commit failed; reloading the queue from the database:" << (error.isEmpty() ? tx.error() : error);
            tx.rollback();
            reloadEngines();
        }
    }
    for (Pending &p : pending) {
        if (!committed && p.changed)
            p.reply = errorReply(503, QStringLiteral("storage_unavailable"),
                                 tr("The change could not be saved and was not made; try again."));
        if (p.socket)
            send(p.socket, p.reply);
    }
    if (committed) {
        for (auto it = batch.cbegin(); it != batch.cend(); ++it)
            broadcast(it.key(), it.value().events);
    }
}

void HallServer::reloadEngines()
{
    QString error;
    m_batch.clear();
    if (!loadHalls(&error))
        qCCritical(lcServer) << "cannot reload the halls:" << error;
}

void HallServer::send(QTcpSocket *socket, const Reply &reply)
{
    const QByteArray body = QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(body.size() + 128);
    out += "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
    out += "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Cache-Control: no-store\r\n\r\n";
    out += body;
    socket->write(out);
}

void HallServer::tick()
{
    for (auto it = m_engines.cbegin(); it != m_engines.cend(); ++it) {
        it.value()->tick();
        bool changed = false;
        collect(it.key(), it.value().get(), &changed);
    }
    if (!m_batch.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start();
}

// ---------------------------------------------------------------------------------------
// events

QJsonObject HallServer::summary(queue::Engine *engine) const
{
    QJsonArray businesses;
    for (const queue::BusinessStatus &s : engine->businessStatus())
        businesses.append(queue::businessJson(s));
    QJsonArray windows;
    for (const queue::WindowStatus &s : engine->windowStatus())
        windows.append(queue::windowJson(*engine, s));
    return QJsonObject{{QStringLiteral("hall"), engine->config().code},
                       {QStringLiteral("name"), engine->config().name},
                       {QStringLiteral("businesses"), businesses},
                       {QStringLiteral("windows"), windows}};
}

void HallServer::acceptWebSocket()
{
    while (m_http.hasPendingWebSocketConnections()) {
        QWebSocket *ws = m_http.nextPendingWebSocketConnection().release();
        const QUrl url = ws->requestUrl();
        const QUrlQuery q(url);
        QString reason;
        qint64 hallId = 0;
        queue::Engine *engine = nullptr;
        std::optional<Session> s;
        if (url.path() != QLatin1String("/api/v1/events")) {
            reason = tr("WebSocket events are at /api/v1/events.");
        } else if (!(s = sessionFor(q.queryItemValue(QStringLiteral("token")).toUtf8()))) {
            reason = tr("The token is unknown or has expired; sign in again.");
        } else if (!(engine = engineFor(q.queryItemValue(QStringLiteral("hall")), &hallId))) {
            reason = tr("There is no hall \"%1\".").arg(q.queryItemValue(QStringLiteral("hall")));
        } else if (s->account.role != QLatin1String("admin") && s->account.hallId != hallId) {
            reason = tr("This account belongs to another hall.");
        }
        if (!reason.isEmpty()) {
            qCInfo(lcServer) << "refused an event subscription:" << reason;
            ws->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("error")}, {QStringLiteral("message"), reason}}).toJson(QJsonDocument::Compact)));
            ws->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
            ws->deleteLater();
            continue;
        }
        qCInfo(lcServer) << "event subscriber" << s->account.login << "on" << engine->config().code << ws->state();
        m_subscribers.append(Subscriber{ws, hallId});
        connect(ws, &QWebSocket::disconnected, this, [this, ws] {
            m_subscribers.removeIf([ws](const Subscriber &x) { return x.socket == ws; });
            ws->deleteLater();
        });
        // A display that (re)connects gets the whole picture first, then the events.
        ws->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("hello")},
            {QStringLiteral("seq"), m_eventSeq},
            {QStringLiteral("data"), summary(engine)}}).toJson(QJsonDocument::Compact)));
    }
}

void HallServer::broadcast(qint64 hallId, const QList<queue::Event> &events)
{
    if (events.isEmpty())
        return;
    QList<QString> messages;
    const QString at = m_clock->now().toString(Qt::ISODateWithMs);
    for (const queue::Event &e : events) {
        messages.append(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("type"), e.type}, {QStringLiteral("seq"), ++m_eventSeq},
            {QStringLiteral("at"), at}, {QStringLiteral("data"), e.data}}).toJson(QJsonDocument::Compact)));
    }
    bool any = false;
    for (const Subscriber &s : std::as_const(m_subscribers))
        any = any || s.hallId == hallId;
    if (!any)
        return;
    const QString sum = QString::fromUtf8(QJsonDocument(QJsonObject{
        {QStringLiteral("type"), QStringLiteral("queue.summary")}, {QStringLiteral("seq"), ++m_eventSeq},
        {QStringLiteral("at"), at}, {QStringLiteral("data"), summary(m_engines.value(hallId).get())}}).toJson(QJsonDocument::Compact));
    for (const Subscriber &s : std::as_const(m_subscribers)) {
        if (s.hallId != hallId)
            continue;
        for (const QString &m : std::as_const(messages))
            s.socket->sendTextMessage(m);
        s.socket->sendTextMessage(sum);
    }
}

} // namespace hall::server
