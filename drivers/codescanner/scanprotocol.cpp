#include "scanprotocol.h"

#include <devices/options.h>

#include <QCoreApplication>
#include <QSet>
#include <QStringDecoder>
#include <QStringEncoder>

namespace hall::drivers::codescanner {

using devices::Device;

namespace {

// Messages of this file are translated in the CodeScanner context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(CodeScanner)
};

bool isAsciiAlpha(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
}

bool isAsciiAlnum(QChar c)
{
    return isAsciiAlpha(c) || (c >= u'0' && c <= u'9');
}

// Control characters that belong in codes: TAB, CR/LF (multi-line content when another
// terminator is configured), EOT, FS, GS, RS (GS1 and ISO/IEC 15434 separators).
bool allowedControl(char16_t c)
{
    return c == 0x09 || c == 0x0A || c == 0x0D || c == 0x04 || c == 0x1C || c == 0x1D || c == 0x1E;
}

QString encodingName(Encoding e)
{
    switch (e) {
    case Encoding::Utf8: return QStringLiteral("UTF-8");
    case Encoding::Gb18030: return QStringLiteral("GB18030");
    case Encoding::Auto: break;
    }
    return QStringLiteral("UTF-8 / GB18030");
}

bool gb18030Available()
{
    return QStringDecoder("GB18030").isValid();
}

} // namespace

bool parseOptions(const QVariantMap &map, const QString &port, Options *out, QString *error)
{
    // Keys read elsewhere: Transport (baud, dataBits, parity, stopBits), Device (reconnectMs),
    // PluginLoader (class).
    static const QSet<QString> known{
        QStringLiteral("mode"), QStringLiteral("terminator"), QStringLiteral("encoding"), QStringLiteral("prefix"),
        QStringLiteral("suffix"), QStringLiteral("aim"), QStringLiteral("maxLength"), QStringLiteral("idleMs"),
        QStringLiteral("device"), QStringLiteral("grab"), QStringLiteral("altCodes"), QStringLiteral("baud"),
        QStringLiteral("dataBits"), QStringLiteral("parity"), QStringLiteral("stopBits"), QStringLiteral("reconnectMs"),
        QStringLiteral("class")};
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!known.contains(it.key())) {
            *error = Text::tr("options.%1: unknown option of the codescanner driver (a typo?).").arg(it.key());
            return false;
        }
    }
    Options o;
    const QString mode = map.value(QStringLiteral("mode"), QStringLiteral("serial")).toString().toLower();
    if (mode == QLatin1String("serial")) {
        o.mode = Mode::Serial;
    } else if (mode == QLatin1String("hid")) {
        o.mode = Mode::Hid;
    } else {
        *error = Text::tr("options.mode: \"%1\" is neither \"serial\" nor \"hid\" (keyboard-wedge).").arg(map.value(QStringLiteral("mode")).toString());
        return false;
    }
    const bool hid = o.mode == Mode::Hid;
    auto notFor = [&](const QString &key, bool forHid) {
        if (!map.contains(key) || forHid == hid)
            return false;
        *error = forHid ? Text::tr("options.%1 applies to keyboard-wedge scanners (mode \"hid\") only.").arg(key)
                        : Text::tr("options.%1 applies to serial scanners only, not to mode \"hid\".").arg(key);
        return true;
    };
    for (const char *k : {"baud", "dataBits", "parity", "stopBits", "encoding"}) {
        if (notFor(QLatin1String(k), false))
            return false;
    }
    for (const char *k : {"device", "grab", "altCodes"}) {
        if (notFor(QLatin1String(k), true))
            return false;
    }

    const QString term = map.value(QStringLiteral("terminator"), QStringLiteral("auto")).toString().toLower();
    if (term == QLatin1String("auto") || (hid && term == QLatin1String("enter")))
        o.terminator = hid ? Terminator::CR : Terminator::Auto; // KeyDecoder types Enter as CR
    else if (term == QLatin1String("tab"))
        o.terminator = Terminator::Tab;
    else if (!hid && term == QLatin1String("cr"))
        o.terminator = Terminator::CR;
    else if (!hid && term == QLatin1String("lf"))
        o.terminator = Terminator::LF;
    else if (!hid && term == QLatin1String("crlf"))
        o.terminator = Terminator::CRLF;
    else {
        *error = hid ? Text::tr("options.terminator: \"%1\" is not one of enter, tab.").arg(term)
                     : Text::tr("options.terminator: \"%1\" is not one of auto, cr, lf, crlf, tab.").arg(term);
        return false;
    }

    if (hid) {
        o.encoding = Encoding::Utf8; // KeyDecoder writes UTF-8
    } else {
        const QString enc = map.value(QStringLiteral("encoding"), QStringLiteral("auto")).toString().toLower();
        if (enc == QLatin1String("auto"))
            o.encoding = Encoding::Auto;
        else if (enc == QLatin1String("utf-8") || enc == QLatin1String("utf8"))
            o.encoding = Encoding::Utf8;
        else if (enc == QLatin1String("gb18030") || enc == QLatin1String("gbk") || enc == QLatin1String("gb2312"))
            o.encoding = Encoding::Gb18030; // GB18030 is a superset of both
        else {
            *error = Text::tr("options.encoding: \"%1\" is not one of auto, utf-8, gb18030.").arg(enc);
            return false;
        }
        if (o.encoding != Encoding::Utf8 && !gb18030Available()) {
            *error = Text::tr("options.encoding: this build cannot decode GB18030 (Qt without ICU); set \"utf-8\".");
            return false;
        }
    }

    o.prefix = map.value(QStringLiteral("prefix")).toString();
    o.suffix = map.value(QStringLiteral("suffix")).toString();
    if (!devices::boolOption(map, QStringLiteral("aim"), &o.aim, error) || !devices::boolOption(map, QStringLiteral("grab"), &o.grab, error)
        || !devices::intOption(map, QStringLiteral("maxLength"), 16, 1 << 20, &o.maxLength, error)
        || !devices::intOption(map, QStringLiteral("idleMs"), 0, 600000, &o.idleMs, error))
        return false;

    if (map.contains(QStringLiteral("baud"))) {
        int baud = 0;
        if (!devices::intOption(map, QStringLiteral("baud"), 1200, 921600, &baud, error))
            return false;
        static const QList<int> rates{1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400, 460800, 921600};
        if (!rates.contains(baud)) {
            *error = Text::tr("options.baud: %1 is not a serial speed (scanners use 9600 or 115200).").arg(baud);
            return false;
        }
    }

    if (hid) {
        const QString alt = map.value(QStringLiteral("altCodes"), QStringLiteral("unicode")).toString().toLower();
        if (alt == QLatin1String("unicode")) {
            o.altCodes = AltCodes::Unicode;
        } else if (alt == QLatin1String("gb18030") || alt == QLatin1String("gbk")) {
            if (!gb18030Available()) {
                *error = Text::tr("options.altCodes: this build cannot decode GB18030 (Qt without ICU).");
                return false;
            }
            o.altCodes = AltCodes::Gb18030;
        } else {
            *error = Text::tr("options.altCodes: \"%1\" is not one of unicode, gb18030.").arg(alt);
            return false;
        }
        o.device = map.value(QStringLiteral("device")).toString();
        if (o.device.isEmpty())
            o.device = port.startsWith(QLatin1String("serial:")) ? port.mid(7) : port;
        if (o.device.isEmpty()) {
            *error = Text::tr("options.device: a keyboard-wedge scanner needs its input node, like "
                        "/dev/input/by-id/usb-…-event-kbd.");
            return false;
        }
    }
    *out = o;
    return true;
}

// ---- LineSplitter ----

bool LineSplitter::isEnd(char c) const
{
    switch (m_terminator) {
    case Terminator::Auto: return c == '\r' || c == '\n';
    case Terminator::CR: return c == '\r';
    case Terminator::LF: return c == '\n';
    case Terminator::CRLF: return c == '\n' && m_sawCr;
    case Terminator::Tab: return c == '\t';
    }
    return false;
}

QList<Line> LineSplitter::feed(const QByteArray &chunk)
{
    QList<Line> lines;
    for (const char c : chunk) {
        if (m_skipLf) {
            m_skipLf = false;
            if (c == '\n')
                continue; // the LF of a CRLF whose CR already ended the scan
        }
        if (isEnd(c)) {
            m_skipLf = c == '\r';
            m_sawCr = false;
            if (m_discarding) {
                m_discarding = false; // the end of an overlong line, already reported
                continue;
            }
            if (m_terminator == Terminator::CRLF || m_terminator == Terminator::LF) {
                if (m_pending.endsWith('\r'))
                    m_pending.chop(1);
            }
            lines.append({m_pending, false});
            m_pending.clear();
            continue;
        }
        m_sawCr = c == '\r';
        if (m_discarding)
            continue;
        m_pending.append(c);
        // A CR that may start the CRLF terminator does not count against the length.
        const qsizetype length = m_pending.size() - ((m_terminator == Terminator::CRLF || m_terminator == Terminator::LF) && m_sawCr ? 1 : 0);
        if (length > m_maxLength) {
            lines.append({m_pending.left(32), true});
            m_pending.clear();
            m_discarding = true;
        }
    }
    return lines;
}

void LineSplitter::reset()
{
    m_pending.clear();
    m_discarding = m_skipLf = m_sawCr = false;
}

// ---- Decoding ----

bool decodeText(const QByteArray &bytes, Encoding encoding, QString *text)
{
    if (encoding != Encoding::Gb18030) {
        QStringDecoder utf8(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
        QString s = utf8(bytes);
        if (!utf8.hasError()) {
            *text = s;
            return true;
        }
        if (encoding == Encoding::Utf8)
            return false;
    }
    QStringDecoder gb("GB18030", QStringConverter::Flag::Stateless);
    if (!gb.isValid())
        return false;
    QString s = gb(bytes);
    if (gb.hasError())
        return false;
    *text = s;
    return true;
}

QString takeAimId(QString &text)
{
    if (text.size() < 3 || text.at(0) != u']' || !isAsciiAlpha(text.at(1)) || !isAsciiAlnum(text.at(2)))
        return {};
    const QString id = text.left(3);
    text.remove(0, 3);
    return id;
}

QString symbologyName(const QString &aimId)
{
    if (aimId.size() < 2 || aimId.at(0) != u']')
        return {};
    switch (aimId.at(1).unicode()) {
    case u'A': return QStringLiteral("Code 39");
    case u'C': return aimId.endsWith(u'1') ? QStringLiteral("GS1-128") : QStringLiteral("Code 128");
    case u'd': return aimId.endsWith(u'2') ? QStringLiteral("GS1 DataMatrix") : QStringLiteral("Data Matrix");
    case u'E': return QStringLiteral("EAN/UPC");
    case u'e': return QStringLiteral("GS1 DataBar");
    case u'F': return QStringLiteral("Codabar");
    case u'G': return QStringLiteral("Code 93");
    case u'H': return QStringLiteral("Code 11");
    case u'h': return QStringLiteral("Han Xin");
    case u'I': return QStringLiteral("Interleaved 2 of 5");
    case u'L': return QStringLiteral("PDF417");
    case u'M': return QStringLiteral("MSI");
    case u'Q': return QStringLiteral("QR Code");
    case u'S': return QStringLiteral("Industrial 2 of 5");
    case u'z': return QStringLiteral("Aztec");
    case u'X': return QStringLiteral("Other");
    default: break;
    }
    return {};
}

LineResult decodeLine(const Line &line, const Options &options)
{
    LineResult r;
    auto refuse = [&r](Device::Error error, const QString &message) {
        r.kind = LineResult::Refused;
        r.error = error;
        r.message = message;
        return r;
    };
    if (line.overlong)
        return refuse(Device::Error::Protocol,
                      Text::tr("The scanner sent more than %1 bytes without ending the code; they were dropped. "
                         "Check that the scanner ends each scan with the configured terminator.").arg(options.maxLength));
    if (line.bytes.isEmpty())
        return r; // a stray terminator (an extra CR or LF some scanners send)
    QString text;
    if (!decodeText(line.bytes, options.encoding, &text))
        return refuse(Device::Error::Protocol,
                      Text::tr("The scan is not valid %1 text (%2 bytes); it was refused. Check the scanner's character encoding "
                         "setting.").arg(encodingName(options.encoding)).arg(line.bytes.size()));
    if (!options.prefix.isEmpty()) {
        if (!text.startsWith(options.prefix))
            return refuse(Device::Error::Protocol,
                          Text::tr("The scan does not start with the configured prefix \"%1\"; it was refused. Check the "
                             "scanner's prefix setting and options.prefix.").arg(options.prefix));
        text.remove(0, options.prefix.size());
    }
    if (options.aim)
        r.scan.aimId = takeAimId(text);
    if (!options.suffix.isEmpty()) {
        if (!text.endsWith(options.suffix))
            return refuse(Device::Error::Protocol,
                          Text::tr("The scan does not end with the configured suffix \"%1\"; it was refused. Check the "
                             "scanner's suffix setting and options.suffix.").arg(options.suffix));
        text.chop(options.suffix.size());
    }
    // After prefix and suffix, which may well be STX/ETX.
    for (const QChar c : std::as_const(text)) {
        if ((c.unicode() < 0x20 && !allowedControl(c.unicode())) || c.unicode() == 0x7F)
            return refuse(Device::Error::Protocol,
                          Text::tr("The scan contains the control character 0x%1, which no code carries; it was refused as "
                             "line noise.").arg(c.unicode(), 2, 16, QLatin1Char('0')));
    }
    if (text.isEmpty())
        return r;
    r.kind = LineResult::Code;
    r.scan.code = text;
    return r;
}

QList<LineResult> decodeStream(const QByteArray &bytes, const Options &options)
{
    LineSplitter splitter(options.terminator, options.maxLength);
    QList<LineResult> out;
    const QByteArray input = options.mode == Mode::Hid ? decodeKeyEvents(bytes, options.altCodes) : bytes;
    for (const Line &line : splitter.feed(input))
        out.append(decodeLine(line, options));
    return out;
}

// ---- KeyDecoder ----

namespace {

// Linux key codes (input-event-codes.h, a stable ABI) on a US layout: plain, with Shift.
struct KeyChar
{
    quint16 code;
    char plain;
    char shifted;
};
constexpr KeyChar usLayout[] = {
    {2, '1', '!'}, {3, '2', '@'}, {4, '3', '#'}, {5, '4', '$'}, {6, '5', '%'}, {7, '6', '^'}, {8, '7', '&'},
    {9, '8', '*'}, {10, '9', '('}, {11, '0', ')'}, {12, '-', '_'}, {13, '=', '+'}, {15, '\t', '\t'},
    {16, 'q', 'Q'}, {17, 'w', 'W'}, {18, 'e', 'E'}, {19, 'r', 'R'}, {20, 't', 'T'}, {21, 'y', 'Y'}, {22, 'u', 'U'},
    {23, 'i', 'I'}, {24, 'o', 'O'}, {25, 'p', 'P'}, {26, '[', '{'}, {27, ']', '}'}, {28, '\r', '\r'},
    {30, 'a', 'A'}, {31, 's', 'S'}, {32, 'd', 'D'}, {33, 'f', 'F'}, {34, 'g', 'G'}, {35, 'h', 'H'}, {36, 'j', 'J'},
    {37, 'k', 'K'}, {38, 'l', 'L'}, {39, ';', ':'}, {40, '\'', '"'}, {41, '`', '~'}, {43, '\\', '|'},
    {44, 'z', 'Z'}, {45, 'x', 'X'}, {46, 'c', 'C'}, {47, 'v', 'V'}, {48, 'b', 'B'}, {49, 'n', 'N'}, {50, 'm', 'M'},
    {51, ',', '<'}, {52, '.', '>'}, {53, '/', '?'}, {55, '*', '*'}, {57, ' ', ' '},
    // keypad (scanners type digits there with Num Lock on, and Alt codes always)
    {71, '7', '7'}, {72, '8', '8'}, {73, '9', '9'}, {74, '-', '-'}, {75, '4', '4'}, {76, '5', '5'}, {77, '6', '6'},
    {78, '+', '+'}, {79, '1', '1'}, {80, '2', '2'}, {81, '3', '3'}, {82, '0', '0'}, {83, '.', '.'},
    {96, '\r', '\r'}, {98, '/', '/'},
};

constexpr quint16 KeyLeftCtrl = 29, KeyLeftShift = 42, KeyRightShift = 54, KeyLeftAlt = 56, KeyCapsLock = 58,
                  KeyRightCtrl = 97, KeyRightAlt = 100;

const KeyChar *lookup(quint16 code)
{
    for (const KeyChar &k : usLayout) {
        if (k.code == code)
            return &k;
    }
    return nullptr;
}

int keypadDigit(quint16 code)
{
    switch (code) {
    case 82: return 0;
    case 79: return 1;
    case 80: return 2;
    case 81: return 3;
    case 75: return 4;
    case 76: return 5;
    case 77: return 6;
    case 71: return 7;
    case 72: return 8;
    case 73: return 9;
    default: return -1;
    }
}

} // namespace

QByteArray KeyDecoder::feed(const QByteArray &events)
{
    QByteArray out;
    for (const devices::InputEvent &e : m_events.feed(events)) {
        ++m_seen;
        if (e.type == EvKey)
            key(e.code, e.value, &out);
    }
    return out;
}

void KeyDecoder::reset()
{
    const AltCodes alt = m_altCodes;
    *this = KeyDecoder(alt);
}

void KeyDecoder::key(quint16 code, qint32 value, QByteArray *out)
{
    const bool down = value != 0; // 1 press, 2 autorepeat, 0 release
    switch (code) {
    case KeyLeftShift: m_leftShift = down; return;
    case KeyRightShift: m_rightShift = down; return;
    case KeyLeftCtrl:
    case KeyRightCtrl: m_ctrl = down; return;
    case KeyCapsLock:
        if (value == 1)
            m_capsLock = !m_capsLock;
        return;
    case KeyLeftAlt:
    case KeyRightAlt: {
        const bool wasAlt = m_leftAlt || m_rightAlt;
        (code == KeyLeftAlt ? m_leftAlt : m_rightAlt) = down;
        const bool isAlt = m_leftAlt || m_rightAlt;
        if (!wasAlt && isAlt)
            m_altNumber = -1;
        else if (wasAlt && !isAlt)
            finishAlt(out);
        return;
    }
    default:
        break;
    }
    if (value != 1)
        return; // releases and autorepeat type nothing
    if (m_leftAlt || m_rightAlt) {
        const int d = keypadDigit(code);
        if (d >= 0 && m_altNumber < 100000000) // more digits than any code point: stop counting
            m_altNumber = std::max<qint64>(m_altNumber, 0) * 10 + d;
        return; // Alt + anything else is a shortcut, not text
    }
    const KeyChar *k = lookup(code);
    if (!k)
        return;
    const bool shift = m_leftShift || m_rightShift;
    char c = shift ? k->shifted : k->plain;
    if (c >= 'a' && c <= 'z' && m_capsLock)
        c = char(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z' && m_capsLock)
        c = char(c - 'A' + 'a');
    if (m_ctrl) {
        // Ctrl+letter and Ctrl+[ \ ] ^ _ type control characters: GS1 separators come as Ctrl+].
        const char u = (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
        if (u >= '@' && u <= '_')
            out->append(char(u - '@'));
        return;
    }
    out->append(c);
}

void KeyDecoder::finishAlt(QByteArray *out)
{
    const qint64 n = m_altNumber;
    m_altNumber = -1;
    if (n <= 0)
        return;
    if (m_altCodes == AltCodes::Unicode) {
        if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
            return;
        const char32_t cp = char32_t(n);
        out->append(QString::fromUcs4(&cp, 1).toUtf8());
        return;
    }
    // GB18030 "Alt mode": the number is the character's code, one, two or four bytes.
    QByteArray bytes;
    const int size = n < 0x80 ? 1 : n <= 0xFFFF ? 2 : n <= 0xFFFFFFFF ? 4 : 0;
    for (int i = size - 1; i >= 0; --i)
        bytes.append(char((n >> (8 * i)) & 0xFF));
    QStringDecoder gb("GB18030", QStringConverter::Flag::Stateless);
    const QString s = gb(bytes);
    if (gb.isValid() && !gb.hasError())
        out->append(s.toUtf8());
}

QByteArray decodeKeyEvents(const QByteArray &events, AltCodes altCodes)
{
    KeyDecoder d(altCodes);
    return d.feed(events);
}

} // namespace hall::drivers::codescanner
