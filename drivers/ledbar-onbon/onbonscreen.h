#pragma once

#include "onbonprotocol.h"
#include "textrender.h"

#include <ledbarprotocol.h>

#include <devices/transport.h>
#include <devices/windowscreen.h>

#include <QHash>
#include <QVariantMap>

#include <memory>
#include <optional>

namespace hall::drivers::onbon {

using ledbar::Colour;
using ledbar::ColourMode;

// Where a screen address is shown: a controller (its screen number) and one dynamic area.
struct AreaTarget
{
    int screen = 1;
    int area = 0;
    int x = 0, y = 0, width = 0, height = 0;
};

// The driver's options (see OnbonScreen), read and checked once when the device opens.
struct OnbonOptions
{
    Model model;
    int width = 0, height = 0;   // the area of an address not in the map
    int timeoutMs = 500;
    int retries = 1;
    bool probe = false;          // default: on for TCP/UDP, off on a shared RS-485 bus
    bool withPrograms = false;
    ColourMode colourMode = ColourMode::Dual;
    Colour servingColour = Colour::Red, pausedColour = Colour::Yellow, idleColour = Colour::Green,
           textColour = Colour::Red;
    QString font;                // empty: the first of TextRenderer::defaultFonts() that exists
    int fontSize = 0;            // pixels; 0: the area's height
    QHash<int, AreaTarget> map;

    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, const QString &port, OnbonOptions *out, QString *error);
};

// A WindowScreen for Onbon BX-5E and BX-6E controllers (window bars and hall screens), shown
// through their dynamic areas: RAM only, never the flash of their stored programmes. Network
// cards over "tcp://host:5005" or "udp://host:5007", serial cards on RS-232/RS-485
// ("/dev/ttyUSB0", 57600 baud 8N1 by default). The text is drawn into pixels on the PC.
//
// Options: model (5E1, 5E2, 5E3, 6E1, 6E2, 6E3, 6E1X, 6E2X; required), width and height (the
// area in pixels, from the top-left corner, of an address not in the map; required),
// colourMode (mono, dual [default]), servingColour/pausedColour/idleColour/textColour (red,
// green, yellow), servingText/pausedText/idleText (WindowScreen::standardText), font (a font
// file), fontSize (pixels; default the area's height), map ({"<address>": {"screen": n,
// "area": n, "x": n, "y": n, "width": n, "height": n}}; an address not in the map is screen
// <address>, area 0), programs (keep the card's stored programmes playing beside the areas;
// default false), timeoutMs (500), retries (1), probe (ping on open: default on for TCP/UDP),
// reconnectMs and the serial link's options.
class OnbonScreen final : public devices::WindowScreen
{
    Q_OBJECT
public:
    explicit OnbonScreen(devices::DeviceConfig config, QObject *parent = nullptr);
    ~OnbonScreen() override;

    Capabilities capabilities() const override;
    void show(int address, const devices::ScreenContent &content) override;

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Outcome;
    struct Pending
    {
        AreaTarget target;
        DynamicArea area;
    };
    std::optional<Pending> prepare(int address, const QString &text, const QString &colour, Colour fallback);
    // Sends one request and waits for its response; retries after silence, garbage, damage or
    // a refusal worth retrying. False (with the error in *out) when no response came.
    bool transact(const Packet &request, Outcome *out);
    bool send(int address, const Pending &p);
    void fail(int address, Error error, const QString &message);
    void restore();

    std::unique_ptr<devices::Transport> m_link;
    OnbonOptions m_options;
    TextRenderer m_renderer;
    bool m_opening = false;
    // What each address should show: RAM is lost at power-off, so after a reconnect every
    // address gets its latest content again.
    QHash<int, Pending> m_wanted;
};

} // namespace hall::drivers::onbon
