#pragma once

#include "ledbarprotocol.h"

#include <devices/transport.h>
#include <devices/windowscreen.h>

#include <QHash>
#include <QVariantMap>

#include <memory>
#include <optional>

namespace hall::drivers::ledbar {

// The driver's options (see LedBarScreen), read and checked once when the device opens.
struct LedBarOptions
{
    int timeoutMs = 200;
    int retries = 1;
    int columns = 0;
    bool probe = false;      // default: on for UDP, off on a shared RS-485 bus
    int probeAddress = AnyAddress;
    Encoding encoding = Encoding::Gb18030;
    ColourMode colourMode = ColourMode::Dual;
    Colour servingColour = Colour::Red, pausedColour = Colour::Yellow, idleColour = Colour::Green,
           textColour = Colour::Red;
    QHash<int, Target> map;

    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, const QString &port, LedBarOptions *out, QString *error);
};

// A WindowScreen for window LED bars and central display cards, addressed per window, on an
// RS-485 bus ("/dev/ttyUSB0", 9600 baud 8N1 by default) or a network card ("udp://host:port").
// Dynamic content is only ever written to RAM areas; flash is written by storeStartupText().
//
// Options: baud (9600), timeoutMs (200, plus the wire time), retries (1), encoding (gb18030 or
// gb2312), colourMode (mono, dual [default], full), servingColour/pausedColour/idleColour/
// textColour, servingText/pausedText/idleText (WindowScreen::standardText), columns (half-width
// characters a bar shows at once; longer text scrolls; 0 = never), map ({"<address>": "card" or
// "card:area"}; an address not in the map is card <address>, area 0), probe (ask the card for
// its status on open: default on for UDP, off for a shared RS-485 bus), reconnectMs.
class LedBarScreen final : public devices::WindowScreen
{
    Q_OBJECT
public:
    explicit LedBarScreen(devices::DeviceConfig config, QObject *parent = nullptr);
    ~LedBarScreen() override;

    Capabilities capabilities() const override;
    void show(int address, const devices::ScreenContent &content) override;
    void storeStartupText(int address, const QString &text) override;

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Outcome;
    struct Pending
    {
        Target target;
        TextWrite write;
    };
    // Builds the write for `address`; on failure reports it and returns nullopt.
    std::optional<Pending> prepare(int address, const QString &text, const QString &colour, Colour fallback);
    // Sends one request and waits for its reply; retries after silence, garbage, damage or a
    // refusal worth retrying. False (with the error in *out) when no reply came.
    bool transact(Frame request, Outcome *out);
    bool send(int address, const Pending &p, bool flash);
    void fail(int address, Error error, const QString &message);
    void restore();

    std::unique_ptr<devices::Transport> m_link;
    LedBarOptions m_options;
    quint8 m_seq = 0;
    bool m_opening = false;
    // What each address should show: a card that lost power lost its RAM, so after a
    // reconnect every address gets its latest content again.
    QHash<int, Pending> m_wanted;
};

} // namespace hall::drivers::ledbar
