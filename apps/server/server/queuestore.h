#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <core/hall.h>
#include <queue/state.h>

#include <QJsonArray>

#include <optional>

namespace hall::server {

// The queue's durable state: the rows behind each hall's Engine (tickets, window runtime,
// appointments, blacklist, release passwords, number leases), its call log and audit entries,
// and the id blocks the engines draw from.
class HALL_SERVER_EXPORT QueueStore : public SqlStore
{
public:
    using SqlStore::SqlStore;

    bool loadSnapshot(const core::HallConfig &cfg, const QDate &today, queue::Snapshot *out, QString *error);
    // Writes one hall's changes; the caller holds the transaction (the group commit).
    bool write(qint64 hallId, const queue::ChangeSet &changes, QString *error);

    // Ids for tickets, appointments and release passwords, reserved in durable blocks so that
    // neither a restart nor a second server instance ever hands out an id twice. The one write
    // outside the group commit: the reservation must be durable before an id from it is used,
    // and it changes nothing a client sees.
    qint64 allocateId();

    QJsonArray calls(qint64 hallId, const QDate &day, int limit);
    // A ticket of any day, as stored (hall, number, status, window, officer).
    std::optional<core::Ticket> ticket(qint64 id, QString *error);

private:
    bool insertRows(const QString &head, int columns, const QString &tail, const QList<QVariantList> &rows, QString *error);

    qint64 m_nextId = 0;
    qint64 m_idLimit = 0;
};

} // namespace hall::server
