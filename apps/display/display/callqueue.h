#pragma once

#include <display/display_export.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <optional>

namespace hall::display {

// One call as the wall enlarges it: the number, and the window that really called it (from
// that call's own event, never from whichever window changed last).
struct Call
{
    QString number;
    QString window;     // the window's number
    QString windowName; // as configured ("综合受理")
    QString kind;       // next, recall, special, callback; "catch-up": seen only after a reconnect
    QString holderName; // already masked (张*三); usually empty: events carry no names
    QDateTime at;

    bool isRecall() const { return kind == QLatin1String("recall"); }
    // The id the voice uses for this call (voice::Announcement::id), so the wall can wait for it.
    QString announcementId() const { return number + u'@' + window; }
    bool operator==(const Call &) const = default;
};

// The calls waiting to be shown enlarged, each for its time, in the order they came; none is
// skipped, however many arrive together. While more wait, each is shown shorter (never under
// minimumMs), so a burst is worked off quickly.
//
// Optionally each enlargement also waits for its announcement (setWaitForAnnouncement): the
// voice (voice::Announcer, in hall-bridge or the display) reports each call it has said, failed
// or suppressed through announced(id); the next enlargement starts only then — or after
// maxWaitMs, so a broken speaker never freezes the wall.
class HALL_DISPLAY_EXPORT CallQueue : public QObject
{
    Q_OBJECT
public:
    // Far more than a hall calls in an hour; past it the oldest waiting call is dropped (logged),
    // the one bound that keeps a runaway feed from growing memory.
    static constexpr int Capacity = 1000;

    explicit CallQueue(QObject *parent = nullptr);

    void setShowMs(int ms) { m_showMs = ms; }
    int showMs() const { return m_showMs; }
    void setMinimumMs(int ms) { m_minimumMs = ms; }
    void setWaitForAnnouncement(bool wait, int maxWaitMs = 30000);
    bool waitsForAnnouncement() const { return m_waitForAnnouncement; }

    void add(const Call &call);
    // The voice has finished with this call (said, failed or suppressed).
    void announced(const QString &announcementId);
    void clear();

    const std::optional<Call> &current() const { return m_current; }
    int pending() const { return int(m_waiting.size()); }
    qint64 shownCount() const { return m_shown; }

Q_SIGNALS:
    void currentChanged(); // a new enlargement, or none
    void shown(const hall::display::Call &call);

private:
    void showNext();
    void timeUp();
    int durationMs() const;

    QList<Call> m_waiting;
    std::optional<Call> m_current;
    QSet<QString> m_announced; // said before their enlargement began (the voice may run ahead)
    QTimer m_timer;
    QTimer m_maxWait;
    QElapsedTimer m_since; // the current call is on screen since
    int m_showMs = 8000;
    int m_minimumMs = 2000;
    bool m_waitForAnnouncement = false;
    bool m_timeUp = false;
    bool m_currentAnnounced = false;
    qint64 m_shown = 0;
};

} // namespace hall::display
