#include "wav.h"

#include <QCoreApplication>
#include <QtEndian>

#include <cstdlib>

namespace hall::voice {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Wav)
};
} // namespace

bool readWav(const QByteArray &f, Pcm *out, QString *error)
{
    if (f.size() < 12 || !f.startsWith("RIFF") || f.mid(8, 4) != "WAVE") {
        *error = Text::tr("Not a WAV file.");
        return false;
    }
    int channels = 0, bits = 0, rate = 0;
    bool haveFormat = false;
    for (qsizetype at = 12; at + 8 <= f.size();) {
        const QByteArray id = f.mid(at, 4);
        qint64 size = qFromLittleEndian<quint32>(f.constData() + at + 4);
        const qsizetype body = at + 8;
        // espeak-ng writing to a pipe leaves the data size at 0x7fffffff: take what is there.
        if (size > f.size() - body)
            size = f.size() - body;
        if (id == "fmt " && size >= 16) {
            const int format = qFromLittleEndian<quint16>(f.constData() + body);
            channels = qFromLittleEndian<quint16>(f.constData() + body + 2);
            rate = int(qFromLittleEndian<quint32>(f.constData() + body + 4));
            bits = qFromLittleEndian<quint16>(f.constData() + body + 14);
            if (format != 1) {
                *error = Text::tr("The WAV file is compressed; clips must be PCM.");
                return false;
            }
            haveFormat = true;
        } else if (id == "data") {
            if (!haveFormat || channels != 1 || bits != 16 || rate < 8000 || rate > 96000) {
                *error = Text::tr("The WAV file is %1 channel(s), %2-bit, %3 Hz; clips must be mono 16-bit.").arg(channels).arg(bits).arg(rate);
                return false;
            }
            out->sampleRate = rate;
            out->samples = f.mid(body, size & ~qint64(1));
            return true;
        }
        at = body + size + (size & 1);
    }
    *error = Text::tr("The WAV file has no sound data.");
    return false;
}

QByteArray wavFile(const Pcm &pcm)
{
    QByteArray f;
    auto u32 = [&f](quint32 v) { char b[4]; qToLittleEndian(v, b); f.append(b, 4); };
    auto u16 = [&f](quint16 v) { char b[2]; qToLittleEndian(v, b); f.append(b, 2); };
    f.append("RIFF");
    u32(quint32(36 + pcm.samples.size()));
    f.append("WAVEfmt ");
    u32(16);
    u16(1);
    u16(1);
    u32(quint32(pcm.sampleRate));
    u32(quint32(pcm.sampleRate * 2));
    u16(2);
    u16(16);
    f.append("data");
    u32(quint32(pcm.samples.size()));
    f.append(pcm.samples);
    return f;
}

Pcm trimmed(const Pcm &pcm, int threshold)
{
    const auto *s = reinterpret_cast<const qint16 *>(pcm.samples.constData());
    qint64 first = 0, last = pcm.frames() - 1;
    while (first <= last && std::abs(int(qFromLittleEndian(s[first]))) < threshold)
        ++first;
    while (last >= first && std::abs(int(qFromLittleEndian(s[last]))) < threshold)
        --last;
    Pcm out;
    out.sampleRate = pcm.sampleRate;
    if (last >= first)
        out.samples = pcm.samples.mid(first * 2, (last - first + 1) * 2);
    return out;
}

} // namespace hall::voice
