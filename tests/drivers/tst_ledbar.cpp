// The ledbar driver, loaded as the real plugin by the DeviceManager on its own thread, talking
// through a real QSerialPort to LED cards on a pty and through a UDP socket to network cards.

#include <ledbaremulator.h>
#include <ledbarprotocol.h>

#include "screentest.h"

#include <devices/devicemanager.h>
#include <devices/windowscreen.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStringEncoder>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;
using devices::Device;
using devices::ScreenContent;
using Mode = devices::ScreenContent::Mode;
namespace lb = hall::drivers::ledbar;

Q_DECLARE_METATYPE(hall::devices::ScreenContent::Mode)

class TestLedBar : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<emulators::LedBarEmulator> m_bus;
    std::unique_ptr<emulators::LedBarUdpEmulator> m_net;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;

    static QVariantMap fastOptions(QVariantMap extra = {})
    {
        extra.insert(QStringLiteral("timeoutMs"), 150);
        extra.insert(QStringLiteral("reconnectMs"), 200);
        return extra;
    }
    devices::WindowScreen *screen(bool udp) const
    {
        return m_manager->device<devices::WindowScreen>(udp ? QStringLiteral("screen-net") : QStringLiteral("ledbar"));
    }
    emulators::LedCards &cards(bool udp) { return udp ? static_cast<emulators::LedCards &>(*m_net) : *m_bus; }
    static bool waitState(devices::WindowScreen *s, Device::State state, int ms = 3000)
    {
        return QTest::qWaitFor([&] { return s->state() == state; }, ms);
    }
    // Adds a further screen on the UDP cards with its own options.
    devices::WindowScreen *addScreen(const QString &role, const QVariantMap &options, QString *error)
    {
        if (!m_manager->add({role, QStringLiteral("ledbar"), m_net->url(), fastOptions(options)}, error))
            return nullptr;
        return m_manager->device<devices::WindowScreen>(role);
    }
    static bool show(devices::WindowScreen *s, int address, const ScreenContent &content, QString *error)
    {
        return testing::showOnce(s, address, content, error);
    }
    static ScreenContent content(Mode mode, const QString &number = {}, const QString &text = {}, const QString &colour = {})
    {
        return testing::screenContent(mode, number, text, colour);
    }
    static QByteArray gb18030(const QString &s)
    {
        QStringEncoder e("GB18030");
        return e.encode(s);
    }
    int flashRequests(bool udp)
    {
        const auto &r = cards(udp).requests;
        return int(std::count_if(r.cbegin(), r.cend(), [](const lb::Frame &f) { return f.command == lb::cmd::WriteFlash || f.toFlash(); }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Device::Error>();
        qRegisterMetaType<ScreenContent>();
    }

    void init()
    {
        m_bus = std::make_unique<emulators::LedBarEmulator>(m_dir.filePath(QStringLiteral("ttyLED0")));
        QVERIFY(m_bus->plug());
        m_net = std::make_unique<emulators::LedBarUdpEmulator>();
        QVERIFY(m_net->plug());
        m_loader = std::make_unique<devices::PluginLoader>();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("ledbar"), QStringLiteral("ledbar"), m_bus->path(), fastOptions()}, &error), qPrintable(error));
        QVERIFY2(m_manager->add({QStringLiteral("screen-net"), QStringLiteral("ledbar"), m_net->url(), fastOptions()}, &error), qPrintable(error));
        for (bool udp : {false, true})
            QVERIFY2(waitState(screen(udp), Device::State::Ready), qPrintable(screen(udp)->errorString()));
        m_net->requests.clear(); // the probe on open
    }

    void cleanup()
    {
        m_manager.reset();
        m_bus.reset();
        m_net.reset();
    }

    void showsEachModeAtItsAddress_data()
    {
        QTest::addColumn<bool>("udp");
        QTest::addColumn<int>("address");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QString>("number");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("colour");
        for (bool udp : {false, true}) {
            const char *t = udp ? "udp" : "serial";
            QTest::addRow("%s: serving", t) << udp << 3 << Mode::Serving << QStringLiteral("A023") << QString()
                                            << QStringLiteral("请A023到3号窗口") << int(lb::Colour::Red);
            QTest::addRow("%s: serving, own words", t) << udp << 2 << Mode::Serving << QStringLiteral("B105")
                                                       << QStringLiteral("%number 请到%window号窗口")
                                                       << QStringLiteral("B105 请到2号窗口") << int(lb::Colour::Red);
            QTest::addRow("%s: paused", t) << udp << 1 << Mode::Paused << QString() << QString()
                                           << QStringLiteral("暂停服务") << int(lb::Colour::Yellow);
            QTest::addRow("%s: idle", t) << udp << 2 << Mode::Idle << QString() << QString()
                                         << QStringLiteral("为您服务") << int(lb::Colour::Green);
            QTest::addRow("%s: free text", t) << udp << 3 << Mode::Text << QString()
                                              << QStringLiteral("欢迎光临 政务服务中心 张*三")
                                              << QStringLiteral("欢迎光临 政务服务中心 张*三") << int(lb::Colour::Red);
        }
    }

    void showsEachModeAtItsAddress()
    {
        QFETCH(bool, udp);
        QFETCH(int, address);
        QFETCH(Mode, mode);
        QFETCH(QString, number);
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QFETCH(int, colour);
        QString error;
        QVERIFY2(show(screen(udp), address, content(mode, number, text), &error), qPrintable(error));
        emulators::LedCards &c = cards(udp);
        QCOMPARE(c.text(address), expected);
        QCOMPARE(int(c.shown(address)->colour), colour);
        for (int other : {1, 2, 3}) {
            if (other != address)
                QVERIFY2(!c.shown(other), "only the addressed card may change");
        }
        // The bytes on the wire are GB18030, as the cards expect.
        QCOMPARE(c.requests.size(), 1);
        QCOMPARE(c.requests.first().address, quint8(address));
        QCOMPARE(c.requests.first().command, lb::cmd::WriteRam);
        QCOMPARE(c.requests.first().payload.mid(2), gb18030(expected));
        QCOMPARE(c.flashWrites(), 0);
        QCOMPARE(c.ramWrites(), 1);
    }

    void showNeverWritesFlash()
    {
        QString error;
        int n = 0;
        for (bool udp : {false, true}) {
            for (int address : {1, 2, 3}) {
                for (Mode mode : {Mode::Serving, Mode::Paused, Mode::Idle, Mode::Text}) {
                    ++n;
                    QVERIFY2(show(screen(udp), address, content(mode, QStringLiteral("A%1").arg(n, 3, 10, QLatin1Char('0')), QStringLiteral("文字 %1").arg(n)), &error),
                             qPrintable(error));
                }
            }
            QCOMPARE(cards(udp).ramWrites(), 12);
            QCOMPARE(cards(udp).flashWrites(), 0);
            QCOMPARE(flashRequests(udp), 0);
        }
        // The one path that does write flash, so the counters above could tell.
        QSignalSpy failed(screen(false), &devices::WindowScreen::showFailed);
        QMetaObject::invokeMethod(screen(false), [this] { screen(false)->storeStartupText(2, QStringLiteral("欢迎光临")); }, Qt::QueuedConnection);
        QTRY_COMPARE(m_bus->flashWrites(), 1);
        QCOMPARE(m_bus->flashText(2), QStringLiteral("欢迎光临"));
        QCOMPARE(m_bus->requests.last().area & lb::FlashBit, lb::FlashBit);
        QTest::qWait(100);
        QVERIFY(failed.isEmpty());
    }

    void configuredWordsAndColours()
    {
        QString error;
        auto *s = addScreen(QStringLiteral("screen-custom"),
                            {{QStringLiteral("servingText"), QStringLiteral("%number")},
                             {QStringLiteral("pausedText"), QStringLiteral("暂停办理")},
                             {QStringLiteral("idleText"), QStringLiteral("欢迎光临")},
                             {QStringLiteral("colourMode"), QStringLiteral("full")},
                             {QStringLiteral("servingColour"), QStringLiteral("green")},
                             {QStringLiteral("pausedColour"), QStringLiteral("blue")}}, &error);
        QVERIFY2(s, qPrintable(error));
        m_net->colourMode = lb::ColourMode::Full;
        QVERIFY2(waitState(s, Device::State::Ready), qPrintable(s->errorString()));
        QVERIFY(s->capabilities().testFlag(Device::ScreenColours));
        QVERIFY2(show(s, 1, content(Mode::Serving, QStringLiteral("A023")), &error), qPrintable(error));
        QCOMPARE(m_net->text(1), QStringLiteral("A023"));
        QCOMPARE(m_net->shown(1)->colour, lb::Colour::Green);
        QVERIFY2(show(s, 2, content(Mode::Paused), &error), qPrintable(error));
        QCOMPARE(m_net->text(2), QStringLiteral("暂停办理"));
        QCOMPARE(m_net->shown(2)->colour, lb::Colour::Blue);
        QVERIFY2(show(s, 3, content(Mode::Idle, {}, {}, QStringLiteral("cyan")), &error), qPrintable(error));
        QCOMPARE(m_net->text(3), QStringLiteral("欢迎光临"));
        QCOMPARE(m_net->shown(3)->colour, lb::Colour::Cyan);
    }

    void contentColoursFollowTheCard_data()
    {
        QTest::addColumn<QString>("colourMode");
        QTest::addColumn<QString>("colour");
        QTest::addColumn<QString>("error"); // empty: shown in that colour
        QTest::newRow("dual: green") << "dual" << "green" << "";
        QTest::newRow("dual: yellow") << "dual" << "Yellow" << "";
        QTest::newRow("dual: blue") << "dual" << "blue" << "NotSupported:Screen 1 cannot show blue.";
        QTest::newRow("mono: green") << "mono" << "green" << "NotSupported:Screen 1 cannot show green.";
        QTest::newRow("full: magenta") << "full" << "magenta" << "";
        QTest::newRow("unknown colour") << "full" << "purple" << "Configuration:Screen 1: \"purple\" is not a colour";
    }

    void contentColoursFollowTheCard()
    {
        QFETCH(QString, colourMode);
        QFETCH(QString, colour);
        QFETCH(QString, error);
        m_net->colourMode = *lb::colourModeFromName(colourMode);
        QString why;
        auto *s = addScreen(QStringLiteral("screen-colours"), {{QStringLiteral("colourMode"), colourMode}}, &why);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(why));
        QCOMPARE(s->capabilities().testFlag(Device::ScreenColours), colourMode != QLatin1String("mono"));
        m_net->requests.clear();
        const bool ok = show(s, 1, content(Mode::Text, {}, QStringLiteral("请稍候"), colour), &why);
        if (error.isEmpty()) {
            QVERIFY2(ok, qPrintable(why));
            QCOMPARE(m_net->shown(1)->colour, *lb::colourFromName(colour));
        } else {
            QVERIFY(!ok);
            QVERIFY2(why.startsWith(error), qPrintable(why));
            QVERIFY2(m_net->requests.isEmpty(), "a colour the card lacks is refused before anything is sent");
        }
    }

    void mapRoutesAddressesToCardsAndAreas()
    {
        QString error;
        auto *s = addScreen(QStringLiteral("screen-hall"),
                            {{QStringLiteral("map"), QVariantMap{{QStringLiteral("12"), QStringLiteral("2:1")},
                                                                 {QStringLiteral("13"), QStringLiteral("2:3")},
                                                                 {QStringLiteral("7"), 3}}}}, &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        QVERIFY2(show(s, 12, content(Mode::Serving, QStringLiteral("A001")), &error), qPrintable(error));
        QVERIFY2(show(s, 13, content(Mode::Paused), &error), qPrintable(error));
        QVERIFY2(show(s, 7, content(Mode::Idle), &error), qPrintable(error));
        QCOMPARE(m_net->text(2, 1), QStringLiteral("请A001到12号窗口"));
        QCOMPARE(m_net->text(2, 3), QStringLiteral("暂停服务"));
        QCOMPARE(m_net->text(3, 0), QStringLiteral("为您服务"));
        QVERIFY(!m_net->shown(2, 0));
        // Area 5 does not exist on a 4-area card: the card's refusal names the map option.
        auto *bad = addScreen(QStringLiteral("screen-area"), {{QStringLiteral("map"), QVariantMap{{QStringLiteral("4"), QStringLiteral("1:5")}}}}, &error);
        QVERIFY2(bad && waitState(bad, Device::State::Ready), qPrintable(error));
        QVERIFY(!show(bad, 4, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(QLatin1String("Configuration:")) && error.endsWith(lb::statusOf(lb::nak::NoSuchArea).message), qPrintable(error));
    }

    void refusalsAreReported_data()
    {
        QTest::addColumn<bool>("udp");
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("error");
        QTest::addColumn<bool>("retried");
        using namespace lb::nak;
        using E = Device::Error;
        const QList<std::tuple<int, E, bool>> codes{
            {Checksum, E::Checksum, true}, {UnknownCommand, E::Protocol, false}, {BadLength, E::Protocol, false},
            {NoSuchArea, E::Configuration, false}, {StorageMismatch, E::Protocol, false}, {BadColour, E::Configuration, false},
            {Undisplayable, E::DeviceReported, false}, {Busy, E::DeviceReported, true}, {FlashFailed, E::DeviceReported, false},
            {0x7E, E::DeviceReported, false}};
        for (bool udp : {false, true}) {
            for (const auto &[code, err, retried] : codes)
                QTest::addRow("%s: 0x%02x", udp ? "udp" : "serial", code) << udp << code << int(err) << retried;
        }
    }

    void refusalsAreReported()
    {
        QFETCH(bool, udp);
        QFETCH(int, code);
        QFETCH(int, error);
        QFETCH(bool, retried);
        emulators::LedCards &c = cards(udp);
        QString message;
        if (retried) {
            // Damage on the way in, or a busy card: the same request once more succeeds…
            c.refuseNext(quint8(code), 1);
            QVERIFY2(show(screen(udp), 2, content(Mode::Paused), &message), qPrintable(message));
            QCOMPARE(c.requests.size(), 2);
            QCOMPARE(encodeFrame(c.requests.at(0)), encodeFrame(c.requests.at(1)));
            QCOMPARE(c.text(2), QStringLiteral("暂停服务"));
            c.requests.clear();
            // … and a second refusal is reported.
            c.refuseNext(quint8(code), 2);
        } else {
            c.refuseNext(quint8(code), 1);
        }
        QVERIFY(!show(screen(udp), 1, content(Mode::Idle), &message));
        QVERIFY2(message.startsWith(errorName(Device::Error(error)) + u':'), qPrintable(message));
        const QString expected = lb::statusOf(quint8(code)).message;
        QVERIFY(!expected.isEmpty());
        QVERIFY2(message.endsWith(expected), qPrintable(message));
        QCOMPARE(c.requests.size(), retried ? 2 : 1);
        QVERIFY(!c.shown(1));
        QCOMPARE(screen(udp)->error(), Device::Error(error));
        // Refused once, the screen still works.
        QVERIFY(waitState(screen(udp), Device::State::Ready));
        QVERIFY2(show(screen(udp), 1, content(Mode::Idle), &message), qPrintable(message));
    }

    void silenceIsRetriedThenATimeout_data()
    {
        QTest::addColumn<bool>("udp");
        QTest::newRow("serial") << false;
        QTest::newRow("udp") << true;
    }

    void silenceIsRetriedThenATimeout()
    {
        QFETCH(bool, udp);
        emulators::LedCards &c = cards(udp);
        QString error;
        c.silenceNext(1);
        QVERIFY2(show(screen(udp), 3, content(Mode::Serving, QStringLiteral("A023")), &error), qPrintable(error));
        QCOMPARE(c.requests.size(), 2);
        QCOMPARE(c.requests.at(0).seq, c.requests.at(1).seq); // the same request again
        QCOMPARE(c.text(3), QStringLiteral("请A023到3号窗口"));

        c.requests.clear();
        c.silenceNext(2);
        QElapsedTimer t;
        t.start();
        QVERIFY(!show(screen(udp), 3, content(Mode::Paused), &error));
        QVERIFY2(error.startsWith(QLatin1String("Timeout:")) && error.contains(QLatin1String("2 tries")), qPrintable(error));
        QVERIFY2(t.elapsed() < 1500, "the timeout must follow the configured timeoutMs, not hang");
        QCOMPARE(c.requests.size(), 2);
        QCOMPARE(c.text(3), QStringLiteral("请A023到3号窗口"));
        // A network card is probed back to Ready and gets what it missed.
        QVERIFY2(waitState(screen(udp), Device::State::Ready, 2000), qPrintable(devices::stateName(screen(udp)->state())));
        QTRY_COMPARE_WITH_TIMEOUT(c.text(3), udp ? QStringLiteral("暂停服务") : QStringLiteral("请A023到3号窗口"), 2000);
        QVERIFY2(show(screen(udp), 1, content(Mode::Idle), &error), qPrintable(error));
    }

    void badRepliesAreRetriedThenReported_data()
    {
        QTest::addColumn<bool>("udp");
        QTest::addColumn<int>("fault");   // 0 garbage instead, 1 damaged checksum, 2 garbage before, 3 echo
        QTest::addColumn<int>("times");
        QTest::addColumn<QString>("error"); // empty: shown
        for (bool udp : {false, true}) {
            const char *t = udp ? "udp" : "serial";
            QTest::addRow("%s: garbage once", t) << udp << 0 << 1 << "";
            QTest::addRow("%s: garbage twice", t) << udp << 0 << 2 << "Protocol:";
            QTest::addRow("%s: damaged once", t) << udp << 1 << 1 << "";
            QTest::addRow("%s: damaged twice", t) << udp << 1 << 2 << "Checksum:";
        }
        QTest::newRow("serial: noise and a false header before the reply") << false << 2 << 1 << "";
        QTest::newRow("serial: 2-wire adapter echoes the request") << false << 3 << 1 << "";
    }

    void badRepliesAreRetriedThenReported()
    {
        QFETCH(bool, udp);
        QFETCH(int, fault);
        QFETCH(int, times);
        QFETCH(QString, error);
        emulators::LedCards &c = cards(udp);
        switch (fault) {
        case 0: c.garbageInsteadOfNext(QByteArray("\x13\x37NOT A FRAME\xA5", 14), times); break;
        case 1: c.corruptNextChecksum(times); break;
        case 2: c.garbageBeforeNext(QByteArray("\x00\xFF\xA5\xA5\x5A\x03\x06\x01\x00\x00\x00", 11)); break;
        case 3: c.echo = true; break;
        }
        QString message;
        const bool ok = show(screen(udp), 2, content(Mode::Serving, QStringLiteral("C007")), &message);
        if (error.isEmpty()) {
            QVERIFY2(ok, qPrintable(message));
            QCOMPARE(c.text(2), QStringLiteral("请C007到2号窗口"));
            QCOMPARE(c.requests.size(), fault <= 1 ? 2 : 1);
        } else {
            QVERIFY(!ok);
            QVERIFY2(message.startsWith(error), qPrintable(message));
            QCOMPARE(c.requests.size(), 2);
        }
    }

    void unplugAndReplugReconnects_data()
    {
        QTest::addColumn<bool>("udp");
        QTest::newRow("serial") << false;
        QTest::newRow("udp") << true;
    }

    void unplugAndReplugReconnects()
    {
        QFETCH(bool, udp);
        emulators::LedCards &c = cards(udp);
        devices::WindowScreen *s = screen(udp);
        QString error;
        QVERIFY2(show(s, 1, content(Mode::Serving, QStringLiteral("A011")), &error), qPrintable(error));
        QVERIFY2(show(s, 2, content(Mode::Paused), &error), qPrintable(error));
        udp ? m_net->unplug() : m_bus->unplug();
        QVERIFY(!c.shown(1)); // the cards lost power with it
        if (udp) // a network card is found missing when it does not answer
            QVERIFY(!show(s, 3, content(Mode::Idle), &error));
        QVERIFY2(waitState(s, Device::State::Disconnected), qPrintable(devices::stateName(s->state())));
        const auto status = m_manager->status();
        QCOMPARE(std::find_if(status.cbegin(), status.cend(), [&](const devices::DeviceStatus &d) { return d.config.role == (udp ? QLatin1String("screen-net") : QLatin1String("ledbar")); })->state,
                 Device::State::Disconnected);
        if (!udp) // shown while unplugged: kept for when the screen is back
            QVERIFY(!show(s, 3, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(udp ? QLatin1String("Timeout:") : QLatin1String("ConnectionLost:")), qPrintable(error));
        QElapsedTimer t;
        t.start();
        QVERIFY(udp ? m_net->plug() : m_bus->plug());
        QVERIFY2(waitState(s, Device::State::Ready, 2000), "the screen must be back within 2 s of being plugged in");
        qInfo("reconnected %lld ms after replug", t.elapsed());
        // Every address gets its latest content again: RAM did not survive the power loss.
        QTRY_COMPARE_WITH_TIMEOUT(c.text(3), QStringLiteral("为您服务"), 2000);
        QCOMPARE(c.text(1), QStringLiteral("请A011到1号窗口"));
        QCOMPARE(c.text(2), QStringLiteral("暂停服务"));
        QCOMPARE(c.flashWrites(), 0);
        QVERIFY2(show(s, 1, content(Mode::Serving, QStringLiteral("A012")), &error), qPrintable(error));
        QCOMPARE(c.text(1), QStringLiteral("请A012到1号窗口"));
    }

    void badOptionsAreClearErrors_data()
    {
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown colour") << QVariantMap{{QStringLiteral("servingColour"), QStringLiteral("purple")}}
                                        << "servingColour: \"purple\" is not a colour";
        QTest::newRow("colour the card lacks") << QVariantMap{{QStringLiteral("colourMode"), QStringLiteral("dual")}, {QStringLiteral("idleColour"), QStringLiteral("blue")}}
                                               << "idleColour: a dual card cannot show blue.";
        QTest::newRow("unknown colour mode") << QVariantMap{{QStringLiteral("colourMode"), QStringLiteral("rainbow")}}
                                             << "colourMode: \"rainbow\" is not a colour mode";
        QTest::newRow("unknown encoding") << QVariantMap{{QStringLiteral("encoding"), QStringLiteral("big5")}}
                                          << "encoding: \"big5\" is not supported";
        QTest::newRow("card address out of range") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), QStringLiteral("300")}}}}
                                                   << "map: screen 3: Card address 300 is out of range (1–254).";
        QTest::newRow("card address 0") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), 0}}}}
                                        << "map: screen 3: Card address 0 is out of range (1–254).";
        QTest::newRow("area out of range") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), QStringLiteral("5:16")}}}}
                                           << "map: screen 3: Area 16 is out of range (0–15).";
        QTest::newRow("not a target") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), QStringLiteral("five")}}}}
                                      << "map: screen 3: \"five\" is no screen target";
        QTest::newRow("not an address") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("window3"), QStringLiteral("5")}}}}
                                        << "map: \"window3\" is not a screen address";
    }

    void badOptionsAreClearErrors()
    {
        QFETCH(QVariantMap, options);
        QFETCH(QString, message);
        QString error;
        auto *s = addScreen(QStringLiteral("screen-bad"), options, &error);
        QVERIFY2(s, qPrintable(error));
        QVERIFY2(waitState(s, Device::State::Failed), qPrintable(devices::stateName(s->state())));
        QCOMPARE(s->error(), Device::Error::Configuration);
        QVERIFY2(s->errorString().startsWith(message), qPrintable(s->errorString()));
        QVERIFY(m_net->requests.isEmpty());
    }

    void badAddressesAreClearErrors_data()
    {
        QTest::addColumn<int>("address");
        QTest::newRow("0") << 0;
        QTest::newRow("-1") << -1;
        QTest::newRow("255 (broadcast)") << 255;
        QTest::newRow("300") << 300;
    }

    void badAddressesAreClearErrors()
    {
        QFETCH(int, address);
        QString error;
        QVERIFY(!show(screen(false), address, content(Mode::Idle), &error));
        QCOMPARE(error, QStringLiteral("Configuration:Screen address %1 is out of range (1–254); map it to a card with the map option.").arg(address));
        QVERIFY(m_bus->requests.isEmpty());
        // An address with no card behind it is silence.
        QVERIFY(!show(screen(false), 9, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(QLatin1String("Timeout:LED card 9 ")), qPrintable(error));
    }

    void idNumbersNeverReachAScreen()
    {
        QString error;
        QVERIFY(!show(screen(false), 1, content(Mode::Text, {}, QStringLiteral("请 11010519491231002X 到1号窗口")), &error));
        QVERIFY2(error.startsWith(QLatin1String("NotSupported:")) && error.contains(QLatin1String("ID number")), qPrintable(error));
        QVERIFY(m_bus->requests.isEmpty());
        // Ticket numbers and other digits are fine.
        QVERIFY2(show(screen(false), 1, content(Mode::Text, {}, QStringLiteral("A023 请到3号窗口 电话 12345678")), &error), qPrintable(error));
    }

    void encodingOfTheCard_data()
    {
        QTest::addColumn<QString>("encoding");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("bad"); // empty: shown
        QTest::newRow("gb2312: common text") << "gb2312" << QStringLiteral("请A023到3号窗口") << "";
        QTest::newRow("gb2312: 镕 is not in GB2312") << "gb2312" << QStringLiteral("朱镕基") << QStringLiteral("镕");
        QTest::newRow("gb18030: 镕") << "gb18030" << QStringLiteral("朱镕基") << "";
        QTest::newRow("gb18030: four-byte 𠀀") << "gb18030" << QString::fromUcs4(U"李\U00020000") << "";
        QTest::newRow("gb2312: four-byte 𠀀") << "gb2312" << QString::fromUcs4(U"李\U00020000") << QString::fromUcs4(U"\U00020000");
    }

    void encodingOfTheCard()
    {
        QFETCH(QString, encoding);
        QFETCH(QString, text);
        QFETCH(QString, bad);
        QString error;
        auto *s = addScreen(QStringLiteral("screen-enc"), {{QStringLiteral("encoding"), encoding}}, &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        m_net->requests.clear();
        const bool ok = show(s, 1, content(Mode::Text, {}, text), &error);
        if (bad.isEmpty()) {
            QVERIFY2(ok, qPrintable(error));
            QCOMPARE(m_net->text(1), text);
            QCOMPARE(m_net->requests.last().payload.mid(2), gb18030(text));
        } else {
            QVERIFY(!ok);
            // The message names the code point, never the character itself (it may be part of a
            // name, and the message is logged).
            const QString point = QStringLiteral("U+%1").arg(bad.toUcs4().first(), 4, 16, QLatin1Char('0')).toUpper();
            QVERIFY2(error.startsWith(QLatin1String("NotSupported:")) && error.contains(point) && !error.contains(bad), qPrintable(error));
            QVERIFY(m_net->requests.isEmpty());
        }
    }

    void longTextScrolls()
    {
        QString error;
        auto *s = addScreen(QStringLiteral("screen-narrow"), {{QStringLiteral("columns"), 14}}, &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        QVERIFY2(show(s, 1, content(Mode::Serving, QStringLiteral("A1")), &error), qPrintable(error)); // 13 bytes
        QCOMPARE(m_net->shown(1)->effect, lb::Effect::Static);
        QVERIFY2(show(s, 2, content(Mode::Serving, QStringLiteral("A1234")), &error), qPrintable(error)); // 16 bytes
        QCOMPARE(m_net->shown(2)->effect, lb::Effect::ScrollLeft);
    }
};

QTEST_GUILESS_MAIN(TestLedBar)
#include "tst_ledbar.moc"
