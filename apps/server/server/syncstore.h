#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace hall::server {

// A device's place in its sequence (docs/sync.md).
struct SyncDevice
{
    QString device;
    qint64 hallId = 0;
    qint64 accountId = 0;
    qint64 epoch = 1;
    qint64 lastSeq = 0;
};

// What became of one pushed entry.
struct SyncOutcome
{
    qint64 seq = 0;
    QString key;
    QString kind;
    QString status; // applied, rejected, conflict
    QString code;
    QString message;
    QJsonObject result;
    QJsonObject current; // conflict: the server's version
    QJsonObject toJson() const;
};

// One entity in the change feed: its latest state and the sequence it last changed at.
struct SyncChange
{
    qint64 seq = 0;
    QString scope;
    QString kind;
    QString key;
    qint64 version = 0;
    bool deleted = false;
    QJsonObject data;
    QJsonObject toJson() const;
};

struct SyncRating
{
    qint64 hallId = 0;
    qint64 ticketId = 0;
    int level = 0;
    QString source;
    qint64 windowId = 0;
    qint64 officerId = 0;
    QString device;
    QDateTime ratedAt;
};

// A scanned material attached to a ticket number: the first record that references blobs.
struct SyncMaterial
{
    qint64 hallId = 0;
    QString key; // the client's id of the material
    QString ticketNumber;
    QString type;
    int pages = 0;
    QJsonArray blobs; // [{"algorithm", "hash", "size"}]
    QString device;
    QDateTime madeAt;
};

// The sync domain's rows: devices, outcomes, the change feed, ratings and materials.
class HALL_SERVER_EXPORT SyncStore : public SqlStore
{
public:
    using SqlStore::SqlStore;

    std::optional<SyncDevice> device(const QString &device, QString *error);
    std::optional<SyncOutcome> outcome(const QString &device, qint64 epoch, qint64 seq, QString *error);
    bool outcomes(const QString &device, qint64 epoch, qint64 after, int limit, QList<SyncOutcome> *out, QString *error);

    // Changes of `hallId` after `since` in the given scopes (all when empty), in sequence order.
    bool changes(qint64 hallId, qint64 since, const QStringList &scopes, int limit, QList<SyncChange> *out, QString *error);
    bool changesOf(qint64 hallId, const QString &scope, QList<SyncChange> *out, QString *error);
    // The rows of the window and officer scopes whose key starts with `keyPrefix` (a day).
    bool workChanges(qint64 hallId, const QString &keyPrefix, QList<SyncChange> *out, QString *error);
    qint64 lastChangeSeq(qint64 hallId, QString *error);

    bool isRated(qint64 ticketId, QString *error);
    bool materialExists(qint64 hallId, const QString &key, QString *error);

    // Inside the group commit:
    bool writeDevice(const SyncDevice &d, QString *error);
    bool writeOutcome(const QString &device, qint64 epoch, const SyncOutcome &o, QString *error);
    bool writeChange(qint64 hallId, const SyncChange &c, QString *error);
    bool writeRating(const SyncRating &r, QString *error);
    // The material and a reference from it to each of its blobs (what makes them downloadable).
    bool writeMaterial(const SyncMaterial &m, QString *error);
};

} // namespace hall::server
