#include "httpcore.h"

#include "audit.h"

#include "halls.h"
#include "requestgate.h"
#include "sessions.h"

#include <core/logging.h>
#include <queue/engine.h>
#include <storage/database.h>

#include <QFile>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocket>

#include <climits>

namespace hall::server {

namespace {

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

// Matches `path` against `pattern` from segment `from` on; {} takes any segment.
bool matches(const QStringList &pattern, const QStringList &path, qsizetype from, qsizetype count, QStringList *params)
{
    for (qsizetype i = from; i < from + count; ++i) {
        if (pattern.at(i) == QLatin1String("{}"))
            params->append(path.at(i));
        else if (pattern.at(i) != path.at(i))
            return false;
    }
    return true;
}

} // namespace

Reply errorReply(int status, const QString &code, const QString &message, qint64 ticketId)
{
    QJsonObject e{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (ticketId)
        e.insert(QStringLiteral("ticketId"), ticketId);
    return Reply{status, QJsonObject{{QStringLiteral("error"), e}}};
}

Reply tooManyRequests(const QString &code, const QString &message, qint64 seconds)
{
    Reply reply = errorReply(429, code, message);
    QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
    e.insert(QStringLiteral("retryAfterSeconds"), seconds);
    reply.body.insert(QStringLiteral("error"), e);
    reply.retryAfterSeconds = int(std::min<qint64>(seconds, INT_MAX));
    return reply;
}

HttpCore::HttpCore(storage::Database *db, Sessions *sessions, Halls *halls, core::Clock *clock, HttpOptions options,
                   QObject *parent)
    : QObject(parent), m_db(db), m_clock(clock), m_sessions(sessions), m_halls(halls), m_options(std::move(options)),
      m_events(sessions, halls, clock), m_rules(accessTable())
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &HttpCore::flush);
    m_halls->setPublisher([this](qint64 hallId, const QList<queue::Event> &events) { m_events.publish(hallId, events); });
    m_http.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        // The reply is written to the socket ourselves after the group commit; the responder
        // itself is dropped unused (it must not outlive the request it refers to).
        handle(request, responder.socket());
    });
    // Qt hands a WebSocket upgrade over only when a route claims the path; the subscription
    // itself is checked by the EventHub. A plain GET there gets a JSON error.
    m_http.route(QStringLiteral("/api/v1/events"), [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
            send(responder.socket(), errorReply(400, QStringLiteral("websocket_required"),
                                                tr("/api/v1/events is a WebSocket stream; connect with ws:// or wss://.")));
    });
    connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (m_http.hasPendingWebSocketConnections()) {
            QWebSocket *ws = m_http.nextPendingWebSocketConnection().release();
            // QWebSocket hides its TCP socket; the server's child with the same peer is it.
            const auto sockets = m_http.findChildren<QTcpSocket *>();
            const auto tcp = std::find_if(sockets.cbegin(), sockets.cend(), [ws](QTcpSocket *s) {
                return s->peerPort() == ws->peerPort() && s->peerAddress() == ws->peerAddress();
            });
            m_events.accept(ws, tcp != sockets.cend() ? *tcp : nullptr);
        }
    });
}

HttpCore::~HttpCore() = default;

void HttpCore::addController(std::unique_ptr<Controller> controller)
{
    RouteScope routes(controller->scope());
    controller->registerRoutes(routes);
    QList<Route> ruled = routes.routes();
    for (Route &r : ruled) {
        const QString path = u'/' + r.segments.join(u'/');
        const auto rule = std::find_if(m_rules.cbegin(), m_rules.cend(), [&](const AccessRule &a) { return a.method == r.method && a.path == path; });
        if (rule == m_rules.cend()) {
            qCCritical(lcServerHttp) << r.method << path << "has no rule in the access table (access.cpp): refused to everyone";
            continue;
        }
        r.ruled = true;
        r.roles = rule->roles;
        r.scope = rule->scope;
    }
    m_scopes.append(Scope{routes.prefix(), ruled});
    m_controllers.push_back(std::move(controller));
}

QList<QPair<QByteArray, QString>> HttpCore::routes() const
{
    QList<QPair<QByteArray, QString>> out;
    for (const Scope &scope : m_scopes) {
        for (const Route &r : scope.routes)
            out.append({r.method, u'/' + r.segments.join(u'/')});
    }
    return out;
}

QList<Route> HttpCore::routeTable() const
{
    QList<Route> out;
    for (const Scope &scope : m_scopes)
        out.append(scope.routes);
    return out;
}

bool HttpCore::listen(QString *error)
{
    auto gate = std::make_unique<RequestGate>(
        [this](const QByteArray &method, const QString &path) { return bodyLimit(method, path); },
        [this](QTcpSocket *socket, Reply reply) {
            // In line with the connection's other replies, like any answer.
            reply.close = true;
            m_pending.push_back(Pending{socket, std::move(reply), false, socket, false});
            scheduleFlush();
        },
        [this](const QByteArray &authorization) { return m_events.tooEarly(authorization); });
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
        QSslConfiguration conf;
        conf.setLocalCertificate(cert);
        conf.setPrivateKey(key);
        if (!m_options.clientAuthorities.isEmpty()) {
            // Asked, not required: kiosks, displays and password sign-ins come without one, and
            // a certificate that fails the check gets a clear answer instead of a broken handshake.
            conf.setPeerVerifyMode(QSslSocket::QueryPeer);
            conf.setCaCertificates(m_options.clientAuthorities);
        }
        gate->setSslConfiguration(conf);
    }
    // Our own listening socket, not QHttpServer::listen: the gate sees each request's head
    // before QHttpServer reads its body.
    if (gate->listen(m_options.address, m_options.port)) {
        m_port = gate->serverPort();
        m_gate = gate.get();
        m_http.bind(gate.release());
    }
    if (!m_port) {
        *error = tr("Cannot listen on %1:%2 (is another server running there?)").arg(m_options.address.toString()).arg(m_options.port);
        return false;
    }
    return true;
}

qint64 HttpCore::refusedAtGate() const
{
    return m_gate ? m_gate->refusedCount() : 0;
}

// ---------------------------------------------------------------------------------------
// requests

std::optional<Session> HttpCore::authenticate(const QHttpServerRequest &request, QString *error)
{
    const QByteArray auth = request.value("Authorization");
    if (!auth.startsWith("Bearer ")) {
        *error = tr("Sign in first: send \"Authorization: Bearer <token>\" from POST /api/v1/auth/login.");
        return std::nullopt;
    }
    auto s = m_sessions->sessionFor(auth.mid(7).trimmed());
    if (!s)
        *error = tr("The token is unknown or has expired; sign in again.");
    return s;
}

const Route *HttpCore::findRoute(const QByteArray &method, const QStringList &path, QStringList *params, bool *pathKnown) const
{
    for (const Scope &scope : std::as_const(m_scopes)) {
        const qsizetype n = scope.prefix.size();
        QStringList scopeParams;
        if (path.size() < n || !matches(scope.prefix, path, 0, n, &scopeParams))
            continue;
        for (const Route &r : scope.routes) {
            if (r.segments.size() != path.size())
                continue;
            QStringList p = scopeParams;
            if (!matches(r.segments, path, n, path.size() - n, &p))
                continue;
            *pathKnown = true;
            if (r.method == method) {
                *params = std::move(p);
                return &r;
            }
        }
    }
    return nullptr;
}

qint64 HttpCore::bodyLimit(const QByteArray &method, const QString &path) const
{
    QStringList params;
    bool known = false;
    const Route *r = findRoute(method, path.split(u'/', Qt::SkipEmptyParts), &params, &known);
    return r && r->maxBodyBytes ? r->maxBodyBytes : m_options.maxBodyBytes;
}

Reply HttpCore::dispatch(const QHttpServerRequest &request, QTcpSocket *socket, Dispatched *out)
{
    const QStringList path = request.url().path().split(u'/', Qt::SkipEmptyParts);
    const QByteArray method = methodName(request.method());
    bool pathKnown = false;
    QStringList params;
    const Route *match = findRoute(method, path, &params, &pathKnown);
    if (!match) {
        if (pathKnown)
            return errorReply(405, QStringLiteral("method_not_allowed"), tr("%1 is not allowed on %2.").arg(QString::fromLatin1(method), request.url().path()));
        return errorReply(404, QStringLiteral("no_such_endpoint"), tr("There is no endpoint %1 %2; see docs/api.md.").arg(QString::fromLatin1(method), request.url().path()));
    }

    out->route = match;
    out->action = QString::fromLatin1(method) + QStringLiteral(" /") + match->segments.join(u'/');
    RequestContext ctx;
    ctx.params = params;
    ctx.query = request.query();
    ctx.peer = request.remoteAddress();
    if (const auto *ssl = qobject_cast<QSslSocket *>(socket); ssl && !ssl->peerCertificate().isNull()) {
        // OpenSSL's server side leaves the peer's own certificate out of the chain it reports.
        ctx.peerCertificates.append(ssl->peerCertificate());
        for (const QSslCertificate &c : ssl->peerCertificateChain()) {
            if (c != ssl->peerCertificate())
                ctx.peerCertificates.append(c);
        }
    }
    ctx.batch = &m_batch;
    ctx.core = this;
    ctx.requestId = m_nextRequest;
    if (!match->ruled)
        return errorReply(403, QStringLiteral("forbidden"), tr("%1 %2 has no access rule yet; nobody may call it.").arg(QString::fromLatin1(method), request.url().path()));
    if (match->scope != DataScope::Public) {
        QString err;
        auto s = authenticate(request, &err);
        if (!s)
            return errorReply(401, QStringLiteral("unauthenticated"), err);
        ctx.session = *s;
        out->account = ctx.session.account;
        const QString &role = ctx.session.account.role;
        if (!match->roles.contains(role))
            return errorReply(403, QStringLiteral("forbidden"), tr("The %1 role may not do this.").arg(role));
    }
    if (match->hallScoped) {
        ctx.engine = m_halls->engineFor(params.first(), &ctx.hallId);
        if (!ctx.engine)
            return errorReply(404, QStringLiteral("not_found"), tr("There is no hall \"%1\".").arg(params.first()));
        const AccountRecord &a = ctx.session.account;
        // Only accounts of no hall (administrators) reach every hall.
        if (match->scope != DataScope::Public && a.hallId && a.hallId != ctx.hallId)
            return errorReply(403, QStringLiteral("forbidden"), tr("This account belongs to another hall."));
        // An officer works only at the window they are signed in to; supervisors and the
        // caller bus (which carries the officer's own keys) may act on any window.
        if (match->scope == DataScope::OwnWindow && a.role == roles::Officer && ctx.engine->config().window(params.value(1))
            && ctx.engine->windowStatus(params.value(1)).runtime.officerId != a.id)
            return errorReply(403, QStringLiteral("forbidden"), tr("You are not logged in at window %1.").arg(params.value(1)));
        out->hallId = ctx.hallId;
    }
    if (match->needsBody) {
        const QByteArray body = request.body();
        const qint64 limit = match->maxBodyBytes ? match->maxBodyBytes : m_options.maxBodyBytes;
        if (body.size() > limit)
            return errorReply(413, QStringLiteral("body_too_large"), tr("The request body is larger than %1 bytes.").arg(limit));
        if (match->rawBody) {
            const QByteArray type = request.value("Content-Type");
            if (!type.isEmpty() && !type.startsWith("application/octet-stream"))
                return errorReply(415, QStringLiteral("unsupported_media_type"), tr("Send the body as application/octet-stream."));
            ctx.raw = body;
        } else if (!body.trimmed().isEmpty()) {
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

void HttpCore::handle(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const quint64 before = m_batch.generation();
    ++m_nextRequest;
    Dispatched d;
    Reply reply = dispatch(request, socket, &d);
    if (d.hallId)
        m_halls->collect(d.hallId, m_batch);
    qCDebug(lcServerHttp) << methodName(request.method()) << request.url().path() << reply.status;
    std::optional<AuditRecord> audit = auditRecord(request, d, reply);
    if (reply.deferred) {
        m_waiting.insert(m_nextRequest, Waiting{socket, socket, std::move(audit)});
        ++m_outstanding[socket];
        if (m_batch.generation() != before)
            scheduleFlush();
        return;
    }
    if (audit)
        m_audit->record(m_batch, std::move(*audit));
    m_pending.push_back(Pending{socket, std::move(reply), m_batch.generation() != before, socket, false});
    scheduleFlush();
}

// Audited: every request that may change something (also when refused), every denial, and
// every read of personal data. Plain reads that were answered are not: they change nothing
// and would drown the trail.
std::optional<AuditRecord> HttpCore::auditRecord(const QHttpServerRequest &request, const Dispatched &d, const Reply &reply) const
{
    // Throttled requests (429) were refused before anything was looked at; recording each of a
    // flood would turn the throttle into a write amplifier.
    if (!m_audit || !d.route || reply.status == 429)
        return std::nullopt;
    const bool denied = reply.status == 401 || reply.status == 403;
    if (request.method() == QHttpServerRequest::Method::Get && !d.route->auditRead && !denied)
        return std::nullopt;
    AuditRecord r;
    r.hallId = d.hallId;
    r.at = m_clock->now();
    r.actor = d.account.id;
    r.login = d.account.login;
    r.role = d.account.role;
    r.peer = request.remoteAddress().toString();
    r.action = d.action;
    r.target = request.url().path();
    r.status = reply.status;
    r.detail = reply.auditDetail;
    if (r.detail.isEmpty() && reply.status >= 400)
        r.detail = reply.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    return r;
}

void HttpCore::finishDeferred(quint64 id, const std::function<Reply(CommitBatch &)> &answer)
{
    const auto it = m_waiting.constFind(id);
    if (it == m_waiting.constEnd())
        return;
    Waiting w = *it;
    m_waiting.erase(it);
    const quint64 before = m_batch.generation();
    Reply reply = answer(m_batch);
    if (w.audit) {
        w.audit->status = reply.status;
        w.audit->detail = reply.auditDetail;
        m_audit->record(m_batch, std::move(*w.audit));
    }
    m_pending.push_back(Pending{w.socket, std::move(reply), m_batch.generation() != before, w.connection, true});
    scheduleFlush();
}

void HttpCore::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void HttpCore::flush()
{
    for (const auto &hook : m_flushHooks)
        hook();
    CommitBatch batch = std::exchange(m_batch, {});
    std::vector<Pending> pending = std::exchange(m_pending, {});
    bool committed = true;
    if (!batch.isEmpty()) {
        QString error;
        committed = batch.commit(m_db, &error, m_fence);
        if (!committed) {
            qCCritical(lcServer) << "commit failed; nothing of this batch was made:" << error;
            batch.finish(false);
            if (m_halls->isStale())
                reloadHalls();
        }
    }
    for (Pending &p : pending) {
        if (!committed && p.changed)
            p.reply = errorReply(503, QStringLiteral("storage_unavailable"),
                                 tr("The change could not be saved and was not made; try again."));
        deliver(p);
    }
    // Replies first, then the events (and caches) of what committed.
    if (committed)
        batch.finish(true);
}

// HTTP/1.1 answers a connection's requests in order: a reply that overtook a deferred one on
// its connection (or came while a download streams on it) waits until that one has left.
void HttpCore::deliver(Pending &p)
{
    if (p.completesDeferred) {
        if (p.socket)
            send(p.socket, p.reply);
        release(p.connection);
        return;
    }
    if (m_outstanding.contains(p.connection)) {
        m_held[p.connection].push_back(std::move(p));
        return;
    }
    if (p.socket)
        send(p.socket, p.reply);
}

void HttpCore::release(QTcpSocket *connection)
{
    auto out = m_outstanding.find(connection);
    if (out == m_outstanding.end() || --*out > 0)
        return;
    m_outstanding.erase(out);
    std::vector<Pending> held = m_held.take(connection);
    for (Pending &h : held) {
        if (m_outstanding.contains(connection)) // a stream among them holds the rest again
            m_held[connection].push_back(std::move(h));
        else if (h.socket)
            send(h.socket, h.reply);
    }
}

void HttpCore::reloadHalls()
{
    QString error;
    if (!m_halls->load(m_batch, &error)) {
        qCCritical(lcServer) << "cannot reload the halls:" << error;
        return;
    }
    scheduleFlush();
}

namespace {

// Writes a streamed reply's bytes as the socket drains: at most StreamBuffer bytes wait in the
// socket, so a 50 MB blob costs the server a few hundred KiB however slow the reader is.
class StreamPump final : public QObject
{
public:
    static constexpr qint64 Piece = 64 * 1024;
    static constexpr qint64 StreamBuffer = 256 * 1024;

    StreamPump(QTcpSocket *socket, std::shared_ptr<QIODevice> device, qint64 size, std::function<void()> done)
        : QObject(socket), m_socket(socket), m_device(std::move(device)), m_left(size), m_done(std::move(done))
    {
        connect(socket, &QIODevice::bytesWritten, this, &StreamPump::fill);
        connect(socket, &QAbstractSocket::disconnected, this, &StreamPump::finish);
    }
    ~StreamPump() override { finish(); }

    void fill()
    {
        while (m_left > 0 && m_socket && m_socket->bytesToWrite() < StreamBuffer) {
            const QByteArray piece = m_device->read(std::min(Piece, m_left));
            if (piece.isEmpty()) {
                // The file is shorter than announced: cut the connection, the client sees a
                // short body instead of wrong bytes.
                qCWarning(lcServerHttp) << "stream ended early:" << m_device->errorString();
                m_socket->abort();
                return finish();
            }
            m_left -= piece.size();
            m_socket->write(piece);
        }
        if (m_left == 0)
            finish();
    }

private:
    void finish()
    {
        if (!m_done)
            return;
        const auto done = std::exchange(m_done, nullptr);
        m_device.reset();
        if (m_socket)
            disconnect(m_socket, nullptr, this, nullptr);
        done();
        deleteLater();
    }

    QPointer<QTcpSocket> m_socket;
    std::shared_ptr<QIODevice> m_device;
    qint64 m_left;
    std::function<void()> m_done;
};

} // namespace

void HttpCore::send(QTcpSocket *socket, const Reply &reply)
{
    if (reply.stream) {
        QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                          + QByteArray::number(reply.streamSize) + "\r\nCache-Control: no-store\r\n\r\n";
        socket->write(head);
        ++m_outstanding[socket];
        auto *pump = new StreamPump(socket, reply.stream, reply.streamSize, [this, socket] { release(socket); });
        pump->fill();
        return;
    }
    socket->write(RequestGate::response(reply));
    if (reply.close)
        RequestGate::closeAfterReply(socket);
}

} // namespace hall::server
