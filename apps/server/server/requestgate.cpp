#include "requestgate.h"

#include "http.h"

#include <core/logging.h>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QPointer>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

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
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// A refused connection is read and discarded this long (so the client, still sending, reads
// the answer rather than a reset), then aborted.
constexpr int DrainMs = 2000;

} // namespace

// Follows one connection's requests as QHttpServer will read them. Its readyRead slot is
// connected before QHttpServer's, so it sees every byte first, and it stops where QHttpServer
// stops: after a request's last body byte (QHttpServer leaves the rest for a later readyRead).
class ConnectionWatch final : public QObject
{
    Q_DECLARE_TR_FUNCTIONS(RequestGate)
public:
    ConnectionWatch(RequestGate *gate, QTcpSocket *socket) : QObject(socket), m_gate(gate), m_socket(socket)
    {
        connect(socket, &QIODevice::readyRead, this, &ConnectionWatch::look);
    }

private:
    void look();
    bool headComplete(qsizetype *end) const;
    bool judge(const QByteArray &head);
    void refuse(int status, const QString &code, const QString &message) { refuse(errorReply(status, code, message)); }
    void refuse(Reply reply);

    QPointer<RequestGate> m_gate;
    QTcpSocket *m_socket;
    QByteArray m_head;      // the head of the current request so far
    qint64 m_bodyLeft = 0;  // body bytes of the current request still to come
};

void ConnectionWatch::look()
{
    if (!m_socket->isOpen())
        return;
    qint64 available = m_socket->bytesAvailable();
    if (m_bodyLeft > 0) {
        // QHttpServer reads at most the rest of the body now and stops there.
        const qint64 n = std::min(available, m_bodyLeft);
        m_bodyLeft -= n;
        return;
    }
    // Unread bytes begin where the head left off; only as many as a head may have are looked at.
    const qsizetype want = qsizetype(std::min<qint64>(available, RequestGate::MaxHeadBytes + 1 - m_head.size()));
    const qsizetype before = m_head.size();
    const QByteArray peeked = m_socket->peek(want);
    m_head += peeked;
    qsizetype end = 0;
    if (!headComplete(&end)) {
        if (m_head.size() > RequestGate::MaxHeadBytes)
            refuse(431, QStringLiteral("head_too_large"), tr("The request head is larger than %1 bytes.").arg(RequestGate::MaxHeadBytes));
        return;
    }
    const QByteArray head = std::exchange(m_head, {}).left(end);
    if (!judge(head))
        return;
    // The body's first bytes may have come with the head.
    available -= end - before;
    if (m_bodyLeft > 0)
        m_bodyLeft -= std::min(available, m_bodyLeft);
}

// Where QHttpServer sees the head end: leading blank space skipped, then the first empty line
// (CRLF or LF line ends).
bool ConnectionWatch::headComplete(qsizetype *end) const
{
    qsizetype start = 0;
    while (start < m_head.size() && isSpace(m_head.at(start)))
        ++start;
    if (start == m_head.size())
        return false;
    const qsizetype crlf = m_head.indexOf("\n\r\n", start);
    const qsizetype lf = m_head.indexOf("\n\n", start);
    if (crlf < 0 && lf < 0)
        return false;
    *end = (lf < 0 || (crlf >= 0 && crlf < lf)) ? crlf + 3 : lf + 2;
    return true;
}

// The request's head decides: true lets QHttpServer read it (and its body).
bool ConnectionWatch::judge(const QByteArray &head)
{
    const QList<QByteArray> lines = head.trimmed().split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    QByteArray contentLength, transferEncoding, connection, authorization;
    bool lengthSeen = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length" && !std::exchange(lengthSeen, true))
            contentLength = value; // QHttpServer uses the first
        else if (name == "transfer-encoding")
            transferEncoding += value.toLower();
        else if (name == "connection")
            connection += value.toLower();
        else if (name == "authorization")
            authorization = value;
    }
    if (transferEncoding.contains("chunked")) {
        refuse(411, QStringLiteral("length_required"), tr("Send the body with a Content-Length; chunked bodies are not accepted."));
        return false;
    }
    qint64 length = 0;
    if (lengthSeen) {
        bool ok = !contentLength.isEmpty() && std::all_of(contentLength.cbegin(), contentLength.cend(), [](char c) { return c >= '0' && c <= '9'; });
        length = ok ? contentLength.toLongLong(&ok) : 0;
        if (!ok) {
            refuse(400, QStringLiteral("invalid_input"), tr("The Content-Length header is not a number of bytes."));
            return false;
        }
    }
    if (length > 0 && m_gate) {
        const QString path = QUrl::fromEncoded(requestLine.value(1)).path();
        const qint64 limit = m_gate->m_limit(requestLine.value(0), path);
        if (length > limit) {
            qCInfo(lcServerHttp) << "refused a body of" << length << "bytes for" << requestLine.value(0) << path << "from"
                                 << m_socket->peerAddress().toString();
            refuse(413, QStringLiteral("body_too_large"), tr("The request body is larger than %1 bytes.").arg(limit));
            return false;
        }
    }
    if (connection.contains("upgrade")) {
        if (m_gate && m_gate->m_upgrade) {
            if (std::optional<Reply> refused = m_gate->m_upgrade(authorization)) {
                refuse(std::move(*refused));
                return false;
            }
        }
        // A WebSocket handshake: QHttpServer hands the socket over and its frames are not ours.
        deleteLater();
        disconnect(m_socket, nullptr, this, nullptr);
        return false;
    }
    m_bodyLeft = length;
    return true;
}

void ConnectionWatch::refuse(Reply reply)
{
    QTcpSocket *socket = m_socket;
    // QHttpServer (connected after us) never sees this request: nothing of it is read.
    disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());
    // From now on the socket holds at most this much of what still comes, and drops it.
    socket->setReadBufferSize(64 * 1024);
    connect(socket, &QIODevice::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
    if (m_gate) {
        ++m_gate->m_refused;
        m_gate->m_refuse(socket, std::move(reply));
    } else {
        socket->abort();
    }
    deleteLater();
}

void RequestGate::closeAfterReply(QTcpSocket *socket)
{
    // Closing a socket with unread data would reset the connection and could destroy the answer
    // in flight; a FIN after the answer, and discarding for a moment, lets the client read it.
    // (Under TLS the close_notify cannot be sent half-way: the timer ends it.)
    if (!qobject_cast<QSslSocket *>(socket)) {
        const auto finish = [socket] {
#ifdef Q_OS_UNIX
            if (socket->bytesToWrite() == 0 && socket->socketDescriptor() != -1)
                ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
#endif
        };
        connect(socket, &QIODevice::bytesWritten, socket, finish);
        socket->flush();
        finish();
    }
    QTimer::singleShot(DrainMs, socket, [socket] { socket->abort(); });
}

RequestGate::RequestGate(BodyLimit limit, Refuse refuse, Upgrade upgrade, QObject *parent)
    : QTcpServer(parent), m_limit(std::move(limit)), m_refuse(std::move(refuse)), m_upgrade(std::move(upgrade))
{
}

void RequestGate::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_ssl = configuration;
    m_tls = true;
}

void RequestGate::incomingConnection(qintptr handle)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_ssl);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    // Before QHttpServer connects its own slot (in addPendingConnection's signal).
    new ConnectionWatch(this, socket);
    if (m_tls)
        static_cast<QSslSocket *>(socket)->startServerEncryption();
    addPendingConnection(socket);
}

QByteArray RequestGate::response(const Reply &reply)
{
    const QByteArray json = QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(json.size() + 160);
    out += "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
    out += "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + QByteArray::number(json.size()) + "\r\n";
    out += "Cache-Control: no-store\r\n";
    if (reply.retryAfterSeconds > 0)
        out += "Retry-After: " + QByteArray::number(reply.retryAfterSeconds) + "\r\n";
    if (reply.close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += json;
    return out;
}

} // namespace hall::server
