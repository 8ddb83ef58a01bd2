#include "ledbarscreen.h"

#include <core/logging.h>
#include <devices/exchange.h>
#include <devices/options.h>

#include <QTimer>

#include <algorithm>

namespace hall::drivers::ledbar {

using devices::Device;

struct LedBarScreen::Outcome
{
    bool ok = false;
    Reply reply;
    Device::Error error = Device::Error::NoError;
    QString message;
};

LedBarScreen::LedBarScreen(devices::DeviceConfig config, QObject *parent) : WindowScreen(std::move(config), parent) {}

LedBarScreen::~LedBarScreen()
{
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
    }
}

Device::Capabilities LedBarScreen::capabilities() const
{
    return m_options.colourMode == ColourMode::Mono ? NoCapability : Capabilities(ScreenColours);
}

bool LedBarOptions::parse(const QVariantMap &o, const QString &port, LedBarOptions *out, QString *error)
{
    LedBarOptions opts;
    opts.probe = port.startsWith(QLatin1String("udp://"));
    QString text;
    devices::OptionReader r(o);
    r.integer(QStringLiteral("timeoutMs"), 10, 60000, &opts.timeoutMs)
        .integer(QStringLiteral("retries"), 0, 5, &opts.retries)
        .integer(QStringLiteral("columns"), 0, 1000, &opts.columns)
        .boolean(QStringLiteral("probe"), &opts.probe)
        .integer(QStringLiteral("probeAddress"), 0, 255, &opts.probeAddress)
        // Read by WindowScreen::standardText() for every show().
        .string(QStringLiteral("servingText"), &text)
        .string(QStringLiteral("pausedText"), &text)
        .string(QStringLiteral("idleText"), &text)
        // Checked below, with messages of their own.
        .allow({QStringLiteral("encoding"), QStringLiteral("colourMode"), QStringLiteral("servingColour"),
                QStringLiteral("pausedColour"), QStringLiteral("idleColour"), QStringLiteral("textColour"), QStringLiteral("map")});
    if (!r.finish(QStringLiteral("ledbar"), devices::linkOptionKeys())) {
        *error = r.error();
        return false;
    }

    const QString encoding = o.value(QStringLiteral("encoding"), QStringLiteral("gb18030")).toString();
    if (encoding.compare(QLatin1String("gb18030"), Qt::CaseInsensitive) == 0) {
        opts.encoding = Encoding::Gb18030;
    } else if (encoding.compare(QLatin1String("gb2312"), Qt::CaseInsensitive) == 0) {
        opts.encoding = Encoding::Gb2312;
    } else {
        *error = LedBarScreen::tr("encoding: \"%1\" is not supported (gb18030 or gb2312).").arg(encoding);
        return false;
    }
    const QString mode = o.value(QStringLiteral("colourMode"), QStringLiteral("dual")).toString();
    const auto colourMode = colourModeFromName(mode);
    if (!colourMode) {
        *error = LedBarScreen::tr("colourMode: \"%1\" is not a colour mode (mono, dual or full).").arg(mode);
        return false;
    }
    opts.colourMode = *colourMode;

    // A mono card shows everything in red; the others default to red/yellow/green by mode.
    const bool mono = opts.colourMode == ColourMode::Mono;
    struct ColourOption { const char *key; Colour *target; Colour fallback; };
    const ColourOption colours[] = {{"servingColour", &opts.servingColour, Colour::Red},
                                    {"pausedColour", &opts.pausedColour, mono ? Colour::Red : Colour::Yellow},
                                    {"idleColour", &opts.idleColour, mono ? Colour::Red : Colour::Green},
                                    {"textColour", &opts.textColour, Colour::Red}};
    for (const ColourOption &c : colours) {
        const QString key = QLatin1String(c.key);
        if (!o.contains(key)) {
            *c.target = c.fallback;
            continue;
        }
        const QString name = o.value(key).toString();
        const auto colour = colourFromName(name);
        if (!colour) {
            *error = LedBarScreen::tr("%1: \"%2\" is not a colour (red, green, yellow, blue, magenta, cyan, white).").arg(key, name);
            return false;
        }
        if (!supports(opts.colourMode, *colour)) {
            *error = LedBarScreen::tr("%1: a %2 card cannot show %3.").arg(key, mode, name);
            return false;
        }
        *c.target = *colour;
    }

    opts.map.clear();
    const QVariantMap map = o.value(QStringLiteral("map")).toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        bool ok = false;
        const int address = it.key().toInt(&ok);
        if (!ok || address < 1) {
            *error = LedBarScreen::tr("map: \"%1\" is not a screen address (a positive number).").arg(it.key());
            return false;
        }
        Target t;
        QString why;
        if (!parseTarget(it.value().toString(), &t, &why)) {
            *error = LedBarScreen::tr("map: screen %1: %2").arg(address).arg(why);
            return false;
        }
        opts.map.insert(address, t);
    }
    *out = opts;
    return true;
}

bool LedBarScreen::openDevice()
{
    QString error;
    if (!LedBarOptions::parse(config().options, config().port, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    // RS-485 window bars run at 9600 baud unless configured (19200 on newer cards).
    m_link = openLink(9600);
    if (!m_link)
        return false;
    if (m_options.probe) {
        Frame status;
        status.address = quint8(m_options.probeAddress);
        status.command = cmd::Status;
        Outcome o;
        m_opening = true;
        const bool ok = transact(status, &o);
        m_opening = false;
        if (!ok || !o.reply.ack) {
            setError(Error::NotFound, tr("No LED card answers at %1: %2").arg(config().port, o.ok ? statusOf(o.reply.code).message : o.message));
            closeDevice();
            return false;
        }
        const QByteArray &i = o.reply.info;
        qCInfo(lcDriverLedBar) << config().port << "card areas" << (i.size() > 0 ? int(quint8(i.at(0))) : -1)
                               << "colour mode" << (i.size() > 1 ? int(quint8(i.at(1))) : -1);
    }
    if (!m_wanted.isEmpty())
        QTimer::singleShot(0, this, &LedBarScreen::restore);
    return true;
}

void LedBarScreen::closeDevice()
{
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
        // Possibly called from inside the transport's own wait (an unplug seen there).
        m_link.release()->deleteLater();
    }
}

bool LedBarScreen::transact(Frame request, Outcome *out)
{
    if (!m_link) {
        out->error = Error::ConnectionLost;
        out->message = tr("The LED screen is not connected.");
        return false;
    }
    request.seq = ++m_seq;
    const QByteArray bytes = encodeFrame(request);
    const bool serial = m_link->kind() == devices::Transport::Kind::Serial;
    devices::ExchangeOptions options;
    options.retries = m_options.retries;
    // The request and its reply on the wire (10 bits a byte), plus the card's own time.
    options.waitMs = m_options.timeoutMs + (serial ? m_link->wireMs(bytes.size() + FixedSize + 8) : 0);
    options.writeFailureIsLoss = serial;
    options.log = lcDriverLedBar;
    options.peer = QStringLiteral("card %1").arg(request.address);
    Frame got;
    const auto scan = [&](const QByteArray &all) {
        QByteArray work = all;
        devices::ReplyScan seen;
        for (;;) {
            Frame f;
            qsizetype skipped = 0;
            const Parse r = takeFrame(work, &f, &skipped);
            seen.junk += skipped;
            if (r == Parse::NeedMore) {
                seen.settled = seen.damaged && work.size() < HeaderSize;
                return seen;
            }
            if (r == Parse::BadChecksum) {
                seen.damaged = true;
                continue;
            }
            if (r == Parse::BadLength) {
                seen.junk += HeaderSize;
                continue;
            }
            if (isReplyTo(f, request)) {
                got = f;
                seen.found = true;
                return seen;
            }
            // An echo of our request (2-wire RS-485 adapters) or another card's late reply.
        }
    };
    const auto verdict = [&] {
        QString why;
        if (!parseReply(got, &out->reply, &why))
            return devices::ReplyVerdict{devices::ReplyVerdict::Kind::Garbage, got.payload.size()};
        if (!out->reply.ack) {
            qCDebug(lcDriverLedBar) << "card" << request.address << "refused" << Qt::hex << request.command << "code" << out->reply.code;
            if (statusOf(out->reply.code).retry)
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
        connectionLost(tr("Cannot write to the LED screen at %1.").arg(config().port));
    out->error = r.error();
    out->message = r.message({tr("The LED screen at %1 went away.").arg(config().port),
                              tr("LED card %1 did not answer within %2 ms (%3 tries); check its power, address and wiring."),
                              tr("LED card %1 answered with damaged frames (checksum), %2 times; check the wiring."),
                              tr("LED card %1 answered with %2 bytes that are no reply (%3 tries); check the baud rate and the card's protocol.")},
                             request.address, options.waitMs);
    // A network card that answers nothing is gone: reconnect (probing) and restore it.
    if (r.failure == devices::ExchangeResult::Failure::Silence && !serial && m_options.probe && !m_opening)
        connectionLostLater(out->message);
    return false;
}

std::optional<LedBarScreen::Pending> LedBarScreen::prepare(int address, const QString &text, const QString &colour, Colour fallback)
{
    Pending p;
    if (m_options.map.contains(address)) {
        p.target = m_options.map.value(address);
    } else if (address >= MinAddress && address <= MaxAddress) {
        p.target = {address, 0};
    } else {
        fail(address, Error::Configuration,
             tr("Screen address %1 is out of range (%2–%3); map it to a card with the map option.").arg(address).arg(MinAddress).arg(MaxAddress));
        return std::nullopt;
    }
    if (containsIdNumber(text)) {
        fail(address, Error::NotSupported, tr("Screen %1: the text contains an ID number; public screens never show ID numbers.").arg(address));
        return std::nullopt;
    }
    p.write.colour = fallback;
    if (!colour.isEmpty()) {
        const auto c = colourFromName(colour);
        if (!c) {
            fail(address, Error::Configuration, tr("Screen %1: \"%2\" is not a colour (red, green, yellow, blue, magenta, cyan, white).").arg(address).arg(colour));
            return std::nullopt;
        }
        if (!supports(m_options.colourMode, *c)) {
            fail(address, Error::NotSupported, tr("Screen %1 cannot show %2.").arg(address).arg(colour));
            return std::nullopt;
        }
        p.write.colour = *c;
    }
    QString bad;
    const auto bytes = encodeText(text, m_options.encoding, &bad);
    if (!bytes) {
        // Code points, not the characters: the text may hold part of a name, and this message
        // is logged.
        QStringList points;
        for (const uint c : bad.toUcs4())
            points.append(QStringLiteral("U+%1").arg(c, 4, 16, QLatin1Char('0')).toUpper());
        fail(address, Error::NotSupported, tr("Screen %1 cannot show %2 character(s) of the text (%3) in %4.")
                                               .arg(address).arg(points.size()).arg(points.join(u' '),
                                                    m_options.encoding == Encoding::Gb2312 ? QStringLiteral("GB2312") : QStringLiteral("GB18030")));
        return std::nullopt;
    }
    if (bytes->size() > MaxTextBytes) {
        fail(address, Error::NotSupported, tr("Screen %1: the text has %2 bytes; a screen area takes at most %3.").arg(address).arg(bytes->size()).arg(MaxTextBytes));
        return std::nullopt;
    }
    p.write.text = *bytes;
    // GB18030 bytes are the text's width in half-width columns.
    p.write.effect = m_options.columns > 0 && bytes->size() > m_options.columns ? Effect::ScrollLeft : Effect::Static;
    return p;
}

bool LedBarScreen::send(int address, const Pending &p, bool flash)
{
    Frame f;
    f.address = quint8(p.target.card);
    f.command = flash ? cmd::WriteFlash : cmd::WriteRam;
    f.area = quint8(p.target.area | (flash ? FlashBit : 0));
    f.payload = encodeTextPayload(p.write);
    setState(State::Busy);
    Outcome o;
    const bool ok = transact(f, &o);
    if (isOpen())
        setState(State::Ready);
    if (!ok) {
        fail(address, o.error, o.message);
        return false;
    }
    if (!o.reply.ack) {
        const Status st = statusOf(o.reply.code);
        fail(address, st.error, tr("LED card %1 refused the text for screen %2: %3").arg(p.target.card).arg(address).arg(st.message));
        return false;
    }
    qCDebug(lcDriverLedBar) << "screen" << address << "card" << p.target.card << "area" << p.target.area << (flash ? "flash" : "RAM");
    return true;
}

void LedBarScreen::show(int address, const devices::ScreenContent &content)
{
    using Mode = devices::ScreenContent::Mode;
    const Colour fallback = content.mode == Mode::Serving ? m_options.servingColour
                          : content.mode == Mode::Paused  ? m_options.pausedColour
                          : content.mode == Mode::Idle    ? m_options.idleColour : m_options.textColour;
    const auto p = prepare(address, standardText(content, address, config().options), content.colour, fallback);
    if (!p)
        return;
    m_wanted.insert(address, *p);
    if (!isOpen() || !m_link) {
        fail(address, Error::ConnectionLost, tr("Screen %1 is not connected; it will show the text when it is back.").arg(address));
        return;
    }
    if (send(address, *p, false))
        Q_EMIT shown(address);
}

void LedBarScreen::storeStartupText(int address, const QString &text)
{
    const auto p = prepare(address, text, {}, m_options.idleColour);
    if (!p)
        return;
    if (!isOpen() || !m_link) {
        fail(address, Error::ConnectionLost, tr("Screen %1 is not connected.").arg(address));
        return;
    }
    send(address, *p, true);
}

void LedBarScreen::restore()
{
    QList<int> addresses = m_wanted.keys();
    std::sort(addresses.begin(), addresses.end());
    for (int address : std::as_const(addresses)) {
        if (!isOpen() || !m_link)
            return;
        if (send(address, m_wanted.value(address), false))
            Q_EMIT shown(address);
    }
}

void LedBarScreen::fail(int address, Error error, const QString &message)
{
    setError(error, message);
    Q_EMIT showFailed(address, error, message);
}

} // namespace hall::drivers::ledbar
