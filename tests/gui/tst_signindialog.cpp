// The people sign-in dialog of the staff apps, typed into as a person would (keys, Enter)
// against the real hall server in this process: a wrong password shown under the fields, the
// change step for a password an administrator set (current password filled in, the rules
// beside it), Back, and accepted once signed in with the new password.
//
// With HALL_SCREENSHOT_DIR set, the dialog is saved there at each step worth looking at, in
// the language the hall reads (docs/screenshots/signin*.png come from this run).

#include "../unit/app/signinserver.h"

#include <app/signindialog.h>
#include <core/i18n.h>
#include <net/hallclient.h>

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>

using namespace hall;

class TstSignInDialog : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::InProcessServer> m_server;

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
