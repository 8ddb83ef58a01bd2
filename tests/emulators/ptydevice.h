#pragma once

// A device at the far end of a real pseudo-terminal: the driver under test opens the slave
// side with QSerialPort exactly as it opens /dev/ttyUSB0. The slave is reached through a
// stable symlink, so "unplug" (close the pty) and "plug" (a new pty behind the same name)
// behave like a USB adapter pulled out and put back. Output is paced at the configured baud
// rate, because a pty itself delivers instantly.

#include <QByteArray>
#include <QObject>
#include <QQueue>
#include <QSocketNotifier>
#include <QString>
#include <QTimer>

#include <memory>

namespace hall::emulators {

class PtyDevice : public QObject
{
    Q_OBJECT
public:
    PtyDevice(QString linkPath, int baud, QObject *parent = nullptr);
    ~PtyDevice() override;

    bool plug();
    void unplug();
    bool isPlugged() const { return m_master >= 0; }
    QString path() const { return m_link; }
    int baud() const { return m_baud; }
    void setBaud(int baud) { m_baud = baud; }

    // Queues bytes for the wire: they start after `delayMs` and flow at the baud rate.
    void send(const QByteArray &bytes, int delayMs = 0);
    qint64 bytesSent() const { return m_sent; }
    qint64 bytesReceived() const { return m_received; }

Q_SIGNALS:
    void received(const QByteArray &bytes);

protected:
    virtual void onReceived(const QByteArray &bytes) { Q_EMIT received(bytes); }

private:
    void readMaster();
    void pump();

    QString m_link;
    int m_baud;
    int m_master = -1;
    int m_slave = -1; // kept open so the master never reads EIO between driver sessions
    std::unique_ptr<QSocketNotifier> m_notifier;
    struct Chunk { QByteArray bytes; qint64 notBeforeMs; };
    QQueue<Chunk> m_out;
    QTimer m_pump;
    qint64 m_sent = 0;
    qint64 m_received = 0;
    double m_credit = 0; // bytes the wire may carry now
    qint64 m_lastPumpNs = 0;
};

} // namespace hall::emulators
