#pragma once

#include <voice/speechengine.h>
#include <voice_engines/voice_engines_export.h>

#include <QBuffer>

QT_BEGIN_NAMESPACE
class QAudioSink;
QT_END_NAMESPACE

namespace hall::voice {

// The clip engine: renders with ClipRenderer and plays through QAudioSink on the default
// output, or, with setOutputFile(), writes each announcement as a WAV file instead (for
// machines without a sound card, and for tests and the demo).
class HALL_VOICE_ENGINES_EXPORT ClipEngine final : public SpeechEngine
{
    Q_OBJECT
public:
    ClipEngine(const ClipLibrary *clips, QObject *parent = nullptr);
    ~ClipEngine() override;
    // "%1" in the path is replaced by a running number.
    Q_INVOKABLE void setOutputFile(const QString &pathPattern) { m_outputFile = pathPattern; }
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
