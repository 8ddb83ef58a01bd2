#include "escposprotocol.h"

#include <QCoreApplication>
#include <QStringDecoder>
#include <QStringEncoder>

#if __has_include(<iconv.h>)
#include <iconv.h>
#define HALL_HAVE_ICONV 1
#endif

namespace hall::drivers::escpos {

using devices::PrintElement;

namespace {

// Messages of this file are translated in the EscPosPrinter context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(EscPosPrinter)
};

#ifdef HALL_HAVE_ICONV
QByteArray iconvConvert(const char *to, const char *from, const QByteArray &in)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == iconv_t(-1))
        return {};
    QByteArray out(in.size() * 4 + 16, Qt::Uninitialized);
    char *src = const_cast<char *>(in.constData());
    size_t srcLeft = size_t(in.size());
    char *dst = out.data();
    size_t dstLeft = size_t(out.size());
    while (srcLeft > 0) {
        if (iconv(cd, &src, &srcLeft, &dst, &dstLeft) != size_t(-1))
            break;
        if (errno != EILSEQ && errno != EINVAL)
            break;
        // Undecodable byte: skip it, as the ICU decoder substitutes it.
        ++src;
        --srcLeft;
    }
    iconv_close(cd);
    out.truncate(out.size() - qsizetype(dstLeft));
    return out;
}
#endif

char alignByte(PrintElement::Align a)
{
    return a == PrintElement::Align::Centre ? 1 : a == PrintElement::Align::Right ? 2 : 0;
}

PrintElement::Align alignOf(quint8 n)
{
    switch (n) {
    case 1: case '1': return PrintElement::Align::Centre;
    case 2: case '2': return PrintElement::Align::Right;
    default: return PrintElement::Align::Left;
    }
}

// Control characters in ticket text would become printer commands (a business name ending in
// ESC @ …): only the line break survives, as the line structure.
QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (c.unicode() >= 0x20 && c.unicode() != 0x7F)
            out.append(c);
        else if (c == u'\t')
            out.append(u' ');
    }
    return out;
}

} // namespace

QByteArray toGb18030(const QString &text)
{
    QStringEncoder enc("GB18030");
    if (enc.isValid())
        return enc.encode(text);
#ifdef HALL_HAVE_ICONV
    return iconvConvert("GB18030", "UTF-8", text.toUtf8());
#else
    return text.toLatin1();
#endif
}

QString fromGb18030(const QByteArray &bytes)
{
    QStringDecoder dec("GB18030");
    if (dec.isValid())
        return dec.decode(bytes);
#ifdef HALL_HAVE_ICONV
    return QString::fromUtf8(iconvConvert("UTF-8", "GB18030", bytes));
#else
    return QString::fromLatin1(bytes);
#endif
}

QByteArray initialize(bool chineseMode)
{
    QByteArray b("\x1B\x40", 2);
    b += chineseMode ? QByteArray("\x1C\x26", 2) : QByteArray("\x1C\x2E", 2);
    return b;
}

QByteArray encodeQr(const QByteArray &data, int moduleSize, PrintElement::QrLevel level)
{
    auto fn = [](char f, const QByteArray &params) {
        const int len = int(params.size()) + 2; // cn fn params
        QByteArray b("\x1D\x28\x6B", 3);
        b += char(len & 0xFF);
        b += char(len >> 8);
        b += '\x31';
        b += f;
        b += params;
        return b;
    };
    QByteArray b;
    b += fn('A', QByteArray("\x32\x00", 2));                      // model 2
    b += fn('C', QByteArray(1, char(moduleSize)));                // module size in dots
    b += fn('E', QByteArray(1, char('0' + int(level))));          // 48 L, 49 M, 50 Q, 51 H
    b += fn('P', QByteArray(1, '0') + data);                      // store in the symbol area
    b += fn('Q', QByteArray(1, '0'));                             // print the stored symbol
    return b;
}

QByteArray encodeJob(const devices::PrintJob &job, QString *error, bool chineseMode)
{
    QByteArray out = initialize(chineseMode);
    for (qsizetype i = 0; i < job.elements.size(); ++i) {
        const PrintElement &e = job.elements.at(i);
        switch (e.kind) {
        case PrintElement::Kind::Text: {
            if (e.scale < 1 || e.scale > MaxScale) {
                *error = Text::tr("Element %1: text size %2 is not possible (1 to %3).").arg(i + 1).arg(e.scale).arg(MaxScale);
                return {};
            }
            const QStringList lines = e.text.split(u'\n');
            for (const QString &line : lines) {
                out += ESC; out += 'a'; out += alignByte(e.align);
                out += GS; out += '!'; out += char(((e.scale - 1) << 4) | (e.scale - 1));
                out += ESC; out += 'E'; out += char(e.bold ? 1 : 0);
                out += chineseMode ? toGb18030(printable(line)) : printable(line).toLatin1();
                out += LF;
            }
            break;
        }
        case PrintElement::Kind::Qr: {
            const QByteArray data = e.text.toUtf8();
            if (data.isEmpty()) {
                *error = Text::tr("Element %1: a QR code needs data.").arg(i + 1);
                return {};
            }
            if (data.size() > MaxQrBytes) {
                *error = Text::tr("Element %1: %2 bytes are too many for a QR code (at most %3).").arg(i + 1).arg(data.size()).arg(MaxQrBytes);
                return {};
            }
            if (e.scale < 1 || e.scale > MaxQrSize) {
                *error = Text::tr("Element %1: QR module size %2 is not possible (1 to %3).").arg(i + 1).arg(e.scale).arg(MaxQrSize);
                return {};
            }
            out += ESC; out += 'a'; out += alignByte(e.align);
            out += encodeQr(data, e.scale, e.qrLevel);
            break;
        }
        case PrintElement::Kind::Feed:
            if (e.lines < 0 || e.lines > MaxFeedLines) {
                *error = Text::tr("Element %1: cannot feed %2 lines (0 to %3).").arg(i + 1).arg(e.lines).arg(MaxFeedLines);
                return {};
            }
            out += ESC; out += 'd'; out += char(e.lines);
            break;
        case PrintElement::Kind::Cut:
            out += QByteArray("\x1D\x56\x41\x00", 4); // feed to the cutter, then cut
            break;
        }
    }
    // Leave the printer in its normal modes for whatever prints next (a test page, another app).
    out += QByteArray("\x1B\x61\x00\x1D\x21\x00\x1B\x45\x00", 9);
    return out;
}

// --- status --------------------------------------------------------------------------------

QByteArray statusQuery(quint8 n)
{
    return QByteArray("\x10\x04", 2) + char(n);
}

bool isStatusByte(quint8 byte)
{
    return (byte & status::FixedMask) == status::FixedBits;
}

bool decodeStatus(quint8 n, quint8 b, PrinterStatus *s)
{
    if (!isStatusByte(b))
        return false;
    switch (n) {
    case status::Printer:
        s->offline = b & status::IsOffline;
        s->feedButton = s->feedButton || (b & status::FeedButtonPressed);
        return true;
    case status::Offline:
        s->coverOpen = b & status::CoverOpen;
        s->feedButton = s->feedButton || (b & status::FeedingByButton);
        s->paperEndStop = b & status::PaperEndStop;
        s->error = b & status::ErrorOccurred;
        return true;
    case status::Error:
        s->mechanicalError = b & status::MechanicalError;
        s->cutterError = b & status::CutterError;
        s->unrecoverable = b & status::Unrecoverable;
        s->autoRecoverable = b & status::AutoRecoverable;
        return true;
    case status::Paper:
        // Each sensor has two bits; some printers set only one of them.
        s->paperNearEnd = b & status::NearEnd;
        s->paperOut = b & status::PaperOut;
        return true;
    default:
        return false;
    }
}

quint8 encodeStatus(quint8 n, const PrinterStatus &s)
{
    quint8 b = status::FixedBits;
    switch (n) {
    case status::Printer:
        if (s.offline || s.coverOpen || s.paperEndStop || s.error)
            b |= status::IsOffline;
        if (s.feedButton)
            b |= status::FeedButtonPressed;
        break;
    case status::Offline:
        if (s.coverOpen) b |= status::CoverOpen;
        if (s.feedButton) b |= status::FeedingByButton;
        if (s.paperEndStop) b |= status::PaperEndStop;
        if (s.error || s.cutterError || s.unrecoverable || s.mechanicalError || s.autoRecoverable) b |= status::ErrorOccurred;
        break;
    case status::Error:
        if (s.mechanicalError) b |= status::MechanicalError;
        if (s.cutterError) b |= status::CutterError;
        if (s.unrecoverable) b |= status::Unrecoverable;
        if (s.autoRecoverable) b |= status::AutoRecoverable;
        break;
    case status::Paper:
        if (s.paperNearEnd) b |= status::NearEnd;
        if (s.paperOut) b |= status::PaperOut;
        break;
    }
    return b;
}

PrinterStatus::Fault PrinterStatus::fault() const
{
    if (coverOpen)
        return Fault::CoverOpen;
    if (paperOut || paperEndStop)
        return Fault::PaperOut;
    if (error || cutterError || mechanicalError || unrecoverable || autoRecoverable)
        return Fault::Error;
    // Offline while the feed button is held is the operator tearing off paper, not a fault.
    if (offline && !feedButton)
        return Fault::Offline;
    return Fault::None;
}

devices::TicketPrinter::Paper PrinterStatus::paper() const
{
    using P = devices::TicketPrinter::Paper;
    if (coverOpen)
        return P::CoverOpen;
    if (paperOut || paperEndStop)
        return P::Out;
    return paperNearEnd ? P::NearEnd : P::Ok;
}

// --- parser --------------------------------------------------------------------------------

void Parser::flushText(QList<Element> &out, bool lineEnd)
{
    if (m_text.isEmpty() && !lineEnd)
        return;
    Element e = m_text.isEmpty() ? Element{} : m_textStyle;
    if (m_text.isEmpty()) { // a bare LF ends the line (an empty one: a blank line) in the current style
        e.align = m_state.align;
        e.width = m_state.width;
        e.height = m_state.height;
        e.bold = m_state.bold;
    }
    e.kind = Element::Kind::Text;
    e.raw = m_text;
    e.text = m_state.chineseMode ? fromGb18030(m_text) : QString::fromLatin1(m_text);
    e.lineEnd = lineEnd;
    out.append(e);
    m_text.clear();
    m_state.lineHasContent = !lineEnd;
}

QList<Element> Parser::feed(const QByteArray &bytes)
{
    QList<Element> out;
    m_in += bytes;
    qsizetype i = 0;
    while (i < m_in.size()) {
        const quint8 c = quint8(m_in.at(i));
        if (c >= 0x20 || c == quint8(HT)) {
            if (m_text.isEmpty()) {
                m_textStyle = Element{};
                m_textStyle.align = m_state.align;
                m_textStyle.width = m_state.width;
                m_textStyle.height = m_state.height;
                m_textStyle.bold = m_state.bold;
            }
            m_text += char(c);
            ++i;
            continue;
        }
        m_in.remove(0, i);
        i = 0;
        const qsizetype taken = command(out);
        if (taken < 0)
            return out; // wait for the rest of the command
        m_in.remove(0, taken);
    }
    m_in.clear();
    return out;
}

QList<Element> Parser::finish()
{
    QList<Element> out;
    if (!m_in.isEmpty()) {
        ++m_unknown;
        Element e;
        e.kind = Element::Kind::Unknown;
        e.raw = m_in.left(8);
        out.append(e);
        m_in.clear();
    }
    flushText(out, false);
    return out;
}

qsizetype Parser::command(QList<Element> &out)
{
    const QByteArray &in = m_in;
    const auto at = [&in](qsizetype k) { return quint8(in.at(k)); };
    const qsizetype n = in.size();
    auto unknown = [&](qsizetype len) {
        ++m_unknown;
        Element e;
        e.kind = Element::Kind::Unknown;
        e.raw = in.left(len);
        out.append(e);
        return len;
    };
    // Attribute changes end a run of text so every run has one style.
    auto style = [&] { flushText(out, false); };

    switch (at(0)) {
    case quint8(LF):
        flushText(out, true);
        return 1;
    case quint8(CR):
        return 1; // printers set to "CR ignored", as ticket printers are
    case quint8(DLE):
        if (n < 3)
            return n < 2 || at(1) == quint8(EOT) || at(1) == 0x05 || at(1) == 0x14 ? -1 : unknown(1);
        if (at(1) == quint8(EOT)) { // real time: answered at once, the print buffer untouched
            Element e;
            e.kind = Element::Kind::StatusQuery;
            e.value = at(2);
            out.append(e);
            return 3;
        }
        if (at(1) == 0x05) // DLE ENQ n: recover from an error
            return 3;
        if (at(1) == 0x14) // DLE DC4 fn m t: real-time pulse
            return n < 5 ? -1 : 5;
        return unknown(1);
    case quint8(ESC): {
        if (n < 2)
            return -1;
        const quint8 cmd = at(1);
        switch (cmd) {
        case '@': {
            m_text.clear(); // ESC @ clears the print buffer: an unfinished line is lost
            const bool chinese = m_state.chineseMode;
            m_state = ParserState{};
            m_state.chineseMode = chinese; // a printer setting (memory switch), not a print mode
            Element e;
            e.kind = Element::Kind::Reset;
            out.append(e);
            return 2;
        }
        case '2':
            return 2; // default line spacing
        case 'E': case '!': case 'a': case 'd': case 'J': case 'G': case '-': case '3': case 'M': case 't':
        case ' ': case '{': case 'V': case 'R': case 'r': case 'c': case 'U': case 'K':
            break;
        case 'p':
            return n < 5 ? -1 : 5; // drawer kick
        default:
            return unknown(2);
        }
        if (n < 3)
            return -1;
        const quint8 v = at(2);
        switch (cmd) {
        case 'E':
            style();
            m_state.bold = v & 1;
            break;
        case '!':
            style();
            m_state.bold = v & 0x08;
            m_state.height = (v & 0x10) ? 2 : 1;
            m_state.width = (v & 0x20) ? 2 : 1;
            break;
        case 'a':
            style();
            m_state.align = alignOf(v);
            break;
        case 'd': {
            flushText(out, !m_text.isEmpty() || m_state.lineHasContent); // prints the buffer, then feeds
            Element e;
            e.kind = Element::Kind::Feed;
            e.value = v;
            out.append(e);
            break;
        }
        case 'J':
            flushText(out, !m_text.isEmpty() || m_state.lineHasContent);
            break;
        case 'K':
            return n < 3 ? -1 : 3;
        case 'c':
            return n < 4 ? -1 : 4; // ESC c 3/4/5 n: paper sensor / panel switches
        default:
            break; // underline, spacing, code page …: not part of what we compare
        }
        return 3;
    }
    case quint8(GS): {
        if (n < 2)
            return -1;
        const quint8 cmd = at(1);
        switch (cmd) {
        case '!': {
            if (n < 3)
                return -1;
            style();
            m_state.width = ((at(2) >> 4) & 0x07) + 1;
            m_state.height = (at(2) & 0x07) + 1;
            return 3;
        }
        case 'V': {
            if (n < 3)
                return -1;
            const quint8 m = at(2);
            qsizetype len = 3;
            int feedUnits = 0;
            if (m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104) {
                if (n < 4)
                    return -1;
                feedUnits = at(3);
                len = 4;
            } else if (m != 0 && m != 1 && m != 48 && m != 49) {
                return unknown(3);
            }
            flushText(out, false);
            Element e;
            e.kind = Element::Kind::Cut;
            e.partial = m == 1 || m == 49 || m == 66 || m == 98 || m == 104;
            e.value = feedUnits;
            out.append(e);
            return len;
        }
        case '(': {
            if (n < 5)
                return -1;
            const qsizetype len = at(3) | (qsizetype(at(4)) << 8);
            if (n < 5 + len)
                return -1;
            if (at(2) != 'k' || len < 2)
                return 5 + len; // other GS ( functions: their length tells where they end
            const quint8 cn = at(5), fn = at(6);
            if (cn != 0x31)
                return 5 + len; // PDF417 and other symbols
            const QByteArray params = in.mid(7, len - 2);
            switch (fn) {
            case 'A':
                if (!params.isEmpty())
                    m_state.qrModel = quint8(params.at(0)) - '0';
                break;
            case 'C':
                if (!params.isEmpty())
                    m_state.qrSize = quint8(params.at(0));
                break;
            case 'E':
                if (!params.isEmpty() && quint8(params.at(0)) >= '0' && quint8(params.at(0)) <= '3')
                    m_state.qrLevel = PrintElement::QrLevel(quint8(params.at(0)) - '0');
                break;
            case 'P':
                m_state.qrData = params.mid(1);
                break;
            case 'Q': {
                flushText(out, false);
                Element e;
                e.kind = Element::Kind::Qr;
                e.raw = m_state.qrData;
                e.text = QString::fromUtf8(m_state.qrData);
                e.align = m_state.align;
                e.width = e.height = m_state.qrSize;
                e.qrModel = m_state.qrModel;
                e.qrLevel = m_state.qrLevel;
                out.append(e);
                break;
            }
            default:
                break; // 'R': size information, nothing printed
            }
            return 5 + len;
        }
        case 'v': { // GS v 0 m xL xH yL yH d…: a raster image, skipped by its size
            if (n < 8)
                return -1;
            const qsizetype size = (at(4) | (qsizetype(at(5)) << 8)) * (at(6) | (qsizetype(at(7)) << 8));
            if (n < 8 + size)
                return -1;
            flushText(out, false);
            return 8 + size;
        }
        case 'B': case 'H': case 'h': case 'w': case 'f': case 'a': case 'r': case 'I': case 'b':
            return n < 3 ? -1 : 3;
        case 'L': case 'W': case 'P': case '$':
            return n < 4 ? -1 : 4;
        default:
            return unknown(2);
        }
    }
    case quint8(FS): {
        if (n < 2)
            return -1;
        switch (at(1)) {
        case '&':
            m_state.chineseMode = true;
            return 2;
        case '.':
            flushText(out, false);
            m_state.chineseMode = false;
            return 2;
        case '!': case 'C': case '-': case 'W':
            return n < 3 ? -1 : 3;
        case 'S':
            return n < 4 ? -1 : 4;
        default:
            return unknown(2);
        }
    }
    default:
        return unknown(1); // NUL, BEL, … outside any command
    }
}

QList<Element> parse(const QByteArray &bytes)
{
    Parser p;
    QList<Element> out = p.feed(bytes);
    out += p.finish();
    return out;
}

QList<PrintElement> toPrintElements(const QList<Element> &elements)
{
    QList<PrintElement> out;
    QList<Element> line; // the runs of the current line
    auto flushLine = [&] {
        if (line.isEmpty())
            return;
        // The empty run a line break leaves carries no text, so its style does not count.
        if (line.size() > 1 && line.last().text.isEmpty())
            line.removeLast();
        bool same = true;
        for (const Element &r : std::as_const(line))
            same = same && r.align == line.first().align && r.width == line.first().width
                && r.height == line.first().height && r.bold == line.first().bold;
        auto toText = [](const Element &r, const QString &text) {
            PrintElement p;
            p.kind = PrintElement::Kind::Text;
            p.text = text;
            p.align = r.align;
            p.scale = std::max(r.width, r.height);
            p.bold = r.bold;
            return p;
        };
        if (same) {
            QString text;
            for (const Element &r : std::as_const(line))
                text += r.text;
            out.append(toText(line.first(), text));
        } else {
            for (const Element &r : std::as_const(line))
                out.append(toText(r, r.text));
        }
        line.clear();
    };
    for (const Element &e : elements) {
        switch (e.kind) {
        case Element::Kind::Text:
            line.append(e);
            if (e.lineEnd)
                flushLine();
            break;
        case Element::Kind::Qr: {
            flushLine();
            PrintElement p;
            p.kind = PrintElement::Kind::Qr;
            p.text = e.text;
            p.align = e.align;
            p.scale = e.width;
            p.qrLevel = e.qrLevel;
            out.append(p);
            break;
        }
        case Element::Kind::Feed: {
            flushLine();
            PrintElement p;
            p.kind = PrintElement::Kind::Feed;
            p.lines = e.value;
            out.append(p);
            break;
        }
        case Element::Kind::Cut: {
            flushLine();
            PrintElement p;
            p.kind = PrintElement::Kind::Cut;
            out.append(p);
            break;
        }
        default:
            break;
        }
    }
    flushLine();
    return out;
}

} // namespace hall::drivers::escpos
