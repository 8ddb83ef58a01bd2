#pragma once

#include <voice/speechengine.h>

namespace hall::voice {

// The hall's speech engine from a configuration string, so an app needs no engine types:
//   "clips"                      ClipEngine over `clips` (offline, the same words every time)
//   "tts[:<engine>[:<voice>]]"   TtsEngine with a Chinese voice, or an error saying why not
//   "auto" (or empty)            tts when an engine has a Chinese voice, else clips with a
//                                logged warning
// Returns the engine, owned by `parent`, or nullptr with a translated reason. `clips` must
// outlive the engine; it may be nullptr only for "tts".
HALL_VOICE_EXPORT SpeechEngine *createSpeechEngine(const QString &name, const ClipLibrary *clips, QObject *parent, QString *error);

// Whether this build has Qt TextToSpeech (without it "tts" fails and "auto" means clips).
HALL_VOICE_EXPORT bool hasTextToSpeech();

} // namespace hall::voice
