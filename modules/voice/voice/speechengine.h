#pragma once

#include <voice/cliplibrary.h>
#include <voice/phrase.h>

#include <QBuffer>
#include <QObject>

QT_BEGIN_NAMESPACE
class QAudioSink;
QT_END_NAMESPACE

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

// The clip engine: renders with ClipRenderer and plays through QAudioSink on the default
// output, or, with setOutputFile(), writes each announcement as a WAV file instead (for
// machines without a sound card, and for tests and the demo).
class HALL_VOICE_EXPORT ClipEngine final : public SpeechEngine
{
    Q_OBJECT
public:
    ClipEngine(const ClipLibrary *clips, QObject *parent = nullptr);
    ~ClipEngine() override;
    // "%1" in the path is replaced by a running number.
    void setOutputFile(const QString &pathPattern) { m_outputFile = pathPattern; }
    bool say(const Announcement &a, double volume, QString *error) override;
    const ClipRenderer &renderer() const { return m_renderer; }

private:
    ClipRenderer m_renderer;
    QString m_outputFile;
    int m_written = 0;
    QAudioSink *m_sink = nullptr;
    QBuffer m_buffer;
};

} // namespace hall::voice
