// The printer-escpos driver, loaded as the real plugin by the DeviceManager on its own thread,
// printing over a real QSerialPort, TCP and a device node (file:) to the ESC/POS printer
// emulator, which parses every byte back into elements. Also the protocol library itself
// (encoder, status bytes, parser) and the ticket template.

#include <escposemulator.h>
#include <escposprotocol.h>

#include <devices/devicemanager.h>
#include <devices/ticketprinter.h>
#include <devices/tickettemplate.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStringEncoder>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;
using devices::Device;
using devices::PrintElement;
using devices::PrintJob;
using devices::TicketPrinter;
namespace escpos = hall::drivers::escpos;

namespace {

PrintElement text(const QString &t, PrintElement::Align a = PrintElement::Align::Left, int scale = 1, bool bold = false)
{
    PrintElement e;
    e.text = t;
    e.align = a;
    e.scale = scale;
    e.bold = bold;
    return e;
}

PrintElement qr(const QString &data, int size, PrintElement::QrLevel level, PrintElement::Align a = PrintElement::Align::Centre)
{
    PrintElement e;
    e.kind = PrintElement::Kind::Qr;
    e.text = data;
    e.scale = size;
    e.qrLevel = level;
    e.align = a;
    return e;
}

PrintElement feed(int lines)
{
    PrintElement e;
    e.kind = PrintElement::Kind::Feed;
    e.lines = lines;
    return e;
}

PrintElement cut()
{
    PrintElement e;
    e.kind = PrintElement::Kind::Cut;
    return e;
}

// A ticket with every kind of element, sizes 1–4, bold and all three alignments, 汉字 and the
// 4-byte GB18030 range (𠀀 is outside the BMP, 4 bytes in GB18030).
PrintJob chineseTicket(const QString &id = QStringLiteral("A023"))
{
    PrintJob job;
    job.id = id;
    job.elements = {
        text(QStringLiteral("汕尾市政务服务中心"), PrintElement::Align::Centre, 2, true),
        text(QStringLiteral("A023"), PrintElement::Align::Centre, 4, true),
        text(QStringLiteral("户籍业务"), PrintElement::Align::Centre, 2),
        text(QStringLiteral("前面还有 5 人"), PrintElement::Align::Left, 1),
        text(QStringLiteral("取号时间：2024-05-06 09:41"), PrintElement::Align::Right, 1, true),
        text(QStringLiteral("生僻字 𠀀 € ABC 123"), PrintElement::Align::Left, 3),
        qr(QStringLiteral("https://zwfw.shanwei.gov.cn/q?t=A023&h=汕尾"), 6, PrintElement::QrLevel::Q),
        feed(3),
        cut(),
    };
    return job;
}

QString describe(const PrintElement &e)
{
    static const char *kinds[] = {"Text", "Qr", "Feed", "Cut"};
    return QStringLiteral("%1 \"%2\" align=%3 scale=%4 bold=%5 lines=%6 level=%7")
        .arg(QLatin1String(kinds[int(e.kind)]), e.text).arg(int(e.align)).arg(e.scale).arg(e.bold).arg(e.lines).arg(int(e.qrLevel));
}

// Element by element; the reason names the first difference.
bool sameElements(const QList<PrintElement> &got, const QList<PrintElement> &want, QString *why)
{
    for (qsizetype i = 0; i < std::max(got.size(), want.size()); ++i) {
        if (i >= got.size() || i >= want.size()) {
            *why = QStringLiteral("element %1: got %2 elements, expected %3").arg(i).arg(got.size()).arg(want.size());
            return false;
        }
        const PrintElement &g = got.at(i), &w = want.at(i);
        bool same = g.kind == w.kind;
        if (same && (w.kind == PrintElement::Kind::Text || w.kind == PrintElement::Kind::Qr))
            same = g.text == w.text && g.align == w.align && g.scale == w.scale;
        if (same && w.kind == PrintElement::Kind::Text)
            same = g.bold == w.bold;
        if (same && w.kind == PrintElement::Kind::Qr)
            same = g.qrLevel == w.qrLevel;
        if (same && w.kind == PrintElement::Kind::Feed)
            same = g.lines == w.lines;
        if (!same) {
            *why = QStringLiteral("element %1:\n  got      %2\n  expected %3").arg(i).arg(describe(g), describe(w));
            return false;
        }
    }
    return true;
}

struct Outcome
{
    bool done = false;
    bool printed = false;
    Device::Error error = Device::Error::NoError;
    QString message;
    QList<TicketPrinter::Paper> paper;
    qint64 ms = 0;
    int signals = 0;
};

} // namespace

class TestEscPos : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<emulators::EscPosEmulator> m_emu;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
    TicketPrinter *m_printer = nullptr;

    QString portFor(const QString &transport) const
    {
        if (transport == QLatin1String("tcp"))
            return QStringLiteral("tcp://127.0.0.1:%1").arg(m_emu->tcpPort());
        if (transport == QLatin1String("node"))
            return QStringLiteral("file:") + m_emu->path();
        return m_emu->path();
    }

    // Adds the printer through the DeviceManager; returns it (nullptr and *error on failure).
    TicketPrinter *addPrinter(const QString &port, QVariantMap options, QString *error)
    {
        options.insert(QStringLiteral("reconnectMs"), options.value(QStringLiteral("reconnectMs"), 200));
        if (!m_manager->add({QStringLiteral("printer"), QStringLiteral("printer-escpos"), port, options}, error))
            return nullptr;
        m_printer = m_manager->device<TicketPrinter>(QStringLiteral("printer"));
        return m_printer;
    }
    bool waitReady(int ms = 3000)
    {
        return QTest::qWaitFor([this] { return m_printer->state() == Device::State::Ready; }, ms);
    }
    void addReadyPrinter(const QString &transport, QVariantMap options = {})
    {
        options.insert(QStringLiteral("timeoutMs"), options.value(QStringLiteral("timeoutMs"), 300));
        options.insert(QStringLiteral("settleMs"), options.value(QStringLiteral("settleMs"), 20));
        if (transport != QLatin1String("tcp") && transport != QLatin1String("node"))
            options.insert(QStringLiteral("baud"), options.value(QStringLiteral("baud"), m_emu->baud()));
        QString error;
        QVERIFY2(addPrinter(portFor(transport), options, &error), qPrintable(error));
        QVERIFY2(waitReady(), qPrintable(m_printer->errorString()));
    }

    // Prints and waits for printed() or printFailed(), then a little longer to catch a second,
    // contradicting signal.
    Outcome print(const PrintJob &job, int timeoutMs = 5000)
    {
        Outcome o;
        QSignalSpy ok(m_printer, &TicketPrinter::printed);
        QSignalSpy failed(m_printer, &TicketPrinter::printFailed);
        QSignalSpy paper(m_printer, &TicketPrinter::paperStatus);
        QElapsedTimer t;
        t.start();
        QMetaObject::invokeMethod(m_printer, [p = m_printer, job] { p->print(job); }, Qt::QueuedConnection);
        o.done = QTest::qWaitFor([&] { return !ok.isEmpty() || !failed.isEmpty(); }, timeoutMs);
        o.ms = t.elapsed();
        QTest::qWait(30);
        o.signals = int(ok.size() + failed.size());
        o.printed = !ok.isEmpty();
        if (o.printed && ok.first().first().toString() != job.id)
            o.message = QStringLiteral("printed() named %1").arg(ok.first().first().toString());
        if (!failed.isEmpty()) {
            o.error = failed.first().at(1).value<Device::Error>();
            o.message = failed.first().at(2).toString();
            if (failed.first().first().toString() != job.id)
                o.message += QStringLiteral(" [printFailed() named %1]").arg(failed.first().first().toString());
        }
        for (const auto &args : std::as_const(paper))
            o.paper.append(args.first().value<TicketPrinter::Paper>());
        return o;
    }

    static QString explain(const Outcome &o)
    {
        return QStringLiteral("done=%1 printed=%2 signals=%3 error=%4 message=%5")
            .arg(o.done).arg(o.printed).arg(o.signals).arg(errorName(o.error), o.message);
    }

    int printedTexts() const
    {
        return int(std::count_if(m_emu->parsed.cbegin(), m_emu->parsed.cend(),
                                 [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::Text; }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QStringEncoder("GB18030").isValid() || !escpos::toGb18030(QStringLiteral("汉")).isEmpty(),
                 "GB18030 is needed (ICU in Qt, or iconv)");
    }

    void init()
    {
        m_emu = std::make_unique<emulators::EscPosEmulator>(m_dir.filePath(QStringLiteral("ttyPRN0")));
        QVERIFY(m_emu->plug());
        QVERIFY(m_emu->listen());
        m_loader = std::make_unique<devices::PluginLoader>();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        const devices::PluginInfo *info = m_loader->plugin(QStringLiteral("printer-escpos"));
        QVERIFY2(info, "the printer-escpos plugin was not found");
        QVERIFY2(info->problem.isEmpty(), qPrintable(info->problem));
        QCOMPARE(info->classes, QStringList{QStringLiteral("TicketPrinter")});
    }

    void cleanup()
    {
        m_manager.reset();
        m_printer = nullptr;
        m_emu.reset();
    }

    // --- the protocol library on its own -----------------------------------------------------

    void gb18030Bytes()
    {
        // 汉 = BA BA, 字 = D7 D6 (GB2312 range); 𠀀 = 95 32 82 36 (4-byte range); € = A2 E3.
        QCOMPARE(escpos::toGb18030(QStringLiteral("汉字")), QByteArray::fromHex("babad7d6"));
        QCOMPARE(escpos::toGb18030(QStringLiteral("𠀀")), QByteArray::fromHex("95328236"));
        QCOMPARE(escpos::toGb18030(QStringLiteral("€")), QByteArray::fromHex("a2e3"));
        QCOMPARE(escpos::fromGb18030(QByteArray::fromHex("babad7d695328236")), QStringLiteral("汉字𠀀"));
    }

    void encoderBytes()
    {
        PrintJob job;
        job.elements = {text(QStringLiteral("汉"), PrintElement::Align::Centre, 2, true),
                        qr(QStringLiteral("AB"), 5, PrintElement::QrLevel::H), feed(2), cut()};
        QString error;
        const QByteArray b = escpos::encodeJob(job, &error);
        QVERIFY2(!b.isEmpty(), qPrintable(error));
        const QByteArray expected = QByteArray::fromHex(
            "1b40" "1c26"                       // ESC @, FS &
            "1b6101" "1d2111" "1b4501" "baba" "0a" // centre, 2×2, bold, 汉, LF
            "1b6101"                            // centre
            "1d286b0400314132" "00"             // QR model 2
            "1d286b0300314305"                  // module size 5
            "1d286b0300314533"                  // level H
            "1d286b0500315030" "4142"           // store "AB"
            "1d286b0300315130"                  // print
            "1b6402"                            // feed 2
            "1d564100"                          // cut
            "1b6100" "1d2100" "1b4500");        // back to normal modes
        QCOMPARE(b.toHex(' '), expected.toHex(' '));
    }

    void encoderRoundTrip()
    {
        const PrintJob job = chineseTicket();
        QString error;
        const QByteArray bytes = escpos::encodeJob(job, &error);
        QVERIFY2(!bytes.isEmpty(), qPrintable(error));
        const QList<escpos::Element> parsed = escpos::parse(bytes);
        QString why;
        QVERIFY2(sameElements(escpos::toPrintElements(parsed), job.elements, &why), qPrintable(why));
        // Width and height separately, as GS ! encodes them.
        const auto first = std::find_if(parsed.cbegin(), parsed.cend(), [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::Text; });
        QVERIFY(first != parsed.cend());
        QCOMPARE(first->width, 2);
        QCOMPARE(first->height, 2);
        QCOMPARE(first->raw, escpos::toGb18030(QStringLiteral("汕尾市政务服务中心")));
        const auto code = std::find_if(parsed.cbegin(), parsed.cend(), [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::Qr; });
        QVERIFY(code != parsed.cend());
        QCOMPARE(code->qrModel, 2);
        QCOMPARE(code->width, 6);
    }

    void parserAcceptsAnySplit()
    {
        QString error;
        const QByteArray bytes = escpos::encodeJob(chineseTicket(), &error) + escpos::statusQuery(4);
        const QList<escpos::Element> whole = escpos::parse(bytes);
        for (int step : {1, 2, 3, 7, 64}) {
            escpos::Parser p;
            QList<escpos::Element> pieces;
            for (qsizetype i = 0; i < bytes.size(); i += step)
                pieces += p.feed(bytes.mid(i, step));
            pieces += p.finish();
            QString why;
            QVERIFY2(sameElements(escpos::toPrintElements(pieces), escpos::toPrintElements(whole), &why),
                     qPrintable(QStringLiteral("step %1: %2").arg(step).arg(why)));
            QCOMPARE(pieces.last().kind, escpos::Element::Kind::StatusQuery);
            QCOMPARE(pieces.last().value, 4);
        }
    }

    void parserReadsOtherPrintersCommands_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected"); // elements as kind:text:align:w:h:bold
        QTest::newRow("ESC ! double width+height+bold") << QByteArray::fromHex("1c26" "1b2138" "baba" "0a") << "T:汉:0:2:2:1";
        QTest::newRow("ESC a '1' (ASCII digit) centres") << QByteArray::fromHex("1b6131" "41" "0a") << "T:A:1:1:1:0";
        QTest::newRow("GS ! 0x21 width 3 height 2") << QByteArray::fromHex("1d2121" "42" "0a") << "T:B:0:3:2:0";
        QTest::newRow("style change splits a line into runs") << QByteArray::fromHex("41" "1b4501" "42" "0a") << "T:A:0:1:1:0 T:B:0:1:1:1";
        QTest::newRow("outside Chinese mode bytes are Latin-1") << QByteArray::fromHex("1c2e" "e9" "0a") << "T:é:0:1:1:0";
        QTest::newRow("ESC @ drops an unfinished line") << QByteArray::fromHex("4142" "1b40" "43" "0a") << "R T:C:0:1:1:0";
        QTest::newRow("GS V 1 partial cut, GS V 66 n") << QByteArray::fromHex("1d5601" "1d564205") << "C:p:0 C:p:5";
        QTest::newRow("GS V 0 full cut") << QByteArray::fromHex("1d5600") << "C:f:0";
        QTest::newRow("raster image skipped by its size") << QByteArray::fromHex("1d763000" "0100" "0200" "0a0a" "44" "0a") << "T:D:0:1:1:0";
        QTest::newRow("unknown ESC command") << QByteArray::fromHex("1b7e" "45" "0a") << "?1b7e T:E:0:1:1:0";
        QTest::newRow("truncated QR store at the end") << QByteArray::fromHex("1d286b0a00315030" "4142") << "?1d286b0a00315030";
        QTest::newRow("DLE EOT inside text") << QByteArray::fromHex("41" "100402" "42" "0a") << "S2 T:AB:0:1:1:0";
        QTest::newRow("NUL garbage") << QByteArray::fromHex("00" "46" "0a") << "?00 T:F:0:1:1:0";
    }

    void parserReadsOtherPrintersCommands()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QStringList got;
        for (const escpos::Element &e : escpos::parse(bytes)) {
            switch (e.kind) {
            case escpos::Element::Kind::Text:
                got << QStringLiteral("T:%1:%2:%3:%4:%5").arg(e.text).arg(int(e.align)).arg(e.width).arg(e.height).arg(int(e.bold));
                break;
            case escpos::Element::Kind::Cut:
                got << QStringLiteral("C:%1:%2").arg(QChar(e.partial ? u'p' : u'f')).arg(e.value);
                break;
            case escpos::Element::Kind::Reset:
                got << QStringLiteral("R");
                break;
            case escpos::Element::Kind::StatusQuery:
                got << QStringLiteral("S%1").arg(e.value);
                break;
            case escpos::Element::Kind::Unknown:
                got << u'?' + QString::fromLatin1(e.raw.toHex());
                break;
            default:
                got << QStringLiteral("other");
            }
        }
        QCOMPARE(got.join(u' '), expected);
    }

    void controlCharactersCannotBecomeCommands()
    {
        // A business name from the configuration that contains ESC @ and a cut must print as text.
        PrintJob job;
        job.elements = {text(QStringLiteral("户籍\x1b@\x1dV\x01业务"))};
        QString error;
        const QList<escpos::Element> parsed = escpos::parse(escpos::encodeJob(job, &error));
        const auto cuts = std::count_if(parsed.cbegin(), parsed.cend(), [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::Cut; });
        const auto resets = std::count_if(parsed.cbegin(), parsed.cend(), [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::Reset; });
        QCOMPARE(cuts, 0);
        QCOMPARE(resets, 1); // only the job's own initialisation
        QCOMPARE(escpos::toPrintElements(parsed).first().text, QStringLiteral("户籍@V业务"));
    }

    void statusBytes_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("byte");
        QTest::addColumn<QString>("expected"); // the flags that must be set, and the fault
        QTest::newRow("n=1 online") << 1 << 0x12 << "fault=0";
        QTest::newRow("n=1 offline") << 1 << 0x1A << "offline fault=4";
        QTest::newRow("n=1 offline while feeding by button") << 1 << 0x5A << "offline feed fault=0";
        QTest::newRow("n=2 cover open") << 2 << 0x16 << "cover fault=2";
        QTest::newRow("n=2 paper-end stop") << 2 << 0x32 << "endstop fault=1";
        QTest::newRow("n=2 error occurred") << 2 << 0x52 << "error fault=3";
        QTest::newRow("n=3 cutter error") << 3 << 0x1A << "cutter fault=3";
        QTest::newRow("n=3 unrecoverable") << 3 << 0x32 << "unrecoverable fault=3";
        QTest::newRow("n=3 auto-recoverable") << 3 << 0x52 << "autorecoverable fault=3";
        QTest::newRow("n=4 paper ok") << 4 << 0x12 << "fault=0";
        QTest::newRow("n=4 near end") << 4 << 0x1E << "nearend fault=0";
        QTest::newRow("n=4 near end, one bit only") << 4 << 0x16 << "nearend fault=0";
        QTest::newRow("n=4 paper out") << 4 << 0x72 << "out fault=1";
        QTest::newRow("n=4 near end and out") << 4 << 0x7E << "nearend out fault=1";
        QTest::newRow("not a status byte (bit 7)") << 4 << 0x92 << "invalid";
        QTest::newRow("not a status byte (bit 1 off)") << 2 << 0x10 << "invalid";
        QTest::newRow("not a status byte (0xFF)") << 1 << 0xFF << "invalid";
        QTest::newRow("no such n") << 5 << 0x12 << "invalid";
    }

    void statusBytes()
    {
        QFETCH(int, n);
        QFETCH(int, byte);
        QFETCH(QString, expected);
        escpos::PrinterStatus s;
        if (!escpos::decodeStatus(quint8(n), quint8(byte), &s)) {
            QCOMPARE(QStringLiteral("invalid"), expected);
            return;
        }
        QStringList got;
        if (s.offline) got << QStringLiteral("offline");
        if (s.feedButton) got << QStringLiteral("feed");
        if (s.coverOpen) got << QStringLiteral("cover");
        if (s.paperEndStop) got << QStringLiteral("endstop");
        if (s.error) got << QStringLiteral("error");
        if (s.cutterError) got << QStringLiteral("cutter");
        if (s.unrecoverable) got << QStringLiteral("unrecoverable");
        if (s.autoRecoverable) got << QStringLiteral("autorecoverable");
        if (s.paperNearEnd) got << QStringLiteral("nearend");
        if (s.paperOut) got << QStringLiteral("out");
        got << QStringLiteral("fault=%1").arg(int(s.fault()));
        QCOMPARE(got.join(u' '), expected);
        // What the emulator answers is what the driver decodes.
        escpos::PrinterStatus back;
        QVERIFY(escpos::decodeStatus(quint8(n), escpos::encodeStatus(quint8(n), s), &back));
        QCOMPARE(int(back.fault() == escpos::PrinterStatus::Fault::None), int(s.fault() == escpos::PrinterStatus::Fault::None));
    }

    // --- the driver through the DeviceManager ----------------------------------------------------

    void printsChineseTicket_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<int>("baud");
        QTest::addColumn<int>("timeoutMs");
        QTest::newRow("serial 115200") << "serial" << 115200 << 300;
        // 278 bytes take 290 ms at 9600 baud: the status wait must allow for the wire time.
        QTest::newRow("serial 9600, timeout shorter than the wire time") << "serial" << 9600 << 100;
        QTest::newRow("tcp 9100-style") << "tcp" << 0 << 300;
        QTest::newRow("device node (file:)") << "node" << 0 << 300;
    }

    void printsChineseTicket()
    {
        QFETCH(QString, transport);
        QFETCH(int, baud);
        QFETCH(int, timeoutMs);
        if (baud)
            m_emu->setBaud(baud);
        addReadyPrinter(transport, {{QStringLiteral("timeoutMs"), timeoutMs}});
        const PrintJob job = chineseTicket();
        const Outcome o = print(job);
        QVERIFY2(o.done && o.printed && o.signals == 1, qPrintable(explain(o)));
        if (baud) {
            const qint64 wireMs = m_emu->stream.size() * 10 * 1000 / baud;
            QVERIFY2(o.ms >= wireMs, "the emulator reads at the baud rate");
            qInfo("%d baud: wire time %lld ms, printed and confirmed in %lld ms (ratio %.2f)", baud, wireMs, o.ms, double(o.ms) / std::max<qint64>(1, wireMs));
        }
        QCOMPARE(m_emu->lastChannel, transport == QLatin1String("tcp") ? QStringLiteral("tcp") : QStringLiteral("pty"));
        QString why;
        QVERIFY2(sameElements(m_emu->printedElements(), job.elements, &why), qPrintable(why));
        // 汉字 arrive as GB18030 bytes, not UTF-8.
        QVERIFY(m_emu->stream.contains(escpos::toGb18030(QStringLiteral("户籍业务"))));
        QVERIFY(!m_emu->stream.contains(QStringLiteral("户籍业务").toUtf8()));
        // Checked before (3 queries) and after (3 queries) the job; the last three after the cut.
        QCOMPARE(m_emu->statusQueries, 6);
        const auto lastCut = std::find_if(m_emu->parsed.crbegin(), m_emu->parsed.crend(),
                                          [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::Cut; });
        QCOMPARE(std::count_if(m_emu->parsed.crbegin(), lastCut, [](const escpos::Element &e) { return e.kind == escpos::Element::Kind::StatusQuery; }), 3);
        QCOMPARE(o.paper.last(), TicketPrinter::Paper::Ok);
        qInfo("%s: ticket of %lld bytes printed and confirmed in %lld ms", qPrintable(transport), qint64(m_emu->stream.size()), o.ms);
        // A second ticket on the same connection.
        const Outcome again = print(chineseTicket(QStringLiteral("A024")));
        QVERIFY2(again.printed, qPrintable(explain(again)));
        QCOMPARE(m_emu->printedElements().size(), 2 * job.elements.size());
    }

    // 330 bytes a ticket take 340 ms at 9,600 baud (the default, many printers' factory setting):
    // the kiosk's 500 ms from touch to ticket is lost on the line, and the log says what to set.
    void slowLineIsNamedInTheLog_data()
    {
        QTest::addColumn<int>("baud");
        QTest::addColumn<bool>("warned");
        QTest::newRow("9600") << 9600 << true;
        QTest::newRow("38400") << 38400 << true;
        QTest::newRow("57600") << 57600 << false;
        QTest::newRow("115200") << 115200 << false;
    }

    void slowLineIsNamedInTheLog()
    {
        QFETCH(int, baud);
        QFETCH(bool, warned);
        const QRegularExpression warning(QStringLiteral("at %1 baud: a ticket takes about [0-9]+ ms on the line alone; .* 115200").arg(baud));
        if (warned)
            QTest::ignoreMessage(QtWarningMsg, warning);
        else
            QTest::failOnWarning(QRegularExpression(QStringLiteral("on the line alone")));
        m_emu->setBaud(baud);
        addReadyPrinter(QStringLiteral("serial"), {{QStringLiteral("baud"), baud}});
    }

    void faultsFailThePrint_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<QString>("fault");
        QTest::addColumn<bool>("checkBefore");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("jobSent");
        QTest::addColumn<int>("paper");
        for (const QString &t : {QStringLiteral("serial"), QStringLiteral("tcp"), QStringLiteral("node")}) {
            QTest::addRow("%s: paper out", qPrintable(t)) << t << "out" << true << "is out of paper" << false << int(TicketPrinter::Paper::Out);
            QTest::addRow("%s: cover open", qPrintable(t)) << t << "cover" << true << "cover is open" << false << int(TicketPrinter::Paper::CoverOpen);
        }
        QTest::newRow("paper out, no check before: caught afterwards") << "serial" << "out" << false << "ran out of paper while printing" << true << int(TicketPrinter::Paper::Out);
        QTest::newRow("cover open, no check before") << "tcp" << "cover" << false << "cover was opened while printing" << true << int(TicketPrinter::Paper::CoverOpen);
        QTest::newRow("paper runs out mid-ticket") << "serial" << "midway" << true << "ran out of paper while printing" << true << int(TicketPrinter::Paper::Out);
        QTest::newRow("paper runs out mid-ticket (tcp)") << "tcp" << "midway" << true << "ran out of paper while printing" << true << int(TicketPrinter::Paper::Out);
        QTest::newRow("cutter error") << "serial" << "cutter" << true << "error (cutter error)" << false << int(TicketPrinter::Paper::Ok);
        QTest::newRow("offline") << "node" << "offline" << true << "is offline" << false << int(TicketPrinter::Paper::Ok);
    }

    void faultsFailThePrint()
    {
        QFETCH(QString, transport);
        QFETCH(QString, fault);
        QFETCH(bool, checkBefore);
        QFETCH(QString, message);
        QFETCH(bool, jobSent);
        QFETCH(int, paper);
        addReadyPrinter(transport, {{QStringLiteral("checkBefore"), checkBefore}});
        if (fault == QLatin1String("out"))
            m_emu->status.paperOut = m_emu->status.paperEndStop = true;
        else if (fault == QLatin1String("cover"))
            m_emu->status.coverOpen = true;
        else if (fault == QLatin1String("midway"))
            m_emu->paperOutAfter(60 + 9); // the check before (9 bytes), then 60 bytes of the ticket
        else if (fault == QLatin1String("cutter"))
            m_emu->status.cutterError = true;
        else if (fault == QLatin1String("offline"))
            m_emu->status.offline = true;
        const PrintJob job = chineseTicket();
        const Outcome o = print(job);
        QVERIFY2(o.done && !o.printed && o.signals == 1, qPrintable(explain(o)));
        QCOMPARE(o.error, Device::Error::DeviceReported);
        QVERIFY2(o.message.contains(message), qPrintable(o.message));
        QVERIFY2(o.message.contains(job.id), qPrintable(o.message));
        QCOMPARE(int(o.paper.last()), paper);
        QCOMPARE(printedTexts() > 0, jobSent); // a fault seen before sending sends nothing
        QCOMPARE(m_printer->state(), Device::State::Ready); // still connected, ready once fixed
        QCOMPARE(m_manager->status().first().error, Device::Error::DeviceReported);
        // Fixed by the officer: the next ticket prints.
        m_emu->status = {};
        m_emu->clear();
        const Outcome fixed = print(chineseTicket(QStringLiteral("A024")));
        QVERIFY2(fixed.printed, qPrintable(explain(fixed)));
        QString why;
        QVERIFY2(sameElements(m_emu->printedElements(), job.elements, &why), qPrintable(why));
    }

    void paperNearEndWarnsButPrints()
    {
        addReadyPrinter(QStringLiteral("serial"));
        m_emu->status.paperNearEnd = true;
        const Outcome o = print(chineseTicket());
        QVERIFY2(o.printed && o.signals == 1, qPrintable(explain(o)));
        QCOMPARE(o.paper.last(), TicketPrinter::Paper::NearEnd);
    }

    void queryPaperReportsStatus_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<int>("paper");
        for (const QString &t : {QStringLiteral("serial"), QStringLiteral("tcp"), QStringLiteral("node")}) {
            QTest::addRow("%s: ok", qPrintable(t)) << t << "" << int(TicketPrinter::Paper::Ok);
            QTest::addRow("%s: near end", qPrintable(t)) << t << "nearend" << int(TicketPrinter::Paper::NearEnd);
            QTest::addRow("%s: out", qPrintable(t)) << t << "out" << int(TicketPrinter::Paper::Out);
            QTest::addRow("%s: cover open", qPrintable(t)) << t << "cover" << int(TicketPrinter::Paper::CoverOpen);
            QTest::addRow("%s: silent", qPrintable(t)) << t << "silent" << int(TicketPrinter::Paper::Unknown);
        }
    }

    void queryPaperReportsStatus()
    {
        QFETCH(QString, transport);
        QFETCH(QString, condition);
        QFETCH(int, paper);
        addReadyPrinter(transport);
        m_emu->status.paperNearEnd = condition == QLatin1String("nearend");
        m_emu->status.paperOut = condition == QLatin1String("out");
        m_emu->status.coverOpen = condition == QLatin1String("cover");
        if (condition == QLatin1String("silent"))
            m_emu->answersLeft = 0;
        QSignalSpy got(m_printer, &TicketPrinter::paperStatus);
        QSignalSpy errors(m_printer, &Device::errorOccurred);
        QMetaObject::invokeMethod(m_printer, [p = m_printer] { p->queryPaper(); }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 3000);
        QCOMPARE(got.first().first().toInt(), paper);
        QCOMPARE(m_emu->statusQueries, 3);
        QCOMPARE(errors.isEmpty(), condition != QLatin1String("silent"));
        if (!errors.isEmpty())
            QCOMPARE(errors.first().first().value<Device::Error>(), Device::Error::Timeout);
    }

    void silentPrinterTimesOut_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<int>("answers");     // status answers before the printer goes silent
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("jobSent");
        QTest::newRow("silent from the start (serial)") << "serial" << 0 << "was not printed" << false;
        QTest::newRow("silent from the start (tcp)") << "tcp" << 0 << "was not printed" << false;
        QTest::newRow("silent after the ticket (serial)") << "serial" << 3 << "did not confirm ticket" << true;
        QTest::newRow("silent after the ticket (node)") << "node" << 3 << "did not confirm ticket" << true;
        QTest::newRow("one answer of three (tcp)") << "tcp" << 4 << "did not confirm ticket" << true;
    }

    void silentPrinterTimesOut()
    {
        QFETCH(QString, transport);
        QFETCH(int, answers);
        QFETCH(QString, message);
        QFETCH(bool, jobSent);
        addReadyPrinter(transport, {{QStringLiteral("timeoutMs"), 250}});
        m_emu->answersLeft = answers;
        const Outcome o = print(chineseTicket());
        QVERIFY2(o.done && !o.printed && o.signals == 1, qPrintable(explain(o)));
        QCOMPARE(o.error, Device::Error::Timeout);
        QVERIFY2(o.message.contains(message), qPrintable(o.message));
        QCOMPARE(printedTexts() > 0, jobSent);
        QVERIFY2(o.ms < 1500, qPrintable(QStringLiteral("took %1 ms: the timeout must follow timeoutMs").arg(o.ms)));
        qInfo("silent printer reported after %lld ms (timeoutMs 250)", o.ms);
        // The printer answers again: the next ticket prints.
        m_emu->answersLeft = -1;
        QTest::qWait(50);
        const Outcome again = print(chineseTicket(QStringLiteral("A024")));
        QVERIFY2(again.printed, qPrintable(explain(again)));
    }

    void damagedStatusIsAProtocolError()
    {
        addReadyPrinter(QStringLiteral("serial"));
        m_emu->damageAnswers(1, 0xFF);
        const Outcome o = print(chineseTicket());
        QVERIFY2(!o.printed && o.signals == 1, qPrintable(explain(o)));
        QCOMPARE(o.error, Device::Error::Protocol);
        QVERIFY2(o.message.contains(QLatin1String("0xff")), qPrintable(o.message));
        QCOMPARE(printedTexts(), 0);
    }

    void unplugAndReplug_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::newRow("serial") << "serial";
        QTest::newRow("tcp") << "tcp";
        QTest::newRow("device node") << "node";
    }

    void unplugAndReplug()
    {
        QFETCH(QString, transport);
        addReadyPrinter(transport);
        const bool tcp = transport == QLatin1String("tcp");
        if (tcp)
            m_emu->unplugNetwork();
        else
            m_emu->unplug();
        QVERIFY2(QTest::qWaitFor([this] { return m_printer->state() == Device::State::Disconnected; }, 3000),
                 qPrintable(devices::stateName(m_printer->state())));
        QTRY_COMPARE(m_manager->status().first().state, Device::State::Disconnected); // queued to the manager
        QCOMPARE(m_manager->status().first().error, Device::Error::ConnectionLost);

        // A ticket while unplugged fails at once and clearly.
        const Outcome lost = print(chineseTicket());
        QVERIFY2(lost.done && !lost.printed && lost.signals == 1, qPrintable(explain(lost)));
        QCOMPARE(lost.error, Device::Error::ConnectionLost);
        QVERIFY2(lost.message.contains(QLatin1String("not connected")), qPrintable(lost.message));

        QElapsedTimer t;
        t.start();
        QVERIFY(tcp ? m_emu->plugNetwork() : m_emu->plug());
        QVERIFY2(waitReady(2000), "the printer must be back within 2 s of being plugged in");
        qInfo("%s: reconnected %lld ms after replug", qPrintable(transport), t.elapsed());
        m_emu->clear();
        const Outcome o = print(chineseTicket(QStringLiteral("A024")));
        QVERIFY2(o.printed, qPrintable(explain(o)));
        QString why;
        QVERIFY2(sameElements(m_emu->printedElements(), chineseTicket().elements, &why), qPrintable(why));
    }

    void badJobsAreRejected_data()
    {
        QTest::addColumn<PrintJob>("job");
        QTest::addColumn<QString>("message");
        PrintJob big;
        big.id = QStringLiteral("B001");
        big.elements = {text(QStringLiteral("大"), PrintElement::Align::Left, 9)};
        QTest::newRow("text size 9") << big << "text size 9 is not possible";
        PrintJob empty;
        empty.id = QStringLiteral("B002");
        empty.elements = {text(QStringLiteral("x")), qr(QString(), 6, PrintElement::QrLevel::M)};
        QTest::newRow("QR without data") << empty << "Element 2: a QR code needs data";
        PrintJob huge;
        huge.id = QStringLiteral("B003");
        huge.elements = {qr(QString(8000, u'9'), 6, PrintElement::QrLevel::L)};
        QTest::newRow("QR too long") << huge << "8000 bytes are too many";
        PrintJob module;
        module.id = QStringLiteral("B004");
        module.elements = {qr(QStringLiteral("x"), 17, PrintElement::QrLevel::L)};
        QTest::newRow("QR module 17") << module << "QR module size 17";
        PrintJob lines;
        lines.id = QStringLiteral("B005");
        lines.elements = {feed(300)};
        QTest::newRow("feed 300") << lines << "cannot feed 300 lines";
    }

    void badJobsAreRejected()
    {
        QFETCH(PrintJob, job);
        QFETCH(QString, message);
        addReadyPrinter(QStringLiteral("serial"));
        const Outcome o = print(job);
        QVERIFY2(o.done && !o.printed && o.signals == 1, qPrintable(explain(o)));
        QCOMPARE(o.error, Device::Error::NotSupported);
        QVERIFY2(o.message.contains(message) && o.message.contains(job.id), qPrintable(o.message));
        QVERIFY2(m_emu->stream.isEmpty(), "a job that cannot be printed must not reach the printer");
    }

    void badOptionsAreRejected_data()
    {
        QTest::addColumn<QString>("port");
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown option") << "" << QVariantMap{{QStringLiteral("baudrate"), 9600}} << "Unknown printer option \"baudrate\"";
        QTest::newRow("timeout not a number") << "" << QVariantMap{{QStringLiteral("timeoutMs"), QStringLiteral("soon")}} << "timeoutMs: \"soon\" is not a number";
        QTest::newRow("timeout too small") << "" << QVariantMap{{QStringLiteral("timeoutMs"), 1}} << "timeoutMs: \"1\" is not a number from 10";
        QTest::newRow("checkBefore not a flag") << "" << QVariantMap{{QStringLiteral("checkBefore"), QStringLiteral("maybe")}} << "checkBefore: \"maybe\" is not true or false";
        QTest::newRow("baud not a number") << "" << QVariantMap{{QStringLiteral("baud"), QStringLiteral("fast")}} << "baud: fast is not a baud rate";
        QTest::newRow("tcp without port") << "tcp://127.0.0.1" << QVariantMap{} << "give host and port";
        QTest::newRow("file: without a node") << "file:" << QVariantMap{} << "give the device node";
        QTest::newRow("no port") << "serial:" << QVariantMap{} << "No port is configured";
    }

    void badOptionsAreRejected()
    {
        QFETCH(QString, port);
        QFETCH(QVariantMap, options);
        QFETCH(QString, message);
        QString error;
        QVERIFY2(addPrinter(port.isEmpty() ? m_emu->path() : port, options, &error), qPrintable(error));
        QVERIFY2(QTest::qWaitFor([this] { return m_printer->state() == Device::State::Failed; }, 2000),
                 qPrintable(devices::stateName(m_printer->state())));
        QCOMPARE(m_printer->error(), Device::Error::Configuration);
        QVERIFY2(m_printer->errorString().contains(message), qPrintable(m_printer->errorString()));
        // The manager hears of the state through a queued signal, a moment later.
        QTRY_COMPARE(m_manager->status().first().state, Device::State::Failed);
        QVERIFY2(m_manager->status().first().message.contains(message), qPrintable(m_manager->status().first().message));
    }

    void missingPortKeepsRetrying()
    {
        QString error;
        QVERIFY(addPrinter(QStringLiteral("file:") + m_dir.filePath(QStringLiteral("lp9")), {}, &error));
        QVERIFY(QTest::qWaitFor([this] { return m_printer->state() == Device::State::Disconnected; }, 2000));
        QCOMPARE(m_printer->error(), Device::Error::NotFound);
        QVERIFY2(m_printer->errorString().contains(QLatin1String("lp9")), qPrintable(m_printer->errorString()));
    }

    // --- the ticket template -----------------------------------------------------------------

    void rendersRealisticTicket()
    {
        const QString source = QStringLiteral(
            "# 汕尾市政务服务中心 排队票\n"
            "[centre bold x2] {hall}\n"
            "[centre, bold, x4] {number}\n"
            "[centre x2] {business}\n"
            "[centre optional] 请到 {window} 号窗口\n"
            "[centre] 前面还有 {ahead} 人\n"
            "[left] 取号时间：{time:yyyy-MM-dd HH:mm}\n"
            "[qr centre size=6 level=Q] {qr}\n"
            "[centre if=qr] 微信扫码查看排队进度\n"
            "[lines]\n"
            "\\[请妥善保管]  {{凭票办理}}\n"
            "\n"
            "[right] {date}\n"
            "[feed 3]\n"
            "[cut]\n");
        devices::TicketTemplate tpl;
        QString error;
        QVERIFY2(tpl.parse(source, &error), qPrintable(error));
        devices::TicketFields f;
        f.hall = QStringLiteral("汕尾市政务服务中心");
        f.number = QStringLiteral("A023");
        f.business = QStringLiteral("户籍业务");
        f.ahead = 5;
        f.time = QDateTime(QDate(2024, 5, 6), QTime(9, 41, 7));
        f.qr = QStringLiteral("https://zwfw.shanwei.gov.cn/q/A023");
        f.lines = {QStringLiteral("请携带居民身份证原件"), QStringLiteral("过号请重新取号")};
        const PrintJob job = tpl.render(f);
        QCOMPARE(job.id, QStringLiteral("A023"));
        using A = PrintElement::Align;
        const QList<PrintElement> expected{
            text(QStringLiteral("汕尾市政务服务中心"), A::Centre, 2, true),
            text(QStringLiteral("A023"), A::Centre, 4, true),
            text(QStringLiteral("户籍业务"), A::Centre, 2),
            // no window given: the optional line is left out
            text(QStringLiteral("前面还有 5 人"), A::Centre),
            text(QStringLiteral("取号时间：2024-05-06 09:41"), A::Left),
            qr(QStringLiteral("https://zwfw.shanwei.gov.cn/q/A023"), 6, PrintElement::QrLevel::Q, A::Centre),
            text(QStringLiteral("微信扫码查看排队进度"), A::Centre),
            text(QStringLiteral("请携带居民身份证原件")),
            text(QStringLiteral("过号请重新取号")),
            text(QStringLiteral("[请妥善保管]  {凭票办理}")),
            text(QString()),
            text(QStringLiteral("2024-05-06"), A::Right),
            feed(3),
            cut(),
        };
        QString why;
        QVERIFY2(sameElements(job.elements, expected, &why), qPrintable(why));

        // With a window and without a QR URL: the window line appears, the code and its caption do not.
        f.window = QStringLiteral("3");
        f.qr.clear();
        f.lines.clear();
        const PrintJob other = tpl.render(f);
        QCOMPARE(other.elements.at(3).text, QStringLiteral("请到 3 号窗口"));
        QVERIFY(std::none_of(other.elements.cbegin(), other.elements.cend(), [](const PrintElement &e) { return e.kind == PrintElement::Kind::Qr; }));
        QVERIFY(std::none_of(other.elements.cbegin(), other.elements.cend(), [](const PrintElement &e) { return e.text.contains(QLatin1String("扫码")); }));
        QCOMPARE(other.elements.size(), expected.size() + 1 /*window*/ - 2 /*QR, caption*/ - 2 /*custom lines*/);
    }

    void printsRenderedTicket()
    {
        addReadyPrinter(QStringLiteral("serial"));
        devices::TicketTemplate tpl;
        QString error;
        QVERIFY2(tpl.parse(devices::TicketTemplate::defaultText(), &error), qPrintable(error));
        devices::TicketFields f;
        f.hall = QStringLiteral("汕尾市政务服务中心");
        f.number = QStringLiteral("A023");
        f.business = QStringLiteral("户籍业务");
        f.ahead = 5;
        f.time = QDateTime(QDate(2024, 5, 6), QTime(9, 41, 7));
        f.qr = QStringLiteral("https://zwfw.shanwei.gov.cn/q/A023");
        f.lines = {QStringLiteral("请携带居民身份证原件")};
        const PrintJob job = tpl.render(f);
        const Outcome o = print(job);
        QVERIFY2(o.printed, qPrintable(explain(o)));
        const QList<PrintElement> got = m_emu->printedElements();
        QString why;
        QVERIFY2(sameElements(got, job.elements, &why), qPrintable(why));
        // Field by field, as the printer received them.
        QCOMPARE(got.at(0).text, f.hall);
        QCOMPARE(got.at(1).text, f.number);
        QCOMPARE(got.at(1).scale, 4);
        QCOMPARE(got.at(2).text, f.business);
        QVERIFY2(got.at(3).text.contains(QLatin1String("5")), qPrintable(got.at(3).text));
        QCOMPARE(got.at(4).text, QStringLiteral("2024-05-06 09:41:07"));
        QCOMPARE(got.at(5).kind, PrintElement::Kind::Qr);
        QCOMPARE(got.at(5).text, f.qr);
        QCOMPARE(got.at(7).text, f.lines.first());
        QCOMPARE(got.last().kind, PrintElement::Kind::Cut);
    }

    void badTemplatesAreRejected_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown directive") << "{number}\n[centre blink] {hall}" << "line 2: unknown directive \"blink\"";
        QTest::newRow("text size x9") << "[x9] {number}" << "line 1: text size x9 is not possible";
        QTest::newRow("missing ]") << "[centre {number}" << "line 1: \"[\" without \"]\"";
        QTest::newRow("missing }") << "# c\n[centre] {number" << "line 2: \"{\" without \"}\"";
        QTest::newRow("stray }") << "A}B" << "line 1: \"}\" without \"{\"";
        QTest::newRow("unknown field") << "[centre] {numbr}" << "line 1: unknown field {numbr} (known: hall, number";
        QTest::newRow("unknown if= field") << "[if=queue] x" << "line 1: unknown field \"queue\" in if=";
        QTest::newRow("QR size 20") << "[qr size=20] {qr}" << "line 1: QR size \"20\" is not a number from 1 to 16";
        QTest::newRow("QR level X") << "[qr level=x] {qr}" << "line 1: QR error level \"X\"";
        QTest::newRow("QR without data") << "[qr]" << "line 1: [qr] needs the QR data";
        QTest::newRow("QR with text size") << "[qr x2] {qr}" << "line 1: a QR code takes size=1–16";
        QTest::newRow("size= on text") << "[size=4] {hall}" << "line 1: size= and level= are for QR codes";
        QTest::newRow("text after cut") << "{number}\n[cut] bye" << "line 2: [cut] takes no text";
        QTest::newRow("feed not a number") << "[feed lots]" << "line 1: unknown directive \"lots\"";
        QTest::newRow("feed 300") << "[feed=300]" << "line 1: feed \"300\" is not a number of lines";
        QTest::newRow("qr and cut together") << "[qr cut] {qr}" << "line 1: qr, lines, feed and cut each need a line";
        QTest::newRow("only comments") << "# nothing\n" << "prints nothing";
    }

    void badTemplatesAreRejected()
    {
        QFETCH(QString, source);
        QFETCH(QString, message);
        devices::TicketTemplate tpl;
        QString error;
        QVERIFY(!tpl.parse(source, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(tpl.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEscPos)
#include "tst_escpos.moc"
