#include "devices.h"

#include "commit.h"
#include "httpcore.h"

#include <core/clock.h>
#include <core/hall.h>
#include <core/logging.h>
#include <queue/engine.h>

#include <QJsonDocument>
#include <QRegularExpression>

namespace hall::server {

namespace {

const QStringList &partStates()
{
    static const QStringList s{QStringLiteral("ok"),         QStringLiteral("paper_low"), QStringLiteral("paper_out"), QStringLiteral("cover_open"),
                               QStringLiteral("offline"),    QStringLiteral("error"),     QStringLiteral("unknown")};
    return s;
}

constexpr int MaxParts = 32;
constexpr int MaxMessage = 200;

QString time(const QDateTime &t)
{
    return t.isValid() ? t.toString(Qt::ISODateWithMs) : QString();
}

QString partsJson(const QList<DevicePart> &parts)
{
    QJsonArray a;
    for (const DevicePart &p : parts) {
        QJsonObject o{{QStringLiteral("part"), p.part}, {QStringLiteral("state"), p.state}};
        if (!p.message.isEmpty())
            o.insert(QStringLiteral("message"), p.message);
        a.append(o);
    }
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QList<DevicePart> partsFromJson(const QString &text)
{
    QList<DevicePart> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        out.append({o.value(QStringLiteral("part")).toString(), o.value(QStringLiteral("state")).toString(), o.value(QStringLiteral("message")).toString()});
    }
    return out;
}

// The keys of `o` not in `known`, for "unknown input is refused".
QString unknownKey(const QJsonObject &o, const QStringList &known)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            return it.key();
    }
    return {};
}

} // namespace

QString DeviceRecord::condition() const
{
    QString worst = QStringLiteral("ok");
    for (const DevicePart &p : parts) {
        if (p.state == QLatin1String("ok"))
            continue;
        if (p.state != QLatin1String("paper_low") && p.state != QLatin1String("unknown"))
            return QStringLiteral("fault");
        worst = QStringLiteral("warning");
    }
    return worst;
}

bool DeviceRecord::reachable(const QDateTime &now) const
{
    return reportedAt.msecsTo(now) <= std::max(3 * everySeconds, 30) * 1000LL;
}

// ---------------------------------------------------------------------------------------
// store

bool DeviceStore::load(QList<DeviceRecord> *out, QString *error) const
{
    QSqlQuery q = query(QStringLiteral("SELECT hall_id, device, account_id, login, role, parts, every_seconds, observed_at, reported_at "
                                       "FROM device_status"));
    if (!exec(q, error))
        return false;
    out->clear();
    while (q.next()) {
        DeviceRecord r;
        r.hallId = q.value(0).toLongLong();
        r.device = q.value(1).toString();
        r.accountId = q.value(2).toLongLong();
        r.login = q.value(3).toString();
        r.role = q.value(4).toString();
        r.parts = partsFromJson(q.value(5).toString());
        r.everySeconds = q.value(6).toInt();
        r.observedAt = fromMs(q.value(7));
        r.reportedAt = fromMs(q.value(8));
        out->append(r);
    }
    return true;
}

bool DeviceStore::upsert(const DeviceRecord &r, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO device_status (hall_id, device, account_id, login, role, parts, every_seconds, observed_at, reported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hall_id, device) DO UPDATE SET account_id = excluded.account_id, "
        "login = excluded.login, role = excluded.role, parts = excluded.parts, every_seconds = excluded.every_seconds, "
        "observed_at = excluded.observed_at, reported_at = excluded.reported_at"));
    q.addBindValue(r.hallId);
    q.addBindValue(r.device);
    q.addBindValue(r.accountId);
    q.addBindValue(text(r.login));
    q.addBindValue(text(r.role));
    q.addBindValue(partsJson(r.parts));
    q.addBindValue(r.everySeconds);
    q.addBindValue(ms(r.observedAt));
    q.addBindValue(ms(r.reportedAt));
    return exec(q, error);
}

// ---------------------------------------------------------------------------------------
// the write in the group commit: the reports of one batch, the last one per device

class DeviceWrite final : public PendingWrite
{
public:
    explicit DeviceWrite(DeviceStatuses *d) : m_d(d) {}
    bool write(QString *error) override
    {
        for (const DeviceRecord &r : std::as_const(records)) {
            if (!m_d->m_store.upsert(r, error))
                return false;
        }
        return true;
    }
    void committed() override { m_d->committed(records); }

    QList<DeviceRecord> records;

private:
    DeviceStatuses *m_d;
};

// The voice's word on a call, published in commit order with the events around it.
class AnnouncementWrite final : public PendingWrite
{
public:
    AnnouncementWrite(HttpCore *http, qint64 hallId, queue::Event event) : m_http(http), m_hallId(hallId), m_event(std::move(event)) {}
    bool write(QString *) override { return true; }
    void committed() override { m_http->events().publish(m_hallId, {m_event}); }

private:
    HttpCore *m_http;
    qint64 m_hallId;
    queue::Event m_event;
};

// ---------------------------------------------------------------------------------------
// the domain

DeviceStatuses::DeviceStatuses(storage::Database *db, HttpCore *http, core::Clock *clock, QObject *parent)
    : QObject(parent), m_store(db), m_http(http), m_clock(clock)
{
}

DeviceStatuses::~DeviceStatuses() = default;

bool DeviceStatuses::load(QString *error)
{
    QList<DeviceRecord> records;
    if (!m_store.load(&records, error))
        return false;
    m_devices.clear();
    m_silent.clear();
    const QDateTime now = m_clock->now();
    for (const DeviceRecord &r : std::as_const(records)) {
        m_devices.insert({r.hallId, r.device}, r);
        if (!r.reachable(now))
            m_silent.insert({r.hallId, r.device}); // silent before this start: not news again
    }
    return true;
}

const DeviceRecord *DeviceStatuses::find(qint64 hallId, const QString &device) const
{
    const auto it = m_devices.constFind({hallId, device});
    return it == m_devices.cend() ? nullptr : &it.value();
}

qsizetype DeviceStatuses::count(qint64 hallId) const
{
    return std::count_if(m_devices.cbegin(), m_devices.cend(), [hallId](const DeviceRecord &r) { return r.hallId == hallId; });
}

void DeviceStatuses::report(DeviceRecord record, CommitBatch &batch)
{
    batch.touch();
    auto &w = batch.slot<DeviceWrite>(QStringLiteral("devices"), [this] { return std::make_unique<DeviceWrite>(this); });
    w.records.removeIf([&](const DeviceRecord &r) { return r.hallId == record.hallId && r.device == record.device; });
    w.records.append(std::move(record));
}

void DeviceStatuses::committed(const QList<DeviceRecord> &records)
{
    QHash<qint64, QList<queue::Event>> events;
    for (const DeviceRecord &r : records) {
        const Key key{r.hallId, r.device};
        const auto before = m_devices.constFind(key);
        // Heartbeats that change nothing are not news; a first report, a change, or a device
        // heard again after it fell silent are.
        const bool news = before == m_devices.cend() || before->parts != r.parts || m_silent.contains(key);
        m_devices.insert(key, r);
        m_silent.remove(key);
        if (news)
            events[r.hallId].append(queue::Event{QStringLiteral("device.status"), toJson(r)});
    }
    for (auto it = events.cbegin(); it != events.cend(); ++it)
        m_http->events().publish(it.key(), it.value());
}

void DeviceStatuses::tick()
{
    const QDateTime now = m_clock->now();
    QHash<qint64, QList<queue::Event>> events;
    for (auto it = m_devices.cbegin(); it != m_devices.cend(); ++it) {
        if (m_silent.contains(it.key()) || it->reachable(now))
            continue;
        m_silent.insert(it.key());
        qCWarning(lcServer).noquote() << "device" << it->device << "has not reported for" << it->reportedAt.secsTo(now) << "s";
        events[it->hallId].append(queue::Event{QStringLiteral("device.status"), toJson(*it)});
    }
    for (auto it = events.cbegin(); it != events.cend(); ++it)
        m_http->events().publish(it.key(), it.value());
}

QDateTime DeviceStatuses::now() const
{
    return m_clock->now();
}

QJsonObject DeviceStatuses::toJson(const DeviceRecord &r) const
{
    const QDateTime now = m_clock->now();
    QJsonArray parts;
    for (const DevicePart &p : r.parts) {
        QJsonObject o{{QStringLiteral("part"), p.part}, {QStringLiteral("state"), p.state}};
        if (!p.message.isEmpty())
            o.insert(QStringLiteral("message"), p.message);
        parts.append(o);
    }
    return QJsonObject{{QStringLiteral("device"), r.device},
                       {QStringLiteral("account"), r.login},
                       {QStringLiteral("role"), r.role},
                       {QStringLiteral("condition"), r.condition()},
                       {QStringLiteral("reachable"), r.reachable(now)},
                       {QStringLiteral("parts"), parts},
                       {QStringLiteral("every"), r.everySeconds},
                       {QStringLiteral("observedAt"), time(r.observedAt)},
                       {QStringLiteral("reportedAt"), time(r.reportedAt)},
                       {QStringLiteral("silentSeconds"), std::max<qint64>(0, r.reportedAt.secsTo(now))}};
}

QJsonArray DeviceStatuses::list(qint64 hallId) const
{
    QList<const DeviceRecord *> records;
    for (const DeviceRecord &r : m_devices) {
        if (r.hallId == hallId)
            records.append(&r);
    }
    std::sort(records.begin(), records.end(), [](const DeviceRecord *a, const DeviceRecord *b) { return a->device < b->device; });
    QJsonArray out;
    for (const DeviceRecord *r : std::as_const(records))
        out.append(toJson(*r));
    return out;
}

// ---------------------------------------------------------------------------------------
// routes

void DeviceController::registerRoutes(RouteScope &routes)
{
    routes.put(QStringLiteral("devices/{}/status"), [this](RequestContext &c) { return putStatus(c); });
    routes.get(QStringLiteral("devices"), [this](RequestContext &c) {
        return ok({{QStringLiteral("devices"), m_statuses->list(c.hallId)}});
    });
    routes.post(QStringLiteral("announcements"), [this](RequestContext &c) { return announcement(c); });
}

Reply DeviceController::putStatus(RequestContext &c)
{
    static const QRegularExpression deviceName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    static const QRegularExpression partName(QStringLiteral("^[a-z0-9][a-z0-9._:-]{0,39}$"));
    const QString device = c.params.value(1);
    if (!deviceName.match(device).hasMatch())
        return invalid(tr("device: a name of 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."));
    if (const QString k = unknownKey(c.body, {QStringLiteral("parts"), QStringLiteral("every"), QStringLiteral("age")}); !k.isEmpty())
        return invalid(tr("%1: unknown field.").arg(k));

    DeviceRecord r;
    r.hallId = c.hallId;
    r.device = device;
    r.accountId = c.actor();
    r.login = c.session.account.login;
    r.role = c.role();
    const QJsonValue parts = c.body.value(QStringLiteral("parts"));
    if (!parts.isArray() || parts.toArray().isEmpty() || parts.toArray().size() > MaxParts)
        return invalid(tr("parts: a list of 1 to %1 parts, each {\"part\", \"state\"[, \"message\"]}.").arg(MaxParts));
    QSet<QString> seen;
    const QJsonArray list = parts.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject o = list.at(i).toObject();
        const QString at = QStringLiteral("parts[%1]").arg(i);
        if (!list.at(i).isObject())
            return invalid(tr("%1: an object {\"part\", \"state\"[, \"message\"]}.").arg(at));
        if (const QString k = unknownKey(o, {QStringLiteral("part"), QStringLiteral("state"), QStringLiteral("message")}); !k.isEmpty())
            return invalid(tr("%1.%2: unknown field.").arg(at, k));
        DevicePart p{o.value(QStringLiteral("part")).toString(), o.value(QStringLiteral("state")).toString(), o.value(QStringLiteral("message")).toString()};
        if (!partName.match(p.part).hasMatch())
            return invalid(tr("%1.part: a name of 1 to 40 lower-case letters, digits, '.', '_', ':' or '-' (\"printer\", \"ledbar:3\").").arg(at));
        if (seen.contains(p.part))
            return invalid(tr("%1.part: \"%2\" is listed twice.").arg(at, p.part));
        seen.insert(p.part);
        if (!partStates().contains(p.state))
            return invalid(tr("%1.state: one of %2.").arg(at, partStates().join(QStringLiteral(", "))));
        if (o.contains(QStringLiteral("message")) && !o.value(QStringLiteral("message")).isString())
            return invalid(tr("%1.message: a text.").arg(at));
        if (p.message.size() > MaxMessage)
            return invalid(tr("%1.message: at most %2 characters.").arg(at).arg(MaxMessage));
        r.parts.append(p);
    }
    const QJsonValue every = c.body.value(QStringLiteral("every"));
    if (!every.isUndefined()) {
        if (!every.isDouble() || every.toDouble() != std::floor(every.toDouble()) || every.toInt() < 5 || every.toInt() > 3600)
            return invalid(tr("every: how often the device reports, in whole seconds from 5 to 3600."));
        r.everySeconds = every.toInt();
    }
    const QDateTime now = m_statuses->now();
    r.reportedAt = now;
    r.observedAt = now;
    // How long ago the device saw this state (a report that waited out an outage): an age, not
    // a time, so a PC's clock that is off does not matter.
    const QJsonValue age = c.body.value(QStringLiteral("age"));
    if (!age.isUndefined()) {
        if (!age.isDouble() || age.toDouble() != std::floor(age.toDouble()) || age.toDouble() < 0 || age.toDouble() > 7 * 86400)
            return invalid(tr("age: how many seconds ago the device saw this state, a whole number from 0 to 604800."));
        r.observedAt = now.addSecs(-age.toInteger());
    }
    const DeviceRecord *known = m_statuses->find(c.hallId, device);
    if (known && known->accountId != c.actor())
        return errorReply(403, QStringLiteral("wrong_device"), tr("Device %1 belongs to another account; each device reports only its own status.").arg(device));
    if (!known && m_statuses->count(c.hallId) >= DeviceStatuses::MaxDevicesPerHall)
        return errorReply(409, QStringLiteral("too_many_devices"),
                          tr("This hall already has %1 devices reporting; no more are taken.").arg(DeviceStatuses::MaxDevicesPerHall));
    QJsonObject reply = m_statuses->toJson(r);
    m_statuses->report(std::move(r), *c.batch);
    return ok({{QStringLiteral("device"), reply}});
}

Reply DeviceController::announcement(RequestContext &c)
{
    if (const QString k = unknownKey(c.body, {QStringLiteral("call"), QStringLiteral("state")}); !k.isEmpty())
        return invalid(tr("%1: unknown field.").arg(k));
    const QString call = c.body.value(QStringLiteral("call")).toString();
    const QString state = c.body.value(QStringLiteral("state")).toString();
    static const QRegularExpression id(QStringLiteral("^([A-Za-z0-9]{1,16})@([A-Za-z0-9_-]{1,16})$"));
    const QRegularExpressionMatch m = id.match(call);
    if (!m.hasMatch())
        return invalid(tr("call: the call's id NUMBER@WINDOW, e.g. \"A001@3\"."));
    if (!c.engine->config().window(m.captured(2)))
        return invalid(tr("call: %1 is not a window of this hall.").arg(m.captured(2)));
    if (state != QLatin1String("started") && state != QLatin1String("finished"))
        return invalid(tr("state: started or finished."));
    const QJsonObject data{{QStringLiteral("call"), call}, {QStringLiteral("number"), m.captured(1)}, {QStringLiteral("window"), m.captured(2)}};
    c.batch->add(std::make_unique<AnnouncementWrite>(c.core, c.hallId, queue::Event{QStringLiteral("announcement.") + state, data}));
    c.batch->touch();
    return ok({{QStringLiteral("call"), call}, {QStringLiteral("state"), state}});
}

} // namespace hall::server
