// Passwords per 等保三级: complexity, expiry, history, lockout on the change too, and demo
// passwords refused unless the server serves the demo on purpose.

#include "harness.h"

#include <server/passwords.h>

#include <QSqlQuery>

using namespace hall;
using namespace hall::server;

namespace {

const QString Strong = QStringLiteral("Window#2026a");

} // namespace

class TstPasswords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void complexity_data();
    void complexity();
    void demoPasswordsOnlyInTheDemo();
    void passwordSetBySomeoneElseMustBeChanged();
    void expiredPasswordMustBeChanged();
    void lastFivePasswordsAreNotReused();
    void changeEndsTheAccountsSessions();
    void wrongOldPasswordsAreThrottled();

private:
    std::unique_ptr<test::InProcessServer> start(bool demo, AuthLimits limits = {});
    // A person's account with `password`, as `hall-server account add` makes it (to be changed).
    qint64 addOfficer(test::InProcessServer &s, const QString &login, const QString &password);
    test::Answer login(test::Client &c, const QString &user, const QString &password);
    test::Answer change(test::Client &c, const QString &user, const QString &password, const QString &newPassword);
};

std::unique_ptr<test::InProcessServer> TstPasswords::start(bool demo, AuthLimits limits)
{
    return test::startServer(limits, demo);
}

qint64 TstPasswords::addOfficer(test::InProcessServer &s, const QString &login, const QString &password)
{
    AccountStore accounts(s.db.get());
    AccountRecord a;
    a.login = login;
    a.name = QStringLiteral("测试");
    a.role = roles::Officer;
    a.hallId = accounts.account(QStringLiteral("officer01"))->hallId;
    QString err;
    if (!accounts.addAccount(a, password, &err))
        qWarning() << err;
    const auto made = accounts.account(login);
    return made ? made->id : 0;
}

test::Answer TstPasswords::login(test::Client &c, const QString &user, const QString &password)
{
    c.token.clear();
    return c.call("POST", QStringLiteral("/api/v1/auth/login"),
                  QJsonObject{{QStringLiteral("login"), user}, {QStringLiteral("password"), password}});
}

test::Answer TstPasswords::change(test::Client &c, const QString &user, const QString &password, const QString &newPassword)
{
    c.token.clear();
    return c.call("POST", QStringLiteral("/api/v1/auth/password"),
                  QJsonObject{{QStringLiteral("login"), user}, {QStringLiteral("password"), password},
                              {QStringLiteral("newPassword"), newPassword}});
}

void TstPasswords::complexity_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("three classes") << QStringLiteral("abcDEF123") << true;
    QTest::newRow("four classes") << Strong << true;
    QTest::newRow("chinese counts as other") << QStringLiteral("窗口abc12345") << true;
    QTest::newRow("seven characters") << QStringLiteral("aB3#xyz") << false;
    QTest::newRow("two classes") << QStringLiteral("abcdef123456") << false;
    QTest::newRow("one class") << QStringLiteral("ABCDEFGHIJ") << false;
    QTest::newRow("contains the login") << QStringLiteral("Zhang.San#1") << false;
    QTest::newRow("a demo password") << QStringLiteral("demo-officer-2026") << false;
    QTest::newRow("the load test's password") << QStringLiteral("load-pass-2026") << false;
}

void TstPasswords::complexity()
{
    QFETCH(QString, password);
    QFETCH(bool, accepted);
    const QString why = Passwords::weakness(PasswordPolicy(), QStringLiteral("zhang.san"), password);
    QVERIFY2(why.isEmpty() == accepted, qPrintable(why));
}

void TstPasswords::demoPasswordsOnlyInTheDemo()
{
    // The demo hall seeded into a server that does not run the demo: its published passwords
    // are refused, for signing in and for "changing" them (which would take the account over).
    auto real = start(false);
    QVERIFY(real);
    test::Client c(real->port());
    test::Answer a = login(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("demo_password"), qPrintable(a.describe()));
    QVERIFY(a.body.value(QStringLiteral("token")).isUndefined());
    a = change(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), Strong);
    QVERIFY2(a.status == 401, qPrintable(a.describe()));
    a = login(c, QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("demo_password"), qPrintable(a.describe()));

    // The same database served as the demo, on purpose.
    auto demo = start(true);
    QVERIFY(demo);
    test::Client d(demo->port());
    QVERIFY(d.signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
    // Even there, nobody picks a demo password as a new one.
    a = change(d, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), QStringLiteral("demo-super-2026"));
    QVERIFY2(a.status == 422 && a.errorCode() == QLatin1String("weak_password"), qPrintable(a.describe()));
}

void TstPasswords::passwordSetBySomeoneElseMustBeChanged()
{
    auto s = start(false);
    QVERIFY(s);
    QVERIFY(addOfficer(*s, QStringLiteral("new.officer"), Strong));
    test::Client c(s->port());
    test::Answer a = login(c, QStringLiteral("new.officer"), Strong);
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("password_expired"), qPrintable(a.describe()));
    QVERIFY(a.body.value(QStringLiteral("token")).isUndefined());
    // Too weak, or with a wrong current password: refused, and nothing changed.
    a = change(c, QStringLiteral("new.officer"), Strong, QStringLiteral("short"));
    QVERIFY2(a.status == 422 && a.errorCode() == QLatin1String("weak_password"), qPrintable(a.describe()));
    a = change(c, QStringLiteral("new.officer"), QStringLiteral("Wrong#2026a"), QStringLiteral("Mine#2026bb"));
    QVERIFY2(a.status == 401 && a.errorCode() == QLatin1String("bad_credentials"), qPrintable(a.describe()));
    a = change(c, QStringLiteral("new.officer"), Strong, QStringLiteral("Mine#2026bb"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("changed")).toBool(), qPrintable(a.describe()));
    QVERIFY(!a.body.value(QStringLiteral("expiresAt")).toString().isEmpty());
    QCOMPARE(login(c, QStringLiteral("new.officer"), Strong).status, 401);
    QVERIFY(c.signIn(QStringLiteral("new.officer"), QStringLiteral("Mine#2026bb")));
}

void TstPasswords::expiredPasswordMustBeChanged()
{
    auto s = start(true);
    QVERIFY(s);
    // officer01's and kiosk1's passwords were set 91 days ago.
    QSqlQuery q(s->db->connection());
    q.prepare(QStringLiteral("UPDATE accounts SET password_changed_at = ? WHERE login IN ('officer01', 'kiosk1')"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch() - qint64(91) * 86400 * 1000);
    QVERIFY(q.exec());
    test::Client c(s->port());
    test::Answer a = login(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("password_expired"), qPrintable(a.describe()));
    // A device is not asked: no one is there to type a new password.
    QVERIFY(c.signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    // Only the change is allowed; then the new password signs in.
    a = change(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), Strong);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QVERIFY(c.signIn(QStringLiteral("officer01"), Strong));
    // 89 days later it is still good.
    q.prepare(QStringLiteral("UPDATE accounts SET password_changed_at = ? WHERE login = 'officer01'"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch() - qint64(89) * 86400 * 1000);
    QVERIFY(q.exec());
    QVERIFY(c.signIn(QStringLiteral("officer01"), Strong));
}

void TstPasswords::lastFivePasswordsAreNotReused()
{
    auto s = start(false);
    QVERIFY(s);
    const qint64 id = addOfficer(*s, QStringLiteral("history.officer"), QStringLiteral("Pass#2026-0"));
    QVERIFY(id);
    test::Client c(s->port());
    const auto pw = [](int i) { return QStringLiteral("Pass#2026-%1").arg(i); };
    for (int i = 1; i <= 4; ++i) {
        const test::Answer a = change(c, QStringLiteral("history.officer"), pw(i - 1), pw(i));
        QVERIFY2(a.status == 200, qPrintable(QStringLiteral("%1: %2").arg(i).arg(a.describe())));
    }
    // The current one and the four before it: 4, 3, 2, 1, 0.
    for (int i = 0; i <= 4; ++i) {
        const test::Answer a = change(c, QStringLiteral("history.officer"), pw(4), pw(i));
        QVERIFY2(a.status == 422 && a.errorCode() == QLatin1String("password_reused"), qPrintable(QStringLiteral("%1: %2").arg(i).arg(a.describe())));
    }
    QCOMPARE(change(c, QStringLiteral("history.officer"), pw(4), pw(5)).status, 200);
    // Now 0 is the sixth from the last: allowed again. Only five earlier hashes are kept.
    QCOMPARE(change(c, QStringLiteral("history.officer"), pw(5), pw(0)).status, 200);
    QSqlQuery q(s->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM password_history WHERE account_id = %1").arg(id)) && q.next());
    QCOMPARE(q.value(0).toInt(), 4);
}

void TstPasswords::changeEndsTheAccountsSessions()
{
    auto s = start(true);
    QVERIFY(s);
    test::Client workbench(s->port());
    QVERIFY(workbench.signIn(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")));
    QCOMPARE(workbench.get(QStringLiteral("/api/v1/me")).status, 200);
    test::Client other(s->port());
    QCOMPARE(change(other, QStringLiteral("officer02"), QStringLiteral("demo-officer-2026"), Strong).status, 200);
    const test::Answer a = workbench.get(QStringLiteral("/api/v1/me"));
    QVERIFY2(a.status == 401, qPrintable(a.describe()));
}

void TstPasswords::wrongOldPasswordsAreThrottled()
{
    // Changing a password is guessing it too: the same growing delays as sign-in.
    AuthLimits limits;
    limits.perAccount = {2, 60000, 60000, 3600000, 1000};
    auto s = start(true, limits);
    QVERIFY(s);
    test::Client c(s->port());
    QCOMPARE(change(c, QStringLiteral("officer03"), QStringLiteral("guess-1"), Strong).status, 401);
    QCOMPARE(change(c, QStringLiteral("officer03"), QStringLiteral("guess-2"), Strong).status, 401);
    const test::Answer a = change(c, QStringLiteral("officer03"), QStringLiteral("demo-officer-2026"), Strong);
    QVERIFY2(a.status == 429 && a.errorCode() == QLatin1String("too_many_attempts"), qPrintable(a.describe()));
    QCOMPARE(login(c, QStringLiteral("officer03"), QStringLiteral("demo-officer-2026")).status, 429);
}

QTEST_GUILESS_MAIN(TstPasswords)
#include "tst_passwords.moc"
