#include "apierror.h"

namespace hall::net {

ApiError ApiError::http(int status, const QString &code, const QString &message)
{
    ApiError e;
    e.kind = Kind::Http;
    e.httpStatus = status;
    e.code = code;
    e.message = message;
    return e;
}

ApiError ApiError::protocol(const QString &detail)
{
    ApiError e;
    e.kind = Kind::Protocol;
    e.code = kindName(Kind::Protocol);
    e.message = tr("The hall service sent a reply this program does not understand. Check that the program and the service are of the same version.");
    e.detail = detail;
    return e;
}

ApiError ApiError::transport(Kind kind, const QString &detail)
{
    ApiError e;
    e.kind = kind;
    e.code = kindName(kind);
    e.detail = detail;
    switch (kind) {
    case Kind::Timeout:
        e.message = tr("The hall service did not answer in time. Check the network; the program keeps trying.");
        break;
    case Kind::Refused:
        e.message = tr("The hall service is not running at the configured address. It may be restarting; the program keeps trying.");
        break;
    case Kind::HostNotFound:
        e.message = tr("The hall service's address cannot be found. Check the server address in the configuration and the network.");
        break;
    case Kind::Tls:
        e.message = tr("The hall service's certificate is not trusted, so the connection was refused. Check the hall CA file and the server certificate.");
        break;
    case Kind::PinMismatch:
        e.message = tr("The hall service's certificate key is not the pinned one, so the connection was refused. Someone may be intercepting the connection, or the server certificate was replaced: check the pin in the configuration.");
        break;
    case Kind::Canceled:
        e.message = tr("The request was cancelled.");
        break;
    default:
        e.message = tr("The connection to the hall service failed. Check the network; the program keeps trying.");
        break;
    }
    return e;
}

QString ApiError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Http: return QStringLiteral("http");
    case Kind::Protocol: return QStringLiteral("protocol");
    case Kind::Timeout: return QStringLiteral("timeout");
    case Kind::Refused: return QStringLiteral("refused");
    case Kind::HostNotFound: return QStringLiteral("host_not_found");
    case Kind::Network: return QStringLiteral("network");
    case Kind::Tls: return QStringLiteral("tls");
    case Kind::PinMismatch: return QStringLiteral("pin_mismatch");
    case Kind::Canceled: return QStringLiteral("canceled");
    }
    return {};
}

} // namespace hall::net
