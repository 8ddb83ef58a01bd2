// Each domain controller in-process: the real HallServer on the demo hall, a real SQLite file,
// real HTTP and WebSocket on loopback.

#include "harness.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QWebSocket>

using namespace hall;

class TstServerControllers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void system();
    void clockNeedsFakeClock();
    void auth();
    void signInIsPartOfTheCommit();
    void halls();
    void configThroughTheCommit();
    void queue();
    void windowOperations_data();
    void windowOperations();
    void windowRules();
    void eventsAfterCommit();
    void signOutEndsItsStreams();
    void tokensNeverInTheUrl();
    void disablingEndsSessionsAtOnce();

private:
    // Window 1 (户籍业务 and whatever the test adds) open with officer01.
    void openWindow1()
    {
        const test::Answer a = as(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"), "POST",
                                  QStringLiteral("/api/v1/halls/swzx/windows/1/login"), {{QStringLiteral("officer"), QStringLiteral("officer01")}});
        QVERIFY2(a.status == 200, qPrintable(a.describe()));
    }
    test::Answer as(const QString &login, const QString &password, const QByteArray &method, const QString &path,
                    const QJsonObject &body = {});

    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_client;
};

void TstServerControllers::init()
{
    m_server = std::make_unique<test::InProcessServer>();
    QString err;
    QVERIFY2(m_server->start(&err), qPrintable(err));
    m_client = std::make_unique<test::Client>(m_server->port());
}

void TstServerControllers::cleanup()
{
    m_client.reset();
    m_server.reset();
}

test::Answer TstServerControllers::as(const QString &login, const QString &password, const QByteArray &method,
                                      const QString &path, const QJsonObject &body)
{
    if (!m_client->signIn(login, password))
        return {};
    return method == "GET" ? m_client->get(path) : m_client->call(method, path, body);
}

void TstServerControllers::system()
{
    const test::Answer h = m_client->get(QStringLiteral("/api/v1/health"));
    QVERIFY2(h.status == 200, qPrintable(h.describe()));
    QCOMPARE(h.body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(h.body.value(QStringLiteral("database")).toString(), QStringLiteral("sqlite"));
    QCOMPARE(h.body.value(QStringLiteral("halls")).toArray(), QJsonArray{QStringLiteral("swzx")});
    QCOMPARE(h.body.value(QStringLiteral("time")).toString(), QStringLiteral("2026-11-23T09:00:00.000"));

    test::Answer a = as(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"), "POST", QStringLiteral("/api/v1/admin/clock"),
                        {{QStringLiteral("advanceSeconds"), 90}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(m_server->clock.now(), QDateTime(QDate(2026, 11, 23), QTime(9, 1, 30)));
    a = m_client->call("POST", QStringLiteral("/api/v1/admin/clock"), QJsonObject{{QStringLiteral("set"), QStringLiteral("yesterday")}});
    QCOMPARE(a.status, 400);
    a = as(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"), "POST", QStringLiteral("/api/v1/admin/clock"),
           {{QStringLiteral("advanceSeconds"), 90}});
    QCOMPARE(a.status, 403);
}

void TstServerControllers::clockNeedsFakeClock()
{
    m_client.reset();
    m_server = std::make_unique<test::InProcessServer>();
    QString err;
    QVERIFY2(m_server->start(&err, false), qPrintable(err));
    m_client = std::make_unique<test::Client>(m_server->port());
    const test::Answer a = as(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"), "POST",
                              QStringLiteral("/api/v1/admin/clock"), {{QStringLiteral("advanceSeconds"), 90}});
    QVERIFY2(a.status == 404, qPrintable(a.describe()));
    QCOMPARE(m_server->clock.now(), QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
}

void TstServerControllers::auth()
{
    test::Answer a = m_client->call("POST", QStringLiteral("/api/v1/auth/login"),
                                    QJsonObject{{QStringLiteral("login"), QStringLiteral("officer01")}, {QStringLiteral("password"), QStringLiteral("wrong")}});
    QVERIFY2(a.status == 401 && a.errorCode() == QLatin1String("bad_credentials"), qPrintable(a.describe()));
    a = m_client->call("POST", QStringLiteral("/api/v1/auth/login"), QJsonObject{{QStringLiteral("login"), QStringLiteral("officer01")}});
    QCOMPARE(a.status, 400);

    a = m_client->call("POST", QStringLiteral("/api/v1/auth/login"),
                       QJsonObject{{QStringLiteral("login"), QStringLiteral("kiosk1")}, {QStringLiteral("password"), QStringLiteral("demo-kiosk-2026")}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("role")).toString(), QStringLiteral("kiosk"));
    QCOMPARE(a.body.value(QStringLiteral("hall")).toString(), QStringLiteral("swzx"));
    // Devices keep their token for a month, people for a working day.
    const QDateTime kioskExpiry = QDateTime::fromString(a.body.value(QStringLiteral("expiresAt")).toString(), Qt::ISODate);
    QVERIFY(kioskExpiry > QDateTime::currentDateTime().addDays(29));

    QVERIFY(m_client->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
    a = m_client->get(QStringLiteral("/api/v1/me"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("login")).toString() == QLatin1String("officer01"), qPrintable(a.describe()));
    const QDateTime officerExpiry = QDateTime::fromString(a.body.value(QStringLiteral("expiresAt")).toString(), Qt::ISODate);
    QVERIFY(officerExpiry < QDateTime::currentDateTime().addDays(1));

    a = m_client->call("POST", QStringLiteral("/api/v1/auth/logout"), QJsonObject{});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    a = m_client->get(QStringLiteral("/api/v1/me"));
    QVERIFY2(a.status == 401, qPrintable(a.describe()));
}

void TstServerControllers::signInIsPartOfTheCommit()
{
    // A database that refuses writes: the sign-in's token cannot be saved, so the sign-in is
    // refused rather than answered with a token that will not survive.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 1")));
    test::Answer a = m_client->call("POST", QStringLiteral("/api/v1/auth/login"),
                                    QJsonObject{{QStringLiteral("login"), QStringLiteral("officer01")}, {QStringLiteral("password"), QStringLiteral("demo-officer-2026")}});
    QVERIFY2(a.status == 503 && a.errorCode() == QLatin1String("storage_unavailable"), qPrintable(a.describe()));
    QVERIFY(!a.body.contains(QStringLiteral("token")));
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 0")));
    QVERIFY(m_client->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));

    // A sign-out that cannot be saved leaves the token valid, in the database and the cache.
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 1")));
    a = m_client->call("POST", QStringLiteral("/api/v1/auth/logout"), QJsonObject{});
    QVERIFY2(a.status == 503, qPrintable(a.describe()));
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 0")));
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/me")).status, 200);
}

void TstServerControllers::halls()
{
    test::Answer a = as(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), "GET", QStringLiteral("/api/v1/halls"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonArray halls = a.body.value(QStringLiteral("halls")).toArray();
    QCOMPARE(halls.size(), 1);
    QCOMPARE(halls.at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("swzx"));
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/halls/swzx/config")).status, 403);
    a = as(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"), "GET", QStringLiteral("/api/v1/halls/swzx/config"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("code")).toString() == QLatin1String("swzx"), qPrintable(a.describe()));
}

void TstServerControllers::configThroughTheCommit()
{
    test::Answer a = as(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"), "GET", QStringLiteral("/api/v1/halls/swzx/config"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QJsonObject cfg = a.body;
    QJsonArray businesses = cfg.value(QStringLiteral("businesses")).toArray();
    QJsonObject added = businesses.at(0).toObject();
    added[QStringLiteral("code")] = QStringLiteral("NEW");
    added[QStringLiteral("name")] = QStringLiteral("新业务");
    added[QStringLiteral("prefix")] = QStringLiteral("N");
    added[QStringLiteral("appointmentPrefix")] = QStringLiteral("YN");
    added[QStringLiteral("greenPrefix")] = QStringLiteral("VN");
    added[QStringLiteral("specialPrefix")] = QStringLiteral("TN");
    businesses.append(added);
    cfg[QStringLiteral("businesses")] = businesses;
    QJsonArray windows = cfg.value(QStringLiteral("windows")).toArray();
    QJsonObject window1 = windows.at(0).toObject();
    QJsonArray served = window1.value(QStringLiteral("businesses")).toArray();
    served.append(QJsonObject{{QStringLiteral("code"), QStringLiteral("NEW")}, {QStringLiteral("order"), 2}, {QStringLiteral("weight"), 1}});
    window1[QStringLiteral("businesses")] = served;
    windows[0] = window1;
    cfg[QStringLiteral("windows")] = windows;
    a = m_client->call("PUT", QStringLiteral("/api/v1/halls/swzx/config"), cfg);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    // Once acknowledged, the new business is in the database with an id and serves tickets.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT id FROM businesses WHERE code = 'NEW'")) && q.next());
    QVERIFY(q.value(0).toLongLong() > 0);
    openWindow1();
    a = as(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), "POST", QStringLiteral("/api/v1/halls/swzx/tickets"),
           {{QStringLiteral("business"), QStringLiteral("NEW")}});
    QVERIFY2(a.status == 201, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString().left(1), QStringLiteral("N"));

    // Removing a business the day may refer to is refused, and nothing is written.
    businesses.removeAt(0);
    cfg[QStringLiteral("businesses")] = businesses;
    for (qsizetype i = 0; i < windows.size(); ++i) {
        QJsonObject w = windows.at(i).toObject();
        QJsonArray kept;
        for (const QJsonValue &b : w.value(QStringLiteral("businesses")).toArray()) {
            if (b.toObject().value(QStringLiteral("code")).toString() != QLatin1String("HJ"))
                kept.append(b);
        }
        w[QStringLiteral("businesses")] = kept;
        windows[i] = w;
    }
    cfg[QStringLiteral("windows")] = windows;
    a = as(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"), "PUT", QStringLiteral("/api/v1/halls/swzx/config"), cfg);
    QVERIFY2(a.status == 409, qPrintable(a.describe()));
    QVERIFY(q.exec(QStringLiteral("SELECT config FROM halls WHERE code = 'swzx'")) && q.next());
    QVERIFY(q.value(0).toString().contains(QStringLiteral("\"HJ\"")));
}

void TstServerControllers::queue()
{
    openWindow1();
    QVERIFY(m_client->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    const QString tickets = QStringLiteral("/api/v1/halls/swzx/tickets");
    test::Answer a = m_client->call("POST", tickets, QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QVERIFY2(a.status == 201, qPrintable(a.describe()));
    const QJsonObject t = a.body.value(QStringLiteral("ticket")).toObject();
    QCOMPARE(t.value(QStringLiteral("number")).toString(), QStringLiteral("A001"));
    const qint64 id = t.value(QStringLiteral("id")).toInteger();
    a = m_client->get(tickets + QStringLiteral("/%1").arg(id));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(m_client->get(tickets + QStringLiteral("/999999")).status, 404);
    a = m_client->call("POST", tickets, QJsonObject{{QStringLiteral("business"), QStringLiteral("NOPE")}});
    QVERIFY2(a.status == 404, qPrintable(a.describe()));
    a = m_client->call("POST", tickets, QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("green"), true}});
    QVERIFY2(a.status == 403, qPrintable(a.describe()));
    a = m_client->call("POST", tickets, QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("colour"), 1}});
    QVERIFY2(a.status == 400, qPrintable(a.describe()));
    // Kiosks may not list tickets; displays may.
    QCOMPARE(m_client->get(tickets).status, 403);
    a = as(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), "GET", tickets + QStringLiteral("?status=waiting"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("tickets")).toArray().size() == 1, qPrintable(a.describe()));
    QCOMPARE(m_client->get(tickets + QStringLiteral("?status=bogus")).status, 400);
    // The issued ticket is durable.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT number FROM tickets WHERE id = %1").arg(id)) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("A001"));

    // The kiosk could not print it: voided with the reason, durably, and only once.
    QVERIFY(m_client->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    const QString voidPath = tickets + QStringLiteral("/%1/void").arg(id);
    a = m_client->call("POST", voidPath, QJsonObject{});
    QVERIFY2(a.status == 400, qPrintable(a.describe()));
    a = m_client->call("POST", voidPath, QJsonObject{{QStringLiteral("reason"), QStringLiteral("打印机缺纸")}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("voided"));
    a = m_client->call("POST", voidPath, QJsonObject{{QStringLiteral("reason"), QStringLiteral("打印机缺纸")}});
    QVERIFY2(a.status == 409, qPrintable(a.describe()));
    QVERIFY(q.exec(QStringLiteral("SELECT status FROM tickets WHERE id = %1").arg(id)) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("voided"));
    QVERIFY(q.exec(QStringLiteral("SELECT detail FROM audit_log WHERE action = 'void' AND ticket_id = %1").arg(id)) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("打印机缺纸"));
}

void TstServerControllers::windowOperations_data()
{
    QTest::addColumn<QString>("op");
    for (const char *op : {"login", "logout", "pause", "resume", "call-next", "recall", "special-call", "call-back", "start",
                           "finish", "miss", "transfer", "hang", "virtual"})
        QTest::newRow(op) << QString::fromLatin1(op);
}

// Every operation of the table has its route: it answers from the queue, not "no such endpoint",
// and only to POST.
void TstServerControllers::windowOperations()
{
    QFETCH(QString, op);
    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    const QString path = QStringLiteral("/api/v1/halls/swzx/windows/1/") + op;
    test::Answer a = m_client->call("POST", path, QJsonObject{});
    QVERIFY2(a.status != 404 || a.errorCode() != QLatin1String("no_such_endpoint"), qPrintable(a.describe()));
    QVERIFY2(a.status != 405 && a.status != 0, qPrintable(a.describe()));
    a = m_client->get(path);
    QVERIFY2(a.status == 405, qPrintable(a.describe()));
}

void TstServerControllers::windowRules()
{
    const QString w = QStringLiteral("/api/v1/halls/swzx/windows/");
    test::Answer a = as(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), "POST", w + QStringLiteral("1/login"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("window")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("idle"));
    a = m_client->call("POST", w + QStringLiteral("1/call-next"), QJsonObject{{QStringLiteral("extra"), 1}});
    QVERIFY2(a.status == 400, qPrintable(a.describe()));
    a = m_client->call("POST", w + QStringLiteral("1/fly"), QJsonObject{});
    QVERIFY2(a.status == 404 && a.errorCode() == QLatin1String("no_such_endpoint"), qPrintable(a.describe()));
    a = m_client->call("POST", w + QStringLiteral("99/call-next"), QJsonObject{});
    QVERIFY2(a.status == 404 && a.errorCode() == QLatin1String("not_found"), qPrintable(a.describe()));
    // Another officer may not work window 1.
    a = as(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026"), "POST", w + QStringLiteral("1/call-next"));
    QVERIFY2(a.status == 403, qPrintable(a.describe()));
    // The caller bus signs an officer in by login; an unknown officer is named.
    a = as(QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026"), "POST", w + QStringLiteral("2/login"),
           {{QStringLiteral("officer"), QStringLiteral("officer02")}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    // The caller bus never signs itself in as the window's officer.
    a = as(QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026"), "POST", w + QStringLiteral("4/login"));
    QVERIFY2(a.status == 400 && a.errorCode() == QLatin1String("invalid_input"), qPrintable(a.describe()));
    // It does what caller keys do at any window of its hall, and nothing a caller has no key for.
    a = as(QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026"), "POST", w + QStringLiteral("2/pause"),
           {{QStringLiteral("type"), QStringLiteral("break")}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    a = as(QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026"), "POST", w + QStringLiteral("2/finish"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("forbidden"), qPrintable(a.describe()));
    a = m_client->call("POST", w + QStringLiteral("3/login"), QJsonObject{{QStringLiteral("officer"), QStringLiteral("ghost")}});
    QVERIFY2(a.status == 404, qPrintable(a.describe()));
    // Kiosks do not work windows.
    a = as(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), "POST", w + QStringLiteral("1/call-next"));
    QVERIFY2(a.status == 403, qPrintable(a.describe()));
}

void TstServerControllers::eventsAfterCommit()
{
    openWindow1();
    QVERIFY(m_client->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
    QWebSocket ws;
    QStringList messages;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) { messages.append(m); });
    ws.open(test::eventRequest(m_server->port(), m_client->token));
    QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
    QCOMPARE(QJsonDocument::fromJson(messages.first().toUtf8()).object().value(QStringLiteral("type")).toString(), QStringLiteral("hello"));

    test::Answer a = as(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), "POST", QStringLiteral("/api/v1/halls/swzx/tickets"),
                        {{QStringLiteral("business"), QStringLiteral("HJ")}});
    QVERIFY2(a.status == 201, qPrintable(a.describe()));
    QTRY_VERIFY_WITH_TIMEOUT(messages.size() >= 3, 5000);
    const QJsonObject issued = QJsonDocument::fromJson(messages.at(1).toUtf8()).object();
    QCOMPARE(issued.value(QStringLiteral("type")).toString(), QStringLiteral("ticket.issued"));
    QCOMPARE(QJsonDocument::fromJson(messages.at(2).toUtf8()).object().value(QStringLiteral("type")).toString(), QStringLiteral("queue.summary"));

    // A change that fails to commit publishes nothing.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 1")));
    a = m_client->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QVERIFY2(a.status == 503, qPrintable(a.describe()));
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 0")));
    QTest::qWait(200);
    QCOMPARE(messages.size(), 3);
    // The engine was reloaded from the database: the lost ticket's number is issued again.
    a = m_client->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QVERIFY2(a.status == 201, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("A002"));
    ws.close();
}

void TstServerControllers::tokensNeverInTheUrl()
{
    QVERIFY(m_client->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
    QWebSocket ws;
    QStringList messages;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) { messages.append(m); });
    ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events?hall=swzx&token=%2").arg(m_server->port()).arg(m_client->token)));
    QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
    const QJsonObject m = QJsonDocument::fromJson(messages.first().toUtf8()).object();
    QCOMPARE(m.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QVERIFY2(m.value(QStringLiteral("message")).toString().contains(QStringLiteral("Authorization")), qPrintable(messages.first()));
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::UnconnectedState, 5000);
}

void TstServerControllers::signOutEndsItsStreams()
{
    // Two sessions of one display account, each with a stream.
    test::Client first(m_server->port()), second(m_server->port());
    QVERIFY(first.signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
    QVERIFY(second.signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
    QWebSocket a, b;
    QString closeReason;
    bool aHello = false, bHello = false;
    connect(&a, &QWebSocket::textMessageReceived, this, [&](const QString &) { aHello = true; });
    connect(&b, &QWebSocket::textMessageReceived, this, [&](const QString &) { bHello = true; });
    connect(&a, &QWebSocket::disconnected, this, [&] { closeReason = a.closeReason(); });
    a.open(test::eventRequest(m_server->port(), first.token));
    b.open(test::eventRequest(m_server->port(), second.token));
    QTRY_VERIFY_WITH_TIMEOUT(aHello && bHello, 5000);
    // Signing the first session out ends its stream at once, and only its stream.
    QCOMPARE(first.call("POST", QStringLiteral("/api/v1/auth/logout"), QJsonObject{}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY2(closeReason.contains(QStringLiteral("Signed out")) || closeReason.contains(QStringLiteral("已退出")), qPrintable(closeReason));
    QTest::qWait(300);
    QCOMPARE(b.state(), QAbstractSocket::ConnectedState);
    b.close();
}

void TstServerControllers::disablingEndsSessionsAtOnce()
{
    test::Client officer(m_server->port());
    QVERIFY(officer.signIn(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")));
    QCOMPARE(officer.get(QStringLiteral("/api/v1/me")).status, 200); // its session is cached now
    QWebSocket ws;
    bool hello = false;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &) { hello = true; });
    ws.open(test::eventRequest(m_server->port(), officer.token));
    QTRY_VERIFY_WITH_TIMEOUT(hello, 5000);

    // Accounts are the security administrator's (三员分立).
    test::Client admin(m_server->port());
    QVERIFY(admin.signIn(QStringLiteral("secadmin"), QStringLiteral("demo-security-2026")));
    test::Answer a = admin.call("POST", QStringLiteral("/api/v1/admin/accounts/officer02/disable"), QJsonObject{});
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("disabled")).toBool(), qPrintable(a.describe()));
    // At once, not at the next restart: the token is refused, the stream is closed, and the
    // password no longer signs in.
    QCOMPARE(officer.get(QStringLiteral("/api/v1/me")).status, 401);
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(!officer.signIn(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")));
    // Not for anyone else, not on oneself, not for someone who does not exist.
    QCOMPARE(as(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"), "POST",
                QStringLiteral("/api/v1/admin/accounts/officer03/disable")).status, 403);
    QCOMPARE(admin.call("POST", QStringLiteral("/api/v1/admin/accounts/secadmin/disable"), QJsonObject{}).status, 409);
    QCOMPARE(admin.call("POST", QStringLiteral("/api/v1/admin/accounts/ghost/disable"), QJsonObject{}).status, 404);
    // Enabled again, it signs in.
    QCOMPARE(admin.call("POST", QStringLiteral("/api/v1/admin/accounts/officer02/enable"), QJsonObject{}).status, 200);
    QVERIFY(officer.signIn(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")));
}

QTEST_GUILESS_MAIN(TstServerControllers)
#include "tst_server_controllers.moc"
