#include "syncstore.h"

#include <QJsonDocument>

namespace hall::server {

namespace {

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject object(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

} // namespace

QJsonObject SyncOutcome::toJson() const
{
    QJsonObject o{{QStringLiteral("seq"), seq}, {QStringLiteral("key"), key}, {QStringLiteral("kind"), kind},
                  {QStringLiteral("status"), status}};
    if (!code.isEmpty())
        o.insert(QStringLiteral("code"), code);
    if (!message.isEmpty())
        o.insert(QStringLiteral("message"), message);
    if (!result.isEmpty())
        o.insert(QStringLiteral("result"), result);
    if (!current.isEmpty())
        o.insert(QStringLiteral("current"), current);
    return o;
}

QJsonObject SyncChange::toJson() const
{
    return {{QStringLiteral("seq"), seq}, {QStringLiteral("scope"), scope}, {QStringLiteral("kind"), kind},
            {QStringLiteral("key"), key}, {QStringLiteral("version"), version}, {QStringLiteral("deleted"), deleted},
            {QStringLiteral("data"), data}};
}

std::optional<SyncDevice> SyncStore::device(const QString &device, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT hall_id, account_id, epoch, last_seq FROM sync_devices WHERE device = ?"));
    q.addBindValue(device);
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    return SyncDevice{device, q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong()};
}

std::optional<SyncOutcome> SyncStore::outcome(const QString &device, qint64 epoch, qint64 seq, QString *error)
{
    QList<SyncOutcome> out;
    if (!outcomes(device, epoch, seq - 1, 1, &out, error) || out.isEmpty() || out.first().seq != seq)
        return std::nullopt;
    return out.first();
}

bool SyncStore::outcomes(const QString &device, qint64 epoch, qint64 after, int limit, QList<SyncOutcome> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT seq, idem_key, kind, status, code, message, result, current FROM sync_outcomes "
        "WHERE device = ? AND epoch = ? AND seq > ? ORDER BY seq LIMIT ?"));
    q.addBindValue(device);
    q.addBindValue(epoch);
    q.addBindValue(after);
    q.addBindValue(limit);
    if (!exec(q, error))
        return false;
    while (q.next()) {
        out->append(SyncOutcome{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                                q.value(4).toString(), q.value(5).toString(), object(q.value(6)), object(q.value(7))});
    }
    return true;
}

bool SyncStore::changes(qint64 hallId, qint64 since, const QStringList &scopes, int limit, QList<SyncChange> *out, QString *error)
{
    QString sql = QStringLiteral("SELECT seq, scope, kind, entity_key, version, deleted, data FROM sync_changes "
                                 "WHERE hall_id = ? AND seq > ?");
    if (!scopes.isEmpty())
        sql += QStringLiteral(" AND scope IN (?") + QStringLiteral(",?").repeated(scopes.size() - 1) + u')';
    sql += QStringLiteral(" ORDER BY seq LIMIT ?");
    QSqlQuery q = query(sql);
    q.addBindValue(hallId);
    q.addBindValue(since);
    for (const QString &s : scopes)
        q.addBindValue(s);
    q.addBindValue(limit);
    if (!exec(q, error))
        return false;
    while (q.next()) {
        out->append(SyncChange{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                               q.value(4).toLongLong(), q.value(5).toInt() != 0, object(q.value(6))});
    }
    return true;
}

bool SyncStore::changesOf(qint64 hallId, const QString &scope, QList<SyncChange> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT seq, scope, kind, entity_key, version, deleted, data FROM sync_changes "
                                       "WHERE hall_id = ? AND scope = ?"));
    q.addBindValue(hallId);
    q.addBindValue(scope);
    if (!exec(q, error))
        return false;
    while (q.next()) {
        out->append(SyncChange{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                               q.value(4).toLongLong(), q.value(5).toInt() != 0, object(q.value(6))});
    }
    return true;
}

qint64 SyncStore::lastChangeSeq(qint64 hallId, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT MAX(seq) FROM sync_changes WHERE hall_id = ?"));
    q.addBindValue(hallId);
    if (!exec(q, error) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool SyncStore::isRated(qint64 ticketId, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT 1 FROM ratings WHERE ticket_id = ?"));
    q.addBindValue(ticketId);
    return exec(q, error) && q.next();
}

bool SyncStore::writeDevice(const SyncDevice &d, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO sync_devices (device, hall_id, account_id, epoch, last_seq, created_at, last_push) VALUES (?,?,?,?,?,?,?) "
        "ON CONFLICT (device) DO UPDATE SET epoch = excluded.epoch, last_seq = excluded.last_seq, last_push = excluded.last_push"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    q.addBindValue(d.device);
    q.addBindValue(d.hallId);
    q.addBindValue(d.accountId);
    q.addBindValue(d.epoch);
    q.addBindValue(d.lastSeq);
    q.addBindValue(now);
    q.addBindValue(now);
    return exec(q, error);
}

bool SyncStore::writeOutcome(const QString &device, qint64 epoch, const SyncOutcome &o, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO sync_outcomes (device, epoch, seq, idem_key, kind, status, code, message, result, current, at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    q.addBindValue(device);
    q.addBindValue(epoch);
    q.addBindValue(o.seq);
    q.addBindValue(o.key);
    q.addBindValue(o.kind);
    q.addBindValue(o.status);
    q.addBindValue(text(o.code));
    q.addBindValue(text(o.message));
    q.addBindValue(json(o.result));
    q.addBindValue(json(o.current));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

bool SyncStore::writeChange(qint64 hallId, const SyncChange &c, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO sync_changes (hall_id, seq, scope, kind, entity_key, version, deleted, data, at) VALUES (?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (hall_id, scope, kind, entity_key) DO UPDATE SET seq = excluded.seq, version = excluded.version, "
        "deleted = excluded.deleted, data = excluded.data, at = excluded.at"));
    q.addBindValue(hallId);
    q.addBindValue(c.seq);
    q.addBindValue(c.scope);
    q.addBindValue(c.kind);
    q.addBindValue(c.key);
    q.addBindValue(c.version);
    q.addBindValue(c.deleted ? 1 : 0);
    q.addBindValue(json(c.data));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

bool SyncStore::writeRating(const SyncRating &r, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO ratings (hall_id, ticket_id, level, source, window_id, officer_id, device, rated_at, received_at) "
        "VALUES (?,?,?,?,?,?,?,?,?)"));
    q.addBindValue(r.hallId);
    q.addBindValue(r.ticketId);
    q.addBindValue(r.level);
    q.addBindValue(r.source);
    q.addBindValue(r.windowId);
    q.addBindValue(r.officerId);
    q.addBindValue(r.device);
    q.addBindValue(ms(r.ratedAt));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

} // namespace hall::server
