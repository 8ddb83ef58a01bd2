#include "transport.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSerialPort>
#include <QTcpSocket>
#include <QTimer>
#include <QUdpSocket>
#include <QUrl>

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
        // node (or the pty link) disappearing does.
        m_watch.setInterval(250);
        connect(&m_watch, &QTimer::timeout, this, [this] {
            if (m_serial.isOpen() && !QFileInfo::exists(m_port))
                drop(tr("%1 is gone (unplugged?)").arg(m_port));
        });
    }

    bool open(QString *error) override
    {
        m_serial.setPortName(m_port);
        if (!m_serial.open(QIODevice::ReadWrite)) {
            *error = tr("Cannot open %1: %2").arg(m_port, m_serial.errorString());
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
            *error = tr("Cannot configure %1: %2").arg(m_port, m_serial.errorString());
            m_serial.close();
            return false;
        }
        m_serial.clear();
        m_watch.start();
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
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { Q_EMIT lost(tr("%1 closed the connection").arg(m_port)); });
    }
    bool open(QString *error) override
    {
        m_socket.connectToHost(m_host, m_tcpPort);
        if (!m_socket.waitForConnected(3000)) {
            *error = tr("Cannot connect to %1: %2").arg(m_port, m_socket.errorString());
            m_socket.abort();
            return false;
        }
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
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
            *error = tr("Cannot reach %1: %2").arg(m_port, m_socket.errorString());
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
            *error = tr("%1: give host and port, like tcp://192.168.1.50:9100").arg(port);
            return nullptr;
        }
        if (url.scheme() == QLatin1String("tcp"))
            return std::make_unique<TcpTransport>(port, url.host(), quint16(url.port()));
        return std::make_unique<UdpTransport>(port, url.host(), quint16(url.port()));
    }
    QString path = port.startsWith(QLatin1String("serial:")) ? port.mid(7) : port;
    if (path.isEmpty()) {
        *error = tr("No port is configured.");
        return nullptr;
    }
    bool ok = true;
    const int baud = options.contains(QStringLiteral("baud")) ? options.value(QStringLiteral("baud")).toInt(&ok) : defaultBaud;
    if (!ok || baud <= 0) {
        *error = tr("baud: %1 is not a baud rate").arg(options.value(QStringLiteral("baud")).toString());
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
        d->waitForReadyRead(int(left));
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
