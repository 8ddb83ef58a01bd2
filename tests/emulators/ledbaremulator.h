#pragma once

// LED control cards behind a pty (RS-485 window bars) or a UDP socket on 127.0.0.1 (network
// cards), speaking the ledbar frame protocol. Several card addresses answer on one link; each
// records what it shows (decoded text, colour, effect) and every RAM and flash write. Tests
// script them: refuse with an error code, stay silent, answer garbage, damage a checksum, echo
// requests like a 2-wire RS-485 adapter, lose power (RAM cleared), unplug and plug back.

#include "datagramport.h"
#include "ptydevice.h"
#include "scriptedfaults.h"

#include <ledbarprotocol.h>

#include <QHash>
#include <QList>

#include <optional>

namespace hall::emulators {

class LedCards : public ScriptedFaults
{
public:
    using Colour = drivers::ledbar::Colour;
    using Effect = drivers::ledbar::Effect;
    struct Shown
    {
        QString text;
        Colour colour = Colour::Red;
        Effect effect = Effect::Static;
    };
    struct Write
    {
        int address = 0;
        int area = 0;
        bool flash = false;
        Shown content;
    };

    virtual ~LedCards() = default;

    QList<int> addresses{1, 2, 3};  // the cards on the link
    int areas = 4;                  // display areas per card
    drivers::ledbar::ColourMode colourMode = drivers::ledbar::ColourMode::Dual;
    int thinkMs = 3;                // a card's time before it answers
    bool echo = false;              // send every request back first (2-wire RS-485 adapter)

    // What an area shows now (RAM, else the start-up text from flash); nullopt: nothing.
    std::optional<Shown> shown(int address, int area = 0) const;
    QString text(int address, int area = 0) const;
    QString flashText(int address, int area = 0) const { return m_flash.value(key(address, area)).text; }
    int ramWrites() const;
    int flashWrites() const;
    QList<Write> writes;                          // every text write taken, in order
    QList<drivers::ledbar::Frame> requests;       // every well-formed request, to any address

    // Power lost and back: RAM areas are empty, flash texts stay.
    void powerCycle() { m_ram.clear(); }

protected:
    virtual void transmit(const QByteArray &bytes, int delayMs) = 0;
    void handleFrame(const drivers::ledbar::Frame &request, const QByteArray &raw);

private:
    static quint32 key(int address, int area) { return quint32(address) << 8 | quint32(area); }
    void reply(const drivers::ledbar::Frame &frame);

    QHash<quint32, Shown> m_ram;
    QHash<quint32, Shown> m_flash;
};

// Cards on an RS-485 bus, reached through a pty at 9600 baud by default.
class LedBarEmulator : public PtyDevice, public LedCards
{
    Q_OBJECT
public:
    LedBarEmulator(QString linkPath, int baud = 9600, QObject *parent = nullptr);
    // Pulling the adapter out also cuts the cards' power in this bench: RAM is lost.
    void unplug();

protected:
    void onReceived(const QByteArray &bytes) override;
    void transmit(const QByteArray &bytes, int delayMs) override { send(bytes, delayMs); }

private:
    QByteArray m_in;
};

// A network control card (or several behind one port) on 127.0.0.1: one frame a datagram.
class LedBarUdpEmulator : public QObject, public LedCards
{
    Q_OBJECT
public:
    explicit LedBarUdpEmulator(QObject *parent = nullptr);
    ~LedBarUdpEmulator() override;

    bool plug() { return m_port.plug(); } // binds the same port again after an unplug
    void unplug();                         // socket closed and power lost
    quint16 port() const { return m_port.port(); }
    QString url() const { return QStringLiteral("udp://127.0.0.1:%1").arg(port()); }

protected:
    void transmit(const QByteArray &bytes, int delayMs) override { m_port.reply(bytes, delayMs); }

private:
    void received(const QByteArray &datagram);

    DatagramPort m_port;
};

} // namespace hall::emulators
