#pragma once

// The writing side of hall-sync: local writes with their outbox entries, conflict decisions,
// and `work`, a client that keeps writing and syncing (the chaos harness runs many of them).

#include <sync/cache.h>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>
#include <QUrl>

namespace hall {

namespace sync {
class BlobStore;
}

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
    QHash<QString, int> kinds; // rating, notice, ticket, material, return → weight in the random mix
    QList<qint64> tickets;     // served tickets to rate
    int notices = 3;           // notices N0 … N(n-1) to edit
    QStringList businesses;    // ticket: offline tickets of these, from leases kept stocked
    QDateTime clockStart;      // the kiosk's clock at start, running on from there (invalid: the real one)
    sync::BlobStore *blobs = nullptr; // material: scanned pages go here (needs the cache's key)
};

// Parses "rating:4,notice,material:1" (weight 1 when none is given); false on an unknown kind.
bool parseKinds(const QString &text, QHash<QString, int> *kinds);

// Signs in (password on the first line of standard input; retried while the server is away —
// the writes go on meanwhile), runs the sync engine and makes a random write every interval:
// a rating, a notice edit, an offline ticket from a lease (kept stocked while the server is
// reachable), a material of 1–3 scanned pages (blobs, some of them the same bytes on every
// client), the hand-back of its leases' unused rest (as a kiosk being reset does). Each committed write is printed as "wrote EPOCH/SEQ KIND …" — for tickets with the
// local id, number and issue time (ms), for materials with the key and each blob as
// algorithm:hash:size — so the chaos harness can hold the cache and the server to it.
// "quiet" on standard input stops the writes; it prints "drained" and returns 0 once nothing
// waits and a pull has completed since, 4 when the server asks for a reset.
int work(sync::SyncCache &cache, const WorkOptions &options);

} // namespace hall
