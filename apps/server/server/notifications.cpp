#include "notifications.h"

#include "commit.h"
#include "halls.h"
#include "httpcore.h"

#include <core/clock.h>
#include <core/logging.h>
#include <core/masking.h>
#include <queue/engine.h>
#include <security/keymanager.h>
#include <security/personaldata.h>

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>

namespace hall::server {

namespace {

const QString phoneTable = QStringLiteral("ticket_phones");
const QString phoneColumn = QStringLiteral("phone");

const QString recordColumns = QStringLiteral(
    "SELECT hall_id, ticket_id, trigger_name, number, business, window_number, ahead, masked, status, attempts, next_at, "
    "last_error, created_at, sent_at FROM notifications ");

QString time(const QDateTime &t)
{
    return t.isValid() ? t.toString(Qt::ISODateWithMs) : QString();
}

} // namespace

// ---------------------------------------------------------------------------------------
// store

bool NotificationStore::loadPhones(QHash<qint64, TrackedPhone> *out, QString *error) const
{
    QSqlQuery q = query(QStringLiteral("SELECT ticket_id, hall_id, phone, masked, ahead_armed FROM ticket_phones"));
    if (!exec(q, error))
        return false;
    out->clear();
    while (q.next())
        out->insert(q.value(0).toLongLong(), TrackedPhone{q.value(1).toLongLong(), q.value(2).toByteArray(), q.value(3).toString(), q.value(4).toInt() != 0});
    return true;
}

bool NotificationStore::load(const QString &where, const QVariantList &binds, QList<NotificationRecord> *out, QString *error) const
{
    QSqlQuery q = query(recordColumns + where + QStringLiteral(" ORDER BY created_at, ticket_id"));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!exec(q, error))
        return false;
    out->clear();
    while (q.next()) {
        NotificationRecord r;
        r.hallId = q.value(0).toLongLong();
        r.ticketId = q.value(1).toLongLong();
        reminderFromName(q.value(2).toString(), &r.reminder);
        r.number = q.value(3).toString();
        r.business = q.value(4).toString();
        r.window = q.value(5).toString();
        r.ahead = q.value(6).toInt();
        r.masked = q.value(7).toString();
        r.status = q.value(8).toString();
        r.attempts = q.value(9).toInt();
        r.nextAt = fromMs(q.value(10));
        r.lastError = q.value(11).toString();
        r.createdAt = fromMs(q.value(12));
        r.sentAt = fromMs(q.value(13));
        out->append(r);
    }
    return true;
}

bool NotificationStore::insertPhone(qint64 ticketId, const TrackedPhone &p, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("INSERT INTO ticket_phones (ticket_id, hall_id, phone, masked, ahead_armed) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(ticketId);
    q.addBindValue(p.hallId);
    q.addBindValue(p.sealed);
    q.addBindValue(p.masked);
    q.addBindValue(p.aheadArmed ? 1 : 0);
    return exec(q, error);
}

bool NotificationStore::deletePhone(qint64 ticketId, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("DELETE FROM ticket_phones WHERE ticket_id = ?"));
    q.addBindValue(ticketId);
    return exec(q, error);
}

bool NotificationStore::insert(const NotificationRecord &n, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO notifications (ticket_id, trigger_name, hall_id, number, business, window_number, ahead, masked, status, attempts, "
        "next_at, last_error, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(n.ticketId);
    q.addBindValue(reminderName(n.reminder));
    q.addBindValue(n.hallId);
    q.addBindValue(text(n.number));
    q.addBindValue(text(n.business));
    q.addBindValue(text(n.window));
    q.addBindValue(n.ahead);
    q.addBindValue(text(n.masked));
    q.addBindValue(n.status);
    q.addBindValue(n.attempts);
    q.addBindValue(ms(n.nextAt));
    q.addBindValue(text(n.lastError));
    q.addBindValue(ms(n.createdAt));
    q.addBindValue(ms(n.sentAt));
    return exec(q, error);
}

bool NotificationStore::update(const NotificationRecord &n, QString *error)
{
    // Only a pending one moves, or one dropped while its text was on the way (its outcome).
    QSqlQuery &q = cached(QStringLiteral("UPDATE notifications SET status = ?, attempts = ?, next_at = ?, last_error = ?, sent_at = ? "
                                         "WHERE ticket_id = ? AND trigger_name = ? AND status IN ('pending', 'dropped')"));
    q.addBindValue(n.status);
    q.addBindValue(n.attempts);
    q.addBindValue(ms(n.nextAt));
    q.addBindValue(text(n.lastError));
    q.addBindValue(ms(n.sentAt));
    q.addBindValue(n.ticketId);
    q.addBindValue(reminderName(n.reminder));
    return exec(q, error);
}

bool NotificationStore::dropPending(qint64 ticketId, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("UPDATE notifications SET status = 'dropped' WHERE ticket_id = ? AND status = 'pending'"));
    q.addBindValue(ticketId);
    return exec(q, error);
}

bool NotificationStore::prune(const QDateTime &before, QString *error)
{
    // An open ticket's rows stay whatever their age: they are what says "never twice".
    QSqlQuery &q = cached(QStringLiteral("DELETE FROM notifications WHERE status IN ('sent', 'failed', 'dropped') AND created_at < ? "
                                         "AND ticket_id NOT IN (SELECT ticket_id FROM ticket_phones)"));
    q.addBindValue(ms(before));
    return exec(q, error);
}

// ---------------------------------------------------------------------------------------
// the write in the group commit

class NotifyWrite final : public PendingWrite
{
public:
    explicit NotifyWrite(Notifications *n) : m_n(n) {}

    bool write(QString *error) override
    {
        NotificationStore &s = m_n->m_store;
        for (const auto &[id, p] : std::as_const(phones)) {
            if (!s.insertPhone(id, p, error))
                return false;
        }
        for (const NotificationRecord &r : std::as_const(inserted)) {
            if (!s.insert(r, error))
                return false;
        }
        for (const NotificationRecord &r : std::as_const(updated)) {
            if (!s.update(r, error))
                return false;
        }
        // Last: a ticket issued and closed in one batch leaves nothing behind.
        for (qint64 id : std::as_const(closedTickets)) {
            if (!s.deletePhone(id, error) || !s.dropPending(id, error))
                return false;
        }
        return !pruneBefore.isValid() || s.prune(pruneBefore, error);
    }
    void committed() override { m_n->committed(*this); }
    void rolledBack() override
    {
        // What was assumed in memory (phones, fired triggers) comes back from the database.
        QString error;
        if (!m_n->load(&error))
            qCWarning(lcServer) << "reminders: reloading after a failed commit:" << error;
    }

    QList<std::pair<qint64, TrackedPhone>> phones;
    QList<NotificationRecord> inserted;
    QList<NotificationRecord> updated; // a send attempt's outcome
    QList<qint64> closedTickets;
    QDateTime pruneBefore; // valid: the finished rows created before it go

private:
    Notifications *m_n;
};

// ---------------------------------------------------------------------------------------
// the domain

Notifications::Notifications(storage::Database *db, Halls *halls, HttpCore *http, core::Clock *clock, QObject *parent)
    : QObject(parent), m_store(db), m_halls(halls), m_http(http), m_clock(clock)
{
}

Notifications::~Notifications() = default;

bool Notifications::configure(const NotifyConfig &config, const QByteArray &key, QString *error)
{
    if (config.isEmpty())
        return true;
    if (key.isEmpty()) {
        *error = tr("Reminders need the personal-data key that seals the phone numbers (--personal-key FILE).");
        return false;
    }
    const security::KeyResult k = security::KeyManager::fromKey(key, security::CipherMode::Sm4CbcHmacSm3, tr("the personal-data key"));
    auto pd = std::make_unique<security::PersonalData>(security::PersonalData::attach(m_store.database()->connection(), k));
    if (!pd->isReady()) {
        *error = tr("Reminders are off: %1").arg(pd->message());
        return false;
    }
    m_personal = std::move(pd);
    m_config = config;
    m_nam = new QNetworkAccessManager(this);
    m_nam->setAutoDeleteReplies(false);
    if (config.server)
        m_gateways.insert(QString(), makeGateway(*config.server, m_nam));
    for (auto it = config.halls.cbegin(); it != config.halls.cend(); ++it)
        m_gateways.insert(it.key(), makeGateway(it.value(), m_nam));
    return true;
}

bool Notifications::load(QString *error)
{
    m_phones.clear();
    m_fired.clear();
    m_pending.clear();
    if (!m_store.loadPhones(&m_phones, error))
        return false;
    // Triggers matter only for open tickets (those with a phone); pending ones go out again.
    QList<NotificationRecord> records;
    if (!m_store.load(QStringLiteral("WHERE status = 'pending' OR ticket_id IN (SELECT ticket_id FROM ticket_phones)"), {}, &records, error))
        return false;
    for (const NotificationRecord &r : std::as_const(records)) {
        const Key key{r.ticketId, int(r.reminder)};
        m_fired.insert(key);
        if (r.status == QLatin1String("pending"))
            m_pending.insert(key, r);
    }
    if (!m_pending.isEmpty())
        QTimer::singleShot(0, this, &Notifications::dispatch);
    return true;
}

const GatewayConfig *Notifications::gatewayFor(qint64 hallId) const
{
    return m_config.forHall(m_halls->codeOf(hallId));
}

NotifyWrite &Notifications::write(CommitBatch &batch)
{
    batch.touch();
    return batch.slot<NotifyWrite>(QStringLiteral("notifications"), [this] { return std::make_unique<NotifyWrite>(this); });
}

void Notifications::track(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, const QString &phone, CommitBatch &batch)
{
    if (!m_personal || !gatewayFor(hallId))
        return; // no one would send: the number is not kept at all
    if (!t.isOpen() || m_phones.contains(t.id))
        return; // an offline ticket sent again after it was taken in
    QString error;
    const auto sealed = m_personal->seal(phoneTable, phoneColumn, QString::number(t.id), phone, &error);
    if (!sealed) {
        qCWarning(lcServer) << "reminders: the phone of ticket" << t.number << "cannot be sealed, so it is not kept:" << error;
        return;
    }
    const core::Business *b = engine.config().businessById(t.businessId);
    TrackedPhone p{hallId, *sealed, core::maskPhone(phone), b && b->remindAhead > 0 && engine.peopleAhead(t) > b->remindAhead};
    m_phones.insert(t.id, p);
    write(batch).phones.append({t.id, p});
}

void Notifications::closed(qint64 ticketId, CommitBatch &batch)
{
    m_phones.remove(ticketId);
    write(batch).closedTickets.append(ticketId);
}

void Notifications::fire(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, Reminder r, const QString &window, CommitBatch &batch)
{
    const Key key{t.id, int(r)};
    if (m_fired.contains(key))
        return;
    m_fired.insert(key);
    NotificationRecord n;
    n.hallId = hallId;
    n.ticketId = t.id;
    n.reminder = r;
    n.number = t.number;
    const core::Business *b = engine.config().businessById(t.businessId);
    n.business = b ? b->code : QString();
    n.window = window;
    n.ahead = engine.peopleAhead(t);
    n.masked = m_phones.value(t.id).masked;
    n.createdAt = n.nextAt = m_clock->now();
    write(batch).inserted.append(n);
}

void Notifications::observe(qint64 hallId, const queue::Engine &engine, const queue::ChangeSet &changes, CommitBatch &batch)
{
    if (m_phones.isEmpty())
        return;
    for (const core::Ticket &t : changes.tickets) {
        if (!t.isOpen() && m_phones.contains(t.id))
            closed(t.id, batch);
    }
    bool onlyIssued = true;
    for (const queue::Event &e : changes.events) {
        if (e.type != QLatin1String("ticket.issued"))
            onlyIssued = false;
        if (e.type != QLatin1String("ticket.called"))
            continue;
        const qint64 id = e.data.value(QStringLiteral("id")).toInteger();
        const core::Ticket *t = m_phones.contains(id) ? engine.ticket(id) : nullptr;
        if (t)
            fire(hallId, engine, *t, Reminder::Called, e.data.value(QStringLiteral("window")).toString(), batch);
    }
    // New tickets never bring anyone closer to the window; anything else may. Only tickets
    // with a phone and an armed ahead-reminder are looked at (a rank each, O(log n)).
    if (onlyIssued)
        return;
    for (auto it = m_phones.cbegin(); it != m_phones.cend(); ++it) {
        if (it->hallId != hallId || !it->aheadArmed || m_fired.contains({it.key(), int(Reminder::Ahead)}))
            continue;
        const core::Ticket *t = engine.ticket(it.key());
        const core::Business *b = t ? engine.config().businessById(t->businessId) : nullptr;
        if (t && b && t->status == core::TicketStatus::Waiting && engine.peopleAhead(*t) <= b->remindAhead)
            fire(hallId, engine, *t, Reminder::Ahead, QString(), batch);
    }
}

void Notifications::prune(CommitBatch &batch)
{
    m_prunedAt = m_clock->now();
    write(batch).pruneBefore = m_prunedAt.addDays(-m_config.retentionDays);
}

void Notifications::tick(CommitBatch &batch)
{
    const QDateTime now = m_clock->now();
    if (!m_prunedAt.isValid() || m_prunedAt.addDays(1) <= now)
        prune(batch);
    if (!m_personal)
        return;
    // Collected first: fire() may not change m_phones, but keep the loop plain anyway.
    QList<std::pair<qint64, qint64>> recallable;
    for (auto it = m_phones.cbegin(); it != m_phones.cend(); ++it) {
        const queue::Engine *engine = m_halls->engine(it->hallId);
        const core::Ticket *t = engine ? engine->ticket(it.key()) : nullptr;
        if (t && t->status == core::TicketStatus::Missed && t->callableAfter <= now && !m_fired.contains({it.key(), int(Reminder::Recallable)}))
            recallable.append({it->hallId, it.key()});
    }
    for (const auto &[hallId, id] : std::as_const(recallable)) {
        const queue::Engine *engine = m_halls->engine(hallId);
        fire(hallId, *engine, *engine->ticket(id), Reminder::Recallable, QString(), batch);
    }
    dispatch();
}

void Notifications::committed(const NotifyWrite &w)
{
    for (qint64 id : w.closedTickets) {
        // One on the way stays until its outcome is in (sent, or dropped: no phone to retry).
        for (auto it = m_pending.begin(); it != m_pending.end();)
            it = it.key().first == id && !m_inFlight.contains(it.key()) ? m_pending.erase(it) : std::next(it);
    }
    for (const NotificationRecord &r : w.inserted) {
        if (!w.closedTickets.contains(r.ticketId))
            m_pending.insert({r.ticketId, int(r.reminder)}, r);
    }
    QHash<qint64, QList<queue::Event>> events;
    for (const NotificationRecord &r : w.updated) {
        if (r.status == QLatin1String("sent") || r.status == QLatin1String("dropped"))
            continue;
        // Supervisors see every failed attempt; `final` when no more are coming.
        events[r.hallId].append(queue::Event{QStringLiteral("notification.failed"),
                                             QJsonObject{{QStringLiteral("ticketId"), r.ticketId},
                                                         {QStringLiteral("number"), r.number},
                                                         {QStringLiteral("reminder"), reminderName(r.reminder)},
                                                         {QStringLiteral("attempts"), r.attempts},
                                                         {QStringLiteral("error"), r.lastError},
                                                         {QStringLiteral("final"), r.status == QLatin1String("failed")},
                                                         {QStringLiteral("nextAt"), r.status == QLatin1String("failed") ? QString() : time(r.nextAt)}}});
    }
    for (auto it = events.cbegin(); it != events.cend(); ++it)
        m_http->events().publish(it.key(), it.value());
    if (!m_pending.isEmpty())
        QTimer::singleShot(0, this, &Notifications::dispatch);
}

void Notifications::dispatch()
{
    const QDateTime now = m_clock->now();
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        const Key key = it.key();
        const NotificationRecord &r = it.value();
        if (m_inFlight.contains(key) || r.nextAt > now)
            continue;
        const QString code = m_halls->codeOf(r.hallId);
        const GatewayConfig *cfg = m_config.forHall(code);
        const std::shared_ptr<Gateway> gateway = m_gateways.value(m_config.halls.contains(code) ? code : QString());
        const auto phone = m_phones.constFind(r.ticketId);
        if (!cfg || !gateway || phone == m_phones.constEnd())
            continue; // closed meanwhile: its commit drops it
        const security::FieldCipher::Opened opened = m_personal->open(phoneTable, phoneColumn, QString::number(r.ticketId), phone->sealed);
        if (!opened.ok()) {
            qCWarning(lcServer) << "reminders: the phone of ticket" << r.number << "cannot be opened:" << opened.message;
            QMetaObject::invokeMethod(this, [this, key, msg = security::FieldCipher::errorName(opened.error)] { sent(key, false, msg); }, Qt::QueuedConnection);
            m_inFlight.insert(key);
            continue;
        }
        SmsMessage m;
        m.reminder = r.reminder;
        m.templateId = cfg->templates.value(int(r.reminder));
        m.phone = opened.text();
        m.number = r.number;
        m.window = r.window;
        m.ahead = r.ahead;
        m.business = r.business;
        m.hall = code;
        m_inFlight.insert(key);
        QPointer<Notifications> self(this);
        // The gateway may answer at once (log): its answer is handled after this loop.
        gateway->send(m, [self, key](bool ok, const QString &error) {
            QMetaObject::invokeMethod(self, [self, key, ok, error] { if (self) self->sent(key, ok, error); }, Qt::QueuedConnection);
        });
    }
}

void Notifications::sent(Key key, bool ok, const QString &error)
{
    m_inFlight.remove(key);
    const auto it = m_pending.find(key);
    if (it == m_pending.end())
        return; // dropped meanwhile (its ticket closed)
    NotificationRecord r = it.value();
    const GatewayConfig *cfg = m_config.forHall(m_halls->codeOf(r.hallId));
    const QDateTime now = m_clock->now();
    ++r.attempts;
    if (ok) {
        r.status = QStringLiteral("sent");
        r.sentAt = now;
        r.lastError.clear();
        m_pending.erase(it);
    } else if (!m_phones.contains(r.ticketId)) {
        r.status = QStringLiteral("dropped"); // the ticket closed meanwhile: no phone to try again
        r.lastError = error;
        m_pending.erase(it);
    } else {
        r.lastError = error;
        if (!cfg || r.attempts >= cfg->maxAttempts) {
            r.status = QStringLiteral("failed");
            m_pending.erase(it);
        } else {
            const qint64 delay = std::min<qint64>(qint64(cfg->retrySeconds) << std::min(r.attempts - 1, 12), 3600);
            r.nextAt = now.addSecs(delay);
            it.value() = r;
        }
        qCWarning(lcServer).noquote() << "reminder" << reminderName(r.reminder) << "for ticket" << r.number << "not sent (attempt"
                                      << r.attempts << "):" << error;
    }
    write(m_http->batch()).updated.append(r);
    m_http->scheduleFlush();
}

bool Notifications::list(qint64 hallId, const QString &status, QJsonArray *out, QString *error) const
{
    QList<NotificationRecord> records;
    const QString where = status.isEmpty() ? QStringLiteral("WHERE hall_id = ? AND status IN ('pending', 'failed')")
                                           : QStringLiteral("WHERE hall_id = ? AND status = ?");
    QVariantList binds{hallId};
    if (!status.isEmpty())
        binds.append(status);
    if (!m_store.load(where, binds, &records, error))
        return false;
    for (const NotificationRecord &r : std::as_const(records)) {
        QJsonObject o{{QStringLiteral("ticketId"), r.ticketId},
                      {QStringLiteral("number"), r.number},
                      {QStringLiteral("business"), r.business},
                      {QStringLiteral("reminder"), reminderName(r.reminder)},
                      {QStringLiteral("phone"), r.masked},
                      {QStringLiteral("status"), r.status},
                      {QStringLiteral("attempts"), r.attempts},
                      {QStringLiteral("createdAt"), time(r.createdAt)}};
        if (!r.window.isEmpty())
            o.insert(QStringLiteral("window"), r.window);
        if (r.reminder == Reminder::Ahead)
            o.insert(QStringLiteral("ahead"), r.ahead);
        if (!r.lastError.isEmpty())
            o.insert(QStringLiteral("lastError"), r.lastError);
        if (r.status == QLatin1String("pending"))
            o.insert(QStringLiteral("nextAt"), time(r.nextAt));
        if (r.sentAt.isValid())
            o.insert(QStringLiteral("sentAt"), time(r.sentAt));
        out->append(o);
    }
    return true;
}

void NotificationController::registerRoutes(RouteScope &routes)
{
    routes.get(QStringLiteral("notifications"), [this](RequestContext &c) {
        const QString status = c.query.queryItemValue(QStringLiteral("status"));
        static const QStringList statuses{QStringLiteral("pending"), QStringLiteral("sent"), QStringLiteral("failed"), QStringLiteral("dropped")};
        if (!status.isEmpty() && !statuses.contains(status))
            return invalid(tr("status must be pending, sent, failed or dropped."));
        QJsonArray out;
        QString error;
        if (!m_notifications->list(c.hallId, status, &out, &error))
            return errorReply(503, QStringLiteral("unavailable"), error);
        return ok({{QStringLiteral("enabled"), m_notifications->isEnabled()}, {QStringLiteral("notifications"), out}});
    });
}

} // namespace hall::server
