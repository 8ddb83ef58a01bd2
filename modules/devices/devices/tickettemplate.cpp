#include "tickettemplate.h"

#include <QRegularExpression>

namespace hall::devices {

namespace {
const QString DefaultTimeFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss");

// Custom lines come from the business's configuration: keep control characters out of the
// printer, keep the line structure.
QString plain(const QString &s)
{
    QString out;
    for (QChar c : s)
        out.append(c.unicode() < 0x20 || c.unicode() == 0x7F ? QChar(u' ') : c);
    return out;
}
} // namespace

QStringList TicketTemplate::fieldNames()
{
    return {QStringLiteral("hall"), QStringLiteral("number"), QStringLiteral("business"), QStringLiteral("window"),
            QStringLiteral("ahead"), QStringLiteral("time"), QStringLiteral("date"), QStringLiteral("qr")};
}

QString TicketTemplate::defaultText()
{
    QStringList t;
    t << QStringLiteral("[centre bold x2] {hall}")
      << QStringLiteral("[centre bold x4] {number}")
      << QStringLiteral("[centre x2] {business}")
      //: Ticket line; keep {window} as it is.
      << QStringLiteral("[centre optional] ") + tr("Please go to window {window}")
      //: Ticket line; keep {ahead} as it is.
      << QStringLiteral("[centre optional] ") + tr("People ahead of you: {ahead}")
      << QStringLiteral("[centre] {time}")
      << QStringLiteral("[qr centre size=6 level=M] {qr}")
      //: Ticket line under the QR code.
      << QStringLiteral("[centre if=qr] ") + tr("Scan the code to follow the queue")
      << QStringLiteral("[lines]")
      << QStringLiteral("[feed 3]")
      << QStringLiteral("[cut]");
    return t.join(u'\n');
}

bool TicketTemplate::parse(const QString &text, QString *error)
{
    m_lines.clear();
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        // Comments, and the empty "line" after a final newline, print nothing.
        if (line.startsWith(u'#') || (i == lines.size() - 1 && line.isEmpty()))
            continue;
        if (!parseLine(line, i + 1, error)) {
            m_lines.clear();
            return false;
        }
    }
    if (m_lines.isEmpty()) {
        *error = tr("The ticket template prints nothing.");
        return false;
    }
    return true;
}

bool TicketTemplate::parseLine(const QString &source, int number, QString *error)
{
    Line line;
    line.style.kind = PrintElement::Kind::Text;
    QString body = source;
    bool qrSizeGiven = false, scaleGiven = false, levelGiven = false;
    if (body.startsWith(u'[')) {
        const qsizetype close = body.indexOf(u']');
        if (close < 0) {
            *error = tr("Ticket template line %1: \"[\" without \"]\".").arg(number);
            return false;
        }
        const QStringList words = body.mid(1, close - 1).split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
        body = body.mid(close + 1).trimmed();
        bool feed = false, cut = false, qr = false;
        for (qsizetype w = 0; w < words.size(); ++w) {
            const QString word = words.at(w).toLower();
            static const QRegularExpression scaleRe(QStringLiteral("^x(\\d+)$"));
            const auto scale = scaleRe.match(word);
            if (word == QLatin1String("left")) {
                line.style.align = PrintElement::Align::Left;
            } else if (word == QLatin1String("centre") || word == QLatin1String("center")) {
                line.style.align = PrintElement::Align::Centre;
            } else if (word == QLatin1String("right")) {
                line.style.align = PrintElement::Align::Right;
            } else if (word == QLatin1String("bold")) {
                line.style.bold = true;
            } else if (word == QLatin1String("optional")) {
                line.optional = true;
            } else if (word.startsWith(QLatin1String("if="))) {
                line.condition = word.mid(3);
                if (!fieldNames().contains(line.condition)) {
                    *error = tr("Ticket template line %1: unknown field \"%2\" in if= (known: %3).")
                                 .arg(number).arg(line.condition, fieldNames().join(QLatin1String(", ")));
                    return false;
                }
            } else if (word == QLatin1String("lines")) {
                line.customLines = true;
            } else if (word == QLatin1String("qr")) {
                qr = true;
            } else if (word == QLatin1String("cut")) {
                cut = true;
            } else if (scale.hasMatch()) {
                const int s = scale.captured(1).toInt();
                if (s < 1 || s > 8) {
                    *error = tr("Ticket template line %1: text size x%2 is not possible (x1 to x8).").arg(number).arg(scale.captured(1));
                    return false;
                }
                line.style.scale = s;
                scaleGiven = true;
            } else if (word.startsWith(QLatin1String("size="))) {
                bool ok = false;
                const int s = word.mid(5).toInt(&ok);
                if (!ok || s < 1 || s > 16) {
                    *error = tr("Ticket template line %1: QR size \"%2\" is not a number from 1 to 16.").arg(number).arg(word.mid(5));
                    return false;
                }
                line.style.scale = s;
                qrSizeGiven = true;
            } else if (word.startsWith(QLatin1String("level="))) {
                const QString l = word.mid(6);
                static const QStringList levels{QStringLiteral("l"), QStringLiteral("m"), QStringLiteral("q"), QStringLiteral("h")};
                if (!levels.contains(l)) {
                    *error = tr("Ticket template line %1: QR error level \"%2\" is not L, M, Q or H.").arg(number).arg(word.mid(6).toUpper());
                    return false;
                }
                line.style.qrLevel = PrintElement::QrLevel(levels.indexOf(l));
                levelGiven = true;
            } else if (word == QLatin1String("feed") || word.startsWith(QLatin1String("feed="))) {
                feed = true;
                QString n = word.mid(5);
                if (word == QLatin1String("feed") && w + 1 < words.size() && words.at(w + 1).front().isDigit())
                    n = words.at(++w);
                if (n.isEmpty())
                    n = QStringLiteral("1");
                bool ok = false;
                line.style.lines = n.toInt(&ok);
                if (!ok || line.style.lines < 0 || line.style.lines > 255) {
                    *error = tr("Ticket template line %1: feed \"%2\" is not a number of lines from 0 to 255.").arg(number).arg(n);
                    return false;
                }
            } else {
                *error = tr("Ticket template line %1: unknown directive \"%2\" (left, centre, right, bold, x1–x8, qr, size=, "
                            "level=, lines, feed, cut, optional, if=).").arg(number).arg(words.at(w));
                return false;
            }
        }
        if (int(feed) + int(cut) + int(qr) + int(line.customLines) > 1) {
            *error = tr("Ticket template line %1: qr, lines, feed and cut each need a line of their own.").arg(number);
            return false;
        }
        if ((feed || cut || line.customLines) && !body.isEmpty()) {
            *error = tr("Ticket template line %1: [%2] takes no text after it.").arg(number)
                         .arg(feed ? QStringLiteral("feed") : cut ? QStringLiteral("cut") : QStringLiteral("lines"));
            return false;
        }
        if (qr && body.isEmpty()) {
            *error = tr("Ticket template line %1: [qr] needs the QR data after it, like {qr}.").arg(number);
            return false;
        }
        if (qr && scaleGiven) {
            *error = tr("Ticket template line %1: a QR code takes size=1–16, not a text size.").arg(number);
            return false;
        }
        if (!qr && (qrSizeGiven || levelGiven)) {
            *error = tr("Ticket template line %1: size= and level= are for QR codes; text takes x1–x8.").arg(number);
            return false;
        }
        if (feed)
            line.style.kind = PrintElement::Kind::Feed;
        else if (cut)
            line.style.kind = PrintElement::Kind::Cut;
        else if (qr) {
            line.style.kind = PrintElement::Kind::Qr;
            if (!qrSizeGiven)
                line.style.scale = 6;
        }
    } else if (body.startsWith(QLatin1String("\\[")) || body.startsWith(QLatin1String("\\#"))) {
        body.remove(0, 1);
    }

    // The text with its {fields}.
    QString literal;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const QChar c = body.at(i);
        if (c == u'{' && i + 1 < body.size() && body.at(i + 1) == u'{') {
            literal += u'{';
            ++i;
        } else if (c == u'}' && i + 1 < body.size() && body.at(i + 1) == u'}') {
            literal += u'}';
            ++i;
        } else if (c == u'}') {
            *error = tr("Ticket template line %1: \"}\" without \"{\" (write }} for a brace).").arg(number);
            return false;
        } else if (c == u'{') {
            const qsizetype end = body.indexOf(u'}', i);
            if (end < 0) {
                *error = tr("Ticket template line %1: \"{\" without \"}\" (write {{ for a brace).").arg(number);
                return false;
            }
            const QString inner = body.mid(i + 1, end - i - 1);
            const qsizetype colon = inner.indexOf(u':');
            Segment f;
            f.isField = true;
            f.literal = (colon < 0 ? inner : inner.left(colon)).trimmed();
            f.format = colon < 0 ? QString() : inner.mid(colon + 1);
            if (!fieldNames().contains(f.literal)) {
                *error = tr("Ticket template line %1: unknown field {%2} (known: %3).")
                             .arg(number).arg(f.literal, fieldNames().join(QLatin1String(", ")));
                return false;
            }
            if (!literal.isEmpty())
                line.segments.append({literal, {}, false});
            literal.clear();
            line.segments.append(f);
            i = end;
        } else {
            literal += c;
        }
    }
    if (!literal.isEmpty())
        line.segments.append({literal, {}, false});
    m_lines.append(line);
    return true;
}

QString TicketTemplate::expand(const Line &line, const TicketFields &f, bool *anyField) const
{
    QString out;
    *anyField = false;
    for (const Segment &s : line.segments) {
        if (!s.isField) {
            out += s.literal;
            continue;
        }
        QString v;
        if (s.literal == QLatin1String("hall"))
            v = f.hall;
        else if (s.literal == QLatin1String("number"))
            v = f.number;
        else if (s.literal == QLatin1String("business"))
            v = f.business;
        else if (s.literal == QLatin1String("window"))
            v = f.window;
        else if (s.literal == QLatin1String("ahead"))
            v = f.ahead >= 0 ? QString::number(f.ahead) : QString();
        else if (s.literal == QLatin1String("time"))
            v = f.time.isValid() ? f.time.toString(s.format.isEmpty() ? DefaultTimeFormat : s.format) : QString();
        else if (s.literal == QLatin1String("date"))
            v = f.time.isValid() ? f.time.toString(s.format.isEmpty() ? QStringLiteral("yyyy-MM-dd") : s.format) : QString();
        else if (s.literal == QLatin1String("qr"))
            v = f.qr;
        *anyField = *anyField || !v.isEmpty();
        out += plain(v);
    }
    return out;
}

PrintJob TicketTemplate::render(const TicketFields &fields) const
{
    PrintJob job;
    job.id = fields.jobId.isEmpty() ? fields.number : fields.jobId;
    for (const Line &line : m_lines) {
        if (line.customLines) {
            for (const QString &custom : fields.lines) {
                PrintElement e = line.style;
                e.text = plain(custom);
                job.elements.append(e);
            }
            continue;
        }
        bool anyField = false;
        const QString text = expand(line, fields, &anyField);
        if (!line.condition.isEmpty()) {
            Line probe;
            probe.segments.append({line.condition, {}, true});
            bool present = false;
            expand(probe, fields, &present);
            if (!present)
                continue;
        }
        const bool hasFields = std::any_of(line.segments.cbegin(), line.segments.cend(), [](const Segment &s) { return s.isField; });
        if (line.optional && hasFields && !anyField)
            continue;
        PrintElement e = line.style;
        if (e.kind == PrintElement::Kind::Qr) {
            if (text.trimmed().isEmpty())
                continue; // no URL to follow this queue: no code
            e.text = text;
        } else if (e.kind == PrintElement::Kind::Text) {
            e.text = text;
        }
        job.elements.append(e);
    }
    return job;
}

} // namespace hall::devices
