#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <optional>

namespace hall::server {

// A blob as the sync protocol names it: its digest algorithm ("sha256", "sm3") and lower-case
// hex hash, within one hall.
struct BlobId
{
    QString algorithm;
    QString hash;
    QString key() const { return algorithm + u'/' + hash; }
    friend bool operator==(const BlobId &a, const BlobId &b) { return a.algorithm == b.algorithm && a.hash == b.hash; }
};

// One row of `blobs`: an upload under way (state "uploading") or a complete, verified blob.
struct BlobRecord
{
    qint64 hallId = 0;
    BlobId id;
    qint64 size = 0;
    QString state; // uploading, complete
    QString uploadId;
    qint64 accountId = 0;
    QDateTime createdAt;
    QDateTime completedAt;
    bool complete() const { return state == QLatin1String("complete"); }
};

// The blob domain's rows (the bytes are files, see BlobController). The references that make a
// blob downloadable are written by the domain of the referencing record (materials: SyncStore).
class HALL_SERVER_EXPORT BlobStore : public SqlStore
{
public:
    using SqlStore::SqlStore;

    std::optional<BlobRecord> blob(qint64 hallId, const BlobId &id, QString *error);
    std::optional<BlobRecord> upload(const QString &uploadId, QString *error);
    bool isReferenced(qint64 hallId, const BlobId &id, const QString &kind, const QString &key, QString *error);

    // Inside the group commit:
    bool writeBlob(const BlobRecord &b, QString *error);
    bool deleteBlob(qint64 hallId, const BlobId &id, QString *error);

private:
    std::optional<BlobRecord> one(QSqlQuery &q, QString *error);
};

} // namespace hall::server
