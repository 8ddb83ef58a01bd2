// hall-server end to end over real HTTP and WebSocket on loopback, on SQLite or PostgreSQL
// (HALL_TEST_BACKEND). The clock is the server's --fake-clock, moved through the admin API.

#include "serverfixture.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSslSocket>

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

    // Every remaining endpoint once, over HTTP, as the apps will use them.
    void everyQueueEndpointWorksOverHttp()
    {
        const QString sup = token(QStringLiteral("supervisor"));
        while (windowOp(QStringLiteral("1"), QStringLiteral("call-next")).status == 200) {}
        // Appointment: booked, checked in by code, gets the appointment prefix.
        HttpResult r = m_server.call("POST", h(QStringLiteral("/appointments")), {{QStringLiteral("code"), QStringLiteral("YY-77")},
            {QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("phone"), QStringLiteral("13800138000")},
            {QStringLiteral("slotStart"), QStringLiteral("2026-11-23T08:30:00")}, {QStringLiteral("slotEnd"), QStringLiteral("2026-11-23T09:30:00")}}, sup);
        QVERIFY2(r.status == 201, qPrintable(r.describe()));
        r = m_server.call("POST", h(QStringLiteral("/appointments/checkin")), {{QStringLiteral("code"), QStringLiteral("YY-77")}}, token(QStringLiteral("kiosk")));
        QVERIFY2(r.status == 201, qPrintable(r.describe()));
        const QJsonObject appt = r.body.value(QStringLiteral("ticket")).toObject();
        QVERIFY2(appt.value(QStringLiteral("number")).toString().startsWith(QLatin1String("YA")), qPrintable(r.describe()));
        // Release password → special ticket, once.
        r = m_server.call("POST", h(QStringLiteral("/release-passwords")), {{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("count"), 1}}, sup);
        QVERIFY2(r.status == 201, qPrintable(r.describe()));
        const QString pw = r.body.value(QStringLiteral("passwords")).toArray().at(0).toString();
        r = m_server.call("POST", h(QStringLiteral("/special-tickets")), {{QStringLiteral("password"), pw}}, token(QStringLiteral("kiosk")));
        QVERIFY2(r.status == 201 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString().startsWith(QLatin1String("TA")), qPrintable(r.describe()));
        r = m_server.call("POST", h(QStringLiteral("/special-tickets")), {{QStringLiteral("password"), pw}}, token(QStringLiteral("kiosk")));
        QVERIFY2(r.status == 403 && r.errorCode() == QLatin1String("bad_password"), qPrintable(r.describe()));
        // Blacklist blocks, removal unblocks.
        const QJsonObject person{{QStringLiteral("idNumber"), QStringLiteral("440524188001010014")}};
        r = m_server.call("POST", h(QStringLiteral("/blacklist")), {{QStringLiteral("idNumber"), QStringLiteral("440524188001010014")},
            {QStringLiteral("until"), QStringLiteral("2026-12-31")}, {QStringLiteral("reason"), QStringLiteral("多次预约未到")}}, sup);
        QVERIFY2(r.status == 201, qPrintable(r.describe()));
        QJsonObject byCard{{QStringLiteral("business"), QStringLiteral("SB")}, {QStringLiteral("source"), QStringLiteral("idcard")}, {QStringLiteral("idNumber"), QStringLiteral("440524188001010014")}};
        r = m_server.call("POST", h(QStringLiteral("/tickets")), byCard, token(QStringLiteral("kiosk")));
        QVERIFY2(r.status == 409 && r.errorCode() == QLatin1String("blacklisted"), qPrintable(r.describe()));
        QCOMPARE(m_server.call("POST", h(QStringLiteral("/blacklist/remove")), person, sup).status, 200);
        // (SB has no open window yet: the kiosk is told so.)
        r = m_server.call("POST", h(QStringLiteral("/tickets")), byCard, token(QStringLiteral("kiosk")));
        QVERIFY2(r.status == 409 && r.errorCode() == QLatin1String("unserved"), qPrintable(r.describe()));

        // At window 1: the appointment is called first (ahead of the special ticket? no: the
        // special ticket has the top priority level), then sub ticket, transfer, hang, call-back.
        r = windowOp(QStringLiteral("1"), QStringLiteral("call-next"));
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
        const qint64 first = r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
        r = m_server.call("POST", h(QStringLiteral("/tickets/%1/subs").arg(first)), {{QStringLiteral("business"), QStringLiteral("CRJ")}}, token(QStringLiteral("officer01")));
        QVERIFY2(r.status == 201 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString().endsWith(QLatin1String("-1")), qPrintable(r.describe()));
        const qint64 sub = r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
        r = windowOp(QStringLiteral("1"), QStringLiteral("transfer"), {{QStringLiteral("ticket"), sub}, {QStringLiteral("window"), QStringLiteral("3")}});
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("targetWindow")).toString() == QLatin1String("3"), qPrintable(r.describe()));
        r = windowOp(QStringLiteral("1"), QStringLiteral("hang"));
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("status")).toString() == QLatin1String("hung"), qPrintable(r.describe()));
        r = windowOp(QStringLiteral("1"), QStringLiteral("call-back"), {{QStringLiteral("ticket"), first}});
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger() == first, qPrintable(r.describe()));
        r = windowOp(QStringLiteral("1"), QStringLiteral("recall"));
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("callCount")).toInt() == 3, qPrintable(r.describe()));
        r = windowOp(QStringLiteral("1"), QStringLiteral("start"));
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("status")).toString() == QLatin1String("serving"), qPrintable(r.describe()));
        r = windowOp(QStringLiteral("1"), QStringLiteral("special-call"), {{QStringLiteral("ticket"), appt.value(QStringLiteral("id")).toInteger()}});
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("finished")).toInteger() == first, qPrintable(r.describe()));
        r = windowOp(QStringLiteral("1"), QStringLiteral("virtual"), {{QStringLiteral("business"), QStringLiteral("HJ")}});
        QVERIFY2(r.status == 201 && r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("source")).toString() == QLatin1String("virtual"), qPrintable(r.describe()));
        QCOMPARE(windowOp(QStringLiteral("1"), QStringLiteral("finish")).status, 200);
        // The call history shows who called what, how often.
        r = m_server.call("GET", h(QStringLiteral("/calls?limit=5")), {}, sup);
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("calls")).toArray().size() == 5, qPrintable(r.describe()));
        QCOMPARE(r.body.value(QStringLiteral("calls")).toArray().at(0).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("special"));
    }

    void configurationCanChangeButNotLoseWhatIsInUse()
    {
        const QString admin = token(QStringLiteral("admin"));
        HttpResult cfg = m_server.call("GET", h(QStringLiteral("/config")), {}, token(QStringLiteral("supervisor")));
        QVERIFY2(cfg.status == 200, qPrintable(cfg.describe()));
        QJsonObject c = cfg.body;
        QCOMPARE(m_server.call("PUT", h(QStringLiteral("/config")), c, token(QStringLiteral("supervisor"))).status, 403);
        // Pause a business through the configuration: the kiosk sees it at once.
        QJsonArray bs = c.value(QStringLiteral("businesses")).toArray();
        QJsonObject jg = bs.at(2).toObject();
        QCOMPARE(jg.value(QStringLiteral("code")).toString(), QStringLiteral("JG"));
        jg.insert(QStringLiteral("paused"), true);
        bs.replace(2, jg);
        c.insert(QStringLiteral("businesses"), bs);
        HttpResult put = m_server.call("PUT", h(QStringLiteral("/config")), c, admin);
        QVERIFY2(put.status == 200, qPrintable(put.describe()));
        const HttpResult issueJg = m_server.call("POST", h(QStringLiteral("/tickets")), {{QStringLiteral("business"), QStringLiteral("JG")}}, token(QStringLiteral("kiosk")));
        QVERIFY2(issueJg.status == 409 && issueJg.errorCode() == QLatin1String("business_paused"), qPrintable(issueJg.describe()));
        // Removing a window the day's queue refers to is refused; an invalid file too.
        QJsonObject fewer = c;
        QJsonArray ws = c.value(QStringLiteral("windows")).toArray();
        ws.removeLast();
        fewer.insert(QStringLiteral("windows"), ws);
        QCOMPARE(m_server.call("PUT", h(QStringLiteral("/config")), fewer, admin).errorCode(), QStringLiteral("invalid_state"));
        QJsonObject broken = c;
        broken.insert(QStringLiteral("colour"), QStringLiteral("red"));
        const HttpResult bad = m_server.call("PUT", h(QStringLiteral("/config")), broken, admin);
        QVERIFY2(bad.status == 400 && bad.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("colour")), qPrintable(bad.describe()));
        // The accepted change survives a restart (it is in the database, not only in memory).
        m_server.stop();
        QString err;
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T08:51:00")}), qPrintable(err));
        const HttpResult after = m_server.call("POST", h(QStringLiteral("/tickets")), {{QStringLiteral("business"), QStringLiteral("JG")}}, token(QStringLiteral("kiosk")));
        QCOMPARE(after.errorCode(), QStringLiteral("business_paused"));
        jg.insert(QStringLiteral("paused"), false);
        QJsonArray restored = c.value(QStringLiteral("businesses")).toArray();
        restored.replace(2, jg);
        c.insert(QStringLiteral("businesses"), restored);
        QCOMPARE(m_server.call("PUT", h(QStringLiteral("/config")), c, admin).status, 200);
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
        const HttpResult moved = m_server.call("POST", QStringLiteral("/api/v1/admin/clock"), {{QStringLiteral("advanceSeconds"), 11 * 60}}, token(QStringLiteral("admin")));
        QVERIFY2(moved.status == 200, qPrintable(moved.describe()));
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
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:30:00")}), qPrintable(err));
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

        // 1 GiB announced over TLS and streamed from one buffer: refused from the decrypted head,
        // the server's memory stays where it was.
        const auto residentKiB = [&tls] {
            QFile f(QStringLiteral("/proc/%1/status").arg(tls.pid()));
            if (!f.open(QIODevice::ReadOnly))
                return qint64(-1);
            for (const QByteArray &line : f.readAll().split('\n')) {
                if (line.startsWith("VmRSS:"))
                    return line.mid(6).trimmed().split(' ').value(0).toLongLong();
            }
            return qint64(-1);
        };
        const qint64 before = residentKiB();
        QSslSocket s;
        connect(&s, &QSslSocket::sslErrors, &s, [&s] { s.ignoreSslErrors(); });
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), tls.port());
        QVERIFY2(s.waitForEncrypted(10000), qPrintable(s.errorString()));
        const qint64 gib = qint64(1) << 30;
        s.write("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + QByteArray::number(gib) + "\r\n\r\n");
        const QByteArray piece(64 * 1024, ' ');
        QByteArray answer;
        qint64 sent = 0;
        QElapsedTimer clock;
        clock.start();
        while (!answer.contains("\r\n\r\n") && s.state() == QAbstractSocket::ConnectedState && !clock.hasExpired(20000)) {
            if (sent < gib && s.bytesToWrite() < 256 * 1024) {
                s.write(piece);
                sent += piece.size();
            }
            s.waitForReadyRead(5);
            answer += s.readAll();
        }
        QVERIFY2(answer.startsWith("HTTP/1.1 413 "), answer.left(200).constData());
        QVERIFY(answer.contains("\"body_too_large\""));
        const qint64 grown = residentKiB() - before;
        QVERIFY2(before > 0 && grown < 32 * 1024, qPrintable(QStringLiteral("hall-server grew by %1 KiB after %2 bytes").arg(grown).arg(sent)));
        QCOMPARE(tls.call("GET", QStringLiteral("/api/v1/health")).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestServerApi)
#include "tst_server_api.moc"
