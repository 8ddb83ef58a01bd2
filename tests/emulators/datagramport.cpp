#include "datagramport.h"

#include <QNetworkDatagram>
#include <QTimer>

namespace hall::emulators {

DatagramPort::DatagramPort(std::function<void(const QByteArray &)> received, QObject *parent)
    : QObject(parent), m_received(std::move(received))
{
}

DatagramPort::~DatagramPort() = default;

bool DatagramPort::plug()
{
    if (m_socket)
        return true;
    m_socket = std::make_unique<QUdpSocket>();
    if (!m_socket->bind(QHostAddress::LocalHost, m_port, QUdpSocket::ReuseAddressHint)) {
        m_socket.reset();
        return false;
    }
    m_port = m_socket->localPort();
    connect(m_socket.get(), &QUdpSocket::readyRead, this, &DatagramPort::readDatagrams);
    return true;
}

void DatagramPort::unplug()
{
    m_socket.reset();
}

void DatagramPort::readDatagrams()
{
    while (m_socket && m_socket->hasPendingDatagrams()) {
        const QNetworkDatagram d = m_socket->receiveDatagram();
        m_peer = d.senderAddress();
        m_peerPort = quint16(d.senderPort());
        m_received(d.data());
    }
}

void DatagramPort::reply(const QByteArray &bytes, int delayMs)
{
    QTimer::singleShot(delayMs, this, [this, bytes, peer = m_peer, peerPort = m_peerPort] {
        if (m_socket)
            m_socket->writeDatagram(bytes, peer, peerPort);
    });
}

} // namespace hall::emulators
