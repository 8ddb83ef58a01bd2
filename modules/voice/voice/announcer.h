#pragma once

#include <voice/speechengine.h>

#include <core/clock.h>

#include <QList>
#include <QObject>
#include <QTime>

namespace hall::voice {

// The hall's voice: announcements queue up and are said one at a time, never overlapping and
// never dropped; recalls go before announcements still waiting; during quiet hours nothing is
// said (the screens still show the calls) and suppressed() says so.
class HALL_VOICE_EXPORT Announcer : public QObject
{
    Q_OBJECT
public:
    Announcer(SpeechEngine *engine, const core::Clock *clock, QObject *parent = nullptr);

    void setVolume(double volume) { m_volume = std::clamp(volume, 0.0, 1.0); }
    double volume() const { return m_volume; }
    // Quiet from `from` to `to` (may cross midnight); equal times: never quiet.
    void setQuietHours(QTime from, QTime to) { m_quietFrom = from; m_quietTo = to; }
    bool isQuiet() const;

    void announce(const Announcement &a);
    int pending() const { return int(m_queue.size()); }
    bool isSpeaking() const { return m_speaking; }

Q_SIGNALS:
    void started(const hall::voice::Announcement &a);
    void said(const hall::voice::Announcement &a);
    void failed(const hall::voice::Announcement &a, const QString &reason);
    void suppressed(const hall::voice::Announcement &a);

private:
    void next();

    SpeechEngine *m_engine;
    const core::Clock *m_clock;
    QList<Announcement> m_queue;
    Announcement m_current;
    bool m_speaking = false;
    double m_volume = 1.0;
    QTime m_quietFrom, m_quietTo;
};

} // namespace hall::voice

Q_DECLARE_METATYPE(hall::voice::Announcement)
