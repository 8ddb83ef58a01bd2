#pragma once

// The LED bar frame protocol (docs/protocols/ledbar.md): window LED bars and central display
// control cards on an RS-485 bus or behind a UDP port. Pure functions, shared by the driver,
// the emulators in tests/emulators and the fuzz harness.
//
// Frame: A5 5A | ADDR | CMD | SEQ | AREA | LEN (2, big-endian) | payload | SUM (2, big-endian)
// where SUM is the 16-bit sum of ADDR … the last payload byte. AREA: bits 0–6 the area,
// bit 7 set = flash. Replies: CMD Ack (payload: the command) or Nak (payload: command, code).

#include <devices/device.h>

#include <QByteArray>
#include <QString>

#include <optional>

namespace hall::drivers::ledbar {

inline constexpr char Header[] = "\xA5\x5A";
inline constexpr int HeaderSize = 2;
inline constexpr int FixedSize = 10;     // header, ADDR, CMD, SEQ, AREA, LEN, SUM
inline constexpr int MaxPayload = 512;
inline constexpr int MaxTextBytes = 480; // encoded text in one write
inline constexpr int MinAddress = 1, MaxAddress = 254;
inline constexpr quint8 AnyAddress = 0x00;   // status query on a point-to-point link only
inline constexpr quint8 Broadcast = 0xFF;    // never answered
inline constexpr int MaxArea = 15;
inline constexpr quint8 FlashBit = 0x80;

namespace cmd {
inline constexpr quint8 Status = 0x01;     // → Ack payload: 01, areas, colour mode, fw major, fw minor
inline constexpr quint8 WriteRam = 0x31;   // text into an area's RAM: shown at once, lost at power-off
inline constexpr quint8 WriteFlash = 0x32; // text into an area's flash: the start-up text
inline constexpr quint8 ClearRam = 0x33;
inline constexpr quint8 Ack = 0x06, Nak = 0x15;
} // namespace cmd

namespace nak {
inline constexpr quint8 Checksum = 0x01, UnknownCommand = 0x02, BadLength = 0x03, NoSuchArea = 0x04,
                        StorageMismatch = 0x05, BadColour = 0x06, Undisplayable = 0x07, Busy = 0x08,
                        FlashFailed = 0x09;
} // namespace nak

enum class Colour : quint8 { Red = 1, Green, Yellow, Blue, Magenta, Cyan, White };
enum class ColourMode : quint8 { Mono = 1, Dual = 2, Full = 3 }; // red; red/green/yellow; all seven
enum class Effect : quint8 { Static = 0, ScrollLeft = 1, Blink = 2 };
enum class Encoding { Gb2312, Gb18030 };

struct Frame
{
    quint8 address = 0;
    quint8 command = 0;
    quint8 seq = 0;
    quint8 area = 0; // with FlashBit
    QByteArray payload;

    bool toFlash() const { return area & FlashBit; }
    int areaIndex() const { return area & 0x7F; }
};

enum class Parse {
    NeedMore,    // a frame has begun but is not complete
    Frame,       // one frame taken from the front of the buffer
    BadChecksum, // a whole frame whose sum is wrong (its header is skipped)
    BadLength,   // a length beyond MaxPayload (the header is skipped)
};

QByteArray encodeFrame(const Frame &frame);
// Takes the first frame from `buffer`: bytes before a header are dropped (counted in
// *skipped). Never reads past the buffer.
Parse takeFrame(QByteArray &buffer, Frame *frame, qsizetype *skipped = nullptr);
quint16 checksum(const char *data, qsizetype size);

// Text writes: payload COLOUR EFFECT text…
struct TextWrite
{
    Colour colour = Colour::Red;
    Effect effect = Effect::Static;
    QByteArray text; // encoded (GB2312 ⊂ GB18030)
};
QByteArray encodeTextPayload(const TextWrite &write);
bool parseTextPayload(const QByteArray &payload, TextWrite *write, QString *error);
QByteArray textFrame(quint8 address, int area, bool flash, quint8 seq, const TextWrite &write);

// A card's reply to the request `request`.
struct Reply
{
    bool ack = false;
    quint8 code = 0;     // Nak: the error code
    QByteArray info;     // Ack: what follows the command byte (Status: areas, colour mode, fw)
};
// Whether `frame` answers `request` (address, sequence and command match); a frame that is no
// reply (an echo of our own request on a 2-wire bus) or answers another request is not.
bool isReplyTo(const Frame &frame, const Frame &request);
bool parseReply(const Frame &frame, Reply *reply, QString *error);
Frame ackFor(const Frame &request, const QByteArray &info = {});
Frame nakFor(const Frame &request, quint8 code);

struct Status
{
    devices::Device::Error error = devices::Device::Error::NoError;
    QString message; // translated
    bool retry = false; // worth sending the same request once more
};
Status statusOf(quint8 nakCode);

// GB18030/GB2312 text. encodeText fails on characters the encoding lacks (*bad lists them).
std::optional<QByteArray> encodeText(const QString &text, Encoding encoding, QString *bad = nullptr);
QString decodeText(const QByteArray &bytes); // GB18030; invalid bytes become U+FFFD

std::optional<Colour> colourFromName(const QString &name); // "red" … "white", case-insensitive
QString colourName(Colour colour);
std::optional<ColourMode> colourModeFromName(const QString &name); // mono, dual, full
bool supports(ColourMode mode, Colour colour);

// Where a screen address is shown: "5" (card 5, area 0) or "5:2" (card 5, area 2).
struct Target
{
    int card = 0;
    int area = 0;
};
bool parseTarget(const QString &spec, Target *target, QString *error);

// An 18-character resident ID number (17 digits and a digit or X) standing on its own. Public
// screens must never show one (D4).
bool containsIdNumber(const QString &text);

} // namespace hall::drivers::ledbar
