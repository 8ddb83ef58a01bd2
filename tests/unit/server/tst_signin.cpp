// Sign-in must never stall the service: hashing off the event loop, growing delays per account
// and per address, devices never locked out, replies in order on a connection.

#include "harness.h"

#include <server/sessions.h>
#include <QLoggingCategory>

#include <server/throttle.h>

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTcpSocket>

using namespace hall;
using namespace hall::server;

class TstSignIn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void throttleGrowsAndClears();
    void throttleIsBounded();
    void hashingDoesNotBlockTheServer();
    void accountThrottle();
    void aThrottledFloodIsSummedUpInTheLog();
    void throttleLogSumsUpOnceAMinute();
    void addressThrottle();
    void devicesKeepTheirTokens();
    void unknownLoginsAreThrottledToo();
    void repliesKeepTheirOrderOnAConnection();
    void plantedHashesAreRefused();
    void tokenStatesInSlices();

private:
    std::unique_ptr<test::InProcessServer> start(AuthLimits limits = {});
    test::Answer login(test::Client &c, const QString &user, const QString &password);
};

std::unique_ptr<test::InProcessServer> TstSignIn::start(AuthLimits limits)
{
    return test::startServer(limits);
}

test::Answer TstSignIn::login(test::Client &c, const QString &user, const QString &password)
{
    c.token.clear();
    return c.call("POST", QStringLiteral("/api/v1/auth/login"),
                  QJsonObject{{QStringLiteral("login"), user}, {QStringLiteral("password"), password}});
}

void TstSignIn::throttleGrowsAndClears()
{
    LoginThrottle t({3, 1000, 8000, 3600000, 100});
    const QString k = QStringLiteral("officer01");
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(t.waitMs(k, 0), 0);
        t.attempt(k, 0);
    }
    // Past the free attempts the wait doubles with each attempt, up to the cap.
    QCOMPARE(t.waitMs(k, 0), 1000);
    QCOMPARE(t.waitMs(k, 400), 600);
    t.attempt(k, 1000);
    QCOMPARE(t.waitMs(k, 1000), 2000);
    t.attempt(k, 3000);
    QCOMPARE(t.waitMs(k, 3000), 4000);
    t.attempt(k, 7000);
    t.attempt(k, 15000);
    t.attempt(k, 23000);
    QCOMPARE(t.waitMs(k, 23000), 8000);
    // Other keys are untouched; a success clears the key; a refund takes back one attempt.
    QCOMPARE(t.waitMs(QStringLiteral("officer02"), 23000), 0);
    t.succeeded(k);
    QCOMPARE(t.waitMs(k, 23000), 0);
    for (int i = 0; i < 4; ++i)
        t.attempt(k, 30000);
    QCOMPARE(t.waitMs(k, 30000), 2000);
    t.refund(k);
    QCOMPARE(t.waitMs(k, 30000), 1000);
    // A key quiet for longer than forgetAfter starts again.
    for (int i = 0; i < 6; ++i)
        t.attempt(k, 40000);
    QCOMPARE(t.waitMs(k, 40000 + 3600000), 0);
}

void TstSignIn::throttleIsBounded()
{
    LoginThrottle t({3, 1000, 8000, 3600000, 1000});
    for (int i = 0; i < 50000; ++i)
        t.attempt(QStringLiteral("random-%1").arg(i), i);
    QVERIFY2(t.size() <= 1000, qPrintable(QString::number(t.size())));
    // The newest keys are the ones kept.
    for (int i = 0; i < 3; ++i)
        t.attempt(QStringLiteral("random-49999"), 50000);
    QVERIFY(t.waitMs(QStringLiteral("random-49999"), 50000) > 0);
}

void TstSignIn::hashingDoesNotBlockTheServer()
{
    auto server = start();
    QVERIFY(server);
    // A password hash of 5 million rounds: ~1 s of a hashing thread.
    const QString slow = QStringLiteral("pbkdf2-sha256$5000000$c2FsdHNhbHRzYWx0c2FsdA==$") + QString::fromLatin1(QByteArray(32, 'x').toBase64());
    QSqlQuery q(server->db->connection());
    q.prepare(QStringLiteral("UPDATE accounts SET password_hash = ? WHERE login = 'officer03'"));
    q.addBindValue(slow);
    QVERIFY(q.exec());

    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/auth/login").arg(server->port())));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *signIn = nam.post(req, QByteArray(R"({"login":"officer03","password":"anything"})"));
    QTRY_VERIFY_WITH_TIMEOUT(server->server->http().deferredCount() == 1, 5000);
    // While the hash runs, the server answers everything else at once.
    test::Client other(server->port());
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer one;
        one.start();
        const test::Answer h = other.get(QStringLiteral("/api/v1/health"));
        QVERIFY2(h.status == 200, qPrintable(h.describe()));
        QVERIFY2(one.elapsed() < 200, qPrintable(QString::number(one.elapsed())));
    }
    QVERIFY2(!signIn->isFinished(), "the slow hash was not slow: the test proves nothing");
    QTRY_VERIFY_WITH_TIMEOUT(signIn->isFinished(), 20000);
    QCOMPARE(signIn->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    QVERIFY(timer.elapsed() > 300);
    delete signIn;
}

void TstSignIn::accountThrottle()
{
    AuthLimits limits;
    limits.perAccount = {3, 1500, 60000, 3600000, 1000};
    auto server = start(limits);
    QVERIFY(server);
    test::Client c(server->port());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(login(c, QStringLiteral("officer01"), QStringLiteral("wrong")).status, 401);
    // Now even the right password waits, with the time to wait in the answer.
    test::Answer a = login(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
    QVERIFY2(a.status == 429 && a.errorCode() == QLatin1String("too_many_attempts"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("retryAfterSeconds")).toInt(), 2);
    // Another account from the same address is not affected.
    QCOMPARE(login(c, QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")).status, 200);
    // After the wait, the right password goes through and clears the count.
    QTest::qWait(1600);
    a = login(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(login(c, QStringLiteral("officer01"), QStringLiteral("wrong")).status, 401);
}

namespace {
QStringList g_authLines;
QtMessageHandler g_previousHandler = nullptr;
void captureAuth(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && QByteArray(context.category) == "hall.server.auth")
        g_authLines << message;
    g_previousHandler(type, context, message);
}
} // namespace

// 200 throttled sign-ins with a login that is a person's name: the log gets a line or two, and
// neither says what was typed.
void TstSignIn::aThrottledFloodIsSummedUpInTheLog()
{
    AuthLimits limits;
    limits.perAccount = {3, 60000, 60000, 3600000, 1000};
    auto server = start(limits);
    QVERIFY(server);
    test::Client c(server->port());
    const QString name = QStringLiteral("张三丰");
    QLoggingCategory::setFilterRules(QStringLiteral("hall.server.auth.info=true"));
    g_authLines.clear();
    g_previousHandler = qInstallMessageHandler(captureAuth);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(login(c, name, QStringLiteral("wrong")).status, 401);
    const qsizetype before = g_authLines.size();
    for (int i = 0; i < 200; ++i)
        QCOMPARE(login(c, name, QStringLiteral("wrong")).status, 429);
    qInstallMessageHandler(g_previousHandler);
    QLoggingCategory::setFilterRules(QString());
    const QStringList throttled = g_authLines.mid(before);
    QVERIFY2(throttled.size() == 1 && throttled.first().contains(QLatin1String("throttled from")), qPrintable(throttled.join(u'\n')));
    QVERIFY2(!throttled.join(u'\n').contains(name), qPrintable(throttled.join(u'\n')));
}

void TstSignIn::throttleLogSumsUpOnceAMinute()
{
    ThrottleLog log;
    QVERIFY(log.note(QStringLiteral("10.0.0.1"), 0).contains(QLatin1String("10.0.0.1")));
    for (int i = 1; i < 1000; ++i)
        QVERIFY(log.note(QStringLiteral("10.0.0.%1").arg(i % 7), i * 50).isEmpty()); // 50 s of a flood
    const QString line = log.note(QStringLiteral("10.0.0.9"), 61000);
    QVERIFY2(line.startsWith(QLatin1String("1000 sign-in attempt(s) throttled in the last 61 s, from 8 address(es)")), qPrintable(line));
    QVERIFY(log.note(QStringLiteral("10.0.0.9"), 62000).isEmpty());
    QVERIFY2(log.flush(70000).startsWith(QLatin1String("1 sign-in attempt(s)")), qPrintable(log.flush(70000)));
    QVERIFY(log.flush(71000).isEmpty());
    // After a quiet minute the next one has a line of its own again.
    QVERIFY(!log.note(QStringLiteral("10.0.0.1"), 200000).isEmpty());
}

void TstSignIn::addressThrottle()
{
    AuthLimits limits;
    limits.perAddress = {6, 60000, 60000, 3600000, 1000};
    auto server = start(limits);
    QVERIFY(server);
    test::Client c(server->port());
    // Successes do not count against an address; failures across accounts do.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(login(c, QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")).status, 200);
    const QStringList officers{QStringLiteral("officer02"), QStringLiteral("officer03"), QStringLiteral("officer04")};
    for (int i = 0; i < 6; ++i)
        QCOMPARE(login(c, officers.at(i % 3), QStringLiteral("wrong")).status, 401);
    const test::Answer a = login(c, QStringLiteral("officer05"), QStringLiteral("demo-officer-2026"));
    QVERIFY2(a.status == 429, qPrintable(a.describe()));
}

void TstSignIn::devicesKeepTheirTokens()
{
    auto server = start();
    QVERIFY(server);
    test::Client kiosk(server->port());
    QVERIFY(kiosk.signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    const QString token = kiosk.token;
    // Someone hammers the kiosk's account with wrong passwords until it is throttled.
    test::Client attacker(server->port());
    test::Answer a;
    for (int i = 0; i < 8 && a.status != 429; ++i)
        a = login(attacker, QStringLiteral("kiosk1"), QStringLiteral("guess-%1").arg(i));
    QVERIFY2(a.status == 429, qPrintable(a.describe()));
    // The kiosk keeps working with the token it has.
    kiosk.token = token;
    const test::Answer me = kiosk.get(QStringLiteral("/api/v1/me"));
    QVERIFY2(me.status == 200 && me.body.value(QStringLiteral("role")).toString() == QLatin1String("kiosk"), qPrintable(me.describe()));
    QCOMPARE(kiosk.get(QStringLiteral("/api/v1/halls/swzx/businesses")).status, 200);
}

void TstSignIn::unknownLoginsAreThrottledToo()
{
    AuthLimits limits;
    limits.perAccount = {2, 60000, 60000, 3600000, 1000};
    auto server = start(limits);
    QVERIFY(server);
    test::Client c(server->port());
    QCOMPARE(login(c, QStringLiteral("nobody"), QStringLiteral("x")).status, 401);
    QCOMPARE(login(c, QStringLiteral("nobody"), QStringLiteral("x")).status, 401);
    // The same answer as a known account gets, so throttling does not reveal which exist.
    QCOMPARE(login(c, QStringLiteral("nobody"), QStringLiteral("x")).status, 429);
}

void TstSignIn::repliesKeepTheirOrderOnAConnection()
{
    auto server = start();
    QVERIFY(server);
    // Two requests pipelined on one connection: the sign-in (hashed elsewhere, answered later)
    // and a health check (answered at once). HTTP/1.1 wants the answers in request order.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(s.waitForConnected(5000));
    const QByteArray body = R"({"login":"officer01","password":"demo-officer-2026"})";
    s.write("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body
            + "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += s.readAll()).count("HTTP/1.1 200") >= 2, 10000);
    const qsizetype token = got.indexOf("\"token\"");
    const qsizetype status = got.indexOf("\"status\":\"ok\"");
    QVERIFY2(token > 0 && status > 0 && token < status, got.constData());
}

void TstSignIn::plantedHashesAreRefused()
{
    QVERIFY(!AccountStore::verifyPassword(QStringLiteral("x"), QStringLiteral("pbkdf2-sha256$60000$c2FsdA==$")));
    QVERIFY(!AccountStore::verifyPassword(QStringLiteral("x"), QStringLiteral("pbkdf2-sha256$2000000000$c2FsdA==$") + QString::fromLatin1(QByteArray(32, 'x').toBase64())));
    QVERIFY(!AccountStore::verifyPassword(QStringLiteral("x"), QStringLiteral("md5$1$2$3")));
    const QString good = AccountStore::hashPassword(QStringLiteral("a-long-password"));
    QVERIFY(AccountStore::verifyPassword(QStringLiteral("a-long-password"), good));
    QVERIFY(!AccountStore::verifyPassword(QStringLiteral("a-long-passworD"), good));
}

// What the server's tick asks of the database about its live sessions (the command line may have
// ended some): every token still there with its account's state, whatever the count (the
// question goes in slices of 200), the deleted and the unknown missing.
void TstSignIn::tokenStatesInSlices()
{
    auto server = start();
    QVERIFY(server);
    AccountStore accounts(server->db.get());
    const auto officer = accounts.account(QStringLiteral("officer01"));
    const auto other = accounts.account(QStringLiteral("officer02"));
    QVERIFY(officer && other);
    QList<QByteArray> hashes;
    QString error;
    const QDateTime expires = QDateTime::currentDateTime().addSecs(3600);
    for (int i = 0; i < 450; ++i) {
        hashes.append(Sessions::hashToken(QByteArray::number(i)));
        QVERIFY2(accounts.saveToken(hashes.last(), i < 300 ? officer->id : other->id, expires, &error), qPrintable(error));
    }
    for (int i : {0, 199, 200, 399, 449})
        QVERIFY(accounts.deleteToken(hashes.at(i), &error));
    QVERIFY(accounts.setDisabled(other->id, true, &error));
    hashes.append(Sessions::hashToken("never issued"));

    QHash<QByteArray, AccountStore::TokenState> states;
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(accounts.tokenStates(hashes, &states, &error), qPrintable(error));
    qInfo() << "states of" << hashes.size() << "tokens read in" << clock.nsecsElapsed() / 1000 << "µs";
    QCOMPARE(states.size(), 445);
    for (int i : {0, 199, 200, 399, 449})
        QVERIFY(!states.contains(hashes.at(i)));
    QVERIFY(!states.contains(hashes.last()));
    QCOMPARE(states.value(hashes.at(1)).accountId, officer->id);
    QVERIFY(!states.value(hashes.at(299)).disabled);
    QCOMPARE(states.value(hashes.at(300)).accountId, other->id);
    QVERIFY(states.value(hashes.at(448)).disabled);
    states.clear();
    QVERIFY(accounts.tokenStates({}, &states, &error));
    QVERIFY(states.isEmpty());
}

QTEST_GUILESS_MAIN(TstSignIn)
#include "tst_signin.moc"
