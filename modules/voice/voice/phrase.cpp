#include "phrase.h"

#include <QRegularExpression>

namespace hall::voice {

namespace {
const QString digits = QStringLiteral("零一二三四五六七八九");

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Phrase)
};
} // namespace

QString chineseNumber(int n)
{
    if (n < 0 || n > 99)
        return spelledOut(QString::number(n));
    if (n < 10)
        return QString(digits.at(n));
    const QString tens = n / 10 == 1 ? QStringLiteral("十") : QString(digits.at(n / 10)) + QStringLiteral("十");
    return n % 10 ? tens + digits.at(n % 10) : tens;
}

QString spelledOut(const QString &code, const QString &separator)
{
    QString out;
    for (QChar c : code) {
        if (!out.isEmpty())
            out += separator;
        if (c >= u'0' && c <= u'9')
            out += digits.at(c.unicode() - u'0');
        else
            out += c.toUpper();
    }
    return out;
}

bool spokenText(const Announcement &a, QString *text, QString *error)
{
    static const QRegularExpression field(QStringLiteral("\\{([a-z]+)\\}"));
    QString spoken;
    qsizetype at = 0;
    for (auto it = field.globalMatch(a.text); it.hasNext();) {
        const auto m = it.next();
        spoken += a.text.mid(at, m.capturedStart() - at);
        at = m.capturedEnd();
        const QString key = m.captured(1);
        if (!a.fields.contains(key)) {
            *error = Text::tr("The announcement needs the field {%1}.").arg(key);
            return false;
        }
        const QString value = a.fields.value(key).toString().trimmed();
        bool isNumber = false;
        const int n = value.toInt(&isNumber);
        if (key == QLatin1String("number") || key == QLatin1String("code") || !isNumber)
            spoken += u' ' + spelledOut(value, QStringLiteral(" ")) + u' ';
        else
            spoken += chineseNumber(n);
    }
    spoken += a.text.mid(at);
    *text = spoken.simplified();
    return true;
}

bool clipSequence(const Announcement &a, const ClipLibrary &clips, QStringList *names, QString *error)
{
    QString spoken;
    if (!spokenText(a, &spoken, error))
        return false;

    // Cut the text into clips, longest match first; spaces and punctuation are pauses
    // the renderer adds anyway.
    names->clear();
    for (qsizetype i = 0; i < spoken.size();) {
        if (spoken.at(i).isSpace() || spoken.at(i).isPunct()) {
            ++i;
            continue;
        }
        QString found;
        int len = std::min<int>(clips.longestText(), int(spoken.size() - i));
        for (; len > 0; --len) {
            found = clips.clipFor(spoken.mid(i, len));
            if (!found.isEmpty())
                break;
        }
        if (found.isEmpty()) {
            *error = Text::tr("There is no voice clip for \"%1\" (in \"%2\"); record one or use the speech engine.").arg(spoken.at(i), spoken);
            return false;
        }
        names->append(found);
        i += len;
    }
    return true;
}

} // namespace hall::voice
