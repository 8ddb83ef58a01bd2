#pragma once

#include <voice/cliplibrary.h>
#include <voice/phrase.h>

#include <QObject>

namespace hall::voice {

// Says one announcement at a time; the Announcer never calls say() while the engine is busy.
class HALL_VOICE_EXPORT SpeechEngine : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Starts saying `a` at `volume` (0–1) and returns true; then exactly one of finished()
    // (it has been said) or failed() (it broke off, with a translated reason) follows. False
    // with a reason when it cannot even start: nothing is said then and neither signal follows.
    virtual bool say(const Announcement &a, double volume, QString *error) = 0;

Q_SIGNALS:
    void finished();
    void failed(const QString &reason);
};

// Turns an announcement into one PCM buffer of clips: the same words every time, offline.
class HALL_VOICE_EXPORT ClipRenderer
{
public:
    struct Segment
    {
        QString clip;
        qint64 startFrame = 0;
        qint64 frames = 0;
    };
    explicit ClipRenderer(const ClipLibrary *clips, int gapMs = 60, int repeatGapMs = 900)
        : m_clips(clips), m_gapMs(gapMs), m_repeatGapMs(repeatGapMs) {}

    bool render(const Announcement &a, double volume, Pcm *out, QList<Segment> *segments, QString *error) const;

private:
    const ClipLibrary *m_clips;
    int m_gapMs;
    int m_repeatGapMs;
};

} // namespace hall::voice
