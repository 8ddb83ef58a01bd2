#include "enginefactory.h"

#include <voice/clipengine.h>

#include <core/logging.h>

#ifdef HALL_VOICE_HAS_TTS
#include <voice/ttsengine.h>
#endif

namespace hall::voice {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(SpeechEngineFactory)
};

SpeechEngine *createTts(const QString &engine, const QString &voice, QObject *parent, QString *error)
{
#ifdef HALL_VOICE_HAS_TTS
    auto *tts = new TtsEngine(parent);
    if (tts->open(engine, voice, error))
        return tts;
    delete tts;
    return nullptr;
#else
    Q_UNUSED(engine);
    Q_UNUSED(voice);
    Q_UNUSED(parent);
    *error = Text::tr("This build of HallSuite has no text-to-speech (Qt TextToSpeech was not found when it was built). "
                      "Use the clip engine (voice engine \"clips\").");
    return nullptr;
#endif
}

SpeechEngine *createClips(const ClipLibrary *clips, QObject *parent, QString *error)
{
    if (!clips) {
        *error = Text::tr("The clip engine needs the voice clips, and none were loaded.");
        return nullptr;
    }
    return new ClipEngine(clips, parent);
}
} // namespace

// What createSpeechEngine() (enginefactory.cpp) calls once it has loaded this library.
extern "C" HALL_VOICE_ENGINES_EXPORT SpeechEngine *hall_voice_createSpeechEngine(const QString &name, const ClipLibrary *clips,
                                                                                 QObject *parent, QString *error)
{
    const QString kind = name.section(u':', 0, 0).trimmed().toLower();
    if (kind == QLatin1String("clips"))
        return createClips(clips, parent, error);
    if (kind == QLatin1String("tts"))
        return createTts(name.section(u':', 1, 1).trimmed(), name.section(u':', 2).trimmed(), parent, error);
    if (kind == QLatin1String("auto") || kind.isEmpty()) {
        QString why;
        if (SpeechEngine *tts = createTts({}, {}, parent, &why))
            return tts;
        qCWarning(lcVoice).noquote() << "no text-to-speech voice, the hall voice uses its clips:" << why;
        return createClips(clips, parent, error);
    }
    return nullptr; // createSpeechEngine() said why
}

} // namespace hall::voice
