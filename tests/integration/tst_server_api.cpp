// hall-server end to end over real HTTP and WebSocket on loopback, on SQLite or PostgreSQL
// (HALL_TEST_BACKEND). The clock is the server's --fake-clock, moved through the admin API.

#include "serverfixture.h"

#include <QSignalSpy>

using namespace hall::test;

class TestServerApi : public QObject
{
    Q_OBJECT

private:
    Server m_server;
    QHash<QString, QString> m_tokens;
    QString token(const QString &who) const { return m_tokens.value(who); }
    QString h(const QString &rest) const { return QStringLiteral("/api/v1/halls/swzx") + rest; }

    QJsonObject issue(const QString &business, const QJsonObject &extra = {})
    {
        QJsonObject body = extra;
        body.insert(QStringLiteral("business"), business);
        const HttpResult r = m_server.call("POST", h(QStringLiteral("/tickets")), body, token(QStringLiteral("kiosk")));
        if (r.status != 201)
            qWarning() << "issue failed" << r.describe();
        return r.body.value(QStringLiteral("ticket")).toObject();
    }
    HttpResult windowOp(const QString &window, const QString &op, const QJsonObject &body = {}, const QString &who = QStringLiteral("officer01"))
    {
        return m_server.call("POST", h(QStringLiteral("/windows/%1/%2").arg(window, op)), body, token(who));
    }
    QByteArray ticketsSnapshot()
    {
        const HttpResult r = m_server.call("GET", h(QStringLiteral("/tickets")), {}, token(QStringLiteral("supervisor")));
        const HttpResult w = m_server.call("GET", h(QStringLiteral("/windows")), {}, token(QStringLiteral("supervisor")));
        return QJsonDocument(r.body).toJson(QJsonDocument::Compact) + QJsonDocument(w.body).toJson(QJsonDocument::Compact);
    }
    void setClock(const QString &iso)
    {
        const HttpResult r = m_server.call("POST", QStringLiteral("/api/v1/admin/clock"), {{QStringLiteral("set"), iso}}, token(QStringLiteral("admin")));
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
    }
    void signIn()
    {
        const QList<QPair<QString, QPair<QString, QString>>> accounts{
            {QStringLiteral("admin"), {QStringLiteral("admin"), QStringLiteral("demo-admin-2026")}},
            {QStringLiteral("supervisor"), {QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")}},
            {QStringLiteral("officer01"), {QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")}},
            {QStringLiteral("officer02"), {QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")}},
            {QStringLiteral("kiosk"), {QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")}},
            {QStringLiteral("display"), {QStringLiteral("display1"), QStringLiteral("demo-display-2026")}},
            {QStringLiteral("caller"), {QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026")}},
            {QStringLiteral("other"), {QStringLiteral("other-officer"), QStringLiteral("other-pass-2026")}},
        };
        for (const auto &[key, cred] : accounts) {
            const QString t = m_server.login(cred.first, cred.second);
            QVERIFY2(!t.isEmpty(), qPrintable(QStringLiteral("cannot sign in as ") + cred.first));
            m_tokens.insert(key, t);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        QVERIFY2(m_server.seed(sourceDir() + QStringLiteral("/tests/integration/data/other-hall.json"), &err), qPrintable(err));
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T08:40:00")}), qPrintable(err));
        signIn();
        QVERIFY(windowOp(QStringLiteral("1"), QStringLiteral("login")).status == 200);
    }

    void authorisation_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("who");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("no token") << QByteArray("GET") << h(QStringLiteral("/windows")) << QByteArray() << QString() << 401 << "unauthenticated";
        QTest::newRow("forged token") << QByteArray("GET") << h(QStringLiteral("/windows")) << QByteArray() << "forged" << 401 << "unauthenticated";
        QTest::newRow("kiosk pauses a window") << QByteArray("POST") << h(QStringLiteral("/windows/1/pause")) << QByteArray(R"({"type":"x"})") << "kiosk" << 403 << "forbidden";
        QTest::newRow("display issues a ticket") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business":"HJ"})") << "display" << 403 << "forbidden";
        QTest::newRow("officer of another hall") << QByteArray("GET") << h(QStringLiteral("/windows")) << QByteArray() << "other" << 403 << "forbidden";
        QTest::newRow("officer at someone else's window") << QByteArray("POST") << h(QStringLiteral("/windows/1/call-next")) << QByteArray("{}") << "officer02" << 403 << "forbidden";
        QTest::newRow("officer sets the clock") << QByteArray("POST") << QStringLiteral("/api/v1/admin/clock") << QByteArray(R"({"advanceSeconds":1})") << "officer01" << 403 << "forbidden";
        QTest::newRow("kiosk reads the configuration") << QByteArray("GET") << h(QStringLiteral("/config")) << QByteArray() << "kiosk" << 403 << "forbidden";
    }

    void authorisation()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, who);
        QFETCH(int, status);
        QFETCH(QString, code);
        const QByteArray before = ticketsSnapshot();
        const QString t = who == QLatin1String("forged") ? QStringLiteral("not-a-token") : token(who);
        const HttpResult r = m_server.raw(method, path, body, t);
        QVERIFY2(r.status == status && r.errorCode() == code, qPrintable(r.describe()));
        QVERIFY(!r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(ticketsSnapshot(), before);
    }

    void badCredentials()
    {
        const HttpResult r = m_server.call("POST", QStringLiteral("/api/v1/auth/login"),
                                           {{QStringLiteral("login"), QStringLiteral("kiosk1")}, {QStringLiteral("password"), QStringLiteral("wrong-password")}});
        QVERIFY2(r.status == 401 && r.errorCode() == QLatin1String("bad_credentials"), qPrintable(r.describe()));
        QVERIFY(!r.body.contains(QStringLiteral("token")));
    }

    void issueCallFinishPushesEvents()
    {
        EventClient events;
        QVERIFY2(events.open(m_server, token(QStringLiteral("display")), QStringLiteral("swzx")), qPrintable(m_server.stderrText()));
        const QJsonObject hello = events.messages.first().value(QStringLiteral("data")).toObject();
        QCOMPARE(hello.value(QStringLiteral("windows")).toArray().size(), 12);

        const QJsonObject t = issue(QStringLiteral("HJ"), {{QStringLiteral("source"), QStringLiteral("idcard")},
                                                          {QStringLiteral("idNumber"), QStringLiteral("11010519491231002X")}});
        QVERIFY(!t.isEmpty());
        QVERIFY(t.value(QStringLiteral("number")).toString().startsWith(u'A'));
        const QJsonObject issued = events.waitFor(QStringLiteral("ticket.issued"));
        QCOMPARE(issued.value(QStringLiteral("data")).toObject().value(QStringLiteral("number")), t.value(QStringLiteral("number")));

        const HttpResult call = windowOp(QStringLiteral("1"), QStringLiteral("call-next"));
        QVERIFY2(call.status == 200, qPrintable(call.describe()));
        QCOMPARE(call.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")), t.value(QStringLiteral("id")));
        QVERIFY(call.body.contains(QStringLiteral("countdownUntil")));
        const QJsonObject called = events.waitFor(QStringLiteral("ticket.called"));
        QCOMPARE(called.value(QStringLiteral("data")).toObject().value(QStringLiteral("window")).toString(), QStringLiteral("1"));

        QCOMPARE(windowOp(QStringLiteral("1"), QStringLiteral("finish")).status, 200);
        QVERIFY(!events.waitFor(QStringLiteral("ticket.finished")).isEmpty());
        const QJsonObject summary = events.waitFor(QStringLiteral("queue.summary"));
        QVERIFY(!summary.isEmpty());

        // Events and replies never carry the ID number or its hash.
        for (const QJsonObject &m : std::as_const(events.messages)) {
            const QByteArray text = QJsonDocument(m).toJson();
            QVERIFY2(!text.contains("11010519491231002X") && !text.contains("identity"), text.constData());
        }
    }

    void badInputIsRefusedAndChangesNothing_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray json("application/json");
        QTest::newRow("malformed JSON") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business": "HJ")") << json << 400 << "malformed_json";
        QTest::newRow("array body") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"(["HJ"])") << json << 400 << "malformed_json";
        QTest::newRow("wrong type") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business": 5})") << json << 400 << "invalid_input";
        QTest::newRow("unknown field") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business": "HJ", "vip": true})") << json << 400 << "invalid_input";
        QTest::newRow("missing field") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({})") << json << 400 << "invalid_input";
        QTest::newRow("bad ID number") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business":"HJ","source":"idcard","idNumber":"110105194912310021"})") << json << 400 << "invalid_input";
        QTest::newRow("unknown source") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business":"HJ","source":"fax"})") << json << 400 << "invalid_input";
        QTest::newRow("unknown priority") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business":"HJ","priority":"VIP"})") << json << 400 << "invalid_input";
        QTest::newRow("unknown business") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray(R"({"business": "NOPE"})") << json << 404 << "not_found";
        QTest::newRow("unknown window") << QByteArray("POST") << h(QStringLiteral("/windows/99/call-next")) << QByteArray("{}") << json << 404 << "not_found";
        QTest::newRow("unknown ticket") << QByteArray("POST") << h(QStringLiteral("/tickets/999999/reprint")) << QByteArray() << json << 404 << "not_found";
        QTest::newRow("ticket id not a number") << QByteArray("POST") << h(QStringLiteral("/tickets/abc/reprint")) << QByteArray() << json << 400 << "invalid_input";
        QTest::newRow("unknown hall") << QByteArray("GET") << QStringLiteral("/api/v1/halls/nowhere/windows") << QByteArray() << json << 404 << "not_found";
        QTest::newRow("unknown endpoint") << QByteArray("GET") << QStringLiteral("/api/v1/nothing") << QByteArray() << json << 404 << "no_such_endpoint";
        QTest::newRow("wrong method") << QByteArray("DELETE") << h(QStringLiteral("/tickets")) << QByteArray() << json << 405 << "method_not_allowed";
        QTest::newRow("not JSON") << QByteArray("POST") << h(QStringLiteral("/tickets")) << QByteArray("business=HJ") << QByteArray("application/x-www-form-urlencoded") << 415 << "unsupported_media_type";
        QTest::newRow("oversize body") << QByteArray("POST") << h(QStringLiteral("/tickets")) << (QByteArray(R"({"business":"HJ","x":")") + QByteArray(70 * 1024, 'a') + "\"}") << json << 413 << "body_too_large";
        QTest::newRow("appointment with a bad time") << QByteArray("POST") << h(QStringLiteral("/appointments")) << QByteArray(R"({"code":"Y1","business":"HJ","slotStart":"tomorrow","slotEnd":"later"})") << json << 400 << "invalid_input";
    }

    void badInputIsRefusedAndChangesNothing()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QFETCH(QString, code);
        const QByteArray before = ticketsSnapshot();
        const QString who = path.contains(QLatin1String("/windows/")) ? QStringLiteral("supervisor")
                          : path.contains(QLatin1String("/appointments")) ? QStringLiteral("supervisor") : QStringLiteral("kiosk");
        const HttpResult r = m_server.raw(method, path, body, token(who), contentType);
        QVERIFY2(r.status == status && r.errorCode() == code, qPrintable(r.describe()));
        QVERIFY(!r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(ticketsSnapshot(), before);
        QCOMPARE(m_server.call("GET", QStringLiteral("/api/v1/health")).status, 200);
    }

    void impossibleOperationsAreRefused()
    {
        const QJsonObject t = issue(QStringLiteral("HJ"));
        QVERIFY(!t.isEmpty());
        QCOMPARE(windowOp(QStringLiteral("1"), QStringLiteral("call-next")).status, 200);
        QCOMPARE(windowOp(QStringLiteral("1"), QStringLiteral("finish")).status, 200);
        QByteArray before = ticketsSnapshot();
        HttpResult twice = windowOp(QStringLiteral("1"), QStringLiteral("finish"));
        QVERIFY2(twice.status == 409 && twice.errorCode() == QLatin1String("invalid_state"), qPrintable(twice.describe()));
        QCOMPARE(ticketsSnapshot(), before);

        QCOMPARE(windowOp(QStringLiteral("2"), QStringLiteral("login"), {}, QStringLiteral("officer02")).status, 200);
        QCOMPARE(windowOp(QStringLiteral("2"), QStringLiteral("pause"), {{QStringLiteral("type"), QStringLiteral("break")}, {QStringLiteral("reason"), QStringLiteral("午休")}}, QStringLiteral("officer02")).status, 200);
        issue(QStringLiteral("HJ"));
        before = ticketsSnapshot();
        const HttpResult paused = windowOp(QStringLiteral("2"), QStringLiteral("call-next"), {}, QStringLiteral("officer02"));
        QVERIFY2(paused.status == 409 && paused.errorCode() == QLatin1String("window_paused"), qPrintable(paused.describe()));
        QCOMPARE(ticketsSnapshot(), before);
        QCOMPARE(windowOp(QStringLiteral("2"), QStringLiteral("resume"), {}, QStringLiteral("officer02")).status, 200);
        QCOMPARE(windowOp(QStringLiteral("2"), QStringLiteral("logout"), {}, QStringLiteral("officer02")).status, 200);
    }

    void duplicateIdCardOffersReprint()
    {
        const QJsonObject body{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("source"), QStringLiteral("idcard")},
                               {QStringLiteral("idNumber"), QStringLiteral("441502198001010016")}};
        const HttpResult first = m_server.call("POST", h(QStringLiteral("/tickets")), body, token(QStringLiteral("kiosk")));
        QCOMPARE(first.status, 201);
        const HttpResult again = m_server.call("POST", h(QStringLiteral("/tickets")), body, token(QStringLiteral("kiosk")));
        QVERIFY2(again.status == 409 && again.errorCode() == QLatin1String("duplicate"), qPrintable(again.describe()));
        const qint64 id = first.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
        QCOMPARE(again.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("ticketId")).toInteger(), id);
        const HttpResult reprint = m_server.call("POST", h(QStringLiteral("/tickets/%1/reprint").arg(id)), {}, token(QStringLiteral("kiosk")));
        QVERIFY2(reprint.status == 200, qPrintable(reprint.describe()));
        QCOMPARE(reprint.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("printCount")).toInt(), 2);
        QCOMPARE(reprint.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")),
                 first.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")));
    }

    void missedTicketReturnsAfterDelay()
    {
        // Drain window 1 first so the queue holds only the ticket under test.
        while (windowOp(QStringLiteral("1"), QStringLiteral("call-next")).status == 200) {}
        const QJsonObject t = issue(QStringLiteral("HJ"));
        const HttpResult call = windowOp(QStringLiteral("1"), QStringLiteral("call-next"));
        QCOMPARE(call.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")), t.value(QStringLiteral("id")));
        const HttpResult missed = windowOp(QStringLiteral("1"), QStringLiteral("miss"));
        QVERIFY2(missed.status == 200, qPrintable(missed.describe()));
        QCOMPARE(missed.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("missed"));
        const HttpResult tooSoon = windowOp(QStringLiteral("1"), QStringLiteral("call-next"));
        QVERIFY2(tooSoon.status == 409 && tooSoon.errorCode() == QLatin1String("queue_empty"), qPrintable(tooSoon.describe()));
        setClock(QStringLiteral("2026-11-23T08:51:00"));
        const HttpResult back = windowOp(QStringLiteral("1"), QStringLiteral("call-next"));
        QVERIFY2(back.status == 200, qPrintable(back.describe()));
        const QJsonObject again = back.body.value(QStringLiteral("ticket")).toObject();
        QCOMPARE(again.value(QStringLiteral("id")), t.value(QStringLiteral("id")));
        QCOMPARE(again.value(QStringLiteral("priority")).toInt(), t.value(QStringLiteral("priority")).toInt() + 1);
        QCOMPARE(windowOp(QStringLiteral("1"), QStringLiteral("finish")).status, 200);
    }

    void restartKeepsTheQueue()
    {
        QList<QJsonObject> issued;
        for (int i = 0; i < 3; ++i)
            issued.append(issue(QStringLiteral("HJ")));
        const QByteArray before = ticketsSnapshot();
        m_server.stop();
        QString err;
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T08:51:00")}), qPrintable(err));
        QCOMPARE(ticketsSnapshot(), before); // tokens, windows and tickets all survived
        const QJsonObject next = issue(QStringLiteral("HJ"));
        QCOMPARE(next.value(QStringLiteral("number")).toString().mid(1).toInt(),
                 issued.last().value(QStringLiteral("number")).toString().mid(1).toInt() + 1);
        const HttpResult call = windowOp(QStringLiteral("1"), QStringLiteral("call-next"));
        QCOMPARE(call.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")), issued.first().value(QStringLiteral("id")));
    }

    void endOfDayClearing()
    {
        EventClient events;
        QVERIFY(events.open(m_server, token(QStringLiteral("display")), QStringLiteral("swzx")));
        HttpResult waiting = m_server.call("GET", h(QStringLiteral("/tickets?status=waiting")), {}, token(QStringLiteral("supervisor")));
        QVERIFY(!waiting.body.value(QStringLiteral("tickets")).toArray().isEmpty());
        setClock(QStringLiteral("2026-11-23T18:31:00"));
        QVERIFY(!events.waitFor(QStringLiteral("queue.cleared")).isEmpty());
        waiting = m_server.call("GET", h(QStringLiteral("/tickets?status=waiting")), {}, token(QStringLiteral("supervisor")));
        QVERIFY2(waiting.body.value(QStringLiteral("tickets")).toArray().isEmpty(), qPrintable(waiting.describe()));
        const HttpResult cleared = m_server.call("GET", h(QStringLiteral("/tickets?status=cleared")), {}, token(QStringLiteral("supervisor")));
        QVERIFY(!cleared.body.value(QStringLiteral("tickets")).toArray().isEmpty());
    }

    void tlsServesHttpsAndWss()
    {
        QTemporaryDir dir;
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                                                  QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                                  QStringLiteral("-keyout"), dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"), dir.filePath(QStringLiteral("cert.pem"))});
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        Server tls;
        tls.scheme = QStringLiteral("https");
        QString err;
        QVERIFY2(tls.createDatabase(&err), qPrintable(err));
        QVERIFY2(tls.seed(demoHall(), &err), qPrintable(err));
        QVERIFY2(tls.start(&err, {QStringLiteral("--tls-cert"), dir.filePath(QStringLiteral("cert.pem")),
                                  QStringLiteral("--tls-key"), dir.filePath(QStringLiteral("key.pem"))}), qPrintable(err));
        const HttpResult health = tls.call("GET", QStringLiteral("/api/v1/health"));
        QVERIFY2(health.status == 200, qPrintable(health.describe()));
        const QString t = tls.login(QStringLiteral("display1"), QStringLiteral("demo-display-2026"));
        QVERIFY(!t.isEmpty());
        EventClient events;
        QVERIFY2(events.open(tls, t, QStringLiteral("swzx")), "no hello over wss");
    }
};

QTEST_GUILESS_MAIN(TestServerApi)
#include "tst_server_api.moc"
