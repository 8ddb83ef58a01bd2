// Device status and the voice's announcements (issue 10): hall-server in this process on SQLite or
// on the PostgreSQL that scripts/lib.sh starts (HALL_TEST_BACKEND), the demo hall's device and
// supervisor accounts, the supervisor's real event stream.

#include "harness.h"

#include <QJsonArray>
#include <QWebSocket>

using namespace hall;
using namespace Qt::StringLiterals;

namespace {

const QString Status = u"/api/v1/halls/swzx/devices/%1/status"_s;
const QString Devices = u"/api/v1/halls/swzx/devices"_s;

QJsonObject printer(const QString &state, const QString &message = {})
{
    QJsonObject p{{u"part"_s, u"printer"_s}, {u"state"_s, state}};
    if (!message.isEmpty())
        p.insert(u"message"_s, message);
    return QJsonObject{{u"parts"_s, QJsonArray{p, QJsonObject{{u"part"_s, u"idcard"_s}, {u"state"_s, u"ok"_s}}}}, {u"every"_s, 60}};
}

// An event stream that keeps every message but the summaries.
class Stream : public QObject
{
public:
    QList<QJsonObject> events;
    bool open(quint16 port, const QString &token)
    {
        connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            if (m.value(u"type"_s) != "queue.summary"_L1 && m.value(u"type"_s) != "hello"_L1)
                events.append(m);
            if (m.value(u"type"_s) == "hello"_L1)
                m_hello = true;
        });
        m_socket.open(test::eventRequest(port, token));
        return QTest::qWaitFor([&] { return m_hello; }, 5000);
    }
    QList<QJsonObject> of(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : events) {
            if (m.value(u"type"_s).toString() == type)
                out.append(m.value(u"data"_s).toObject());
        }
        return out;
    }
    bool waitFor(const QString &type, qsizetype count, int ms = 5000)
    {
        return QTest::qWaitFor([&] { return of(type).size() >= count; }, ms);
    }

private:
    QWebSocket m_socket;
    bool m_hello = false;
};

} // namespace

class TstServerDevices : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void reportKeptListedAndStreamed();
    void heartbeatIsNoNewsAChangeIs();
    void silentDeviceCountsAsUnreachable();
    void lastStateSurvivesARestart();
    void anotherAccountsDeviceIsRefused();
    void badReportsAreRefused_data();
    void badReportsAreRefused();
    void announcementsAreRelayed();
    void badAnnouncementsAreRefused();

private:
    bool start(QString *error);
    std::unique_ptr<test::Client> signedIn(const QString &login, const QString &password);
    QJsonObject listed(const QString &device);

    QTemporaryDir m_dir;
    QString m_location;
    core::ManualClock m_clock{QDateTime(QDate(2026, 11, 23), QTime(9, 0))};
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<server::HallServer> m_server;
    std::unique_ptr<test::Client> m_kiosk;
    std::unique_ptr<test::Client> m_supervisor;
};

void TstServerDevices::init()
{
    QVERIFY(m_dir.isValid());
    m_clock.set(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
    QString error;
    QVERIFY2(test::freshDatabase(m_dir, u"hall_devices"_s, &m_location, &error), qPrintable(error));
    QVERIFY2(server::openServerDatabase(m_location, &m_db, &error) == storage::OpenResult::Ok, qPrintable(error));
    QString summary;
    QVERIFY2(server::seedHall(m_db.get(), qEnvironmentVariable("HALL_SOURCE_DIR") + u"/resources/demo/demo-hall.json"_s, &summary, &error),
             qPrintable(error));
    QVERIFY2(start(&error), qPrintable(error));
}

void TstServerDevices::cleanup()
{
    m_kiosk.reset();
    m_supervisor.reset();
    m_server.reset();
    m_db.reset();
}

bool TstServerDevices::start(QString *error)
{
    m_kiosk.reset();
    m_supervisor.reset();
    m_server.reset();
    server::ServerOptions options;
    options.port = 0;
    options.fakeClock = true;
    options.demo = true;
    options.blobFolder = m_dir.filePath(u"blobs"_s);
    m_server = std::make_unique<server::HallServer>(m_db.get(), &m_clock, options);
    if (!m_server->loadHalls(error) || !m_server->start(error))
        return false;
    m_kiosk = signedIn(u"kiosk1"_s, u"demo-kiosk-2026"_s);
    m_supervisor = signedIn(u"supervisor"_s, u"demo-super-2026"_s);
    return m_kiosk && m_supervisor;
}

std::unique_ptr<test::Client> TstServerDevices::signedIn(const QString &login, const QString &password)
{
    auto c = std::make_unique<test::Client>(m_server->port());
    if (!c->signIn(login, password))
        return {};
    return c;
}

QJsonObject TstServerDevices::listed(const QString &device)
{
    const test::Answer a = m_supervisor->get(Devices);
    for (const QJsonValue &v : a.body.value(u"devices"_s).toArray()) {
        if (v.toObject().value(u"device"_s).toString() == device)
            return v.toObject();
    }
    return {};
}

void TstServerDevices::reportKeptListedAndStreamed()
{
    Stream stream;
    QVERIFY(stream.open(m_server->port(), m_supervisor->token));
    const test::Answer a = m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"paper_out"_s, u"纸已用完"_s));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(u"device"_s).toObject().value(u"condition"_s).toString(), u"fault"_s);

    QVERIFY(stream.waitFor(u"device.status"_s, 1));
    const QJsonObject event = stream.of(u"device.status"_s).constFirst();
    QCOMPARE(event.value(u"device"_s).toString(), u"kiosk-01"_s);
    QCOMPARE(event.value(u"role"_s).toString(), u"kiosk"_s);
    QCOMPARE(event.value(u"parts"_s).toArray().at(0).toObject().value(u"state"_s).toString(), u"paper_out"_s);
    QCOMPARE(event.value(u"parts"_s).toArray().at(0).toObject().value(u"message"_s).toString(), u"纸已用完"_s);

    m_clock.advanceSecs(20);
    const QJsonObject d = listed(u"kiosk-01"_s);
    QCOMPARE(d.value(u"account"_s).toString(), u"kiosk1"_s);
    QCOMPARE(d.value(u"condition"_s).toString(), u"fault"_s);
    QCOMPARE(d.value(u"reachable"_s).toBool(), true);
    QCOMPARE(d.value(u"silentSeconds"_s).toInt(), 20);
    QCOMPARE(d.value(u"reportedAt"_s).toString(), u"2026-11-23T09:00:00.000"_s);
    QCOMPARE(d.value(u"parts"_s).toArray().size(), 2);

    // Low paper is a warning, not a fault; the device's own time of the change is kept.
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), [] {
        QJsonObject b = printer(u"paper_low"_s);
        b.insert(u"age"_s, 10);
        return b;
    }()).status == 200);
    QCOMPARE(listed(u"kiosk-01"_s).value(u"condition"_s).toString(), u"warning"_s);
    QCOMPARE(listed(u"kiosk-01"_s).value(u"observedAt"_s).toString(), u"2026-11-23T09:00:10.000"_s);
    QCOMPARE(listed(u"kiosk-01"_s).value(u"reportedAt"_s).toString(), u"2026-11-23T09:00:20.000"_s);
}

void TstServerDevices::heartbeatIsNoNewsAChangeIs()
{
    Stream stream;
    QVERIFY(stream.open(m_server->port(), m_supervisor->token));
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"ok"_s)).status == 200);
    QVERIFY(stream.waitFor(u"device.status"_s, 1));
    for (int i = 0; i < 3; ++i) {
        m_clock.advanceSecs(60);
        QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"ok"_s)).status == 200);
    }
    QCOMPARE(listed(u"kiosk-01"_s).value(u"reportedAt"_s).toString(), u"2026-11-23T09:03:00.000"_s);
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"paper_out"_s)).status == 200);
    QVERIFY(stream.waitFor(u"device.status"_s, 2));
    QTest::qWait(300);
    QCOMPARE(stream.of(u"device.status"_s).size(), 2); // the heartbeats in between said nothing new
    QCOMPARE(stream.of(u"device.status"_s).at(1).value(u"condition"_s).toString(), u"fault"_s);
}

void TstServerDevices::silentDeviceCountsAsUnreachable()
{
    Stream stream;
    QVERIFY(stream.open(m_server->port(), m_supervisor->token));
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"ok"_s)).status == 200);
    QVERIFY(stream.waitFor(u"device.status"_s, 1));

    m_clock.advanceSecs(170); // within three intervals of 60 s
    QTest::qWait(1200);       // a tick of the server's clock
    QCOMPARE(stream.of(u"device.status"_s).size(), 1);
    QCOMPARE(listed(u"kiosk-01"_s).value(u"reachable"_s).toBool(), true);

    m_clock.advanceSecs(20);
    QVERIFY(stream.waitFor(u"device.status"_s, 2, 3000));
    QCOMPARE(stream.of(u"device.status"_s).at(1).value(u"reachable"_s).toBool(), false);
    QCOMPARE(stream.of(u"device.status"_s).at(1).value(u"silentSeconds"_s).toInt(), 190);
    QCOMPARE(listed(u"kiosk-01"_s).value(u"reachable"_s).toBool(), false);
    QTest::qWait(1200);
    QCOMPARE(stream.of(u"device.status"_s).size(), 2); // said once

    // Heard again, unchanged: that it is back is news.
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"ok"_s)).status == 200);
    QVERIFY(stream.waitFor(u"device.status"_s, 3));
    QCOMPARE(stream.of(u"device.status"_s).at(2).value(u"reachable"_s).toBool(), true);
}

void TstServerDevices::lastStateSurvivesARestart()
{
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"paper_out"_s)).status == 200);
    QString error;
    QVERIFY2(start(&error), qPrintable(error));
    const QJsonObject d = listed(u"kiosk-01"_s);
    QCOMPARE(d.value(u"condition"_s).toString(), u"fault"_s);
    QCOMPARE(d.value(u"parts"_s).toArray().at(0).toObject().value(u"state"_s).toString(), u"paper_out"_s);
    // And the name still belongs to its account.
    auto other = signedIn(u"kiosk2"_s, u"demo-kiosk-2026"_s);
    QCOMPARE(other->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"ok"_s)).errorCode(), u"wrong_device"_s);
}

void TstServerDevices::anotherAccountsDeviceIsRefused()
{
    QVERIFY(m_kiosk->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"paper_out"_s)).status == 200);
    auto other = signedIn(u"kiosk2"_s, u"demo-kiosk-2026"_s);
    QVERIFY(other);
    const test::Answer a = other->call("PUT", Status.arg(u"kiosk-01"_s), printer(u"ok"_s));
    QVERIFY2(a.status == 403 && a.errorCode() == "wrong_device"_L1, qPrintable(a.describe()));
    QCOMPARE(listed(u"kiosk-01"_s).value(u"condition"_s).toString(), u"fault"_s);
    // Its own name is its own; people do not report as devices.
    QVERIFY(other->call("PUT", Status.arg(u"kiosk-02"_s), printer(u"ok"_s)).status == 200);
    QCOMPARE(m_supervisor->call("PUT", Status.arg(u"kiosk-03"_s), printer(u"ok"_s)).status, 403);
    QCOMPARE(m_supervisor->get(Devices).body.value(u"devices"_s).toArray().size(), 2);
}

void TstServerDevices::badReportsAreRefused_data()
{
    QTest::addColumn<QString>("device");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message"); // a piece of the error's message

    QTest::newRow("name starts with a dash") << u"-kiosk"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}]})") << u"device:"_s;
    QTest::newRow("name too long") << QString(65, u'k') << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}]})") << u"device:"_s;
    QTest::newRow("no parts") << u"k1"_s << QByteArray(R"({"every":60})") << u"parts:"_s;
    QTest::newRow("empty parts") << u"k1"_s << QByteArray(R"({"parts":[]})") << u"parts:"_s;
    QTest::newRow("unknown field") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}],"paper":1})") << u"paper: unknown"_s;
    QTest::newRow("unknown state") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"empty"}]})") << u"parts[0].state"_s;
    QTest::newRow("part twice") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"},{"part":"printer","state":"ok"}]})")
                                << u"parts[1].part"_s;
    QTest::newRow("bad part name") << u"k1"_s << QByteArray(R"({"parts":[{"part":"Printer 1","state":"ok"}]})") << u"parts[0].part"_s;
    QTest::newRow("part not an object") << u"k1"_s << QByteArray(R"({"parts":["printer"]})") << u"parts[0]"_s;
    QTest::newRow("unknown part field") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok","x":1}]})") << u"parts[0].x"_s;
    QTest::newRow("long message") << u"k1"_s
                                  << (QByteArray(R"({"parts":[{"part":"printer","state":"error","message":")") + QByteArray(201, 'x') + "\"}]}")
                                  << u"parts[0].message"_s;
    QTest::newRow("every too short") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}],"every":1})") << u"every:"_s;
    QTest::newRow("every a text") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}],"every":"60"})") << u"every:"_s;
    QTest::newRow("age negative") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}],"age":-5})") << u"age:"_s;
    QTest::newRow("age a time") << u"k1"_s << QByteArray(R"({"parts":[{"part":"printer","state":"ok"}],"age":"2026-11-23T09:00:00"})")
                                << u"age:"_s;
}

void TstServerDevices::badReportsAreRefused()
{
    QFETCH(QString, device);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const test::Answer a = m_kiosk->call("PUT", Status.arg(device), body);
    QVERIFY2(a.status == 400 && a.errorCode() == "invalid_input"_L1, qPrintable(a.describe()));
    const QString text = a.body.value(u"error"_s).toObject().value(u"message"_s).toString();
    QVERIFY2(text.contains(message), qPrintable(text));
    QCOMPARE(m_supervisor->get(Devices).body.value(u"devices"_s).toArray().size(), 0); // nothing kept
}

void TstServerDevices::announcementsAreRelayed()
{
    auto bridge = signedIn(u"callerbus1"_s, u"demo-caller-2026"_s);
    auto display = signedIn(u"display1"_s, u"demo-display-2026"_s);
    QVERIFY(bridge && display);
    Stream wall;
    QVERIFY(wall.open(m_server->port(), display->token));
    test::Answer a = bridge->call("POST", u"/api/v1/halls/swzx/announcements"_s, QJsonObject{{u"call"_s, u"A001@3"_s}, {u"state"_s, u"started"_s}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    a = bridge->call("POST", u"/api/v1/halls/swzx/announcements"_s, QJsonObject{{u"call"_s, u"A001@3"_s}, {u"state"_s, u"finished"_s}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QVERIFY(wall.waitFor(u"announcement.finished"_s, 1));
    QCOMPARE(wall.of(u"announcement.started"_s).size(), 1);
    const QJsonObject finished = wall.of(u"announcement.finished"_s).constFirst();
    QCOMPARE(finished.value(u"call"_s).toString(), u"A001@3"_s);
    QCOMPARE(finished.value(u"number"_s).toString(), u"A001"_s);
    QCOMPARE(finished.value(u"window"_s).toString(), u"3"_s);
    // In the order said.
    QCOMPARE(wall.events.at(0).value(u"type"_s).toString(), u"announcement.started"_s);
    // Only the caller bus speaks for the voice.
    QCOMPARE(display->call("POST", u"/api/v1/halls/swzx/announcements"_s, QJsonObject{{u"call"_s, u"A001@3"_s}, {u"state"_s, u"finished"_s}}).status,
             403);
}

void TstServerDevices::badAnnouncementsAreRefused()
{
    auto bridge = signedIn(u"callerbus1"_s, u"demo-caller-2026"_s);
    QVERIFY(bridge);
    const QList<std::pair<QJsonObject, QString>> cases{
        {{{u"call"_s, u"A001"_s}, {u"state"_s, u"finished"_s}}, u"call:"_s},
        {{{u"call"_s, u"A001@99"_s}, {u"state"_s, u"finished"_s}}, u"99"_s},
        {{{u"call"_s, u"A001@3"_s}, {u"state"_s, u"done"_s}}, u"state:"_s},
        {{{u"call"_s, u"A001@3"_s}, {u"state"_s, u"finished"_s}, {u"volume"_s, 3}}, u"volume: unknown"_s},
    };
    for (const auto &[body, message] : cases) {
        const test::Answer a = bridge->call("POST", u"/api/v1/halls/swzx/announcements"_s, body);
        QVERIFY2(a.status == 400 && a.body.value(u"error"_s).toObject().value(u"message"_s).toString().contains(message), qPrintable(a.describe()));
    }
}

QTEST_GUILESS_MAIN(TstServerDevices)
#include "tst_server_devices.moc"
