#pragma once

// Onbon BX-5E/BX-6E controllers behind a pty (RS-232/RS-485), a UDP socket or a TCP port on
// 127.0.0.1, built from Onbon's public dynamic-area manuals (docs/protocols/onbon-bx.md).
// Several screen numbers answer on one link; each keeps its dynamic areas (geometry and the
// decoded pixels of every page) in RAM, checked against its model, screen size and area count.
// Tests script them: refuse with an error code, stay silent, answer garbage, damage a CRC,
// echo requests like a 2-wire RS-485 adapter, lose power (areas gone), unplug and plug back.

#include "datagramport.h"
#include "ptydevice.h"
#include "scriptedfaults.h"

#include <onbonprotocol.h>

#include <QHash>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

#include <optional>

namespace hall::emulators {

class OnbonCards : public ScriptedFaults
{
public:
    struct Area
    {
        drivers::onbon::DynamicArea area;
        QList<drivers::onbon::Pixels> pages; // decoded
    };

    virtual ~OnbonCards() = default;

    drivers::onbon::Model model = *drivers::onbon::modelFromName(QStringLiteral("6E2"));
    QList<int> screens{1, 2, 3}; // screen numbers on the link
    int screenWidth = 128, screenHeight = 32;
    bool dual = true;
    int thinkMs = 3;
    bool echo = false;

    std::optional<Area> area(int screen, int id = 0) const;
    // What an area shows first (page 0), or nothing.
    std::optional<drivers::onbon::Pixels> shown(int screen, int id = 0) const;
    int updates() const { return m_updates; }
    QList<drivers::onbon::Packet> requests; // every well-formed frame, to any screen

    void powerCycle() { m_areas.clear(); }

protected:
    virtual void transmit(const QByteArray &bytes, int delayMs) = 0;
    void handlePacket(const drivers::onbon::Packet &packet, const QByteArray &raw);
    // Takes the frames of a byte stream (serial, TCP) from `buffer`.
    void takeStream(QByteArray &buffer);

private:
    static quint32 key(int screen, int id) { return quint32(screen) << 8 | quint32(id); }
    void reply(const drivers::onbon::Packet &request, quint16 error);
    quint16 update(int screen, const QByteArray &payload);

    QHash<quint32, Area> m_areas;
    int m_updates = 0;
};

// Serial controllers, reached through a pty at 57600 baud by default.
class OnbonSerialEmulator : public PtyDevice, public OnbonCards
{
    Q_OBJECT
public:
    OnbonSerialEmulator(QString linkPath, int baud = 57600, QObject *parent = nullptr);
    void unplug(); // the controllers lose power with the adapter in this bench

protected:
    void onReceived(const QByteArray &bytes) override;
    void transmit(const QByteArray &bytes, int delayMs) override { send(bytes, delayMs); }

private:
    QByteArray m_in;
};

// A network controller on 127.0.0.1: UDP (one frame a datagram) or TCP (a stream).
class OnbonNetEmulator : public QObject, public OnbonCards
{
    Q_OBJECT
public:
    enum class Kind { Udp, Tcp };
    explicit OnbonNetEmulator(Kind kind, QObject *parent = nullptr);
    ~OnbonNetEmulator() override;

    bool plug();   // listens on the same port again after an unplug
    void unplug(); // sockets closed and power lost
    quint16 port() const { return m_port; }
    QString url() const;

protected:
    void transmit(const QByteArray &bytes, int delayMs) override;

private:
    void received(const QByteArray &datagram);
    void accept();

    Kind m_kind;
    DatagramPort m_udp;
    std::unique_ptr<QTcpServer> m_server;
    QTcpSocket *m_client = nullptr;
    QByteArray m_in;
    quint16 m_port = 0;
};

} // namespace hall::emulators
