// hall-bridge's controller with real parts end to end: the real hall-server in this process
// (SQLite, HTTP and WebSocket on loopback; ../unit/server/harness.h), the real driver plugins
// loaded by the DeviceManager on their own threads, talking through real QSerialPorts to the pty
// emulators of tests/emulators (two ledbar RS-485 buses, an Onbon BX-6E controller, a caller
// bus with callers and an evaluator), the voice module's clip engine writing WAV files, and a
// real SQLite sync cache whose outbox carries the ratings.

#include "../unit/server/harness.h"
#include "../unit/net/netawait.h"

#include <childlog.h>

#include <bridge/bridgeconfig.h>
#include <bridge/bridgecontroller.h>
#include <display/callqueue.h>
#include <display/displaycontroller.h>
#include <display/displaysettings.h>
#include <display/layout.h>

#include <callerbusemulator.h>
#include <ledbaremulator.h>
#include <onbonemulator.h>
#include <textrender.h>

#include <core/clock.h>
#include <devices/devicemanager.h>
#include <devices/pluginloader.h>
#include <net/devicereporter.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <sync/cache.h>
#include <sync/engine.h>
#include <voice/announcer.h>
#include <voice/cliplibrary.h>
#include <voice/phrase.h>

#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlQuery>

using namespace hall;
using bridge::BridgeConfig;
using bridge::BridgeController;
using devices::CallerEvent;
using Key = devices::CallerEvent::Key;
namespace ob = hall::drivers::onbon;

namespace {

const QString Hall = QStringLiteral("/api/v1/halls/swzx");

QString onbonFont()
{
    const QStringList fonts = ob::TextRenderer::defaultFonts();
    const auto it = std::find_if(fonts.cbegin(), fonts.cend(), [](const QString &f) { return QFileInfo::exists(f); });
    return it == fonts.cend() ? QString() : *it;
}

// The bridge file of this hall: windows 1 and 2 on bus A, window 4 on bus B, window 3 on the
// Onbon controller; callers 1 and 2 at windows 1 and 2, the evaluator 101 at window 1.
const char BridgeFile[] = R"({
  "bars": [
    {"window": "1", "device": "ledbar-a", "address": 1},
    {"window": "2", "device": "ledbar-a", "address": 2},
    {"window": "4", "device": "ledbar-b", "address": 4},
    {"window": "3", "device": "ledbar-onbon", "address": 1}
  ],
  "callers": [{"address": 1, "window": "1"}, {"address": 2, "window": "2"}],
  "evaluators": [{"address": 101, "window": "1"}],
  "voice": {"engine": "clips", "text": "请{number}号到{window}号窗口", "repeat": 1, "wavFiles": "said/call-%1.wav"},
  "outbox": "outbox.db"
})";

// What was said, as text with its fields filled in ("请A001号到3号窗口").
QString written(const voice::Announcement &a)
{
    QString text = a.text;
    for (auto it = a.fields.cbegin(); it != a.fields.cend(); ++it)
        text.replace(u'{' + it.key() + u'}', it.value().toString());
    return text;
}

} // namespace

class TestBridge : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_staff;
    std::unique_ptr<emulators::LedBarEmulator> m_busA, m_busB;
    std::unique_ptr<emulators::OnbonSerialEmulator> m_onbon;
    std::unique_ptr<emulators::CallerBusEmulator> m_callers;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_devices;
    std::unique_ptr<net::HallClient> m_client;
    voice::ClipLibrary m_clips;
    core::ManualClock m_voiceClock{QDateTime(QDate(2026, 11, 23), QTime(9, 0))};
    std::unique_ptr<voice::Announcer> m_announcer;
    std::unique_ptr<sync::SyncCache> m_outbox;
    std::unique_ptr<net::HallSyncTransport> m_transport;
    std::unique_ptr<sync::SyncEngine> m_sync;
    std::unique_ptr<BridgeController> m_bridge;
    QStringList m_said; // announcements started, in order
    QString m_font;
    ob::TextRenderer m_renderer;

    test::Answer staff(const QString &path, const QJsonObject &body = {}) { return m_staff->call("POST", Hall + path, body); }

    qint64 issue(const QString &business)
    {
        const test::Answer a = staff(QStringLiteral("/tickets"), {{QStringLiteral("business"), business}});
        if (a.status != 201)
            qWarning() << a.describe();
        return a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
    }

    QString callNext(const QString &window)
    {
        const test::Answer a = staff(QStringLiteral("/windows/%1/call-next").arg(window));
        if (a.status != 200)
            qWarning() << a.describe();
        return a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString();
    }

    bool addDevice(const QString &role, const QString &driver, const QString &port, const QVariantMap &options)
    {
        QString error;
        if (!m_devices->add({role, driver, port, options}, &error)) {
            qWarning() << role << error;
            return false;
        }
        return QTest::qWaitFor([&] { return m_devices->device(role)->state() == devices::Device::State::Ready; }, 5000);
    }

    // The bridge as main.cpp builds it, signed in as the hall's caller device account.
    bool startBridge(const QByteArray &file = BridgeFile)
    {
        BridgeConfig config;
        QString error;
        if (!BridgeConfig::parse(file, m_dir.filePath(QStringLiteral("bridge.json")), &config, &error)) {
            qWarning() << error;
            return false;
        }
        m_announcer.reset(bridge::createAnnouncer(config.voice, &m_clips, &m_voiceClock, nullptr, &error));
        if (!m_announcer) {
            qWarning() << error;
            return false;
        }
        connect(m_announcer.get(), &voice::Announcer::started, this, [this](const voice::Announcement &a) {
            m_said.append(written(a) + (a.recall ? QStringLiteral(" (recall)") : QString()));
        });
        if (sync::SyncCache::open(config.outbox, &m_outbox, &error) != storage::OpenResult::Ok) {
            qWarning() << error;
            return false;
        }
        m_transport = std::make_unique<net::HallSyncTransport>(m_client.get());
        sync::SyncEngine::Options options;
        options.pullIntervalMs = 300;
        options.backoffCapMs = 400;
        m_sync = std::make_unique<sync::SyncEngine>(m_outbox.get(), m_transport.get(), options);
        m_bridge = std::make_unique<BridgeController>(m_client.get(), m_devices.get(), m_announcer.get(), m_outbox.get(), m_sync.get(), config);
        m_bridge->start(QStringLiteral("swzx"));
        m_sync->start();
        return QTest::qWaitFor([this] { return m_bridge->state().isValid(); }, 10000);
    }

    // Outbox entries by state and status: "pending", or "done/applied".
    QStringList outbox()
    {
        QStringList out;
        QString error;
        for (const QString &state : {QStringLiteral("pending"), QStringLiteral("done")}) {
            QList<sync::OutboxEntry> entries;
            m_outbox->entries(state, 100, &entries, &error);
            for (const sync::OutboxEntry &e : std::as_const(entries))
                out.append(e.status.isEmpty() ? e.state : e.state + u'/' + e.status);
        }
        return out;
    }

    int ratingRows(qint64 ticket)
    {
        QSqlQuery q(m_server->db->connection());
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM ratings WHERE ticket_id = ?"));
        q.addBindValue(ticket);
        return q.exec() && q.next() ? q.value(0).toInt() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_clips.load(QStringLiteral(":/voice/zh_CN"), &error), qPrintable(error));
        m_loader = std::make_unique<devices::PluginLoader>();
        for (const char *driver : {"ledbar", "ledbar-onbon", "callerbus-serial"})
            QVERIFY2(m_loader->plugin(QLatin1String(driver)), driver);
        m_font = onbonFont();
        if (!m_font.isEmpty())
            QVERIFY2(m_renderer.load(m_font, &error), qPrintable(error));
    }

    void init()
    {
        m_said.clear();
        m_server = std::make_unique<test::InProcessServer>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_staff = std::make_unique<test::Client>(m_server->port());
        QVERIFY(m_staff->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
        for (int w = 1; w <= 4; ++w) {
            const test::Answer a = staff(QStringLiteral("/windows/%1/login").arg(w),
                                         {{QStringLiteral("officer"), QStringLiteral("officer%1").arg(w, 2, 10, QLatin1Char('0'))}});
            QVERIFY2(a.status == 200, qPrintable(a.describe()));
        }

        m_busA = std::make_unique<emulators::LedBarEmulator>(m_dir.filePath(QStringLiteral("ttyLEDA")));
        m_busA->addresses = {1, 2};
        m_busB = std::make_unique<emulators::LedBarEmulator>(m_dir.filePath(QStringLiteral("ttyLEDB")));
        m_busB->addresses = {4};
        m_onbon = std::make_unique<emulators::OnbonSerialEmulator>(m_dir.filePath(QStringLiteral("ttyBX0")));
        m_callers = std::make_unique<emulators::CallerBusEmulator>(m_dir.filePath(QStringLiteral("ttyCB0")));
        m_callers->addCaller(1);
        m_callers->addCaller(2);
        m_callers->addEvaluator(101);
        for (emulators::PtyDevice *d : std::initializer_list<emulators::PtyDevice *>{m_busA.get(), m_busB.get(), m_onbon.get(), m_callers.get()})
            QVERIFY(d->plug());

        m_devices = std::make_unique<devices::DeviceManager>(m_loader.get());
        const QVariantMap bar{{QStringLiteral("timeoutMs"), 150}, {QStringLiteral("reconnectMs"), 200}};
        QVERIFY(addDevice(QStringLiteral("ledbar-a"), QStringLiteral("ledbar"), m_busA->path(), bar));
        QVERIFY(addDevice(QStringLiteral("ledbar-b"), QStringLiteral("ledbar"), m_busB->path(), bar));
        if (!m_font.isEmpty())
            QVERIFY(addDevice(QStringLiteral("ledbar-onbon"), QStringLiteral("ledbar-onbon"), m_onbon->path(),
                              {{QStringLiteral("model"), QStringLiteral("BX-6E2")}, {QStringLiteral("width"), 128},
                               {QStringLiteral("height"), 16}, {QStringLiteral("timeoutMs"), 150}, {QStringLiteral("reconnectMs"), 200},
                               {QStringLiteral("font"), m_font}}));
        QVERIFY(addDevice(QStringLiteral("callerbus"), QStringLiteral("callerbus-serial"), m_callers->path(),
                          {{QStringLiteral("addresses"), QVariantList{1, 2, 101}}, {QStringLiteral("pollMs"), 20},
                           {QStringLiteral("replyTimeoutMs"), 30}, {QStringLiteral("reconnectMs"), 200}}));

        m_client = std::make_unique<net::HallClient>();
        m_client->setBackoffPolicy(net::Backoff::Policy{100, 400, 20});
        QVERIFY(m_client->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())), {}, &error));
        m_client->setHall(QStringLiteral("swzx"));
        const auto r = test::await<net::Session>([&](QObject *ctx, auto done) {
            m_client->signIn(QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026"), ctx, done);
        });
        QVERIFY2(r, qPrintable(test::describe(r.error())));
        QVERIFY(startBridge());
    }

    void cleanup()
    {
        m_bridge.reset();
        m_wallSettings.reset();
        m_wallClient.reset();
        m_sync.reset();
        m_transport.reset();
        m_outbox.reset();
        m_announcer.reset();
        m_client.reset();
        m_devices.reset();
        m_callers.reset();
        m_onbon.reset();
        m_busA.reset();
        m_busB.reset();
        m_staff.reset();
        m_server.reset();
        QDir(m_dir.path()).removeRecursively();
        QDir().mkpath(m_dir.path());
    }

    void barsShowEachWindowsStateAndCallsAreAnnouncedInOrder()
    {
        // Idle windows say so as soon as the bridge has the hall.
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("为您服务"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_busB->text(4), QStringLiteral("为您服务"), 5000);

        for (int i = 0; i < 3; ++i)
            QVERIFY(issue(QStringLiteral("HJ")));
        QCOMPARE(callNext(QStringLiteral("1")), QStringLiteral("A001"));
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("请 A001 号"), 5000);
        // Two windows calling together: each announced, in the order of the calls, none lost.
        const QList<test::Answer> both = m_staff->callAll("POST", {Hall + QStringLiteral("/windows/2/call-next"), Hall + QStringLiteral("/windows/4/call-next")}, {});
        QCOMPARE(both.at(0).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_said.size(), 3, 10000);
        QCOMPARE(m_said, (QStringList{QStringLiteral("请A001号到1号窗口"), QStringLiteral("请A002号到2号窗口"), QStringLiteral("请A003号到4号窗口")}));
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(2), QStringLiteral("请 A002 号"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_busB->text(4), QStringLiteral("请 A003 号"), 5000);
        // Each announcement was really rendered from the clips, to a WAV file.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(m_dir.filePath(QStringLiteral("said/call-3.wav"))).size() > 10000, 5000);

        // A recall is said again, as a recall; the bar keeps the number.
        QVERIFY2(staff(QStringLiteral("/windows/1/recall")).status == 200, "recall");
        QTRY_COMPARE_WITH_TIMEOUT(m_said.size(), 4, 5000);
        QCOMPARE(m_said.last(), QStringLiteral("请A001号到1号窗口 (recall)"));

        // Pausing (after finishing the current ticket) shows the paused words.
        QVERIFY(staff(QStringLiteral("/windows/4/finish")).status == 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_busB->text(4), QStringLiteral("为您服务"), 5000);
        QVERIFY(staff(QStringLiteral("/windows/4/pause"), {{QStringLiteral("type"), QStringLiteral("break")}}).status == 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_busB->text(4), QStringLiteral("暂停服务"), 5000);
        // Only RAM was written (a bar's flash wears out).
        QCOMPARE(m_busA->flashWrites() + m_busB->flashWrites(), 0);
    }

    void onbonControllerDrawsTheCall()
    {
        if (m_font.isEmpty())
            QSKIP("no CJK font installed (fonts-noto-cjk)");
        QVERIFY(issue(QStringLiteral("CRJ")));
        QCOMPARE(callNext(QStringLiteral("3")), QStringLiteral("B001"));
        const ob::Pixels line = m_renderer.render(QStringLiteral("请 B001 号"), 16, 16, ob::Red, nullptr);
        const ob::Pixels expected = line.copy(-(128 - line.width) / 2, 128);
        QTRY_VERIFY_WITH_TIMEOUT(m_onbon->shown(1) && *m_onbon->shown(1) == expected, 5000);
    }

    void quietHoursShowButDoNotSpeak()
    {
        m_announcer->setQuietHours(QTime(8, 0), QTime(10, 0)); // the voice clock says 09:00
        QSignalSpy announced(m_bridge.get(), &BridgeController::announced);
        QVERIFY(issue(QStringLiteral("HJ")));
        QCOMPARE(callNext(QStringLiteral("1")), QStringLiteral("A001"));
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("请 A001 号"), 5000);
        // The display's hook hears it was dealt with (its id is the wall's Call::announcementId).
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 5000);
        QCOMPARE(announced.first().first().toString(), QStringLiteral("A001@1"));
        QVERIFY(m_said.isEmpty());
    }

    void callerKeysBecomeQueueCommands()
    {
        for (int i = 0; i < 3; ++i)
            QVERIFY(issue(QStringLiteral("HJ")));
        // The caller's display shows its window's waiting count before anything is called.
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->display(1).waiting, 3, 5000);
        QSignalSpy done(m_bridge.get(), &BridgeController::commandDone);

        // Next: the server calls the next ticket for the caller's window.
        m_callers->press(1, Key::Next);
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("请 A001 号"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->display(1).number, QStringLiteral("A001"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_said.size(), 1, 5000);
        QCOMPARE(m_said.first(), QStringLiteral("请A001号到1号窗口"));
        QTRY_VERIFY_WITH_TIMEOUT(m_callers->display(1).waiting < 3, 5000); // window 2 shares HJ

        // Special call: digits typed on the keypad find the waiting ticket A003.
        m_callers->press(1, Key::SpecialCall, QStringLiteral("3"));
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->display(1).number, QStringLiteral("A003"), 5000);

        // Recall, said again first.
        m_callers->press(1, Key::Recall);
        QTRY_COMPARE_WITH_TIMEOUT(m_said.size(), 3, 5000);
        QCOMPARE(m_said.last(), QStringLiteral("请A003号到1号窗口 (recall)"));

        // Transfer the current ticket to window 2: window 1 is free again.
        m_callers->press(1, Key::Transfer, QStringLiteral("2"));
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("为您服务"), 5000);

        // Pause toggles: pause, then resume.
        m_callers->press(1, Key::Pause);
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("暂停服务"), 5000);
        m_callers->press(1, Key::Pause);
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("为您服务"), 5000);

        // A key the server refuses is reported, and nothing changes: no one to call at window 1
        // after the others took the remaining HJ ticket.
        QVERIFY2(staff(QStringLiteral("/windows/2/call-next")).status == 200, "window 2 calls");
        done.clear();
        m_callers->press(1, Key::SpecialCall, QStringLiteral("99"));
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 5000);
        QVERIFY2(done.first().at(2).toString().contains(QStringLiteral("99")), qPrintable(done.first().at(2).toString()));

        // The buzzer: a new ticket for window 1's business beeps its caller.
        const int beeps = m_callers->display(1).beeps;
        QVERIFY(issue(QStringLiteral("HJ")));
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->display(1).beeps, beeps + 1, 5000);
        // A ticket of a business window 1 does not serve does not.
        QVERIFY(issue(QStringLiteral("CRJ")));
        QTest::qWait(300);
        QCOMPARE(m_callers->display(1).beeps, beeps + 1);
    }

    void evaluatorRatingTravelsThroughTheOutbox()
    {
        QVERIFY(issue(QStringLiteral("HJ")));
        m_callers->press(1, Key::Next);
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->display(1).number, QStringLiteral("A001"), 5000);
        const qint64 ticket = m_bridge->state().windows().value(QStringLiteral("1")).current->id;

        // The caller's evaluate key prompts the window's evaluator.
        m_callers->press(1, Key::Evaluate);
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->ratingPrompts(101), 1, 5000);
        QSignalSpy kept(m_bridge.get(), &BridgeController::ratingKept);
        m_callers->rate(101, 5);
        QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 1, 5000);
        QCOMPARE(kept.first().at(0).toLongLong(), ticket);
        QTRY_COMPARE_WITH_TIMEOUT(outbox(), QStringList{QStringLiteral("done/applied")}, 10000);
        QCOMPARE(ratingRows(ticket), 1);

        // Once per service: a second rating of the same ticket is refused at the bridge.
        QSignalSpy refused(m_bridge.get(), &BridgeController::ratingRefused);
        m_callers->rate(101, 1);
        QTRY_COMPARE_WITH_TIMEOUT(refused.size(), 1, 5000);
        QCOMPARE(outbox().size(), 1);
    }

    void ratingWaitsWhileTheServerIsDown()
    {
        QVERIFY(issue(QStringLiteral("HJ")));
        m_callers->press(1, Key::Next);
        QTRY_COMPARE_WITH_TIMEOUT(m_callers->display(1).number, QStringLiteral("A001"), 5000);
        const qint64 ticket = m_bridge->state().windows().value(QStringLiteral("1")).current->id;

        const quint16 port = m_server->port();
        m_server->server.reset(); // down
        QSignalSpy kept(m_bridge.get(), &BridgeController::ratingKept);
        m_callers->rate(101, 4);
        QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 1, 5000);
        QTest::qWait(1000);
        QCOMPARE(outbox(), QStringList{QStringLiteral("pending")}); // kept, tried, still waiting

        QString error;
        QVERIFY2(m_server->restart(port, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(outbox(), QStringList{QStringLiteral("done/applied")}, 15000);
        QCOMPARE(ratingRows(ticket), 1);
    }

    // The hall-bridge binary as a hall runs it: its three files, signed in with the caller
    // account's password file, its own LED bus and caller bus on ptys of this test.
    void theBinaryFollowsTheHallAndTakesCallerKeys()
    {
        emulators::LedBarEmulator bars(m_dir.filePath(QStringLiteral("ttyLEDC")));
        bars.addresses = {1};
        emulators::CallerBusEmulator callers(m_dir.filePath(QStringLiteral("ttyCB1")));
        callers.addCaller(1);
        QVERIFY(bars.plug() && callers.plug());
        const QDir dir(m_dir.path());
        auto write = [&dir](const QString &name, const QByteArray &text) {
            QFile f(dir.filePath(name));
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        QVERIFY(write(QStringLiteral("caller.secret"), "demo-caller-2026\n"));
        const auto json = [](const QJsonObject &o) { return QJsonDocument(o).toJson(); };
        QVERIFY(write(QStringLiteral("pc.json"), json({
            {QStringLiteral("server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())},
            {QStringLiteral("hall"), QStringLiteral("swzx")},
            {QStringLiteral("role"), QStringLiteral("bridge")},
            {QStringLiteral("account"), QJsonObject{{QStringLiteral("login"), QStringLiteral("callerbus1")},
                                                    {QStringLiteral("passwordFile"), QStringLiteral("caller.secret")},
                                                    {QStringLiteral("tokenStore"), QStringLiteral("memory")}}},
            {QStringLiteral("app"), QJsonObject{{QStringLiteral("bridge"), QStringLiteral("hall-bridge.json")}}}})));
        QVERIFY(write(QStringLiteral("devices.json"), json({{QStringLiteral("devices"), QJsonArray{
            QJsonObject{{QStringLiteral("role"), QStringLiteral("ledbar-c")}, {QStringLiteral("driver"), QStringLiteral("ledbar")},
                        {QStringLiteral("port"), bars.path()}},
            QJsonObject{{QStringLiteral("role"), QStringLiteral("callerbus")}, {QStringLiteral("driver"), QStringLiteral("callerbus-serial")},
                        {QStringLiteral("port"), callers.path()},
                        {QStringLiteral("options"), QJsonObject{{QStringLiteral("addresses"), QJsonArray{1}}, {QStringLiteral("pollMs"), 20}}}}}}})));
        QVERIFY(write(QStringLiteral("hall-bridge.json"), json({
            {QStringLiteral("bars"), QJsonArray{QJsonObject{{QStringLiteral("window"), QStringLiteral("1")}, {QStringLiteral("device"), QStringLiteral("ledbar-c")},
                                                            {QStringLiteral("address"), 1}}}},
            {QStringLiteral("callers"), QJsonArray{QJsonObject{{QStringLiteral("address"), 1}, {QStringLiteral("window"), QStringLiteral("1")}}}},
            {QStringLiteral("voice"), QJsonObject{{QStringLiteral("engine"), QStringLiteral("clips")},
                                                  {QStringLiteral("wavFiles"), QStringLiteral("binary-said/%1.wav")}}},
            {QStringLiteral("outbox"), QStringLiteral("binary-outbox.db")}})));

        QProcess bridge;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        bridge.setProcessEnvironment(env);
        bridge.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        bridge.start(qEnvironmentVariable("HALL_BIN_DIR") + QStringLiteral("/hall-bridge"),
                     {QStringLiteral("--config"), dir.filePath(QStringLiteral("pc.json")), QStringLiteral("--devices"),
                      dir.filePath(QStringLiteral("devices.json"))});
        QVERIFY2(bridge.waitForStarted(), qPrintable(bridge.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(bars.text(1), QStringLiteral("为您服务"), 15000);

        QVERIFY(issue(QStringLiteral("HJ")));
        callers.press(1, Key::Next);
        QTRY_COMPARE_WITH_TIMEOUT(bars.text(1), QStringLiteral("请 A001 号"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(callers.display(1).number, QStringLiteral("A001"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(dir.filePath(QStringLiteral("binary-said/1.wav"))).size() > 10000, 5000);
        bridge.terminate();
        QVERIFY(bridge.waitForFinished(5000));
        hall::test::childStdout(bridge); // (its standard error went into the test's own output)
    }

    void unpluggedBarIsRetriedAndOthersCarryOn()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("为您服务"), 5000);
        for (int i = 0; i < 2; ++i)
            QVERIFY(issue(QStringLiteral("HJ")));
        m_busA->unplug();
        QSignalSpy changed(m_bridge.get(), &BridgeController::barChanged);
        QCOMPARE(callNext(QStringLiteral("1")), QStringLiteral("A001"));
        QCOMPARE(callNext(QStringLiteral("4")), QStringLiteral("A002"));
        // Bus B is not held up by bus A.
        QTRY_COMPARE_WITH_TIMEOUT(m_busB->text(4), QStringLiteral("请 A002 号"), 5000);
        // Window 1's bar reports its problem.
        QTRY_VERIFY_WITH_TIMEOUT(!m_bridge->bars().at(0).problem.isEmpty(), 5000);
        QVERIFY(!m_bridge->bars().at(0).shown);
        QCOMPARE(m_bridge->bars().at(2).problem, QString());
        // Plugged back (the cards lost power with it): the driver reconnects and shows the call.
        QVERIFY(m_busA->plug());
        QTRY_COMPARE_WITH_TIMEOUT(m_busA->text(1), QStringLiteral("请 A001 号"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_bridge->bars().at(0).shown && m_bridge->bars().at(0).problem.isEmpty(), 5000);
    }

    // The wall (hall-display's controller, its own client and device account) waits for each
    // announcement before the next enlargement; the voice is in the bridge, and the server
    // relays what it said (announcement.finished), so the wall goes on when the voice is done
    // rather than at its 30-second limit.
    void wallWaitsForTheBridgesVoice()
    {
        QElapsedTimer clock;
        clock.start();
        QHash<QString, qint64> finishedAt;
        connect(m_bridge.get(), &BridgeController::announced, this, [&](const QString &id) { finishedAt.insert(id, clock.elapsed()); });
        auto wall = startWall(30);
        QVERIFY(wall);
        QHash<QString, qint64> shownAt;
        connect(wall->calls(), &display::CallQueue::shown, this, [&](const display::Call &c) { shownAt.insert(c.number, clock.elapsed()); });

        for (int i = 0; i < 2; ++i)
            QVERIFY(issue(QStringLiteral("HJ")));
        QCOMPARE(callNext(QStringLiteral("1")), QStringLiteral("A001"));
        QCOMPARE(callNext(QStringLiteral("2")), QStringLiteral("A002"));
        QTRY_VERIFY_WITH_TIMEOUT(shownAt.contains(QStringLiteral("A002")), 10000);
        QVERIFY(finishedAt.contains(QStringLiteral("A001@1")));
        // Not before the voice had finished the first call.
        QVERIFY2(shownAt.value(QStringLiteral("A002")) >= finishedAt.value(QStringLiteral("A001@1")),
                 qPrintable(QStringLiteral("A002 shown at %1 ms, A001 said by %2 ms").arg(shownAt.value(QStringLiteral("A002"))).arg(finishedAt.value(QStringLiteral("A001@1")))));
    }

    // Without a bridge (or its voice) the wall still goes on: at its own time limit.
    void wallWithoutABridgeFallsBackToItsTimeLimit()
    {
        m_bridge.reset();
        QElapsedTimer clock;
        auto wall = startWall(5);
        QVERIFY(wall);
        QHash<QString, qint64> shownAt;
        connect(wall->calls(), &display::CallQueue::shown, this, [&](const display::Call &c) { shownAt.insert(c.number, clock.elapsed()); });
        for (int i = 0; i < 2; ++i)
            QVERIFY(issue(QStringLiteral("HJ")));
        clock.start();
        QCOMPARE(callNext(QStringLiteral("1")), QStringLiteral("A001"));
        QCOMPARE(callNext(QStringLiteral("2")), QStringLiteral("A002"));
        QTRY_VERIFY_WITH_TIMEOUT(shownAt.contains(QStringLiteral("A002")), 10000);
        QVERIFY2(shownAt.value(QStringLiteral("A002")) - shownAt.value(QStringLiteral("A001")) >= 4500,
                 qPrintable(QStringLiteral("%1 ms").arg(shownAt.value(QStringLiteral("A002")) - shownAt.value(QStringLiteral("A001")))));
    }

    // The bars and the caller bus report to the supervisor: a bus unplugged shows as its bars'
    // error and the device offline in GET /devices, and ok again once it is back.
    void barsReportToTheSupervisor()
    {
        const QString device = m_bridge->deviceReporter()->device();
        const auto part = [&](const QString &name) {
            const test::Answer a = m_staff->get(Hall + QStringLiteral("/devices"));
            for (const QJsonValue &d : a.body.value(QStringLiteral("devices")).toArray()) {
                if (d.toObject().value(QStringLiteral("device")).toString() != device)
                    continue;
                for (const QJsonValue &p : d.toObject().value(QStringLiteral("parts")).toArray()) {
                    if (p.toObject().value(QStringLiteral("part")).toString() == name)
                        return p.toObject().value(QStringLiteral("state")).toString();
                }
            }
            return QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(part(QStringLiteral("ledbar:1")), QStringLiteral("ok"), 5000);
        QCOMPARE(part(QStringLiteral("callerbus")), QStringLiteral("ok"));
        QVERIFY(issue(QStringLiteral("HJ")));
        m_busA->unplug();
        QCOMPARE(callNext(QStringLiteral("1")), QStringLiteral("A001"));
        QTRY_COMPARE_WITH_TIMEOUT(part(QStringLiteral("ledbar:1")), QStringLiteral("error"), 8000);
        QTRY_COMPARE_WITH_TIMEOUT(part(QStringLiteral("ledbar-a")), QStringLiteral("offline"), 8000);
        QCOMPARE(part(QStringLiteral("ledbar:4")), QStringLiteral("ok"));
        QVERIFY(m_busA->plug());
        QTRY_COMPARE_WITH_TIMEOUT(part(QStringLiteral("ledbar:1")), QStringLiteral("ok"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(part(QStringLiteral("ledbar-a")), QStringLiteral("ok"), 5000);
    }

private:
    // hall-display's controller as its main.cpp builds it, signed in as the hall's display,
    // waiting up to `maxWaitSeconds` for each announcement; each call enlarged for a second.
    std::unique_ptr<display::DisplayController> startWall(int maxWaitSeconds)
    {
        m_wallClient = std::make_unique<net::HallClient>();
        QString error;
        if (!m_wallClient->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())), {}, &error))
            return {};
        const auto r = test::await<net::Session>([&](QObject *ctx, auto done) {
            m_wallClient->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done);
        });
        if (!r || !display::Layout::load(display::Layout::defaultFile(), &m_wallLayout, &error))
            return {};
        m_wallSettings = std::make_unique<display::DisplaySettings>();
        m_wallSettings->enlargeSeconds.setValue(1);
        m_wallSettings->waitForAnnouncement.setValue(true);
        m_wallSettings->announcementWaitSeconds.setValue(maxWaitSeconds);
        auto wall = std::make_unique<display::DisplayController>(m_wallClient.get(), &m_server->clock, m_wallLayout, display::Schedule(),
                                                                 m_wallSettings.get());
        wall->start(QStringLiteral("swzx"));
        if (!QTest::qWaitFor([&] { return wall->state().isValid(); }, 10000))
            return {};
        return wall;
    }

    std::unique_ptr<net::HallClient> m_wallClient;
    display::Layout m_wallLayout;
    std::unique_ptr<display::DisplaySettings> m_wallSettings;
};

QTEST_MAIN(TestBridge)
#include "tst_bridge.moc"
