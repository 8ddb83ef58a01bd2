#include "ledbaremulator.h"


namespace hall::emulators {

using namespace hall::drivers;
using ledbar::Frame;

std::optional<LedCards::Shown> LedCards::shown(int address, int area) const
{
    const quint32 k = key(address, area);
    if (m_ram.contains(k))
        return m_ram.value(k);
    if (m_flash.contains(k))
        return m_flash.value(k);
    return std::nullopt;
}

QString LedCards::text(int address, int area) const
{
    const auto s = shown(address, area);
    return s ? s->text : QString();
}

int LedCards::ramWrites() const
{
    return int(std::count_if(writes.cbegin(), writes.cend(), [](const Write &w) { return !w.flash; }));
}

int LedCards::flashWrites() const
{
    return int(std::count_if(writes.cbegin(), writes.cend(), [](const Write &w) { return w.flash; }));
}

void LedCards::reply(const Frame &frame)
{
    QByteArray bytes = ledbar::encodeFrame(frame);
    if (takeCorrupt())
        bytes[bytes.size() - 1] = char(bytes.at(bytes.size() - 1) ^ 0x5A);
    transmit(takeGarbage() + bytes, thinkMs);
}

void LedCards::handleFrame(const Frame &request, const QByteArray &raw)
{
    requests.append(request);
    if (echo)
        transmit(raw, 0);
    const bool any = request.address == ledbar::AnyAddress;
    if (!any && request.address != ledbar::Broadcast && !addresses.contains(request.address))
        return; // no card with this address on the link
    if (any && (request.command != ledbar::cmd::Status || addresses.isEmpty()))
        return;
    const bool answer = request.address != ledbar::Broadcast;
    if (answer && takeSilence())
        return;
    if (const auto instead = answer ? takeInstead() : std::nullopt) {
        transmit(*instead, thinkMs);
        return;
    }
    if (const auto code = answer ? takeRefusal() : std::nullopt) {
        reply(ledbar::nakFor(request, quint8(*code)));
        return;
    }
    auto refuse = [&](quint8 code) {
        if (answer)
            reply(ledbar::nakFor(request, code));
    };
    switch (request.command) {
    case ledbar::cmd::Status: {
        QByteArray info;
        info.append(char(areas)).append(char(colourMode)).append(char(1)).append(char(0)); // firmware 1.0
        Frame ack = ledbar::ackFor(request, info);
        if (any)
            ack.address = quint8(addresses.first());
        reply(ack);
        return;
    }
    case ledbar::cmd::WriteRam:
    case ledbar::cmd::WriteFlash: {
        const bool flash = request.command == ledbar::cmd::WriteFlash;
        if (request.toFlash() != flash)
            return refuse(ledbar::nak::StorageMismatch);
        if (request.areaIndex() >= areas)
            return refuse(ledbar::nak::NoSuchArea);
        ledbar::TextWrite w;
        QString error;
        if (!ledbar::parseTextPayload(request.payload, &w, &error))
            return refuse(ledbar::nak::BadLength);
        if (!ledbar::supports(colourMode, w.colour))
            return refuse(ledbar::nak::BadColour);
        const QString text = ledbar::decodeText(w.text);
        if (text.contains(QChar::ReplacementCharacter))
            return refuse(ledbar::nak::Undisplayable);
        const Shown s{text, w.colour, w.effect};
        const QList<int> targets = request.address == ledbar::Broadcast ? addresses : QList<int>{request.address};
        for (int a : targets) {
            writes.append({a, request.areaIndex(), flash, s});
            (flash ? m_flash : m_ram).insert(key(a, request.areaIndex()), s);
        }
        if (answer)
            reply(ledbar::ackFor(request));
        return;
    }
    case ledbar::cmd::ClearRam:
        m_ram.remove(key(request.address, request.areaIndex()));
        if (answer)
            reply(ledbar::ackFor(request));
        return;
    default:
        return refuse(ledbar::nak::UnknownCommand);
    }
}

LedBarEmulator::LedBarEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent)
{
}

void LedBarEmulator::unplug()
{
    PtyDevice::unplug();
    m_in.clear();
    powerCycle();
}

void LedBarEmulator::onReceived(const QByteArray &bytes)
{
    m_in += bytes;
    for (;;) {
        const QByteArray before = m_in;
        Frame f;
        qsizetype skipped = 0;
        const ledbar::Parse r = ledbar::takeFrame(m_in, &f, &skipped);
        if (r == ledbar::Parse::NeedMore)
            return;
        if (r == ledbar::Parse::Frame)
            handleFrame(f, before.mid(skipped, before.size() - skipped - m_in.size()));
        // A damaged frame is not answered: its address cannot be trusted.
    }
}

LedBarUdpEmulator::LedBarUdpEmulator(QObject *parent)
    : QObject(parent), m_port([this](const QByteArray &d) { received(d); })
{
}

LedBarUdpEmulator::~LedBarUdpEmulator() = default;

void LedBarUdpEmulator::unplug()
{
    m_port.unplug();
    powerCycle();
}

void LedBarUdpEmulator::received(const QByteArray &datagram)
{
    QByteArray buffer = datagram;
    Frame f;
    // One frame a datagram; a datagram that is no frame is dropped like line noise.
    if (ledbar::takeFrame(buffer, &f) == ledbar::Parse::Frame)
        handleFrame(f, datagram);
}

} // namespace hall::emulators
