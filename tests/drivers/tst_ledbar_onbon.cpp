// The ledbar-onbon driver, loaded as the real plugin by the DeviceManager on its own thread,
// talking to emulated Onbon BX-5E/BX-6E controllers through a real QSerialPort on a pty, a UDP
// socket and a TCP connection; and its protocol checked against the vectors of Onbon's manuals.

#include <onbonemulator.h>
#include <onbonprotocol.h>
#include <textrender.h>

#include "screentest.h"

#include <devices/devicemanager.h>
#include <devices/windowscreen.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;
using devices::Device;
using devices::ScreenContent;
using Mode = devices::ScreenContent::Mode;
namespace ob = hall::drivers::onbon;
using Link = emulators::OnbonNetEmulator::Kind;

Q_DECLARE_METATYPE(hall::devices::ScreenContent::Mode)

namespace {

enum class Via { Serial, Udp, Tcp };
const char *viaName(Via v)
{
    return v == Via::Serial ? "serial" : v == Via::Udp ? "udp" : "tcp";
}
QString defaultFont()
{
    const QStringList fonts = ob::TextRenderer::defaultFonts();
    const auto it = std::find_if(fonts.cbegin(), fonts.cend(), [](const QString &f) { return QFileInfo::exists(f); });
    return it == fonts.cend() ? QString() : *it;
}

} // namespace

Q_DECLARE_METATYPE(Via)

class TestLedBarOnbon : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<emulators::OnbonSerialEmulator> m_bus;
    std::unique_ptr<emulators::OnbonNetEmulator> m_udp;
    std::unique_ptr<emulators::OnbonNetEmulator> m_tcp;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
    ob::TextRenderer m_renderer;

    static QVariantMap options(QVariantMap extra = {})
    {
        const QVariantMap base{{QStringLiteral("model"), QStringLiteral("BX-6E2")}, {QStringLiteral("width"), 64},
                               {QStringLiteral("height"), 16}, {QStringLiteral("timeoutMs"), 150},
                               {QStringLiteral("reconnectMs"), 200}};
        for (auto it = base.cbegin(); it != base.cend(); ++it) {
            if (!extra.contains(it.key()))
                extra.insert(it.key(), it.value());
        }
        return extra;
    }
    static QString role(Via v) { return QStringLiteral("ledbar-%1").arg(QLatin1String(viaName(v))); }
    devices::WindowScreen *screen(Via v) const { return m_manager->device<devices::WindowScreen>(role(v)); }
    emulators::OnbonCards &cards(Via v)
    {
        if (v == Via::Serial)
            return *m_bus;
        return v == Via::Udp ? static_cast<emulators::OnbonCards &>(*m_udp) : *m_tcp;
    }
    QString port(Via v) const { return v == Via::Serial ? m_bus->path() : v == Via::Udp ? m_udp->url() : m_tcp->url(); }
    static bool waitState(devices::WindowScreen *s, Device::State state, int ms = 3000)
    {
        return QTest::qWaitFor([&] { return s->state() == state; }, ms);
    }
    devices::WindowScreen *addScreen(const QString &name, Via v, const QVariantMap &extra, QString *error)
    {
        if (v == Via::Serial) // a serial port has one user
            m_manager->remove(role(v));
        if (!m_manager->add({name, QStringLiteral("ledbar-onbon"), port(v), options(extra)}, error))
            return nullptr;
        return m_manager->device<devices::WindowScreen>(name);
    }
    static bool show(devices::WindowScreen *s, int address, const ScreenContent &content, QString *error)
    {
        return testing::showOnce(s, address, content, error);
    }
    static ScreenContent content(Mode mode, const QString &number = {}, const QString &text = {}, const QString &colour = {})
    {
        return testing::screenContent(mode, number, text, colour);
    }
    // What an area of `width` × `height` shows for a short text: the text centred.
    ob::Pixels drawn(const QString &text, int width, int height, quint8 colour) const
    {
        const ob::Pixels line = m_renderer.render(text, height, height, colour, nullptr);
        return line.copy(-(width - line.width) / 2, width);
    }
    static int lit(const ob::Pixels &p, quint8 colour)
    {
        return int(std::count_if(p.px.cbegin(), p.px.cend(), [colour](char c) { return quint8(c) == colour; }));
    }
    static QList<ob::Command> commands(const emulators::OnbonCards &c)
    {
        QList<ob::Command> out;
        for (const ob::Packet &p : c.requests) {
            ob::Request q;
            QString why;
            if (ob::parseRequest(p.data, &q, &why))
                out.append(q.command);
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Device::Error>();
        qRegisterMetaType<ScreenContent>();
        const QString font = defaultFont();
        if (font.isEmpty())
            QSKIP("no CJK font installed (fonts-noto-cjk)");
        QString error;
        QVERIFY2(m_renderer.load(font, &error), qPrintable(error));
    }

    void init()
    {
        m_bus = std::make_unique<emulators::OnbonSerialEmulator>(m_dir.filePath(QStringLiteral("ttyBX0")));
        QVERIFY(m_bus->plug());
        m_udp = std::make_unique<emulators::OnbonNetEmulator>(Link::Udp);
        QVERIFY(m_udp->plug());
        m_tcp = std::make_unique<emulators::OnbonNetEmulator>(Link::Tcp);
        QVERIFY(m_tcp->plug());
        m_loader = std::make_unique<devices::PluginLoader>();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        QString error;
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp}) {
            QVERIFY2(m_manager->add({role(v), QStringLiteral("ledbar-onbon"), port(v), options()}, &error), qPrintable(error));
        }
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp})
            QVERIFY2(waitState(screen(v), Device::State::Ready), qPrintable(screen(v)->errorString()));
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp})
            cards(v).requests.clear(); // the pings on open
    }

    void cleanup()
    {
        m_manager.reset();
        m_bus.reset();
        m_udp.reset();
        m_tcp.reset();
    }

    // The protocol, against the manuals' own example and rules.

    void pingFrameIsTheManualsExample()
    {
        ob::Packet ping;
        ping.dst = ob::AnyScreen;
        ping.deviceType = ob::AnyDevice;
        ping.data = ob::encodeRequest({true, ob::cmd::Ping, QByteArray(2, '\0')});
        QCOMPARE(ob::encodeFrame(ping).toHex(' '),
                 QByteArray("a5 a5 a5 a5 a5 a5 a5 a5 fe ff 00 80 f0 00 fe ff 00 00 00 00 05 00 00 00 01 a2 00 00 00 c6 86 5a"));
        QCOMPARE(ob::crc16("123456789", 9), quint16(0xBB3D)); // CRC-16/ARC check value
    }

    void escapedBytesRoundTrip()
    {
        ob::Packet p;
        p.dst = 0x5AA5;
        p.deviceType = 0x0274;
        p.data = QByteArray::fromHex("a55aa65b01020000a5a5");
        const QByteArray frame = ob::encodeFrame(p);
        const QByteArray inner = frame.mid(ob::StartCount, frame.size() - ob::StartCount - 1);
        QVERIFY2(!inner.contains(char(0xA5)) && !inner.contains(char(0x5A)), "A5 and 5A only begin and end a frame");
        QByteArray stream = QByteArray("\x00\x13 noise", 8) + frame + frame.left(10);
        ob::Packet got;
        qsizetype skipped = 0;
        QCOMPARE(ob::takeFrame(stream, &got, &skipped), ob::Parse::Packet);
        QCOMPARE(skipped, 8);
        QCOMPARE(got.dst, p.dst);
        QCOMPARE(got.deviceType, p.deviceType);
        QCOMPARE(got.data, p.data);
        QCOMPARE(ob::takeFrame(stream, &got), ob::Parse::NeedMore); // the next frame has begun
    }

    void badFramesAreDropped_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("result");
        ob::Packet p;
        p.dst = 1;
        p.data = ob::encodeRequest({true, ob::cmd::Ping, QByteArray(2, '\0')});
        QByteArray raw = ob::encodePacket(p);
        QByteArray badCrc = raw;
        badCrc[badCrc.size() - 2] = char(badCrc.at(badCrc.size() - 2) ^ 0x04);
        QByteArray badLength = raw;
        badLength[12] = char(badLength.at(12) + 1);
        const QByteArray good = ob::frameOf(raw);
        QTest::newRow("crc") << ob::frameOf(badCrc) << int(ob::Parse::BadChecksum);
        QTest::newRow("data length") << ob::frameOf(badLength) << int(ob::Parse::BadLength);
        QTest::newRow("escape A6 03") << QByteArray::fromHex("a5a5a6035a") << int(ob::Parse::BadEscape);
        QTest::newRow("too short") << QByteArray::fromHex("a5a501025a") << int(ob::Parse::BadLength);
        QTest::newRow("cut by a new frame") << good.left(20) + good << int(ob::Parse::BadLength);
    }

    void badFramesAreDropped()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, result);
        ob::Packet got;
        const qsizetype before = bytes.size();
        QCOMPARE(int(ob::takeFrame(bytes, &got)), result);
        QVERIFY2(bytes.size() < before, "a bad frame is consumed");
        if (!bytes.isEmpty()) // what follows a frame cut short is a whole frame again
            QCOMPARE(ob::takeFrame(bytes, &got), ob::Parse::Packet);
    }

    void pixelsFollowTheManuals()
    {
        // An area at column 3, 6 wide, 1 high; its first pixel red, its third yellow.
        ob::Pixels p;
        p.width = 6;
        p.height = 1;
        p.px = QByteArray(6, '\0');
        p.set(0, 0, ob::Red);
        p.set(2, 0, ob::Red | ob::Green);
        // BX-5: per 8 screen columns a red byte then a green byte; 0 lit; 1 outside the area.
        QCOMPARE(ob::encodePixels(ob::Generation::Bx5, true, 3, p).toHex(' '), QByteArray("eb fb ff ff"));
        QCOMPARE(ob::encodePixels(ob::Generation::Bx5, false, 3, p).toHex(' '), QByteArray("eb ff"));
        // BX-6: the red plane, then the green plane, in 32-bit little-endian words.
        QCOMPARE(ob::encodePixels(ob::Generation::Bx6, true, 3, p).toHex(' '), QByteArray("ff ff ff eb ff ff ff fb"));
        for (auto g : {ob::Generation::Bx5, ob::Generation::Bx6}) {
            for (bool dual : {false, true}) {
                ob::Pixels back;
                QVERIFY(ob::decodePixels(g, dual, 3, 6, 1, ob::encodePixels(g, dual, 3, p), &back));
                ob::Pixels want = p;
                if (!dual)
                    want.set(2, 0, ob::Red);
                QVERIFY(back == want);
            }
        }
    }

    // The driver through the real plugin.

    void showsEachModeAtItsAddress_data()
    {
        QTest::addColumn<Via>("via");
        QTest::addColumn<int>("address");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QString>("number");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("colour");
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp}) {
            QTest::addRow("%s: serving", viaName(v)) << v << 3 << Mode::Serving << QStringLiteral("A023") << QStringLiteral("A023") << int(ob::Red);
            QTest::addRow("%s: paused", viaName(v)) << v << 1 << Mode::Paused << QString() << QStringLiteral("暂停服务") << int(ob::Red | ob::Green);
            QTest::addRow("%s: idle", viaName(v)) << v << 2 << Mode::Idle << QString() << QStringLiteral("为您服务") << int(ob::Green);
        }
    }

    void showsEachModeAtItsAddress()
    {
        QFETCH(Via, via);
        QFETCH(int, address);
        QFETCH(Mode, mode);
        QFETCH(QString, number);
        QFETCH(QString, expected);
        QFETCH(int, colour);
        QString error;
        auto *s = addScreen(QStringLiteral("ledbar-bar"), via, {{QStringLiteral("servingText"), QStringLiteral("%number")}}, &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        emulators::OnbonCards &c = cards(via);
        c.requests.clear();
        QVERIFY2(show(s, address, content(mode, number), &error), qPrintable(error));
        const auto shown = c.shown(address);
        QVERIFY(shown);
        QVERIFY2(*shown == drawn(expected, 64, 16, quint8(colour)), "the area shows the text, centred, in its colour");
        QVERIFY(lit(*shown, quint8(colour)) > 20);
        for (int other : {1, 2, 3}) {
            if (other != address)
                QVERIFY2(!c.shown(other), "only the addressed controller may change");
        }
        const auto area = c.area(address);
        QCOMPARE(area->area.pages.size(), 1);
        QCOMPARE(area->area.pages.first().displayMode, ob::mode::Static);
        QVERIFY2(!area->area.withPrograms, "alone on the screen by default");
        QCOMPARE(c.requests.size(), 1);
        QCOMPARE(c.requests.first().dst, quint16(address));
        QCOMPARE(c.requests.first().deviceType, quint16(0x0274));
        QVERIFY(commands(c) == QList<ob::Command>{ob::cmd::UpdateArea});
    }

    void theStandardWordsAndAWholeHall()
    {
        QString error;
        auto *s = addScreen(QStringLiteral("ledbar-hall"), Via::Tcp,
                            {{QStringLiteral("map"), QVariantMap{{QStringLiteral("12"), QVariantMap{{QStringLiteral("screen"), 2}, {QStringLiteral("area"), 1},
                                                                                                       {QStringLiteral("x"), 64}, {QStringLiteral("y"), 16},
                                                                                                       {QStringLiteral("width"), 64}}},
                                                                 {QStringLiteral("13"), QVariantMap{{QStringLiteral("screen"), 2}, {QStringLiteral("area"), 2},
                                                                                                       {QStringLiteral("x"), 36}, {QStringLiteral("width"), 40}}}}}},
                            &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        QVERIFY2(show(s, 12, content(Mode::Paused), &error), qPrintable(error));
        QVERIFY2(show(s, 13, content(Mode::Text, {}, QStringLiteral("办事"), QStringLiteral("green")), &error), qPrintable(error));
        const auto a12 = m_tcp->area(2, 1);
        QVERIFY(a12);
        QCOMPARE(a12->area.x, quint16(64));
        QCOMPARE(a12->area.y, quint16(16));
        QVERIFY(a12->pages.first() == drawn(QStringLiteral("暂停服务"), 64, 16, ob::Red | ob::Green));
        // An area that starts off a word boundary (column 36) is padded, and decodes the same.
        const auto a13 = m_tcp->area(2, 2);
        QVERIFY(a13);
        QCOMPARE(a13->area.x, quint16(36));
        QVERIFY(a13->pages.first() == drawn(QStringLiteral("办事"), 40, 16, ob::Green));
        QVERIFY(!m_tcp->area(2, 0));
    }

    void bx5CardsTakeTheirOwnLayout_data()
    {
        QTest::addColumn<Via>("via");
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("dual");
        QTest::newRow("serial: 5E1 mono") << Via::Serial << "5E1" << false;
        QTest::newRow("udp: 5E2") << Via::Udp << "5E2" << true;
        QTest::newRow("tcp: 6E1X mono") << Via::Tcp << "6E1X" << false;
    }

    void bx5CardsTakeTheirOwnLayout()
    {
        QFETCH(Via, via);
        QFETCH(QString, model);
        QFETCH(bool, dual);
        emulators::OnbonCards &c = cards(via);
        c.model = *ob::modelFromName(model);
        c.dual = dual;
        QString error;
        auto *s = addScreen(QStringLiteral("ledbar-bar"), via, {{QStringLiteral("model"), model},
                                                          {QStringLiteral("colourMode"), dual ? QStringLiteral("dual") : QStringLiteral("mono")}}, &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        QCOMPARE(s->capabilities().testFlag(Device::ScreenColours), dual);
        QVERIFY2(show(s, 2, content(Mode::Idle), &error), qPrintable(error));
        QVERIFY(*c.shown(2) == drawn(QStringLiteral("为您服务"), 64, 16, dual ? ob::Green : ob::Red));
        QCOMPARE(c.requests.last().deviceType, c.model.deviceType);
    }

    void theDocumentedSampleWorks()
    {
        QFile doc(qEnvironmentVariable("HALL_SOURCE_DIR") + QStringLiteral("/docs/protocols/onbon-bx.md"));
        QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.fileName()));
        const QString text = QString::fromUtf8(doc.readAll());
        const qsizetype from = text.indexOf(QLatin1String("```json\n"));
        QVERIFY(from >= 0);
        const QString json = text.mid(from + 8, text.indexOf(QLatin1String("```"), from + 8) - from - 8);
        QList<devices::DeviceConfig> configs;
        QString error;
        QVERIFY2(devices::DeviceManager::parseConfig(json.toUtf8(), &configs, &error), qPrintable(error));
        QCOMPARE(configs.size(), 2);
        // The network bar on the TCP emulator, the hall screen on the serial one.
        configs[0].port = m_tcp->url();
        configs[1].port = m_bus->path();
        m_manager->remove(role(Via::Serial));
        m_bus->model = *ob::modelFromName(QStringLiteral("5E1"));
        m_bus->dual = false;
        m_bus->screenHeight = 64;
        for (const devices::DeviceConfig &c : std::as_const(configs)) {
            QVERIFY2(m_manager->add(c, &error), qPrintable(error));
            auto *s = m_manager->device<devices::WindowScreen>(c.role);
            QVERIFY2(waitState(s, Device::State::Ready), qPrintable(s->errorString()));
        }
        auto *bar = m_manager->device<devices::WindowScreen>(configs[0].role);
        QVERIFY2(show(bar, 1, content(Mode::Serving, QStringLiteral("A001")), &error), qPrintable(error));
        const ob::Pixels line = m_renderer.render(QStringLiteral("请A001到1号窗口"), 16, 16, ob::Red, nullptr);
        QVERIFY(*m_tcp->shown(1) == line.copy(0, 64));
        auto *hall = m_manager->device<devices::WindowScreen>(configs[1].role);
        QVERIFY2(show(hall, 7, content(Mode::Paused), &error), qPrintable(error));
        const auto row = m_bus->area(2, 2);
        QVERIFY(row);
        QCOMPARE(row->area.y, quint16(32));
        QVERIFY(row->pages.first() == drawn(QStringLiteral("暂停服务"), 128, 16, ob::Red));
    }

    void longTextScrollsInPages()
    {
        QString error;
        const QString text = QStringLiteral("欢迎光临政务服务中心，请按号就座");
        QVERIFY2(show(screen(Via::Udp), 1, content(Mode::Text, {}, text), &error), qPrintable(error));
        const auto a = m_udp->area(1);
        QVERIFY(a);
        QVERIFY2(a->pages.size() >= 4, qPrintable(QString::number(a->pages.size())));
        for (const ob::Page &p : a->area.pages)
            QCOMPARE(p.displayMode, ob::mode::ContinuousLeft);
        // The pages joined are the whole line.
        const ob::Pixels line = m_renderer.render(text, 16, 16, ob::Red, nullptr);
        for (int i = 0; i < a->pages.size(); ++i)
            QVERIFY(a->pages.at(i) == line.copy(i * 64, 64));
    }

    void refusalsAreReported_data()
    {
        QTest::addColumn<Via>("via");
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("error");
        QTest::addColumn<bool>("retried");
        using namespace ob::err;
        using E = Device::Error;
        const QList<std::tuple<int, E, bool>> codes{
            {Checksum, E::Checksum, true}, {Busy, E::DeviceReported, true}, {NoCommand, E::Protocol, false},
            {MemoryVolume, E::NotSupported, false}, {ControllerType, E::Configuration, false},
            {ScreenParameter, E::Configuration, false}, {ControllerId, E::Configuration, false}, {42, E::DeviceReported, false}};
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp}) {
            for (const auto &[code, err, retried] : codes)
                QTest::addRow("%s: %d", viaName(v), code) << v << code << int(err) << retried;
        }
    }

    void refusalsAreReported()
    {
        QFETCH(Via, via);
        QFETCH(int, code);
        QFETCH(int, error);
        QFETCH(bool, retried);
        emulators::OnbonCards &c = cards(via);
        QString message;
        if (retried) {
            // Damage on the way in, or a busy card: the same request once more succeeds…
            c.refuseNext(quint16(code), 1);
            QVERIFY2(show(screen(via), 2, content(Mode::Paused), &message), qPrintable(message));
            QCOMPARE(c.requests.size(), 2);
            QCOMPARE(ob::encodeFrame(c.requests.at(0)), ob::encodeFrame(c.requests.at(1)));
            QVERIFY(c.shown(2));
            c.requests.clear();
            c.refuseNext(quint16(code), 2); // … and a second refusal is reported
        } else {
            c.refuseNext(quint16(code), 1);
        }
        QVERIFY(!show(screen(via), 1, content(Mode::Idle), &message));
        QVERIFY2(message.startsWith(errorName(Device::Error(error)) + u':'), qPrintable(message));
        QVERIFY2(message.endsWith(ob::statusOf(quint16(code)).message), qPrintable(message));
        QCOMPARE(c.requests.size(), retried ? 2 : 1);
        QVERIFY(!c.shown(1));
        QVERIFY(waitState(screen(via), Device::State::Ready));
        QVERIFY2(show(screen(via), 1, content(Mode::Idle), &message), qPrintable(message));
    }

    void realRefusalsNameTheOption_data()
    {
        QTest::addColumn<QVariantMap>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("another model") << QVariantMap{{QStringLiteral("model"), QStringLiteral("6E1")}, {QStringLiteral("probe"), false}}
                                       << ob::statusOf(ob::err::ControllerType).message;
        QTest::newRow("area beyond the screen") << QVariantMap{{QStringLiteral("width"), 256}}
                                                << ob::statusOf(ob::err::ScreenParameter).message;
    }

    void realRefusalsNameTheOption()
    {
        QFETCH(QVariantMap, extra);
        QFETCH(QString, message);
        QString error;
        auto *s = addScreen(QStringLiteral("ledbar-wrong"), Via::Udp, extra, &error);
        QVERIFY2(s && waitState(s, Device::State::Ready), qPrintable(error));
        QVERIFY(!show(s, 1, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(QLatin1String("Configuration:")) && error.endsWith(message), qPrintable(error));
    }

    void silenceIsRetriedThenATimeout_data()
    {
        QTest::addColumn<Via>("via");
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp})
            QTest::newRow(viaName(v)) << v;
    }

    void silenceIsRetriedThenATimeout()
    {
        QFETCH(Via, via);
        emulators::OnbonCards &c = cards(via);
        QString error;
        c.silenceNext(1);
        QVERIFY2(show(screen(via), 3, content(Mode::Serving, QStringLiteral("A023")), &error), qPrintable(error));
        QCOMPARE(c.requests.size(), 2);
        const ob::Pixels first = *c.shown(3);

        c.requests.clear();
        c.silenceNext(2);
        QElapsedTimer t;
        t.start();
        QVERIFY(!show(screen(via), 3, content(Mode::Paused), &error));
        QVERIFY2(error.startsWith(QLatin1String("Timeout:")) && error.contains(QLatin1String("2 tries")), qPrintable(error));
        QVERIFY2(t.elapsed() < 1500, "the timeout must follow timeoutMs, not hang");
        QCOMPARE(c.requests.size(), 2);
        QVERIFY(*c.shown(3) == first);
        // A network controller is probed back to Ready and gets what it missed.
        QVERIFY2(waitState(screen(via), Device::State::Ready, 2000), qPrintable(devices::stateName(screen(via)->state())));
        if (via != Via::Serial)
            QTRY_VERIFY_WITH_TIMEOUT(*c.shown(3) == drawn(QStringLiteral("暂停服务"), 64, 16, ob::Red | ob::Green), 2000);
        QVERIFY2(show(screen(via), 1, content(Mode::Idle), &error), qPrintable(error));
    }

    void badResponsesAreRetriedThenReported_data()
    {
        QTest::addColumn<Via>("via");
        QTest::addColumn<int>("fault"); // 0 garbage instead, 1 damaged CRC, 2 garbage before, 3 echo
        QTest::addColumn<int>("times");
        QTest::addColumn<QString>("error"); // empty: shown
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp}) {
            QTest::addRow("%s: garbage once", viaName(v)) << v << 0 << 1 << "";
            QTest::addRow("%s: garbage twice", viaName(v)) << v << 0 << 2 << "Protocol:";
            QTest::addRow("%s: damaged once", viaName(v)) << v << 1 << 1 << "";
            QTest::addRow("%s: damaged twice", viaName(v)) << v << 1 << 2 << "Checksum:";
        }
        QTest::newRow("serial: noise and a cut frame before the response") << Via::Serial << 2 << 1 << "";
        QTest::newRow("tcp: noise and a cut frame before the response") << Via::Tcp << 2 << 1 << "";
        QTest::newRow("serial: 2-wire adapter echoes the request") << Via::Serial << 3 << 1 << "";
    }

    void badResponsesAreRetriedThenReported()
    {
        QFETCH(Via, via);
        QFETCH(int, fault);
        QFETCH(int, times);
        QFETCH(QString, error);
        emulators::OnbonCards &c = cards(via);
        switch (fault) {
        case 0: c.garbageInsteadOfNext(QByteArray("\x13\x37NOT A FRAME\x5A", 14), times); break;
        case 1: c.corruptNextChecksum(times); break;
        case 2: c.garbageBeforeNext(QByteArray("\x00\xFF\xA5\xA5\x01\x02\x03", 7)); break;
        case 3: c.echo = true; break;
        }
        QString message;
        const bool ok = show(screen(via), 2, content(Mode::Serving, QStringLiteral("C007")), &message);
        if (error.isEmpty()) {
            QVERIFY2(ok, qPrintable(message));
            QVERIFY(c.shown(2));
            QCOMPARE(c.requests.size(), fault <= 1 ? 2 : 1);
        } else {
            QVERIFY(!ok);
            QVERIFY2(message.startsWith(error), qPrintable(message));
            QCOMPARE(c.requests.size(), 2);
        }
    }

    void unplugAndReplugRestores_data()
    {
        QTest::addColumn<Via>("via");
        for (Via v : {Via::Serial, Via::Udp, Via::Tcp})
            QTest::newRow(viaName(v)) << v;
    }

    void unplugAndReplugRestores()
    {
        QFETCH(Via, via);
        emulators::OnbonCards &c = cards(via);
        devices::WindowScreen *s = screen(via);
        QString error;
        QVERIFY2(show(s, 1, content(Mode::Serving, QStringLiteral("A011")), &error), qPrintable(error));
        QVERIFY2(show(s, 2, content(Mode::Paused), &error), qPrintable(error));
        const ob::Pixels one = *c.shown(1), two = *c.shown(2);
        switch (via) {
        case Via::Serial: m_bus->unplug(); break;
        case Via::Udp: m_udp->unplug(); break;
        case Via::Tcp: m_tcp->unplug(); break;
        }
        QVERIFY(!c.shown(1)); // the controllers lost power with it
        if (via == Via::Udp) // a UDP card is found missing when it does not answer
            QVERIFY(!show(s, 3, content(Mode::Idle), &error));
        QVERIFY2(waitState(s, Device::State::Disconnected), qPrintable(devices::stateName(s->state())));
        if (via != Via::Udp) // shown while unplugged: kept for when the screen is back
            QVERIFY(!show(s, 3, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(via == Via::Udp ? QLatin1String("Timeout:") : QLatin1String("ConnectionLost:")), qPrintable(error));
        QElapsedTimer t;
        t.start();
        QVERIFY(via == Via::Serial ? m_bus->plug() : via == Via::Udp ? m_udp->plug() : m_tcp->plug());
        QVERIFY2(waitState(s, Device::State::Ready, 2000), "the screen must be back within 2 s of being plugged in");
        qInfo("%s reconnected %lld ms after replug", viaName(via), t.elapsed());
        // Every address gets its latest content again: RAM did not survive the power loss.
        QTRY_VERIFY_WITH_TIMEOUT(c.shown(3) && *c.shown(3) == drawn(QStringLiteral("为您服务"), 64, 16, ob::Green), 2000);
        QVERIFY(*c.shown(1) == one);
        QVERIFY(*c.shown(2) == two);
    }

    void badOptionsAreClearErrors_data()
    {
        QTest::addColumn<QVariantMap>("extra");
        QTest::addColumn<QStringList>("remove");
        QTest::addColumn<QString>("message");
        QTest::newRow("no model") << QVariantMap{} << QStringList{QStringLiteral("model")} << "model: name the controller (5E1, 5E2";
        QTest::newRow("unknown model") << QVariantMap{{QStringLiteral("model"), QStringLiteral("BX-6Q2")}} << QStringList{}
                                       << "model: \"BX-6Q2\" is not a controller this driver knows";
        QTest::newRow("no size") << QVariantMap{} << QStringList{QStringLiteral("height")} << "width and height: give the size";
        QTest::newRow("full colour") << QVariantMap{{QStringLiteral("colourMode"), QStringLiteral("full")}} << QStringList{}
                                     << "colourMode: \"full\" is not a colour mode of these cards";
        QTest::newRow("blue") << QVariantMap{{QStringLiteral("idleColour"), QStringLiteral("blue")}} << QStringList{}
                              << "idleColour: a dual card cannot show \"blue\"";
        QTest::newRow("area beyond the model") << QVariantMap{{QStringLiteral("model"), QStringLiteral("5E2")},
                                                              {QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), QVariantMap{{QStringLiteral("area"), 4}}}}}}
                                               << QStringList{} << "map: screen 3: options.area: \"4\" is not a whole number from 0 to 3.";
        QTest::newRow("map typo") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), QVariantMap{{QStringLiteral("scren"), 4}}}}}}
                                  << QStringList{} << "map: screen 3: ";
        QTest::newRow("map not an object") << QVariantMap{{QStringLiteral("map"), QVariantMap{{QStringLiteral("3"), 4}}}} << QStringList{}
                                           << "map: screen 3: give an object";
        QTest::newRow("no font") << QVariantMap{{QStringLiteral("font"), QStringLiteral("/nonexistent/simsun.ttc")}} << QStringList{}
                                 << "font: \"/nonexistent/simsun.ttc\" is no font file";
        QTest::newRow("unknown option") << QVariantMap{{QStringLiteral("colour"), QStringLiteral("red")}} << QStringList{} << "";
    }

    void badOptionsAreClearErrors()
    {
        QFETCH(QVariantMap, extra);
        QFETCH(QStringList, remove);
        QFETCH(QString, message);
        QVariantMap o = options(extra);
        for (const QString &k : remove)
            o.remove(k);
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("ledbar-bad"), QStringLiteral("ledbar-onbon"), m_udp->url(), o}, &error), qPrintable(error));
        auto *s = m_manager->device<devices::WindowScreen>(QStringLiteral("ledbar-bad"));
        QVERIFY2(waitState(s, Device::State::Failed), qPrintable(devices::stateName(s->state())));
        QCOMPARE(s->error(), Device::Error::Configuration);
        QVERIFY2(s->errorString().startsWith(message), qPrintable(s->errorString()));
        QVERIFY(m_udp->requests.isEmpty());
    }

    void whatNoScreenMayShow()
    {
        QString error;
        QVERIFY(!show(screen(Via::Serial), 1, content(Mode::Text, {}, QStringLiteral("请 11010519491231002X 到1号窗口")), &error));
        QVERIFY2(error.startsWith(QLatin1String("NotSupported:")) && error.contains(QLatin1String("ID number")), qPrintable(error));
        // A character the font lacks: named by code point, never shown as a gap.
        QVERIFY(!show(screen(Via::Serial), 1, content(Mode::Text, {}, QStringLiteral("张\uE000三")), &error));
        QVERIFY2(error.startsWith(QLatin1String("NotSupported:")) && error.contains(QLatin1String("U+E000")), qPrintable(error));
        QVERIFY(!show(screen(Via::Serial), 0, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(QLatin1String("Configuration:Screen address 0 is out of range")), qPrintable(error));
        QVERIFY(!show(screen(Via::Serial), 1, content(Mode::Idle, {}, {}, QStringLiteral("blue")), &error));
        QVERIFY2(error.startsWith(QLatin1String("NotSupported:Screen 1 cannot show blue")), qPrintable(error));
        QVERIFY(m_bus->requests.isEmpty());
        // A screen number with no controller behind it is silence.
        QVERIFY(!show(screen(Via::Serial), 9, content(Mode::Idle), &error));
        QVERIFY2(error.startsWith(QLatin1String("Timeout:LED controller 9 ")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLedBarOnbon)
#include "tst_ledbar_onbon.moc"
