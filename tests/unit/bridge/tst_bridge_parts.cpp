// hall-bridge's parts without a server or devices: the bridge file (strict, errors with their
// path), what a bar says in each window state, and how a call is announced.

#include <bridge/bridgeconfig.h>
#include <bridge/bridgecontroller.h>

#include <core/clock.h>
#include <voice/announcer.h>
#include <voice/phrase.h>

#include <QTest>

using namespace hall;
using namespace hall::bridge;

namespace {

// JSON written with single quotes, for readability in C++ strings.
QByteArray j(const char *text)
{
    return QString::fromUtf8(text).replace(u'\'', u'"').toUtf8();
}

net::WindowStatus window(const QString &number, core::WindowState state, const QString &current = {},
                         core::TicketStatus status = core::TicketStatus::Called)
{
    net::WindowStatus w;
    w.number = number;
    w.state = state;
    if (!current.isEmpty()) {
        net::TicketInfo t;
        t.number = current;
        t.status = status;
        w.current = t;
    }
    return w;
}

// Says nothing, finishes at once (the next turn of the loop), remembers what it was given.
class RecordingEngine : public voice::SpeechEngine
{
public:
    bool say(const voice::Announcement &a, double, QString *) override
    {
        said.append(a.id + (a.recall ? QStringLiteral(" recall") : QString()));
        QMetaObject::invokeMethod(this, &SpeechEngine::finished, Qt::QueuedConnection);
        return true;
    }
    QStringList said;
};

net::HallState hallOf(const QList<net::WindowStatus> &windows)
{
    net::HallSummary summary;
    summary.hall = QStringLiteral("swzx");
    summary.windows = windows;
    net::HallState s;
    s.replace(summary, 1);
    return s;
}

net::WindowStatus called(const QString &window, qint64 id, const QString &number, int calls)
{
    net::WindowStatus w = ::window(window, core::WindowState::Serving, number);
    w.current->id = id;
    w.current->callCount = calls;
    return w;
}

} // namespace

Q_DECLARE_METATYPE(hall::net::WindowStatus)

class TestBridgeParts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aWholeFileIsRead()
    {
        BridgeConfig c;
        QString error;
        QVERIFY2(BridgeConfig::parse(j(R"({
            'bars': [{'window': '3', 'device': 'ledbar', 'address': 3}, {'window': '12', 'device': 'onbon', 'address': 1}],
            'texts': {'serving': '%number 请到%window号', 'idle': '欢迎'},
            'callerBus': 'bus', 'loginMode': 'window',
            'callers': [{'address': 3, 'window': '3', 'officer': 'officer03'}],
            'evaluators': [{'address': 103, 'window': '3'}],
            'voice': {'engine': 'clips', 'repeat': 2, 'volume': 80, 'quiet': {'from': '22:00', 'to': '07:00'}, 'wavFiles': 'said/%1.wav'},
            'outbox': 'ratings.db'})"), QStringLiteral("/etc/hall/bridge.json"), &c, &error),
                 qPrintable(error));
        QCOMPARE(c.bars.size(), 2);
        QCOMPARE(c.bars.at(1).device, QStringLiteral("onbon"));
        QCOMPARE(c.callerBus, QStringLiteral("bus"));
        QVERIFY(c.windowLogin);
        QCOMPARE(c.caller(3)->officer, QStringLiteral("officer03"));
        QCOMPARE(c.evaluatorOf(QStringLiteral("3"))->address, 103);
        QVERIFY(!c.caller(103));
        QVERIFY(c.voice.enabled);
        QCOMPARE(c.voice.repeat, 2);
        QCOMPARE(c.voice.volumePercent, 80);
        QCOMPARE(c.voice.quietFrom, QTime(22, 0));
        QCOMPARE(c.voice.wavFiles, QStringLiteral("/etc/hall/said/%1.wav"));
        QCOMPARE(c.outbox, QStringLiteral("/etc/hall/ratings.db"));
        // Texts left out are the translated defaults.
        const BridgeConfig::Texts t = c.effectiveTexts();
        QCOMPARE(t.serving, QStringLiteral("%number 请到%window号"));
        QCOMPARE(t.idle, QStringLiteral("欢迎"));
        QCOMPARE(t.paused, BridgeConfig::defaultTexts().paused);
    }

    void mistakesAreNamedWithTheirPath_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown field") << j("{'bar': []}") << "bar: unknown field";
        QTest::newRow("bar without address") << j("{'bars': [{'window': '1', 'device': 'ledbar'}]}") << "bars[0].address: required";
        QTest::newRow("two bars for a window") << j("{'bars': [{'window': '1', 'device': 'a', 'address': 1}, {'window': '1', 'device': 'b', 'address': 1}]}")
                                               << "bars[1].window: window 1 has a bar already";
        QTest::newRow("two windows on a position") << j("{'bars': [{'window': '1', 'device': 'a', 'address': 1}, {'window': '2', 'device': 'a', 'address': 1}]}")
                                                   << "bars[1].address: a address 1";
        QTest::newRow("bus address twice") << j("{'callers': [{'address': 3, 'window': '3'}], 'evaluators': [{'address': 3, 'window': '3'}], 'outbox': 'o.db'}")
                                           << "evaluators[0].address: bus address 3 is given twice";
        QTest::newRow("reserved bus address") << j("{'callers': [{'address': 250, 'window': '3'}]}") << "callers[0].address: must be between 1 and 247";
        QTest::newRow("evaluator without outbox") << j("{'evaluators': [{'address': 3, 'window': '3'}]}") << "outbox: evaluators need an outbox";
        QTest::newRow("unknown text") << j("{'texts': {'busy': 'x'}}") << "texts.busy: unknown field";
        QTest::newRow("login mode") << j("{'loginMode': 'card'}") << "loginMode: \"card\"";
        QTest::newRow("quiet without end") << j("{'voice': {'quiet': {'from': '22:00'}}}") << "voice.quiet.to: required";
        QTest::newRow("quiet of no length") << j("{'voice': {'quiet': {'from': '22:00', 'to': '22:00'}}}") << "voice.quiet: \"from\" and \"to\" are the same";
        QTest::newRow("repeat") << j("{'voice': {'repeat': 9}}") << "voice.repeat: must be between 1 and 5";
        QTest::newRow("station not an object") << j("{'callers': [3]}") << "callers[0]: must be an object";
        QTest::newRow("not JSON") << QByteArray("{bars") << "not valid JSON at line 1, column 2";
        QTest::newRow("not an object") << QByteArray("[]") << "must be a JSON object";
    }

    void mistakesAreNamedWithTheirPath()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        BridgeConfig c;
        QString error;
        QVERIFY(!BridgeConfig::parse(json, QStringLiteral("/etc/hall/bridge.json"), &c, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("/etc/hall/bridge.json")), qPrintable(error));
    }

    void theConfigNamesTheBridgeFile()
    {
        QString file, error;
        QVERIFY(BridgeConfig::fileFromApp({{QStringLiteral("bridge"), QStringLiteral("bridge.json")}}, QStringLiteral("/etc/hall/pc.json"), &file, &error));
        QCOMPARE(file, QStringLiteral("/etc/hall/bridge.json"));
        QVERIFY(!BridgeConfig::fileFromApp({{QStringLiteral("layout"), QStringLiteral("x")}}, QStringLiteral("/etc/hall/pc.json"), &file, &error));
        QVERIFY2(error.contains(QStringLiteral("app.layout: unknown field")), qPrintable(error));
    }

    void aBarSaysTheWindowsState_data()
    {
        using S = core::WindowState;
        QTest::addColumn<net::WindowStatus>("window");
        QTest::addColumn<QString>("text");
        QTest::newRow("called") << window(QStringLiteral("3"), S::Serving, QStringLiteral("A001")) << "请 A001 号";
        QTest::newRow("serving") << window(QStringLiteral("3"), S::Serving, QStringLiteral("A001"), core::TicketStatus::Serving) << "请 A001 号";
        QTest::newRow("idle") << window(QStringLiteral("3"), S::Idle) << "为您服务";
        QTest::newRow("paused") << window(QStringLiteral("3"), S::Paused) << "暂停服务";
        QTest::newRow("nobody signed in") << window(QStringLiteral("3"), S::Offline) << "暂停服务";
    }

    void aBarSaysTheWindowsState()
    {
        QFETCH(net::WindowStatus, window);
        QFETCH(QString, text);
        BridgeController bridge(nullptr, nullptr, nullptr, nullptr, nullptr, BridgeConfig());
        const devices::ScreenContent c = bridge.barContent(window);
        QCOMPARE(devices::WindowScreen::standardText(c, 9, {}), text);
    }

    void hallTextsReplaceTheDefaults()
    {
        BridgeConfig config;
        config.texts.serving = QStringLiteral("请%number到%window号窗口");
        config.texts.paused = QStringLiteral("暂停服务，请稍候");
        BridgeController bridge(nullptr, nullptr, nullptr, nullptr, nullptr, config);
        QCOMPARE(devices::WindowScreen::standardText(bridge.barContent(window(QStringLiteral("7"), core::WindowState::Serving, QStringLiteral("B012"))), 1, {}),
                 QStringLiteral("请B012到7号窗口"));
        QCOMPARE(devices::WindowScreen::standardText(bridge.barContent(window(QStringLiteral("7"), core::WindowState::Paused)), 1, {}),
                 QStringLiteral("暂停服务，请稍候"));
    }

    void callsMadeWhileTheStreamWasDownAreAnnouncedAfterIt()
    {
        RecordingEngine engine;
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        voice::Announcer announcer(&engine, &clock);
        BridgeConfig config;
        config.voice.enabled = true;
        BridgeController bridge(nullptr, nullptr, &announcer, nullptr, nullptr, config);
        // The first hello only tells the state: nothing is said for calls made before the bridge.
        bridge.applySnapshot(hallOf({called(QStringLiteral("1"), 11, QStringLiteral("A001"), 1), ::window(QStringLiteral("2"), core::WindowState::Idle),
                                   called(QStringLiteral("3"), 13, QStringLiteral("B001"), 1)}));
        // After a reconnect: window 1 called the next ticket, window 2 its first, window 3 recalled
        // the same one; each is said, the recall as a recall and before the call still waiting.
        bridge.applySnapshot(hallOf({called(QStringLiteral("1"), 12, QStringLiteral("A002"), 1), called(QStringLiteral("2"), 14, QStringLiteral("A003"), 1),
                                   called(QStringLiteral("3"), 13, QStringLiteral("B001"), 2)}));
        QTRY_COMPARE(engine.said, (QStringList{QStringLiteral("A002@1"), QStringLiteral("B001@3 recall"), QStringLiteral("A003@2")}));
    }

    void aCallIsAnnouncedWithItsWindow()
    {
        BridgeConfig config;
        config.voice.enabled = true;
        config.voice.repeat = 2;
        BridgeController bridge(nullptr, nullptr, nullptr, nullptr, nullptr, config);
        const voice::Announcement a = bridge.announcement(QStringLiteral("A001"), QStringLiteral("3"), true);
        QString text, error;
        QVERIFY2(voice::spokenText(a, &text, &error), qPrintable(error));
        QCOMPARE(text, QStringLiteral("请 A 零 零 一 号到三号窗口办理"));
        QCOMPARE(a.repeat, 2);
        QVERIFY(a.recall);
        QCOMPARE(a.id, QStringLiteral("A001@3")); // hall-display's Call::announcementId()
    }
};

QTEST_GUILESS_MAIN(TestBridgeParts)
#include "tst_bridge_parts.moc"
