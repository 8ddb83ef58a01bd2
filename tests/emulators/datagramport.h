#pragma once

// A network device's UDP port on 127.0.0.1: one request a datagram, the answer sent back to
// whoever asked last. Unplugged, the socket closes; plugged again, it binds the same port.

#include <QHostAddress>
#include <QObject>
#include <QUdpSocket>

#include <functional>
#include <memory>

namespace hall::emulators {

class DatagramPort : public QObject
{
    Q_OBJECT
public:
    explicit DatagramPort(std::function<void(const QByteArray &)> received, QObject *parent = nullptr);
    ~DatagramPort() override;

    bool plug();
    void unplug();
    quint16 port() const { return m_port; }
    // To the sender of the latest datagram, after `delayMs` (dropped if unplugged meanwhile).
    void reply(const QByteArray &bytes, int delayMs);

private:
    void readDatagrams();

    std::function<void(const QByteArray &)> m_received;
    std::unique_ptr<QUdpSocket> m_socket;
    quint16 m_port = 0;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
};

} // namespace hall::emulators
