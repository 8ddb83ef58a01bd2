#include "events.h"

#include "halls.h"
#include "sessions.h"

#include <core/clock.h>
#include <core/logging.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QAbstractSocket>
#include <QUrlQuery>
#include <QWebSocket>

#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace hall::server {

namespace {

// A server frame's header is at most 10 bytes (no mask); counting it keeps "buffered" an upper
// bound of what the socket holds once a message is handed over.
constexpr qint64 FrameOverhead = 10;

QString message(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// Messages are built once for every subscriber with this stand-in for "seq"; each subscriber's
// own number goes in as the message leaves (pump), so a stream counts 1, 2, 3 … without gaps
// whatever other halls publish or how many summaries were merged for a slow reader. A gap then
// always means lost messages. (QJsonObject sorts its keys: "seq" follows "data", so the last
// occurrence is the envelope's.)
constexpr qint64 SeqStandIn = -7340032999000111;
const QString SeqStandInText = QStringLiteral("\"seq\":%1").arg(SeqStandIn);

qint64 wireBytes(const QString &text)
{
    // Cheaper than converting: UTF-8 of a UTF-16 string is at most 3 bytes per unit, and
    // JSON here is mostly ASCII with some CJK names.
    qint64 n = 0;
    for (const QChar c : text)
        n += c.unicode() < 0x80 ? 1 : c.unicode() < 0x800 ? 2 : 3; // a surrogate pair counts 3+3 ≥ 4
    return n + FrameOverhead;
}

QString itemKey(const QJsonValue &v)
{
    return v.isString() ? v.toString() : QString::number(v.toInteger());
}

// `older` with the items of `newer` replacing those with the same key, new ones appended.
QJsonArray mergeItems(const QJsonArray &older, const QJsonArray &newer, const QString &key)
{
    QJsonArray out = older;
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < out.size(); ++i)
        index.insert(itemKey(out.at(i).toObject().value(key)), i);
    for (const QJsonValue &v : newer) {
        const QString k = itemKey(v.toObject().value(key));
        if (const auto it = index.constFind(k); it != index.cend()) {
            out.replace(it.value(), v);
        } else {
            index.insert(k, out.size());
            out.append(v);
        }
    }
    return out;
}

// close() alone would leave what the kernel holds queued behind a FIN the peer never takes: the
// connection would linger orphaned, with its send buffer, for minutes. A reset frees it now.
void resetOnClose(QAbstractSocket *transport)
{
#ifdef Q_OS_UNIX
    if (transport && transport->socketDescriptor() != -1) {
        const linger reset{1, 0};
        ::setsockopt(int(transport->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    }
#else
    Q_UNUSED(transport);
#endif
}

const QString Businesses = QStringLiteral("businesses");
const QString Windows = QStringLiteral("windows");
const QString Full = QStringLiteral("full");
const QString Code = QStringLiteral("code");
const QString Number = QStringLiteral("number");

} // namespace

EventHub::EventHub(Sessions *sessions, Halls *halls, core::Clock *clock, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_halls(halls), m_clock(clock)
{
    connect(&m_stallTimer, &QTimer::timeout, this, &EventHub::checkStalled);
    m_trimTimer.setSingleShot(true);
    connect(&m_trimTimer, &QTimer::timeout, this, [] {
#ifdef __GLIBC__
        // A dropped subscriber leaves its queue, its socket's buffers and its handshake's
        // objects as free chunks between live ones, which glibc keeps (it returns only the top
        // of the heap); under reconnect churn that is megabytes the process holds for nothing.
        malloc_trim(0);
#endif
    });
    setOptions(m_options);
    m_uptime.start();
}

EventHub::~EventHub()
{
    // Deleting a socket may emit disconnected(): nothing of ours may run by then.
    const auto subscribers = std::exchange(m_subscribers, {});
    for (const auto &s : subscribers) {
        disconnect(s->socket, nullptr, this, nullptr);
        delete s->socket;
    }
}

void EventHub::setOptions(const EventHubOptions &options)
{
    m_options = options;
    m_trimTimer.setInterval(m_options.trimAfterMs);
    m_stallTimer.setInterval(std::clamp(m_options.stallTimeoutMs / 4, 20, 5000));
}

EventHubStats EventHub::stats() const
{
    m_stats.subscribers = subscriberCount();
    m_stats.bufferedBytes = 0;
    for (const auto &s : m_subscribers)
        m_stats.bufferedBytes += buffered(s.get());
    return m_stats;
}

void EventHub::accept(QWebSocket *ws, QAbstractSocket *transport)
{
    const QUrl url = ws->requestUrl();
    const QUrlQuery q(url);
    QString reason;
    qint64 hallId = 0;
    queue::Engine *engine = nullptr;
    std::optional<Session> s;
    // The token comes in the handshake's Authorization header, never in the URL (URLs end up in
    // proxy logs and browser histories).
    const QByteArray auth = ws->request().rawHeader("Authorization");
    if (url.path() != QLatin1String("/api/v1/events")) {
        reason = tr("WebSocket events are at /api/v1/events.");
    } else if (q.hasQueryItem(QStringLiteral("token"))) {
        reason = tr("Send the token in the handshake's \"Authorization: Bearer\" header, never in the URL.");
    } else if (!auth.startsWith("Bearer ") || !(s = m_sessions->sessionFor(auth.mid(7).trimmed()))) {
        reason = tr("The token is unknown or has expired; sign in again.");
    } else if (int retry = 0; !admit(s->account.id, &retry)) {
        // Before the hall's summary is built and before the account's oldest stream is closed:
        // that is what a reconnect loop would cost.
        ++m_stats.refusedReconnects;
        const QString why = tr("This account opens event streams too often; try again in %n second(s).", nullptr, retry);
        ws->sendTextMessage(message({{QStringLiteral("type"), QStringLiteral("error")},
                                     {QStringLiteral("code"), QStringLiteral("too_many_reconnects")},
                                     {QStringLiteral("message"), why},
                                     {QStringLiteral("retryAfterSeconds"), retry}}));
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, why);
        ws->deleteLater();
        return;
    } else if (!(engine = m_halls->engineFor(q.queryItemValue(QStringLiteral("hall")), &hallId))) {
        reason = tr("There is no hall \"%1\".").arg(q.queryItemValue(QStringLiteral("hall")));
    } else if (s->account.hallId && s->account.hallId != hallId) { // only accounts of no hall reach every hall
        reason = tr("This account belongs to another hall.");
    } else if (roles::isOversight(s->account.role)) { // 三员分立: they oversee, they see no hall's work
        reason = tr("A %1 account follows no hall's events.").arg(s->account.role);
    }
    if (!reason.isEmpty()) {
        qCInfo(lcServer) << "refused an event subscription:" << reason;
        ws->sendTextMessage(message({{QStringLiteral("type"), QStringLiteral("error")}, {QStringLiteral("message"), reason}}));
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
        ws->deleteLater();
        return;
    }
    // Before adding it: a display that reconnects after a network cut must not be locked out
    // by its own dead streams.
    closeOldest(s->account.id);
    qCInfo(lcServer) << "event subscriber: account" << s->account.id << s->account.role << "on" << engine->config().code;
    if (transport && m_options.socketSendBufferBytes > 0)
        transport->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, m_options.socketSendBufferBytes);
    auto owned = std::make_unique<Subscriber>();
    Subscriber *sub = owned.get();
    sub->socket = ws;
    sub->transport = transport;
    sub->hallId = hallId;
    sub->accountId = s->account.id;
    sub->tokenHash = s->tokenHash;
    sub->role = s->account.role;
    sub->lastProgress.start();
    m_subscribers.push_back(std::move(owned));
    connect(ws, &QWebSocket::disconnected, this, [this, sub] {
        qCInfo(lcServer) << "event subscriber left: account" << sub->accountId;
        QWebSocket *ws = sub->socket;
        remove(sub);
        ws->deleteLater();
    });
    connect(ws, &QWebSocket::bytesWritten, this, [this, sub] {
        sub->lastProgress.start();
        pump(sub);
    });
    if (!m_stallTimer.isActive())
        m_stallTimer.start();
    // A display that (re)connects gets the whole picture first, then the events.
    const QString hello = message({{QStringLiteral("type"), QStringLiteral("hello")},
                                   {QStringLiteral("seq"), SeqStandIn},
                                   {QStringLiteral("data"), m_halls->summary(hallId)}});
    if (!enqueue(sub, Message{hello, wireBytes(hello), false}))
        drop(sub, DropReason::OverCap);
}

bool EventHub::admit(qint64 accountId, int *retryAfterSeconds)
{
    const qint64 now = m_uptime.elapsed();
    const double burst = std::max(m_options.reconnectBurst, 1);
    const double refill = std::max(m_options.reconnectRefillMs, 1);
    auto it = m_buckets.find(accountId);
    if (it == m_buckets.end())
        it = m_buckets.insert(accountId, Bucket{burst, now});
    it->tokens = std::min(burst, it->tokens + double(now - it->atMs) / refill);
    it->atMs = now;
    if (it->tokens >= 1) {
        it->tokens -= 1;
        return true;
    }
    const qint64 wait = qint64(std::ceil((1 - it->tokens) * refill));
    it->retryAtMs = now + wait;
    *retryAfterSeconds = int((wait + 999) / 1000);
    return false;
}

std::optional<Reply> EventHub::tooEarly(const QByteArray &authorization)
{
    if (m_buckets.isEmpty() || !authorization.startsWith("Bearer "))
        return std::nullopt;
    const std::optional<Session> s = m_sessions->sessionFor(authorization.mid(7).trimmed());
    const auto it = s ? m_buckets.constFind(s->account.id) : m_buckets.constEnd();
    const qint64 now = m_uptime.elapsed();
    if (it == m_buckets.constEnd() || now >= it->retryAtMs)
        return std::nullopt;
    ++m_stats.refusedReconnects;
    const qint64 seconds = (it->retryAtMs - now + 999) / 1000;
    return tooManyRequests(QStringLiteral("too_many_reconnects"),
                           tr("This account opens event streams too often; try again in %n second(s).", nullptr, int(seconds)), seconds);
}

void EventHub::closeOldest(qint64 accountId)
{
    std::vector<Subscriber *> mine;
    for (const auto &s : m_subscribers) {
        if (s->accountId == accountId)
            mine.push_back(s.get());
    }
    const qsizetype excess = qsizetype(mine.size()) - std::max(m_options.maxPerAccount - 1, 0);
    for (qsizetype i = 0; i < excess; ++i) {
        qCInfo(lcServer) << "closed the oldest event stream of account" << accountId << "(more than"
                         << m_options.maxPerAccount << "streams)";
        ++m_stats.closedOverAccountCap;
        closeStream(mine.at(size_t(i)),
                    tr("This account opened more than %1 event streams; the oldest was closed.").arg(m_options.maxPerAccount));
    }
}

void EventHub::closeStream(Subscriber *s, const QString &reason)
{
    QWebSocket *ws = s->socket;
    const QPointer<QAbstractSocket> transport = s->transport;
    remove(s);
    // A live client reads why; a dead one never answers the close, so it is aborted.
    ws->setParent(this);
    ws->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
    connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
    QTimer::singleShot(m_options.closeGraceMs, ws, [ws, transport] {
        resetOnClose(transport);
        ws->abort();
        ws->deleteLater();
    });
}

void EventHub::endSession(const QByteArray &tokenHash, const QString &reason)
{
    std::vector<Subscriber *> ended;
    for (const auto &s : m_subscribers) {
        if (s->tokenHash == tokenHash)
            ended.push_back(s.get());
    }
    for (Subscriber *s : ended) {
        qCInfo(lcServer) << "closed an event stream of account" << s->accountId << (reason.isEmpty() ? "(signed out)" : "(session withdrawn)");
        closeStream(s, reason.isEmpty() ? tr("Signed out: this event stream has ended.") : reason);
    }
}

void EventHub::endAccount(qint64 accountId, const QString &reason)
{
    std::vector<Subscriber *> ended;
    for (const auto &s : m_subscribers) {
        if (s->accountId == accountId)
            ended.push_back(s.get());
    }
    for (Subscriber *s : ended) {
        qCInfo(lcServer) << "closed an event stream of account" << accountId << (reason.isEmpty() ? "(account disabled)" : "(password changed)");
        closeStream(s, reason.isEmpty() ? tr("This account has been disabled.") : reason);
    }
}

QList<QByteArray> EventHub::sessionTokens() const
{
    QList<QByteArray> out;
    for (const auto &s : m_subscribers)
        out.append(s->tokenHash);
    return out;
}

qint64 EventHub::buffered(const Subscriber *s) const
{
    return s->queuedBytes + s->socket->bytesToWrite();
}

bool EventHub::enqueue(Subscriber *s, const Message &m)
{
    if (buffered(s) + m.bytes > m_options.maxBufferedBytes)
        return false;
    s->queue.push_back(m);
    s->queuedBytes += m.bytes;
    m_stats.peakSubscriberBytes = std::max(m_stats.peakSubscriberBytes, buffered(s));
    pump(s);
    return true;
}

bool EventHub::enqueueSummary(Subscriber *s, const Message &m, const QJsonObject &data, qint64 seq, const QString &at)
{
    if (s->unsentSummary.isEmpty()) {
        // Set first: the summary may leave at once (pump clears them then).
        s->unsentSummary = data;
        s->unsentAt = at;
        return enqueue(s, m);
    }
    // The older summary has not left yet: it goes, and one with both changes takes its place
    // after this commit's events, so nothing is lost and nothing arrives twice.
    const auto old = std::find_if(s->queue.rbegin(), s->queue.rend(), [](const Message &x) { return x.summary; });
    Q_ASSERT(old != s->queue.rend());
    s->queuedBytes -= old->bytes;
    s->queue.erase(std::next(old).base());
    const QJsonObject merged = mergeSummaries(s->unsentSummary, data);
    s->unsentSummary = {};
    ++m_stats.summariesMerged;
    // A merged summary is this subscriber's alone: only its data waits (the text, twice the
    // size in UTF-16, is made again when it leaves). A stalled subscriber would otherwise hold
    // a whole hall's text of its own until it is dropped.
    const qint64 bytes = wireBytes(summaryText(merged, seq, at));
    return enqueueSummary(s, Message{QString(), bytes, true}, merged, seq, at);
}

QString EventHub::summaryText(const QJsonObject &data, qint64 seq, const QString &at)
{
    return message({{QStringLiteral("type"), QStringLiteral("queue.summary")},
                    {QStringLiteral("seq"), seq},
                    {QStringLiteral("at"), at},
                    {QStringLiteral("data"), data}});
}

void EventHub::pump(Subscriber *s)
{
    while (!s->queue.empty() && s->socket->bytesToWrite() < m_options.lowWaterBytes) {
        const Message m = std::move(s->queue.front());
        s->queue.pop_front();
        s->queuedBytes -= m.bytes;
        QString text = m.summary && m.text.isEmpty() ? summaryText(s->unsentSummary, SeqStandIn, s->unsentAt) : m.text;
        if (m.summary)
            s->unsentSummary = {};
        const qsizetype at = text.lastIndexOf(SeqStandInText);
        if (at >= 0)
            text.replace(at, SeqStandInText.size(), QStringLiteral("\"seq\":%1").arg(++s->sent));
        s->socket->sendTextMessage(text);
    }
}

void EventHub::remove(Subscriber *s)
{
    disconnect(s->socket, nullptr, this, nullptr);
    const auto it = std::find_if(m_subscribers.begin(), m_subscribers.end(), [s](const auto &x) { return x.get() == s; });
    if (it == m_subscribers.end())
        return;
    const qint64 hallId = s->hallId;
    m_subscribers.erase(it); // deletes s, not its socket
    trimLater();
    if (m_subscribers.empty())
        m_stallTimer.stop();
    // With nobody left in the hall, the next summary is sent whole (see summaryDelta).
    if (std::none_of(m_subscribers.cbegin(), m_subscribers.cend(), [hallId](const auto &x) { return x->hallId == hallId; }))
        m_published.remove(hallId);
}

void EventHub::drop(Subscriber *s, DropReason reason)
{
    // A peer that does not read would never read a close frame either: abort. It comes back
    // from a fresh `hello` when it reconnects.
    qCWarning(lcServer).nospace() << "dropped a slow event subscriber (account " << s->accountId << ", " << s->role << ", "
                                  << (reason == DropReason::OverCap ? "over the buffer cap" : "no progress") << ", "
                                  << buffered(s) << " bytes buffered, " << s->queue.size() << " messages queued)";
    ++(reason == DropReason::OverCap ? m_stats.droppedOverCap : m_stats.droppedStalled);
    QWebSocket *ws = s->socket;
    resetOnClose(s->transport);
    remove(s);
    ws->abort();
    ws->deleteLater();
}

void EventHub::trimLater()
{
    // Once for a burst of drops: the timer is not restarted while it runs.
    if (m_options.trimAfterMs > 0 && !m_trimTimer.isActive())
        m_trimTimer.start();
}

void EventHub::checkStalled()
{
    std::vector<Subscriber *> stalled;
    for (const auto &s : m_subscribers) {
        if (s->queue.empty() && s->socket->bytesToWrite() == 0)
            s->lastProgress.start(); // nothing to write is not being behind
        else if (s->lastProgress.hasExpired(m_options.stallTimeoutMs))
            stalled.push_back(s.get());
    }
    for (Subscriber *s : stalled)
        drop(s, DropReason::Stalled);
}

QJsonObject EventHub::summaryDelta(qint64 hallId)
{
    QJsonObject sum = m_halls->summary(hallId);
    const auto last = m_published.find(hallId);
    const bool known = last != m_published.end();
    Published now;
    QJsonArray changedBusinesses, changedWindows;
    bool removed = false;
    auto diff = [&](const QString &field, const QString &key, QHash<QString, QJsonObject> Published::*items) {
        const QJsonArray all = sum.value(field).toArray();
        for (const QJsonValue &v : all) {
            const QJsonObject o = v.toObject();
            const QString k = itemKey(o.value(key));
            (now.*items).insert(k, o);
            if (!known || ((*last).*items).value(k) != o)
                (field == Businesses ? changedBusinesses : changedWindows).append(o);
        }
        if (known) {
            for (auto it = ((*last).*items).cbegin(); it != ((*last).*items).cend(); ++it)
                removed = removed || !(now.*items).contains(it.key());
        }
    };
    diff(Businesses, Code, &Published::businesses);
    diff(Windows, Number, &Published::windows);
    m_published.insert(hallId, std::move(now));
    // A delta cannot say that something is gone (a configuration change): send the whole hall.
    if (!known || removed) {
        sum.insert(Full, true);
        return sum;
    }
    sum.insert(Businesses, changedBusinesses);
    sum.insert(Windows, changedWindows);
    sum.insert(Full, false);
    return sum;
}

QJsonObject EventHub::mergeSummaries(const QJsonObject &older, const QJsonObject &newer)
{
    if (newer.value(Full).toBool())
        return newer;
    QJsonObject out = newer;
    out.insert(Businesses, mergeItems(older.value(Businesses).toArray(), newer.value(Businesses).toArray(), Code));
    out.insert(Windows, mergeItems(older.value(Windows).toArray(), newer.value(Windows).toArray(), Number));
    out.insert(Full, older.value(Full).toBool());
    return out;
}

void EventHub::publish(qint64 hallId, const QList<queue::Event> &events)
{
    if (events.isEmpty())
        return;
    QList<Message> messages;
    const QString at = m_clock->now().toString(Qt::ISODateWithMs);
    for (const queue::Event &e : events) {
        const QString text = message({{QStringLiteral("type"), e.type}, {QStringLiteral("seq"), SeqStandIn},
                                      {QStringLiteral("at"), at}, {QStringLiteral("data"), e.data}});
        messages.append(Message{text, wireBytes(text), false});
    }
    const bool any = std::any_of(m_subscribers.cbegin(), m_subscribers.cend(),
                                 [hallId](const auto &s) { return s->hallId == hallId; });
    if (!any)
        return;
    // Computed once per publish, shared by every subscriber (implicitly shared strings).
    const QJsonObject delta = summaryDelta(hallId);
    const qint64 seq = SeqStandIn;
    const QString text = summaryText(delta, seq, at);
    const Message summary{text, wireBytes(text), true};
    std::vector<Subscriber *> behind;
    for (const auto &s : m_subscribers) {
        if (s->hallId != hallId)
            continue;
        bool ok = true;
        for (const Message &m : std::as_const(messages)) {
            if (!(ok = enqueue(s.get(), m)))
                break;
        }
        if (!ok || !enqueueSummary(s.get(), summary, delta, seq, at))
            behind.push_back(s.get());
    }
    for (Subscriber *s : behind)
        drop(s, DropReason::OverCap);
}

} // namespace hall::server
