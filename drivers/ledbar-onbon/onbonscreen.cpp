#include "onbonscreen.h"

#include <core/logging.h>
#include <devices/exchange.h>
#include <devices/options.h>

#include <QFileInfo>
#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

namespace hall::drivers::onbon {

using devices::Device;

struct OnbonScreen::Outcome
{
    bool ok = false;
    Response response;
    Device::Error error = Device::Error::NoError;
    QString message;
};

OnbonScreen::OnbonScreen(devices::DeviceConfig config, QObject *parent) : WindowScreen(std::move(config), parent) {}

OnbonScreen::~OnbonScreen()
{
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
    }
}

Device::Capabilities OnbonScreen::capabilities() const
{
    return m_options.colourMode == ColourMode::Mono ? NoCapability : Capabilities(ScreenColours);
}

namespace {

bool parseArea(const QString &key, const QVariant &value, const OnbonOptions &o, AreaTarget *t, QString *error)
{
    bool ok = false;
    const int address = key.toInt(&ok);
    if (!ok || address < 1) {
        *error = OnbonScreen::tr("map: \"%1\" is not a screen address (a positive number).").arg(key);
        return false;
    }
    if (value.typeId() != QMetaType::QVariantMap) {
        *error = OnbonScreen::tr("map: screen %1: give an object like {\"screen\": 1, \"area\": 0}.").arg(address);
        return false;
    }
    const QVariantMap m = value.toMap();
    t->screen = address;
    t->width = o.width;
    t->height = o.height;
    QString why;
    const bool good = devices::knownOptions(m, {QStringLiteral("screen"), QStringLiteral("area"), QStringLiteral("x"), QStringLiteral("y"),
                                                QStringLiteral("width"), QStringLiteral("height")}, QStringLiteral("ledbar-onbon map"), &why)
        && devices::intOption(m, QStringLiteral("screen"), MinScreen, MaxScreen, &t->screen, &why)
        && devices::intOption(m, QStringLiteral("area"), 0, o.model.maxAreas - 1, &t->area, &why)
        && devices::intOption(m, QStringLiteral("x"), 0, 8191, &t->x, &why)
        && devices::intOption(m, QStringLiteral("y"), 0, 8191, &t->y, &why)
        && devices::intOption(m, QStringLiteral("width"), 1, 8192, &t->width, &why)
        && devices::intOption(m, QStringLiteral("height"), 1, 8192, &t->height, &why);
    if (!good) {
        *error = OnbonScreen::tr("map: screen %1: %2").arg(address).arg(why);
        return false;
    }
    return true;
}

} // namespace

bool OnbonOptions::parse(const QVariantMap &o, const QString &port, OnbonOptions *out, QString *error)
{
    OnbonOptions opts;
    opts.probe = port.startsWith(QLatin1String("udp://")) || port.startsWith(QLatin1String("tcp://"));
    QString text, model;
    devices::OptionReader r(o);
    r.string(QStringLiteral("model"), &model)
        .integer(QStringLiteral("width"), 1, 8192, &opts.width)
        .integer(QStringLiteral("height"), 1, 8192, &opts.height)
        .integer(QStringLiteral("timeoutMs"), 10, 60000, &opts.timeoutMs)
        .integer(QStringLiteral("retries"), 0, 5, &opts.retries)
        .boolean(QStringLiteral("probe"), &opts.probe)
        .boolean(QStringLiteral("programs"), &opts.withPrograms)
        .string(QStringLiteral("font"), &opts.font)
        .integer(QStringLiteral("fontSize"), 6, 512, &opts.fontSize)
        // Read by WindowScreen::standardText() for every show().
        .string(QStringLiteral("servingText"), &text)
        .string(QStringLiteral("pausedText"), &text)
        .string(QStringLiteral("idleText"), &text)
        // Checked below, with messages of their own.
        .allow({QStringLiteral("colourMode"), QStringLiteral("servingColour"), QStringLiteral("pausedColour"),
                QStringLiteral("idleColour"), QStringLiteral("textColour"), QStringLiteral("map")});
    if (!r.finish(QStringLiteral("ledbar-onbon"), devices::linkOptionKeys())) {
        *error = r.error();
        return false;
    }
    const auto m = modelFromName(model);
    if (!m) {
        *error = model.isEmpty()
            ? OnbonScreen::tr("model: name the controller (%1).").arg(modelNames().join(QLatin1String(", ")))
            : OnbonScreen::tr("model: \"%1\" is not a controller this driver knows (%2).").arg(model, modelNames().join(QLatin1String(", ")));
        return false;
    }
    opts.model = *m;
    if (opts.width == 0 || opts.height == 0) {
        *error = OnbonScreen::tr("width and height: give the size of the screen's area in pixels, as set up in the card.");
        return false;
    }
    const QString mode = o.value(QStringLiteral("colourMode"), QStringLiteral("dual")).toString();
    const auto colourMode = ledbar::colourModeFromName(mode);
    if (!colourMode || *colourMode == ColourMode::Full) {
        *error = OnbonScreen::tr("colourMode: \"%1\" is not a colour mode of these cards (mono or dual).").arg(mode);
        return false;
    }
    opts.colourMode = *colourMode;
    const bool mono = opts.colourMode == ColourMode::Mono;
    struct ColourOption { const char *key; Colour *target; Colour fallback; };
    const ColourOption colours[] = {{"servingColour", &opts.servingColour, Colour::Red},
                                    {"pausedColour", &opts.pausedColour, mono ? Colour::Red : Colour::Yellow},
                                    {"idleColour", &opts.idleColour, mono ? Colour::Red : Colour::Green},
                                    {"textColour", &opts.textColour, Colour::Red}};
    for (const ColourOption &c : colours) {
        const QString key = QLatin1String(c.key);
        *c.target = c.fallback;
        if (!o.contains(key))
            continue;
        const QString name = o.value(key).toString();
        const auto colour = ledbar::colourFromName(name);
        if (!colour || !ledbar::supports(opts.colourMode, *colour)) {
            *error = OnbonScreen::tr("%1: a %2 card cannot show \"%3\" (%4).")
                         .arg(key, mode, name, mono ? QStringLiteral("red") : QStringLiteral("red, green, yellow"));
            return false;
        }
        *c.target = *colour;
    }
    const QVariantMap map = o.value(QStringLiteral("map")).toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        AreaTarget t;
        if (!parseArea(it.key(), it.value(), opts, &t, error))
            return false;
        opts.map.insert(it.key().toInt(), t);
    }
    *out = opts;
    return true;
}

bool OnbonScreen::openDevice()
{
    QString error;
    if (!OnbonOptions::parse(config().options, config().port, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    QString font = m_options.font;
    if (font.isEmpty()) {
        const QStringList fonts = TextRenderer::defaultFonts();
        const auto found = std::find_if(fonts.cbegin(), fonts.cend(), [](const QString &f) { return QFileInfo::exists(f); });
        if (found == fonts.cend()) {
            setError(Error::Configuration, tr("font: no Chinese font found (%1); install fonts-noto-cjk or name a font file.").arg(fonts.join(QLatin1String(", "))));
            return false;
        }
        font = *found;
    }
    if (m_renderer.file() != font && !m_renderer.load(font, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    // The manuals list 9600 and 57600 baud for the serial cards; Onbon's tools default to 57600.
    m_link = openLink(57600);
    if (!m_link)
        return false;
    if (m_options.probe) {
        Packet ping;
        ping.dst = AnyScreen;
        ping.deviceType = AnyDevice;
        ping.data = encodeRequest({true, cmd::Ping, QByteArray(2, '\0')});
        Outcome o;
        m_opening = true;
        const bool ok = transact(ping, &o);
        m_opening = false;
        if (!ok || !o.response.isAck()) {
            setError(Error::NotFound, tr("No Onbon controller answers at %1: %2").arg(config().port, o.ok ? statusOf(o.response.error).message : o.message));
            closeDevice();
            return false;
        }
    }
    if (!m_wanted.isEmpty())
        QTimer::singleShot(0, this, &OnbonScreen::restore);
    return true;
}

void OnbonScreen::closeDevice()
{
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
        // Possibly called from inside the transport's own wait (an unplug seen there).
        m_link.release()->deleteLater();
    }
}

bool OnbonScreen::transact(const Packet &request, Outcome *out)
{
    if (!m_link) {
        out->error = Error::ConnectionLost;
        out->message = tr("The LED controller is not connected.");
        return false;
    }
    const QByteArray bytes = encodeFrame(request);
    const bool serial = m_link->kind() == devices::Transport::Kind::Serial;
    devices::ExchangeOptions options;
    options.retries = m_options.retries;
    // The request and a short response on the wire, plus the card's own time.
    options.waitMs = m_options.timeoutMs + m_link->wireMs(bytes.size() + 64);
    options.writeTimeoutMs = 2000;
    options.writeFailureIsLoss = m_link->kind() != devices::Transport::Kind::Udp;
    options.log = lcDriverOnbon;
    options.peer = QStringLiteral("screen %1").arg(request.dst);
    Packet got;
    const auto scan = [&](const QByteArray &all) {
        QByteArray work = all;
        devices::ReplyScan seen;
        for (;;) {
            Packet p;
            qsizetype skipped = 0;
            const Parse r = takeFrame(work, &p, &skipped);
            seen.junk += skipped;
            if (r == Parse::NeedMore) {
                seen.settled = seen.damaged && work.isEmpty();
                return seen;
            }
            if (r == Parse::BadChecksum) {
                seen.damaged = true;
                continue;
            }
            if (r != Parse::Packet) {
                seen.junk += 1;
                continue;
            }
            if (isReplyTo(p, request)) {
                got = p;
                seen.found = true;
                return seen;
            }
            // An echo of our own request (2-wire RS-485 adapters) or another card's response.
        }
    };
    const auto verdict = [&] {
        QString why;
        if (!parseResponse(got.data, &out->response, &why))
            return devices::ReplyVerdict{devices::ReplyVerdict::Kind::Garbage, got.data.size()};
        if (out->response.isNack()) {
            qCDebug(lcDriverOnbon) << "screen" << request.dst << "refused with error" << out->response.error;
            if (statusOf(out->response.error).retry)
                return devices::ReplyVerdict{devices::ReplyVerdict::Kind::Retry};
        }
        return devices::ReplyVerdict{};
    };
    const devices::ExchangeResult r = devices::exchange(m_link.get(), bytes, options, scan, verdict);
    if (r.ok()) {
        out->ok = true;
        return true;
    }
    if (r.failure == devices::ExchangeResult::Failure::Unwritable)
        connectionLost(tr("Cannot write to the LED controller at %1.").arg(config().port));
    out->error = r.error();
    out->message = r.message({tr("The LED controller at %1 went away.").arg(config().port),
                              tr("LED controller %1 did not answer within %2 ms (%3 tries); check its power, screen number and link."),
                              tr("LED controller %1 answered with damaged frames (CRC), %2 times; check the wiring."),
                              tr("LED controller %1 answered with %2 bytes that are no response (%3 tries); check the baud rate and the model.")},
                             request.dst, options.waitMs);
    // A network controller that answers nothing is gone: reconnect (probing) and restore it.
    if (r.failure == devices::ExchangeResult::Failure::Silence && !serial && m_options.probe && !m_opening)
        connectionLostLater(out->message);
    return false;
}

std::optional<OnbonScreen::Pending> OnbonScreen::prepare(int address, const QString &text, const QString &colour, Colour fallback)
{
    Pending p;
    if (m_options.map.contains(address)) {
        p.target = m_options.map.value(address);
    } else if (address >= MinScreen && address <= MaxScreen) {
        p.target = {address, 0, 0, 0, m_options.width, m_options.height};
    } else {
        fail(address, Error::Configuration,
             tr("Screen address %1 is out of range (%2–%3); map it to a controller with the map option.").arg(address).arg(MinScreen).arg(MaxScreen));
        return std::nullopt;
    }
    if (ledbar::containsIdNumber(text)) {
        fail(address, Error::NotSupported, tr("Screen %1: the text contains an ID number; public screens never show ID numbers.").arg(address));
        return std::nullopt;
    }
    Colour c = fallback;
    if (!colour.isEmpty()) {
        const auto named = ledbar::colourFromName(colour);
        if (!named) {
            fail(address, Error::Configuration, tr("Screen %1: \"%2\" is not a colour (red, green, yellow).").arg(address).arg(colour));
            return std::nullopt;
        }
        if (!ledbar::supports(m_options.colourMode, *named)) {
            fail(address, Error::NotSupported, tr("Screen %1 cannot show %2.").arg(address).arg(colour));
            return std::nullopt;
        }
        c = *named;
    }
    const quint8 bits = c == Colour::Yellow ? (Red | Green) : c == Colour::Green ? Green : Red;
    const AreaTarget &t = p.target;
    QString missing;
    const int size = m_options.fontSize > 0 ? m_options.fontSize : t.height;
    const Pixels line = m_renderer.render(text, t.height, size, bits, &missing);
    if (!missing.isEmpty()) {
        // Code points, not the characters: the text may hold part of a name, and this message
        // is logged.
        QStringList points;
        for (const uint u : missing.toUcs4())
            points.append(QStringLiteral("U+%1").arg(u, 4, 16, QLatin1Char('0')).toUpper());
        fail(address, Error::NotSupported, tr("Screen %1 cannot show %2 character(s) of the text (%3): the font %4 lacks them.")
                                               .arg(address).arg(points.size()).arg(points.join(u' '), m_renderer.file()));
        return std::nullopt;
    }
    const bool dual = m_options.colourMode == ColourMode::Dual;
    const Generation g = m_options.model.generation;
    DynamicArea &a = p.area;
    a.id = quint8(t.area);
    a.withPrograms = m_options.withPrograms;
    a.x = quint16(t.x);
    a.y = quint16(t.y);
    a.width = quint16(t.width);
    a.height = quint16(t.height);
    if (line.width <= t.width) {
        // Centred in the area, shown still.
        Page page;
        page.pixels = encodePixels(g, dual, t.x, line.copy(-(t.width - line.width) / 2, t.width));
        a.pages.append(page);
    } else {
        // Wider than the area: area-wide pages that run together leftwards, with a gap.
        const Pixels band = line.copy(0, line.width + t.width / 2);
        for (int x0 = 0; x0 < band.width; x0 += t.width) {
            Page page;
            page.displayMode = mode::ContinuousLeft;
            page.stayTime = 0;
            page.pixels = encodePixels(g, dual, t.x, band.copy(x0, t.width));
            a.pages.append(page);
        }
    }
    const qsizetype frame = encodeUpdateArea(g, a).size() + PacketHeaderSize + 8;
    if (frame > MaxPacket) {
        fail(address, Error::NotSupported, tr("Screen %1: the text makes %2 bytes of pixels; one update takes at most %3.").arg(address).arg(frame).arg(MaxPacket));
        return std::nullopt;
    }
    return p;
}

bool OnbonScreen::send(int address, const Pending &p)
{
    Packet q;
    q.dst = quint16(p.target.screen);
    q.deviceType = m_options.model.deviceType;
    q.data = encodeRequest({true, cmd::UpdateArea, encodeUpdateArea(m_options.model.generation, p.area)});
    setState(State::Busy);
    Outcome o;
    const bool ok = transact(q, &o);
    if (isOpen())
        setState(State::Ready);
    if (!ok) {
        fail(address, o.error, o.message);
        return false;
    }
    if (!o.response.isAck()) {
        const Status st = statusOf(o.response.error);
        fail(address, st.error, tr("LED controller %1 refused the content for screen %2: %3").arg(p.target.screen).arg(address).arg(st.message));
        return false;
    }
    qCDebug(lcDriverOnbon) << "screen" << address << "controller" << p.target.screen << "area" << p.target.area << p.area.pages.size() << "pages";
    return true;
}

void OnbonScreen::show(int address, const devices::ScreenContent &content)
{
    using Mode = devices::ScreenContent::Mode;
    const Colour fallback = content.mode == Mode::Serving ? m_options.servingColour
                          : content.mode == Mode::Paused  ? m_options.pausedColour
                          : content.mode == Mode::Idle    ? m_options.idleColour : m_options.textColour;
    // Drawing needs the options and the font read by a first opening.
    const bool drawable = !m_renderer.file().isEmpty();
    const auto p = drawable ? prepare(address, standardText(content, address, config().options), content.colour, fallback)
                            : std::nullopt;
    if (drawable && !p)
        return;
    if (p)
        m_wanted.insert(address, *p);
    if (!isOpen() || !m_link) {
        fail(address, Error::ConnectionLost, tr("Screen %1 is not connected; it will show the text when it is back.").arg(address));
        return;
    }
    if (send(address, *p))
        Q_EMIT shown(address);
}

void OnbonScreen::restore()
{
    QList<int> addresses = m_wanted.keys();
    std::sort(addresses.begin(), addresses.end());
    for (int address : std::as_const(addresses)) {
        if (!isOpen() || !m_link)
            return;
        if (send(address, m_wanted.value(address)))
            Q_EMIT shown(address);
    }
}

void OnbonScreen::fail(int address, Error error, const QString &message)
{
    setError(error, message);
    Q_EMIT showFailed(address, error, message);
}

} // namespace hall::drivers::onbon
