#include "transport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QSerialPort>
#include <QTcpSocket>
#include <QTimer>
#include <QUdpSocket>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#endif

namespace hall::devices {

namespace {

class SerialTransport final : public Transport
{
public:
    SerialTransport(const QString &port, const QVariantMap &options, int baud)
        : Transport(Kind::Serial, port)
    {
        m_baud = baud;
        m_dataBits = options.value(QStringLiteral("dataBits"), 8).toInt();
        m_parity = options.value(QStringLiteral("parity"), QStringLiteral("none")).toString();
        m_stopBits = options.value(QStringLiteral("stopBits"), 1).toInt();
        connect(&m_serial, &QSerialPort::errorOccurred, this, [this](QSerialPort::SerialPortError e) {
            // An unplugged USB adapter (or a closed pty) shows itself as a resource or read error.
            if (e == QSerialPort::ResourceError || e == QSerialPort::PermissionError || e == QSerialPort::ReadError
                || e == QSerialPort::WriteError)
                drop(m_serial.errorString());
        });
        // A serial port that is not being read shows no error when it goes away; its device
        // node (or the pty link) disappearing does. Unix only: COM ports are no files, and a
        // short name like ttyUSB0 is watched by its full path.
        m_watch.setInterval(250);
        connect(&m_watch, &QTimer::timeout, this, [this] {
            if (m_serial.isOpen() && !m_node.isEmpty() && !QFileInfo::exists(m_node))
                drop(Transport::tr("%1 is gone (unplugged?)").arg(m_port));
        });
    }

    bool open(QString *error) override
    {
        m_serial.setPortName(m_port);
        if (!m_serial.open(QIODevice::ReadWrite)) {
            *error = Transport::tr("Cannot open %1: %2").arg(m_port, m_serial.errorString());
            m_serial.clearError();
            return false;
        }
        const bool ok = m_serial.setBaudRate(m_baud)
            && m_serial.setDataBits(static_cast<QSerialPort::DataBits>(m_dataBits))
            && m_serial.setParity(m_parity == QLatin1String("even") ? QSerialPort::EvenParity
                                  : m_parity == QLatin1String("odd") ? QSerialPort::OddParity : QSerialPort::NoParity)
            && m_serial.setStopBits(m_stopBits == 2 ? QSerialPort::TwoStop : QSerialPort::OneStop)
            && m_serial.setFlowControl(QSerialPort::NoFlowControl);
        if (!ok) {
            *error = Transport::tr("Cannot configure %1: %2").arg(m_port, m_serial.errorString());
            m_serial.close();
            return false;
        }
        m_serial.clear();
#ifdef Q_OS_UNIX
        m_node = m_port.startsWith(u'/') ? m_port : QStringLiteral("/dev/") + m_port;
        m_watch.start();
#endif
        return true;
    }
    void close() override
    {
        m_watch.stop();
        if (m_serial.isOpen())
            m_serial.close();
    }
    QIODevice *io() override { return &m_serial; }
    bool setBaudRate(int baud) override
    {
        if (!m_serial.setBaudRate(baud))
            return false;
        m_baud = baud;
        return true;
    }

private:
    void drop(const QString &reason)
    {
        if (!m_serial.isOpen())
            return;
        m_watch.stop();
        m_serial.close();
        Q_EMIT lost(reason);
    }

    QSerialPort m_serial;
    QTimer m_watch;
    QString m_node; // the device node watched for unplugging (Unix)
    int m_dataBits = 8;
    QString m_parity;
    int m_stopBits = 1;
};

class TcpTransport final : public Transport
{
public:
    TcpTransport(const QString &port, QString host, quint16 tcpPort)
        : Transport(Kind::Tcp, port), m_host(std::move(host)), m_tcpPort(tcpPort)
    {
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { Q_EMIT lost(Transport::tr("%1 closed the connection").arg(m_port)); });
    }
    bool open(QString *error) override
    {
        m_socket.connectToHost(m_host, m_tcpPort);
        // Short: the reconnect loop retries every half second, and a device must be back
        // within 2 s of its network returning.
        if (!m_socket.waitForConnected(1000)) {
            *error = Transport::tr("Cannot connect to %1: %2").arg(m_port, m_socket.errorString());
            m_socket.abort();
            return false;
        }
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_socket.setSocketOption(QAbstractSocket::KeepAliveOption, 1); // notice a pulled cable
        return true;
    }
    void close() override { m_socket.abort(); }
    QIODevice *io() override { return &m_socket; }

private:
    QTcpSocket m_socket;
    QString m_host;
    quint16 m_tcpPort;
};

class UdpTransport final : public Transport
{
public:
    UdpTransport(const QString &port, QString host, quint16 udpPort)
        : Transport(Kind::Udp, port), m_host(std::move(host)), m_udpPort(udpPort) {}
    bool open(QString *error) override
    {
        m_socket.connectToHost(m_host, m_udpPort);
        if (!m_socket.waitForConnected(1000)) {
            *error = Transport::tr("Cannot reach %1: %2").arg(m_port, m_socket.errorString());
            return false;
        }
        return true;
    }
    void close() override { m_socket.abort(); }
    QIODevice *io() override { return &m_socket; }

private:
    QUdpSocket m_socket;
    QString m_host;
    quint16 m_udpPort;
};

#ifdef Q_OS_UNIX
// A device node (USB printer class /dev/usb/lp0, a pty, a FIFO) as a sequential QIODevice
// with real blocking waits: QFile cannot wait for a device that talks back.
class NodeDevice final : public QIODevice
{
public:
    bool openNode(const QString &path, QString *error)
    {
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (m_fd < 0) {
            *error = QString::fromLocal8Bit(std::strerror(errno));
            return false;
        }
        m_failure.clear();
        return QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
    }
    void close() override
    {
        QIODevice::close();
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    bool isSequential() const override { return true; }
    // Why the node failed (read/write error, hang-up); empty while it works.
    QString failure() const { return m_failure; }
    std::function<void()> onFailure; // called from waits, never from inside QIODevice::read

    bool waitForReadyRead(int msecs) override
    {
        if (m_fd < 0)
            return false;
        if (!m_failure.isEmpty()) {
            onFailure();
            return false;
        }
        pollfd p{m_fd, POLLIN, 0};
        int r;
        do {
            r = ::poll(&p, 1, msecs);
        } while (r < 0 && errno == EINTR);
        if (r > 0 && (p.revents & POLLIN))
            return true;
        if (r > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
            m_failure = QCoreApplication::translate("hall::devices::Transport", "the device hung up");
            onFailure();
        }
        return false;
    }
    bool waitForBytesWritten(int) override { return false; } // writeData writes through

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const ssize_t n = ::read(m_fd, data, size_t(maxSize));
        if (n >= 0)
            return n;
        if (errno == EAGAIN || errno == EINTR)
            return 0;
        m_failure = QString::fromLocal8Bit(std::strerror(errno)); // EIO/ENODEV: unplugged
        return 0;
    }
    qint64 writeData(const char *data, qint64 size) override
    {
        // A printer node takes data as fast as its buffer drains: wait for it, within reason.
        QDeadlineTimer deadline(5000);
        qint64 done = 0;
        while (done < size) {
            const ssize_t n = ::write(m_fd, data + done, size_t(size - done));
            if (n > 0) {
                done += n;
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR) {
                m_failure = QString::fromLocal8Bit(std::strerror(errno));
                return -1;
            }
            if (deadline.hasExpired())
                break;
            pollfd p{m_fd, POLLOUT, 0};
            ::poll(&p, 1, int(std::max<qint64>(1, deadline.remainingTime())));
        }
        return done;
    }

private:
    int m_fd = -1;
    QString m_failure;
};

class FileTransport final : public Transport
{
public:
    explicit FileTransport(const QString &path) : Transport(Kind::File, path)
    {
        m_node.onFailure = [this] { drop(Transport::tr("%1 failed: %2").arg(m_port, m_node.failure())); };
        // Like a serial port: an unplugged USB printer's node disappears.
        m_watch.setInterval(250);
        connect(&m_watch, &QTimer::timeout, this, [this] {
            if (!m_node.isOpen())
                return;
            if (!QFileInfo::exists(m_port))
                drop(Transport::tr("%1 is gone (unplugged?)").arg(m_port));
            else if (!m_node.failure().isEmpty())
                drop(Transport::tr("%1 failed: %2").arg(m_port, m_node.failure()));
        });
    }
    bool open(QString *error) override
    {
        QString reason;
        if (!m_node.openNode(m_port, &reason)) {
            *error = Transport::tr("Cannot open %1: %2").arg(m_port, reason);
            return false;
        }
        m_watch.start();
        return true;
    }
    void close() override
    {
        m_watch.stop();
        m_node.close();
    }
    QIODevice *io() override { return &m_node; }

private:
    // Closes at once (so a waiting read returns) but reports later: whoever owns this transport
    // may delete it on `lost`, and we may be deep inside one of its calls.
    void drop(const QString &reason)
    {
        if (!m_node.isOpen())
            return;
        m_watch.stop();
        m_node.close();
        QMetaObject::invokeMethod(this, [this, reason] { Q_EMIT lost(reason); }, Qt::QueuedConnection);
    }

    NodeDevice m_node;
    QTimer m_watch;
};
#endif

} // namespace

Transport::~Transport() = default;

bool Transport::setBaudRate(int)
{
    return false;
}

std::unique_ptr<Transport> Transport::create(const QString &port, const QVariantMap &options, int defaultBaud, QString *error)
{
    if (port.startsWith(QLatin1String("tcp://")) || port.startsWith(QLatin1String("udp://"))) {
        const QUrl url(port);
        if (url.host().isEmpty() || url.port() <= 0) {
            *error = Transport::tr("%1: give host and port, like tcp://192.168.1.50:9100").arg(port);
            return nullptr;
        }
        if (url.scheme() == QLatin1String("tcp"))
            return std::make_unique<TcpTransport>(port, url.host(), quint16(url.port()));
        return std::make_unique<UdpTransport>(port, url.host(), quint16(url.port()));
    }
    if (port.startsWith(QLatin1String("file:"))) {
        const QString node = port.mid(5);
        if (node.isEmpty()) {
            *error = Transport::tr("%1: give the device node, like file:/dev/usb/lp0").arg(port);
            return nullptr;
        }
#ifdef Q_OS_UNIX
        return std::make_unique<FileTransport>(node);
#else
        *error = Transport::tr("%1: device nodes are only supported on Linux and other Unix systems").arg(port);
        return nullptr;
#endif
    }
    QString path = port.startsWith(QLatin1String("serial:")) ? port.mid(7) : port;
    if (path.isEmpty()) {
        *error = Transport::tr("No port is configured.");
        return nullptr;
    }
    bool ok = true;
    const int baud = options.contains(QStringLiteral("baud")) ? options.value(QStringLiteral("baud")).toInt(&ok) : defaultBaud;
    if (!ok || baud <= 0) {
        *error = Transport::tr("baud: %1 is not a baud rate").arg(options.value(QStringLiteral("baud")).toString());
        return nullptr;
    }
    return std::make_unique<SerialTransport>(path, options, baud);
}

QByteArray Transport::readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs, bool *timedOut)
{
    QByteArray buffer;
    QDeadlineTimer deadline(timeoutMs);
    QIODevice *d = io();
    *timedOut = false;
    for (;;) {
        buffer += d->readAll();
        if (done(buffer))
            return buffer;
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || !d->isOpen()) {
            *timedOut = left <= 0;
            return buffer;
        }
        // A device that cannot wait (a socket that is no longer connected) returns at once:
        // stop instead of spinning until the deadline.
        if (!d->waitForReadyRead(int(left)) && d->bytesAvailable() == 0
            && (m_kind == Kind::Tcp && static_cast<QAbstractSocket *>(d)->state() != QAbstractSocket::ConnectedState)) {
            *timedOut = false;
            return buffer + d->readAll();
        }
    }
}

bool Transport::writeAll(const QByteArray &data, int timeoutMs)
{
    QIODevice *d = io();
    if (d->write(data) != data.size())
        return false;
    QDeadlineTimer deadline(timeoutMs);
    while (d->bytesToWrite() > 0) {
        if (deadline.hasExpired() || !d->waitForBytesWritten(int(deadline.remainingTime())))
            return d->bytesToWrite() == 0;
    }
    return true;
}

} // namespace hall::devices
