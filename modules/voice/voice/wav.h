#pragma once

#include <voice/voice_export.h>

#include <QByteArray>
#include <QString>

namespace hall::voice {

// Mono 16-bit PCM, the one format the clip engine works in.
struct Pcm
{
    int sampleRate = 22050;
    QByteArray samples; // little-endian int16

    qint64 frames() const { return samples.size() / 2; }
    double seconds() const { return sampleRate ? double(frames()) / sampleRate : 0; }
    bool isEmpty() const { return samples.isEmpty(); }
};

// RIFF/WAVE with PCM data. Reads mono 16-bit only (what espeak-ng writes and the clip
// inventory asks recorded clips to be); anything else is refused with a reason.
HALL_VOICE_EXPORT bool readWav(const QByteArray &file, Pcm *out, QString *error);
HALL_VOICE_EXPORT QByteArray wavFile(const Pcm &pcm);

// Drops the leading and trailing near-silence TTS engines put around a word.
HALL_VOICE_EXPORT Pcm trimmed(const Pcm &pcm, int threshold = 300);

} // namespace hall::voice
