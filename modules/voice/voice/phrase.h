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

// The pieces an announcement is said in: the exact words, in order (A001 → A 零 零 一).
// Fields {number} and {code} are read character by character, {window} and other numbers as
// numbers (12 → 十二); literal text is matched to the library's clips, longest first.
// False with a translated reason when something cannot be said with these clips.
HALL_VOICE_EXPORT bool clipSequence(const Announcement &a, const ClipLibrary &clips, QStringList *names, QString *error);

// 0 → 零, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers digit by digit.
HALL_VOICE_EXPORT QString chineseNumber(int n);
HALL_VOICE_EXPORT QString spelledOut(const QString &code); // "A001" → "A零零一"

} // namespace hall::voice
