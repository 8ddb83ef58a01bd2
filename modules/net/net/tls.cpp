#include "tls.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslKey>

namespace hall::net {

bool Tls::configuration(const TlsOptions &options, QSslConfiguration *out, QString *error)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    if (!options.caFile.isEmpty()) {
        QFile f(options.caFile);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = tr("Cannot read the hall CA file %1: %2").arg(options.caFile, f.errorString());
            return false;
        }
        const QList<QSslCertificate> cas = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
        if (cas.isEmpty()) {
            *error = tr("The hall CA file %1 holds no PEM certificate.").arg(options.caFile);
            return false;
        }
        // Only the hall's CA: a certificate some public CA issued for the name is not the hall's.
        ssl.setCaCertificates(cas);
    }
    if (!options.client.isNull()) {
        ssl.setLocalCertificateChain(QList<QSslCertificate>{options.client.certificate} + options.client.chain);
        ssl.setPrivateKey(options.client.key);
    }
    *out = ssl;
    return true;
}

bool Tls::parsePin(const QString &text, QByteArray *out, QString *error)
{
    const QString t = text.trimmed();
    QByteArray raw;
    if (t.startsWith(QLatin1String("sha256//")))
        raw = QByteArray::fromBase64(t.mid(8).toLatin1());
    else if (t.size() == 64)
        raw = QByteArray::fromHex(t.toLatin1());
    if (raw.size() != 32) {
        *error = tr("The certificate pin \"%1\" is neither sha256//BASE64 nor 64 hexadecimal digits.").arg(t);
        return false;
    }
    *out = raw;
    return true;
}

QByteArray Tls::publicKeySha256(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QCryptographicHash::hash(certificate.publicKey().toDer(), QCryptographicHash::Sha256);
}

} // namespace hall::net
