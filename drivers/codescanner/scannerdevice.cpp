#include "scannerdevice.h"

#include <core/logging.h>

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(sizeof(input_event) == hall::drivers::codescanner::EvdevEventSize,
              "KeyDecoder reads the 64-bit input_event layout (x86_64, arm64)");
#endif

namespace hall::drivers::codescanner {

ScannerDevice::ScannerDevice(devices::DeviceConfig config, QObject *parent)
    : CodeScanner(std::move(config), parent), m_watch(this), m_idle(this)
{
    m_watch.setInterval(250);
    connect(&m_watch, &QTimer::timeout, this, [this] {
        if (m_fd >= 0 && !QFileInfo::exists(m_options.device))
            connectionLost(tr("%1 is gone (scanner unplugged?)").arg(m_options.device));
    });
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &ScannerDevice::idle);
}

ScannerDevice::~ScannerDevice()
{
    closeDevice();
}

bool ScannerDevice::openDevice()
{
    QString error;
    if (!parseOptions(config().options, config().port, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    m_splitter = LineSplitter(m_options.terminator, m_options.maxLength);
    m_keys = KeyDecoder(m_options.altCodes);
    m_idle.setInterval(m_options.idleMs);
    return m_options.mode == Mode::Hid ? openHid() : openSerial();
}

bool ScannerDevice::openSerial()
{
    m_link = openLink(9600);
    if (!m_link)
        return false;
    QIODevice *io = m_link->io();
    connect(io, &QIODevice::readyRead, this, [this, io] { consume(io->readAll()); });
    if (io->bytesAvailable() > 0)
        consume(io->readAll());
    return true;
}

bool ScannerDevice::openHid()
{
#ifdef Q_OS_LINUX
    const QByteArray path = QFile::encodeName(m_options.device);
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
    struct stat st{};
    // A FIFO (tests, a bridge process) opened for reading alone reads EOF whenever no writer
    // is attached; holding a write end ourselves keeps it open across its writers.
    if (::stat(path.constData(), &st) == 0 && S_ISFIFO(st.st_mode))
        flags = (flags & ~O_RDONLY) | O_RDWR;
    m_fd = ::open(path.constData(), flags);
    if (m_fd < 0) {
        const int e = errno;
        if (e == EACCES || e == EPERM)
            setError(Error::PermissionDenied,
                     tr("%1: permission denied. Add the kiosk user to the \"input\" group or install a udev rule "
                        "for the scanner.").arg(m_options.device));
        else
            setError(Error::NotFound, tr("Cannot open %1: %2").arg(m_options.device, QString::fromLocal8Bit(strerror(e))));
        return false;
    }
    m_grabbed = false;
    if (m_options.grab) {
        if (::ioctl(m_fd, EVIOCGRAB, 1) == 0) {
            m_grabbed = true;
        } else if (errno == EBUSY) {
            // Someone else holds the scanner exclusively: we would never see a key.
            ::close(m_fd);
            m_fd = -1;
            setError(Error::PermissionDenied,
                     tr("%1 is held exclusively by another program; close it (another kiosk shell?).").arg(m_options.device));
            return false;
        } else if (!m_warnedGrab) {
            // Not an evdev node (a FIFO or pty fed with recorded events): nothing to grab.
            const int e = errno;
            m_warnedGrab = true;
            qCWarning(lcDriverCodeScanner, "%s is not an evdev node (EVIOCGRAB: %s); reading it without grabbing",
                      qPrintable(m_options.device), strerror(e));
        }
    }
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ScannerDevice::readHid);
    m_watch.start();
    return true;
#else
    setError(Error::Configuration,
             tr("Keyboard-wedge scanners are read through Linux evdev; on this system set the scanner to its serial "
                "(USB COM) mode and use mode \"serial\"."));
    return false;
#endif
}

void ScannerDevice::readHid()
{
#ifdef Q_OS_LINUX
    char buf[EvdevEventSize * 64];
    QByteArray events;
    for (;;) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n > 0) {
            events.append(buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // ENODEV from an unplugged evdev node, EIO or EOF from a closed pty.
        const QString reason = n == 0 ? tr("%1 was closed (scanner unplugged?)").arg(m_options.device)
                                      : tr("Cannot read %1: %2").arg(m_options.device, QString::fromLocal8Bit(strerror(errno)));
        if (!events.isEmpty())
            consume(m_keys.feed(events));
        connectionLost(reason);
        return;
    }
    if (!events.isEmpty())
        consume(m_keys.feed(events));
#endif
}

void ScannerDevice::closeDevice()
{
    m_idle.stop();
    m_watch.stop();
    if (m_link) {
        m_link->disconnect(this);
        m_link->io()->disconnect(this);
        m_link->close();
        // We may be inside the transport's own signal: delete it once that returns.
        m_link.release()->deleteLater();
    }
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier->deleteLater(); // may be inside its activated()
        m_notifier = nullptr;
    }
#ifdef Q_OS_LINUX
    if (m_fd >= 0) {
        if (m_grabbed)
            ::ioctl(m_fd, EVIOCGRAB, 0);
        ::close(m_fd);
    }
#endif
    m_fd = -1;
    m_grabbed = false;
    // Half a scan from before an unplug must not be glued to the first one after it.
    m_splitter.reset();
    m_keys.reset();
}

void ScannerDevice::consume(const QByteArray &bytes)
{
    for (const Line &line : m_splitter.feed(bytes)) {
        const LineResult r = decodeLine(line, m_options);
        if (r.kind == LineResult::Refused) {
            // Only the length: a scan may carry personal data (an ID number in a QR code).
            qCDebug(lcDriverCodeScanner) << "refused a scan of" << line.bytes.size() << "bytes" << (line.overlong ? "(overlong)" : "");
            setError(r.error, r.message);
        } else if (r.kind == LineResult::Code) {
            qCDebug(lcDriverCodeScanner) << "scan" << r.scan.aimId << r.scan.code.size() << "characters";
            Q_EMIT scanned(r.scan.code);
            Q_EMIT scannedWithSymbology(r.scan.code, r.scan.aimId);
        }
    }
    if (m_splitter.hasPending() && m_options.idleMs > 0)
        m_idle.start();
    else
        m_idle.stop();
}

void ScannerDevice::idle()
{
    const qsizetype pending = m_splitter.pendingSize();
    m_splitter.reset();
    if (pending > 0)
        setError(Error::Protocol,
                 tr("The scanner sent %1 bytes but no terminator within %2 ms; they were dropped. Check the scanner's "
                    "terminator (suffix) setting and options.terminator.").arg(pending).arg(m_options.idleMs));
}

} // namespace hall::drivers::codescanner
