#pragma once

#include <net/types.h>

#include <QMap>

namespace hall::net {

// The client's picture of one hall: businesses by code, windows by number. A `hello` (or a
// summary marked full) replaces it wholesale; a `queue.summary` updates the items it carries
// by key and leaves the others as they were, which is right whether the server sends the
// whole hall or only what changed since the previous summary.
class HALL_NET_EXPORT HallState
{
public:
    void replace(const HallSummary &summary, qint64 seq);
    // Returns false when the summary is for another hall (the state is left alone).
    bool apply(const HallSummary &summary, qint64 seq);
    void clear();

    bool isValid() const { return !m_hall.isEmpty(); }
    QString hall() const { return m_hall; }
    QString name() const { return m_name; }
    qint64 seq() const { return m_seq; } // of the message the state is as of
    const QMap<QString, BusinessStatus> &businesses() const { return m_businesses; }
    const QMap<QString, WindowStatus> &windows() const { return m_windows; }
    // In the hall's own order (the order of the last full picture, new ones at the end).
    QList<BusinessStatus> businessList() const;
    QList<WindowStatus> windowList() const;
    // After a reconnect: the windows of `now` whose called ticket is not the one (id, call count)
    // this state knew — calls made while the stream was down, which had no events. None when
    // this state is empty or of another hall.
    QList<WindowStatus> callsMissedBy(const HallState &now) const;

private:
    QString m_hall;
    QString m_name;
    qint64 m_seq = 0;
    QMap<QString, BusinessStatus> m_businesses;
    QMap<QString, WindowStatus> m_windows;
    QStringList m_businessOrder;
    QStringList m_windowOrder;
};

} // namespace hall::net
