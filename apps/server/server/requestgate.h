#pragma once

#include <server/http.h>
#include <server/server_export.h>

#include <QByteArray>
#include <QSslConfiguration>
#include <QTcpServer>

#include <functional>
#include <optional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace hall::server {

// The listening socket of hall-server, in front of QHttpServer (bound with
// QAbstractHttpServer::bind). Qt 6.4's QHttpServer reads a request's whole body into memory
// before anyone sees the request — twice, since it keeps the bytes of an unfinished request in
// a QIODevice transaction as well — so a client announcing 1 GB would cost 2 GB. The gate
// watches every connection's bytes before QHttpServer reads them: it follows the requests on
// the connection as QHttpServer frames them (head, then Content-Length bytes of body) and
// refuses, before a byte of the body is read, a body over its route's limit (413), a chunked
// body whose size nobody knows (411), a bad Content-Length (400) and a head over 64 KiB (431);
// the refused connection is answered, drained for a moment and closed.
class HALL_SERVER_EXPORT RequestGate : public QTcpServer
{
    Q_OBJECT
public:
    // The largest body a request may carry: its route's limit, or the global one.
    using BodyLimit = std::function<qint64(const QByteArray &method, const QString &path)>;
    // Answers a refused request: after the replies to the connection's earlier requests (HTTP/1.1
    // answers in order), with "Connection: close", then closeAfterReply().
    using Refuse = std::function<void(QTcpSocket *socket, Reply reply)>;
    // A WebSocket handshake's Authorization header: a refusal to answer at once (an account
    // reconnecting before it was told to), or nothing and the handshake goes on.
    using Upgrade = std::function<std::optional<Reply>(const QByteArray &authorization)>;
    static constexpr qint64 MaxHeadBytes = 64 * 1024;

    RequestGate(BodyLimit limit, Refuse refuse, Upgrade upgrade, QObject *parent = nullptr);

    // Serve TLS: each connection is a QSslSocket with this configuration.
    void setSslConfiguration(const QSslConfiguration &configuration);

    qint64 refusedCount() const { return m_refused; }

    // A reply as bytes on the wire.
    static QByteArray response(const Reply &reply);
    // The refused connection's answer has been written: a FIN once it is out, the client's
    // further bytes discarded, and the connection aborted a little later.
    static void closeAfterReply(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class ConnectionWatch;
    BodyLimit m_limit;
    Refuse m_refuse;
    Upgrade m_upgrade;
    QSslConfiguration m_ssl;
    bool m_tls = false;
    qint64 m_refused = 0;
};

} // namespace hall::server
