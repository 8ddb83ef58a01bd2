// The callerbus-serial driver, loaded as the real plugin by the DeviceManager on its own
// thread, polling a bus of callers and evaluators emulated on a pty through a real
// QSerialPort; plus the frame parser and the key → queue command mapping as tables.

#include <callerbusemulator.h>
#include <callerprotocol.h>

#include <devices/callerbus.h>
#include <devices/callercommands.h>
#include <devices/devicemanager.h>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;
using devices::CallerDisplay;
using devices::CallerEvent;
using devices::Device;
using Key = devices::CallerEvent::Key;
namespace cb = hall::drivers::callerbus;

Q_DECLARE_METATYPE(hall::devices::CallerEvent::Key)

namespace {

struct Interval
{
    double meanMs = 0;
    qint64 maxMs = 0;
    int count = 0;
};

// Poll-to-poll intervals of one address, as the bus saw them, from `sinceMs` on.
Interval pollIntervals(const QList<emulators::CallerBusEmulator::Poll> &polls, int address, qint64 sinceMs)
{
    Interval r;
    qint64 last = -1;
    qint64 sum = 0;
    for (const auto &p : polls) {
        if (p.address != address || p.atMs < sinceMs)
            continue;
        if (last >= 0) {
            sum += p.atMs - last;
            r.maxMs = std::max(r.maxMs, p.atMs - last);
            ++r.count;
        }
        last = p.atMs;
    }
    r.meanMs = r.count ? double(sum) / r.count : 0;
    return r;
}

// Runs this thread's event loop (where the emulator lives) without the 10 ms naps that
// QTest::qWait takes between rounds, which would add up to 10 ms to every answer.
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

template<typename F>
bool spinUntil(F done, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms)
        spin(1);
    return done();
}

QByteArray hex(const char *spaced)
{
    return QByteArray::fromHex(QByteArray(spaced).replace(' ', ""));
}

} // namespace

class TestCallerBus : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<emulators::CallerBusEmulator> m_emu;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
    devices::CallerBus *m_bus = nullptr;
    QList<CallerEvent> m_events;
    QList<QPair<int, bool>> m_presence;
    QList<QPair<Device::Error, QString>> m_errors;

    QVariantMap defaults() const
    {
        return {{QStringLiteral("addresses"), QVariantList{1, 2, 3, 9}}, {QStringLiteral("pollMs"), 20},
                {QStringLiteral("replyTimeoutMs"), 30}, {QStringLiteral("reconnectMs"), 200}};
    }

    // (Re)creates the bus device with these options; false if it does not become ready.
    bool start(const QVariantMap &options, QString *error)
    {
        m_manager.reset();
        m_events.clear();
        m_presence.clear();
        m_errors.clear();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        if (!m_manager->add({QStringLiteral("callerbus"), QStringLiteral("callerbus-serial"), m_emu->path(), options}, error))
            return false;
        m_bus = m_manager->device<devices::CallerBus>(QStringLiteral("callerbus"));
        if (!m_bus) {
            *error = QStringLiteral("the plugin made no CallerBus");
            return false;
        }
        // Queued into this thread: the test reads the lists without locks.
        connect(m_bus, &devices::CallerBus::keyPressed, this, [this](const CallerEvent &e) { m_events.append(e); });
        connect(m_bus, &devices::CallerBus::addressStatusChanged, this, [this](int a, bool on) { m_presence.append({a, on}); });
        connect(m_bus, &Device::errorOccurred, this, [this](Device::Error e, const QString &m) { m_errors.append({e, m}); });
        if (!QTest::qWaitFor([this] { return m_bus->state() == Device::State::Ready; }, 3000)) {
            *error = devices::stateName(m_bus->state()) + u' ' + m_bus->errorString();
            return false;
        }
        return true;
    }

    void show(int address, const CallerDisplay &d)
    {
        QMetaObject::invokeMethod(m_bus, [bus = m_bus, address, d] { bus->show(address, d); }, Qt::QueuedConnection);
    }

    QString describe() const
    {
        QStringList s;
        for (const CallerEvent &e : m_events)
            s << QStringLiteral("%1:%2(%3)/%4").arg(e.address).arg(devices::callerKeyName(e.key), e.argument).arg(e.rating);
        return s.join(u' ');
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_loader = std::make_unique<devices::PluginLoader>();
        QVERIFY2(m_loader->plugin(QStringLiteral("callerbus-serial")), "the callerbus-serial plugin was not found");
        QVERIFY(m_loader->plugin(QStringLiteral("callerbus-serial"))->problem.isEmpty());
    }

    void init()
    {
        m_emu = std::make_unique<emulators::CallerBusEmulator>(m_dir.filePath(QStringLiteral("ttyCALLER0")));
        m_emu->addCaller(1);
        m_emu->addCaller(2);
        m_emu->addCaller(3);
        m_emu->addEvaluator(9);
        QVERIFY(m_emu->plug());
        const QString test = QString::fromLatin1(QTest::currentTestFunction());
        if (test.startsWith(QLatin1String("protocol")) || test.startsWith(QLatin1String("keyMapsTo"))
            || test.startsWith(QLatin1String("badConfiguration")) || test.startsWith(QLatin1String("pollCycle")))
            return; // these start their own bus, or none
        QString error;
        QVERIFY2(start(defaults(), &error), qPrintable(error));
    }

    void cleanup()
    {
        m_manager.reset();
        m_bus = nullptr;
        m_emu.reset();
    }

    // ---- through the plugin --------------------------------------------------------------

    void everyKeyArrivesAsItsCallerEvent_data()
    {
        QTest::addColumn<int>("address");
        QTest::addColumn<Key>("key");
        QTest::addColumn<QString>("digits");
        QTest::newRow("next (呼叫下一位) at 1") << 1 << Key::Next << QString();
        QTest::newRow("recall (重呼) at 2") << 2 << Key::Recall << QString();
        QTest::newRow("special call (特呼) 12 at 3") << 3 << Key::SpecialCall << QStringLiteral("12");
        QTest::newRow("pause (暂停) at 1") << 1 << Key::Pause << QString();
        QTest::newRow("prompt evaluation (评价) at 2") << 2 << Key::Evaluate << QString();
        QTest::newRow("transfer (转移) to window 5 at 3") << 3 << Key::Transfer << QStringLiteral("5");
        QTest::newRow("settings (设置) at 1") << 1 << Key::Settings << QString();
        QTest::newRow("query (查询) at 2") << 2 << Key::Query << QString();
        QTest::newRow("digits 305 confirmed at 3") << 3 << Key::Digits << QStringLiteral("305");
        QTest::newRow("login with window number 07") << 1 << Key::Login << QStringLiteral("07");
        QTest::newRow("login with staff ID 100862") << 2 << Key::Login << QStringLiteral("100862");
        QTest::newRow("twelve typed digits, the most a report carries") << 3 << Key::SpecialCall << QStringLiteral("123456789012");
    }

    void everyKeyArrivesAsItsCallerEvent()
    {
        QFETCH(int, address);
        QFETCH(Key, key);
        QFETCH(QString, digits);
        m_emu->press(address, key, digits);
        QTRY_COMPARE_WITH_TIMEOUT(m_events.size(), 1, 2000);
        QCOMPARE(m_events.first().address, address);
        QCOMPARE(m_events.first().key, key);
        QCOMPARE(m_events.first().argument, digits);
        QCOMPARE(m_events.first().rating, 0);
        // The next poll acknowledges it: the caller lets go, and it is not delivered twice.
        QTRY_COMPARE_WITH_TIMEOUT(m_emu->pendingEvents(address), 0, 1000);
        QTest::qWait(300);
        QVERIFY2(m_events.size() == 1, qPrintable(describe()));
    }

    void ratingsArriveFromTheEvaluator_data()
    {
        QTest::addColumn<int>("rating");
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("code");
        QTest::newRow("1 非常不满意") << 1 << QStringLiteral("Very dissatisfied") << QStringLiteral("very-dissatisfied");
        QTest::newRow("2 不满意") << 2 << QStringLiteral("Dissatisfied") << QStringLiteral("dissatisfied");
        QTest::newRow("3 基本满意") << 3 << QStringLiteral("Fairly satisfied") << QStringLiteral("fair");
        QTest::newRow("4 满意") << 4 << QStringLiteral("Satisfied") << QStringLiteral("satisfied");
        QTest::newRow("5 非常满意") << 5 << QStringLiteral("Very satisfied") << QStringLiteral("very-satisfied");
    }

    void ratingsArriveFromTheEvaluator()
    {
        QFETCH(int, rating);
        QFETCH(QString, label);
        QFETCH(QString, code);
        m_emu->rate(9, rating);
        QTRY_COMPARE_WITH_TIMEOUT(m_events.size(), 1, 2000);
        const CallerEvent e = m_events.first();
        QCOMPARE(e.address, 9);
        QCOMPARE(e.key, Key::Rating);
        QCOMPARE(e.rating, rating);
        QCOMPARE(devices::ratingLabel(e.rating), label); // source text; zh_CN comes from translations
        QCOMPARE(devices::ratingCode(e.rating), code);
        QTest::qWait(200);
        QCOMPARE(m_events.size(), 1);
    }

    void quickPressesArriveInOrderExactlyOnce()
    {
        m_emu->press(1, Key::Next);
        m_emu->press(1, Key::Recall);
        m_emu->press(1, Key::SpecialCall, QStringLiteral("8"));
        m_emu->press(2, Key::Next);
        m_emu->rate(9, 4);
        m_emu->press(1, Key::Pause);
        QTRY_VERIFY2_WITH_TIMEOUT(m_events.size() >= 6, qPrintable(describe()), 3000);
        QTest::qWait(300);
        QVERIFY2(m_events.size() == 6, qPrintable(describe()));
        QList<Key> atOne;
        for (const CallerEvent &e : std::as_const(m_events)) {
            if (e.address == 1)
                atOne << e.key;
        }
        QCOMPARE(atOne, (QList<Key>{Key::Next, Key::Recall, Key::SpecialCall, Key::Pause}));
        QVERIFY(std::any_of(m_events.cbegin(), m_events.cend(), [](const CallerEvent &e) { return e.address == 9 && e.rating == 4; }));
    }

    void showReachesOnlyThatCallersDisplay_data()
    {
        QTest::addColumn<int>("address");
        QTest::addColumn<QString>("number");
        QTest::addColumn<int>("waiting");
        QTest::addColumn<bool>("beep");
        QTest::addColumn<QString>("shown");
        QTest::newRow("A012, 7 waiting, new-ticket beep, at 2") << 2 << QStringLiteral("A012") << 7 << true << QStringLiteral("A012");
        QTest::newRow("no waiting count, no beep, at 1") << 1 << QStringLiteral("B105") << -1 << false << QStringLiteral("B105");
        QTest::newRow("a short message, nobody waiting, at 3") << 3 << QStringLiteral("暂停") << 0 << false << QStringLiteral("暂停");
        QTest::newRow("too long: cut to 24 bytes on a character boundary") << 3 << QStringLiteral("请A012号到3号窗口办理") << 12 << true
                                                                           << QStringLiteral("请A012号到3号窗口"); // 3+4+3+3+1+3+3+3 = 23 bytes
        QTest::newRow("huge waiting count is capped") << 1 << QStringLiteral("C001") << 100000 << false << QStringLiteral("C001");
    }

    void showReachesOnlyThatCallersDisplay()
    {
        QFETCH(int, address);
        QFETCH(QString, number);
        QFETCH(int, waiting);
        QFETCH(bool, beep);
        QFETCH(QString, shown);
        show(address, {number, waiting, beep});
        QTRY_COMPARE_WITH_TIMEOUT(m_emu->display(address).updates, 1, 2000);
        const auto d = m_emu->display(address);
        QCOMPARE(d.number, shown);
        QCOMPARE(d.waiting, waiting > 65534 ? 65534 : waiting);
        QCOMPARE(d.beeps, beep ? 1 : 0);
        for (int other : {1, 2, 3}) {
            if (other == address)
                continue;
            QCOMPARE(m_emu->display(other).updates, 0);
            QCOMPARE(m_emu->display(other).number, QString());
        }
        QVERIFY(m_errors.isEmpty());
    }

    void aRetriedDisplayBeepsOnce()
    {
        // The caller's ACK is broken on the way: the host sends the display again, and the
        // caller, seeing the same display sequence, does not buzz a second time.
        m_emu->corruptNextReply(2);
        QTest::qWait(10);
        show(2, {QStringLiteral("A013"), 4, true});
        QTRY_COMPARE_WITH_TIMEOUT(m_emu->display(2).updates, 2, 2000);
        QCOMPARE(m_emu->display(2).beeps, 1);
        QCOMPARE(m_emu->display(2).number, QStringLiteral("A013"));
        show(2, {QStringLiteral("A014"), 3, true}); // the next ticket: a new beep
        QTRY_COMPARE_WITH_TIMEOUT(m_emu->display(2).beeps, 2, 2000);
        QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.value(0).second));
    }

    void promptRatingReachesTheEvaluatorOnly()
    {
        QMetaObject::invokeMethod(m_bus, [this] { m_bus->promptRating(9); }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(m_emu->ratingPrompts(9), 1, 2000);
        QVERIFY(m_errors.isEmpty());
        // A caller has no rating keys: it refuses, and the officer is told.
        QMetaObject::invokeMethod(m_bus, [this] { m_bus->promptRating(1); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(!m_errors.isEmpty(), 2000);
        QCOMPARE(m_errors.first().first, Device::Error::DeviceReported);
        QCOMPARE(m_emu->ratingPrompts(1), 0);
        // An address that is not on the bus is a configuration mistake, said at once.
        m_errors.clear();
        show(42, {QStringLiteral("A001"), 1, false});
        QTRY_VERIFY_WITH_TIMEOUT(!m_errors.isEmpty(), 1000);
        QCOMPARE(m_errors.first().first, Device::Error::Configuration);
        QVERIFY2(m_errors.first().second.contains(QLatin1String("42")), qPrintable(m_errors.first().second));
    }

    void pollCycleWithADeadAddress()
    {
        // Five live devices: the cycle as the bus sees it (poll to poll of address 1).
        m_emu->addCaller(4);
        QVariantMap o = defaults();
        o[QStringLiteral("addresses")] = QVariantList{1, 2, 3, 4, 9};
        o[QStringLiteral("replyTimeoutMs")] = 100; // a long timeout makes a stall plain to see
        QString error;
        QVERIFY2(start(o, &error), qPrintable(error));
        spin(300);
        qint64 since = m_emu->nowMs();
        spin(1500);
        const Interval live = pollIntervals(m_emu->polls, 1, since);
        QVERIFY(live.count > 5);
        int liveCycle = -1; // the driver's own figure (an optional ability, through the meta-object)
        QVERIFY(QMetaObject::invokeMethod(m_bus, "lastCycleMs", Qt::BlockingQueuedConnection, Q_RETURN_ARG(int, liveCycle)));
        qInfo("5 live devices at 9600 baud: bus cycle %d ms; poll to poll of one address %.1f ms (max %lld) incl. pollMs 20",
              liveCycle, live.meanMs, live.maxMs);

        // Address 5 is configured but nothing answers there.
        o[QStringLiteral("addresses")] = QVariantList{1, 2, 3, 4, 5, 9};
        o[QStringLiteral("offlineRetryMs")] = 1000;
        QVERIFY2(start(o, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(m_presence.contains(qMakePair(5, false)), 2000);
        QVERIFY2(std::any_of(m_errors.cbegin(), m_errors.cend(), [](const auto &e) { return e.first == Device::Error::Timeout && e.second.contains(QLatin1String("5")); }),
                 "a silent address is reported");
        const qsizetype deadPollsBefore = std::count_if(m_emu->polls.cbegin(), m_emu->polls.cend(), [](const auto &p) { return p.address == 5; });
        since = m_emu->nowMs();
        QElapsedTimer t;
        t.start();
        m_emu->press(3, Key::Next);
        QVERIFY(spinUntil([this] { return m_events.size() == 1; }, 1000));
        const qint64 keyLatency = t.elapsed();
        spin(2500 - int(t.elapsed()));
        const Interval withDead = pollIntervals(m_emu->polls, 1, since);
        const qsizetype deadPolls = std::count_if(m_emu->polls.cbegin(), m_emu->polls.cend(), [](const auto &p) { return p.address == 5; }) - deadPollsBefore;
        qInfo("with a dead address (replyTimeoutMs 100): poll to poll %.1f ms mean, %lld ms max; dead address polled %lld times in 2.5 s; key latency %lld ms",
              withDead.meanMs, withDead.maxMs, qint64(deadPolls), keyLatency);
        // Without the back-off every cycle would carry the full reply timeout (≥ +100 ms).
        QVERIFY2(withDead.meanMs < live.meanMs + 40, qPrintable(QStringLiteral("%1 vs %2").arg(withDead.meanMs).arg(live.meanMs)));
        // One cycle may carry the dead address's timeout; the margin absorbs a loaded machine's
        // scheduling (the mean above is what shows the back-off works).
        QVERIFY2(withDead.maxMs < live.maxMs + 100 + 250, qPrintable(QString::number(withDead.maxMs)));
        QVERIFY2(deadPolls >= 1 && deadPolls <= 4, qPrintable(QString::number(deadPolls))); // still asked, about once a second
        QVERIFY2(keyLatency < live.maxMs + 150, qPrintable(QString::number(keyLatency)));

        // The caller is switched on again: noticed at its next try, and its keys flow.
        m_emu->addCaller(5);
        m_emu->press(5, Key::Recall);
        QTRY_VERIFY_WITH_TIMEOUT(m_presence.contains(qMakePair(5, true)), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(m_events.size(), 2, 1000);
        QCOMPARE(m_events.last().address, 5);
        QCOMPARE(m_events.last().key, Key::Recall);
    }

    void damagedLinesAreSurvived_data()
    {
        QTest::addColumn<int>("fault");
        QTest::addColumn<bool>("resent"); // the report must have gone out again
        QTest::newRow("a broken CRC on the key report") << 0 << true;
        QTest::newRow("two broken CRCs in a row") << 1 << true;
        QTest::newRow("noise before the key report") << 2 << false;
        QTest::newRow("a false STX announcing a long frame") << 3 << false;
        QTest::newRow("the report in 4 pieces") << 4 << false;
        QTest::newRow("line noise between frames") << 5 << false;
        QTest::newRow("the report lost entirely") << 6 << true;
        QTest::newRow("another address talking out of turn first") << 7 << false;
    }

    void damagedLinesAreSurvived()
    {
        QFETCH(int, fault);
        QFETCH(bool, resent);
        switch (fault) {
        case 0: m_emu->corruptNextReply(2); break;
        case 1: m_emu->corruptNextReply(2, 2); break;
        case 2: m_emu->garbageBeforeNextReply(2, QByteArray("\x00\xFF\x55\x13\x37\x03", 6)); break;
        case 3: m_emu->garbageBeforeNextReply(2, QByteArray("\x02\x02\x30\x20", 4)); break;
        case 4: m_emu->splitNextReply(2, 4, 10); break;
        case 6: m_emu->silenceNextReply(2); break;
        case 7: m_emu->garbageBeforeNextReply(2, cb::keyReport(3, 77, Key::Next)); break;
        }
        if (fault == 5) {
            for (int i = 0; i < 10; ++i)
                QTimer::singleShot(i * 37, m_emu.get(), [this, i] { m_emu->noise(QByteArray("\x02\xA5\x5A\x02\x03\x10\x01", 2 + i % 6)); });
        }
        m_emu->press(2, Key::Transfer, QStringLiteral("6"));
        m_emu->press(1, Key::Next); // a neighbour on the same line
        QTRY_VERIFY2_WITH_TIMEOUT(m_events.size() >= 2, qPrintable(describe()), 3000);
        QTest::qWait(300);
        QVERIFY2(m_events.size() == 2, qPrintable(describe()));
        const auto at2 = std::find_if(m_events.cbegin(), m_events.cend(), [](const CallerEvent &e) { return e.address == 2; });
        QVERIFY(at2 != m_events.cend());
        QCOMPARE(at2->key, Key::Transfer);
        QCOMPARE(at2->argument, QStringLiteral("6"));
        if (fault != 5)
            QVERIFY(m_emu->faultsApplied >= 1);
        if (resent)
            QVERIFY2(m_emu->eventTransmissions(2) >= 2, "the unacknowledged report is sent again");
        QCOMPARE(m_emu->pendingEvents(2), 0);
        QCOMPARE(m_bus->state(), Device::State::Ready);
    }

    void unplugAndReplugReconnects()
    {
        m_emu->unplug();
        QTRY_VERIFY_WITH_TIMEOUT(m_bus->state() == Device::State::Disconnected, 3000);
        QTRY_COMPARE(m_manager->status().first().state, Device::State::Disconnected); // queued to the manager
        m_emu->press(2, Key::Next); // pressed while the adapter was out: kept by the caller
        QElapsedTimer t;
        t.start();
        QVERIFY(m_emu->plug());
        QVERIFY2(QTest::qWaitFor([this] { return m_bus->state() == Device::State::Ready; }, 2000),
                 "the bus must be back within 2 s of being plugged in");
        qInfo("reconnected %lld ms after replug", t.elapsed());
        QTRY_COMPARE_WITH_TIMEOUT(m_events.size(), 1, 1000);
        QCOMPARE(m_events.first().address, 2);
        show(3, {QStringLiteral("A020"), 2, true});
        QTRY_COMPARE_WITH_TIMEOUT(m_emu->display(3).number, QStringLiteral("A020"), 1000);
    }

    // A single caller written as a number (JSON "addresses": 2, or --option addresses=2) is a
    // bus of one, not a configuration error.
    void aSingleAddressIsAccepted()
    {
        QVariantMap o = defaults();
        o[QStringLiteral("addresses")] = 2;
        QString error;
        QVERIFY2(start(o, &error), qPrintable(error));
        QTRY_COMPARE(m_bus->state(), Device::State::Ready);
        m_emu->press(2, Key::Next);
        QTRY_COMPARE_WITH_TIMEOUT(m_events.size(), 1, 2000);
        QCOMPARE(m_events.first().address, 2);
    }

    void badConfigurationFailsClearly_data()
    {
        QTest::addColumn<QVariant>("addresses");
        QTest::addColumn<QString>("message");
        QTest::newRow("no addresses") << QVariant() << QStringLiteral("options.addresses");
        QTest::newRow("address 0 is reserved") << QVariant(QVariantList{1, 0}) << QStringLiteral("\"0\"");
        QTest::newRow("address 248 is out of range") << QVariant(QVariantList{248}) << QStringLiteral("\"248\"");
        QTest::newRow("not a number") << QVariant(QVariantList{QStringLiteral("x")}) << QStringLiteral("\"x\"");
        QTest::newRow("listed twice") << QVariant(QVariantList{3, 3}) << QStringLiteral("twice");
    }

    void badConfigurationFailsClearly()
    {
        QFETCH(QVariant, addresses);
        QFETCH(QString, message);
        QVariantMap o = defaults();
        o.remove(QStringLiteral("addresses"));
        if (addresses.isValid())
            o[QStringLiteral("addresses")] = addresses;
        QString error;
        QVERIFY(!start(o, &error));
        QTRY_COMPARE(m_bus->state(), Device::State::Failed);
        QCOMPARE(m_bus->error(), Device::Error::Configuration);
        QVERIFY2(m_bus->errorString().contains(message), qPrintable(m_bus->errorString()));
        QVERIFY(m_emu->polls.isEmpty());
    }

    // ---- the pure parser (what the fuzz harness drives) ------------------------------------

    void protocolDocumentedExamples_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QByteArray>("bytes");
        // docs/protocols/callerbus.md, "Examples": keep the two in step.
        QTest::newRow("poll 1, nothing to acknowledge") << cb::poll(1, 0) << hex("02 01 10 01 00 01 8D 03");
        QTest::newRow("caller 1: nothing pending") << cb::ack(1, cb::DeviceType::Caller) << hex("02 01 06 01 01 21 89 03");
        QTest::newRow("caller 3: special call 12") << cb::keyReport(3, 5, Key::SpecialCall, "12") << hex("02 03 30 04 05 03 31 32 B8 B9 03");
        QTest::newRow("poll 3, acknowledging 5") << cb::poll(3, 5) << hex("02 03 10 01 05 C0 36 03");
        QTest::newRow("evaluator 9: rating 5") << cb::ratingReport(9, 1, 5) << hex("02 09 31 02 01 05 96 AE 03");
        QTest::newRow("display A012, 7 waiting, beep at 2") << cb::display(2, 1, {QStringLiteral("A012"), 7, true})
                                                            << hex("02 02 20 08 01 01 00 07 41 30 31 32 8F 4C 03");
        QTest::newRow("prompt rating at 9") << cb::promptRating(9) << hex("02 09 21 00 B9 92 03");
    }

    void protocolDocumentedExamples()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QByteArray, bytes);
        QCOMPARE(frame.toHex(' '), bytes.toHex(' '));
        QByteArray buffer = bytes;
        cb::Frame f;
        QCOMPARE(cb::takeFrame(buffer, &f), cb::Parse::Frame);
        QVERIFY(buffer.isEmpty());
        QCOMPARE(cb::encode(f), bytes);
    }

    void protocolResyncs_data()
    {
        const QByteArray a = cb::keyReport(2, 9, Key::Next);
        const QByteArray b = cb::ack(3, cb::DeviceType::Caller);
        QByteArray broken = a;
        broken[5] = char(broken.at(5) ^ 0x03); // Next → Recall, CRC now wrong
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("badChecksums");
        QTest::newRow("two frames back to back") << a + b << 2 << 0;
        QTest::newRow("noise without STX before") << QByteArray("\xFF\x00\x55") + a << 1 << 0;
        QTest::newRow("false STX with a long LEN") << QByteArray("\x02\x02\x30\x20", 4) + a << 1 << 0;
        QTest::newRow("false STX, impossible LEN") << QByteArray("\x02\x02\x30\xFF", 4) + a << 1 << 0;
        QTest::newRow("false STX, reserved address") << QByteArray("\x02\x00", 2) + a << 1 << 0;
        QTest::newRow("a damaged frame, then a good one") << broken + b << 1 << 1;
        QTest::newRow("STX bytes inside the data") << cb::keyReport(2, 2, Key::Next, "") + cb::ratingReport(2, 2, 3) << 2 << 0;
        QTest::newRow("only noise") << QByteArray("\x02\x02\x02\x03\x03", 5) << 0 << 0;
    }

    void protocolResyncs()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, frames);
        QFETCH(int, badChecksums);
        // Whole, and one byte at a time (split frames): the same frames come out.
        for (const bool bytewise : {false, true}) {
            QByteArray buffer;
            int got = 0, bad = 0;
            auto drain = [&] {
                for (;;) {
                    cb::Frame f;
                    const cb::Parse p = cb::takeFrame(buffer, &f);
                    if (p == cb::Parse::NeedMore)
                        return;
                    got += p == cb::Parse::Frame;
                    bad += p == cb::Parse::BadChecksum;
                    QVERIFY(buffer.size() < bytes.size() + 1);
                }
            };
            if (bytewise) {
                for (char c : bytes) {
                    buffer.append(c);
                    drain();
                }
            } else {
                buffer = bytes;
                drain();
            }
            QVERIFY2(got == frames, qPrintable(QStringLiteral("bytewise %1: %2 frames").arg(bytewise).arg(got)));
            // Resync after a damaged frame may meet more false starts inside it: at least one.
            QVERIFY2(badChecksums ? bad >= badChecksums : bad == 0, qPrintable(QString::number(bad)));
            QVERIFY(buffer.size() < cb::MaxFrame);
        }
    }

    void protocolRejectsInvalidReplies_data()
    {
        QTest::addColumn<int>("command");
        QTest::addColumn<QByteArray>("data");
        QTest::newRow("unknown command") << 0x7F << QByteArray();
        QTest::newRow("ack without type") << int(cb::cmd::Ack) << QByteArray();
        QTest::newRow("ack of unknown type") << int(cb::cmd::Ack) << QByteArray("\x07", 1);
        QTest::newRow("key without code") << int(cb::cmd::Key) << QByteArray("\x01", 1);
        QTest::newRow("key with seq 0") << int(cb::cmd::Key) << QByteArray("\x00\x01", 2);
        QTest::newRow("unknown key code") << int(cb::cmd::Key) << QByteArray("\x01\x0B", 2);
        QTest::newRow("letters as digits") << int(cb::cmd::Key) << QByteArray("\x01\x03" "1A", 4);
        QTest::newRow("13 digits") << int(cb::cmd::Key) << QByteArray("\x01\x03" "1234567890123", 15);
        QTest::newRow("rating 0") << int(cb::cmd::Rating) << QByteArray("\x01\x00", 2);
        QTest::newRow("rating 6") << int(cb::cmd::Rating) << QByteArray("\x01\x06", 2);
        QTest::newRow("rating without value") << int(cb::cmd::Rating) << QByteArray("\x01", 1);
    }

    void protocolRejectsInvalidReplies()
    {
        QFETCH(int, command);
        QFETCH(QByteArray, data);
        cb::Reply r;
        QString error;
        QVERIFY(!cb::decodeReply({2, quint8(command), data}, &r, &error));
        QVERIFY(!error.isEmpty());
    }

    // ---- key → queue command (docs/api.md "Windows") ----------------------------------------

    void keyMapsToQueueCommand_data()
    {
        QTest::addColumn<Key>("key");
        QTest::addColumn<QString>("digits");
        QTest::addColumn<int>("rating");
        QTest::addColumn<bool>("paused");
        QTest::addColumn<bool>("windowLogin");
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QString>("window");
        QTest::addColumn<QVariantMap>("arguments");
        QTest::addColumn<bool>("local");
        QTest::addColumn<QString>("ticketNumber");
        QTest::addColumn<bool>("valid");
        const QVariantMap none;
        const QString w = QStringLiteral("4"); // the caller's window in the context
        QTest::newRow("next") << Key::Next << QString() << 0 << false << false << "call-next" << w << none << false << QString() << true;
        QTest::newRow("recall") << Key::Recall << QString() << 0 << false << false << "recall" << w << none << false << QString() << true;
        QTest::newRow("special call 12") << Key::SpecialCall << "12" << 0 << false << false << "special-call" << w << none << false << "12" << true;
        QTest::newRow("special call without number") << Key::SpecialCall << QString() << 0 << false << false << "special-call" << w << none << false << QString() << false;
        QTest::newRow("digits confirmed = special call") << Key::Digits << "305" << 0 << false << false << "special-call" << w << none << false << "305" << true;
        QTest::newRow("pause while open")
            << Key::Pause << QString() << 0 << false << false << "pause" << w
            << QVariantMap{{QStringLiteral("type"), QStringLiteral("break")}, {QStringLiteral("reason"), QString()}} << false << QString() << true;
        QTest::newRow("pause while paused = resume") << Key::Pause << QString() << 0 << true << false << "resume" << w << none << false << QString() << true;
        QTest::newRow("prompt evaluation") << Key::Evaluate << QString() << 0 << false << false << "prompt-rating" << w << none << true << QString() << true;
        QTest::newRow("transfer to window 05")
            << Key::Transfer << "05" << 0 << false << false << "transfer" << w << QVariantMap{{QStringLiteral("window"), QStringLiteral("5")}} << false << QString() << true;
        QTest::newRow("transfer without window") << Key::Transfer << QString() << 0 << false << false << "transfer" << w << none << false << QString() << false;
        QTest::newRow("settings") << Key::Settings << QString() << 0 << false << false << "settings" << w << none << true << QString() << true;
        QTest::newRow("query") << Key::Query << QString() << 0 << false << false << "query" << w << none << true << QString() << true;
        QTest::newRow("login, staff ID mode")
            << Key::Login << "100862" << 0 << false << false << "login" << w << QVariantMap{{QStringLiteral("officer"), QStringLiteral("100862")}} << false << QString() << true;
        QTest::newRow("login, window mode: window 07 as the caller's officer")
            << Key::Login << "07" << 0 << false << true << "login" << "7" << QVariantMap{{QStringLiteral("officer"), QStringLiteral("officer04")}} << false << QString() << true;
        QTest::newRow("login without digits") << Key::Login << QString() << 0 << false << false << "login" << w << none << false << QString() << false;
        QTest::newRow("rating 2")
            << Key::Rating << QString() << 2 << false << false << "rate" << w
            << QVariantMap{{QStringLiteral("rating"), 2}, {QStringLiteral("level"), QStringLiteral("dissatisfied")}} << true << QString() << true;
        QTest::newRow("rating 9 is refused") << Key::Rating << QString() << 9 << false << false << "rate" << w << none << true << QString() << false;
    }

    void keyMapsToQueueCommand()
    {
        QFETCH(Key, key);
        QFETCH(QString, digits);
        QFETCH(int, rating);
        QFETCH(bool, paused);
        QFETCH(bool, windowLogin);
        QFETCH(QString, operation);
        QFETCH(QString, window);
        QFETCH(QVariantMap, arguments);
        QFETCH(bool, local);
        QFETCH(QString, ticketNumber);
        QFETCH(bool, valid);
        CallerEvent e;
        e.address = 17;
        e.key = key;
        e.argument = digits;
        e.rating = rating;
        devices::CallerContext ctx;
        ctx.window = QStringLiteral("4");
        ctx.paused = paused;
        ctx.loginMode = windowLogin ? devices::CallerContext::LoginMode::Window : devices::CallerContext::LoginMode::StaffId;
        ctx.officer = QStringLiteral("officer04");
        const devices::QueueCommand c = devices::queueCommand(e, ctx);
        QCOMPARE(c.isValid(), valid);
        QCOMPARE(c.operation, operation);
        QCOMPARE(c.window, window);
        if (!valid) {
            QVERIFY(!c.error.isEmpty());
            return;
        }
        QCOMPARE(c.arguments, arguments);
        QCOMPARE(c.local, local);
        QCOMPARE(c.ticketNumber, ticketNumber);
    }

    void keyMapsToQueueCommandWindowDefaultsToTheAddress()
    {
        CallerEvent e;
        e.address = 12;
        QCOMPARE(devices::queueCommand(e).window, QStringLiteral("12"));
        e.key = Key::Login;
        e.argument = QStringLiteral("3");
        devices::CallerContext ctx;
        ctx.loginMode = devices::CallerContext::LoginMode::Window; // but no officer for the caller
        QVERIFY(!devices::queueCommand(e, ctx).isValid());
    }
};

QTEST_GUILESS_MAIN(TestCallerBus)
#include "tst_callerbus.moc"
