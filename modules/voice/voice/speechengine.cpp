#include "speechengine.h"

#include <QtEndian>

#include <cmath>

namespace hall::voice {

bool ClipRenderer::render(const Announcement &a, double volume, Pcm *out, QList<Segment> *segments, QString *error) const
{
    QStringList names;
    if (!clipSequence(a, *m_clips, &names, error))
        return false;
    const int rate = m_clips->sampleRate();
    const QByteArray gap(qsizetype(rate) * m_gapMs / 1000 * 2, '\0');
    const QByteArray repeatGap(qsizetype(rate) * m_repeatGapMs / 1000 * 2, '\0');
    out->sampleRate = rate;
    out->samples.clear();
    segments->clear();
    const double gain = std::clamp(volume, 0.0, 1.0);
    for (int r = 0; r < std::max(1, a.repeat); ++r) {
        if (r > 0)
            out->samples += repeatGap;
        for (qsizetype i = 0; i < names.size(); ++i) {
            if (i > 0)
                out->samples += gap;
            const Pcm clip = m_clips->clip(names.at(i));
            segments->append({names.at(i), out->frames(), clip.frames()});
            out->samples += clip.samples;
        }
    }
    if (gain < 1.0) {
        auto *s = reinterpret_cast<qint16 *>(out->samples.data());
        for (qint64 i = 0; i < out->frames(); ++i)
            s[i] = qToLittleEndian(qint16(std::lround(qFromLittleEndian(s[i]) * gain)));
    }
    return true;
}

} // namespace hall::voice
