#include "ledbarprotocol.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QStringEncoder>

#ifdef Q_OS_UNIX
#include <iconv.h>
#endif

namespace hall::drivers::ledbar {

using devices::Device;

namespace {

// Messages of this file are translated in the LedBarScreen context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(LedBarScreen)
};

#ifdef Q_OS_UNIX
// glibc's converters, for a Qt built without ICU (QStringEncoder then knows only UTF and Latin-1).
std::optional<QByteArray> iconvConvert(const char *to, const char *from, const QByteArray &in)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == iconv_t(-1))
        return std::nullopt;
    QByteArray out(in.size() * 4 + 16, Qt::Uninitialized);
    char *src = const_cast<char *>(in.constData());
    size_t srcLeft = size_t(in.size());
    char *dst = out.data();
    size_t dstLeft = size_t(out.size());
    const size_t r = iconv(cd, &src, &srcLeft, &dst, &dstLeft);
    iconv_close(cd);
    if (r == size_t(-1))
        return std::nullopt;
    out.truncate(out.size() - qsizetype(dstLeft));
    return out;
}
#endif

const char *codecName(Encoding e)
{
    return e == Encoding::Gb2312 ? "GB2312" : "GB18030";
}

std::optional<QByteArray> encodeRaw(const QString &text, Encoding e)
{
    QStringEncoder enc(codecName(e), QStringConverter::Flag::Stateless);
    if (enc.isValid()) {
        QByteArray out = enc.encode(text);
        if (enc.hasError())
            return std::nullopt;
        return out;
    }
#ifdef Q_OS_UNIX
    return iconvConvert(codecName(e), "UTF-8", text.toUtf8());
#else
    return std::nullopt;
#endif
}

QString decodeRaw(const QByteArray &bytes, Encoding e)
{
    QStringDecoder dec(codecName(e), QStringConverter::Flag::Stateless);
    if (dec.isValid())
        return dec.decode(bytes);
#ifdef Q_OS_UNIX
    // iconv stops at the first invalid byte: convert what is valid, mark the rest.
    if (auto utf8 = iconvConvert("UTF-8", codecName(e), bytes))
        return QString::fromUtf8(*utf8);
#endif
    return QString(bytes.size(), QChar::ReplacementCharacter);
}

} // namespace

quint16 checksum(const char *data, qsizetype size)
{
    quint16 sum = 0;
    for (qsizetype i = 0; i < size; ++i)
        sum = quint16(sum + quint8(data[i]));
    return sum;
}

QByteArray encodeFrame(const Frame &f)
{
    QByteArray out(Header, HeaderSize);
    const qsizetype len = std::min<qsizetype>(f.payload.size(), MaxPayload);
    out.append(char(f.address)).append(char(f.command)).append(char(f.seq)).append(char(f.area));
    out.append(char(len >> 8)).append(char(len & 0xFF)).append(f.payload.left(len));
    const quint16 sum = checksum(out.constData() + HeaderSize, out.size() - HeaderSize);
    out.append(char(sum >> 8)).append(char(sum & 0xFF));
    return out;
}

Parse takeFrame(QByteArray &buffer, Frame *frame, qsizetype *skipped)
{
    const qsizetype at = buffer.indexOf(QByteArray::fromRawData(Header, HeaderSize));
    if (at < 0) {
        // Keep a lone A5 at the end: it may begin the next header.
        const qsizetype keep = buffer.endsWith(Header[0]) ? 1 : 0;
        const qsizetype drop = buffer.size() - keep;
        buffer.remove(0, drop);
        if (skipped)
            *skipped = drop;
        return Parse::NeedMore;
    }
    buffer.remove(0, at);
    if (skipped)
        *skipped = at;
    if (buffer.size() < FixedSize - 2)
        return Parse::NeedMore;
    const int len = (quint8(buffer.at(6)) << 8) | quint8(buffer.at(7));
    if (len > MaxPayload) {
        buffer.remove(0, HeaderSize); // not a frame: look for the next header
        return Parse::BadLength;
    }
    const qsizetype total = FixedSize + len;
    if (buffer.size() < total)
        return Parse::NeedMore;
    const quint16 expected = checksum(buffer.constData() + HeaderSize, total - HeaderSize - 2);
    const quint16 got = quint16((quint8(buffer.at(total - 2)) << 8) | quint8(buffer.at(total - 1)));
    if (got != expected) {
        // Only the header goes: a false header in line noise must not swallow the real frame
        // that starts inside what it claimed as its length.
        buffer.remove(0, HeaderSize);
        return Parse::BadChecksum;
    }
    frame->address = quint8(buffer.at(2));
    frame->command = quint8(buffer.at(3));
    frame->seq = quint8(buffer.at(4));
    frame->area = quint8(buffer.at(5));
    frame->payload = buffer.mid(8, len);
    buffer.remove(0, total);
    return Parse::Frame;
}

QByteArray encodeTextPayload(const TextWrite &w)
{
    QByteArray out;
    out.append(char(w.colour)).append(char(w.effect)).append(w.text.left(MaxTextBytes));
    return out;
}

bool parseTextPayload(const QByteArray &payload, TextWrite *w, QString *error)
{
    if (payload.size() < 2) {
        *error = Text::tr("A text write needs colour and effect bytes; it has %1 bytes.").arg(payload.size());
        return false;
    }
    const quint8 colour = quint8(payload.at(0));
    const quint8 effect = quint8(payload.at(1));
    if (colour < quint8(Colour::Red) || colour > quint8(Colour::White)) {
        *error = Text::tr("Colour code %1 is not defined.").arg(colour);
        return false;
    }
    if (effect > quint8(Effect::Blink)) {
        *error = Text::tr("Effect code %1 is not defined.").arg(effect);
        return false;
    }
    if (payload.size() - 2 > MaxTextBytes) {
        *error = Text::tr("The text has %1 bytes; an area takes at most %2.").arg(payload.size() - 2).arg(MaxTextBytes);
        return false;
    }
    w->colour = Colour(colour);
    w->effect = Effect(effect);
    w->text = payload.mid(2);
    return true;
}

QByteArray textFrame(quint8 address, int area, bool flash, quint8 seq, const TextWrite &write)
{
    Frame f;
    f.address = address;
    f.command = flash ? cmd::WriteFlash : cmd::WriteRam;
    f.seq = seq;
    f.area = quint8((area & 0x7F) | (flash ? FlashBit : 0));
    f.payload = encodeTextPayload(write);
    return encodeFrame(f);
}

bool isReplyTo(const Frame &frame, const Frame &request)
{
    if (frame.command != cmd::Ack && frame.command != cmd::Nak)
        return false;
    if (frame.seq != request.seq || frame.payload.isEmpty() || quint8(frame.payload.at(0)) != request.command)
        return false;
    // A status query to AnyAddress is answered by whichever card is there, with its address.
    return request.address == AnyAddress || frame.address == request.address;
}

bool parseReply(const Frame &frame, Reply *reply, QString *error)
{
    if (frame.command == cmd::Ack) {
        if (frame.payload.isEmpty()) {
            *error = Text::tr("An acknowledgement without the command it acknowledges.");
            return false;
        }
        reply->ack = true;
        reply->code = 0;
        reply->info = frame.payload.mid(1);
        return true;
    }
    if (frame.command == cmd::Nak) {
        if (frame.payload.size() != 2) {
            *error = Text::tr("A refusal of %1 bytes instead of 2 (command, error code).").arg(frame.payload.size());
            return false;
        }
        reply->ack = false;
        reply->code = quint8(frame.payload.at(1));
        reply->info.clear();
        return true;
    }
    *error = Text::tr("Command 0x%1 is no reply.").arg(frame.command, 2, 16, QLatin1Char('0'));
    return false;
}

Frame ackFor(const Frame &request, const QByteArray &info)
{
    Frame f;
    f.address = request.address;
    f.command = cmd::Ack;
    f.seq = request.seq;
    f.area = request.area;
    f.payload = QByteArray(1, char(request.command)) + info;
    return f;
}

Frame nakFor(const Frame &request, quint8 code)
{
    Frame f = ackFor(request);
    f.command = cmd::Nak;
    f.payload.append(char(code));
    return f;
}

Status statusOf(quint8 code)
{
    using E = Device::Error;
    switch (code) {
    case nak::Checksum: return {E::Checksum, Text::tr("The LED card received a damaged frame (checksum); check the RS-485 wiring and termination."), true};
    case nak::UnknownCommand: return {E::Protocol, Text::tr("The LED card does not know the command; check that the driver matches the card's protocol."), false};
    case nak::BadLength: return {E::Protocol, Text::tr("The LED card refused the length of the frame or of the text."), false};
    case nak::NoSuchArea: return {E::Configuration, Text::tr("The LED card has no such display area; check the screen's map option."), false};
    case nak::StorageMismatch: return {E::Protocol, Text::tr("The LED card refused a write whose RAM/flash flag contradicts its command."), false};
    case nak::BadColour: return {E::Configuration, Text::tr("The LED card cannot show this colour; check the colourMode option."), false};
    case nak::Undisplayable: return {E::DeviceReported, Text::tr("The LED card's font lacks some characters of the text."), false};
    case nak::Busy: return {E::DeviceReported, Text::tr("The LED card is busy; it did not take the text."), true};
    case nak::FlashFailed: return {E::DeviceReported, Text::tr("The LED card could not write its flash memory; the card needs service."), false};
    default:
        return {E::DeviceReported, Text::tr("The LED card refused the command with the unknown error code 0x%1.").arg(code, 2, 16, QLatin1Char('0')), false};
    }
}

std::optional<QByteArray> encodeText(const QString &text, Encoding encoding, QString *bad)
{
    auto bytes = encodeRaw(text, encoding);
    // Converters replace what they cannot map ('?', or a GB18030 four-byte form for a
    // GB2312 card): only a text that comes back unchanged is shown as written.
    if (bytes && decodeRaw(*bytes, encoding) == text)
        return bytes;
    if (bad) {
        bad->clear();
        for (qsizetype i = 0; i < text.size(); ++i) {
            const qsizetype n = text.at(i).isHighSurrogate() && i + 1 < text.size() ? 2 : 1;
            const QString c = text.mid(i, n);
            const auto b = encodeRaw(c, encoding);
            if (!b || decodeRaw(*b, encoding) != c)
                bad->append(c);
            i += n - 1;
        }
    }
    return std::nullopt;
}

QString decodeText(const QByteArray &bytes)
{
    return decodeRaw(bytes, Encoding::Gb18030);
}

std::optional<Colour> colourFromName(const QString &name)
{
    static const char *const names[] = {"red", "green", "yellow", "blue", "magenta", "cyan", "white"};
    for (int i = 0; i < 7; ++i) {
        if (name.compare(QLatin1String(names[i]), Qt::CaseInsensitive) == 0)
            return Colour(i + 1);
    }
    return std::nullopt;
}

QString colourName(Colour colour)
{
    static const char *const names[] = {"red", "green", "yellow", "blue", "magenta", "cyan", "white"};
    const int i = int(colour) - 1;
    return i >= 0 && i < 7 ? QLatin1String(names[i]) : QString();
}

std::optional<ColourMode> colourModeFromName(const QString &name)
{
    if (name.compare(QLatin1String("mono"), Qt::CaseInsensitive) == 0)
        return ColourMode::Mono;
    if (name.compare(QLatin1String("dual"), Qt::CaseInsensitive) == 0)
        return ColourMode::Dual;
    if (name.compare(QLatin1String("full"), Qt::CaseInsensitive) == 0)
        return ColourMode::Full;
    return std::nullopt;
}

bool supports(ColourMode mode, Colour colour)
{
    switch (mode) {
    case ColourMode::Mono: return colour == Colour::Red;
    case ColourMode::Dual: return colour == Colour::Red || colour == Colour::Green || colour == Colour::Yellow;
    case ColourMode::Full: return true;
    }
    return false;
}

bool parseTarget(const QString &spec, Target *target, QString *error)
{
    const QStringList parts = spec.trimmed().split(QLatin1Char(':'));
    bool okCard = false, okArea = true;
    const int card = parts.value(0).toInt(&okCard);
    const int area = parts.size() > 1 ? parts.at(1).toInt(&okArea) : 0;
    if (parts.size() > 2 || !okCard || !okArea) {
        *error = Text::tr("\"%1\" is no screen target; write the card address, optionally with an area: \"5\" or \"5:2\".").arg(spec);
        return false;
    }
    if (card < MinAddress || card > MaxAddress) {
        *error = Text::tr("Card address %1 is out of range (%2–%3).").arg(card).arg(MinAddress).arg(MaxAddress);
        return false;
    }
    if (area < 0 || area > MaxArea) {
        *error = Text::tr("Area %1 is out of range (0–%2).").arg(area).arg(MaxArea);
        return false;
    }
    target->card = card;
    target->area = area;
    return true;
}

bool containsIdNumber(const QString &text)
{
    static const QRegularExpression id(QStringLiteral("(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])"));
    return id.match(text).hasMatch();
}

} // namespace hall::drivers::ledbar
