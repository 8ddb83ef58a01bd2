#include "synccontroller.h"

#include "blobcontroller.h"
#include "commit.h"
#include "events.h"
#include "queuestore.h"

#include <core/idnumber.h>
#include <core/jsonreader.h>
#include <core/logging.h>
#include <queue/engine.h>
#include <queue/json.h>

#include <QRegularExpression>

namespace hall::server {

// Everything the sync requests of one turn wrote: device states, outcomes, feed changes,
// ratings; and the events to publish once they are durable.
class SyncWrite final : public PendingWrite
{
public:
    explicit SyncWrite(SyncController *c) : m_c(c) {}

    bool write(QString *error) override
    {
        SyncStore *s = m_c->m_store;
        for (const SyncRating &r : std::as_const(ratings)) {
            if (!s->writeRating(r, error))
                return false;
        }
        for (const SyncMaterial &m : std::as_const(materials)) {
            if (!s->writeMaterial(m, error))
                return false;
        }
        // The feed keeps one row per entity, so of an entity changed several times in this
        // batch (an officer's day, rated again and again during a catch-up) only the last
        // change is written: what the upserts in order would leave, without the others' JSON
        // and statements.
        QHash<QString, qsizetype> last;
        last.reserve(changes.size());
        const auto entity = [](qint64 hallId, const SyncChange &ch) -> QString {
            return QString::number(hallId) + u'|' + ch.scope + u'|' + ch.kind + u'|' + ch.key;
        };
        for (qsizetype i = 0; i < changes.size(); ++i)
            last.insert(entity(changes.at(i).first, changes.at(i).second), i);
        for (qsizetype i = 0; i < changes.size(); ++i) {
            const auto &[hallId, change] = changes.at(i);
            if (last.value(entity(hallId, change)) == i && !s->writeChange(hallId, change, error))
                return false;
        }
        for (const auto &[device, epoch, outcome] : std::as_const(outcomes)) {
            if (!s->writeOutcome(device, epoch, outcome, error))
                return false;
        }
        for (const SyncDevice &d : std::as_const(devices)) {
            if (!s->writeDevice(d, error))
                return false;
        }
        return true;
    }
    void committed() override
    {
        m_c->m_rated.clear(); // the database has them now
        m_c->m_materials.clear();
        for (const auto &[hallId, event] : std::as_const(events))
            m_c->m_events->publish(hallId, {event});
    }
    void rolledBack() override { m_c->m_stale = true; }

    // A pending outcome of (device, epoch, seq), for a replay that arrives before the commit.
    const SyncOutcome *pendingOutcome(const QString &device, qint64 epoch, qint64 seq) const
    {
        for (const auto &[d, e, o] : outcomes) {
            if (d == device && e == epoch && o.seq == seq)
                return &o;
        }
        return nullptr;
    }

    QHash<QString, SyncDevice> devices;
    QList<std::tuple<QString, qint64, SyncOutcome>> outcomes;
    QList<std::pair<qint64, SyncChange>> changes;
    QList<SyncRating> ratings;
    QList<SyncMaterial> materials;
    QList<std::pair<qint64, queue::Event>> events;

private:
    SyncController *m_c;
};

namespace {

SyncOutcome outcome(const QString &status, const QString &code = {}, const QString &message = {})
{
    SyncOutcome o;
    o.status = status;
    o.code = code;
    o.message = message;
    return o;
}

} // namespace

bool SyncController::validDeviceId(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{8,64}$"));
    return re.match(s).hasMatch();
}

SyncController::Owner SyncController::ownerOf(const QString &device, qint64 hallId, qint64 account)
{
    if (m_stale)
        dropState();
    std::optional<SyncDevice> d;
    if (const auto it = m_devices.constFind(device); it != m_devices.constEnd()) {
        d = *it;
    } else {
        QString err;
        d = m_store->device(device, &err);
        if (!err.isEmpty())
            return Owner::Unreadable;
    }
    if (!d)
        return Owner::Nobody;
    return d->hallId == hallId && d->accountId == account ? Owner::Caller : Owner::Other;
}

SyncController::SyncController(SyncStore *store, QueueStore *queue, EventHub *events, BlobController *blobs)
    : m_store(store), m_queue(queue), m_events(events), m_blobs(blobs)
{
}

SyncController::~SyncController() = default;

void SyncController::setFeedFormats(int current, int oldest)
{
    m_feedFormat = current > 0 ? current : FeedFormat;
    m_oldestFeedFormat = oldest > 0 ? std::min(oldest, m_feedFormat) : std::min(OldestFeedFormat, m_feedFormat);
}

void SyncController::registerRoutes(RouteScope &routes)
{
    routes.post(QStringLiteral("push"), [this](RequestContext &c) { return push(c); }).maxBodyBytes = MaxPushBytes;
    routes.get(QStringLiteral("pull"), [this](RequestContext &c) { return pull(c); });
}

void SyncController::dropState()
{
    m_devices.clear();
    m_lastChange.clear();
    m_reference.clear();
    m_hallRows.clear();
    m_work.clear();
    m_rated.clear();
    m_materials.clear();
    m_stale = false;
}

SyncWrite &SyncController::write(CommitBatch &batch)
{
    auto &w = batch.slot<SyncWrite>(QStringLiteral("sync"), [this] { return std::make_unique<SyncWrite>(this); });
    batch.touch();
    return w;
}

bool SyncController::nextChangeSeq(qint64 hallId, qint64 *seq, QString *error)
{
    auto it = m_lastChange.find(hallId);
    if (it == m_lastChange.end()) {
        const qint64 last = m_store->lastChangeSeq(hallId, error);
        if (last < 0)
            return false;
        it = m_lastChange.insert(hallId, last);
    }
    *seq = ++*it;
    return true;
}

bool SyncController::publishReference(qint64 hallId, const core::HallConfig &cfg, CommitBatch &batch, QString *error)
{
    if (m_stale)
        dropState();
    if (!m_reference.contains(hallId)) {
        QList<SyncChange> known;
        if (!m_store->changesOf(hallId, QStringLiteral("ref"), &known, error))
            return false;
        QHash<QString, SyncChange> &ref = m_reference[hallId];
        for (const SyncChange &ch : std::as_const(known))
            ref.insert(ch.kind + u'/' + ch.key, ch);
    }
    QJsonObject json = cfg.toJson();
    QHash<QString, std::pair<QString, QJsonObject>> now; // "kind/key" → (key, data)
    for (const QJsonValue &b : json.take(QStringLiteral("businesses")).toArray()) {
        const QString code = b.toObject().value(QStringLiteral("code")).toString();
        now.insert(QStringLiteral("business/") + code, {code, b.toObject()});
    }
    for (const QJsonValue &w : json.take(QStringLiteral("windows")).toArray()) {
        const QString number = w.toObject().value(QStringLiteral("number")).toString();
        now.insert(QStringLiteral("window/") + number, {number, w.toObject()});
    }
    json.remove(QStringLiteral("accounts"));
    now.insert(QStringLiteral("hall/") + cfg.code, {cfg.code, json});

    QHash<QString, SyncChange> &ref = m_reference[hallId];
    QList<SyncChange> out;
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        const auto old = ref.constFind(it.key());
        if (old != ref.constEnd() && !old->deleted && old->data == it.value().second)
            continue;
        SyncChange ch;
        ch.scope = QStringLiteral("ref");
        ch.kind = it.key().section(u'/', 0, 0);
        ch.key = it.value().first;
        ch.version = old != ref.constEnd() ? old->version + 1 : 1;
        ch.data = it.value().second;
        out.append(ch);
    }
    for (auto it = ref.cbegin(); it != ref.cend(); ++it) {
        if (it->deleted || now.contains(it.key()))
            continue;
        SyncChange ch = it.value();
        ch.version += 1;
        ch.deleted = true;
        ch.data = {};
        out.append(ch);
    }
    if (out.isEmpty())
        return true;
    // Same order every time (hall, businesses, windows by key), so the feed is reproducible.
    std::sort(out.begin(), out.end(), [](const SyncChange &a, const SyncChange &b) {
        return std::tie(a.kind, a.key) < std::tie(b.kind, b.key);
    });
    SyncWrite &w = write(batch);
    for (SyncChange &ch : out) {
        if (!nextChangeSeq(hallId, &ch.seq, error))
            return false;
        ref.insert(ch.kind + u'/' + ch.key, ch);
        w.changes.append({hallId, ch});
    }
    return true;
}

QHash<QString, SyncChange> *SyncController::workRows(qint64 hallId, const QDate &day)
{
    WorkDay &wd = m_work[hallId];
    if (wd.day == day)
        return &wd.rows;
    QList<SyncChange> known;
    QString err;
    if (!m_store->workChanges(hallId, day.toString(Qt::ISODate) + u'/', &known, &err)) {
        // The queue operation still commits; its row is missing from the feed until the next
        // change of that ticket. Rare (the database failing a read between two writes).
        qCWarning(lcServer) << "sync feed: window/officer rows of hall" << hallId << "unreadable:" << err;
        m_work.remove(hallId);
        return nullptr;
    }
    wd.day = day;
    wd.rows.clear();
    for (const SyncChange &ch : std::as_const(known))
        wd.rows.insert(ch.scope + u'|' + ch.kind + u'/' + ch.key, ch);
    return &wd.rows;
}

void SyncController::publishWork(qint64 hallId, SyncChange ch, SyncWrite &w)
{
    QString err;
    if (!nextChangeSeq(hallId, &ch.seq, &err)) {
        qCWarning(lcServer) << "sync feed: no sequence for hall" << hallId << err;
        return;
    }
    QHash<QString, SyncChange> &rows = m_work[hallId].rows;
    const QString id = ch.scope + u'|' + ch.kind + u'/' + ch.key;
    ch.version = rows.value(id).version + 1;
    rows.insert(id, ch);
    w.changes.append({hallId, ch});
}

void SyncController::publishServed(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, int rating, SyncWrite &w)
{
    const core::Window *window = nullptr;
    for (const core::Window &x : engine.config().windows) {
        if (x.id == t.windowId)
            window = &x;
    }
    QHash<QString, SyncChange> *rows = window ? workRows(hallId, t.day) : nullptr;
    if (!rows)
        return;
    const QString day = t.day.toString(Qt::ISODate);
    const QString windowScope = QStringLiteral("window:") + window->number;
    const QString servedKey = day + u'/' + t.number;
    const QJsonObject old = rows->value(windowScope + QStringLiteral("|served/") + servedKey).data;
    const bool wasDone = old.value(QStringLiteral("status")).toString() == QLatin1String("done");
    const bool done = t.status == core::TicketStatus::Done;
    if (rating == 0 && (!done || wasDone))
        return;

    QJsonObject row = old;
    row.insert(QStringLiteral("ticket"), t.id);
    row.insert(QStringLiteral("number"), t.number);
    row.insert(QStringLiteral("day"), day);
    row.insert(QStringLiteral("window"), window->number);
    row.insert(QStringLiteral("officer"), t.officerId);
    row.insert(QStringLiteral("status"), done ? QStringLiteral("done") : QStringLiteral("serving"));
    for (const core::Business &b : engine.config().businesses) {
        if (b.id == t.businessId)
            row.insert(QStringLiteral("business"), b.code);
    }
    if (t.calledAt.isValid())
        row.insert(QStringLiteral("calledAt"), t.calledAt.toString(Qt::ISODateWithMs));
    const qint64 serviceSeconds = done && t.calledAt.isValid() && t.finishedAt.isValid() ? t.calledAt.secsTo(t.finishedAt) : 0;
    if (done && t.finishedAt.isValid()) {
        row.insert(QStringLiteral("finishedAt"), t.finishedAt.toString(Qt::ISODateWithMs));
        row.insert(QStringLiteral("serviceSeconds"), serviceSeconds);
    }
    if (rating)
        row.insert(QStringLiteral("rating"), rating);
    publishWork(hallId, SyncChange{0, windowScope, QStringLiteral("served"), servedKey, 0, false, row}, w);

    if (!t.officerId)
        return;
    const QString officerScope = QStringLiteral("officer:%1").arg(t.officerId);
    const QString dayKey = day + u'/' + QString::number(t.officerId);
    QJsonObject workday = rows->value(officerScope + QStringLiteral("|workday/") + dayKey).data;
    workday.insert(QStringLiteral("officer"), t.officerId);
    workday.insert(QStringLiteral("day"), day);
    if (done && !wasDone) {
        workday.insert(QStringLiteral("served"), workday.value(QStringLiteral("served")).toInt() + 1);
        workday.insert(QStringLiteral("serviceSeconds"), workday.value(QStringLiteral("serviceSeconds")).toInteger() + serviceSeconds);
    }
    QJsonObject ratings = workday.value(QStringLiteral("ratings")).toObject();
    if (rating)
        ratings.insert(QString::number(rating), ratings.value(QString::number(rating)).toInt() + 1);
    workday.insert(QStringLiteral("ratings"), ratings);
    publishWork(hallId, SyncChange{0, officerScope, QStringLiteral("workday"), dayKey, 0, false, workday}, w);
}

void SyncController::observeQueue(qint64 hallId, const queue::Engine &engine, const queue::ChangeSet &changes, CommitBatch &batch)
{
    if (m_stale)
        dropState();
    for (const core::Ticket &t : changes.tickets) {
        if (t.status == core::TicketStatus::Done && t.windowId)
            publishServed(hallId, engine, t, 0, write(batch));
    }
}

Reply SyncController::push(RequestContext &c)
{
    if (m_stale)
        dropState();
    core::JsonReader r(c.body);
    const QString device = r.string(QStringLiteral("device"), true);
    const qint64 epoch = r.int64(QStringLiteral("epoch"), 0, true);
    const QJsonArray entries = r.array(QStringLiteral("entries"), true);
    if (!r.finish())
        return invalid(r.error());
    if (!validDeviceId(device))
        return invalid(tr("device: 8 to 64 letters, digits, - or _."));
    if (epoch < 1)
        return invalid(tr("epoch: must be 1 or more."));
    if (entries.isEmpty() || entries.size() > MaxEntries)
        return invalid(tr("entries: between 1 and %1 entries per request.").arg(MaxEntries));

    struct Entry
    {
        qint64 seq;
        QString key;
        QString kind;
        QDateTime at;
        QJsonObject data;
    };
    QList<Entry> list;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        core::JsonReader e(entries.at(i).toObject(), QStringLiteral("entries[%1]").arg(i));
        Entry x;
        x.seq = e.int64(QStringLiteral("seq"), 0, true);
        x.key = e.string(QStringLiteral("key"), true);
        x.kind = e.string(QStringLiteral("kind"), true);
        const QString at = e.string(QStringLiteral("at"));
        x.data = e.object(QStringLiteral("data"), true);
        if (!entries.at(i).isObject())
            e.fail(tr("entries[%1]: must be an object.").arg(i));
        if (!e.finish())
            return invalid(e.error());
        x.at = at.isEmpty() ? QDateTime() : QDateTime::fromString(at, Qt::ISODateWithMs);
        if (!at.isEmpty() && !x.at.isValid())
            return invalid(tr("entries[%1].at: must be an ISO 8601 time.").arg(i));
        if (x.key.isEmpty() || x.key.size() > 64)
            return invalid(tr("entries[%1].key: 1 to 64 characters.").arg(i));
        if (x.seq < 1 || (i > 0 && x.seq != list.last().seq + 1))
            return invalid(tr("entries[%1].seq: the entries of a push must be consecutive, from 1 up.").arg(i));
        list.append(x);
    }

    // The device's place: pending state first (a push of the same turn), then the database.
    SyncDevice d;
    if (const auto it = m_devices.constFind(device); it != m_devices.constEnd()) {
        d = *it;
    } else {
        QString err;
        const auto stored = m_store->device(device, &err);
        if (!err.isEmpty())
            return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
        d = stored ? *stored : SyncDevice{device, c.hallId, c.actor(), epoch, 0};
    }
    if (d.hallId != c.hallId || d.accountId != c.actor())
        return errorReply(403, QStringLiteral("wrong_device"), tr("Device %1 belongs to another account; each device pushes only its own entries.").arg(device));
    if (epoch < d.epoch) {
        Reply reply = errorReply(409, QStringLiteral("stale_epoch"),
                                 tr("Epoch %1 of this device is over (the server is at %2): export unsent entries and reset.").arg(epoch).arg(d.epoch));
        QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
        e.insert(QStringLiteral("epoch"), d.epoch);
        reply.body.insert(QStringLiteral("error"), e);
        return reply;
    }
    if (epoch > d.epoch) {
        d.epoch = epoch;
        d.lastSeq = 0;
    }
    if (list.first().seq > d.lastSeq + 1) {
        Reply reply = errorReply(409, QStringLiteral("sequence_gap"),
                                 tr("Entry %1 was expected next, not %2; nothing was applied.").arg(d.lastSeq + 1).arg(list.first().seq));
        QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
        e.insert(QStringLiteral("expectedSeq"), d.lastSeq + 1);
        reply.body.insert(QStringLiteral("error"), e);
        return reply;
    }

    SyncWrite &w = write(*c.batch);
    QJsonArray outcomes;
    QJsonObject waiting;
    for (const Entry &x : std::as_const(list)) {
        SyncOutcome o;
        if (x.seq <= d.lastSeq) {
            // A retry of what was applied: answer from the record, apply nothing.
            const SyncOutcome *pending = w.pendingOutcome(device, d.epoch, x.seq);
            QString err;
            const std::optional<SyncOutcome> stored = pending ? std::optional<SyncOutcome>(*pending) : m_store->outcome(device, d.epoch, x.seq, &err);
            if (!stored)
                return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
            if (stored->key != x.key) {
                o = outcome(QStringLiteral("rejected"), QStringLiteral("sequence_reused"),
                            tr("Entry %1 was already applied with another key; this entry was not applied.").arg(x.seq));
                o.seq = x.seq;
                o.key = x.key;
                o.kind = x.kind;
            } else {
                o = *stored;
            }
            QJsonObject j = o.toJson();
            j.insert(QStringLiteral("replayed"), true);
            outcomes.append(j);
            continue;
        }
        if (x.kind == QLatin1String("rating")) {
            o = applyRating(c, device, x.data, x.at, w);
        } else if (x.kind == QLatin1String("notice")) {
            o = applyNotice(c, x.data, w);
        } else if (x.kind == QLatin1String("ticket.offline")) {
            o = applyOfflineTicket(c, device, x.data);
        } else if (x.kind == QLatin1String("material")) {
            bool failed = false;
            const auto missing = applyMaterial(c, device, x.data, x.at, w, &o, &failed);
            if (failed)
                return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
            if (missing) {
                // Not an outcome: the entry waits, unapplied, and so does everything behind it,
                // until the client has uploaded its blobs (docs/sync.md).
                QJsonArray blobs;
                for (const BlobId &b : *missing)
                    blobs.append(QJsonObject{{QStringLiteral("algorithm"), b.algorithm}, {QStringLiteral("hash"), b.hash}});
                waiting = {{QStringLiteral("seq"), x.seq}, {QStringLiteral("key"), x.key}, {QStringLiteral("code"), QStringLiteral("blobs_missing")},
                           {QStringLiteral("message"), tr("Entry %1 references %n blob(s) not uploaded completely yet; upload them, then push again.", nullptr, int(missing->size())).arg(x.seq)},
                           {QStringLiteral("blobs"), blobs}};
                break;
            }
        } else
            o = outcome(QStringLiteral("rejected"), QStringLiteral("unknown_kind"), tr("This server does not know entries of kind \"%1\".").arg(x.kind));
        o.seq = x.seq;
        o.key = x.key;
        o.kind = x.kind;
        // Applied, rejected or in conflict: the sequence moves on either way.
        w.outcomes.append({device, d.epoch, o});
        d.lastSeq = x.seq;
        outcomes.append(o.toJson());
    }
    m_devices.insert(device, d);
    w.devices.insert(device, d);
    QJsonObject reply{{QStringLiteral("device"), device}, {QStringLiteral("epoch"), d.epoch},
                      {QStringLiteral("lastSeq"), d.lastSeq}, {QStringLiteral("outcomes"), outcomes}};
    if (!waiting.isEmpty())
        reply.insert(QStringLiteral("waiting"), waiting);
    return ok(reply);
}

SyncOutcome SyncController::applyRating(RequestContext &c, const QString &device, const QJsonObject &data, const QDateTime &at,
                                        SyncWrite &w)
{
    core::JsonReader r(data, QStringLiteral("data"));
    const qint64 ticketId = r.int64(QStringLiteral("ticket"), 0, true);
    const int level = r.integer(QStringLiteral("level"), 0, 1, 5, true);
    const QString source = r.string(QStringLiteral("source"), false, QStringLiteral("evaluator"));
    if (!r.finish())
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), r.error());
    if (source != QLatin1String("evaluator") && source != QLatin1String("screen"))
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.source: evaluator or screen."));

    // Today's tickets are in the engine (with what this turn changed); older ones in the database.
    core::Ticket t;
    if (const core::Ticket *live = c.engine->ticket(ticketId)) {
        t = *live;
    } else {
        QString err;
        const auto stored = m_queue->ticket(ticketId, &err);
        if (!stored || stored->hallId != c.hallId)
            return outcome(QStringLiteral("rejected"), QStringLiteral("not_found"), tr("There is no ticket %1 in this hall.").arg(ticketId));
        t = *stored;
    }
    // Called counts as being served: a hardware caller has no "start" key, so at a window worked
    // with one the ticket stays called until the next call finishes it (Q17, E2).
    if (t.status != core::TicketStatus::Called && t.status != core::TicketStatus::Serving && t.status != core::TicketStatus::Done)
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_state"), tr("Ticket %1 has not been served; only a served ticket is rated.").arg(t.number));
    QString err;
    if (m_rated.contains(ticketId) || m_store->isRated(ticketId, &err))
        return outcome(QStringLiteral("rejected"), QStringLiteral("already_rated"), tr("Ticket %1 has been rated already; a service is rated once.").arg(t.number));

    SyncRating rating{c.hallId, ticketId, level, source, t.windowId, t.officerId, device, at.isValid() ? at : QDateTime::currentDateTime()};
    w.ratings.append(rating);
    m_rated.insert(ticketId);
    publishServed(c.hallId, *c.engine, t, level, w);
    if (level <= 2) {
        QString window;
        for (const core::Window &win : c.engine->config().windows) {
            if (win.id == t.windowId)
                window = win.number;
        }
        w.events.append({c.hallId, queue::Event{QStringLiteral("rating.bad"),
                                                {{QStringLiteral("ticket"), ticketId}, {QStringLiteral("number"), t.number},
                                                 {QStringLiteral("window"), window}, {QStringLiteral("level"), level}}}});
    }
    SyncOutcome o = outcome(QStringLiteral("applied"));
    o.result = {{QStringLiteral("ticket"), ticketId}, {QStringLiteral("level"), level}};
    return o;
}

QHash<QString, SyncChange> *SyncController::hallRows(qint64 hallId, QString *error)
{
    auto it = m_hallRows.find(hallId);
    if (it != m_hallRows.end())
        return &*it;
    QList<SyncChange> known;
    if (!m_store->changesOf(hallId, QStringLiteral("hall"), &known, error))
        return nullptr;
    QHash<QString, SyncChange> rows;
    for (const SyncChange &ch : std::as_const(known))
        rows.insert(ch.kind + u'/' + ch.key, ch);
    return &*m_hallRows.insert(hallId, rows);
}

// A hall notice (the wall's scrolling text), the first versioned kind: an edit names the
// version it was made against; if someone else's edit came first, the outcome is a conflict
// carrying the server's version, and nothing changes until a person decides.
SyncOutcome SyncController::applyNotice(RequestContext &c, const QJsonObject &data, SyncWrite &w)
{
    core::JsonReader r(data, QStringLiteral("data"));
    const QString id = r.string(QStringLiteral("id"), true);
    const qint64 version = r.int64(QStringLiteral("version"), 0, true);
    const QString text = r.string(QStringLiteral("text"));
    const QString untilText = r.string(QStringLiteral("until"));
    const bool deleted = r.boolean(QStringLiteral("deleted"), false);
    if (!r.finish())
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), r.error());
    static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
    if (!idRe.match(id).hasMatch())
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.id: 1 to 32 letters, digits, - or _."));
    if (version < 0)
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.version: 0 for a new notice, else the version edited."));
    if (!deleted && (text.trimmed().isEmpty() || text.size() > MaxNoticeChars))
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.text: 1 to %1 characters.").arg(MaxNoticeChars));
    const QDateTime until = QDateTime::fromString(untilText, Qt::ISODate);
    if (!untilText.isEmpty() && !until.isValid())
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.until: must be an ISO 8601 time."));
    if (c.role() != roles::Supervisor)
        return outcome(QStringLiteral("rejected"), QStringLiteral("forbidden"), tr("Only a supervisor edits the hall's notices."));

    QString err;
    QHash<QString, SyncChange> *rows = hallRows(c.hallId, &err);
    if (!rows)
        return outcome(QStringLiteral("rejected"), QStringLiteral("storage_unavailable"), err);
    const QString entity = QStringLiteral("notice/") + id;
    const auto cur = rows->constFind(entity);
    // A deleted notice is edited as a new one (version 0); its versions keep counting up.
    const bool exists = cur != rows->constEnd() && !cur->deleted;
    const qint64 currentVersion = exists ? cur->version : 0;
    if (version != currentVersion) {
        const QString why = cur != rows->constEnd() && cur->deleted
            ? tr("Notice %1 was deleted by someone else after version %2 that this edit was made on.").arg(id).arg(version)
            : version == 0 ? tr("Notice %1 was created by someone else meanwhile (now version %2).").arg(id).arg(currentVersion)
                           : tr("Notice %1 was changed by someone else (now version %2; this edit was made on version %3).")
                                 .arg(id).arg(currentVersion).arg(version);
        SyncOutcome o = outcome(QStringLiteral("conflict"), QStringLiteral("version_mismatch"),
                                why + u' ' + tr("Both are kept: decide which one stays."));
        if (exists)
            o.current = {{QStringLiteral("version"), cur->version}, {QStringLiteral("deleted"), cur->deleted}, {QStringLiteral("data"), cur->data}};
        return o;
    }
    if (deleted && !exists)
        return outcome(QStringLiteral("rejected"), QStringLiteral("not_found"), tr("There is no notice %1 to delete.").arg(id));

    SyncChange ch;
    ch.scope = QStringLiteral("hall");
    ch.kind = QStringLiteral("notice");
    ch.key = id;
    ch.version = (cur == rows->constEnd() ? 0 : cur->version) + 1;
    ch.deleted = deleted;
    if (!deleted) {
        ch.data = {{QStringLiteral("text"), text}, {QStringLiteral("by"), c.session.account.login}};
        if (until.isValid())
            ch.data.insert(QStringLiteral("until"), until.toString(Qt::ISODate));
    }
    if (!nextChangeSeq(c.hallId, &ch.seq, &err))
        return outcome(QStringLiteral("rejected"), QStringLiteral("storage_unavailable"), err);
    rows->insert(entity, ch);
    w.changes.append({c.hallId, ch});
    QJsonObject event = ch.data;
    event.insert(QStringLiteral("id"), id);
    event.insert(QStringLiteral("version"), ch.version);
    event.insert(QStringLiteral("deleted"), deleted);
    w.events.append({c.hallId, queue::Event{QStringLiteral("notice.changed"), event}});
    SyncOutcome o = outcome(QStringLiteral("applied"));
    o.result = {{QStringLiteral("id"), id}, {QStringLiteral("version"), ch.version}};
    return o;
}

// A ticket printed from a lease while the kiosk was cut off: the queue engine takes it in at
// its original time. What breaks a rule is kept as a rejection (or, for a person who holds
// another ticket, a conflict showing that ticket) with the reason, never dropped.
SyncOutcome SyncController::applyOfflineTicket(RequestContext &c, const QString &device, const QJsonObject &data)
{
    core::JsonReader r(data, QStringLiteral("data"));
    queue::OfflineTicketRequest req;
    req.businessCode = r.string(QStringLiteral("business"), true);
    req.seq = r.integer(QStringLiteral("seq"), 0, 1, 999999, true);
    const QString number = r.string(QStringLiteral("number"));
    const QString issuedAt = r.string(QStringLiteral("issuedAt"), true);
    const QString source = r.string(QStringLiteral("source"), false, QStringLiteral("touch"));
    req.idNumber = r.string(QStringLiteral("idNumber"));
    req.phone = r.string(QStringLiteral("phone"));
    req.priorityName = r.string(QStringLiteral("priority"));
    r.string(QStringLiteral("local")); // the kiosk's own id of the ticket, for its cache
    if (!r.finish())
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), r.error());
    req.issuedAt = QDateTime::fromString(issuedAt, Qt::ISODateWithMs);
    if (!req.issuedAt.isValid())
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.issuedAt: must be an ISO 8601 time."));
    if (!core::ticketSourceFromName(source, &req.source))
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"), tr("data.source: touch, idcard or phone."));
    const core::Business *b = c.engine->config().business(req.businessCode);
    if (b && !number.isEmpty() && number != b->formatNumber(b->prefix, req.seq))
        return outcome(QStringLiteral("rejected"), QStringLiteral("invalid_input"),
                       tr("data.number: %1 is not the number of sequence %2 (%3).").arg(number).arg(req.seq).arg(b->formatNumber(b->prefix, req.seq)));
    req.device = device;
    req.actor = c.actor();

    const auto res = c.engine->importOffline(req);
    if (!res) {
        const queue::Error &e = res.error();
        const bool duplicate = e.code == queue::ErrorCode::Duplicate;
        SyncOutcome o = outcome(duplicate ? QStringLiteral("conflict") : QStringLiteral("rejected"), queue::errorCodeName(e.code), e.message);
        if (const core::Ticket *held = e.ticketId ? c.engine->ticket(e.ticketId) : nullptr)
            o.current = queue::publicTicketJson(*c.engine, *held);
        return o;
    }
    // Its phone (the identity, or for reminders only) is kept like an online ticket's. A bad
    // reminder number loses the reminders, never the ticket the citizen holds.
    if (!req.phone.isEmpty() && m_issued) {
        if (core::isValidMobile(req.phone))
            m_issued(c.hallId, *c.engine, res.value(), req.phone, *c.batch);
        else
            qCWarning(lcServer) << "offline ticket" << res.value().number << "came with a reminder number that is not a mobile number; no reminders";
    }
    SyncOutcome o = outcome(QStringLiteral("applied"));
    o.result = queue::ticketJson(*c.engine, res.value());
    return o;
}

std::optional<QList<BlobId>> SyncController::applyMaterial(RequestContext &c, const QString &device, const QJsonObject &data,
                                                           const QDateTime &at, SyncWrite &w, SyncOutcome *out, bool *storageFailed)
{
    const auto refuse = [out](const QString &code, const QString &message) {
        *out = outcome(QStringLiteral("rejected"), code, message);
        return std::nullopt;
    };
    core::JsonReader r(data, QStringLiteral("data"));
    SyncMaterial m;
    m.hallId = c.hallId;
    m.key = r.string(QStringLiteral("material"), true);
    m.ticketNumber = r.string(QStringLiteral("ticket"), true);
    m.type = r.string(QStringLiteral("type"), true);
    m.pages = r.integer(QStringLiteral("pages"), 0, 1, 1000, true);
    m.blobs = r.array(QStringLiteral("blobs"), true);
    if (!r.finish())
        return refuse(QStringLiteral("invalid_input"), r.error());
    if (m.key.isEmpty() || m.key.size() > 64 || m.ticketNumber.isEmpty() || m.ticketNumber.size() > 16 || m.type.isEmpty() || m.type.size() > 32)
        return refuse(QStringLiteral("invalid_input"), tr("data: material 1–64, ticket 1–16 and type 1–32 characters."));
    if (m.blobs.isEmpty() || m.blobs.size() > 1000)
        return refuse(QStringLiteral("invalid_input"), tr("data.blobs: 1 to 1000 blobs."));
    QList<BlobId> ids;
    for (qsizetype i = 0; i < m.blobs.size(); ++i) {
        core::JsonReader b(m.blobs.at(i).toObject(), QStringLiteral("data.blobs[%1]").arg(i));
        const BlobId id{b.string(QStringLiteral("algorithm"), true), b.string(QStringLiteral("hash"), true)};
        b.int64(QStringLiteral("size"), 0, true);
        if (!b.finish())
            return refuse(QStringLiteral("invalid_input"), b.error());
        if (!BlobController::validId(id))
            return refuse(QStringLiteral("invalid_input"), tr("data.blobs[%1]: algorithm sha256 or sm3 and a hash of 64 lower-case hex digits.").arg(i));
        ids.append(id);
    }
    QString err;
    const QString pendingKey = QString::number(c.hallId) + u'/' + m.key;
    if (m_materials.contains(pendingKey) || m_store->materialExists(c.hallId, m.key, &err))
        return refuse(QStringLiteral("already_exists"), tr("Material %1 was received already.").arg(m.key));
    if (!err.isEmpty() || !m_blobs) {
        *storageFailed = true;
        return std::nullopt;
    }
    const auto missing = m_blobs->missing(c.hallId, ids);
    if (!missing) {
        *storageFailed = true;
        return std::nullopt;
    }
    if (!missing->isEmpty())
        return missing;
    m.device = device;
    m.madeAt = at.isValid() ? at : QDateTime::currentDateTime();
    w.materials.append(m);
    m_materials.insert(pendingKey);
    *out = outcome(QStringLiteral("applied"));
    out->result = {{QStringLiteral("material"), m.key}, {QStringLiteral("blobs"), m.blobs.size()}};
    return std::nullopt;
}

std::optional<Reply> SyncController::pullScopes(RequestContext &c, QStringList *scopes) const
{
    // Data scope (SEC4): the hall's managers read every scope; an officer their own day and the
    // window they are signed in at; devices and everyone else the reference data and the hall's.
    const QString role = c.role();
    const bool manager = role == roles::Admin || role == roles::Supervisor || role == roles::Chief;
    const auto signedInAt = [&c](const QString &window) {
        return c.engine->config().window(window) && c.engine->windowStatus(window).runtime.officerId == c.actor();
    };
    const QString asked = c.query.queryItemValue(QStringLiteral("scopes"));
    if (asked.isEmpty()) {
        if (manager)
            return std::nullopt; // everything, unfiltered
        *scopes = {QStringLiteral("ref"), QStringLiteral("hall")};
        if (role == roles::Officer || role == roles::Approver)
            scopes->append(QStringLiteral("officer:%1").arg(c.actor()));
        if (role == roles::Officer) {
            for (const core::Window &w : c.engine->config().windows) {
                if (signedInAt(w.number))
                    scopes->append(QStringLiteral("window:") + w.number);
            }
        }
        return std::nullopt;
    }
    const auto forbidden = [](const QString &scope) {
        return errorReply(403, QStringLiteral("forbidden"), tr("scopes: \"%1\" is not yours to read.").arg(scope));
    };
    for (const QString &s : asked.split(u',', Qt::SkipEmptyParts)) {
        if (s == QLatin1String("ref") || s == QLatin1String("hall")) {
        } else if (s.startsWith(QLatin1String("window:"))) {
            const QString window = s.mid(7);
            if (!c.engine->config().window(window))
                return invalid(tr("scopes: there is no window \"%1\" in this hall.").arg(window));
            if (!manager && !(role == roles::Officer && signedInAt(window)))
                return forbidden(s);
        } else if (s.startsWith(QLatin1String("officer:"))) {
            bool isNumber = false;
            const qint64 officer = s.mid(8).toLongLong(&isNumber);
            if (!isNumber || officer < 1)
                return invalid(tr("scopes: \"%1\" needs an account id after officer:.").arg(s));
            if (!manager && officer != c.actor())
                return forbidden(s);
        } else {
            return invalid(tr("scopes: unknown scope \"%1\" (known: ref, hall, window:N, officer:ID).").arg(s));
        }
        scopes->append(s);
    }
    return std::nullopt;
}

// A client says the newest feed format it reads (`format`) and the one its cached rows were
// built from (`rows`); a client from before formats existed says neither and reads format 1.
// It is answered in the newest format both know. A client that reads none this server still
// sends must be upgraded (its cache is fine and stays); rows of another format than the answer's
// cannot be carried over, so the cache resets — unless it starts from nothing anyway (since=0).
std::optional<Reply> SyncController::feedFormat(RequestContext &c, qint64 since, int *served) const
{
    const QString formatText = c.query.queryItemValue(QStringLiteral("format"));
    const QString rowsText = c.query.queryItemValue(QStringLiteral("rows"));
    bool okFormat = true, okRows = true;
    const int reads = formatText.isEmpty() ? 1 : formatText.toInt(&okFormat);
    const int rows = rowsText.isEmpty() ? reads : rowsText.toInt(&okRows);
    if (!okFormat || reads < 1 || !okRows || rows < 0)
        return invalid(tr("format ≥ 1 and rows ≥ 0 are whole numbers: the feed format this client reads and the one its cached rows were built from."));
    *served = std::min(reads, m_feedFormat);
    if (*served < m_oldestFeedFormat) {
        Reply reply = errorReply(409, QStringLiteral("upgrade_required"),
                                 tr("This client reads sync feed format %1 at most; this hall-server sends formats %2 to %3. Install the current "
                                    "HallSuite on this PC: its cache and unsent entries are kept and go out after the upgrade.")
                                     .arg(reads).arg(m_oldestFeedFormat).arg(m_feedFormat));
        QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
        e.insert(QStringLiteral("format"), m_feedFormat);
        e.insert(QStringLiteral("oldestFormat"), m_oldestFeedFormat);
        reply.body.insert(QStringLiteral("error"), e);
        return reply;
    }
    if (since > 0 && rows != *served) {
        Reply reply = errorReply(409, QStringLiteral("reset_required"),
                                 tr("The rows in this cache were built from sync feed format %1; this hall-server answers this client in format "
                                    "%2, and they cannot be carried over: export unsent entries and reset (a fresh snapshot follows).")
                                     .arg(rows).arg(*served));
        QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
        e.insert(QStringLiteral("reason"), QStringLiteral("feed_format"));
        e.insert(QStringLiteral("format"), *served);
        e.insert(QStringLiteral("rows"), rows);
        reply.body.insert(QStringLiteral("error"), e);
        return reply;
    }
    return std::nullopt;
}

Reply SyncController::pull(RequestContext &c)
{
    if (m_stale)
        dropState();
    const QString device = c.query.queryItemValue(QStringLiteral("device"));
    bool okEpoch = false, okSince = true, okAfter = true, okLimit = true;
    const qint64 epoch = c.query.queryItemValue(QStringLiteral("epoch")).toLongLong(&okEpoch);
    const QString sinceText = c.query.queryItemValue(QStringLiteral("since"));
    const QString afterText = c.query.queryItemValue(QStringLiteral("outcomesAfter"));
    const QString limitText = c.query.queryItemValue(QStringLiteral("limit"));
    const qint64 since = sinceText.isEmpty() ? 0 : sinceText.toLongLong(&okSince);
    const qint64 after = afterText.isEmpty() ? 0 : afterText.toLongLong(&okAfter);
    const int limit = limitText.isEmpty() ? 500 : limitText.toInt(&okLimit);
    if (!validDeviceId(device))
        return invalid(tr("device: 8 to 64 letters, digits, - or _."));
    if (!okEpoch || epoch < 1 || !okSince || since < 0 || !okAfter || after < 0 || !okLimit || limit < 1 || limit > 1000)
        return invalid(tr("epoch ≥ 1, since ≥ 0, outcomesAfter ≥ 0 and limit 1–1000 are whole numbers."));
    QStringList scopes;
    if (const std::optional<Reply> refused = pullScopes(c, &scopes))
        return *refused;

    int format = 0;
    if (const std::optional<Reply> refused = feedFormat(c, since, &format))
        return *refused;

    QString err;
    const std::optional<SyncDevice> d = m_store->device(device, &err);
    if (!err.isEmpty())
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
    if (d && (d->hallId != c.hallId || d->accountId != c.actor()))
        return errorReply(403, QStringLiteral("wrong_device"), tr("Device %1 belongs to another account; each device pushes only its own entries.").arg(device));
    const qint64 last = m_store->lastChangeSeq(c.hallId, &err);
    if (last < 0)
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
    if ((d && epoch < d->epoch) || since > last) {
        const bool stale = d && epoch < d->epoch;
        Reply reply = errorReply(409, QStringLiteral("reset_required"),
                                 stale ? tr("Epoch %1 of this device is over (the server is at %2): export unsent entries and reset.").arg(epoch).arg(d->epoch)
                                       : tr("This cache is ahead of the server (checkpoint %1, the server's feed ends at %2; was its database restored?): "
                                            "export unsent entries and reset.").arg(since).arg(last));
        QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
        e.insert(QStringLiteral("reason"), stale ? QStringLiteral("stale_epoch") : QStringLiteral("checkpoint_ahead"));
        e.insert(QStringLiteral("epoch"), d ? d->epoch : epoch);
        e.insert(QStringLiteral("checkpoint"), last);
        reply.body.insert(QStringLiteral("error"), e);
        return reply;
    }
    QList<SyncChange> changes;
    QList<SyncOutcome> outs;
    if (!m_store->changes(c.hallId, since, scopes, limit + 1, &changes, &err)
        || (d && epoch == d->epoch && !m_store->outcomes(device, epoch, after, limit, &outs, &err)))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
    const bool more = changes.size() > limit;
    if (more)
        changes.removeLast();
    QJsonArray changeJson;
    for (const SyncChange &ch : std::as_const(changes))
        changeJson.append(ch.toJson());
    QJsonArray outcomeJson;
    for (const SyncOutcome &o : std::as_const(outs))
        outcomeJson.append(o.toJson());
    // Without a scope filter the checkpoint may skip to the end; with one only as far as read.
    const qint64 checkpoint = changes.isEmpty() ? (scopes.isEmpty() ? last : since) : changes.last().seq;
    return ok({{QStringLiteral("changes"), changeJson}, {QStringLiteral("checkpoint"), checkpoint}, {QStringLiteral("format"), format},
               {QStringLiteral("more"), more}, {QStringLiteral("outcomes"), outcomeJson},
               {QStringLiteral("lastSeq"), d && epoch == d->epoch ? d->lastSeq : 0}});
}

} // namespace hall::server
