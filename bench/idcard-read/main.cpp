// A full ID card read (find, select, read text+photo) through the idcard-sam plugin on its
// device thread, against the SAM emulator on a pty at 115200 baud with the reader's own
// thinking time set to zero, compared with the wire time of the bytes the read moves.
// Target (issue #3): read time ≤ 1.2 × wire time.

#include <samemulator.h>

#include <devices/devicemanager.h>
#include <devices/idcard.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <algorithm>
#include <numeric>

using namespace hall;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int reads = argc > 1 ? QByteArray(argv[1]).toInt() : 50;
    const int baud = argc > 2 ? QByteArray(argv[2]).toInt() : 115200;
    QTemporaryDir dir;
    emulators::SamEmulator emu(dir.filePath(QStringLiteral("ttySAM")), baud);
    emu.thinkFindMs = emu.thinkSelectMs = emu.thinkReadMs = 0;
    if (!emu.plug())
        return 1;
    devices::PluginLoader loader;
    devices::DeviceManager manager(&loader);
    QString error;
    if (!manager.add({QStringLiteral("idcard"), QStringLiteral("idcard-sam"), emu.path(), {{QStringLiteral("baud"), baud}}}, &error)) {
        QTextStream(stderr) << error << Qt::endl;
        return 1;
    }
    auto *reader = manager.device<devices::IdCardReader>(QStringLiteral("idcard"));
    if (!QTest::qWaitFor([&] { return reader->state() == devices::Device::State::Ready; }, 3000))
        return 1;
    QSignalSpy got(reader, &devices::IdCardReader::cardRead);
    QList<double> times;
    for (int i = 0; i < reads; ++i) {
        emu.placeCard(emulators::sampleResidentCard());
        const qint64 before = emu.bytesSent() + emu.bytesReceived();
        QElapsedTimer t;
        t.start();
        // A real event loop, not QTest::qWaitFor (which sleeps 10 ms between turns): the
        // emulator shares this thread and must answer as promptly as a reader would.
        QEventLoop loop;
        QObject::connect(reader, &devices::IdCardReader::cardRead, &loop, &QEventLoop::quit);
        QObject::connect(reader, &devices::Device::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        QMetaObject::invokeMethod(reader, [reader] { reader->readCard(false); }, Qt::QueuedConnection);
        loop.exec();
        if (got.size() != i + 1) {
            QTextStream(stderr) << "read " << i << " failed: " << reader->errorString() << Qt::endl;
            return 1;
        }
        times.append(t.nsecsElapsed() / 1e6);
        if (i == 0) {
            const qint64 bytes = emu.bytesSent() + emu.bytesReceived() - before;
            QTextStream(stdout) << "bytes moved per read: " << bytes << Qt::endl;
        }
    }
    std::sort(times.begin(), times.end());
    const double wireMs = (30 + 15 + 19 + 1295) * 10.0 * 1000 / baud;
    const double median = times.at(times.size() / 2);
    const double mean = std::accumulate(times.cbegin(), times.cend(), 0.0) / times.size();
    QTextStream(stdout) << QStringLiteral("%1 reads at %2 baud: median %3 ms, mean %4 ms, max %5 ms; wire time %6 ms; "
                                          "ratio median/wire %7, mean/wire %8")
                               .arg(reads).arg(baud).arg(median, 0, 'f', 1).arg(mean, 0, 'f', 1).arg(times.last(), 0, 'f', 1)
                               .arg(wireMs, 0, 'f', 1).arg(median / wireMs, 0, 'f', 3).arg(mean / wireMs, 0, 'f', 3)
                        << Qt::endl;
    return 0;
}
