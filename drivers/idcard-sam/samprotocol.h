#pragma once

// The resident ID card reader SAM protocol (GA/T 467), as frames and records. Pure functions,
// shared by the driver, the pty emulator in tests/emulators and the fuzz harness.
//
// Frame: AA AA AA 96 69 | LEN (2 bytes, big-endian: the bytes after it) | payload | XOR
// where XOR is the exclusive-or of LEN and payload. Host → reader payload: CMD PARA [data];
// reader → host payload: SW1 SW2 SW3 [data], SW3 being the status (0x90 success …).

#include <devices/device.h>
#include <devices/idcard.h>

#include <QByteArray>
#include <QString>

namespace hall::drivers::sam {

inline constexpr char Preamble[] = "\xAA\xAA\xAA\x96\x69";
inline constexpr int PreambleSize = 5;
inline constexpr int MaxLength = 4096; // longest real answer: text+photo+fingerprint, 2314 bytes

namespace cmd {
inline constexpr quint8 ResetSam = 0x10, SamStatus = 0x11, SamId = 0x12;
inline constexpr quint8 Card = 0x20;       // with PARA FindCard or SelectCard
inline constexpr quint8 FindCard = 0x01, SelectCard = 0x02;
inline constexpr quint8 Read = 0x30;       // with PARA ReadText/ReadWithFingerprint
inline constexpr quint8 ReadText = 0x01, ReadWithFingerprint = 0x10;
inline constexpr quint8 SetBaud = 0x60;
inline constexpr quint8 AnyPara = 0xFF;
} // namespace cmd

namespace status {
inline constexpr quint8 Ok = 0x90, NoContent = 0x91, CardFound = 0x9F;
inline constexpr quint8 ChecksumError = 0x10, LengthError = 0x11, CommandError = 0x21, Unauthorized = 0x23,
                        Unrecognized = 0x24, CardAuthFailed = 0x31, SamAuthFailed = 0x32, InfoCheckFailed = 0x33,
                        UnknownCardType = 0x40, ReadFailed = 0x41, RandomFailed = 0x47, SamSelfTestFailed = 0x60,
                        SamNotAuthorised = 0x66, FindFailed = 0x80, SelectFailed = 0x81;
} // namespace status

enum class Parse {
    NeedMore,    // a frame has begun but is not complete
    Frame,       // one frame taken from the front of the buffer
    BadChecksum, // a whole frame whose checksum is wrong (taken from the buffer)
    BadLength,   // a length that no frame of this protocol has (the preamble is skipped)
};

// Takes the first frame from `buffer`: bytes before a preamble are dropped (counted in
// *skipped), the frame's payload goes to *payload. Never reads past the buffer.
Parse takeFrame(QByteArray &buffer, QByteArray *payload, qsizetype *skipped = nullptr);
QByteArray frame(const QByteArray &payload);

QByteArray command(quint8 command, quint8 para, const QByteArray &data = {});
QByteArray response(quint8 sw3, const QByteArray &data = {});

struct Status
{
    devices::Device::Error error = devices::Device::Error::NoError;
    QString message; // translated
};
// Every SW3 the standard defines, as an error kind and a message for the officer.
Status statusOf(quint8 sw3);

// The 256-byte text record (UCS-2, little-endian) of the three card types.
bool parseText(const QByteArray &text, devices::IdCard *card, QString *error);
QByteArray encodeText(const devices::IdCard &card);

// Read answer data: text length, photo length [, fingerprint length], then the blocks.
bool parseRead(const QByteArray &data, bool withFingerprint, devices::IdCard *card, QString *error);
QByteArray encodeRead(const devices::IdCard &card, bool withFingerprint);

QString nationName(const QString &code); // GB 3304: "01" → 汉
QString samIdString(const QByteArray &data); // 16 bytes → "05.01-20101010-0012345678-1234567890"

int baudCode(int baud); // 115200 → 0x00 … 9600 → 0x04; -1 if the reader does not support it
int baudOfCode(int code);

} // namespace hall::drivers::sam
