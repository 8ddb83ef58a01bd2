#pragma once

#include <server/http.h>
#include <server/server_export.h>

#include <queue/state.h>

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QAbstractSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace hall::core {
class Clock;
}

namespace hall::server {

class Halls;
class Sessions;

// Limits of the event fan-out. A subscriber that does not read must cost the server a bounded
// amount of memory, and a stream that stays behind is better reconnected (it gets a fresh
// `hello`) than fed a backlog.
struct EventHubOptions
{
    // Messages are handed to the socket only while it has fewer bytes than this to write;
    // the rest wait in the subscriber's queue, where summaries coalesce.
    qint64 lowWaterBytes = 16 * 1024;
    // Queue plus socket buffer of one subscriber; a subscriber that would go over is dropped.
    qint64 maxBufferedBytes = 256 * 1024;
    // A subscriber with data waiting whose socket wrote nothing for this long is dropped.
    int stallTimeoutMs = 30 * 1000;
    // Event streams per account; a new one over the cap closes the account's oldest.
    int maxPerAccount = 8;
    // The kernel's send buffer of each subscriber's socket (0: the kernel's default). Left to
    // itself, Linux grows it to 4 MiB per stalled stream (on loopback at once); a fixed size
    // bounds that memory too and makes the socket's backlog visible to the low-water mark.
    int socketSendBufferBytes = 64 * 1024;
    // How long a closed stream may take to say goodbye before its socket is aborted.
    int closeGraceMs = 2000;
    // New streams per account, as a token bucket: a burst of this many (a hall's displays of
    // one account restarting together), then one per `reconnectRefillMs`. Over it a stream is
    // told when to come back (`too_many_reconnects`, `retryAfterSeconds`) before its `hello`
    // is built, so a reconnect loop costs a handshake and closes nobody's stream.
    int reconnectBurst = 16;
    int reconnectRefillMs = 2000;
    // After subscribers were dropped or closed, the heap's free pages go back to the system
    // this much later (glibc's malloc_trim; 0: never). See docs/performance.md.
    int trimAfterMs = 5000;
};

struct EventHubStats
{
    qsizetype subscribers = 0;
    qint64 bufferedBytes = 0;       // now, all subscribers: queues + socket buffers
    qint64 peakSubscriberBytes = 0; // the most one subscriber ever had buffered
    qint64 droppedOverCap = 0;
    qint64 droppedStalled = 0;
    qint64 closedOverAccountCap = 0;
    qint64 summariesMerged = 0; // unsent summaries merged with a newer one
    qint64 refusedReconnects = 0; // streams told to come back later (reconnect rate)
};

// The event fan-out: WebSocket subscribers per hall. A subscriber first gets a `hello` with the
// whole hall, then, after each commit, that commit's events and a `queue.summary` with what
// changed. Nothing is published before its commit, so nobody sees an uncommitted change.
//
// Each subscriber has a bounded queue in front of its socket (EventHubOptions); an unsent
// summary is merged with a newer one, so a slow reader ends with the same state as a fast one.
class HALL_SERVER_EXPORT EventHub : public QObject
{
    Q_OBJECT
public:
    EventHub(Sessions *sessions, Halls *halls, core::Clock *clock, QObject *parent = nullptr);
    ~EventHub() override;

    void setOptions(const EventHubOptions &options);
    const EventHubOptions &options() const { return m_options; }

    // Checks the subscription (path, token, hall) and either keeps the socket or closes it
    // with a reason. Takes ownership of `socket`; `transport` is the TCP socket under it, if
    // known, whose send buffer is then bounded too.
    void accept(QWebSocket *socket, QAbstractSocket *transport = nullptr);
    // A handshake from an account that was told to come back later and is back too early: the
    // 429 to answer from its head (no handshake, no stream), or nothing.
    std::optional<Reply> tooEarly(const QByteArray &authorization);
    // The session of `tokenHash` has ended (sign-out, or `reason`): its streams close now.
    void endSession(const QByteArray &tokenHash, const QString &reason = {});
    // The account was disabled (or its password changed: `reason`): every stream of it closes now.
    void endAccount(qint64 accountId, const QString &reason = {});
    // The sessions (token hashes) that have event streams open.
    QList<QByteArray> sessionTokens() const;
    void publish(qint64 hallId, const QList<queue::Event> &events);
    qsizetype subscriberCount() const { return qsizetype(m_subscribers.size()); }
    EventHubStats stats() const;

    // `newer` applied over `older` (both summary data): businesses by code and windows by
    // number, newer wins; a complete newer summary replaces the older one.
    static QJsonObject mergeSummaries(const QJsonObject &older, const QJsonObject &newer);

private:
    struct Message
    {
        QString text; // empty for a subscriber's merged summary: rendered when it leaves
        qint64 bytes = 0;
        bool summary = false;
    };
    struct Subscriber
    {
        QWebSocket *socket = nullptr;
        QPointer<QAbstractSocket> transport;
        qint64 hallId = 0;
        qint64 accountId = 0;
        QByteArray tokenHash; // the session it was opened with: a sign-out ends it
        QString role;
        std::deque<Message> queue;
        qint64 queuedBytes = 0;
        QJsonObject unsentSummary; // data of the summary in `queue`, if any
        QString unsentAt;          // and its time
        QElapsedTimer lastProgress;
        qint64 sent = 0; // messages handed to the socket: the next one's seq is sent + 1
    };
    enum class DropReason { OverCap, Stalled };
    struct Bucket
    {
        double tokens = 0;
        qint64 atMs = 0;
        qint64 retryAtMs = 0; // told to come back then
    };

    // Takes a new stream from the account's bucket, or says in how many seconds one is there.
    bool admit(qint64 accountId, int *retryAfterSeconds);
    bool enqueue(Subscriber *s, const Message &m);
    bool enqueueSummary(Subscriber *s, const Message &m, const QJsonObject &data, qint64 seq, const QString &at);
    void pump(Subscriber *s);
    qint64 buffered(const Subscriber *s) const;
    void drop(Subscriber *s, DropReason reason);
    void closeOldest(qint64 accountId);
    void closeStream(Subscriber *s, const QString &reason);
    void remove(Subscriber *s);
    void checkStalled();
    void trimLater();
    QJsonObject summaryDelta(qint64 hallId);
    static QString summaryText(const QJsonObject &data, qint64 seq, const QString &at);

    Sessions *m_sessions;
    Halls *m_halls;
    core::Clock *m_clock;
    EventHubOptions m_options;
    std::vector<std::unique_ptr<Subscriber>> m_subscribers; // oldest first
    // Per hall, the businesses and windows of the last published summary, by code / number.
    struct Published
    {
        QHash<QString, QJsonObject> businesses;
        QHash<QString, QJsonObject> windows;
    };
    QHash<qint64, Published> m_published;
    QTimer m_stallTimer;
    QTimer m_trimTimer;
    QHash<qint64, Bucket> m_buckets; // account → new streams it may open
    QElapsedTimer m_uptime;
    mutable EventHubStats m_stats;
};

} // namespace hall::server
