#pragma once

// The HallSuite caller bus: hardware callers (呼叫器) and key evaluators (评价器) on one
// addressed, half-duplex RS-485 line, polled by the host. Pure functions, shared by the
// driver, the pty emulator in tests/emulators and the fuzz harness. docs/protocols/callerbus.md
// describes every byte.
//
// Frame: STX 02 | ADDR | CMD | LEN | DATA (LEN bytes) | CRC lo | CRC hi | ETX 03
// CRC-16/MODBUS over ADDR, CMD, LEN and DATA. Framing is by length: STX may occur inside a
// frame, so a receiver trusts an STX only when LEN, ETX and the CRC agree, and otherwise
// drops that one byte and looks for the next STX (resync).

#include <devices/callerbus.h>

#include <QByteArray>
#include <QString>

namespace hall::drivers::callerbus {

inline constexpr quint8 Stx = 0x02, Etx = 0x03;
inline constexpr int Overhead = 7;    // STX ADDR CMD LEN CRC CRC ETX
inline constexpr int MaxData = 32;    // longest DATA of any frame
inline constexpr int MaxFrame = Overhead + MaxData;
inline constexpr int MinAddress = 1, MaxAddress = 247; // 0 and 248…255 are reserved
inline constexpr int MaxDigits = 12;  // digits a caller sends with a key
inline constexpr int MaxText = 24;    // bytes of display text (UTF-8)
inline constexpr quint16 NoWaiting = 0xFFFF;

namespace cmd {
// Host → device
inline constexpr quint8 Poll = 0x10;         // DATA: ack seq (0 = nothing to acknowledge)
inline constexpr quint8 Display = 0x20;      // DATA: seq, flags, waiting (u16 BE), text
inline constexpr quint8 PromptRating = 0x21; // DATA: none
// Device → host
inline constexpr quint8 Ack = 0x06;          // DATA: device type
inline constexpr quint8 Nak = 0x15;          // DATA: reason
inline constexpr quint8 Key = 0x30;          // DATA: seq, key code, digits (ASCII)
inline constexpr quint8 Rating = 0x31;       // DATA: seq, rating 1…5
} // namespace cmd

namespace key {
inline constexpr quint8 Next = 0x01, Recall = 0x02, SpecialCall = 0x03, Pause = 0x04, Evaluate = 0x05,
                        Transfer = 0x06, Settings = 0x07, Query = 0x08, Digits = 0x09, Login = 0x0A;
} // namespace key

namespace nak {
inline constexpr quint8 UnknownCommand = 0x01, BadData = 0x02, NotSupported = 0x03;
} // namespace nak

namespace flag {
inline constexpr quint8 Beep = 0x01;
} // namespace flag

enum class DeviceType : quint8 { Caller = 0x01, Evaluator = 0x02 };

struct Frame
{
    quint8 address = 0;
    quint8 command = 0;
    QByteArray data;
};

enum class Parse {
    NeedMore,    // an STX has been seen but the frame is not complete yet
    Frame,       // one frame taken from the front of the buffer
    BadChecksum, // LEN and ETX fit but the CRC does not (the STX is dropped, scanning goes on)
    BadFrame,    // an STX with an impossible LEN or no ETX where it belongs (the STX is dropped)
};

// Takes the first frame from `buffer`. Bytes before an STX are dropped (counted in *skipped);
// so is the STX of anything that turns out not to be a frame, so calling again resyncs on the
// next STX. Never reads past the buffer; never keeps more than MaxFrame - 1 bytes waiting.
Parse takeFrame(QByteArray &buffer, Frame *frame, qsizetype *skipped = nullptr);
QByteArray encode(const Frame &frame); // DATA longer than MaxData is cut
quint16 crc16(const char *data, qsizetype size); // CRC-16/MODBUS

// Host → device
QByteArray poll(quint8 address, quint8 ackSeq);
QByteArray display(quint8 address, quint8 seq, const devices::CallerDisplay &display);
QByteArray promptRating(quint8 address);
// Device → host
QByteArray ack(quint8 address, DeviceType type);
QByteArray nakFrame(quint8 address, quint8 reason);
QByteArray keyReport(quint8 address, quint8 seq, devices::CallerEvent::Key key, const QByteArray &digits = {});
QByteArray ratingReport(quint8 address, quint8 seq, int rating);

// Key codes on the wire. keyCode() is 0 for Key::Rating (ratings have a frame of their own).
quint8 keyCode(devices::CallerEvent::Key key);
bool keyOfCode(quint8 code, devices::CallerEvent::Key *key);

// DATA of a Display frame → what the caller shows, and the display sequence number.
bool decodeDisplay(const QByteArray &data, devices::CallerDisplay *display, quint8 *seq);
// DATA of a Poll frame → the acknowledged sequence number.
bool decodePoll(const QByteArray &data, quint8 *ackSeq);

// A device's answer, decoded. `event.address` is the frame's address.
struct Reply
{
    enum class Type { Ack, Nak, Event };
    Type type = Type::Ack;
    DeviceType deviceType = DeviceType::Caller; // Ack
    quint8 nakReason = 0;                       // Nak
    quint8 seq = 0;                             // Event
    devices::CallerEvent event;                 // Event (key or rating)
};
// False with a translated reason for a frame that is not a valid device answer (unknown
// command, wrong DATA length, bad key code, digits that are not digits, rating out of 1…5).
bool decodeReply(const Frame &frame, Reply *reply, QString *error);

// The wire time of `bytes` bytes at `baud`, 8N1 (10 bits a byte), in whole milliseconds rounded up.
int wireMs(qsizetype bytes, int baud);

} // namespace hall::drivers::callerbus
