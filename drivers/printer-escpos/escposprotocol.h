#pragma once

// The ESC/POS subset a ticket printer needs (docs/protocols/escpos.md), as pure functions:
// a PrintJob encoder, the DLE EOT real-time status bytes, and a parser that turns an ESC/POS
// byte stream back into printed elements. Shared by the driver, the printer emulator in
// tests/emulators, the tests and the fuzz harness.

#include <devices/device.h>
#include <devices/ticketprinter.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace hall::drivers::escpos {

inline constexpr char LF = 0x0A, CR = 0x0D, HT = 0x09, DLE = 0x10, EOT = 0x04, ESC = 0x1B, FS = 0x1C, GS = 0x1D;
inline constexpr int MaxScale = 8;         // GS ! : 1–8 times width and height
inline constexpr int MaxQrSize = 16;       // GS ( k 1 C : module size in dots
inline constexpr int MaxQrBytes = 7089;    // a model 2 symbol (version 40, level L, numeric)
inline constexpr int MaxFeedLines = 255;   // ESC d n

// GB18030, the character set of Chinese ESC/POS printers in Chinese mode (FS &). Through ICU
// (QStringConverter) where Qt has it, otherwise through iconv.
QByteArray toGb18030(const QString &text);
QString fromGb18030(const QByteArray &bytes);

// ESC @ (reset) and FS & (Chinese character mode, so multi-byte GB18030 prints as 汉字).
QByteArray initialize(bool chineseMode = true);

// The job as ESC/POS: per element its alignment, size and emphasis are set explicitly, text is
// GB18030 ending each line with LF, a QR code is the GS ( k sequence model → size → level →
// store → print, a feed is ESC d n and a cut GS V 'A' 0 (feed to the cutter, full cut).
// Returns an empty array and a translated reason for a job the printer cannot print.
QByteArray encodeJob(const devices::PrintJob &job, QString *error, bool chineseMode = true);
// The GS ( k sequence for one QR code (without alignment).
QByteArray encodeQr(const QByteArray &data, int moduleSize, devices::PrintElement::QrLevel level);

// --- DLE EOT n: real-time status ---------------------------------------------------------
namespace status {
inline constexpr quint8 Printer = 1, Offline = 2, Error = 3, Paper = 4; // n
// Every answer byte has bits 1 and 4 on, bits 0 and 7 off.
inline constexpr quint8 FixedMask = 0x93, FixedBits = 0x12;
// n = 1
inline constexpr quint8 DrawerPin3 = 0x04, IsOffline = 0x08, WaitingRecovery = 0x20, FeedButtonPressed = 0x40;
// n = 2
inline constexpr quint8 CoverOpen = 0x04, FeedingByButton = 0x08, PaperEndStop = 0x20, ErrorOccurred = 0x40;
// n = 3
inline constexpr quint8 MechanicalError = 0x04, CutterError = 0x08, Unrecoverable = 0x20, AutoRecoverable = 0x40;
// n = 4 (each sensor is two bits)
inline constexpr quint8 NearEnd = 0x0C, PaperOut = 0x60;
} // namespace status

QByteArray statusQuery(quint8 n); // 10 04 n
bool isStatusByte(quint8 byte);

// What the printer said about itself, from one or more DLE EOT answers.
struct PrinterStatus
{
    bool offline = false;
    bool coverOpen = false;
    bool paperEndStop = false;  // printing stopped because the paper ran out
    bool error = false;         // an error occurred (details in the n = 3 byte)
    bool cutterError = false;
    bool mechanicalError = false;
    bool unrecoverable = false;
    bool autoRecoverable = false;
    bool paperNearEnd = false;
    bool paperOut = false;
    bool feedButton = false;

    // The fault that makes a ticket not count as printed; None if there is none.
    enum class Fault { None, PaperOut, CoverOpen, Error, Offline };
    Fault fault() const;
    devices::TicketPrinter::Paper paper() const;
};

// Applies the answer byte to DLE EOT n. False if the byte cannot be such an answer.
bool decodeStatus(quint8 n, quint8 byte, PrinterStatus *status);
// The answer byte a printer in `status` gives to DLE EOT n (for the emulator and tests).
quint8 encodeStatus(quint8 n, const PrinterStatus &status);

// --- Parser: an ESC/POS stream back into what a printer would put on paper -------------

struct Element
{
    enum class Kind {
        Text,        // a run of text with one set of attributes (lineEnd: it ended with LF)
        Qr,          // GS ( k 1 Q: the stored symbol printed
        Feed,        // ESC d n / LF on an empty line (lines)
        Cut,         // GS V (partial: a partial cut)
        StatusQuery, // DLE EOT n (n in `value`)
        Reset,       // ESC @
        Unknown,     // a command this parser does not know (raw: its first bytes)
    };
    Kind kind = Kind::Text;
    QString text;                 // Text: decoded from GB18030 (or Latin-1 outside Chinese mode); Qr: data as UTF-8
    QByteArray raw;               // Text and Qr: the bytes as received; Unknown: the command
    devices::PrintElement::Align align = devices::PrintElement::Align::Left;
    int width = 1, height = 1;    // Text: GS ! multipliers; Qr: module size in both
    bool bold = false;
    bool lineEnd = false;
    int qrModel = 2;
    devices::PrintElement::QrLevel qrLevel = devices::PrintElement::QrLevel::L;
    int value = 0;                // Feed: lines; Cut: feed units before the cut; StatusQuery: n
    bool partial = false;         // Cut
};

struct ParserState
{
    devices::PrintElement::Align align = devices::PrintElement::Align::Left;
    int width = 1, height = 1;
    bool bold = false;
    bool chineseMode = false;
    bool lineHasContent = false;
    int qrModel = 2, qrSize = 3;
    devices::PrintElement::QrLevel qrLevel = devices::PrintElement::QrLevel::L;
    QByteArray qrData;
};

// Feeds bytes as they arrive (any split), returns the elements completed so far. Pure: no I/O,
// no clock; an incomplete command at the end waits for the next feed().
class Parser
{
public:
    QList<Element> feed(const QByteArray &bytes);
    // The end of the stream: text not yet ended by LF is returned (lineEnd false), and an
    // incomplete command is reported as Unknown.
    QList<Element> finish();
    const ParserState &state() const { return m_state; }
    int unknownCommands() const { return m_unknown; }

private:
    void flushText(QList<Element> &out, bool lineEnd);
    // Parses one command at the front of m_in; -1: needs more bytes, else bytes taken.
    qsizetype command(QList<Element> &out);

    QByteArray m_in;
    QByteArray m_text;
    ParserState m_state;
    Element m_textStyle;
    int m_unknown = 0;
};

// The whole stream at once: parse(bytes) == feed(bytes) + finish().
QList<Element> parse(const QByteArray &bytes);
// The printed elements as PrintElements (text lines, QR codes, feeds, cuts; status queries and
// resets left out), for comparing with the job that was sent.
QList<devices::PrintElement> toPrintElements(const QList<Element> &elements);

} // namespace hall::drivers::escpos
