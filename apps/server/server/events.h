#pragma once

#include <server/server_export.h>

#include <queue/state.h>

#include <QList>
#include <QObject>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace hall::core {
class Clock;
}

namespace hall::server {

class Halls;
class Sessions;

// The event fan-out: WebSocket subscribers per hall. A subscriber first gets a `hello` with the
// whole hall, then, after each commit, that commit's events and a `queue.summary`. Nothing is
// published before its commit, so nobody sees an uncommitted change.
class HALL_SERVER_EXPORT EventHub : public QObject
{
    Q_OBJECT
public:
    EventHub(Sessions *sessions, Halls *halls, core::Clock *clock, QObject *parent = nullptr);
    ~EventHub() override;

    // Checks the subscription (path, token, hall) and either keeps the socket or closes it
    // with a reason. Takes ownership.
    void accept(QWebSocket *socket);
    void publish(qint64 hallId, const QList<queue::Event> &events);
    qsizetype subscriberCount() const { return m_subscribers.size(); }

private:
    struct Subscriber
    {
        QWebSocket *socket = nullptr;
        qint64 hallId = 0;
    };

    Sessions *m_sessions;
    Halls *m_halls;
    core::Clock *m_clock;
    QList<Subscriber> m_subscribers;
    qint64 m_seq = 0;
};

} // namespace hall::server
