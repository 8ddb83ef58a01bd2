#pragma once

#include <devices/devices_export.h>

#include <QCoreApplication>
#include <QIODevice>
#include <QObject>
#include <QVariantMap>

#include <memory>

namespace hall::devices {

// The link to a device: a serial port (also a USB reader exposing a serial interface), a TCP
// connection (printers on port 9100), a UDP peer (LED control cards) or a device node opened
// as a plain file (USB printer class: /dev/usb/lp0). Drivers speak their protocol through io();
// blocking waits are fine because every device has its own thread.
//
// Port strings: "/dev/ttyUSB0" or "serial:/dev/ttyUSB0" or "serial:COM3", "tcp://host:9100",
// "udp://host:5005", "file:/dev/usb/lp0". Options: baud (default from the driver), dataBits,
// parity (none, even, odd), stopBits; a file: node takes none of them.
class HALL_DEVICES_EXPORT Transport : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Serial, Tcp, Udp, File };

    static std::unique_ptr<Transport> create(const QString &port, const QVariantMap &options, int defaultBaud,
                                             QString *error);
    ~Transport() override;

    virtual bool open(QString *error) = 0;
    virtual void close() = 0;
    virtual QIODevice *io() = 0;
    virtual bool setBaudRate(int baud);
    Kind kind() const { return m_kind; }
    QString port() const { return m_port; }
    int baudRate() const { return m_baud; }
    // Time `bytes` take on the wire of a serial link (10 bits a byte); 0 on network links.
    int wireMs(qsizetype bytes) const
    {
        return m_kind == Kind::Serial && m_baud > 0 ? int(qint64(bytes) * 10 * 1000 / m_baud) : 0;
    }

    // Reads until `done(buffer)` says a whole message is there, or until the timeout.
    // Returns what arrived; `timedOut` tells whether it stopped for the timeout.
    QByteArray readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs, bool *timedOut);
    bool writeAll(const QByteArray &data, int timeoutMs);

Q_SIGNALS:
    void lost(const QString &reason); // unplugged, connection closed

protected:
    Transport(Kind kind, QString port, QObject *parent = nullptr) : QObject(parent), m_kind(kind), m_port(std::move(port)) {}
    Kind m_kind;
    QString m_port;
    int m_baud = 0;
};

} // namespace hall::devices
