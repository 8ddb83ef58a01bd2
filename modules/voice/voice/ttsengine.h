#pragma once

#include <voice/speechengine.h>
#include <voice_engines/voice_engines_export.h>

#ifndef HALL_VOICE_HAS_TTS
#error "TtsEngine needs Qt TextToSpeech, which this build lacks; use createSpeechEngine() from voice/enginefactory.h"
#endif

#include <QLocale>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QTextToSpeech;
QT_END_NAMESPACE

namespace hall::voice {

// The second engine: Qt TextToSpeech with a Chinese voice (speech-dispatcher with espeak-ng's
// Mandarin on Linux). It says spokenText() — the same words as the clips, codes read one
// character at a time — `repeat` times with a pause between, at the Announcer's volume. It
// never falls back to another language: without a Chinese voice open() fails and says so.
// Keep one per process: Qt 6.4's speechd backend hands every instance's events to all of them.
class HALL_VOICE_ENGINES_EXPORT TtsEngine final : public SpeechEngine
{
    Q_OBJECT
public:
    explicit TtsEngine(QObject *parent = nullptr);
    ~TtsEngine() override;

    // Chooses the engine (`engine`, or the first installed one that has a Chinese voice) and
    // its Chinese voice (`voice` by name, or the best zh_CN / zh / Mandarin one). False with a
    // translated reason naming the engines and languages found, pointing to the clip engine.
    bool open(const QString &engine, const QString &voice, QString *error);
    void close();
    bool isOpen() const { return m_tts != nullptr; }
    QString engineName() const;
    QString voiceName() const;
    // The volume the engine reports (0–1), after the last say().
    double volume() const;
    // The QTextToSpeech in use, for diagnostics and tests; nullptr when not open.
    QTextToSpeech *textToSpeech() const { return m_tts; }

    void setRepeatGap(int ms) { m_repeatGap.setInterval(ms); }
    // How long one saying may take before it counts as failed: speech-dispatcher without a
    // working audio output stays "speaking" for ever.
    void setTimeLimit(int baseMs, int perCharacterMs) { m_limitBaseMs = baseMs; m_limitPerCharMs = perCharacterMs; }
    bool say(const Announcement &a, double volume, QString *error) override;

    // How well a voice suits the hall: 0 = not Mandarin Chinese (English, Cantonese, …),
    // higher is better. Engines name their voices differently, hence name and locale.
    static int chineseVoiceRank(const QString &name, const QLocale &locale);

private:
    enum class Phase { Idle, Starting, Speaking, Pause };
    bool speakOnce(QString *error);
    void onStateChanged(int state);
    void onError(const QString &reason);
    void fail(const QString &reason, bool stopEngine);

    QTextToSpeech *m_tts = nullptr;
    Phase m_phase = Phase::Idle;
    QString m_text;
    int m_left = 0;
    bool m_inSay = false;
    QString m_sayError;
    int m_limitBaseMs = 10000;
    int m_limitPerCharMs = 400;
    QTimer m_repeatGap;
    QTimer m_watchdog;
};

} // namespace hall::voice
