#include "onbonprotocol.h"

#include <QCoreApplication>

#include <algorithm>

namespace hall::drivers::onbon {

using devices::Device;

namespace {

// Messages of this file are translated in the OnbonScreen context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OnbonScreen)
};

// Little-endian fields, as every number of the protocol.
class Writer
{
public:
    Writer &u8(int v) { m_out.append(char(v & 0xFF)); return *this; }
    Writer &u16(int v) { return u8(v).u8(v >> 8); }
    Writer &u32(qint64 v) { return u16(int(v & 0xFFFF)).u16(int((v >> 16) & 0xFFFF)); }
    Writer &zeros(int n) { m_out.append(n, '\0'); return *this; }
    Writer &bytes(const QByteArray &b) { m_out.append(b); return *this; }
    QByteArray take() { return std::move(m_out); }
    qsizetype size() const { return m_out.size(); }

private:
    QByteArray m_out;
};

class Reader
{
public:
    explicit Reader(const QByteArray &in) : m_in(in) {}
    bool ok() const { return m_ok; }
    qsizetype left() const { return m_in.size() - m_at; }
    quint32 u8() { return take(1); }
    quint32 u16() { return take(2); }
    quint32 u32() { return take(4); }
    void skip(qsizetype n) { bytes(n); }
    QByteArray bytes(qsizetype n)
    {
        if (!m_ok || n < 0 || n > left()) {
            m_ok = false;
            return {};
        }
        const QByteArray b = m_in.mid(m_at, n);
        m_at += n;
        return b;
    }

private:
    quint32 take(int n)
    {
        if (!m_ok || left() < n) {
            m_ok = false;
            return 0;
        }
        quint32 v = 0;
        for (int i = 0; i < n; ++i)
            v |= quint32(quint8(m_in.at(m_at + i))) << (8 * i);
        m_at += n;
        return v;
    }
    const QByteArray &m_in;
    qsizetype m_at = 0;
    bool m_ok = true;
};

bool isSpecial(quint8 b)
{
    return b == 0xA5 || b == 0xA6 || b == 0x5A || b == 0x5B;
}

} // namespace

quint16 crc16(const char *data, qsizetype size)
{
    // CRC-16/ARC: the manuals' table-driven algorithm, computed bit by bit.
    quint16 crc = 0;
    for (qsizetype i = 0; i < size; ++i) {
        crc ^= quint8(data[i]);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? quint16((crc >> 1) ^ 0xA001) : quint16(crc >> 1);
    }
    return crc;
}

QByteArray escape(const QByteArray &raw)
{
    QByteArray out;
    out.reserve(raw.size() + raw.size() / 8);
    for (const char c : raw) {
        const quint8 b = quint8(c);
        if (isSpecial(b)) {
            // A5/A6 become A6 02/01, 5A/5B become 5B 02/01.
            out.append(char(b >= 0xA5 ? 0xA6 : 0x5B)).append(char(b == 0xA5 || b == 0x5A ? 0x02 : 0x01));
        } else {
            out.append(c);
        }
    }
    return out;
}

QByteArray encodePacket(const Packet &p)
{
    Writer w;
    w.u16(p.dst).u16(p.src).u8(p.version).u8(0).u16(p.deviceType).zeros(4).u32(p.data.size()).bytes(p.data);
    QByteArray raw = w.take();
    const quint16 crc = crc16(raw.constData(), raw.size());
    raw.append(char(crc & 0xFF)).append(char(crc >> 8));
    return raw;
}

QByteArray frameOf(const QByteArray &raw)
{
    QByteArray out(StartCount, char(FrameStart));
    out.append(escape(raw)).append(char(FrameEnd));
    return out;
}

QByteArray encodeFrame(const Packet &p)
{
    return frameOf(encodePacket(p));
}

Parse takeFrame(QByteArray &buffer, Packet *packet, qsizetype *skipped)
{
    const qsizetype at = buffer.indexOf(char(FrameStart));
    if (skipped)
        *skipped = at < 0 ? buffer.size() : at;
    if (at < 0) {
        buffer.clear();
        return Parse::NeedMore;
    }
    buffer.remove(0, at);
    qsizetype begin = 0;
    while (begin < buffer.size() && quint8(buffer.at(begin)) == FrameStart)
        ++begin;
    // Escaped content never holds a raw A5 or 5A: the first 5A ends the frame, an A5 before it
    // means the frame was cut off and a new one began.
    const qsizetype maxEscaped = 2 * qsizetype(MaxPacket);
    qsizetype end = begin;
    while (end < buffer.size()) {
        const quint8 b = quint8(buffer.at(end));
        if (b == FrameEnd)
            break;
        if (b == FrameStart) {
            buffer.remove(0, end);
            return Parse::BadLength;
        }
        ++end;
    }
    if (end >= buffer.size()) {
        if (end - begin > maxEscaped) { // no end in sight: not a frame
            buffer.clear();
            return Parse::BadLength;
        }
        return Parse::NeedMore;
    }
    QByteArray raw;
    raw.reserve(end - begin);
    bool badEscape = false;
    for (qsizetype i = begin; i < end; ++i) {
        const quint8 b = quint8(buffer.at(i));
        if (b != 0xA6 && b != 0x5B) {
            raw.append(char(b));
            continue;
        }
        const quint8 next = i + 1 < end ? quint8(buffer.at(i + 1)) : 0;
        if (next != 0x01 && next != 0x02) {
            badEscape = true;
            break;
        }
        raw.append(char(b == 0xA6 ? (next == 0x02 ? 0xA5 : 0xA6) : (next == 0x02 ? 0x5A : 0x5B)));
        ++i;
    }
    buffer.remove(0, end + 1);
    if (badEscape)
        return Parse::BadEscape;
    if (raw.size() < PacketHeaderSize + 2 || raw.size() > MaxPacket)
        return Parse::BadLength;
    Reader r(raw);
    Packet p;
    p.dst = quint16(r.u16());
    p.src = quint16(r.u16());
    p.version = quint8(r.u8());
    r.skip(1);
    p.deviceType = quint16(r.u16());
    r.skip(4);
    const quint32 len = r.u32();
    if (len != quint32(raw.size() - PacketHeaderSize - 2))
        return Parse::BadLength;
    const quint16 crc = quint16(quint8(raw.at(raw.size() - 2)) | quint8(raw.at(raw.size() - 1)) << 8);
    if (crc != crc16(raw.constData(), raw.size() - 2))
        return Parse::BadChecksum;
    p.data = raw.mid(PacketHeaderSize, len);
    *packet = p;
    return Parse::Packet;
}

QByteArray encodeRequest(const Request &q)
{
    return Writer().u8(q.wantReply ? 1 : 0).u8(q.command.group).u8(q.command.code).bytes(q.payload).take();
}

bool parseRequest(const QByteArray &data, Request *q, QString *error)
{
    if (data.size() < 3) {
        *error = Text::tr("A request of %1 bytes has no command.").arg(data.size());
        return false;
    }
    q->wantReply = data.at(0) != 0;
    q->command = {quint8(data.at(1)), quint8(data.at(2))};
    q->payload = data.mid(3);
    return true;
}

QByteArray encodeResponse(const Response &a)
{
    return Writer().u8(0).u8(a.command.group).u8(a.command.code).u16(a.status).u16(a.error).u16(int(a.data.size()))
        .bytes(a.data).take();
}

bool parseResponse(const QByteArray &data, Response *a, QString *error)
{
    Reader r(data);
    r.skip(1);
    a->command.group = quint8(r.u8());
    a->command.code = quint8(r.u8());
    a->status = quint16(r.u16());
    a->error = quint16(r.u16());
    const quint32 len = r.u16();
    if (!r.ok() || r.left() != qsizetype(len)) {
        *error = Text::tr("A response of %1 bytes whose data length (%2) does not fit.").arg(data.size()).arg(len);
        return false;
    }
    a->data = r.bytes(len);
    return true;
}

Packet replyTo(const Packet &request, const Response &response)
{
    Packet p;
    p.dst = request.src;
    p.src = request.dst;
    p.deviceType = request.deviceType;
    p.data = encodeResponse(response);
    return p;
}

bool isReplyTo(const Packet &reply, const Packet &request)
{
    if (reply.dst != request.src)
        return false;
    return request.dst == AnyScreen || request.dst == 0xFFFF || reply.src == request.dst;
}

Status statusOf(quint16 code)
{
    using E = Device::Error;
    switch (code) {
    case err::Checksum: return {E::Checksum, Text::tr("The LED controller received a damaged frame (CRC); check the wiring or the network."), true};
    case err::Busy: return {E::DeviceReported, Text::tr("The LED controller is busy; it did not take the content."), true};
    case err::OutOfGroup:
    case err::NoCommand: return {E::Protocol, Text::tr("The LED controller does not know the command; check that it is a BX-5E/BX-6E card with dynamic areas."), false};
    case err::MemoryVolume: return {E::NotSupported, Text::tr("The LED controller has no room for the area's content."), false};
    case err::Flash: return {E::DeviceReported, Text::tr("The LED controller reports a flash memory error; the card needs service."), false};
    case err::ControllerType: return {E::Configuration, Text::tr("The LED controller is of another type; check the model option."), false};
    case err::ScreenParameter: return {E::Configuration, Text::tr("The LED controller refused the area (position, size or number); check the width, height and map options against the screen."), false};
    case err::ControllerId: return {E::Configuration, Text::tr("The LED controller has another screen number; check the map option."), false};
    default:
        return {E::DeviceReported, Text::tr("The LED controller refused the command with error %1.").arg(code), false};
    }
}

namespace {

struct ModelEntry
{
    const char *name;
    quint16 type;
    Generation g;
    int areas;
};
// DeviceType values of the manuals' packet-header tables. BX-5 cards take 4 dynamic areas; the
// 6th-generation manual gives 32 (it names the 6Q; the 6E is assumed to take as many).
constexpr ModelEntry Models[] = {
    {"5E1", 0x0154, Generation::Bx5, 4},  {"5E2", 0x0254, Generation::Bx5, 4},  {"5E3", 0x0354, Generation::Bx5, 4},
    {"6E1", 0x0174, Generation::Bx6, 32}, {"6E2", 0x0274, Generation::Bx6, 32}, {"6E3", 0x0374, Generation::Bx6, 32},
    {"6E1X", 0x0474, Generation::Bx6, 32}, {"6E2X", 0x0574, Generation::Bx6, 32},
};

} // namespace

std::optional<Model> modelFromName(const QString &name)
{
    QString n = name.trimmed().toUpper();
    if (n.startsWith(QLatin1String("BX-")))
        n = n.mid(3);
    for (const ModelEntry &m : Models) {
        if (n == QLatin1String(m.name))
            return Model{QLatin1String(m.name), m.type, m.g, m.areas};
    }
    return std::nullopt;
}

QStringList modelNames()
{
    QStringList names;
    for (const ModelEntry &m : Models)
        names.append(QLatin1String(m.name));
    return names;
}

Pixels Pixels::copy(int x0, int w) const
{
    Pixels out;
    out.width = w;
    out.height = height;
    out.px = QByteArray(qsizetype(w) * height, '\0');
    for (int y = 0; y < height; ++y) {
        for (int x = std::max(0, -x0); x < w && x0 + x < width; ++x)
            out.set(x, y, at(x0 + x, y));
    }
    return out;
}

namespace {

// Bits a row takes: from the unit holding column x to the one holding the last column.
int rowUnits(int unit, int x, int width)
{
    return width <= 0 ? 0 : (x + width + unit - 1) / unit - x / unit;
}

} // namespace

qsizetype pixelBytes(Generation g, bool dual, int x, int width, int height)
{
    const int unit = g == Generation::Bx5 ? 8 : 32;
    return qsizetype(rowUnits(unit, x, width)) * (unit / 8) * height * (dual ? 2 : 1);
}

QByteArray encodePixels(Generation g, bool dual, int x, const Pixels &p)
{
    const int unit = g == Generation::Bx5 ? 8 : 32;
    const int units = rowUnits(unit, x, p.width);
    const int first = x / unit * unit; // screen column of the first bit of a row
    const int planes = dual ? 2 : 1;
    QByteArray out;
    out.reserve(pixelBytes(g, dual, x, p.width, p.height));
    // A unit's bits, leftmost in the most significant bit; 1 = dark (also outside the area).
    auto unitBits = [&](int y, int u, quint8 colour) {
        quint32 v = 0;
        for (int b = 0; b < unit; ++b) {
            const int col = first + u * unit + b - x;
            const bool lit = col >= 0 && col < p.width && (p.at(col, y) & colour);
            v = (v << 1) | (lit ? 0u : 1u);
        }
        return v;
    };
    if (g == Generation::Bx5) {
        for (int y = 0; y < p.height; ++y) {
            for (int u = 0; u < units; ++u) {
                for (int plane = 0; plane < planes; ++plane)
                    out.append(char(unitBits(y, u, plane ? Green : Red)));
            }
        }
        return out;
    }
    for (int plane = 0; plane < planes; ++plane) {
        for (int y = 0; y < p.height; ++y) {
            for (int u = 0; u < units; ++u) {
                const quint32 v = unitBits(y, u, plane ? Green : Red);
                out.append(char(v & 0xFF)).append(char((v >> 8) & 0xFF)).append(char((v >> 16) & 0xFF)).append(char(v >> 24));
            }
        }
    }
    return out;
}

bool decodePixels(Generation g, bool dual, int x, int width, int height, const QByteArray &bytes, Pixels *out)
{
    if (width <= 0 || height <= 0 || bytes.size() != pixelBytes(g, dual, x, width, height))
        return false;
    const int unit = g == Generation::Bx5 ? 8 : 32;
    const int units = rowUnits(unit, x, width);
    const int first = x / unit * unit;
    const int planes = dual ? 2 : 1;
    Pixels p;
    p.width = width;
    p.height = height;
    p.px = QByteArray(qsizetype(width) * height, '\0');
    auto take = [&](qsizetype offset, int y, int u, quint8 colour) {
        quint32 v = 0;
        if (unit == 8) {
            v = quint8(bytes.at(offset));
        } else {
            for (int i = 3; i >= 0; --i)
                v = (v << 8) | quint8(bytes.at(offset + i));
        }
        for (int b = 0; b < unit; ++b) {
            const int col = first + u * unit + b - x;
            const bool lit = !((v >> (unit - 1 - b)) & 1);
            if (col >= 0 && col < width && lit)
                p.set(col, y, quint8(p.at(col, y) | colour));
        }
    };
    qsizetype at = 0;
    if (g == Generation::Bx5) {
        for (int y = 0; y < height; ++y) {
            for (int u = 0; u < units; ++u) {
                for (int plane = 0; plane < planes; ++plane)
                    take(at++, y, u, plane ? Green : Red);
            }
        }
    } else {
        for (int plane = 0; plane < planes; ++plane) {
            for (int y = 0; y < height; ++y) {
                for (int u = 0; u < units; ++u, at += 4)
                    take(at, y, u, plane ? Green : Red);
            }
        }
    }
    *out = p;
    return true;
}

namespace {

constexpr quint8 AreaTypePicture = 0x10;
constexpr int Bx5PageParams = 13; // style … reserved, after PageDataLen
constexpr int Bx6PageParams = 18; // style … reserved, then DataOffset and DataLen

void writeAreaHead(Writer &w, const DynamicArea &a)
{
    w.u8(a.id).u8(a.runMode).u16(a.timeout).u8(a.withPrograms ? 1 : 0).u16(0) // no programme list
        .u8(a.withPrograms ? 0 : 1).zeros(4).u8(AreaTypePicture).u16(a.x).u16(a.y).u16(a.width).u16(a.height)
        .u8(0); // no frame
}

void writePageParams(Writer &w, const DynamicArea &a, const Page &p, int reserved)
{
    w.u8(0).u8(p.displayMode).u8(p.clearMode).u8(p.speed).u16(p.stayTime).u8(p.repeat)
        .u16(p.validLength ? p.validLength : a.width).zeros(reserved);
}

} // namespace

QByteArray encodeUpdateArea(Generation g, const DynamicArea &a)
{
    Writer area;
    writeAreaHead(area, a);
    if (g == Generation::Bx5) {
        area.u16(int(a.pages.size()));
        for (const Page &p : a.pages) {
            area.u32(Bx5PageParams + p.pixels.size());
            writePageParams(area, a, p, 4);
            area.bytes(p.pixels);
        }
        const QByteArray body = area.take();
        return Writer().u16(0).u32(body.size()).bytes(body).take();
    }
    // 6th generation: background, transparency, "same size", no sound, 5 reserved; then every
    // page's parameters with the offset of its pixels, which follow all parameters. AreaDataLen
    // counts the parameters only, as Onbon's own Java SDK (bx.dual.dyn.java) sends it.
    area.u8(0).u8(0).u8(0).u8(0).zeros(5).u16(int(a.pages.size()));
    QByteArray pixels;
    for (const Page &p : a.pages) {
        area.u32(Bx6PageParams + 8);
        writePageParams(area, a, p, 9);
        area.u32(pixels.size()).u32(p.pixels.size());
        pixels.append(p.pixels);
    }
    const QByteArray params = area.take();
    return Writer().u16(0).u16(1).u32(params.size()).bytes(params).bytes(pixels).take();
}

bool parseUpdateArea(Generation g, const QByteArray &payload, DynamicArea *out, QString *error)
{
    Reader r(payload);
    r.skip(2);
    if (g == Generation::Bx6 && r.u16() != 1) {
        *error = Text::tr("Only one area an update is supported.");
        return false;
    }
    const quint32 areaLen = r.u32();
    if (!r.ok() || (g == Generation::Bx5 && areaLen != quint32(r.left())) || areaLen > quint32(r.left())) {
        *error = Text::tr("The area data length %1 does not match the %2 bytes sent.").arg(areaLen).arg(r.left());
        return false;
    }
    DynamicArea a;
    a.id = quint8(r.u8());
    a.runMode = quint8(r.u8());
    a.timeout = quint16(r.u16());
    r.skip(1); // RelateAllPro: follows ImmePlay here
    const quint32 programmes = r.u16();
    r.skip(qsizetype(programmes) * 2);
    const quint32 imme = r.u8();
    a.withPrograms = imme == 0;
    r.skip(4);
    const quint32 type = r.u8();
    a.x = quint16(r.u16());
    a.y = quint16(r.u16());
    a.width = quint16(r.u16());
    a.height = quint16(r.u16());
    if (r.u8() != 0) { // a frame: flag, style, speed, step, width w, 2 reserved, w units of data
        r.skip(3);
        const quint32 fw = r.u8();
        r.skip(2 + qsizetype(fw));
    }
    if (g == Generation::Bx6) {
        r.skip(3);
        if (r.u8() != 0) {
            *error = Text::tr("Spoken text in a dynamic area is not supported.");
            return false;
        }
        r.skip(5);
    }
    const quint32 pages = r.u16();
    if (!r.ok() || type != AreaTypePicture || pages == 0) {
        *error = Text::tr("An area of type 0x%1 with %2 pages is not a picture area.").arg(type, 2, 16, QLatin1Char('0')).arg(pages);
        return false;
    }
    struct Pending { quint32 offset, length; };
    QList<Pending> spans;
    for (quint32 i = 0; i < pages && r.ok(); ++i) {
        const quint32 len = r.u32();
        Page p;
        r.skip(1);
        p.displayMode = quint8(r.u8());
        p.clearMode = quint8(r.u8());
        p.speed = quint8(r.u8());
        p.stayTime = quint16(r.u16());
        p.repeat = quint8(r.u8());
        p.validLength = quint16(r.u16());
        if (g == Generation::Bx5) {
            r.skip(4);
            if (len < quint32(Bx5PageParams)) {
                *error = Text::tr("Page %1 claims %2 bytes.").arg(i).arg(len);
                return false;
            }
            p.pixels = r.bytes(len - Bx5PageParams);
        } else {
            r.skip(9);
            const quint32 offset = r.u32();
            const quint32 length = r.u32();
            if (len != quint32(Bx6PageParams + 8)) {
                *error = Text::tr("Page %1 claims %2 bytes of parameters.").arg(i).arg(len);
                return false;
            }
            spans.append({offset, length});
        }
        a.pages.append(p);
    }
    if (g == Generation::Bx6 && r.ok()) {
        const QByteArray pixels = r.bytes(r.left());
        for (int i = 0; i < spans.size(); ++i) {
            if (qint64(spans[i].offset) + spans[i].length > pixels.size()) {
                *error = Text::tr("The pixels of page %1 lie beyond the %2 bytes sent.").arg(i).arg(pixels.size());
                return false;
            }
            a.pages[i].pixels = pixels.mid(spans[i].offset, spans[i].length);
        }
    }
    if (!r.ok() || (g == Generation::Bx5 && r.left() != 0)) {
        *error = Text::tr("The area update is cut short or too long.");
        return false;
    }
    *out = a;
    return true;
}

QByteArray encodeDeleteAreas(const QList<int> &ids)
{
    Writer w;
    w.u16(0);
    if (ids.isEmpty())
        return w.u8(0xFF).take();
    w.u8(int(ids.size()));
    for (int id : ids)
        w.u8(id);
    return w.take();
}

bool parseDeleteAreas(const QByteArray &payload, QList<int> *ids, bool *all, QString *error)
{
    Reader r(payload);
    r.skip(2);
    const quint32 n = r.u8();
    *all = n == 0xFF;
    ids->clear();
    if (!*all) {
        for (quint32 i = 0; i < n; ++i)
            ids->append(int(r.u8()));
    }
    if (!r.ok() || r.left() != 0) {
        *error = Text::tr("A delete request of %1 bytes does not match its area count.").arg(payload.size());
        return false;
    }
    return true;
}

} // namespace hall::drivers::onbon
