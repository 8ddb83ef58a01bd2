// The codescanner driver, loaded as the real plugin by the DeviceManager on its own thread:
// serial scanners through a real QSerialPort on a pty, keyboard-wedge scanners through the
// driver's evdev reader fed with real input_event records (pty and FIFO).

#include <codescanneremulator.h>
#include <scanprotocol.h>

#include <devices/codescanner.h>
#include <devices/devicemanager.h>

#include <QElapsedTimer>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hall;
using devices::Device;
namespace cs = hall::drivers::codescanner;
using namespace Qt::Literals::StringLiterals;

namespace {

// Warnings of the driver's own category, counted across threads.
QMutex g_logMutex;
int g_driverWarnings = 0;
QtMessageHandler g_previousHandler = nullptr;

void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && context.category && qstrcmp(context.category, "hall.driver.codescanner") == 0) {
        QMutexLocker lock(&g_logMutex);
        ++g_driverWarnings;
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

int driverWarnings()
{
    QMutexLocker lock(&g_logMutex);
    return g_driverWarnings;
}

const QString appointmentUrl = QStringLiteral("https://yss.gd.gov.cn/qh/appt?code=YY20240612A0031&hall=天河区政务服务中心&name=张*明");
const QString gbText = QStringLiteral("预约码：粤A0031，广州市天河区政务服务中心");

} // namespace

class TestCodeScanner : public QObject
{
    Q_OBJECT

    struct Scan
    {
        QString code;
        QString aimId;
    };

    QTemporaryDir m_dir;
    std::unique_ptr<emulators::SerialScannerEmulator> m_serial;
    std::unique_ptr<emulators::HidScannerEmulator> m_hid;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
    devices::CodeScanner *m_scanner = nullptr;
    QList<QString> m_codes;  // scanned()
    QList<Scan> m_scans;     // scannedWithSymbology()
    QList<QPair<Device::Error, QString>> m_errors;

    bool waitReady(int ms = 3000)
    {
        return QTest::qWaitFor([this] { return m_scanner->state() == Device::State::Ready; }, ms);
    }

    // Adds the scanner through the DeviceManager; collects its events on this thread.
    bool start(const QString &port, QVariantMap options, QString *error)
    {
        options.insert(QStringLiteral("reconnectMs"), 200);
        if (!m_manager->add({QStringLiteral("scanner"), QStringLiteral("codescanner"), port, options}, error))
            return false;
        m_scanner = m_manager->device<devices::CodeScanner>(QStringLiteral("scanner"));
        if (!m_scanner) {
            *error = QStringLiteral("not a CodeScanner");
            return false;
        }
        connect(m_scanner, &devices::CodeScanner::scanned, this, [this](const QString &code) { m_codes.append(code); });
        connect(m_scanner, &devices::CodeScanner::scannedWithSymbology, this,
                [this](const QString &code, const QString &aim) { m_scans.append({code, aim}); });
        connect(m_scanner, &Device::errorOccurred, this,
                [this](Device::Error e, const QString &message) { m_errors.append({e, message}); });
        return true;
    }

    void startSerial(int baud, QVariantMap options)
    {
        m_serial = std::make_unique<emulators::SerialScannerEmulator>(m_dir.filePath(QStringLiteral("ttyScan0")), baud);
        QVERIFY(m_serial->plug());
        options.insert(QStringLiteral("baud"), baud);
        QString error;
        QVERIFY2(start(m_serial->path(), options, &error), qPrintable(error));
        QVERIFY2(waitReady(), qPrintable(m_scanner->errorString()));
    }

    void startHid(QVariantMap options)
    {
        m_hid = std::make_unique<emulators::HidScannerEmulator>(m_dir.filePath(QStringLiteral("usb-Scanner-event-kbd")));
        QVERIFY(m_hid->plug());
        options.insert(QStringLiteral("mode"), QStringLiteral("hid"));
        options.insert(QStringLiteral("device"), m_hid->path());
        QString error;
        QVERIFY2(start(QString(), options, &error), qPrintable(error));
        QVERIFY2(waitReady(), qPrintable(m_scanner->errorString()));
    }

    QString codes() const { return m_codes.join(QStringLiteral(" | ")); }

private Q_SLOTS:
    void initTestCase()
    {
        g_previousHandler = qInstallMessageHandler(countingHandler);
    }

    void init()
    {
        m_loader = std::make_unique<devices::PluginLoader>();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        m_codes.clear();
        m_scans.clear();
        m_errors.clear();
    }

    void cleanup()
    {
        m_manager.reset();
        m_scanner = nullptr;
        m_serial.reset();
        m_hid.reset();
        m_loader.reset();
    }

    void pluginMetadata()
    {
        const devices::PluginInfo *info = m_loader->plugin(QStringLiteral("codescanner"));
        QVERIFY2(info, "the codescanner plugin is not found next to the tests");
        QVERIFY2(info->problem.isEmpty(), qPrintable(info->problem));
        QCOMPARE(info->classes, QStringList{QStringLiteral("CodeScanner")});
        QCOMPARE(info->apiVersion, devices::ApiVersion);
    }

    // ---- pure functions: every way of cutting a stream gives the same scans ----

    void splitterCutsAnyChunking_data()
    {
        QTest::addColumn<QString>("terminator");
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QStringList>("expected");
        const QByteArray url = appointmentUrl.toUtf8();
        QTest::newRow("auto: CRLF, CR and LF") << u"auto"_s << QByteArray("A001\r\nB002\rC003\n" + url + "\r\n")
                                               << QStringList{u"A001"_s, u"B002"_s, u"C003"_s, appointmentUrl};
        QTest::newRow("auto: a blank line is no scan") << u"auto"_s << QByteArray("\r\n\r\nA001\r\n\n") << QStringList{u"A001"_s};
        QTest::newRow("cr: the LF after CR is skipped") << u"cr"_s << QByteArray("A001\r\nB\n002\r") << QStringList{u"A001"_s, u"B\n002"_s};
        QTest::newRow("lf: a CR before LF is dropped") << u"lf"_s << QByteArray("A001\r\nB\r002\n") << QStringList{u"A001"_s, u"B\r002"_s};
        QTest::newRow("crlf: lone CR and LF are content") << u"crlf"_s << QByteArray("L1\nL2\rL3\r\nX\r\n")
                                                          << QStringList{u"L1\nL2\rL3"_s, u"X"_s};
        QTest::newRow("tab: multi-line vCard content") << u"tab"_s << QByteArray("BEGIN:VCARD\r\nFN:张三\r\nEND:VCARD\t12\t")
                                                       << QStringList{u"BEGIN:VCARD\r\nFN:张三\r\nEND:VCARD"_s, u"12"_s};
    }

    void splitterCutsAnyChunking()
    {
        QFETCH(QString, terminator);
        QFETCH(QByteArray, stream);
        QFETCH(QStringList, expected);
        cs::Options o;
        QString error;
        QVERIFY2(cs::parseOptions({{QStringLiteral("terminator"), terminator}}, QStringLiteral("/dev/null"), &o, &error), qPrintable(error));
        auto run = [&](const QList<QByteArray> &chunks) {
            cs::LineSplitter splitter(o.terminator, o.maxLength);
            QStringList got;
            for (const QByteArray &c : chunks) {
                for (const cs::Line &line : splitter.feed(c)) {
                    const cs::LineResult r = cs::decodeLine(line, o);
                    if (r.kind == cs::LineResult::Code)
                        got.append(r.scan.code);
                    else if (r.kind == cs::LineResult::Refused)
                        got.append(QStringLiteral("REFUSED: ") + r.message);
                }
            }
            return got;
        };
        QCOMPARE(run({stream}), expected); // everything in one read
        for (qsizetype cut = 1; cut < stream.size(); ++cut)
            QCOMPARE(run({stream.left(cut), stream.mid(cut)}), expected); // every split point
        QList<QByteArray> bytes;
        for (const char c : stream)
            bytes.append(QByteArray(1, c));
        QCOMPARE(run(bytes), expected); // a byte per read
    }

    void keyDecoderReadsRecordedEvents()
    {
        emulators::HidScannerEmulator typist(m_dir.filePath(QStringLiteral("unused")));
        const QString text = QStringLiteral("Ab1!~ ?|\"{}") + QChar(0x1D) + QStringLiteral("粤");
        const QByteArray events = typist.keystrokes(text);
        QCOMPARE(events.size() % cs::EvdevEventSize, 0);
        QCOMPARE(QString::fromUtf8(cs::decodeKeyEvents(events)), QString(text + u'\r'));
        // Split inside records: the decoder waits for whole ones.
        cs::KeyDecoder d;
        QByteArray out;
        for (qsizetype at = 0; at < events.size(); at += 7)
            out += d.feed(events.mid(at, 7));
        QCOMPARE(QString::fromUtf8(out), QString(text + u'\r'));
        QCOMPARE(d.eventsSeen(), events.size() / cs::EvdevEventSize);
    }

    // ---- serial scanners ----

    void serialScans_data()
    {
        QTest::addColumn<int>("baud");
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QByteArray>("prefix");     // what the scanner adds
        QTest::addColumn<QByteArray>("suffix");
        QTest::addColumn<QByteArray>("terminator");
        QTest::addColumn<QByteArray>("encoding");
        QTest::addColumn<QByteArray>("aimId");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("expectedAim");
        QTest::addColumn<int>("delivery"); // 0 paced, 1 split in 7 writes, 2 three scans in one burst

        const QString appt = QStringLiteral("YY20240612A0031");
        const QVariantMap none;
        QTest::newRow("ASCII appointment code, CRLF, 9600") << 9600 << none << QByteArray() << QByteArray() << QByteArray("\r\n")
                                                           << QByteArray("UTF-8") << QByteArray() << appt << appt << QString() << 0;
        QTest::newRow("CR only") << 9600 << none << QByteArray() << QByteArray() << QByteArray("\r") << QByteArray("UTF-8")
                                 << QByteArray() << appt << appt << QString() << 0;
        QTest::newRow("LF only, 115200") << 115200 << none << QByteArray() << QByteArray() << QByteArray("\n") << QByteArray("UTF-8")
                                         << QByteArray() << appt << appt << QString() << 0;
        QTest::newRow("粤省事 QR URL in UTF-8") << 115200 << none << QByteArray() << QByteArray() << QByteArray("\r\n")
                                             << QByteArray("UTF-8") << QByteArray() << appointmentUrl << appointmentUrl << QString() << 0;
        QTest::newRow("GB18030 payload, encoding gb18030")
            << 9600 << QVariantMap{{u"encoding"_s, u"gb18030"_s}} << QByteArray() << QByteArray() << QByteArray("\r\n")
            << QByteArray("GB18030") << QByteArray() << gbText << gbText << QString() << 0;
        QTest::newRow("GB18030 payload, encoding auto") << 9600 << none << QByteArray() << QByteArray() << QByteArray("\r\n")
                                                         << QByteArray("GB18030") << QByteArray() << gbText << gbText << QString() << 0;
        QTest::newRow("prefix and suffix stripped")
            << 9600 << QVariantMap{{u"prefix"_s, u"\x02"_s}, {u"suffix"_s, u"#END"_s}} << QByteArray("\x02") << QByteArray("#END")
            << QByteArray("\r\n") << QByteArray("UTF-8") << QByteArray() << appt << appt << QString() << 0;
        QTest::newRow("AIM ]Q1 reported apart") << 115200 << QVariantMap{{u"aim"_s, true}} << QByteArray() << QByteArray()
                                                << QByteArray("\r\n") << QByteArray("UTF-8") << QByteArray("]Q1")
                                                << appointmentUrl << appointmentUrl << QStringLiteral("]Q1") << 0;
        QTest::newRow("prefix, AIM ]C0, suffix") << 9600 << QVariantMap{{u"aim"_s, true}, {u"prefix"_s, u"SCN:"_s}, {u"suffix"_s, u";"_s}}
                                                 << QByteArray("SCN:") << QByteArray(";") << QByteArray("\r")
                                                 << QByteArray("UTF-8") << QByteArray("]C0") << appt << appt
                                                 << QStringLiteral("]C0") << 0;
        QTest::newRow("without aim the identifier stays in the code")
            << 9600 << none << QByteArray() << QByteArray() << QByteArray("\r\n") << QByteArray("UTF-8") << QByteArray("]Q1")
            << appt << QString(QStringLiteral("]Q1") + appt) << QString() << 0;
        QTest::newRow("scan split over 7 writes") << 9600 << QVariantMap{{u"aim"_s, true}} << QByteArray() << QByteArray()
                                                  << QByteArray("\r\n") << QByteArray("UTF-8") << QByteArray("]Q1")
                                                  << appointmentUrl << appointmentUrl << QStringLiteral("]Q1") << 1;
        QTest::newRow("three scans in one burst") << 9600 << none << QByteArray() << QByteArray() << QByteArray("\r\n")
                                                  << QByteArray("UTF-8") << QByteArray() << appointmentUrl << appointmentUrl
                                                  << QString() << 2;
        QTest::newRow("three GB18030 scans in one burst, LF") << 115200 << QVariantMap{{u"terminator"_s, u"lf"_s}} << QByteArray()
                                                              << QByteArray() << QByteArray("\n") << QByteArray("GB18030")
                                                              << QByteArray() << gbText << gbText << QString() << 2;
        QTest::newRow("crlf terminator keeps a lone LF")
            << 9600 << QVariantMap{{u"terminator"_s, u"crlf"_s}} << QByteArray() << QByteArray() << QByteArray("\r\n")
            << QByteArray("UTF-8") << QByteArray() << QStringLiteral("L1\nL2") << QStringLiteral("L1\nL2") << QString() << 0;
    }

    void serialScans()
    {
        QFETCH(int, baud);
        QFETCH(QVariantMap, options);
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, suffix);
        QFETCH(QByteArray, terminator);
        QFETCH(QByteArray, encoding);
        QFETCH(QByteArray, aimId);
        QFETCH(QString, code);
        QFETCH(QString, expected);
        QFETCH(QString, expectedAim);
        QFETCH(int, delivery);
        startSerial(baud, options);
        if (QTest::currentTestFailed())
            return;
        m_serial->prefix = prefix;
        m_serial->suffix = suffix;
        m_serial->terminator = terminator;
        m_serial->encoding = encoding;
        int scans = 1;
        if (delivery == 1) {
            m_serial->scanSplit(code, 7, 25, aimId);
        } else if (delivery == 2) {
            scans = 3;
            QByteArray all;
            for (int i = 0; i < scans; ++i)
                all += m_serial->frame(code, aimId);
            m_serial->burst(all);
        } else {
            m_serial->scan(code, aimId);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), scans, 5000);
        QTest::qWait(150); // nothing more may follow
        QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.value(0).second));
        QCOMPARE(m_codes.size(), scans);
        QCOMPARE(m_scans.size(), scans);
        for (int i = 0; i < scans; ++i) {
            QCOMPARE(m_codes.at(i), expected);
            QCOMPARE(m_scans.at(i).code, expected);
            QCOMPARE(m_scans.at(i).aimId, expectedAim);
        }
    }

    void refusedThenRecovers_data()
    {
        QTest::addColumn<int>("baud");
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QByteArray>("bad");
        QTest::addColumn<QString>("message"); // a fragment of the error
        QTest::newRow("overlong line (5000 bytes, cap 4096)") << 115200 << QVariantMap() << QByteArray(QByteArray(5000, 'A') + "\r\n")
                                                              << QStringLiteral("more than 4096 bytes");
        QTest::newRow("overlong line, configured cap") << 9600 << QVariantMap{{u"maxLength"_s, 64}} << QByteArray(QByteArray(100, '7') + "\r\n")
                                                       << QStringLiteral("more than 64 bytes");
        QTest::newRow("not UTF-8") << 9600 << QVariantMap{{u"encoding"_s, u"utf-8"_s}} << QByteArray("\xC4\xE3\xBA\xC3\r\n")
                                   << QStringLiteral("not valid UTF-8");
        QTest::newRow("neither UTF-8 nor GB18030") << 9600 << QVariantMap() << QByteArray("\xFF\xFE\xFF\x80\r\n")
                                                   << QStringLiteral("not valid");
        QTest::newRow("line noise with NUL") << 9600 << QVariantMap() << QByteArray("\x00\x11\x13zz\r\n", 7)
                                             << QStringLiteral("control character 0x00");
        QTest::newRow("missing prefix") << 9600 << QVariantMap{{u"prefix"_s, u"#"_s}} << QByteArray("A001\r\n")
                                        << QStringLiteral("prefix \"#\"");
        QTest::newRow("missing suffix") << 9600 << QVariantMap{{u"suffix"_s, u"$"_s}} << QByteArray("A001\r\n")
                                        << QStringLiteral("suffix \"$\"");
    }

    void refusedThenRecovers()
    {
        QFETCH(int, baud);
        QFETCH(QVariantMap, options);
        QFETCH(QByteArray, bad);
        QFETCH(QString, message);
        startSerial(baud, options);
        if (QTest::currentTestFailed())
            return;
        m_serial->prefix = options.value(QStringLiteral("prefix")).toByteArray();
        m_serial->suffix = options.value(QStringLiteral("suffix")).toByteArray();
        m_serial->sendRaw(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!m_errors.isEmpty(), 5000);
        QCOMPARE(m_errors.first().first, Device::Error::Protocol);
        QVERIFY2(m_errors.first().second.contains(message), qPrintable(m_errors.first().second));
        m_serial->scan(QStringLiteral("A0042"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
        QTest::qWait(150);
        QCOMPARE(m_codes, QStringList{QStringLiteral("A0042")}); // nothing of the bad line, the next scan whole
        QCOMPARE(m_errors.size(), 1); // one refusal per bad line
        QCOMPARE(m_scanner->state(), Device::State::Ready);
    }

    void unterminatedScanIsDroppedAfterIdle()
    {
        startSerial(9600, {{QStringLiteral("idleMs"), 300}});
        if (QTest::currentTestFailed())
            return;
        m_serial->sendRaw("HALF-A-SCAN");
        QTRY_VERIFY_WITH_TIMEOUT(!m_errors.isEmpty(), 2000);
        QCOMPARE(m_errors.first().first, Device::Error::Protocol);
        QVERIFY2(m_errors.first().second.contains(QLatin1String("no terminator")), qPrintable(m_errors.first().second));
        m_serial->scan(QStringLiteral("A0043"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
        QCOMPARE(m_codes.first(), QStringLiteral("A0043"));
    }

    void serialUnplugAndReplugReconnects()
    {
        startSerial(9600, {});
        if (QTest::currentTestFailed())
            return;
        m_serial->sendRaw("PARTIAL"); // half a scan when the cable is pulled
        QTest::qWait(50);
        m_serial->unplug();
        QVERIFY2(QTest::qWaitFor([this] { return m_scanner->state() == Device::State::Disconnected; }, 3000),
                 qPrintable(devices::stateName(m_scanner->state())));
        QVERIFY(!m_errors.isEmpty());
        QCOMPARE(m_errors.last().first, Device::Error::ConnectionLost);
        QElapsedTimer t;
        t.start();
        QVERIFY(m_serial->plug());
        QVERIFY2(waitReady(2000), "the scanner must be back within 2 s of being plugged in");
        qInfo("serial scanner reconnected %lld ms after replug", t.elapsed());
        m_serial->scan(QStringLiteral("A0044"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
        QCOMPARE(m_codes.first(), QStringLiteral("A0044")); // not "PARTIALA0044"
    }

    // ---- keyboard-wedge (HID) scanners ----

    void hidScans_data()
    {
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("expectedAim");
        QTest::addColumn<int>("variant"); // 0 plain, 1 right Shift, 2 Caps Lock, 3 GB18030 Alt codes, 4 split, 5 three at once
        const QString appt = QStringLiteral("YY20240612a0031");
        QTest::newRow("appointment code, mixed case") << QVariantMap() << appt << appt << QString() << 0;
        QTest::newRow("URL punctuation") << QVariantMap() << QStringLiteral("https://x.gov.cn/a?b=1&c=[2]{3}~\"'|\\;:<>,%$#@!^*()_+")
                                         << QStringLiteral("https://x.gov.cn/a?b=1&c=[2]{3}~\"'|\\;:<>,%$#@!^*()_+") << QString() << 0;
        QTest::newRow("right Shift") << QVariantMap() << appt << appt << QString() << 1;
        QTest::newRow("Caps Lock on") << QVariantMap() << appt << appt << QString() << 2;
        QTest::newRow("Chinese QR URL, Unicode Alt codes") << QVariantMap() << appointmentUrl << appointmentUrl << QString() << 0;
        QTest::newRow("Chinese, GB18030 Alt codes") << QVariantMap{{u"altCodes"_s, u"gb18030"_s}} << gbText << gbText << QString() << 3;
        QTest::newRow("GS1 separator via Ctrl+]") << QVariantMap{{u"aim"_s, true}} << QStringLiteral("]C1010123456789012815")
                                                       + QChar(0x1D) + QStringLiteral("10ABC")
                                                 << QStringLiteral("010123456789012815") + QChar(0x1D) + QStringLiteral("10ABC")
                                                 << QStringLiteral("]C1") << 0;
        QTest::newRow("prefix and AIM ]Q1") << QVariantMap{{u"aim"_s, true}, {u"prefix"_s, u"@@"_s}} << QStringLiteral("@@]Q1") + appt
                                            << appt << QStringLiteral("]Q1") << 0;
        QTest::newRow("split inside records") << QVariantMap() << appointmentUrl << appointmentUrl << QString() << 4;
        QTest::newRow("three scans in one write") << QVariantMap() << appt << appt << QString() << 5;
    }

    void hidScans()
    {
        QFETCH(QVariantMap, options);
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        QFETCH(QString, expectedAim);
        QFETCH(int, variant);
        startHid(options);
        if (QTest::currentTestFailed())
            return;
        m_hid->shiftWithRightKey = variant == 1;
        m_hid->capsLockFirst = variant == 2;
        if (variant == 3)
            m_hid->altCodes = emulators::HidScannerEmulator::AltCodes::Gb18030;
        int scans = 1;
        if (variant == 4) {
            m_hid->scanSplit(typed, 13, 10);
        } else if (variant == 5) {
            scans = 3;
            m_hid->sendEvents(m_hid->keystrokes(typed) + m_hid->keystrokes(typed) + m_hid->keystrokes(typed));
        } else {
            m_hid->scan(typed);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), scans, 5000);
        QTest::qWait(150);
        QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.value(0).second));
        QCOMPARE(m_codes.size(), scans);
        for (int i = 0; i < scans; ++i) {
            QCOMPARE(m_codes.at(i), expected);
            QCOMPARE(m_scans.at(i).aimId, expectedAim);
        }
    }

    void hidOverlongRefusedThenRecovers()
    {
        startHid({{QStringLiteral("maxLength"), 100}});
        if (QTest::currentTestFailed())
            return;
        m_hid->scan(QString(150, u'9'));
        QTRY_VERIFY_WITH_TIMEOUT(!m_errors.isEmpty(), 5000);
        QVERIFY2(m_errors.first().second.contains(QLatin1String("more than 100 bytes")), qPrintable(m_errors.first().second));
        m_hid->scan(QStringLiteral("A0045"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
        QCOMPARE(m_codes.first(), QStringLiteral("A0045"));
        QCOMPARE(m_errors.size(), 1);
    }

    void hidReadsAFifo()
    {
        const QString fifo = m_dir.filePath(QStringLiteral("scanner.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QString error;
        QVERIFY2(start(QString(), {{QStringLiteral("mode"), QStringLiteral("hid")}, {QStringLiteral("device"), fifo}}, &error),
                 qPrintable(error));
        QVERIFY2(waitReady(), qPrintable(m_scanner->errorString()));
        emulators::HidScannerEmulator typist(m_dir.filePath(QStringLiteral("unused")));
        const QByteArray events = typist.keystrokes(QStringLiteral("Fifo-A0046"));
        for (int writer = 0; writer < 2; ++writer) { // a second writer after the first closed: no EOF
            const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
            QVERIFY(fd >= 0);
            QCOMPARE(::write(fd, events.constData(), size_t(events.size())), ssize_t(events.size()));
            ::close(fd);
            QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), writer + 1, 3000);
            QCOMPARE(m_codes.last(), QStringLiteral("Fifo-A0046"));
        }
        QCOMPARE(m_scanner->state(), Device::State::Ready);
    }

    void hidGrabFailureOnANonEvdevNodeWarnsOnce()
    {
        const int before = driverWarnings();
        startHid({});
        if (QTest::currentTestFailed())
            return;
        bool grabbed = true;
        QMetaObject::invokeMethod(m_scanner, [&] { grabbed = m_scanner->property("grabbed").toBool(); }, Qt::BlockingQueuedConnection);
        QVERIFY2(!grabbed, "a pty is no evdev node: EVIOCGRAB cannot succeed");
        QCOMPARE(driverWarnings() - before, 1);
        // A reconnect opens (and tries to grab) again: still one warning.
        m_hid->unplug();
        QVERIFY(QTest::qWaitFor([this] { return m_scanner->state() == Device::State::Disconnected; }, 3000));
        QVERIFY(m_hid->plug());
        QVERIFY(waitReady(2000));
        QCOMPARE(driverWarnings() - before, 1);
        m_hid->scan(QStringLiteral("A0047"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
    }

    void hidWithoutGrabDoesNotWarn()
    {
        const int before = driverWarnings();
        startHid({{QStringLiteral("grab"), false}});
        if (QTest::currentTestFailed())
            return;
        m_hid->scan(QStringLiteral("A0048"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
        QCOMPARE(driverWarnings() - before, 0);
    }

    void hidUnplugAndReplugReconnects()
    {
        startHid({});
        if (QTest::currentTestFailed())
            return;
        // Half a scan (no Enter) when the scanner is pulled.
        m_hid->sendEvents(m_hid->keystrokes(QStringLiteral("PARTIAL"), false));
        QTest::qWait(50);
        m_hid->unplug();
        QVERIFY2(QTest::qWaitFor([this] { return m_scanner->state() == Device::State::Disconnected; }, 3000),
                 qPrintable(devices::stateName(m_scanner->state())));
        QCOMPARE(m_errors.last().first, Device::Error::ConnectionLost);
        QElapsedTimer t;
        t.start();
        QVERIFY(m_hid->plug());
        QVERIFY2(waitReady(2000), "the scanner must be back within 2 s of being plugged in");
        qInfo("HID scanner reconnected %lld ms after replug", t.elapsed());
        m_hid->scan(QStringLiteral("A0049"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
        QCOMPARE(m_codes.first(), QStringLiteral("A0049"));
    }

    // ---- configuration ----

    void badOptionsAreClearErrors_data()
    {
        QTest::addColumn<QString>("port");
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QString>("message");
        const QString port = QStringLiteral("/dev/ttyNOPE");
        QTest::newRow("unknown mode") << port << QVariantMap{{u"mode"_s, u"usb"_s}} << QStringLiteral("options.mode: \"usb\"");
        QTest::newRow("misspelt option") << port << QVariantMap{{u"terminater"_s, u"cr"_s}} << QStringLiteral("options.terminater: unknown");
        QTest::newRow("bad terminator") << port << QVariantMap{{u"terminator"_s, u"semicolon"_s}} << QStringLiteral("options.terminator: \"semicolon\"");
        QTest::newRow("aim not a boolean") << port << QVariantMap{{u"aim"_s, u"yes"_s}} << QStringLiteral("options.aim: give true or false");
        QTest::newRow("odd baud") << port << QVariantMap{{u"baud"_s, 12345}} << QStringLiteral("options.baud: 12345");
        QTest::newRow("unknown encoding") << port << QVariantMap{{u"encoding"_s, u"big5"_s}} << QStringLiteral("options.encoding: \"big5\"");
        QTest::newRow("cap too small") << port << QVariantMap{{u"maxLength"_s, 5}} << QStringLiteral("options.maxLength");
        QTest::newRow("hid without a node") << QString() << QVariantMap{{u"mode"_s, u"hid"_s}} << QStringLiteral("options.device");
        QTest::newRow("serial option in hid mode") << QString() << QVariantMap{{u"mode"_s, u"hid"_s}, {u"device"_s, u"/dev/input/event3"_s}, {u"baud"_s, 9600}}
                                                   << QStringLiteral("options.baud applies to serial scanners only");
        QTest::newRow("hid option in serial mode") << port << QVariantMap{{u"device"_s, u"/dev/input/event3"_s}}
                                                   << QStringLiteral("options.device applies to keyboard-wedge");
        QTest::newRow("hid terminator in serial mode") << port << QVariantMap{{u"terminator"_s, u"enter"_s}} << QStringLiteral("options.terminator: \"enter\"");
        QTest::newRow("serial without a port") << QString() << QVariantMap() << QStringLiteral("No port is configured");
    }

    void badOptionsAreClearErrors()
    {
        QFETCH(QString, port);
        QFETCH(QVariantMap, options);
        QFETCH(QString, message);
        QString error;
        QVERIFY2(start(port, options, &error), qPrintable(error));
        QVERIFY2(QTest::qWaitFor([this] { return m_scanner->state() == Device::State::Failed; }, 3000),
                 qPrintable(devices::stateName(m_scanner->state())));
        QCOMPARE(m_scanner->error(), Device::Error::Configuration);
        QVERIFY2(m_scanner->errorString().contains(message), qPrintable(m_scanner->errorString()));
        QTest::qWait(300); // a configuration error is not retried
        QCOMPARE(m_scanner->state(), Device::State::Failed);
        QTRY_COMPARE(m_manager->status().first().error, Device::Error::Configuration);
    }

    void missingNodeIsRetriedUntilPlugged()
    {
        // A configured scanner that is not plugged in yet: NotFound, then Ready once it appears.
        m_hid = std::make_unique<emulators::HidScannerEmulator>(m_dir.filePath(QStringLiteral("late-event-kbd")));
        QString error;
        QVERIFY2(start(QString(), {{QStringLiteral("mode"), QStringLiteral("hid")}, {QStringLiteral("device"), m_hid->path()}}, &error),
                 qPrintable(error));
        QVERIFY(QTest::qWaitFor([this] { return m_scanner->state() == Device::State::Disconnected; }, 3000));
        QCOMPARE(m_scanner->error(), Device::Error::NotFound);
        QVERIFY(m_hid->plug());
        QVERIFY2(waitReady(2000), qPrintable(m_scanner->errorString()));
        m_hid->scan(QStringLiteral("A0050"));
        QTRY_COMPARE_WITH_TIMEOUT(m_codes.size(), 1, 3000);
    }
};

QTEST_GUILESS_MAIN(TestCodeScanner)
#include "tst_codescanner.moc"
