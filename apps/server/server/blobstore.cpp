#include "blobstore.h"

#include <QScopeGuard>

namespace hall::server {

namespace {

const QString blobColumns = QStringLiteral(
    "SELECT hall_id, algorithm, hash, size, state, upload_id, account_id, created_at, completed_at FROM blobs ");

} // namespace

std::optional<BlobRecord> BlobStore::one(QSqlQuery &q, QString *error)
{
    const auto done = qScopeGuard([&q] { q.finish(); }); // a cached SELECT must not hold the commit back
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    BlobRecord b;
    b.hallId = q.value(0).toLongLong();
    b.id = BlobId{q.value(1).toString(), q.value(2).toString()};
    b.size = q.value(3).toLongLong();
    b.state = q.value(4).toString();
    b.uploadId = q.value(5).toString();
    b.accountId = q.value(6).toLongLong();
    b.createdAt = fromMs(q.value(7));
    b.completedAt = fromMs(q.value(8));
    return b;
}

std::optional<BlobRecord> BlobStore::blob(qint64 hallId, const BlobId &id, QString *error)
{
    QSqlQuery &q = cached(blobColumns + QStringLiteral("WHERE hall_id = ? AND algorithm = ? AND hash = ?"));
    q.bindValue(0, hallId);
    q.bindValue(1, id.algorithm);
    q.bindValue(2, id.hash);
    return one(q, error);
}

std::optional<BlobRecord> BlobStore::upload(const QString &uploadId, QString *error)
{
    QSqlQuery &q = cached(blobColumns + QStringLiteral("WHERE upload_id = ?"));
    q.bindValue(0, uploadId);
    return one(q, error);
}

bool BlobStore::isReferenced(qint64 hallId, const BlobId &id, const QString &kind, const QString &key, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "SELECT 1 FROM blob_refs WHERE hall_id = ? AND algorithm = ? AND hash = ? AND kind = ? AND entity_key = ?"));
    q.bindValue(0, hallId);
    q.bindValue(1, id.algorithm);
    q.bindValue(2, id.hash);
    q.bindValue(3, kind);
    q.bindValue(4, key);
    const bool found = exec(q, error) && q.next();
    q.finish();
    return found;
}

bool BlobStore::writeBlob(const BlobRecord &b, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral(
        "INSERT INTO blobs (hall_id, algorithm, hash, size, state, upload_id, account_id, created_at, completed_at) "
        "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (hall_id, algorithm, hash) DO UPDATE SET size = excluded.size, "
        "state = excluded.state, upload_id = excluded.upload_id, completed_at = excluded.completed_at"));
    q.bindValue(0, b.hallId);
    q.bindValue(1, b.id.algorithm);
    q.bindValue(2, b.id.hash);
    q.bindValue(3, b.size);
    q.bindValue(4, b.state);
    q.bindValue(5, b.uploadId);
    q.bindValue(6, b.accountId);
    q.bindValue(7, ms(b.createdAt));
    q.bindValue(8, ms(b.completedAt));
    return exec(q, error);
}

bool BlobStore::deleteBlob(qint64 hallId, const BlobId &id, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("DELETE FROM blobs WHERE hall_id = ? AND algorithm = ? AND hash = ? AND state = 'uploading'"));
    q.bindValue(0, hallId);
    q.bindValue(1, id.algorithm);
    q.bindValue(2, id.hash);
    return exec(q, error);
}

} // namespace hall::server
