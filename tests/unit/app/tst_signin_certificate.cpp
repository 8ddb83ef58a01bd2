// The certificate way of the people sign-in (SignInController) without a window, against the
// real hall server in this process over mutual TLS: a PKCS#12 file and its password, a SoftHSM2
// USB key listed and signed in with its PIN, and each refusal said in the person's words
// (expired, revoked, not assigned, wrong password or PIN, no key); this PC's certificate store
// (an NSS database made by certutil and pk12util, reached through NSS's softoken as a PKCS#11
// module) listed and signed in from; a hall that takes certificates only turns the screen to the
// certificate way and refuses passwords.

#include "../net/netawait.h"
#include "certificateserver.h"

#include <app/signincontroller.h>
#include <server/hallstore.h>

#include <QMap>
#include <QSignalSpy>

using namespace hall;
using Way = app::SignInController::Way;
using Step = app::SignInController::Step;

class TstSignInCertificate : public QObject
{
    Q_OBJECT

    test::CertificateServer m_server;

    static bool idle(const app::SignInController &s) { return !s.isBusy(); }
    QString p12(const QString &name) const { return m_server.pki.file(name + QStringLiteral(".p12")); }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English));
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
    }

    void certificateFileSignsIn()
    {
        auto c = m_server.client();
        app::SignInController s(c.get());
        QSignalSpy signedIn(&s, &app::SignInController::signedIn);
        s.setWay(Way::Certificate);
        QCOMPARE(s.way(), Way::Certificate);
        s.signInWithFile(p12(QStringLiteral("valid")), QString::fromLatin1(test::TestPki::p12Password));
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.size(), 1, 10000);
        QCOMPARE(s.step(), Step::SignedIn);
        QCOMPARE(s.session().role, QStringLiteral("officer"));
        QVERIFY(c->hasToken());
        // The token carries the session: the certificate is not offered any more.
        const auto me = test::await<net::Account>([&](QObject *ctx, auto done) { c->me(ctx, done); });
        QVERIFY(me.ok());
        QCOMPARE(me->login, QStringLiteral("officer01"));
    }

    void refusalsInWords_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("said");
        QTest::newRow("wrong file password") << QStringLiteral("valid") << QStringLiteral("nope") << QStringLiteral("the password is wrong");
        QTest::newRow("no file") << QString() << QString() << QStringLiteral("Choose your certificate file");
        QTest::newRow("expired") << QStringLiteral("expired") << QString() << QStringLiteral("Your certificate has expired");
        QTest::newRow("revoked") << QStringLiteral("revoked") << QString() << QStringLiteral("has been revoked");
        QTest::newRow("not assigned") << QStringLiteral("unmapped") << QString() << QStringLiteral("not assigned to any account");
    }

    void refusalsInWords()
    {
        QFETCH(QString, file);
        QFETCH(QString, password);
        QFETCH(QString, said);
        auto c = m_server.client();
        app::SignInController s(c.get());
        s.setWay(Way::Certificate);
        s.signInWithFile(file.isEmpty() ? QString() : p12(file), password.isEmpty() ? QString::fromLatin1(test::TestPki::p12Password) : password);
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QVERIFY2(s.message().contains(said), qPrintable(s.message()));
        QCOMPARE(s.step(), Step::Credentials);
        QVERIFY(!c->hasToken());
        QVERIFY(s.canSubmit());
    }

    void usbKeyListedThenSignsInWithItsPin()
    {
        auto c = m_server.client();
        app::SignInController s(c.get());
        s.setWay(Way::Certificate);
        s.setPkcs11Module(QLatin1String(test::TestPki::softhsmModule));
        s.refreshTokens();
        QVERIFY2(s.message().isEmpty(), qPrintable(s.message()));
        QCOMPARE(s.tokens().size(), 1);
        const net::TokenInfo token = s.tokens().first();
        QCOMPARE(token.label, QStringLiteral("HallSuite"));
        QCOMPARE(token.certificates.size(), 1);
        QCOMPARE(token.certificates.first().certificate.subjectInfo(QSslCertificate::CommonName).value(0), QStringLiteral("officer02 token"));
        const QString uri = token.certificates.first().uri;
        QCOMPARE(uri, QStringLiteral("pkcs11:token=HallSuite;id=%02"));

        s.signInWithToken(uri, QString());
        QVERIFY2(s.message().contains(QStringLiteral("Enter the PIN")), qPrintable(s.message()));
        s.signInWithToken(uri, QStringLiteral("000000"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QCOMPARE(s.message(), QStringLiteral("The PIN is wrong."));
        QVERIFY(!c->hasToken());
        // The token itself now says a wrong PIN was entered (SoftHSM2 sets CKF_USER_PIN_COUNT_LOW).
        QVERIFY2(app::SignInController::pinState(s.tokens().first()).contains(QStringLiteral("few tries are left")),
                 qPrintable(app::SignInController::pinState(s.tokens().first())));

        QSignalSpy signedIn(&s, &app::SignInController::signedIn);
        s.signInWithToken(uri, QString::fromLatin1(test::TestPki::tokenPin));
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.size(), 1, 10000);
        const auto me = test::await<net::Account>([&](QObject *ctx, auto done) { c->me(ctx, done); });
        QVERIFY(me.ok());
        QCOMPARE(me->login, QStringLiteral("officer02"));
    }

    void noUsbKeyIsSaid()
    {
        auto c = m_server.client();
        app::SignInController s(c.get());
        s.setWay(Way::Certificate);
        s.setPkcs11Module(QLatin1String(test::TestPki::softhsmModule));
        s.signInWithToken(QStringLiteral("pkcs11:token=Missing;id=%02"), QStringLiteral("246810"));
        QVERIFY2(s.message().contains(QStringLiteral("not plugged in")), qPrintable(s.message()));
        s.setPkcs11Module(m_server.pki.file(QStringLiteral("no-such-module.so")));
        s.refreshTokens();
        QVERIFY2(s.message().contains(QStringLiteral("cannot be read")), qPrintable(s.message()));
        QVERIFY(s.tokens().isEmpty());
    }

    // The officer's certificates in this PC's NSS database (no password, as NSS makes it): listed
    // without the hall CA beside them or a certificate without its key, signed in with no PIN;
    // an expired one refused in words. A missing store is said as such.
    void certificateStoreListedThenSignsIn()
    {
        auto c = m_server.client();
        app::SignInController s(c.get());
        s.setWay(Way::Certificate);
        s.setCertificateStore(m_server.pki.file(QStringLiteral("no-such-store")));
        s.refreshStore();
        QVERIFY(s.storeTokens().isEmpty());
        QVERIFY2(s.storeNote().contains(QStringLiteral("has no certificate store")), qPrintable(s.storeNote()));
        s.signInWithStore(QString(), QString());
        QVERIFY2(s.message().contains(QStringLiteral("Choose your certificate")), qPrintable(s.message()));

        const QString store = m_server.pki.file(QStringLiteral("nssdb"));
        QString error;
        QVERIFY2(test::createNssStore(store, {}, m_server.pki.file(QStringLiteral("ca.pem")), {p12(QStringLiteral("valid")), p12(QStringLiteral("expired"))},
                                      test::TestPki::p12Password, {m_server.pki.file(QStringLiteral("unmapped.pem"))}, &error),
                 qPrintable(error));
        s.setCertificateStore(store);
        s.refreshStore();
        QVERIFY2(s.storeNote().isEmpty(), qPrintable(s.storeNote()));
        QVERIFY(!s.storeNeedsPassword());
        QMap<QString, QString> uris; // common name → URI
        for (const net::TokenInfo &t : s.storeTokens()) {
            for (const auto &cert : t.certificates)
                uris.insert(cert.certificate.subjectInfo(QSslCertificate::CommonName).value(0), cert.uri);
        }
        QCOMPARE(uris.keys(), (QStringList{QStringLiteral("officer04 expired"), QStringLiteral("张三 officer01")}));
        QVERIFY2(uris.first().startsWith(QStringLiteral("pkcs11:token=NSS%20Certificate%20DB;id=%")), qPrintable(uris.first()));

        s.signInWithStore(uris.value(QStringLiteral("officer04 expired")), QString());
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QVERIFY2(s.message().contains(QStringLiteral("Your certificate has expired")), qPrintable(s.message()));
        QVERIFY(!c->hasToken());

        QSignalSpy signedIn(&s, &app::SignInController::signedIn);
        s.signInWithStore(uris.value(QStringLiteral("张三 officer01")), QString());
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.size(), 1, 10000);
        const auto me = test::await<net::Account>([&](QObject *ctx, auto done) { c->me(ctx, done); });
        QVERIFY(me.ok());
        QCOMPARE(me->login, QStringLiteral("officer01"));
    }

    // PKCS#11 tells no count of tries, only flags; each is said (SoftHSM2 sets only the first).
    void pinStateInWords()
    {
        net::TokenInfo t;
        QVERIFY(app::SignInController::pinState(t).isEmpty());
        t.pinCountLow = true;
        QVERIFY(app::SignInController::pinState(t).contains(QStringLiteral("few tries are left")));
        t.pinFinalTry = true;
        QVERIFY(app::SignInController::pinState(t).contains(QStringLiteral("Last try")));
        t.pinLocked = true;
        QVERIFY(app::SignInController::pinState(t).contains(QStringLiteral("locked")));
    }

    // Where the hall takes certificates only, the screen opens on them and refuses the password way.
    void certificatesOnlyHall()
    {
        auto c = m_server.client(QStringLiteral("swzx"));
        {
            app::SignInController s(c.get());
            s.checkWays(QStringLiteral("swzx"));
            QTRY_VERIFY_WITH_TIMEOUT(s.waysKnown(), 10000);
            QVERIFY(s.passwordAllowed());
            QCOMPARE(s.way(), Way::Password);
        }
        QString error;
        server::AccountStore accounts(m_server.server.db.get());
        QVERIFY2(server::HallStore(m_server.server.db.get(), &accounts).setPasswordSignIn(QStringLiteral("swzx"), false, &error), qPrintable(error));
        app::SignInController s(c.get());
        s.checkWays(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(s.waysKnown(), 10000);
        QVERIFY(!s.passwordAllowed());
        QCOMPARE(s.way(), Way::Certificate);
        s.setWay(Way::Password);
        QCOMPARE(s.way(), Way::Certificate);
        // A screen that had not asked is told by the refusal, and turns.
        app::SignInController unaware(c.get());
        unaware.signIn(QStringLiteral("officer07"), QStringLiteral("demo-officer-2026"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(unaware), 10000);
        QVERIFY2(unaware.message().contains(QStringLiteral("by certificate only")), qPrintable(unaware.message()));
        QCOMPARE(unaware.way(), Way::Certificate);
        QVERIFY(server::HallStore(m_server.server.db.get(), &accounts).setPasswordSignIn(QStringLiteral("swzx"), true, &error));
    }
};

QTEST_GUILESS_MAIN(TstSignInCertificate)
#include "tst_signin_certificate.moc"
