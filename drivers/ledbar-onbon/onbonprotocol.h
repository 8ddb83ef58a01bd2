#pragma once

// Onbon (仰邦) BX-5E/BX-6E controllers: the "dynamic area" protocol (protocol version 0xF0) of
// Onbon's public 5th/6th-generation dynamic-area manuals (docs/protocols/onbon-bx.md). Pure
// functions, shared by the driver, the emulators in tests/emulators and the fuzz harness.
//
// Frame:   A5 ×8 | escaped( packet header 16 | data | CRC16 2 ) | 5A
// Packet header: DstAddr 2, SrcAddr 2, ProtocolVer 1 (F0), reserved 1, DeviceType 2,
//                reserved 4, DataLen 4 — every number little-endian.
// CRC: CRC-16/ARC (x^16 + x^15 + x^2 + 1, reflected, initial 0) of header and data, before
// escaping. Escaping: A5 → A6 02, A6 → A6 01, 5A → 5B 02, 5B → 5B 01.
// Request data:  RtnReq 1, CmdGroup 1, Cmd 1, payload.
// Response data: reserved 1, CmdGroup 1, Cmd 1, Status 2, Error 2, DataLen 2, data.

#include <devices/device.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace hall::drivers::onbon {

inline constexpr quint8 FrameStart = 0xA5, FrameEnd = 0x5A;
inline constexpr int StartCount = 8;          // A5s sent before a frame; one is enough to receive
inline constexpr int PacketHeaderSize = 16;
inline constexpr quint8 ProtocolVersion = 0xF0;
inline constexpr quint16 PcAddress = 0x8000;  // SrcAddr of the PC
inline constexpr quint16 AnyScreen = 0xFFFE;  // DstAddr and DeviceType of the manuals' ping
inline constexpr quint16 AnyDevice = 0xFFFE;
inline constexpr int MinScreen = 1, MaxScreen = 0x7FFF;
inline constexpr int MaxPacket = 60000;       // header, data and CRC, unescaped (one UDP datagram)

struct Packet
{
    quint16 dst = 0;
    quint16 src = PcAddress;
    quint8 version = ProtocolVersion;
    quint16 deviceType = AnyDevice;
    QByteArray data; // the data field: a request or a response
};

enum class Parse {
    NeedMore,    // a frame has begun but its end has not arrived
    Packet,      // one packet taken from the front of the buffer
    BadChecksum, // a whole frame whose CRC is wrong (dropped)
    BadEscape,   // A6/5B followed by something else than 01/02 (dropped)
    BadLength,   // shorter than a header, DataLen disagrees, too long, or cut by a new A5 (dropped)
};

quint16 crc16(const char *data, qsizetype size);
QByteArray escape(const QByteArray &raw);
QByteArray encodeFrame(const Packet &packet);
QByteArray encodePacket(const Packet &packet);  // header, data and CRC, before escaping
QByteArray frameOf(const QByteArray &rawPacket); // A5 ×8, escaped packet, 5A
// Takes the first frame from `buffer`: bytes before an A5 are dropped (counted in *skipped).
// Every result but NeedMore removes bytes from the buffer.
Parse takeFrame(QByteArray &buffer, Packet *packet, qsizetype *skipped = nullptr);

struct Command
{
    quint8 group = 0;
    quint8 code = 0;
    friend bool operator==(Command a, Command b) { return a.group == b.group && a.code == b.code; }
};
namespace cmd {
inline constexpr Command Ping{0xA2, 0x00};
inline constexpr Command UpdateArea{0xA7, 0x00};
inline constexpr Command DeleteAreas{0xA7, 0x01};
inline constexpr Command Ack{0xA0, 0x00};
inline constexpr Command Nack{0xA0, 0x01};
} // namespace cmd

// Error register values of a NACK (the manuals' ERR_* list).
namespace err {
inline constexpr quint16 OutOfGroup = 1, NoCommand = 2, Busy = 3, MemoryVolume = 4, Checksum = 5,
                         Flash = 7, ControllerType = 17, ScreenParameter = 18, ControllerId = 19;
} // namespace err

struct Request
{
    bool wantReply = true;
    Command command;
    QByteArray payload;
};
QByteArray encodeRequest(const Request &request);
bool parseRequest(const QByteArray &data, Request *request, QString *error);

struct Response
{
    Command command;
    quint16 status = 0; // bit 0: NACK
    quint16 error = 0;
    QByteArray data;
    bool isAck() const { return command == cmd::Ack && !(status & 1); }
    bool isNack() const { return command == cmd::Nack || (status & 1); }
};
QByteArray encodeResponse(const Response &response);
bool parseResponse(const QByteArray &data, Response *response, QString *error);
Packet replyTo(const Packet &request, const Response &response);
// Whether `reply` can answer `request`: it comes from the screen asked (any screen for a
// wildcard) and is addressed to the PC.
bool isReplyTo(const Packet &reply, const Packet &request);

struct Status
{
    devices::Device::Error error = devices::Device::Error::NoError;
    QString message; // translated
    bool retry = false;
};
Status statusOf(quint16 errorCode);

// The controllers covered, with the DeviceType of the packet header.
enum class Generation { Bx5, Bx6 };
struct Model
{
    QString name;        // "5E1" … "6E2X"
    quint16 deviceType = 0;
    Generation generation = Generation::Bx5;
    int maxAreas = 4;    // dynamic areas at once
};
std::optional<Model> modelFromName(const QString &name); // "BX-6E2", "6e2" …
QStringList modelNames();

// Pixels of one page: one byte a pixel, bit 0 red, bit 1 green (0 = dark).
struct Pixels
{
    int width = 0;
    int height = 0;
    QByteArray px;
    quint8 at(int x, int y) const { return quint8(px.at(y * width + x)); }
    void set(int x, int y, quint8 v) { px[y * width + x] = char(v); }
    Pixels copy(int x, int width) const; // columns [x, x + width), dark beyond the edges
    friend bool operator==(const Pixels &a, const Pixels &b)
    {
        return a.width == b.width && a.height == b.height && a.px == b.px;
    }
};
inline constexpr quint8 Red = 1, Green = 2;
// The page data of an area at screen column `x`: BX-5 rows of bytes (a red byte, then on a
// dual-colour card the green byte, for each 8 columns); BX-6 a red plane, then a green plane,
// of 32-bit little-endian words. The most significant bit is the leftmost pixel, 0 is lit, and
// rows are aligned to screen columns: bits outside the area are 1.
QByteArray encodePixels(Generation g, bool dual, int x, const Pixels &pixels);
qsizetype pixelBytes(Generation g, bool dual, int x, int width, int height);
bool decodePixels(Generation g, bool dual, int x, int width, int height, const QByteArray &bytes, Pixels *out);

namespace mode {
inline constexpr quint8 Static = 0x01, ScrollLeft = 0x03, ContinuousLeft = 0x04, Blink = 0x07;
} // namespace mode

struct Page
{
    quint8 displayMode = mode::Static;
    quint8 clearMode = 0;
    quint8 speed = 0;            // 0 fastest … (the manuals give no range)
    quint16 stayTime = 300;      // in 10 ms
    quint8 repeat = 1;
    quint16 validLength = 0;     // 0: the area's width
    QByteArray pixels;           // encodePixels()
};

struct DynamicArea
{
    quint8 id = 0;
    quint8 runMode = 0;          // 0: pages in a loop
    quint16 timeout = 0;         // s, for run modes 2 and 3
    bool withPrograms = false;   // ImmePlay 0 (beside the stored programmes) or 1 (alone)
    quint16 x = 0, y = 0, width = 0, height = 0;
    QList<Page> pages;
};
// The payload (after RtnReq, group, cmd) of "update dynamic area" (A7 00) for one area.
QByteArray encodeUpdateArea(Generation g, const DynamicArea &area);
bool parseUpdateArea(Generation g, const QByteArray &payload, DynamicArea *area, QString *error);
QByteArray encodeDeleteAreas(const QList<int> &ids); // empty: every area (0xFF)
bool parseDeleteAreas(const QByteArray &payload, QList<int> *ids, bool *all, QString *error);

} // namespace hall::drivers::onbon
