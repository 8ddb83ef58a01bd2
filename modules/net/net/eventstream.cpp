#include "eventstream.h"

#include "hallclient.h"
#include "logging.h"

#include <QJsonDocument>
#include <QWebSocket>

#include <algorithm>

namespace hall::net {

EventStream::EventStream(HallClient *client, QObject *parent)
    : QObject(parent), m_client(client), m_backoff(client->backoffPolicy(), client->backoffRandom())
{
    m_retry.setSingleShot(true);
    // A coarse timer may fire up to 5% early: a reconnect the server timed would be refused again.
    m_retry.setTimerType(Qt::PreciseTimer);
    connect(&m_retry, &QTimer::timeout, this, &EventStream::attempt);
    m_heartbeat.setInterval(5000);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] {
        if (!m_socket)
            return;
        if (m_lastHeard.hasExpired(m_heartbeatTimeoutMs))
            return fail(ApiError::transport(ApiError::Kind::Timeout, QStringLiteral("event stream silent")));
        m_socket->ping();
    });
    // Another request got through while the stream waits for its next try: try now.
    connect(client, &HallClient::connectionStatusChanged, this, [this](const ConnectionStatus &s) {
        if (m_subscribed && s.state == ConnectionStatus::State::Online && !m_socket && m_retry.isActive() && !m_serverSaidWait) {
            m_retry.stop();
            attempt();
        }
    });
    connect(client, &HallClient::tokenChanged, this, [this] {
        if (m_subscribed && m_client->hasToken())
            resubscribe(QStringLiteral("new token"));
    });
}

EventStream::~EventStream()
{
    unsubscribe();
}

void EventStream::setHeartbeat(int intervalMs, int timeoutMs)
{
    m_heartbeat.setInterval(intervalMs);
    m_heartbeatTimeoutMs = timeoutMs;
}

void EventStream::subscribe(const QString &hall)
{
    if (m_subscribed)
        unsubscribe();
    m_hall = hall;
    m_subscribed = true;
    m_state.clear();
    m_backoff = Backoff(m_client->backoffPolicy(), m_client->backoffRandom());
    m_client->setStreamActive(true);
    attempt();
}

void EventStream::unsubscribe()
{
    if (!m_subscribed)
        return;
    m_subscribed = false;
    ++m_generation;
    m_retry.stop();
    dropSocket();
    setLive(false);
    if (m_client)
        m_client->setStreamActive(false);
}

void EventStream::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    Q_EMIT liveChanged(live);
}

void EventStream::dropSocket()
{
    m_heartbeat.stop();
    if (!m_socket)
        return;
    QWebSocket *s = std::exchange(m_socket, nullptr);
    disconnect(s, nullptr, this, nullptr);
    s->abort();
    s->deleteLater();
}

// Each attempt first asks GET /health: through the HTTP path the certificate (and its pin)
// is checked before any token is sent, and a server that is down costs no WebSocket handshake.
void EventStream::attempt()
{
    if (!m_subscribed || !m_client)
        return;
    dropSocket();
    const quint64 generation = ++m_generation;
    m_client->health(this, [this, generation](const Result<Health> &r) {
        if (generation != m_generation || !m_subscribed)
            return;
        if (!r)
            return fail(r.error());
        open();
    });
}

void EventStream::open()
{
    m_lastSeq = -1;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket *s = m_socket;
    connect(s, &QWebSocket::connected, this, [this, s] {
        if (s != m_socket)
            return;
        // The pin again, on this connection (the probe before it may have met another server).
        if (!m_client->checkPeer(s->sslConfiguration().peerCertificate()) && s->requestUrl().scheme() == QLatin1String("wss"))
            return fail(ApiError::transport(ApiError::Kind::PinMismatch, QStringLiteral("event stream: server key does not match the pin")));
        m_lastHeard.start();
        m_heartbeat.start();
    });
    connect(s, &QWebSocket::textMessageReceived, this, [this, s](const QString &text) {
        if (s == m_socket)
            onMessage(text);
    });
    connect(s, &QWebSocket::pong, this, [this, s] {
        if (s == m_socket)
            m_lastHeard.start();
    });
    connect(s, &QWebSocket::sslErrors, this, [this, s](const QList<QSslError> &errors) {
        if (s == m_socket)
            fail(ApiError::transport(ApiError::Kind::Tls, errors.isEmpty() ? QString() : errors.first().errorString()));
    });
    connect(s, &QWebSocket::disconnected, this, [this, s] {
        if (s != m_socket)
            return;
        ApiError e = ApiError::transport(ApiError::Kind::Network, QStringLiteral("event stream closed: %1 %2").arg(s->closeCode()).arg(s->closeReason()));
        fail(e);
    });
    connect(s, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, s](QAbstractSocket::SocketError) {
        if (s == m_socket)
            fail(ApiError::transport(ApiError::Kind::Network, s->errorString()));
    });
    const QNetworkRequest request = m_client->eventStreamRequest(m_hall);
    if (request.url().scheme() == QLatin1String("wss"))
        s->setSslConfiguration(m_client->sslConfiguration());
    s->open(request);
}

void EventStream::onMessage(const QString &text)
{
    m_lastHeard.start();
    const QJsonObject msg = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = msg.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("error")) {
        // The server says why before it closes (unknown token, other hall, …).
        ApiError e = ApiError::http(0, QStringLiteral("subscription_refused"), msg.value(QStringLiteral("message")).toString());
        // Or that this account reconnects too often: not a refusal, only a time to come back,
        // which the next attempt respects.
        if (msg.value(QStringLiteral("code")).toString() == QLatin1String("too_many_reconnects")) {
            e.code = QStringLiteral("too_many_reconnects");
            e.retryAfterSeconds = msg.value(QStringLiteral("retryAfterSeconds")).toInt(1);
            qCInfo(lcNet) << "event stream: the server asks to reconnect in" << e.retryAfterSeconds << "s";
            return fail(e);
        }
        qCWarning(lcNet) << "event subscription refused";
        Q_EMIT subscriptionRefused(e);
        return fail(e);
    }
    const qint64 seq = msg.value(QStringLiteral("seq")).toInteger(-1);
    if (type == QLatin1String("hello")) {
        HallSummary sum;
        QString error;
        if (!parseSummary(msg.value(QStringLiteral("data")).toObject(), &sum, &error) || seq < 0)
            return fail(ApiError::protocol(QStringLiteral("hello: ") + error));
        m_lastSeq = seq;
        m_state.replace(sum, seq);
        m_backoff.reset();
        m_client->reportLinkUp();
        setLive(true);
        Q_EMIT snapshot(m_state);
        return;
    }
    if (m_lastSeq < 0)
        return fail(ApiError::protocol(QStringLiteral("a message before hello")));
    if (seq != m_lastSeq + 1) {
        qCWarning(lcNet) << "event stream: seq" << seq << "after" << m_lastSeq << "- resubscribing";
        return resubscribe(QStringLiteral("gap in seq: %1 after %2").arg(seq).arg(m_lastSeq));
    }
    m_lastSeq = seq;
    if (type == QLatin1String("queue.summary")) {
        HallSummary sum;
        QString error;
        if (!parseSummary(msg.value(QStringLiteral("data")).toObject(), &sum, &error))
            return fail(ApiError::protocol(QStringLiteral("queue.summary: ") + error));
        if (!m_state.apply(sum, seq))
            return fail(ApiError::protocol(QStringLiteral("queue.summary of another hall")));
        Q_EMIT stateChanged(m_state);
        return;
    }
    HallEvent event;
    QString error;
    if (!parseEvent(msg, &event, &error))
        return fail(ApiError::protocol(error));
    Q_EMIT eventReceived(event);
}

void EventStream::fail(const ApiError &error)
{
    dropSocket();
    setLive(false);
    if (!m_subscribed)
        return;
    ++m_generation; // a probe still under way belongs to the attempt that failed
    // Never sooner than the server said (Retry-After of a refused reconnect).
    const int delay = std::max(m_backoff.nextDelayMs(), error.retryAfterSeconds > 0 ? error.retryAfterSeconds * 1000 : 0);
    m_serverSaidWait = error.retryAfterSeconds > 0; // then not sooner, even if the link comes back
    qCInfo(lcNet).noquote() << "event stream down:" << ApiError::kindName(error.kind) << error.detail << "- next try in" << delay << "ms";
    if (error.isTransport())
        m_client->reportLinkDown(error, m_backoff.attempt(), delay);
    m_retry.start(delay);
}

void EventStream::resubscribe(const QString &reason)
{
    Q_EMIT resubscribing(reason);
    setLive(false);
    m_retry.stop();
    attempt(); // at once: the server is there, only this stream's picture is in doubt
}

} // namespace hall::net
