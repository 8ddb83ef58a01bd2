// The people sign-in dialog of the staff apps, typed into as a person would (keys, Enter)
// against the real hall server in this process: a wrong password shown under the fields, the
// change step for a password an administrator set (current password filled in, the rules
// beside it), Back, and accepted once signed in with the new password.
//
// With HALL_SCREENSHOT_DIR set, the dialog is saved there at each step worth looking at, in
// the language the hall reads (docs/screenshots/signin*.png come from this run).

#include "../unit/app/certificateserver.h"
#include "../unit/app/signinserver.h"

#include <app/signindialog.h>
#include <core/i18n.h>
#include <net/hallclient.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QRadioButton>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>

using namespace hall;

class TstSignInDialog : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::InProcessServer> m_server;
    test::CertificateServer m_certificates;

    bool setPasswordSignIn(bool allowed)
    {
        QString error;
        server::AccountStore accounts(m_certificates.server.db.get());
        const bool ok = server::HallStore(m_certificates.server.db.get(), &accounts).setPasswordSignIn(QStringLiteral("swzx"), allowed, &error);
        if (!ok)
            qWarning() << error;
        return ok;
    }

    static void save(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("HALL_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QCoreApplication::processEvents();
        w->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
    }
    template<typename T>
    static T *child(QWidget *w, const char *name)
    {
        T *c = w->findChild<T *>(QLatin1String(name));
        if (!c)
            qWarning("no child %s", name);
        return c;
    }
    static void type(QLineEdit *e, const QString &text)
    {
        e->setFocus();
        e->selectAll();
        QTest::keyClicks(e, text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!qEnvironmentVariableIsEmpty("HALL_SCREENSHOT_DIR"))
            core::installTranslations();
        m_server = test::signInServer();
        QVERIFY(m_server);
        QString error;
        QVERIFY2(m_certificates.start(&error), qPrintable(error));
    }

    // A hall that takes certificates only: the dialog opens on the certificate way with no
    // password way at all, lists the USB key's certificate, says a wrong PIN, and signs in.
    void certificatesOnlyHallWithUsbKey()
    {
        QVERIFY(setPasswordSignIn(false));
        auto client = m_certificates.client(QStringLiteral("swzx"));
        app::SignInDialog dialog(client.get(), QStringLiteral("HallSuite 窗口受理工作台"));
        dialog.setPkcs11Module(QLatin1String(test::TestPki::softhsmModule));
        dialog.show(); // at its own size, wide enough for the certificate's name and expiry
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *pages = child<QStackedWidget>(&dialog, "pages");
        auto *wayPassword = child<QPushButton>(&dialog, "wayPassword");
        auto *certificate = child<QComboBox>(&dialog, "tokenCertificate");
        auto *pin = child<QLineEdit>(&dialog, "pin");
        auto *message = child<QLabel>(&dialog, "message");
        QVERIFY(pages && wayPassword && certificate && pin && message);
        QTRY_COMPARE_WITH_TIMEOUT(pages->currentIndex(), 2, 10000);
        QVERIFY2(!wayPassword->isVisible(), "a certificates-only hall offers no password way");
        QVERIFY2(!child<QPushButton>(&dialog, "wayCertificate")->isVisible(), "one way left: no switch");
        QCOMPARE(certificate->count(), 1);
        QVERIFY2(certificate->currentText().contains(QStringLiteral("officer02 token")), qPrintable(certificate->currentText()));
        QTRY_VERIFY(pin->hasFocus());
        save(&dialog, QStringLiteral("signin-certificate"));

        QTest::keyClicks(pin, QStringLiteral("000000"));
        QTest::keyClick(pin, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!message->text().isEmpty(), 10000);
        QVERIFY(dialog.isVisible());
        QVERIFY(pin->text().isEmpty());
        QVERIFY2(child<QLabel>(&dialog, "pinState")->isVisible(), "the token's PIN state shows beside the PIN");
        save(&dialog, QStringLiteral("signin-certificate-pin"));

        QTest::keyClicks(pin, QString::fromLatin1(test::TestPki::tokenPin));
        QTest::keyClick(pin, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
        QVERIFY(client->hasToken());
        QVERIFY(setPasswordSignIn(true));
    }

    // No USB key, but the officer's certificate in this PC's store (an NSS database with a
    // password): the dialog turns to the store by itself, asks for the store's password, says a
    // wrong one and signs in with the right one.
    void certificateStoreWhenNoUsbKey()
    {
        const QString store = m_certificates.pki.file(QStringLiteral("nssdb"));
        QString error;
        QVERIFY2(test::createNssStore(store, "store-pw-2026", m_certificates.pki.file(QStringLiteral("ca.pem")),
                                      {m_certificates.pki.file(QStringLiteral("valid.p12"))}, test::TestPki::p12Password, {}, &error),
                 qPrintable(error));
        auto client = m_certificates.client(QStringLiteral("swzx"));
        app::SignInDialog dialog(client.get(), QStringLiteral("HallSuite 窗口受理工作台"));
        dialog.setPkcs11Module(m_certificates.pki.file(QStringLiteral("no-usb-key-module.so")));
        dialog.setCertificateStore(store);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::mouseClick(child<QPushButton>(&dialog, "wayCertificate"), Qt::LeftButton);
        auto *fromStore = child<QRadioButton>(&dialog, "fromStore");
        auto *certificate = child<QComboBox>(&dialog, "storeCertificate");
        auto *password = child<QLineEdit>(&dialog, "storePassword");
        auto *message = child<QLabel>(&dialog, "message");
        QVERIFY(fromStore && certificate && password && message);
        QVERIFY2(fromStore->isChecked(), "no USB key holds a certificate: the store is chosen");
        QCOMPARE(certificate->count(), 1);
        QVERIFY2(certificate->currentText().contains(QStringLiteral("张三 officer01")), qPrintable(certificate->currentText()));
        QVERIFY(password->isEnabled());
        QTRY_VERIFY(password->hasFocus());
        QTest::keyClicks(password, QStringLiteral("not-it"));
        QTest::keyClick(password, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!message->text().isEmpty(), 10000);
        QVERIFY2(message->text().contains(QStringLiteral("certificate store is wrong")) || message->text().contains(QStringLiteral("证书库")),
                 qPrintable(message->text()));
        QVERIFY(password->text().isEmpty());
        save(&dialog, QStringLiteral("signin-certificate-store"));
        QTest::keyClicks(password, QStringLiteral("store-pw-2026"));
        QTest::keyClick(password, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
        QVERIFY(client->hasToken());
    }

    // Where passwords are allowed, the certificate way is one click away: a file and its password.
    void certificateFileFromThePasswordScreen()
    {
        auto client = m_certificates.client(QStringLiteral("swzx"));
        app::SignInDialog dialog(client.get(), QStringLiteral("HallSuite 窗口受理工作台"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *pages = child<QStackedWidget>(&dialog, "pages");
        auto *wayCertificate = child<QPushButton>(&dialog, "wayCertificate");
        auto *fromFile = child<QRadioButton>(&dialog, "fromFile");
        auto *file = child<QLineEdit>(&dialog, "certificateFile");
        auto *password = child<QLineEdit>(&dialog, "filePassword");
        QVERIFY(pages && wayCertificate && fromFile && file && password);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.controller()->waysKnown(), 10000);
        QCOMPARE(pages->currentIndex(), 0);
        QTest::mouseClick(wayCertificate, Qt::LeftButton);
        QCOMPARE(pages->currentIndex(), 2);
        fromFile->click();
        QVERIFY(file->isEnabled());
        type(file, m_certificates.pki.file(QStringLiteral("valid.p12")));
        type(password, QString::fromLatin1(test::TestPki::p12Password));
        QTest::keyClick(password, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
        QCOMPARE(dialog.controller()->session().role, QStringLiteral("officer"));
    }

    void wrongThenChangeThenSignedIn()
    {
        net::HallClient client;
        client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())));
        app::SignInDialog dialog(&client, QStringLiteral("HallSuite 窗口受理工作台")); // as the app passes its title
        dialog.resize(460, 0);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *pages = child<QStackedWidget>(&dialog, "pages");
        auto *login = child<QLineEdit>(&dialog, "login");
        auto *password = child<QLineEdit>(&dialog, "password");
        auto *message = child<QLabel>(&dialog, "message");
        auto *submit = child<QPushButton>(&dialog, "submit");
        auto *back = child<QPushButton>(&dialog, "back");
        QVERIFY(pages && login && password && message && submit && back);
        QCOMPARE(pages->currentIndex(), 0);
        QVERIFY(!back->isVisible());
        save(&dialog, QStringLiteral("signin-empty"));

        // A wrong password: said under the fields; the user name stays, the dialog stays open.
        type(login, QStringLiteral("clerk2"));
        type(password, QStringLiteral("Wrong#2026ab"));
        QTest::keyClick(password, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.controller()->isBusy(), 10000);
        QVERIFY(!message->text().isEmpty());
        QCOMPARE(message->text(), dialog.controller()->message());
        QCOMPARE(login->text(), QStringLiteral("clerk2"));
        QVERIFY(dialog.isVisible() && submit->isEnabled());
        save(&dialog, QStringLiteral("signin"));

        // The administrator's password: the change step, with the current password filled in.
        type(password, QStringLiteral("Temp#2026abc"));
        QTest::mouseClick(submit, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(pages->currentIndex(), 1, 10000);
        auto *current = child<QLineEdit>(&dialog, "current");
        auto *fresh = child<QLineEdit>(&dialog, "newPassword");
        auto *repeat = child<QLineEdit>(&dialog, "repeat");
        auto *rules = child<QLabel>(&dialog, "rules");
        QVERIFY(current && fresh && repeat && rules);
        QCOMPARE(current->text(), QStringLiteral("Temp#2026abc"));
        QVERIFY(back->isVisible() && rules->isVisible());
        QVERIFY(rules->text().contains(QStringLiteral("<li>")));
        QVERIFY(fresh->hasFocus());
        // Two different new passwords: said before anything is sent.
        type(fresh, QStringLiteral("Fresh#2026ab"));
        type(repeat, QStringLiteral("Fresh#2026ac"));
        QTest::keyClick(repeat, Qt::Key_Return);
        QVERIFY(!dialog.controller()->isBusy());
        QCOMPARE(message->text(), dialog.controller()->message());
        QVERIFY(!message->text().isEmpty());
        save(&dialog, QStringLiteral("signin-change"));

        // Back, and forward again with the same password.
        QTest::mouseClick(back, Qt::LeftButton);
        QCOMPARE(pages->currentIndex(), 0);
        QVERIFY(password->text().isEmpty() && password->hasFocus());
        QTest::keyClicks(password, QStringLiteral("Temp#2026abc"));
        QTest::keyClick(password, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(pages->currentIndex(), 1, 10000);
        type(fresh, QStringLiteral("Fresh#2026ab"));
        type(repeat, QStringLiteral("Fresh#2026ab"));
        QTest::keyClick(repeat, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
        QVERIFY(!dialog.isVisible());
        QVERIFY(client.hasToken());
        QCOMPARE(dialog.controller()->session().role, QStringLiteral("officer"));
    }
};

QTEST_MAIN(TstSignInDialog)
#include "tst_signindialog.moc"
