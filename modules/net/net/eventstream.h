#pragma once

#include <net/apierror.h>
#include <net/backoff.h>
#include <net/hallstate.h>
#include <net/types.h>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace hall::net {

class HallClient;

// The hall's event stream (/api/v1/events) as ordered signals and a HallState.
//
// After subscribe() the stream stays up on its own: when the connection drops (server
// restart, network cut, a missed heartbeat, the server dropping a subscriber that fell behind)
// it reconnects with backoff and full jitter, reporting each attempt to the HallClient's
// ConnectionStatus. Every connection starts with a `hello`, which replaces the state in one
// step and is signalled as snapshot(): an app never shows old and new state mixed. Then, per
// commit, eventReceived() for each event in order, and stateChanged() once the commit's
// `queue.summary` is applied. A gap in `seq` means messages were lost: the stream resubscribes
// and resumes from the new hello.
class HALL_NET_EXPORT EventStream : public QObject
{
    Q_OBJECT
public:
    explicit EventStream(HallClient *client, QObject *parent = nullptr);
    ~EventStream() override;

    void subscribe(const QString &hall);
    void unsubscribe();
    bool isSubscribed() const { return m_subscribed; }
    // A hello arrived on the current connection and nothing was lost since.
    bool isLive() const { return m_live; }
    // The last known state (kept, and marked not live, while reconnecting).
    const HallState &state() const { return m_state; }
    // Ping every intervalMs; a connection silent for timeoutMs is given up (a cut cable does
    // not close a TCP connection by itself).
    void setHeartbeat(int intervalMs, int timeoutMs);

Q_SIGNALS:
    void snapshot(const hall::net::HallState &state);
    void eventReceived(const hall::net::HallEvent &event);
    void stateChanged(const hall::net::HallState &state);
    void liveChanged(bool live);
    // The server refused the subscription (token, hall); the stream keeps retrying, so a new
    // token (HallClient::setToken) is picked up.
    void subscriptionRefused(const hall::net::ApiError &error);
    void resubscribing(const QString &reason);

private:
    void attempt();
    void open();
    void onMessage(const QString &text);
    void fail(const ApiError &error);
    void resubscribe(const QString &reason);
    void dropSocket();
    void setLive(bool live);

    QPointer<HallClient> m_client;
    QString m_hall;
    bool m_subscribed = false;
    bool m_live = false;
    QWebSocket *m_socket = nullptr;
    quint64 m_generation = 0;
    HallState m_state;
    qint64 m_lastSeq = -1;
    Backoff m_backoff;
    QTimer m_retry;
    bool m_serverSaidWait = false; // the pending retry is the server's Retry-After
    QTimer m_heartbeat;
    QElapsedTimer m_lastHeard;
    int m_heartbeatTimeoutMs = 15000;
};

} // namespace hall::net
