#include "ptydevice.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace hall::emulators {

namespace {
QElapsedTimer &clock()
{
    static QElapsedTimer t = [] { QElapsedTimer e; e.start(); return e; }();
    return t;
}
} // namespace

PtyDevice::PtyDevice(QString linkPath, int baud, QObject *parent)
    : QObject(parent), m_link(std::move(linkPath)), m_baud(baud)
{
    m_pump.setTimerType(Qt::PreciseTimer);
    m_pump.setInterval(2);
    connect(&m_pump, &QTimer::timeout, this, &PtyDevice::pump);
}

PtyDevice::~PtyDevice()
{
    unplug();
}

bool PtyDevice::plug()
{
    if (m_master >= 0)
        return true;
    char name[128] = {};
    if (openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0)
        return false;
    termios t{};
    tcgetattr(m_slave, &t);
    cfmakeraw(&t);
    tcsetattr(m_slave, TCSANOW, &t);
    fcntl(m_master, F_SETFL, fcntl(m_master, F_GETFL) | O_NONBLOCK);
    QFile::remove(m_link);
    if (!QFile::link(QString::fromLocal8Bit(name), m_link)) {
        unplug();
        return false;
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_master, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &PtyDevice::readMaster);
    m_lastPumpNs = clock().nsecsElapsed();
    return true;
}

void PtyDevice::unplug()
{
    m_notifier.reset();
    m_pump.stop();
    m_out.clear();
    if (m_master >= 0)
        ::close(m_master);
    if (m_slave >= 0)
        ::close(m_slave);
    m_master = m_slave = -1;
    QFile::remove(m_link);
}

void PtyDevice::readMaster()
{
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(m_master, buf, sizeof buf);
        if (n <= 0)
            break;
        m_received += n;
        onReceived(QByteArray(buf, int(n)));
    }
}

void PtyDevice::send(const QByteArray &bytes, int delayMs)
{
    if (m_master < 0 || bytes.isEmpty())
        return;
    m_out.enqueue({bytes, clock().elapsed() + delayMs});
    if (!m_pump.isActive()) {
        m_lastPumpNs = clock().nsecsElapsed();
        m_credit = 0;
        m_pump.start();
    }
    pump();
}

// Releases as many bytes as the wire could have carried since the last pump: 10 bits a byte
// (start, 8 data, stop).
void PtyDevice::pump()
{
    const qint64 now = clock().nsecsElapsed();
    m_credit = std::min(m_credit + (now - m_lastPumpNs) / 1e9 * m_baud / 10.0, double(m_baud) / 10.0);
    m_lastPumpNs = now;
    while (!m_out.isEmpty() && m_master >= 0) {
        Chunk &c = m_out.head();
        if (c.notBeforeMs > clock().elapsed()) {
            m_credit = 0; // the device is still thinking: the wire is idle
            return;
        }
        const qsizetype n = std::min<qsizetype>(c.bytes.size(), qsizetype(m_credit));
        if (n <= 0)
            return;
        const ssize_t w = ::write(m_master, c.bytes.constData(), size_t(n));
        if (w <= 0)
            return;
        m_sent += w;
        m_credit -= double(w);
        c.bytes.remove(0, w);
        if (c.bytes.isEmpty())
            m_out.dequeue();
    }
    if (m_out.isEmpty())
        m_pump.stop();
}

} // namespace hall::emulators
