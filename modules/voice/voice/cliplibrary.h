#pragma once

#include <voice/wav.h>

#include <QCoreApplication>
#include <QHash>
#include <QStringList>

namespace hall::voice {

// The recorded or generated voice clips of one language: clips.txt names each clip and what it
// says; <name>.wav holds it. All clips share one sample rate.
class HALL_VOICE_EXPORT ClipLibrary
{
    Q_DECLARE_TR_FUNCTIONS(ClipLibrary)
public:
    // ":/voice/zh_CN" (embedded at build time) or a folder with recorded clips.
    bool load(const QString &dir, QString *error);

    bool has(const QString &name) const { return m_clips.contains(name); }
    Pcm clip(const QString &name) const { return m_clips.value(name); }
    // The clip that says `text`, or an empty string.
    QString clipFor(const QString &text) const { return m_byText.value(text); }
    // What clip `name` says.
    QString textOf(const QString &name) const { return m_byText.key(name); }
    // Longest text of any clip, for greedy matching of literal template text.
    int longestText() const { return m_longest; }
    int sampleRate() const { return m_rate; }

private:
    QHash<QString, Pcm> m_clips;
    QHash<QString, QString> m_byText;
    int m_longest = 0;
    int m_rate = 0;
};

} // namespace hall::voice
