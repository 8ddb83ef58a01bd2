#include "syncstore.h"

#include <QJsonDocument>
#include <QScopeGuard>

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

SyncChange changeFrom(const QSqlQuery &q)
{
    return SyncChange{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                      q.value(4).toLongLong(), q.value(5).toInt() != 0, object(q.value(6))};
}

const QString changeColumns = QStringLiteral("SELECT seq, scope, kind, entity_key, version, deleted, data FROM sync_changes ");

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
    QSqlQuery &q = cached(QStringLiteral("SELECT hall_id, account_id, epoch, last_seq FROM sync_devices WHERE device = ?"));
    q.bindValue(0, device);
    const auto done = qScopeGuard([&q] { q.finish(); }); // a cached SELECT must not hold the commit back
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
    QString sql = changeColumns + QStringLiteral("WHERE hall_id = ? AND seq > ?");
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
    while (q.next())
        out->append(changeFrom(q));
    return true;
}

bool SyncStore::changesOf(qint64 hallId, const QString &scope, QList<SyncChange> *out, QString *error)
{
    QSqlQuery q = query(changeColumns + QStringLiteral("WHERE hall_id = ? AND scope = ?"));
    q.addBindValue(hallId);
    q.addBindValue(scope);
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(changeFrom(q));
    return true;
}

bool SyncStore::workChanges(qint64 hallId, const QString &keyPrefix, QList<SyncChange> *out, QString *error)
{
    QSqlQuery q = query(changeColumns
                        + QStringLiteral("WHERE hall_id = ? AND (scope LIKE 'window:%' OR scope LIKE 'officer:%') AND entity_key LIKE ?"));
    q.addBindValue(hallId);
    q.addBindValue(QString(keyPrefix + u'%'));
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(changeFrom(q));
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
    QSqlQuery &q = cached(QStringLiteral("SELECT 1 FROM ratings WHERE ticket_id = ?"));
    q.bindValue(0, ticketId);
    const bool rated = exec(q, error) && q.next();
    q.finish();
    return rated;
}

bool SyncStore::materialExists(qint64 hallId, const QString &key, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("SELECT 1 FROM materials WHERE hall_id = ? AND material_key = ?"));
    q.bindValue(0, hallId);
    q.bindValue(1, key);
    const bool found = exec(q, error) && q.next();
    q.finish();
    return found;
}

bool SyncStore::writeDevice(const SyncDevice &d, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO sync_devices (device, hall_id, account_id, epoch, last_seq, created_at, last_push) VALUES (?,?,?,?,?,?,?) "
        "ON CONFLICT (device) DO UPDATE SET epoch = excluded.epoch, last_seq = excluded.last_seq, last_push = excluded.last_push"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    q.bindValue(0, d.device);
    q.bindValue(1, d.hallId);
    q.bindValue(2, d.accountId);
    q.bindValue(3, d.epoch);
    q.bindValue(4, d.lastSeq);
    q.bindValue(5, now);
    q.bindValue(6, now);
    return exec(q, error);
}

bool SyncStore::writeOutcome(const QString &device, qint64 epoch, const SyncOutcome &o, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO sync_outcomes (device, epoch, seq, idem_key, kind, status, code, message, result, current, at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    q.bindValue(0, device);
    q.bindValue(1, epoch);
    q.bindValue(2, o.seq);
    q.bindValue(3, o.key);
    q.bindValue(4, o.kind);
    q.bindValue(5, o.status);
    q.bindValue(6, text(o.code));
    q.bindValue(7, text(o.message));
    q.bindValue(8, json(o.result));
    q.bindValue(9, json(o.current));
    q.bindValue(10, QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

bool SyncStore::writeChange(qint64 hallId, const SyncChange &c, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO sync_changes (hall_id, seq, scope, kind, entity_key, version, deleted, data, at) VALUES (?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (hall_id, scope, kind, entity_key) DO UPDATE SET seq = excluded.seq, version = excluded.version, "
        "deleted = excluded.deleted, data = excluded.data, at = excluded.at"));
    q.bindValue(0, hallId);
    q.bindValue(1, c.seq);
    q.bindValue(2, c.scope);
    q.bindValue(3, c.kind);
    q.bindValue(4, c.key);
    q.bindValue(5, c.version);
    q.bindValue(6, c.deleted ? 1 : 0);
    q.bindValue(7, json(c.data));
    q.bindValue(8, QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

bool SyncStore::writeRating(const SyncRating &r, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO ratings (hall_id, ticket_id, level, source, window_id, officer_id, device, rated_at, received_at) "
        "VALUES (?,?,?,?,?,?,?,?,?)"));
    q.bindValue(0, r.hallId);
    q.bindValue(1, r.ticketId);
    q.bindValue(2, r.level);
    q.bindValue(3, r.source);
    q.bindValue(4, r.windowId);
    q.bindValue(5, r.officerId);
    q.bindValue(6, r.device);
    q.bindValue(7, ms(r.ratedAt));
    q.bindValue(8, QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

} // namespace hall::server

namespace hall::server {

bool SyncStore::writeMaterial(const SyncMaterial &m, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO materials (hall_id, material_key, ticket_number, type, pages, blobs, device, made_at, received_at) "
        "VALUES (?,?,?,?,?,?,?,?,?)"));
    q.bindValue(0, m.hallId);
    q.bindValue(1, m.key);
    q.bindValue(2, m.ticketNumber);
    q.bindValue(3, m.type);
    q.bindValue(4, m.pages);
    q.bindValue(5, QString::fromUtf8(QJsonDocument(m.blobs).toJson(QJsonDocument::Compact)));
    q.bindValue(6, m.device);
    q.bindValue(7, ms(m.madeAt));
    q.bindValue(8, QDateTime::currentMSecsSinceEpoch());
    if (!exec(q, error))
        return false;
    QSqlQuery &ref = cached(QStringLiteral(
        "INSERT INTO blob_refs (hall_id, algorithm, hash, kind, entity_key) VALUES (?,?,?,'material',?) ON CONFLICT DO NOTHING"));
    for (const QJsonValue &v : m.blobs) {
        ref.bindValue(0, m.hallId);
        ref.bindValue(1, v.toObject().value(QStringLiteral("algorithm")).toString());
        ref.bindValue(2, v.toObject().value(QStringLiteral("hash")).toString());
        ref.bindValue(3, m.key);
        if (!exec(ref, error))
            return false;
    }
    return true;
}

} // namespace hall::server
