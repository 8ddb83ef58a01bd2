// The people sign-in of every staff app without a window (SignInController) against the real
// hall server in this process: signed in, a wrong password, a lockout with its countdown, a
// server that cannot be reached, and `password_expired` → the change step → signed in.

#include "signinserver.h"

#include <app/signincontroller.h>
#include <net/hallclient.h>

#include <QSignalSpy>
#include <QTcpServer>

using namespace hall;
using Step = app::SignInController::Step;

class TstSignIn : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::InProcessServer> m_server;

    std::unique_ptr<net::HallClient> client(quint16 port)
    {
        auto c = std::make_unique<net::HallClient>();
        c->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        c->setRequestTimeout(5000);
        return c;
    }
    static bool idle(const app::SignInController &s) { return !s.isBusy(); }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English));
        m_server = test::signInServer();
        QVERIFY(m_server);
    }

    void rightPasswordSignsIn()
    {
        auto c = client(m_server->port());
        app::SignInController s(c.get());
        QSignalSpy signedIn(&s, &app::SignInController::signedIn);
        s.signIn(QStringLiteral(" clerk1 "), QStringLiteral("Clerk#2026ab"));
        QVERIFY(s.isBusy() && !s.canSubmit());
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.size(), 1, 10000);
        QCOMPARE(s.step(), Step::SignedIn);
        QCOMPARE(s.session().role, QStringLiteral("officer"));
        QVERIFY(c->hasToken());
        QVERIFY(s.message().isEmpty());
    }

    void emptyFieldsAreNamed()
    {
        auto c = client(m_server->port());
        app::SignInController s(c.get());
        s.signIn(QString(), QStringLiteral("x"));
        QVERIFY2(s.message().contains(QStringLiteral("user name")) && !s.isBusy(), qPrintable(s.message()));
        s.signIn(QStringLiteral("clerk1"), QString());
        QVERIFY2(s.message().contains(QStringLiteral("password")), qPrintable(s.message()));
    }

    void wrongPasswordIsSaid()
    {
        auto c = client(m_server->port());
        app::SignInController s(c.get());
        s.signIn(QStringLiteral("clerk1"), QStringLiteral("Wrong#2026ab"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QCOMPARE(s.step(), Step::Credentials);
        QVERIFY2(s.message().contains(QStringLiteral("user name or password is wrong")), qPrintable(s.message()));
        QVERIFY(s.canSubmit());
    }

    // After the free attempts the server makes each try wait; the screen says how long, counts
    // down, and lets the person try again at zero.
    void lockoutSaysHowLongAndCountsDown()
    {
        auto c = client(m_server->port());
        app::SignInController s(c.get());
        for (int i = 0; i < 6 && s.waitSeconds() == 0; ++i) {
            s.signIn(QStringLiteral("clerk3"), QStringLiteral("Wrong#2026ab"));
            QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        }
        QVERIFY2(s.waitSeconds() > 0, qPrintable(s.message()));
        QVERIFY2(s.message().contains(QStringLiteral("Try again in %1 second").arg(s.waitSeconds())), qPrintable(s.message()));
        QVERIFY(!s.canSubmit());
        s.signIn(QStringLiteral("clerk3"), QStringLiteral("Clerk#2026ab")); // ignored while waiting
        QVERIFY(!s.isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(s.canSubmit(), 20000);
        QVERIFY2(s.message().contains(QStringLiteral("try again now")), qPrintable(s.message()));
        QSignalSpy signedIn(&s, &app::SignInController::signedIn);
        s.signIn(QStringLiteral("clerk3"), QStringLiteral("Clerk#2026ab"));
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.size(), 1, 10000);
    }

    void unreachableServerIsSaid()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close(); // nothing listens there now
        auto c = client(port);
        app::SignInController s(c.get());
        s.signIn(QStringLiteral("clerk1"), QStringLiteral("Clerk#2026ab"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QCOMPARE(s.step(), Step::Credentials);
        QVERIFY2(s.message().contains(QStringLiteral("cannot be reached")), qPrintable(s.message()));
        QVERIFY(s.canSubmit());
    }

    // A password an administrator set must be replaced: the change step shows the server's rules,
    // catches a mismatch and a weak password itself, says the server's refusal of an old one,
    // then changes it and signs in with the new one.
    void expiredPasswordIsChangedThenSignedIn()
    {
        auto c = client(m_server->port());
        app::SignInController s(c.get());
        QSignalSpy signedIn(&s, &app::SignInController::signedIn);
        s.signIn(QStringLiteral("clerk2"), QStringLiteral("Temp#2026abc"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QCOMPARE(s.step(), Step::ChangePassword);
        QVERIFY2(s.changeReason().contains(QStringLiteral("set by an administrator")), qPrintable(s.changeReason()));
        const QString rules = s.passwordRules().join(u'\n');
        QVERIFY2(rules.contains(QStringLiteral("At least 8 character")) && rules.contains(QStringLiteral("last 5 password")), qPrintable(rules));
        QVERIFY(!c->hasToken());

        s.changePassword(QStringLiteral("Temp#2026abc"), QStringLiteral("New#2026abcd"), QStringLiteral("New#2026abce"));
        QVERIFY2(!s.isBusy() && s.message().contains(QStringLiteral("differ")), qPrintable(s.message()));
        s.changePassword(QStringLiteral("Temp#2026abc"), QStringLiteral("short"), QStringLiteral("short"));
        QVERIFY2(!s.isBusy() && s.message().contains(QStringLiteral("at least 8")), qPrintable(s.message()));
        s.changePassword(QStringLiteral("Temp#2026abc"), QStringLiteral("clerk2#ABCdef"), QStringLiteral("clerk2#ABCdef"));
        QVERIFY2(!s.isBusy() && s.message().contains(QStringLiteral("user name")), qPrintable(s.message()));

        // Only the server knows the history: the password the administrator replaced is refused.
        s.changePassword(QStringLiteral("Temp#2026abc"), QStringLiteral("Older#2026ab"), QStringLiteral("Older#2026ab"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QCOMPARE(s.step(), Step::ChangePassword);
        QVERIFY2(s.message().contains(QStringLiteral("last 5")), qPrintable(s.message()));
        // A wrong current password is named as such.
        s.changePassword(QStringLiteral("Temp#2026xyz"), QStringLiteral("Fresh#2026ab"), QStringLiteral("Fresh#2026ab"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(s), 10000);
        QVERIFY2(s.message().contains(QStringLiteral("current password is wrong")), qPrintable(s.message()));

        s.changePassword(QStringLiteral("Temp#2026abc"), QStringLiteral("Fresh#2026ab"), QStringLiteral("Fresh#2026ab"));
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.size(), 1, 10000);
        QCOMPARE(s.step(), Step::SignedIn);
        QVERIFY(c->hasToken());
        // The old one no longer signs in; the new one does, without a change step.
        app::SignInController again(c.get());
        again.signIn(QStringLiteral("clerk2"), QStringLiteral("Temp#2026abc"));
        QTRY_VERIFY_WITH_TIMEOUT(idle(again), 10000);
        QVERIFY(again.message().contains(QStringLiteral("wrong")));
        again.signIn(QStringLiteral("clerk2"), QStringLiteral("Fresh#2026ab"));
        QTRY_COMPARE_WITH_TIMEOUT(again.step(), Step::SignedIn, 10000);
    }
};

QTEST_GUILESS_MAIN(TstSignIn)
#include "tst_signin.moc"
