#include "cache.h"

#include <sync/blobfile.h>

#include <storage/transaction.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <climits>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QThreadPool>
#include <QUuid>

namespace hall::sync {

namespace {

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// Qt binds a null QString as SQL NULL; the text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QJsonObject object(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

bool run(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

QSqlQuery prepared(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    q.prepare(sql);
    return q;
}

const QString entryColumns = QStringLiteral(
    "epoch, seq, idem_key, kind, entity, data, made_at, state, status, code, message, result, current, sealed");

OutboxEntry entryFrom(const QSqlQuery &q)
{
    OutboxEntry e;
    e.epoch = q.value(0).toLongLong();
    e.seq = q.value(1).toLongLong();
    e.key = q.value(2).toString();
    e.kind = q.value(3).toString();
    e.entity = q.value(4).toString();
    e.data = object(q.value(5));
    e.madeAt = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong());
    e.state = q.value(7).toString();
    e.status = q.value(8).toString();
    e.code = q.value(9).toString();
    e.message = q.value(10).toString();
    e.result = object(q.value(11));
    e.current = object(q.value(12));
    e.sealed = q.value(13).toByteArray();
    return e;
}

} // namespace

QJsonObject OutboxEntry::toPush() const
{
    return {{QStringLiteral("seq"), seq}, {QStringLiteral("key"), key}, {QStringLiteral("kind"), kind},
            {QStringLiteral("at"), madeAt.toString(Qt::ISODateWithMs)}, {QStringLiteral("data"), data}};
}

QJsonObject OutboxEntry::toExport() const
{
    QJsonObject line = toPush();
    line.insert(QStringLiteral("epoch"), epoch);
    line.insert(QStringLiteral("entity"), entity);
    if (!sealed.isEmpty()) // still sealed: an export holds no personal data in clear
        line.insert(QStringLiteral("sealed"), QString::fromLatin1(sealed.toBase64()));
    return line;
}

SyncCache::SyncCache(std::unique_ptr<storage::Database> db) : m_db(std::move(db)), m_remover(std::make_unique<QThreadPool>())
{
    m_remover->setMaxThreadCount(1);
}

SyncCache::~SyncCache()
{
    m_remover->waitForDone(); // released files are gone when the cache is closed
}

void SyncCache::attachPersonalData(const security::KeyResult &key)
{
    m_personal = security::PersonalData::attach(connection(), key);
}

// Sealed fields are bound to the entry's entity (not its key or sequence), so an entry
// re-queued after a reset still opens.
std::optional<QByteArray> SyncCache::seal(const QString &entity, const QJsonObject &fields, QString *error) const
{
    if (!m_personal) {
        *error = tr("No key for personal data is available, so personal fields cannot be stored or sent.");
        return std::nullopt;
    }
    return m_personal->sealBytes(QStringLiteral("outbox"), QStringLiteral("sealed"), entity,
                                 QJsonDocument(fields).toJson(QJsonDocument::Compact), error);
}

QJsonObject SyncCache::openSealed(const OutboxEntry &e) const
{
    if (e.sealed.isEmpty() || !m_personal)
        return {};
    const security::FieldCipher::Opened o = m_personal->open(QStringLiteral("outbox"), QStringLiteral("sealed"), e.entity, e.sealed);
    return o.ok() ? QJsonDocument::fromJson(o.data).object() : QJsonObject();
}

bool SyncCache::pushForm(const OutboxEntry &e, QJsonObject *out, QString *error) const
{
    *out = e.toPush();
    if (e.sealed.isEmpty())
        return true;
    if (!m_personal || !m_personal->isReady()) {
        *error = m_personal ? m_personal->message()
                            : tr("No key for personal data is available, so personal fields cannot be stored or sent.");
        return false;
    }
    const security::FieldCipher::Opened o = m_personal->open(QStringLiteral("outbox"), QStringLiteral("sealed"), e.entity, e.sealed);
    if (!o.ok()) {
        *error = o.message;
        return false;
    }
    QJsonObject data = e.data;
    const QJsonObject fields = QJsonDocument::fromJson(o.data).object();
    for (auto it = fields.begin(); it != fields.end(); ++it)
        data.insert(it.key(), it.value());
    out->insert(QStringLiteral("data"), data);
    return true;
}

storage::OpenResult SyncCache::open(const QString &path, std::unique_ptr<SyncCache> *out, QString *error)
{
    std::unique_ptr<storage::Database> db;
    const storage::OpenResult r = storage::Database::open(path, QStringLiteral(":/sql/client"), &db, error);
    if (r == storage::OpenResult::SchemaTooNew) // a downgrade: say what to do, and that nothing was lost
        *error = tr("The sync cache %1 was written by a newer HallSuite than this one. %2 Its unsent entries are kept in it "
                    "and go to the server once that version (or a newer one) runs on this PC again.").arg(path, *error);
    if (r != storage::OpenResult::Ok)
        return r;
    // The device id is made once, with the cache: it names this cache's sequence on the server.
    QSqlQuery q(db->connection());
    q.prepare(QStringLiteral("INSERT INTO sync_state (id, device, epoch, next_seq, checkpoint, outcomes_after) "
                             "VALUES (1, ?, 1, 1, 0, 0) ON CONFLICT (id) DO NOTHING"));
    q.addBindValue(QUuid::createUuid().toString(QUuid::Id128));
    if (!run(q, error))
        return storage::OpenResult::CannotOpen;
    out->reset(new SyncCache(std::move(db)));
    return storage::OpenResult::Ok;
}

bool SyncCache::enqueue(const QString &kind, const QJsonObject &data, const QString &entity, OutboxEntry *made, QString *error,
                        const QByteArray &sealed)
{
    const QSqlDatabase db = connection();
    QSqlQuery next = prepared(db, QStringLiteral("UPDATE sync_state SET next_seq = next_seq + 1 WHERE id = 1 RETURNING epoch, next_seq - 1"));
    if (!run(next, error) || !next.next())
        return false;
    OutboxEntry e;
    e.epoch = next.value(0).toLongLong();
    e.seq = next.value(1).toLongLong();
    next.finish();
    e.key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.kind = kind;
    e.entity = entity;
    e.data = data;
    e.madeAt = QDateTime::currentDateTime();
    e.state = QStringLiteral("pending");
    e.sealed = sealed;
    QSqlQuery ins = prepared(db, QStringLiteral("INSERT INTO outbox (epoch, seq, idem_key, kind, entity, data, made_at, state, sealed) "
                                                "VALUES (?,?,?,?,?,?,?,'pending',?)"));
    ins.addBindValue(e.epoch);
    ins.addBindValue(e.seq);
    ins.addBindValue(e.key);
    ins.addBindValue(e.kind);
    ins.addBindValue(text(e.entity));
    ins.addBindValue(json(e.data));
    ins.addBindValue(e.madeAt.toMSecsSinceEpoch());
    ins.addBindValue(sealed.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(sealed));
    if (!run(ins, error))
        return false;
    if (made)
        *made = e;
    return true;
}

bool SyncCache::state(SyncState *out, QString *error) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "SELECT device, epoch, next_seq, checkpoint, outcomes_after, last_push, last_pull, feed_format FROM sync_state WHERE id = 1"));
    if (!run(q, error) || !q.next())
        return false;
    out->device = q.value(0).toString();
    out->epoch = q.value(1).toLongLong();
    out->nextSeq = q.value(2).toLongLong();
    out->checkpoint = q.value(3).toLongLong();
    out->outcomesAfter = q.value(4).toLongLong();
    out->lastPush = q.value(5).isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(q.value(5).toLongLong());
    out->lastPull = q.value(6).isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong());
    out->feedFormat = q.value(7).toInt();
    return true;
}

bool SyncCache::pending(qint64 epoch, qint64 fromSeq, int limit, QList<OutboxEntry> *out, QString *error) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT ") + entryColumns
                                              + QStringLiteral(" FROM outbox WHERE state = 'pending' AND epoch = ? AND seq >= ? ORDER BY seq LIMIT ?"));
    q.addBindValue(epoch);
    q.addBindValue(fromSeq);
    q.addBindValue(limit);
    if (!run(q, error))
        return false;
    while (q.next())
        out->append(entryFrom(q));
    return true;
}

bool SyncCache::entries(const QString &state, int limit, QList<OutboxEntry> *out, QString *error) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT ") + entryColumns
                                              + QStringLiteral(" FROM outbox WHERE state = ? ORDER BY epoch, seq LIMIT ?"));
    q.addBindValue(state);
    q.addBindValue(limit);
    if (!run(q, error))
        return false;
    while (q.next())
        out->append(entryFrom(q));
    return true;
}

bool SyncCache::counts(Counts *out, QString *error) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), (SELECT min(made_at) FROM outbox WHERE state = 'pending'), "
        "(SELECT count(*) FROM outbox WHERE status = 'conflict' AND decided = 0), "
        "(SELECT count(*) FROM outbox WHERE status = 'rejected'), (SELECT count(*) FROM outbox WHERE state = 'parked'), "
        "(SELECT count(*) FROM blobs WHERE state = 'queued'), (SELECT coalesce(sum(size - sent), 0) FROM blobs WHERE state = 'queued'), "
        "(SELECT count(*) FROM blobs WHERE state = 'missing')"));
    if (!run(q, error) || !q.next())
        return false;
    out->pending = q.value(0).toLongLong();
    out->oldestPending = q.value(1).isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong());
    out->conflicts = q.value(2).toLongLong();
    out->rejected = q.value(3).toLongLong();
    out->parked = q.value(4).toLongLong();
    out->blobsWaiting = q.value(5).toLongLong();
    out->blobBytesWaiting = q.value(6).toLongLong();
    out->blobsMissing = q.value(7).toLongLong();
    return true;
}

QJsonObject SyncCache::reference(const QString &kind, const QString &key) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT data FROM reference WHERE kind = ? AND key = ?"));
    q.addBindValue(kind);
    q.addBindValue(key);
    return run(q, nullptr) && q.next() ? object(q.value(0)) : QJsonObject();
}

QList<QJsonObject> SyncCache::references(const QString &kind) const
{
    QList<QJsonObject> out;
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT data FROM reference WHERE kind = ? ORDER BY key"));
    q.addBindValue(kind);
    if (run(q, nullptr)) {
        while (q.next())
            out.append(object(q.value(0)));
    }
    return out;
}

qint64 SyncCache::baseVersion(const QString &kind, const QString &key) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT (SELECT version FROM reference WHERE kind = ? AND key = ?), "
                                                       "(SELECT count(*) FROM outbox WHERE entity = ? AND state = 'pending')"));
    q.addBindValue(kind);
    q.addBindValue(key);
    q.addBindValue(QString(kind + u'/' + key));
    return run(q, nullptr) && q.next() ? q.value(0).toLongLong() + q.value(1).toLongLong() : 0;
}

bool SyncCache::applyOutcomesInTx(qint64 epoch, const QJsonArray &outcomes, QStringList *released, QString *error)
{
    const QSqlDatabase db = connection();
    QSqlQuery q = prepared(db, QStringLiteral(
        "UPDATE outbox SET state = 'done', status = ?, code = ?, message = ?, result = ?, current = ? "
        "WHERE epoch = ? AND seq = ? AND idem_key = ? AND state = 'pending'"));
    for (const QJsonValue &v : outcomes) {
        const QJsonObject o = v.toObject();
        // A replay answered "sequence_reused" is about the retry, not the stored entry.
        if (o.value(QStringLiteral("code")).toString() == QLatin1String("sequence_reused"))
            continue;
        q.bindValue(0, text(o.value(QStringLiteral("status")).toString()));
        q.bindValue(1, text(o.value(QStringLiteral("code")).toString()));
        q.bindValue(2, text(o.value(QStringLiteral("message")).toString()));
        q.bindValue(3, json(o.value(QStringLiteral("result")).toObject()));
        q.bindValue(4, json(o.value(QStringLiteral("current")).toObject()));
        q.bindValue(5, epoch);
        q.bindValue(6, o.value(QStringLiteral("seq")).toInteger());
        q.bindValue(7, text(o.value(QStringLiteral("key")).toString()));
        if (!run(q, error))
            return false;
    }
    // The blobs only these entries still needed go in the same commit.
    return releaseHeldInTx(error) && (outcomes.isEmpty() || releaseBlobsInTx(released, error));
}

bool SyncCache::releaseHeldInTx(QString *error)
{
    const QSqlDatabase db = connection();
    QSqlQuery move = prepared(db, QStringLiteral(
        "INSERT INTO reference (kind, key, version, seq, data) SELECT kind, key, version, seq, data FROM held_changes h "
        "WHERE deleted = 0 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state = 'pending' AND o.entity = h.kind || '/' || h.key) "
        "ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, seq = excluded.seq, data = excluded.data"));
    QSqlQuery gone = prepared(db, QStringLiteral(
        "DELETE FROM reference WHERE EXISTS (SELECT 1 FROM held_changes h WHERE h.deleted = 1 AND h.kind = reference.kind "
        "AND h.key = reference.key AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state = 'pending' AND o.entity = h.kind || '/' || h.key))"));
    QSqlQuery done = prepared(db, QStringLiteral(
        "DELETE FROM held_changes WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state = 'pending' "
        "AND o.entity = held_changes.kind || '/' || held_changes.key)"));
    return run(move, error) && run(gone, error) && run(done, error);
}

bool SyncCache::applyOutcomes(qint64 epoch, const QJsonArray &outcomes, QString *error)
{
    storage::Transaction tx(connection());
    QStringList released;
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (!applyOutcomesInTx(epoch, outcomes, &released, error))
        return false;
    QSqlQuery q = prepared(connection(), QStringLiteral("UPDATE sync_state SET last_push = ? WHERE id = 1"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!run(q, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    removeReleased(released);
    return true;
}

bool SyncCache::notePush(QString *error)
{
    QSqlQuery q = prepared(connection(), QStringLiteral("UPDATE sync_state SET last_push = ? WHERE id = 1"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return run(q, error);
}

bool SyncCache::applyPull(qint64 epoch, const QJsonArray &changes, const QJsonArray &outcomes, qint64 checkpoint, QString *error,
                          int format)
{
    const QSqlDatabase db = connection();
    storage::Transaction tx(db);
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    // Outcomes first: a change to an entity whose write has just been answered applies at once.
    QStringList released;
    if (!applyOutcomesInTx(epoch, outcomes, &released, error))
        return false;
    QSqlQuery busy = prepared(db, QStringLiteral("SELECT 1 FROM outbox WHERE state = 'pending' AND entity = ? LIMIT 1"));
    QSqlQuery hold = prepared(db, QStringLiteral(
        "INSERT INTO held_changes (kind, key, version, seq, deleted, data) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, seq = excluded.seq, deleted = excluded.deleted, data = excluded.data"));
    QSqlQuery put = prepared(db, QStringLiteral(
        "INSERT INTO reference (kind, key, version, seq, data) VALUES (?,?,?,?,?) "
        "ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, seq = excluded.seq, data = excluded.data"));
    QSqlQuery del = prepared(db, QStringLiteral("DELETE FROM reference WHERE kind = ? AND key = ?"));
    for (const QJsonValue &v : changes) {
        const QJsonObject c = v.toObject();
        const QString kind = c.value(QStringLiteral("kind")).toString();
        const QString key = c.value(QStringLiteral("key")).toString();
        const bool deleted = c.value(QStringLiteral("deleted")).toBool();
        busy.bindValue(0, QString(kind + u'/' + key));
        if (!run(busy, error))
            return false;
        const bool held = busy.next();
        busy.finish();
        QSqlQuery &q = held ? hold : (deleted ? del : put);
        q.bindValue(0, kind);
        q.bindValue(1, key);
        if (held || !deleted) {
            q.bindValue(2, c.value(QStringLiteral("version")).toInteger());
            q.bindValue(3, c.value(QStringLiteral("seq")).toInteger());
            if (held) {
                q.bindValue(4, deleted ? 1 : 0);
                q.bindValue(5, json(c.value(QStringLiteral("data")).toObject()));
            } else {
                q.bindValue(4, json(c.value(QStringLiteral("data")).toObject()));
            }
        }
        if (!run(q, error))
            return false;
    }
    qint64 outcomesAfter = -1;
    for (const QJsonValue &v : outcomes)
        outcomesAfter = std::max(outcomesAfter, v.toObject().value(QStringLiteral("seq")).toInteger());
    // The server refuses rows of another format unless the cache starts from nothing, so the
    // format of what it sent is the format of every row here.
    QSqlQuery st = prepared(db, QStringLiteral(
        "UPDATE sync_state SET checkpoint = ?, outcomes_after = max(outcomes_after, ?), last_pull = ?, "
        "feed_format = coalesce(nullif(?, 0), feed_format) WHERE id = 1"));
    st.addBindValue(checkpoint);
    st.addBindValue(outcomesAfter);
    st.addBindValue(QDateTime::currentMSecsSinceEpoch());
    st.addBindValue(format);
    if (!run(st, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    removeReleased(released);
    return true;
}

bool SyncCache::exportUnsent(const QString &exportPath, QString *error, int *entryCount, int *blobCount) const
{
    QList<OutboxEntry> unsent;
    if (!entries(QStringLiteral("pending"), INT_MAX, &unsent, error))
        return false;
    // The blobs the server lacks, as their sealed files: an export never holds a scan in clear.
    // Each copy is made durable, then the list, then the entries' file.
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT algorithm, hash, size, file FROM blobs WHERE state = 'queued' ORDER BY rowid"));
    if (!run(q, error))
        return false;
    const QDir out(exportPath + QStringLiteral(".blobs"));
    QByteArray list;
    int blobs = 0;
    while (q.next()) {
        const QString file = q.value(3).toString();
        if (!out.mkpath(QStringLiteral(".")) || !blobfile::copyDurably(blobFolder() + u'/' + file, out.filePath(file), error))
            return false;
        list += QJsonDocument(QJsonObject{{QStringLiteral("algorithm"), q.value(0).toString()}, {QStringLiteral("hash"), q.value(1).toString()},
                                          {QStringLiteral("size"), q.value(2).toLongLong()}, {QStringLiteral("file"), file}})
                    .toJson(QJsonDocument::Compact) + '\n';
        ++blobs;
    }
    if (blobs > 0) {
        QSaveFile l(out.filePath(QStringLiteral("blobs.jsonl")));
        if (!l.open(QIODevice::WriteOnly) || l.write(list) != list.size() || !l.commit()) {
            *error = l.errorString();
            return false;
        }
    }
    QSaveFile f(exportPath);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = f.errorString();
        return false;
    }
    for (const OutboxEntry &e : std::as_const(unsent)) {
        f.write(QJsonDocument(e.toExport()).toJson(QJsonDocument::Compact) + '\n');
    }
    if (!f.commit()) {
        *error = f.errorString();
        return false;
    }
    if (entryCount)
        *entryCount = int(unsent.size());
    if (blobCount)
        *blobCount = blobs;
    return true;
}

bool SyncCache::reset(const QString &exportPath, QString *error)
{
    // The files first, durably: only then may the entries leave the queue.
    if (!exportUnsent(exportPath, error))
        return false;
    const QSqlDatabase db = connection();
    storage::Transaction tx(db);
    QSqlQuery park = prepared(db, QStringLiteral("UPDATE outbox SET state = 'parked' WHERE state = 'pending'"));
    QSqlQuery st = prepared(db, QStringLiteral(
        "UPDATE sync_state SET epoch = epoch + 1, next_seq = 1, checkpoint = 0, outcomes_after = 0 WHERE id = 1"));
    QSqlQuery ref = prepared(db, QStringLiteral("DELETE FROM reference"));
    QSqlQuery held = prepared(db, QStringLiteral("DELETE FROM held_changes"));
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (!run(park, error) || !run(st, error) || !run(ref, error) || !run(held, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

bool SyncCache::requeueParked(QString *error, int *count)
{
    QList<OutboxEntry> parked;
    if (!entries(QStringLiteral("parked"), INT_MAX, &parked, error))
        return false;
    storage::Transaction tx(connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    QSqlQuery drop = prepared(connection(), QStringLiteral("UPDATE outbox SET state = 'requeued' WHERE epoch = ? AND seq = ?"));
    for (const OutboxEntry &e : std::as_const(parked)) {
        drop.bindValue(0, e.epoch);
        drop.bindValue(1, e.seq);
        if (!run(drop, error) || !enqueue(e.kind, e.data, e.entity, nullptr, error, e.sealed))
            return false;
    }
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    if (count)
        *count = int(parked.size());
    return true;
}

bool SyncCache::decideConflict(qint64 epoch, qint64 seq, QString *error)
{
    QSqlQuery q = prepared(connection(), QStringLiteral("UPDATE outbox SET decided = 1 WHERE epoch = ? AND seq = ? AND status = 'conflict'"));
    q.addBindValue(epoch);
    q.addBindValue(seq);
    if (!run(q, error))
        return false;
    if (q.numRowsAffected() != 1) {
        *error = QStringLiteral("no open conflict %1/%2").arg(epoch).arg(seq);
        return false;
    }
    return true;
}

QString SyncCache::blobFolder() const
{
    return connection().databaseName() + QStringLiteral(".blobs");
}

bool SyncCache::releaseBlobs(QString *error, int *released)
{
    storage::Transaction tx(connection());
    QStringList files;
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (!releaseBlobsInTx(&files, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    if (released)
        *released = int(files.size());
    removeReleased(files);
    return true;
}

// The rows first: a crash before the files are removed leaves files no row names, which the
// next start sweeps; never a row without its file while the blob is still needed.
bool SyncCache::releaseBlobsInTx(QStringList *files, QString *error)
{
    // Uploaded blobs no unsent entry names ("blobs": [{algorithm, hash}] in its data). The
    // names are gathered once (an uncorrelated IN), not once per uploaded blob: during a
    // catch-up of many materials that is the difference between P and U x P entries parsed.
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "SELECT algorithm, hash, file FROM blobs WHERE state = 'uploaded' AND (algorithm, hash) NOT IN ("
        " SELECT json_extract(j.value, '$.algorithm'), json_extract(j.value, '$.hash') FROM outbox o, json_each(o.data, '$.blobs') j"
        " WHERE o.state IN ('pending', 'parked') AND instr(o.data, '\"blobs\"') > 0"
        " AND json_extract(j.value, '$.algorithm') IS NOT NULL AND json_extract(j.value, '$.hash') IS NOT NULL)"));
    if (!run(q, error))
        return false;
    QList<QStringList> gone;
    while (q.next())
        gone.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
    q.finish();
    QSqlQuery drop = prepared(connection(), QStringLiteral("DELETE FROM blobs WHERE algorithm = ? AND hash = ? AND state = 'uploaded'"));
    for (const QStringList &g : std::as_const(gone)) {
        drop.bindValue(0, g.at(0));
        drop.bindValue(1, g.at(1));
        if (!run(drop, error))
            return false;
        files->append(blobFolder() + u'/' + g.at(2));
    }
    return true;
}

// On a worker, once the rows are gone: removing a file the kernel is still writing back can
// take milliseconds each, and the engine's thread is the one that answers the uploads.
void SyncCache::removeReleased(const QStringList &files)
{
    if (files.isEmpty())
        return;
    m_remover->start([files] {
        for (const QString &f : files)
            QFile::remove(f);
    });
}

bool SyncCache::sweepBlobs(qint64 graceMs, Sweep *out, QString *error)
{
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT algorithm, hash, file, state FROM blobs"));
    if (!run(q, error))
        return false;
    QSet<QString> named;
    QList<QStringList> lost; // algorithm, hash, state
    const QDir folder(blobFolder());
    while (q.next()) {
        const QString file = q.value(2).toString();
        named.insert(file);
        if (q.value(3).toString() != QLatin1String("missing") && !folder.exists(file))
            lost.append({q.value(0).toString(), q.value(1).toString(), q.value(3).toString()});
    }
    q.finish();
    const QDateTime before = QDateTime::currentDateTime().addMSecs(-graceMs);
    const QFileInfoList files = folder.entryInfoList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QFileInfo &f : files) {
        if (!named.contains(f.fileName()) && f.lastModified() <= before && QFile::remove(f.filePath()))
            ++out->filesRemoved;
    }
    if (lost.isEmpty())
        return true;
    storage::Transaction tx(connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    QSqlQuery drop = prepared(connection(), QStringLiteral("DELETE FROM blobs WHERE algorithm = ? AND hash = ?"));
    QSqlQuery missing = prepared(connection(), QStringLiteral("UPDATE blobs SET state = 'missing', sent = 0 WHERE algorithm = ? AND hash = ?"));
    for (const QStringList &l : std::as_const(lost)) {
        QSqlQuery &use = l.at(2) == QLatin1String("uploaded") ? drop : missing;
        use.bindValue(0, l.at(0));
        use.bindValue(1, l.at(1));
        if (!run(use, error))
            return false;
        ++(&use == &drop ? out->rowsDropped : out->missing);
    }
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

bool SyncCache::queueBlob(const QString &algorithm, const QString &hash, qint64 size, const QString &file, bool *duplicate, QString *error)
{
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "INSERT INTO blobs (algorithm, hash, size, file, state, added_at) VALUES (?,?,?,?,'queued',?) ON CONFLICT DO NOTHING"));
    q.addBindValue(algorithm);
    q.addBindValue(hash);
    q.addBindValue(size);
    q.addBindValue(file);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!run(q, error))
        return false;
    *duplicate = q.numRowsAffected() == 0;
    return true;
}

bool SyncCache::restoreBlob(const QString &algorithm, const QString &hash, qint64 size, const QString &file, QString *error)
{
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "INSERT INTO blobs (algorithm, hash, size, file, state, added_at) VALUES (?,?,?,?,'queued',?) "
        "ON CONFLICT (algorithm, hash) DO UPDATE SET file = excluded.file, state = 'queued', sent = 0, uploaded_at = NULL"));
    q.addBindValue(algorithm);
    q.addBindValue(hash);
    q.addBindValue(size);
    q.addBindValue(file);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return run(q, error);
}

bool SyncCache::blobFile(const QString &algorithm, const QString &hash, QString *file, QString *error) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT file FROM blobs WHERE algorithm = ? AND hash = ?"));
    q.addBindValue(algorithm);
    q.addBindValue(hash);
    if (!run(q, error))
        return false;
    if (!q.next()) {
        *error = QStringLiteral("no blob %1/%2 in this cache").arg(algorithm, hash);
        return false;
    }
    *file = q.value(0).toString();
    return true;
}

bool SyncCache::queuedBlobs(int limit, QList<QueuedBlob> *out, QString *error) const
{
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "SELECT algorithm, hash, size, sent FROM blobs WHERE state = 'queued' ORDER BY added_at, rowid LIMIT ?"));
    q.addBindValue(limit);
    if (!run(q, error))
        return false;
    while (q.next())
        out->append(QueuedBlob{q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toLongLong()});
    return true;
}

bool SyncCache::noteBlobsSent(const QList<std::pair<QueuedBlob, bool>> &blobs, QString *error)
{
    storage::Transaction tx(connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "UPDATE blobs SET sent = ?, state = ?, uploaded_at = ? WHERE algorithm = ? AND hash = ? AND state = 'queued'"));
    for (const auto &[b, complete] : blobs) {
        q.bindValue(0, b.sent);
        q.bindValue(1, complete ? QStringLiteral("uploaded") : QStringLiteral("queued"));
        q.bindValue(2, complete ? QVariant(QDateTime::currentMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>()));
        q.bindValue(3, b.algorithm);
        q.bindValue(4, b.hash);
        if (!run(q, error))
            return false;
    }
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

bool SyncCache::requeueBlobs(const QJsonArray &blobs, QString *error)
{
    QSqlQuery q = prepared(connection(), QStringLiteral(
        "UPDATE blobs SET state = 'queued', sent = 0, uploaded_at = NULL WHERE algorithm = ? AND hash = ?"));
    for (const QJsonValue &v : blobs) {
        q.bindValue(0, v.toObject().value(QStringLiteral("algorithm")).toString());
        q.bindValue(1, v.toObject().value(QStringLiteral("hash")).toString());
        if (!run(q, error))
            return false;
    }
    return true;
}

bool SyncCache::blobsReady(const QJsonObject &data, QString *error) const
{
    const QJsonArray blobs = data.value(QStringLiteral("blobs")).toArray();
    if (blobs.isEmpty())
        return true;
    QSqlQuery q = prepared(connection(), QStringLiteral("SELECT 1 FROM blobs WHERE algorithm = ? AND hash = ? AND state <> 'uploaded'"));
    for (const QJsonValue &v : blobs) {
        q.bindValue(0, v.toObject().value(QStringLiteral("algorithm")).toString());
        q.bindValue(1, v.toObject().value(QStringLiteral("hash")).toString());
        if (!run(q, error))
            return false;
        const bool waiting = q.next();
        q.finish();
        if (waiting)
            return false;
    }
    return true;
}

} // namespace hall::sync
