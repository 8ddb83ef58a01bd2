#pragma once

#include <devices/ticketprinter.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QStringList>

namespace hall::devices {

// What goes on a queue ticket. The custom lines are the business's own text (materials to
// bring, a notice) and print where the template says [lines].
struct TicketFields
{
    QString hall;       // 汕尾市政务服务中心
    QString number;     // A023
    QString business;   // 户籍业务
    QString window;     // optional: the window to go to
    int ahead = -1;     // people ahead; < 0 = unknown (prints empty)
    QDateTime time;     // when the ticket was taken
    QString qr;         // URL to follow the queue on a phone; no QR code when empty
    QStringList lines;  // custom lines of the business
    QString jobId;      // the print job's id; the number when empty
};

// A ticket layout as a small text format, one printed line per template line:
//
//   # a comment
//   [centre bold x2] {hall}
//   [centre x4 bold] {number}
//   [centre] 前面还有 {ahead} 人
//   [left] {time:yyyy-MM-dd HH:mm}
//   [qr centre size=6 level=M] {qr}
//   [lines centre]
//   [feed 3]
//   [cut]
//
// Directives in the leading brackets: left, centre (center), right, bold, x1–x8 (text size),
// qr (the line's text is the QR data), size=1–16 and level=L|M|Q|H (QR), lines (the custom
// lines, in this line's style), feed [n] (0–255 lines), cut, optional (the line is left out
// when every field in it is empty), if=<field> (the line is left out when that field is empty). Fields: {hall} {number} {business} {window} {ahead}
// {time} {time:<QDateTime format>} {date} {qr}; {{ and }} are literal braces, a leading \[ or
// \# a literal bracket or hash. A line without brackets is left-aligned normal text.
class HALL_DEVICES_EXPORT TicketTemplate
{
    Q_DECLARE_TR_FUNCTIONS(TicketTemplate)
public:
    TicketTemplate() = default;

    // Parses the template text; false with a translated reason naming the line on error
    // (the template is then empty).
    bool parse(const QString &text, QString *error);
    bool isEmpty() const { return m_lines.isEmpty(); }

    PrintJob render(const TicketFields &fields) const;

    // The built-in layout (its sentences translated).
    static QString defaultText();
    static QStringList fieldNames();

private:
    struct Segment
    {
        QString literal;   // text, or the field name when isField
        QString format;    // {time:<format>}
        bool isField = false;
    };
    struct Line
    {
        PrintElement style;   // kind, align, scale, bold, lines (feed), qrLevel
        bool customLines = false;
        bool optional = false;
        QString condition;    // if=<field>: printed only when that field is not empty
        QList<Segment> segments;
    };
    bool parseLine(const QString &line, int number, QString *error);
    QString expand(const Line &line, const TicketFields &fields, bool *anyField) const;

    QList<Line> m_lines;
};

} // namespace hall::devices
