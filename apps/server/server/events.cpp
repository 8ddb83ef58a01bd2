#include "events.h"

#include "halls.h"
#include "sessions.h"

#include <core/clock.h>
#include <core/logging.h>

#include <QJsonDocument>
#include <QUrlQuery>
#include <QWebSocket>

namespace hall::server {

namespace {

QString message(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

EventHub::EventHub(Sessions *sessions, Halls *halls, core::Clock *clock, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_halls(halls), m_clock(clock)
{
}

EventHub::~EventHub()
{
    for (const Subscriber &s : std::as_const(m_subscribers))
        delete s.socket;
}

void EventHub::accept(QWebSocket *ws)
{
    const QUrl url = ws->requestUrl();
    const QUrlQuery q(url);
    QString reason;
    qint64 hallId = 0;
    queue::Engine *engine = nullptr;
    std::optional<Session> s;
    if (url.path() != QLatin1String("/api/v1/events")) {
        reason = tr("WebSocket events are at /api/v1/events.");
    } else if (!(s = m_sessions->sessionFor(q.queryItemValue(QStringLiteral("token")).toUtf8()))) {
        reason = tr("The token is unknown or has expired; sign in again.");
    } else if (!(engine = m_halls->engineFor(q.queryItemValue(QStringLiteral("hall")), &hallId))) {
        reason = tr("There is no hall \"%1\".").arg(q.queryItemValue(QStringLiteral("hall")));
    } else if (s->account.role != QLatin1String("admin") && s->account.hallId != hallId) {
        reason = tr("This account belongs to another hall.");
    }
    if (!reason.isEmpty()) {
        qCInfo(lcServer) << "refused an event subscription:" << reason;
        ws->sendTextMessage(message({{QStringLiteral("type"), QStringLiteral("error")}, {QStringLiteral("message"), reason}}));
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
        ws->deleteLater();
        return;
    }
    qCInfo(lcServer) << "event subscriber" << s->account.login << "on" << engine->config().code << ws->state();
    m_subscribers.append(Subscriber{ws, hallId});
    connect(ws, &QWebSocket::disconnected, this, [this, ws] {
        m_subscribers.removeIf([ws](const Subscriber &x) { return x.socket == ws; });
        ws->deleteLater();
    });
    // A display that (re)connects gets the whole picture first, then the events.
    ws->sendTextMessage(message({{QStringLiteral("type"), QStringLiteral("hello")},
                                 {QStringLiteral("seq"), m_seq},
                                 {QStringLiteral("data"), m_halls->summary(hallId)}}));
}

void EventHub::publish(qint64 hallId, const QList<queue::Event> &events)
{
    if (events.isEmpty())
        return;
    QList<QString> messages;
    const QString at = m_clock->now().toString(Qt::ISODateWithMs);
    for (const queue::Event &e : events) {
        messages.append(message({{QStringLiteral("type"), e.type}, {QStringLiteral("seq"), ++m_seq},
                                 {QStringLiteral("at"), at}, {QStringLiteral("data"), e.data}}));
    }
    const bool any = std::any_of(m_subscribers.cbegin(), m_subscribers.cend(),
                                 [hallId](const Subscriber &s) { return s.hallId == hallId; });
    if (!any)
        return;
    const QString sum = message({{QStringLiteral("type"), QStringLiteral("queue.summary")}, {QStringLiteral("seq"), ++m_seq},
                                 {QStringLiteral("at"), at}, {QStringLiteral("data"), m_halls->summary(hallId)}});
    for (const Subscriber &s : std::as_const(m_subscribers)) {
        if (s.hallId != hallId)
            continue;
        for (const QString &m : std::as_const(messages))
            s.socket->sendTextMessage(m);
        s.socket->sendTextMessage(sum);
    }
}

} // namespace hall::server
