#include "clipengine.h"

#include <voice/wav.h>

#include <QAudioSink>
#include <QFile>
#include <QMediaDevices>
#include <QTimer>

namespace hall::voice {

ClipEngine::ClipEngine(const ClipLibrary *clips, QObject *parent) : SpeechEngine(parent), m_renderer(clips) {}

ClipEngine::~ClipEngine()
{
    if (m_sink)
        m_sink->stop();
}

bool ClipEngine::say(const Announcement &a, double volume, QString *error)
{
    Pcm pcm;
    QList<ClipRenderer::Segment> segments;
    if (!m_renderer.render(a, volume, &pcm, &segments, error))
        return false;
    if (!m_outputFile.isEmpty()) {
        QFile f(m_outputFile.contains(QLatin1String("%1")) ? m_outputFile.arg(++m_written) : m_outputFile);
        if (!f.open(QIODevice::WriteOnly) || f.write(wavFile(pcm)) < 0) {
            *error = tr("Cannot write the announcement to %1: %2").arg(f.fileName(), f.errorString());
            return false;
        }
        QTimer::singleShot(0, this, &SpeechEngine::finished);
        return true;
    }
    QAudioFormat format;
    format.setSampleRate(pcm.sampleRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull() || !device.isFormatSupported(format)) {
        *error = tr("No sound output can play the hall voice (%1 Hz mono); check the speakers.").arg(pcm.sampleRate);
        return false;
    }
    // Later: say() may be called from a finished() handler while the old sink is still inside
    // its own stateChanged.
    if (m_sink)
        m_sink->deleteLater();
    m_sink = new QAudioSink(device, format, this);
    m_buffer.close();
    m_buffer.setData(pcm.samples);
    m_buffer.open(QIODevice::ReadOnly);
    connect(m_sink, &QAudioSink::stateChanged, this, [this](QAudio::State s) {
        if (s == QAudio::IdleState || s == QAudio::StoppedState) {
            // Idle is the buffer played out; stopped with an error is the device gone.
            const QAudio::Error e = m_sink->error();
            m_sink->disconnect(this);
            m_sink->stop();
            // Queued: the listener starts the next announcement, which replaces this sink, and
            // the sink is still inside its stateChanged here.
            if (s == QAudio::StoppedState && e != QAudio::NoError && e != QAudio::UnderrunError) {
                const QString reason = tr("The sound output stopped while speaking (error %1); check the speakers.").arg(int(e));
                QMetaObject::invokeMethod(this, [this, reason] { Q_EMIT failed(reason); }, Qt::QueuedConnection);
            } else {
                QMetaObject::invokeMethod(this, &SpeechEngine::finished, Qt::QueuedConnection);
            }
        }
    });
    m_sink->start(&m_buffer);
    if (m_sink->error() != QAudio::NoError) {
        m_sink->disconnect(this);
        *error = tr("The sound output refused to play (error %1).").arg(int(m_sink->error()));
        return false;
    }
    return true;
}

} // namespace hall::voice
