#include "enginefactory.h"

#include <core/lazylibrary.h>

#include <QCoreApplication>

namespace hall::voice {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(SpeechEngineFactory)
};

using CreateEngine = SpeechEngine *(*)(const QString &name, const ClipLibrary *clips, QObject *parent, QString *error);

// The engines that speak are in libhall_voice_engines: Qt Multimedia (with PulseAudio and a
// dozen codecs) and Qt TextToSpeech come with them, a tenth of a kiosk's start-up for a voice
// most citizens never hear. So this library does not link them; the first engine loads them.
CreateEngine engineMaker(QString *error)
{
    static CreateEngine maker = nullptr;
    QString why;
    if (!maker)
        maker = reinterpret_cast<CreateEngine>(core::resolveLazily(QStringLiteral("hall_voice_engines"), "hall_voice_createSpeechEngine",
                                                                   &maker, &why));
    if (!maker)
        *error = Text::tr("The hall voice's engines cannot be loaded: %1").arg(why);
    return maker;
}
} // namespace

bool hasTextToSpeech()
{
#ifdef HALL_VOICE_HAS_TTS
    return true;
#else
    return false;
#endif
}

SpeechEngine *createSpeechEngine(const QString &name, const ClipLibrary *clips, QObject *parent, QString *error)
{
    const QString kind = name.section(u':', 0, 0).trimmed().toLower();
    if (kind != QLatin1String("clips") && kind != QLatin1String("tts") && kind != QLatin1String("auto") && !kind.isEmpty()) {
        *error = Text::tr("Unknown voice engine \"%1\"; use clips, tts (or tts:<engine>:<voice>) or auto.").arg(name);
        return nullptr;
    }
    const CreateEngine make = engineMaker(error);
    return make ? make(name, clips, parent, error) : nullptr;
}

} // namespace hall::voice
