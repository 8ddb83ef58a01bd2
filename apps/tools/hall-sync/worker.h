#pragma once

// The writing side of hall-sync: local writes with their outbox entries, conflict decisions,
// and `work`, a client that keeps writing and syncing (the chaos harness runs many of them).

#include <sync/cache.h>

#include <QList>
#include <QStringList>
#include <QUrl>

namespace hall {

// A local write: the entry commits in its own transaction (tools have no rows of their own).
bool writeEntry(sync::SyncCache &cache, const QString &kind, const QJsonObject &data, const QString &entity,
                sync::OutboxEntry *made, QString *error);

// A person's decision on a conflict: keep the server's version, or make the entry again on top
// of it ("mine"; `made` is then the new entry). Both in one transaction.
bool decide(sync::SyncCache &cache, qint64 epoch, qint64 seq, bool mine, sync::OutboxEntry *made, QString *error);

struct WorkOptions
{
    QUrl server;
    QString hall;
    QString login;
    int intervalMs = 100;
    QStringList kinds;     // rating, notice
    QList<qint64> tickets; // served tickets to rate
    int notices = 3;       // notices N0 … N(n-1) to edit
};

// Signs in (password on the first line of standard input; retried while the server is away —
// the writes go on meanwhile), runs the sync engine and makes a random write every interval.
// "quiet" on standard input stops the writes; it prints "drained" and returns 0 once nothing
// waits and a pull has completed since, 4 when the server asks for a reset.
int work(sync::SyncCache &cache, const WorkOptions &options);

} // namespace hall
