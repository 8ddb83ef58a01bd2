// Reminders by text message (issue 10, Q8, Q14): hall-server in this process on SQLite or on
// the PostgreSQL that scripts/lib.sh starts (HALL_TEST_BACKEND), a real HTTP server on loopback
// as the SMS platform, the demo hall and its people.

#include "harness.h"

#include <server/notifygateway.h>

#include <security/crypto.h>

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUuid>
#include <QWebSocket>

using namespace hall;
using namespace Qt::StringLiterals;

namespace {

const QString Phone = u"13800138000"_s;

// The SMS platform: a plain HTTP/1.1 server that records each request and answers with
// `status` (or refuses connections while stopped).
class SmsPlatform : public QObject
{
public:
    struct Request
    {
        QByteArray method, target, body;
        QHash<QByteArray, QByteArray> headers;
    };

    int status = 200;
    QByteArray answer = R"({"Code":"OK"})";
    QList<Request> requests;

    SmsPlatform()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    // A new port, or (after stop()) the same one again.
    bool start(bool samePort = false)
    {
        if (!m_server.listen(QHostAddress::LocalHost, samePort ? m_port : 0))
            return false;
        m_port = m_server.serverPort();
        return true;
    }
    void stop() { m_server.close(); }
    QString url() const { return u"http://127.0.0.1:%1/sms/send"_s.arg(m_port); }
    bool waitFor(qsizetype count, int ms = 8000)
    {
        return QTest::qWaitFor([&] { return requests.size() >= count; }, ms);
    }

private:
    void read(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        Request r;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        r.method = first.value(0);
        r.target = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = r.headers.value("content-length").toLongLong();
        if (buf.size() < end + 4 + length)
            return;
        r.body = buf.mid(end + 4, length);
        buf.remove(0, end + 4 + length);
        requests.append(r);
        s->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
                 + QByteArray::number(answer.size()) + "\r\n\r\n" + answer);
    }

    QTcpServer m_server;
    quint16 m_port = 0;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// An 阿里云-style gateway: JSON body with the template code and its parameters, app key,
// timestamp, nonce and HMAC in headers.
QJsonObject httpGateway(const QString &url, int maxAttempts = 5)
{
    return QJsonObject{
        {u"type"_s, u"http"_s},
        {u"url"_s, url},
        {u"method"_s, u"POST"_s},
        {u"headers"_s, QJsonObject{{u"X-App-Key"_s, u"{appKey}"_s}, {u"X-Timestamp"_s, u"{timestamp}"_s},
                                   {u"X-Nonce"_s, u"{nonce}"_s}, {u"X-Signature"_s, u"{hmac}"_s}}},
        {u"body"_s, uR"({"PhoneNumbers":"{phone}","SignName":"{sign}","TemplateCode":"{template}","TemplateParam":{params}})"_s},
        {u"successMatch"_s, uR"("Code":"OK")"_s},
        {u"signName"_s, u"云浮市政务服务中心"_s},
        {u"appKey"_s, u"LTAI-demo"_s},
        {u"appSecret"_s, u"s3cret-app-secret"_s},
        {u"templates"_s, QJsonObject{{u"ahead"_s, u"SMS_AHEAD"_s}, {u"called"_s, u"SMS_CALLED"_s}, {u"recallable"_s, u"SMS_RECALL"_s}}},
        {u"maxAttempts"_s, maxAttempts},
        {u"retrySeconds"_s, 30},
        {u"timeoutMs"_s, 3000},
    };
}

} // namespace

class TstServerNotify : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void remindersOnTheirTriggers();
    void phoneSealedAndGoneWhenTheTicketCloses();
    void gatewayDownRetriedThenDelivered();
    void failuresGiveUpAndShow();
    void restartSendsNoDuplicate();
    void logGatewayNeverLogsThePhone();
    void badConfigurationIsAClearError();
    void reminderPhoneIsChecked();
    void phoneTicketIsReminded();
    void offlineTicketKeepsItsPhone();
    void finishedNotificationsArePruned();

private:
    // `extra`: top-level keys of the notify configuration besides the gateway.
    bool startServer(const QJsonObject &gateway, QString *error, const QJsonObject &extra = {});
    bool restart(QString *error);
    test::Answer as(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    qint64 issue(const QString &business, const QString &phone = {});
    void call(const char *op, const QString &window = u"1"_s);
    int count(const QString &sql);
    QJsonArray notifications(const QString &status = {});

    QString m_backend;
    QTemporaryDir m_dir;
    QString m_location;
    core::ManualClock m_clock{QDateTime(QDate(2026, 11, 23), QTime(9, 0))};
    server::ServerOptions m_options;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<server::HallServer> m_server;
    std::unique_ptr<test::Client> m_client;
    SmsPlatform m_sms;
};

void TstServerNotify::init()
{
    m_backend = qEnvironmentVariable("HALL_TEST_BACKEND", u"sqlite"_s);
    QVERIFY(m_dir.isValid());
    QVERIFY(m_sms.start());
    m_sms.requests.clear();
    m_sms.status = 200;
    m_sms.answer = R"({"Code":"OK"})";
    QString error;
    QVERIFY2(test::freshDatabase(m_dir, u"hall_notify"_s, &m_location, &error), qPrintable(error));
}

void TstServerNotify::cleanup()
{
    m_client.reset();
    m_server.reset();
    m_db.reset();
    m_sms.stop();
}

bool TstServerNotify::startServer(const QJsonObject &gateway, QString *error, const QJsonObject &extra)
{
    if (server::openServerDatabase(m_location, &m_db, error) != storage::OpenResult::Ok)
        return false;
    QString summary;
    if (!server::seedHall(m_db.get(), qEnvironmentVariable("HALL_SOURCE_DIR") + u"/resources/demo/demo-hall.json"_s, &summary, error))
        return false;
    m_options = server::ServerOptions();
    m_options.port = 0;
    m_options.fakeClock = true;
    m_options.demo = true;
    m_options.blobFolder = m_dir.filePath(u"blobs"_s);
    m_options.personalKey = security::crypto::randomBytes(32);
    QJsonObject notify = extra;
    notify.insert(u"gateway"_s, gateway);
    if (!server::NotifyConfig::parse(notify, &m_options.notify, error))
        return false;
    return restart(error);
}

bool TstServerNotify::restart(QString *error)
{
    m_client.reset();
    m_server.reset();
    m_server = std::make_unique<server::HallServer>(m_db.get(), &m_clock, m_options);
    if (!m_server->loadHalls(error) || !m_server->start(error))
        return false;
    m_client = std::make_unique<test::Client>(m_server->port());
    return m_client->signIn(u"supervisor"_s, u"demo-super-2026"_s);
}

test::Answer TstServerNotify::as(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    return method == "GET" ? m_client->get(path) : m_client->call(method, path, body);
}

qint64 TstServerNotify::issue(const QString &business, const QString &phone)
{
    QJsonObject body{{u"business"_s, business}};
    if (!phone.isEmpty())
        body.insert(u"phone"_s, phone);
    const test::Answer a = as("POST", u"/api/v1/halls/swzx/tickets"_s, body);
    if (a.status != 201)
        qWarning() << a.describe();
    return a.body.value(u"ticket"_s).toObject().value(u"id"_s).toInteger();
}

void TstServerNotify::call(const char *op, const QString &window)
{
    const test::Answer a = as("POST", u"/api/v1/halls/swzx/windows/%1/%2"_s.arg(window, QLatin1String(op)), QJsonObject{});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
}

int TstServerNotify::count(const QString &sql)
{
    QSqlQuery q(m_db->connection());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toInt();
}

QJsonArray TstServerNotify::notifications(const QString &status)
{
    const test::Answer a = as("GET", u"/api/v1/halls/swzx/notifications"_s + (status.isEmpty() ? QString() : u"?status="_s + status));
    return a.body.value(u"notifications"_s).toArray();
}

void TstServerNotify::remindersOnTheirTriggers()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    for (int i = 0; i < 5; ++i)
        QVERIFY(issue(u"HJ"_s));
    const qint64 mine = issue(u"HJ"_s, Phone); // five ahead, reminded at three (remindAhead's default)
    QVERIFY(mine);

    call("call-next"); // four ahead
    QTest::qWait(200);
    QCOMPARE(m_sms.requests.size(), 0);
    call("call-next"); // three ahead
    QVERIFY(m_sms.waitFor(1));
    const SmsPlatform::Request ahead = m_sms.requests.at(0);
    QCOMPARE(ahead.method, "POST");
    QCOMPARE(ahead.target, "/sms/send");
    const QJsonObject body = QJsonDocument::fromJson(ahead.body).object();
    QCOMPARE(body.value(u"PhoneNumbers"_s).toString(), Phone);
    QCOMPARE(body.value(u"SignName"_s).toString(), u"云浮市政务服务中心"_s);
    QCOMPARE(body.value(u"TemplateCode"_s).toString(), u"SMS_AHEAD"_s);
    QCOMPARE(body.value(u"TemplateParam"_s).toObject().value(u"ahead"_s).toString(), u"3"_s);
    QCOMPARE(body.value(u"TemplateParam"_s).toObject().value(u"number"_s).toString(), u"A006"_s);
    QCOMPARE(ahead.headers.value("x-app-key"), "LTAI-demo");
    const QByteArray mac = QMessageAuthenticationCode::hash("LTAI-demo" + ahead.headers.value("x-timestamp") + ahead.headers.value("x-nonce"),
                                                            "s3cret-app-secret", QCryptographicHash::Sha256).toHex();
    QCOMPARE(ahead.headers.value("x-signature"), mac);

    for (int i = 0; i < 4; ++i)
        call("call-next");
    QVERIFY(m_sms.waitFor(2));
    const QJsonObject called = QJsonDocument::fromJson(m_sms.requests.at(1).body).object();
    QCOMPARE(called.value(u"TemplateCode"_s).toString(), u"SMS_CALLED"_s);
    QCOMPARE(called.value(u"TemplateParam"_s).toObject().value(u"window"_s).toString(), u"1"_s);

    call("miss"); // callable again after the hall's 10 minutes
    m_clock.advanceSecs(9 * 60);
    QTest::qWait(1300);
    QCOMPARE(m_sms.requests.size(), 2);
    m_clock.advanceSecs(60);
    QVERIFY(m_sms.waitFor(3));
    QCOMPARE(QJsonDocument::fromJson(m_sms.requests.at(2).body).object().value(u"TemplateCode"_s).toString(), u"SMS_RECALL"_s);

    // Called again and more ticks: each reminder at most once.
    call("call-next");
    QTest::qWait(1300);
    QCOMPARE(m_sms.requests.size(), 3);
    QVERIFY(QTest::qWaitFor([&] { return notifications(u"sent"_s).size() == 3; }, 5000));
    const QJsonObject sent = notifications(u"sent"_s).at(0).toObject();
    QCOMPARE(sent.value(u"phone"_s).toString(), u"138****8000"_s);
    QCOMPARE(sent.value(u"number"_s).toString(), u"A006"_s);
    QCOMPARE(sent.value(u"attempts"_s).toInt(), 1);
}

void TstServerNotify::phoneSealedAndGoneWhenTheTicketCloses()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/3/login"_s, {{u"officer"_s, u"officer03"_s}}).status == 200, "window 3");
    const qint64 done = issue(u"HJ"_s, Phone);
    const qint64 cleared = issue(u"CRJ"_s, u"13912345678"_s);
    QVERIFY(done && cleared);
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 2);

    // Sealed at rest: the row holds no digit string of the phone, nor does the file.
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT phone, masked FROM ticket_phones WHERE ticket_id = %1"_s.arg(done)) && q.next());
    QVERIFY(!q.value(0).toByteArray().contains(Phone.toLatin1()));
    QCOMPARE(q.value(1).toString(), u"138****8000"_s);
    q.finish();
    if (m_backend == "sqlite"_L1) {
        for (const QString &suffix : {QString(), u"-wal"_s}) {
            QFile f(m_location + suffix);
            if (f.open(QIODevice::ReadOnly)) {
                const QByteArray bytes = f.readAll();
                QVERIFY2(!bytes.contains("13800138000") && !bytes.contains("13912345678"), qPrintable(f.fileName()));
            }
        }
    }

    call("call-next");
    QVERIFY(QTest::qWaitFor([&] { return notifications(u"sent"_s).size() == 1; }, 5000)); // called
    m_sms.status = 503;       // the next one stays pending …
    call("finish");            // … A001 done: its phone goes in the same commit
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones WHERE ticket_id = %1"_s.arg(done)), 0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 1);

    // End-of-day clearing closes the other; a reminder still pending is dropped with it.
    call("call-next", u"3"_s);
    QVERIFY(QTest::qWaitFor([&] { return count(u"SELECT attempts FROM notifications WHERE ticket_id = %1"_s.arg(cleared)) == 1; }, 5000));
    QCOMPARE(as("POST", u"/api/v1/halls/swzx/clear"_s, QJsonObject{}).status, 200);
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM notifications WHERE status = 'dropped'"_s), 1);
    QVERIFY(notifications().isEmpty());
    QCOMPARE(m_server->notifications().trackedCount(), 0);
}

void TstServerNotify::gatewayDownRetriedThenDelivered()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    QWebSocket events;
    QList<QJsonObject> failed;
    connect(&events, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
        const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
        if (m.value(u"type"_s) == "notification.failed"_L1)
            failed.append(m.value(u"data"_s).toObject());
    });
    events.open(test::eventRequest(m_server->port(), m_client->token));
    QVERIFY(QTest::qWaitFor([&] { return events.state() == QAbstractSocket::ConnectedState; }, 5000));

    m_sms.stop(); // the platform is down: connection refused
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    const qint64 id = issue(u"HJ"_s, Phone);
    call("call-next"); // answered at once: the text never holds up a call
    QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty(); }, 8000));
    QCOMPARE(failed.at(0).value(u"ticketId"_s).toInteger(), id);
    QCOMPARE(failed.at(0).value(u"reminder"_s).toString(), u"called"_s);
    QCOMPARE(failed.at(0).value(u"final"_s).toBool(), false);
    QVERIFY(!failed.at(0).contains(u"phone"_s));
    QJsonArray pending = notifications();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.at(0).toObject().value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(pending.at(0).toObject().value(u"attempts"_s).toInt(), 1);
    QCOMPARE(pending.at(0).toObject().value(u"phone"_s).toString(), u"138****8000"_s);
    QVERIFY(!pending.at(0).toObject().value(u"lastError"_s).toString().contains(Phone));

    // Back up on its old address; the retry waits for its time (30 s of the hall's clock).
    QVERIFY(m_sms.start(true));
    QTest::qWait(1200);
    QCOMPARE(m_sms.requests.size(), 0);
    m_clock.advanceSecs(31);
    QVERIFY(m_sms.waitFor(1));
    QVERIFY(QTest::qWaitFor([&] { return notifications(u"sent"_s).size() == 1; }, 5000));
    QCOMPARE(notifications(u"sent"_s).at(0).toObject().value(u"attempts"_s).toInt(), 2);
    QVERIFY(notifications().isEmpty());
}

void TstServerNotify::failuresGiveUpAndShow()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url(), 2), &err), qPrintable(err));
    m_sms.status = 200;
    m_sms.answer = R"({"Code":"isv.BUSINESS_LIMIT_CONTROL"})"; // 200, but the platform refused
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    QVERIFY(issue(u"HJ"_s, Phone));
    call("call-next");
    QVERIFY(QTest::qWaitFor([&] { return count(u"SELECT attempts FROM notifications"_s) == 1; }, 5000));
    m_clock.advanceSecs(31);
    QVERIFY(m_sms.waitFor(2));
    QVERIFY(QTest::qWaitFor([&] { return notifications(u"failed"_s).size() == 1; }, 5000));
    const QJsonObject f = notifications(u"failed"_s).at(0).toObject();
    QCOMPARE(f.value(u"attempts"_s).toInt(), 2);
    QVERIFY2(f.value(u"lastError"_s).toString().contains(u"Code"_s), qPrintable(f.value(u"lastError"_s).toString()));
    QCOMPARE(notifications().size(), 1); // the default list: pending and failed
    m_clock.advanceSecs(3600);
    QTest::qWait(1300);
    QCOMPARE(m_sms.requests.size(), 2); // given up: no third attempt
}

void TstServerNotify::restartSendsNoDuplicate()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    const qint64 a = issue(u"HJ"_s, Phone);
    const qint64 b = issue(u"HJ"_s, u"13912345678"_s);
    QVERIFY(a && b);
    call("call-next"); // A001 called: sent
    QVERIFY(m_sms.waitFor(1));
    QVERIFY(QTest::qWaitFor([&] { return notifications(u"sent"_s).size() == 1; }, 5000));
    m_sms.status = 503;
    call("call-next"); // A002 called: pending after a failure
    QVERIFY(QTest::qWaitFor([&] { return count(u"SELECT attempts FROM notifications WHERE ticket_id = %1"_s.arg(b)) == 1; }, 5000));

    QVERIFY2(restart(&err), qPrintable(err));
    m_sms.status = 200;
    m_clock.advanceSecs(31);
    QVERIFY(m_sms.waitFor(3)); // the pending one, once
    call("recall");            // A002 called again: no second text
    m_clock.advanceSecs(3600);
    QTest::qWait(1300);
    QCOMPARE(m_sms.requests.size(), 3);
    QCOMPARE(count(u"SELECT COUNT(*) FROM notifications WHERE status = 'sent'"_s), 2);

    // Another key at restart is refused, not used to seal beside the first.
    m_options.personalKey = security::crypto::randomBytes(32);
    QVERIFY(!restart(&err));
    QVERIFY2(err.contains(u"key"_s), qPrintable(err));
}

void TstServerNotify::logGatewayNeverLogsThePhone()
{
    static QStringList logged;
    logged.clear();
    const QtMessageHandler previous = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &msg) { logged.append(msg); });
    QLoggingCategory::setFilterRules(u"hall.*.info=true"_s);
    QString err;
    const bool started = startServer(QJsonObject{{u"type"_s, u"log"_s},
                                                 {u"templates"_s, QJsonObject{{u"ahead"_s, u"T1"_s}, {u"called"_s, u"T2"_s}, {u"recallable"_s, u"T3"_s}}}},
                                     &err);
    bool ok = started && as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200;
    ok = ok && issue(u"HJ"_s, Phone) > 0;
    if (ok)
        call("call-next");
    const bool seen = QTest::qWaitFor([&] { return logged.join(u'\n').contains(u"T2"_s); }, 5000);
    QLoggingCategory::setFilterRules(QString());
    qInstallMessageHandler(previous);
    QVERIFY2(started, qPrintable(err));
    QVERIFY(ok && seen);
    const QString all = logged.join(u'\n');
    QVERIFY(all.contains(u"A001"_s));
    QVERIFY(!all.contains(Phone));
    QVERIFY(!all.contains(u"138****8000"_s));
}

void TstServerNotify::badConfigurationIsAClearError()
{
    const auto parse = [](QJsonObject gateway) {
        server::NotifyConfig c;
        QString err;
        server::NotifyConfig::parse(QJsonObject{{u"gateway"_s, gateway}}, &c, &err);
        return err;
    };
    QJsonObject g = httpGateway(u"http://127.0.0.1:1/x"_s);
    QCOMPARE(parse(g), QString());
    g[u"body"_s] = u"{\"to\":\"{phon}\"}"_s;
    QVERIFY2(parse(g).contains(u"gateway.body: unknown placeholder {phon}"_s), qPrintable(parse(g)));
    g = httpGateway(u"ftp://sms.example/x"_s);
    QVERIFY2(parse(g).contains(u"gateway.url"_s), qPrintable(parse(g)));
    g = httpGateway(u"http://127.0.0.1:1/x"_s);
    g[u"templates"_s] = QJsonObject{{u"ahead"_s, u"A"_s}, {u"called"_s, u"C"_s}};
    QVERIFY2(parse(g).contains(u"gateway.templates.recallable"_s), qPrintable(parse(g)));
    g = httpGateway(u"http://127.0.0.1:1/x"_s);
    g[u"maxAttempts"_s] = 0;
    QVERIFY2(parse(g).contains(u"gateway.maxAttempts"_s), qPrintable(parse(g)));
    g = httpGateway(u"http://127.0.0.1:1/x"_s);
    g[u"appSecret"_s] = QString();
    QVERIFY2(parse(g).contains(u"{hmac} needs an appSecret"_s), qPrintable(parse(g)));
    g = httpGateway(u"http://127.0.0.1:1/x"_s);
    g[u"retries"_s] = 3;
    QVERIFY2(parse(g).contains(u"retries"_s), qPrintable(parse(g)));

    // The file holds the app secret: its owner's only.
    const QString file = m_dir.filePath(u"notify.json"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(QJsonObject{{u"gateway"_s, httpGateway(u"http://127.0.0.1:1/x"_s)}}).toJson());
    f.close();
    server::NotifyConfig c;
    QString err;
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    QVERIFY(!server::NotifyConfig::readFile(file, &c, &err));
    QVERIFY2(err.contains(u"chmod 600"_s), qPrintable(err));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY2(server::NotifyConfig::readFile(file, &c, &err), qPrintable(err));

    // A gateway without the key that seals phones: the server refuses to start.
    QVERIFY2(server::openServerDatabase(m_location, &m_db, &err) == storage::OpenResult::Ok, qPrintable(err));
    server::ServerOptions options;
    options.port = 0;
    options.notify = c;
    server::HallServer s(m_db.get(), &m_clock, options);
    QVERIFY(!s.loadHalls(&err));
    QVERIFY2(err.contains(u"--personal-key"_s), qPrintable(err));

    // remindAhead is checked with the hall's configuration.
    QFile demo(qEnvironmentVariable("HALL_SOURCE_DIR") + u"/resources/demo/demo-hall.json"_s);
    QVERIFY(demo.open(QIODevice::ReadOnly));
    QJsonObject hall = QJsonDocument::fromJson(demo.readAll()).object();
    QJsonArray businesses = hall[u"businesses"_s].toArray();
    QJsonObject hj = businesses[0].toObject();
    hj[u"remindAhead"_s] = 100;
    businesses[0] = hj;
    hall[u"businesses"_s] = businesses;
    core::HallConfig cfg;
    QString cfgError;
    QVERIFY(!core::HallConfig::fromJson(hall, &cfg, &cfgError));
    QVERIFY2(cfgError.contains(u"businesses[0].remindAhead: must be between 0 and 99"_s), qPrintable(cfgError));
}

void TstServerNotify::reminderPhoneIsChecked()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    const test::Answer a = as("POST", u"/api/v1/halls/swzx/tickets"_s, {{u"business"_s, u"HJ"_s}, {u"phone"_s, u"1380013"_s}});
    QCOMPARE(a.status, 400);
    QCOMPARE(a.errorCode(), u"invalid_input"_s);
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 0);
    // A hall's supervisors see the list; a kiosk does not.
    QVERIFY(m_client->signIn(u"kiosk1"_s, u"demo-kiosk-2026"_s));
    QCOMPARE(as("GET", u"/api/v1/halls/swzx/notifications"_s).status, 403);
    QVERIFY(m_client->signIn(u"supervisor"_s, u"demo-super-2026"_s));
    QCOMPARE(as("GET", u"/api/v1/halls/swzx/notifications?status=lost"_s).status, 400);
}

// A ticket taken by mobile number is reminded on that number: the identity is the phone.
void TstServerNotify::phoneTicketIsReminded()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    const test::Answer a = as("POST", u"/api/v1/halls/swzx/tickets"_s, {{u"business"_s, u"HJ"_s}, {u"source"_s, u"phone"_s}, {u"phone"_s, Phone}});
    QVERIFY2(a.status == 201, qPrintable(a.describe()));
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 1);
    call("call-next");
    QVERIFY(m_sms.waitFor(1));
    const QJsonObject body = QJsonDocument::fromJson(m_sms.requests.at(0).body).object();
    QCOMPARE(body.value(u"PhoneNumbers"_s).toString(), Phone);
    QCOMPARE(body.value(u"TemplateCode"_s).toString(), u"SMS_CALLED"_s);
}

// Offline tickets (docs/sync.md): the phone that came sealed in the kiosk's outbox, opened
// for the push, is kept sealed here like an online ticket's — the identity (source phone) or
// for reminders only (touch, ID card); a bad reminder number costs the reminders, not the
// ticket; an entry pushed again keeps one phone row.
void TstServerNotify::offlineTicketKeepsItsPhone()
{
    QString err;
    QVERIFY2(startServer(httpGateway(m_sms.url()), &err), qPrintable(err));
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    test::Client kiosk(m_server->port());
    QVERIFY(kiosk.signIn(u"kiosk1"_s, u"demo-kiosk-2026"_s));
    const QString device = u"kiosk-notify"_s;
    const test::Answer l = kiosk.call("POST", u"/api/v1/halls/swzx/leases"_s, {{u"business"_s, u"HJ"_s}, {u"size"_s, 5}, {u"device"_s, device}});
    QVERIFY2(l.status == 201, qPrintable(l.describe()));
    const int from = l.body.value(u"lease"_s).toObject().value(u"from"_s).toInt();
    m_clock.advanceSecs(60); // printed a minute after the lease, while the server was away
    const QString issuedAt = m_clock.now().toString(Qt::ISODateWithMs);
    const auto entry = [&](int i, const QJsonObject &extra) {
        QJsonObject data{{u"business"_s, u"HJ"_s}, {u"seq"_s, from + i}, {u"issuedAt"_s, issuedAt}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            data.insert(it.key(), it.value());
        return QJsonObject{{u"seq"_s, i + 1}, {u"key"_s, QUuid::createUuid().toString(QUuid::WithoutBraces)},
                           {u"kind"_s, u"ticket.offline"_s}, {u"data"_s, data}};
    };
    const QJsonArray entries{entry(0, {{u"source"_s, u"touch"_s}, {u"phone"_s, Phone}}),
                             entry(1, {{u"source"_s, u"phone"_s}, {u"phone"_s, u"13912345678"_s}}),
                             entry(2, {{u"source"_s, u"touch"_s}, {u"phone"_s, u"1234"_s}})};
    const QJsonObject push{{u"device"_s, device}, {u"epoch"_s, 1}, {u"entries"_s, entries}};
    const test::Answer p = kiosk.call("POST", u"/api/v1/halls/swzx/sync/push"_s, push);
    QVERIFY2(p.status == 200, qPrintable(p.describe()));
    for (const QJsonValue &o : p.body.value(u"outcomes"_s).toArray())
        QVERIFY2(o.toObject().value(u"status"_s).toString() == "applied"_L1, qPrintable(p.describe()));
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 2);
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT phone, masked FROM ticket_phones ORDER BY ticket_id"_s) && q.next());
    QVERIFY(!q.value(0).toByteArray().contains(Phone.toLatin1()));
    QCOMPARE(q.value(1).toString(), u"138****8000"_s);
    q.finish();
    QCOMPARE(kiosk.call("POST", u"/api/v1/halls/swzx/sync/push"_s, push).status, 200);
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 2);

    call("call-next"); // the first offline ticket: called
    QVERIFY(m_sms.waitFor(1));
    QJsonObject body = QJsonDocument::fromJson(m_sms.requests.at(0).body).object();
    QCOMPARE(body.value(u"PhoneNumbers"_s).toString(), Phone);
    QCOMPARE(body.value(u"TemplateCode"_s).toString(), u"SMS_CALLED"_s);
    call("call-next");
    QVERIFY(m_sms.waitFor(2));
    body = QJsonDocument::fromJson(m_sms.requests.at(1).body).object();
    QCOMPARE(body.value(u"PhoneNumbers"_s).toString(), u"13912345678"_s);
    call("call-next"); // the one with the bad number: no text
    QTest::qWait(500);
    QCOMPARE(m_sms.requests.size(), 2);
}

// Finished notifications (sent, failed, dropped) go after the retention, checked at start and
// once a day of the hall's clock; newer ones stay.
void TstServerNotify::finishedNotificationsArePruned()
{
    server::NotifyConfig c;
    QString err;
    const QJsonObject log{{u"type"_s, u"log"_s}, {u"templates"_s, QJsonObject{{u"ahead"_s, u"T1"_s}, {u"called"_s, u"T2"_s}, {u"recallable"_s, u"T3"_s}}}};
    QVERIFY2(server::NotifyConfig::parse(QJsonObject{{u"gateway"_s, log}}, &c, &err), qPrintable(err));
    QCOMPARE(c.retentionDays, 90);
    QVERIFY(!server::NotifyConfig::parse(QJsonObject{{u"gateway"_s, log}, {u"retentionDays"_s, 0}}, &c, &err));
    QVERIFY2(err.contains(u"retentionDays"_s), qPrintable(err));

    QVERIFY2(startServer(httpGateway(m_sms.url()), &err, {{u"retentionDays"_s, 30}}), qPrintable(err));
    QVERIFY2(as("POST", u"/api/v1/halls/swzx/windows/1/login"_s, {{u"officer"_s, u"officer01"_s}}).status == 200, "window 1");
    QVERIFY(issue(u"HJ"_s, Phone));
    call("call-next");
    QVERIFY(QTest::qWaitFor([&] { return count(u"SELECT COUNT(*) FROM notifications WHERE status = 'sent'"_s) == 1; }, 5000));
    call("finish");
    QCOMPARE(count(u"SELECT COUNT(*) FROM ticket_phones"_s), 0);

    m_clock.advanceSecs(29 * 86400); // a daily check: 29 days old, kept
    QTest::qWait(1500);
    QCOMPARE(count(u"SELECT COUNT(*) FROM notifications"_s), 1);
    m_clock.advanceSecs(2 * 86400); // 31 days old: gone
    QVERIFY(QTest::qWaitFor([&] { return count(u"SELECT COUNT(*) FROM notifications"_s) == 0; }, 5000));

    // At start too: an old row in the table is gone once the server is up.
    QSqlQuery q(m_db->connection());
    QVERIFY2(q.exec(u"INSERT INTO notifications (ticket_id, trigger_name, hall_id, number, business, window_number, ahead, masked, status, "
                    "attempts, next_at, last_error, created_at, sent_at) VALUES (999999, 'called', 1, 'A999', 'HJ', '1', 0, '138****8000', "
                    "'failed', 5, 0, 'HTTP 503', %1, NULL)"_s.arg(m_clock.now().addDays(-40).toMSecsSinceEpoch())),
             qPrintable(q.lastError().text()));
    q.finish();
    QVERIFY2(restart(&err), qPrintable(err));
    QCOMPARE(count(u"SELECT COUNT(*) FROM notifications"_s), 0);
}

QTEST_GUILESS_MAIN(TstServerNotify)
#include "tst_server_notify.moc"
