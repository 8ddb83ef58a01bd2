#pragma once

#include <voice/cliplibrary.h>

#include <QVariantMap>

namespace hall::voice {

// What to say, before it becomes sound: "请{number}号到{window}号窗口办理" with its fields.
struct Announcement
{
    QString text = QStringLiteral("请{number}号到{window}号窗口办理");
    QVariantMap fields;    // number: "A001" (read letter by letter, digit by digit); window: "3" (read as a number)
    int repeat = 1;        // times the whole announcement is said
    bool recall = false;   // a recall: goes before waiting announcements
    QString id;            // for logs and signals (e.g. the ticket number)
};

// The words of an announcement as text, for every engine: fields {number} and {code} spelled
// out one character at a time with spaces between ("A001" → "A 零 零 一", so a synthesizer
// cannot read "001" as "one"), {window} and other numbers as numbers (12 → 十二), runs of
// spaces folded into one. "请{number}号到{window}号窗口办理" → "请 A 零 零 一 号到十二号窗口办理".
// False with a translated reason when the text names a field the announcement lacks.
HALL_VOICE_EXPORT bool spokenText(const Announcement &a, QString *text, QString *error);

// The pieces an announcement is said in: spokenText() cut into the library's clips, longest
// match first, in order (A001 → A 零 零 一). False with a translated reason when something
// cannot be said with these clips.
HALL_VOICE_EXPORT bool clipSequence(const Announcement &a, const ClipLibrary &clips, QStringList *names, QString *error);

// 0 → 零, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers digit by digit.
HALL_VOICE_EXPORT QString chineseNumber(int n);
// "A001" → "A零零一"; with a separator " ": "A 零 零 一".
HALL_VOICE_EXPORT QString spelledOut(const QString &code, const QString &separator = {});

} // namespace hall::voice
