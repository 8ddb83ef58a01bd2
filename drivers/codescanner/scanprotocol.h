#pragma once

// Barcode/QR scanners as pure functions: options, line splitting, AIM symbology identifiers,
// payload decoding (UTF-8 / GB18030) and Linux evdev key events of keyboard-wedge scanners.
// Shared by the driver, the emulators in tests/emulators and the fuzz harness.
//
// Serial scanners send  [prefix][AIM id][code][suffix]<terminator>  per scan (CR, LF or CRLF).
// Keyboard-wedge (HID) scanners type the same characters as key presses, ending with Enter;
// KeyDecoder turns their input_event stream back into bytes, Enter becoming CR, so both
// flavours end in the same LineSplitter and decodeLine().

#include <devices/device.h>
#include <devices/evdev.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace hall::drivers::codescanner {

inline constexpr int DefaultMaxLength = 4096; // a QR code holds at most 2,953 bytes (version 40-L)
inline constexpr int DefaultIdleMs = 1000;    // a scanner sends one code within milliseconds

enum class Mode { Serial, Hid };
enum class Terminator { Auto, CR, LF, CRLF, Tab }; // Auto: CR, LF or CRLF, each ends one scan
enum class Encoding { Auto, Utf8, Gb18030 };       // Auto: UTF-8 when valid, else GB18030
enum class AltCodes { Unicode, Gb18030 };          // what an Alt+keypad number means (HID)

struct Options
{
    Mode mode = Mode::Serial;
    Terminator terminator = Terminator::Auto;
    Encoding encoding = Encoding::Auto;
    QString prefix; // stripped from every scan; a scan without it is refused
    QString suffix;
    bool aim = false; // the scanner sends AIM identifiers: take them off and report them apart
    int maxLength = DefaultMaxLength; // bytes of one scan, before decoding
    int idleMs = DefaultIdleMs;       // an unterminated scan older than this is dropped (0 = never)
    // HID only
    QString device; // evdev node, /dev/input/by-id/…-event-kbd
    bool grab = true;
    AltCodes altCodes = AltCodes::Unicode;
};

// Reads the driver's options (see docs/protocols/codescanner.md). Unknown keys and bad values
// are refused with a translated message naming the option. `port` is the configured port,
// which the HID mode takes as its node when options.device is not given.
bool parseOptions(const QVariantMap &map, const QString &port, Options *out, QString *error);

// One line as the splitter cut it: its bytes without the terminator, or an overlong line
// (more than maxLength bytes before a terminator; its bytes are dropped up to the next one).
struct Line
{
    QByteArray bytes;
    bool overlong = false;
};

// Cuts a byte stream into lines. Keeps what is not yet terminated between feeds, so a scan
// split across reads or several scans in one read come out the same.
class LineSplitter
{
public:
    explicit LineSplitter(Terminator terminator = Terminator::Auto, int maxLength = DefaultMaxLength)
        : m_terminator(terminator), m_maxLength(maxLength) {}

    QList<Line> feed(const QByteArray &chunk);
    void reset();
    bool hasPending() const { return !m_pending.isEmpty() || m_discarding; }
    qsizetype pendingSize() const { return m_pending.size(); }

private:
    bool isEnd(char c) const;

    Terminator m_terminator;
    int m_maxLength;
    QByteArray m_pending;
    bool m_discarding = false; // inside an overlong line, until its terminator
    bool m_skipLf = false;     // Auto/CRLF: a CR ended the last line; an LF right after belongs to it
    bool m_sawCr = false;      // CRLF: a CR at the end of the pending bytes, waiting for its LF
};

// A decoded scan.
struct Scan
{
    QString code;
    QString aimId; // "]Q1", "]C0" …; empty when the scanner sent none
};

// The result of decoding one line: a scan, nothing (an empty line, skipped quietly) or a
// refusal with its error kind and a translated message.
struct LineResult
{
    enum Kind { Code, Empty, Refused } kind = Empty;
    Scan scan;
    devices::Device::Error error = devices::Device::Error::NoError;
    QString message;
};

LineResult decodeLine(const Line &line, const Options &options);

// Payload bytes to text in the configured encoding; false when they are not valid text in it.
bool decodeText(const QByteArray &bytes, Encoding encoding, QString *text);

// Takes an AIM symbology identifier ("]" + code letter + modifier, ISO/IEC 15424) off the
// front of `text`. Returns the identifier, or an empty string when `text` starts with none.
QString takeAimId(QString &text);
// "]Q1" → "QR Code", "]C0" → "Code 128" … (names are not translated: they are product names).
QString symbologyName(const QString &aimId);

// Whole stream in one call: split, decode, every result in order. For the fuzz harness and
// tests; the driver feeds the splitter itself to keep state between reads.
QList<LineResult> decodeStream(const QByteArray &bytes, const Options &options);

// ---- Keyboard-wedge (HID) scanners: Linux evdev ----

// The input_event records of devices/evdev.h.
inline constexpr int EvdevEventSize = devices::InputEventSize;
inline constexpr quint16 EvKey = devices::EvKey;

// Turns key events into the bytes the scanner "typed", on a US keyboard layout: Shift and
// Caps Lock are followed, Enter (and keypad Enter) becomes CR, Tab becomes TAB, Alt + keypad
// digits become the character with that number (Unicode, or a GB18030 code for scanners in
// Chinese "Alt mode"), written as UTF-8. Keys that type nothing are ignored. Events may be
// split anywhere; partial events wait for the next feed.
class KeyDecoder
{
public:
    explicit KeyDecoder(AltCodes altCodes = AltCodes::Unicode) : m_altCodes(altCodes) {}

    QByteArray feed(const QByteArray &events);
    void reset();
    qint64 eventsSeen() const { return m_seen; }

private:
    void key(quint16 code, qint32 value, QByteArray *out);
    void finishAlt(QByteArray *out);

    AltCodes m_altCodes;
    devices::InputEventSplitter m_events;
    bool m_leftShift = false, m_rightShift = false, m_capsLock = false;
    bool m_leftAlt = false, m_rightAlt = false, m_ctrl = false;
    qint64 m_altNumber = -1; // digits typed on the keypad while Alt is held
    qint64 m_seen = 0;
};

// Pure key decoding of a whole input_event stream, for the fuzz harness.
QByteArray decodeKeyEvents(const QByteArray &events, AltCodes altCodes = AltCodes::Unicode);

} // namespace hall::drivers::codescanner
