#pragma once

#include <net/net_export.h>

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

namespace hall::net {

// Why a call to hall-server failed. Either the server answered with a refusal (Http: its
// status, code and message, and ticketId / retryAfterSeconds where it gave them), the reply
// could not be understood (Protocol), or the request never got an answer (the transport
// kinds). message is always translated and fit to show; detail is for logs (English, and
// never a token or personal data).
struct HALL_NET_EXPORT ApiError
{
    Q_DECLARE_TR_FUNCTIONS(HallNet)
public:
    enum class Kind {
        Http,        // the server refused: see httpStatus, code, message
        Protocol,    // the reply is not what the API documents
        Timeout,     // no answer within the request timeout
        Refused,     // nothing listens at the address (server down or restarting)
        HostNotFound,
        Network,     // the connection broke, the network is unreachable, …
        Tls,         // the server's certificate is not trusted (or TLS failed)
        PinMismatch, // the certificate is trusted but its key is not the pinned one
        Canceled,    // the client was reconfigured or destroyed
    };

    Kind kind = Kind::Http;
    int httpStatus = 0;
    QString code;    // the server's code ("quota_full"); for other kinds a fixed name ("timeout")
    QString message; // for people
    qint64 ticketId = 0;
    int retryAfterSeconds = -1;
    QString detail;
    QJsonObject errorObject; // the server's whole `error` object, for codes that carry more (sync's expectedSeq)

    // True when the server was not reached (or not trusted): the link, not the request, failed.
    bool isTransport() const { return kind != Kind::Http && kind != Kind::Protocol; }

    static ApiError http(int status, const QString &code, const QString &message);
    static ApiError protocol(const QString &detail);
    static ApiError transport(Kind kind, const QString &detail = {});
    static QString kindName(Kind kind);
};

} // namespace hall::net
