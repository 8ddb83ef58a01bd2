#pragma once

#include <net/clientidentity.h>
#include <net/net_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QSslConfiguration>
#include <QString>

namespace hall::net {

// How the client trusts the hall service over HTTPS/WSS. Certificates are always verified
// (peer and host name); there is no switch to turn that off.
struct TlsOptions
{
    // PEM file with the hall's CA certificate(s); used instead of the system CAs when set.
    QString caFile;
    // SHA-256 of the server certificate's public key (DER SubjectPublicKeyInfo), raw 32 bytes;
    // when set, a trusted certificate with another key is refused as well.
    QByteArray publicKeySha256;
    // The officer's certificate and key, offered when the server asks (mutual TLS); see
    // HallClient::signInWithCertificate.
    ClientIdentity client;
};

class HALL_NET_EXPORT Tls
{
    Q_DECLARE_TR_FUNCTIONS(HallNet)
public:
    // The SSL configuration for `options`; false with a translated error when the CA file
    // cannot be read or holds no certificate.
    static bool configuration(const TlsOptions &options, QSslConfiguration *out, QString *error);
    // "sha256//BASE64" (as curl's --pinnedpubkey) or 64 hex digits → 32 bytes.
    static bool parsePin(const QString &text, QByteArray *out, QString *error);
    static QByteArray publicKeySha256(const QSslCertificate &certificate);
};

} // namespace hall::net
