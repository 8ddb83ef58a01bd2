#include "cliplibrary.h"

#include <QFile>

namespace hall::voice {

bool ClipLibrary::load(const QString &dir, QString *error)
{
    QFile list(dir + QStringLiteral("/clips.txt"));
    if (!list.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the clip list %1.").arg(list.fileName());
        return false;
    }
    m_clips.clear();
    m_byText.clear();
    m_longest = 0;
    m_rate = 0;
    const QStringList lines = QString::fromUtf8(list.readAll()).split(u'\n');
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const qsizetype space = line.indexOf(u' ');
        const QString name = line.left(space), text = line.mid(space + 1).trimmed();
        QFile f(dir + u'/' + name + QStringLiteral(".wav"));
        Pcm pcm;
        QString why;
        if (space <= 0 || !f.open(QIODevice::ReadOnly) || !readWav(f.readAll(), &pcm, &why)) {
            *error = tr("Voice clip %1 (\"%2\"): %3").arg(name, text, why.isEmpty() ? tr("missing") : why);
            return false;
        }
        if (m_rate && pcm.sampleRate != m_rate) {
            *error = tr("Voice clip %1 is recorded at %2 Hz, the others at %3 Hz.").arg(name).arg(pcm.sampleRate).arg(m_rate);
            return false;
        }
        m_rate = pcm.sampleRate;
        m_clips.insert(name, trimmed(pcm));
        m_byText.insert(text, name);
        m_longest = std::max(m_longest, int(text.size()));
    }
    if (m_clips.isEmpty()) {
        *error = tr("The clip list %1 names no clips.").arg(list.fileName());
        return false;
    }
    return true;
}

} // namespace hall::voice
