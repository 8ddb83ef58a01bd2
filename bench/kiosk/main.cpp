// hall-kiosk's figure (docs/performance.md), against a hall-server binary on loopback:
//
//   bench-kiosk latency --url URL [--tickets N] [--baud B]
//       one process: the kiosk (KioskController + KioskScreen at 1080×1920 on the offscreen
//       platform, signed in as the load hall's kiosk account) and its ticket printer: the real
//       printer-escpos driver on its device thread, through a real QSerialPort to the pty
//       ESC/POS emulator on a thread of its own (B baud, default 115200). Per ticket a citizen
//       touches the start button, then a business (QTest mouse clicks on the buttons); measured
//       from the press on the business to the ticket's last byte (its cut) arriving at the
//       emulator, which takes in the bytes at the baud rate as a printer would. Also from the
//       press to the printer's first byte (the driver's status query: the server has
//       answered). Then 完成 and the next.

#include <kiosk/kioskconfig.h>
#include <kiosk/kioskcontroller.h>
#include <kiosk/kioskscreen.h>
#include <kiosk/kiosksettings.h>
#include <kiosk/ticketprinting.h>

#include <escposemulator.h>

#include <core/clock.h>
#include <devices/devicemanager.h>
#include <devices/pluginloader.h>
#include <devices/ticketprinter.h>
#include <net/hallclient.h>

#include "../benchclient.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

#include <cstdio>

using namespace hall;
using namespace hall::bench;
using Screen = kiosk::KioskController::Screen;

namespace {

// The emulator, noting when the first byte of a job reaches the pty and when its cut has
// arrived. It runs on a thread of its own, as a printer is a machine of its own: its timers
// (the bytes' arrival at the baud rate) do not wait for the kiosk's screen.
class Printer : public emulators::EscPosEmulator
{
public:
    Printer(const QString &path, int baud) : EscPosEmulator(path, baud)
    {
        connect(this, &EscPosEmulator::ticketCut, this, [this] { cutUs = nowUs(); }, Qt::DirectConnection);
    }
    std::atomic<qint64> firstByteUs = 0;
    std::atomic<qint64> cutUs = 0;

protected:
    void onReceived(const QByteArray &bytes) override
    {
        if (!firstByteUs)
            firstByteUs = nowUs();
        EscPosEmulator::onReceived(bytes);
    }
};

// The printer on its thread: made, plugged and deleted there.
class PrinterThread
{
public:
    PrinterThread(const QString &path, int baud)
    {
        m_thread.start();
        m_context.moveToThread(&m_thread);
        QMetaObject::invokeMethod(&m_context, [&] {
            m_printer = new Printer(path, baud);
            m_plugged = m_printer->plug();
        }, Qt::BlockingQueuedConnection);
    }
    ~PrinterThread()
    {
        QMetaObject::invokeMethod(&m_context, [this] { delete m_printer; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    bool isPlugged() const { return m_plugged; }
    Printer *operator->() const { return m_printer; }

private:
    QThread m_thread;
    QObject m_context;
    Printer *m_printer = nullptr;
    bool m_plugged = false;
};

bool waitFor(const std::function<bool()> &done, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
    return done();
}

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// The visible button of that name on the screen's current page.
QPushButton *visibleButton(kiosk::KioskScreen &screen, const QString &name)
{
    for (QPushButton *b : screen.findChildren<QPushButton *>(name)) {
        if (b->isVisible())
            return b;
    }
    return nullptr;
}

void report(const char *what, const QList<qint64> &v)
{
    std::printf("%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, percentile(v, 0.5), percentile(v, 0.9),
                percentile(v, 0.99), percentile(v, 1.0));
}

int latency(const QString &url, int tickets, int baud)
{
    auto staff = client(url, QStringLiteral("load-super"), QStringLiteral("load-pass-2026"));
    auto kioskClient = client(url, QStringLiteral("load-kiosk"), QStringLiteral("load-pass-2026"));
    if (!staff || !kioskClient)
        return 1;
    kioskClient->setHall(QStringLiteral("load"));
    // Windows 1–4 open: businesses B00–B04 are served, so the kiosk offers them.
    const QStringList businesses = {QStringLiteral("B00"), QStringLiteral("B01"), QStringLiteral("B02"), QStringLiteral("B03"),
                                    QStringLiteral("B04")};
    for (int w = 1; w <= 4; ++w) {
        const QString officer = QStringLiteral("load-officer%1").arg(w, 2, 10, QLatin1Char('0'));
        if (!wait<net::WindowStatus>([&](QObject *ctx, auto done) { staff->windowLogin(QString::number(w), officer, ctx, done); }))
            return 1;
    }

    QTemporaryDir dir;
    PrinterThread printer(dir.filePath(QStringLiteral("ttyPRN0")), baud);
    if (!printer.isPlugged())
        return 1;
    devices::PluginLoader loader;
    devices::DeviceManager devices(&loader);
    QString error;
    // The driver's defaults otherwise (status before and after, 200 ms settle).
    if (!devices.add({QStringLiteral("printer"), QStringLiteral("printer-escpos"), printer->path(), {{QStringLiteral("baud"), baud}}}, &error)) {
        std::fprintf(stderr, "bench-kiosk: %s\n", qPrintable(error));
        return 1;
    }
    auto *device = devices.device<devices::TicketPrinter>(QStringLiteral("printer"));
    if (!device || !waitFor([device] { return device->state() == devices::Device::State::Ready; }, 5000)) {
        std::fprintf(stderr, "bench-kiosk: the printer is not ready\n");
        return 1;
    }

    core::SystemClock clock;
    kiosk::KioskConfig config;
    kiosk::KioskSettings settings;
    kiosk::TicketPrinting printing(device);
    kiosk::KioskController controller(kioskClient.get(), &clock, config, &settings, &printing, nullptr, &devices);
    kiosk::KioskScreen screen(&controller);
    screen.resize(config.screenSize());
    screen.show();
    controller.start(QStringLiteral("load"));
    if (!waitFor([&] { return !controller.isOffline() && controller.businesses()->business(QStringLiteral("B04")).available; }, 10000)) {
        std::fprintf(stderr, "bench-kiosk: the kiosk does not offer the load hall's businesses\n");
        return 1;
    }

    QList<qint64> toCut, toFirstByte;
    int failed = 0;
    for (int i = 0; i < tickets; ++i) {
        const QString business = businesses.at(i % businesses.size());
        QPushButton *start = visibleButton(screen, QStringLiteral("takeTicket"));
        if (!start || !waitFor([&] { return start->isVisible(); }, 2000))
            return 1;
        QTest::mouseClick(start, Qt::LeftButton);
        if (!waitFor([&] { QPushButton *b = screen.businessButton(business); return b && b->isVisible(); }, 2000)) {
            std::fprintf(stderr, "bench-kiosk: no button for %s\n", qPrintable(business));
            return 1;
        }
        pause(50); // the page is painted, the citizen reads it
        printer->firstByteUs = 0;
        printer->cutUs = 0;
        const qint64 touched = nowUs();
        QTest::mouseClick(screen.businessButton(business), Qt::LeftButton);
        const bool printed = waitFor([&] { return printer->cutUs && controller.screen() != Screen::Printing; }, 10000)
                             && controller.screen() == Screen::Done;
        if (!printed) {
            std::fprintf(stderr, "bench-kiosk: ticket %d (%s) not printed: %s %s\n", i, qPrintable(business),
                         qPrintable(controller.messageTitle()), qPrintable(controller.messageText()));
            ++failed;
            controller.cancel();
            continue;
        }
        toCut.append(printer->cutUs - touched);
        toFirstByte.append(printer->firstByteUs - touched);
        QTest::mouseClick(visibleButton(screen, QStringLiteral("done")), Qt::LeftButton);
        pause(100);
    }
    std::printf("tickets %d, printed %lld, failed %d, %d baud, %lld bytes at the printer (%.0f a ticket)\n", tickets,
                qlonglong(toCut.size()), failed, baud, qlonglong(printer->bytesReceived()),
                toCut.isEmpty() ? 0.0 : double(printer->bytesReceived()) / toCut.size());
    report("touch -> ticket's last byte at the printer", toCut);
    report("touch -> printer's first byte (server answered)", toFirstByte);
    return failed == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("latency"));
    p.addOptions({{QStringLiteral("url"), QStringLiteral("hall-server"), QStringLiteral("url")},
                  {QStringLiteral("tickets"), QStringLiteral("tickets"), QStringLiteral("n"), QStringLiteral("300")},
                  {QStringLiteral("baud"), QStringLiteral("printer line"), QStringLiteral("baud"), QStringLiteral("115200")}});
    p.process(app);
    if (p.positionalArguments().value(0) == QLatin1String("latency"))
        return latency(p.value(QStringLiteral("url")), p.value(QStringLiteral("tickets")).toInt(), p.value(QStringLiteral("baud")).toInt());
    std::fprintf(stderr, "bench-kiosk: latency\n");
    return 2;
}
