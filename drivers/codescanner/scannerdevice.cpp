#include "scannerdevice.h"

#include <core/logging.h>

namespace hall::drivers::codescanner {

ScannerDevice::ScannerDevice(devices::DeviceConfig config, QObject *parent)
    : CodeScanner(std::move(config), parent), m_evdev(this), m_idle(this)
{
    connect(&m_evdev, &devices::EvdevReader::bytesRead, this, [this](const QByteArray &events) { consume(m_keys.feed(events)); });
    connect(&m_evdev, &devices::EvdevReader::lost, this, &ScannerDevice::hidLost);
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
    using Problem = devices::EvdevReader::Problem;
    if (!m_evdev.open(m_options.device, m_options.grab)) {
        switch (m_evdev.problem()) {
        case Problem::PermissionDenied:
            setError(Error::PermissionDenied,
                     tr("%1: permission denied. Add the kiosk user to the \"input\" group or install a udev rule "
                        "for the scanner.").arg(m_options.device));
            break;
        case Problem::HeldByAnother:
            // Someone else holds the scanner exclusively: we would never see a key.
            setError(Error::PermissionDenied,
                     tr("%1 is held exclusively by another program; close it (another kiosk shell?).").arg(m_options.device));
            break;
        case Problem::NotSupported:
            setError(Error::Configuration,
                     tr("Keyboard-wedge scanners are read through Linux evdev; on this system set the scanner to its serial "
                        "(USB COM) mode and use mode \"serial\"."));
            break;
        default:
            setError(Error::NotFound, tr("Cannot open %1: %2").arg(m_options.device, m_evdev.systemError()));
            break;
        }
        return false;
    }
    if (m_evdev.grab() == devices::EvdevReader::Grab::NotEvdev && !m_warnedGrab) {
        // Not an evdev node (a FIFO or pty fed with recorded events): nothing to grab.
        m_warnedGrab = true;
        qCWarning(lcDriverCodeScanner, "%s is not an evdev node (EVIOCGRAB: %s); reading it without grabbing",
                  qPrintable(m_options.device), qPrintable(m_evdev.systemError()));
    }
    return true;
}

void ScannerDevice::hidLost(devices::EvdevReader::Problem problem)
{
    using Problem = devices::EvdevReader::Problem;
    const QString reason = problem == Problem::Gone     ? tr("%1 is gone (scanner unplugged?)").arg(m_options.device)
                           : problem == Problem::Closed ? tr("%1 was closed (scanner unplugged?)").arg(m_options.device)
                                                        : tr("Cannot read %1: %2").arg(m_options.device, m_evdev.systemError());
    connectionLost(reason);
}

void ScannerDevice::closeDevice()
{
    m_idle.stop();
    if (m_link) {
        m_link->disconnect(this);
        m_link->io()->disconnect(this);
        m_link->close();
        // We may be inside the transport's own signal: delete it once that returns.
        m_link.release()->deleteLater();
    }
    m_evdev.close(); // may be inside its own signal: it defers what it must
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
