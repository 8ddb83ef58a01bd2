#include "callerprotocol.h"

#include <QCoreApplication>

namespace hall::drivers::callerbus {

using devices::CallerDisplay;
using devices::CallerEvent;

namespace {

// Messages of this file are translated in the CallerBusSerial context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(CallerBusSerial)
};

bool validAddress(quint8 a)
{
    return a >= MinAddress && a <= MaxAddress;
}

// Whether a whole, valid frame starts at `at` (STX there, LEN, ETX and CRC agree).
bool frameAt(const QByteArray &b, qsizetype at)
{
    if (b.size() - at < Overhead || quint8(b.at(at)) != Stx || !validAddress(quint8(b.at(at + 1))))
        return false;
    const int len = quint8(b.at(at + 3));
    const qsizetype total = Overhead + len;
    if (len > MaxData || b.size() - at < total || quint8(b.at(at + total - 1)) != Etx)
        return false;
    const quint16 crc = crc16(b.constData() + at + 1, 3 + len);
    return quint8(b.at(at + 4 + len)) == (crc & 0xFF) && quint8(b.at(at + 5 + len)) == (crc >> 8);
}

} // namespace

quint16 crc16(const char *data, qsizetype size)
{
    quint16 crc = 0xFFFF;
    for (qsizetype i = 0; i < size; ++i) {
        crc ^= quint8(data[i]);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? quint16((crc >> 1) ^ 0xA001) : quint16(crc >> 1);
    }
    return crc;
}

QByteArray encode(const Frame &frame)
{
    const QByteArray data = frame.data.left(MaxData);
    QByteArray out;
    out.reserve(Overhead + data.size());
    out.append(char(Stx)).append(char(frame.address)).append(char(frame.command)).append(char(data.size())).append(data);
    const quint16 crc = crc16(out.constData() + 1, out.size() - 1);
    out.append(char(crc & 0xFF)).append(char(crc >> 8)).append(char(Etx));
    return out;
}

Parse takeFrame(QByteArray &buffer, Frame *frame, qsizetype *skipped)
{
    qsizetype dropped = 0;
    auto finish = [&](Parse p) {
        if (skipped)
            *skipped = dropped;
        return p;
    };
    const qsizetype at = buffer.indexOf(char(Stx));
    if (at < 0) {
        dropped = buffer.size();
        buffer.clear();
        return finish(Parse::NeedMore);
    }
    buffer.remove(0, at);
    dropped = at;
    if (buffer.size() < 4)
        return finish(Parse::NeedMore);
    const int len = quint8(buffer.at(3));
    if (len > MaxData || !validAddress(quint8(buffer.at(1)))) {
        buffer.remove(0, 1);
        ++dropped;
        return finish(Parse::BadFrame);
    }
    const qsizetype total = Overhead + len;
    if (buffer.size() < total) {
        // This STX may be noise announcing a long frame that never comes; if a whole, valid
        // frame already starts at a later STX, the first one was noise.
        for (qsizetype i = 1; i + Overhead <= buffer.size(); ++i) {
            if (quint8(buffer.at(i)) == Stx && frameAt(buffer, i)) {
                buffer.remove(0, i);
                dropped += i;
                return finish(Parse::BadFrame);
            }
        }
        return finish(Parse::NeedMore);
    }
    if (quint8(buffer.at(total - 1)) != Etx) {
        buffer.remove(0, 1);
        ++dropped;
        return finish(Parse::BadFrame);
    }
    const quint16 crc = crc16(buffer.constData() + 1, 3 + len);
    if (quint8(buffer.at(4 + len)) != (crc & 0xFF) || quint8(buffer.at(5 + len)) != (crc >> 8)) {
        // Only the STX goes: the damage may be a false STX in noise with a real frame inside.
        buffer.remove(0, 1);
        ++dropped;
        return finish(Parse::BadChecksum);
    }
    if (frame) {
        frame->address = quint8(buffer.at(1));
        frame->command = quint8(buffer.at(2));
        frame->data = buffer.mid(4, len);
    }
    buffer.remove(0, total);
    return finish(Parse::Frame);
}

QByteArray poll(quint8 address, quint8 ackSeq)
{
    return encode({address, cmd::Poll, QByteArray(1, char(ackSeq))});
}

QByteArray display(quint8 address, quint8 seq, const CallerDisplay &display)
{
    QByteArray text = display.number.toUtf8();
    if (text.size() > MaxText) {
        // Cut on a character boundary: never leave half a UTF-8 sequence.
        qsizetype n = MaxText;
        while (n > 0 && (quint8(text.at(n)) & 0xC0) == 0x80)
            --n;
        text.truncate(n);
    }
    const quint16 waiting = display.waiting < 0 ? NoWaiting : quint16(std::min(display.waiting, int(NoWaiting) - 1));
    QByteArray data;
    data.append(char(seq)).append(char(display.beep ? flag::Beep : 0)).append(char(waiting >> 8)).append(char(waiting & 0xFF));
    data.append(text);
    return encode({address, cmd::Display, data});
}

QByteArray promptRating(quint8 address)
{
    return encode({address, cmd::PromptRating, {}});
}

QByteArray ack(quint8 address, DeviceType type)
{
    return encode({address, cmd::Ack, QByteArray(1, char(type))});
}

QByteArray nakFrame(quint8 address, quint8 reason)
{
    return encode({address, cmd::Nak, QByteArray(1, char(reason))});
}

QByteArray keyReport(quint8 address, quint8 seq, CallerEvent::Key key, const QByteArray &digits)
{
    QByteArray data;
    data.append(char(seq)).append(char(keyCode(key))).append(digits.left(MaxDigits));
    return encode({address, cmd::Key, data});
}

QByteArray ratingReport(quint8 address, quint8 seq, int rating)
{
    QByteArray data;
    data.append(char(seq)).append(char(rating));
    return encode({address, cmd::Rating, data});
}

quint8 keyCode(CallerEvent::Key key)
{
    using K = CallerEvent::Key;
    switch (key) {
    case K::Next: return key::Next;
    case K::Recall: return key::Recall;
    case K::SpecialCall: return key::SpecialCall;
    case K::Pause: return key::Pause;
    case K::Evaluate: return key::Evaluate;
    case K::Transfer: return key::Transfer;
    case K::Settings: return key::Settings;
    case K::Query: return key::Query;
    case K::Digits: return key::Digits;
    case K::Login: return key::Login;
    case K::Rating: return 0;
    }
    return 0;
}

bool keyOfCode(quint8 code, CallerEvent::Key *key)
{
    using K = CallerEvent::Key;
    static constexpr K keys[] = {K::Next, K::Recall, K::SpecialCall, K::Pause, K::Evaluate,
                                 K::Transfer, K::Settings, K::Query, K::Digits, K::Login};
    if (code < key::Next || code > key::Login)
        return false;
    *key = keys[code - key::Next];
    return true;
}

bool decodeDisplay(const QByteArray &data, CallerDisplay *display, quint8 *seq)
{
    if (data.size() < 4 || data.size() > 4 + MaxText)
        return false;
    *seq = quint8(data.at(0));
    const quint16 waiting = quint16((quint8(data.at(2)) << 8) | quint8(data.at(3)));
    display->beep = quint8(data.at(1)) & flag::Beep;
    display->waiting = waiting == NoWaiting ? -1 : int(waiting);
    display->number = QString::fromUtf8(data.mid(4));
    return true;
}

bool decodePoll(const QByteArray &data, quint8 *ackSeq)
{
    if (data.size() != 1)
        return false;
    *ackSeq = quint8(data.at(0));
    return true;
}

bool decodeReply(const Frame &frame, Reply *reply, QString *error)
{
    const QByteArray &d = frame.data;
    Reply r;
    r.event.address = frame.address;
    switch (frame.command) {
    case cmd::Ack:
        if (d.size() != 1 || (quint8(d.at(0)) != quint8(DeviceType::Caller) && quint8(d.at(0)) != quint8(DeviceType::Evaluator))) {
            *error = Text::tr("Device %1 sent an acknowledgement of an unknown device type.").arg(frame.address);
            return false;
        }
        r.type = Reply::Type::Ack;
        r.deviceType = DeviceType(quint8(d.at(0)));
        break;
    case cmd::Nak:
        if (d.size() != 1) {
            *error = Text::tr("Device %1 sent a refusal with %2 data bytes instead of 1.").arg(frame.address).arg(d.size());
            return false;
        }
        r.type = Reply::Type::Nak;
        r.nakReason = quint8(d.at(0));
        break;
    case cmd::Key: {
        if (d.size() < 2 || d.size() > 2 + MaxDigits || d.at(0) == 0) {
            *error = Text::tr("Caller %1 sent a key report of a wrong length.").arg(frame.address);
            return false;
        }
        if (!keyOfCode(quint8(d.at(1)), &r.event.key)) {
            *error = Text::tr("Caller %1 sent an unknown key code 0x%2.").arg(frame.address).arg(quint8(d.at(1)), 2, 16, QLatin1Char('0'));
            return false;
        }
        const QByteArray digits = d.mid(2);
        if (std::any_of(digits.cbegin(), digits.cend(), [](char c) { return c < '0' || c > '9'; })) {
            *error = Text::tr("Caller %1 sent a number with characters that are not digits.").arg(frame.address);
            return false;
        }
        r.type = Reply::Type::Event;
        r.seq = quint8(d.at(0));
        r.event.argument = QString::fromLatin1(digits);
        break;
    }
    case cmd::Rating: {
        if (d.size() != 2 || d.at(0) == 0) {
            *error = Text::tr("Evaluator %1 sent a rating of a wrong length.").arg(frame.address);
            return false;
        }
        const int rating = quint8(d.at(1));
        if (rating < 1 || rating > 5) {
            *error = Text::tr("Evaluator %1 sent rating %2; ratings are 1 to 5.").arg(frame.address).arg(rating);
            return false;
        }
        r.type = Reply::Type::Event;
        r.seq = quint8(d.at(0));
        r.event.key = CallerEvent::Key::Rating;
        r.event.rating = rating;
        break;
    }
    default:
        *error = Text::tr("Device %1 answered with unknown command 0x%2.").arg(frame.address).arg(frame.command, 2, 16, QLatin1Char('0'));
        return false;
    }
    *reply = r;
    return true;
}

int wireMs(qsizetype bytes, int baud)
{
    const qint64 bits = qint64(bytes) * 10 * 1000;
    const qint64 b = std::max(1, baud);
    return int((bits + b - 1) / b);
}

} // namespace hall::drivers::callerbus
