#pragma once

// The hall server of the certificate sign-in tests, in this process over https: the hall CA of
// TestPki with its CRL, officers' certificates mapped to accounts, and a SoftHSM2 USB key:
//   valid.p12      officer01                  expired.p12   officer04, expired
//   revoked.p12    officer05, on the CRL      unmapped.p12  assigned to nobody
//   the token      officer02 (PIN 246810)

#include "../server/harness.h"
#include "testpki.h"

#include <net/hallclient.h>
#include <server/certificates.h>

namespace hall::test {

struct CertificateServer
{
    TestPki pki;
    server::ClientCertificates certificates;
    InProcessServer server;

    bool start(QString *error)
    {
        if (!pki.create(error)
            || !pki.issue(QStringLiteral("valid"), QStringLiteral("/O=汕尾市政务服务中心/CN=张三 officer01"), QStringLiteral("client"), error)
            || !pki.issue(QStringLiteral("unmapped"), QStringLiteral("/CN=李四"), QStringLiteral("client"), error)
            || !pki.issue(QStringLiteral("expired"), QStringLiteral("/CN=officer04 expired"), QStringLiteral("client"), error,
                          {QStringLiteral("-startdate"), QStringLiteral("20250101000000Z"), QStringLiteral("-enddate"), QStringLiteral("20250201000000Z")})
            || !pki.issue(QStringLiteral("revoked"), QStringLiteral("/CN=officer05 revoked"), QStringLiteral("client"), error)
            || !pki.revoke(QStringLiteral("revoked"), error) || !pki.createToken(QStringLiteral("/CN=officer02 token"), error)
            || !certificates.configure(pki.file(QStringLiteral("ca.pem")), pki.file(QStringLiteral("crl.pem")), error))
            return false;
        server.prepare = [this](storage::Database *db, QString *error) {
            const QList<std::pair<QString, QString>> mappings{{QStringLiteral("officer01"), QStringLiteral("valid.pem")},
                                                              {QStringLiteral("officer02"), QStringLiteral("token.pem")},
                                                              {QStringLiteral("officer04"), QStringLiteral("expired.pem")},
                                                              {QStringLiteral("officer05"), QStringLiteral("revoked.pem")}};
            QString summary;
            for (const auto &[login, pem] : mappings) {
                if (!server::accountCertificate(db, server::CertificateCommand::Add, login, pki.file(pem), &summary, error))
                    return false;
            }
            return true;
        };
        server.tlsCertificate = pki.file(QStringLiteral("server.pem"));
        server.tlsKey = pki.file(QStringLiteral("server.key"));
        server.certificates = &certificates;
        return server.start(error);
    }

    // A client of the server that trusts the hall CA, for the hall `hall` (none: not said).
    std::unique_ptr<net::HallClient> client(const QString &hall = {}) const
    {
        auto c = std::make_unique<net::HallClient>();
        QString error;
        if (!c->setServer(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.port())), net::TlsOptions{pki.file(QStringLiteral("ca.pem")), {}, {}},
                          &error))
            qWarning() << error;
        c->setHall(hall);
        c->setRequestTimeout(10000);
        return c;
    }
};

} // namespace hall::test
