// DeviceSignIn with the token in the real OS keychain (gnome-keyring over D-Bus) against the
// in-process HallServer: first start signs in and stores, the next uses the stored token, a
// revoked token is replaced.

#include "../server/harness.h"

#include <net/devicesignin.h>
#include <net/hallclient.h>
#include <net/keychaintokenstore.h>
#include <security/keychain.h>

#include <QSignalSpy>
#include <QUuid>

using namespace hall;
using namespace hall::net;

class TestNetKeychain : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::InProcessServer> m_server;
    QString m_service = QStringLiteral("HallSuite-test/net-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));

    std::unique_ptr<HallClient> client()
    {
        auto c = std::make_unique<HallClient>();
        c->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())));
        return c;
    }
    DeviceSignIn::Outcome run(HallClient *c, TokenStore *store, const QString &password, bool *ok)
    {
        DeviceSignIn d(c, store, QStringLiteral("display1"), password);
        QSignalSpy done(&d, &DeviceSignIn::signedIn);
        QSignalSpy failed(&d, &DeviceSignIn::failed);
        QSignalSpy storeProblem(&d, &DeviceSignIn::storeProblem);
        d.start();
        *ok = QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, 20000) && !done.isEmpty();
        if (!storeProblem.isEmpty()) {
            qWarning() << "keychain:" << storeProblem.first().first().toString();
            *ok = false;
        }
        return *ok ? done.first().first().value<DeviceSignIn::Outcome>() : DeviceSignIn::Outcome::Offline;
    }
    QByteArray stored()
    {
        const security::KeychainResult r = security::Keychain(m_service).readNow(QStringLiteral("token/display1"), 10000);
        return r.ok() ? r.data : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<test::InProcessServer>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        // Fail, not skip, without a Secret Service: the suite provides one.
        const security::KeychainResult probe = security::Keychain(m_service).readNow(QStringLiteral("probe"), 10000);
        QVERIFY2(probe.status == security::KeychainStatus::NotFound,
                 qPrintable(QStringLiteral("no usable keychain (%1): %2; run inside dbus-run-session with an unlocked gnome-keyring")
                                .arg(security::Keychain::statusName(probe.status), probe.message)));
    }
    void cleanupTestCase()
    {
        security::Keychain(m_service).removeNow(QStringLiteral("token/display1"), 10000);
    }

    void deviceTokenLivesInTheKeychain()
    {
        KeychainTokenStore store(m_service);
        bool ok = false;
        auto first = client();
        QCOMPARE(run(first.get(), &store, QStringLiteral("demo-display-2026"), &ok), DeviceSignIn::Outcome::SignedIn);
        QVERIFY(ok);
        const QByteArray token = stored();
        QVERIFY2(!token.isEmpty(), "the new token should be in the keychain");
        QCOMPARE(first->token().toLatin1(), token);

        // Next start: the keychain's token, no password (a wrong one proves it is not used).
        auto second = client();
        QCOMPARE(run(second.get(), &store, QStringLiteral("wrong"), &ok), DeviceSignIn::Outcome::StoredToken);
        QVERIFY(ok);
        QCOMPARE(second->token().toLatin1(), token);

        // Revoked: signs in again and replaces the stored token.
        test::Client http(m_server->port());
        http.token = QString::fromLatin1(token);
        QCOMPARE(http.call("POST", QStringLiteral("/api/v1/auth/logout"), QJsonObject()).status, 200);
        auto third = client();
        QCOMPARE(run(third.get(), &store, QStringLiteral("demo-display-2026"), &ok), DeviceSignIn::Outcome::SignedIn);
        QVERIFY(ok);
        const QByteArray renewed = stored();
        QVERIFY(!renewed.isEmpty());
        QVERIFY2(renewed != token, "the revoked token must be replaced in the keychain");
        QCOMPARE(third->token().toLatin1(), renewed);
    }
};

QTEST_GUILESS_MAIN(TestNetKeychain)
#include "tst_net_keychain.moc"
