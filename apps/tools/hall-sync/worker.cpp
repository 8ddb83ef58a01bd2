#include "worker.h"

#include <sync/blobstore.h>
#include <sync/engine.h>
#include <sync/offline.h>

#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <netsync/leasekeeper.h>
#include <storage/transaction.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <unistd.h>

namespace hall {

bool writeEntry(sync::SyncCache &cache, const QString &kind, const QJsonObject &data, const QString &entity,
                sync::OutboxEntry *made, QString *error)
{
    storage::Transaction tx(cache.connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (!cache.enqueue(kind, data, entity, made, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

bool decide(sync::SyncCache &cache, qint64 epoch, qint64 seq, bool mine, sync::OutboxEntry *made, QString *error)
{
    QList<sync::OutboxEntry> done;
    if (!cache.entries(QStringLiteral("done"), 1000000, &done, error))
        return false;
    const auto it = std::find_if(done.cbegin(), done.cend(), [&](const sync::OutboxEntry &e) {
        return e.epoch == epoch && e.seq == seq && e.status == QLatin1String("conflict");
    });
    if (it == done.cend()) {
        *error = QCoreApplication::translate("HallSync", "There is no conflict %1/%2.").arg(epoch).arg(seq);
        return false;
    }
    storage::Transaction tx(cache.connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (mine) {
        // On top of the server's version (none: it was deleted, so the edit makes it anew).
        QJsonObject data = it->data;
        data.insert(QStringLiteral("version"), it->current.value(QStringLiteral("version")).toInteger(0));
        if (!cache.enqueue(it->kind, data, it->entity, made, error))
            return false;
    }
    if (!cache.decideConflict(epoch, seq, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

namespace {

// One line from standard input without buffering past it (a QTextStream would swallow the
// commands that come later).
QString readRawLine()
{
    QByteArray line;
    char c = 0;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
        line += c;
    return QString::fromUtf8(line);
}

// A scanned page for a material: mostly a few KB, sometimes more than one upload chunk; one in
// five is one of eight pages whose bytes every client makes alike, so clients upload the same
// blob at the same time (one upload per blob and hall on the server).
bool writePage(const QString &path, QRandomGenerator *rnd, QString *error)
{
    QByteArray bytes;
    if (rnd->bounded(5) == 0) {
        const int shared = rnd->bounded(8);
        QRandomGenerator same(quint32(4711 + shared));
        bytes.resize(shared == 7 ? 1200000 + 17 : 2000 + shared * 3001);
        same.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    } else {
        bytes.resize(rnd->bounded(5) == 0 ? rnd->bounded(100000, 1300000) : rnd->bounded(1, 32768));
        for (qsizetype i = 0; i + 4 <= bytes.size(); i += 4)
            *reinterpret_cast<quint32 *>(bytes.data() + i) = rnd->generate();
        bytes[bytes.size() - 1] = char(rnd->generate()); // a size not a multiple of 4 stays random
    }
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
        *error = f.errorString();
        return false;
    }
    return true;
}

} // namespace

bool parseKinds(const QString &text, QHash<QString, int> *kinds)
{
    static const QStringList known{QStringLiteral("rating"), QStringLiteral("notice"), QStringLiteral("ticket"), QStringLiteral("material"),
                                   QStringLiteral("return")};
    for (const QString &item : text.split(u',', Qt::SkipEmptyParts)) {
        const QString kind = item.section(u':', 0, 0);
        bool ok = true;
        const int weight = item.contains(u':') ? item.section(u':', 1).toInt(&ok) : 1;
        if (!known.contains(kind) || !ok || weight < 1)
            return false;
        kinds->insert(kind, weight);
    }
    return !kinds->isEmpty();
}

int work(sync::SyncCache &cache, const WorkOptions &o)
{
    QTextStream out(stdout);
    net::HallClient client;
    QString err;
    if (!client.setServer(o.server, {}, &err)) {
        QTextStream(stderr) << "hall-sync: " << err << Qt::endl;
        return 1;
    }
    client.setHall(o.hall);
    const QString password = readRawLine();
    net::HallSyncTransport transport(&client);
    sync::SyncEngine engine(&cache, &transport);
    QRandomGenerator *rnd = QRandomGenerator::global();

    // Sign in, again and again while the server is away; the writes do not wait for it.
    bool signedIn = false;
    QTimer signInRetry;
    signInRetry.setSingleShot(true);
    auto signIn = [&] {
        client.signIn(o.login, password, &client, [&](const net::Result<net::Session> &r) {
            if (!r) {
                signInRetry.start(500 + rnd->bounded(500));
                return;
            }
            out << "signed in" << Qt::endl;
            signedIn = true;
            engine.start();
        });
    };
    QObject::connect(&signInRetry, &QTimer::timeout, &client, signIn);
    signIn();

    // The kiosk's clock runs on from --now (a server with a fake clock is moved along with it).
    QElapsedTimer running;
    running.start();
    const auto now = [&] {
        return o.clockStart.isValid() ? o.clockStart.addMSecs(running.elapsed()) : QDateTime::currentDateTime();
    };
    sync::OfflineIssuer issuer(&cache);
    net::LeaseKeeper keeper(&client, &cache);
    keeper.setLeaseSize(10); // small blocks: a hand-back wastes few numbers of the day
    keeper.setLowWater(4);
    if (o.blobs)
        engine.setBlobStore(o.blobs);
    QTemporaryDir pages(QFileInfo(cache.database()->sqliteFile()).absolutePath() + QStringLiteral("/pages-XXXXXX"));

    // Leases stocked while the server is reachable, so tickets can be issued when it is not.
    QTimer leases;
    bool leasing = false;
    QObject::connect(&leases, &QTimer::timeout, &client, [&] {
        if (leasing || !signedIn)
            return;
        leasing = true;
        keeper.topUp(o.businesses, now(), [&](const QStringList &) { leasing = false; });
    });
    if (o.kinds.contains(QStringLiteral("ticket")) && !o.businesses.isEmpty())
        leases.start(500);

    QHash<QString, int> kinds = o.kinds;
    if (o.tickets.isEmpty())
        kinds.remove(QStringLiteral("rating"));
    if (o.businesses.isEmpty()) {
        kinds.remove(QStringLiteral("ticket"));
        kinds.remove(QStringLiteral("return"));
    }
    if (!o.blobs || !pages.isValid())
        kinds.remove(QStringLiteral("material"));
    int totalWeight = 0;
    for (int w : std::as_const(kinds))
        totalWeight += w;
    QString lastNumber = QStringLiteral("A001"); // materials attach to the latest ticket issued here
    QTimer writes;
    QObject::connect(&writes, &QTimer::timeout, &client, [&] {
        if (totalWeight == 0)
            return;
        QString kind;
        int pick = rnd->bounded(totalWeight);
        for (auto it = kinds.cbegin(); it != kinds.cend(); ++it) {
            if ((pick -= it.value()) < 0) {
                kind = it.key();
                break;
            }
        }
        QString e;
        sync::SyncState st;
        if (kind == QLatin1String("return")) {
            // As a kiosk being reset does: the unused rest of its leases back to the server.
            if (!signedIn || leasing)
                return;
            leasing = true;
            keeper.returnAll([&](const QStringList &errors) {
                leasing = false;
                if (errors.isEmpty())
                    out << "returned leases" << Qt::endl;
            });
            return;
        }
        if (kind == QLatin1String("ticket")) {
            sync::OfflineRequest req;
            req.business = o.businesses.at(rnd->bounded(int(o.businesses.size())));
            sync::OfflineTicket t;
            if (!issuer.issue(req, &t, &e, now()))
                return; // no numbers left here: the kiosk says so and issues none
            if (!cache.state(&st, &e))
                return;
            lastNumber = t.number;
            out << "wrote " << st.epoch << '/' << st.nextSeq - 1 << " ticket.offline " << t.localId << ' ' << t.number << ' '
                << t.issuedAt.toMSecsSinceEpoch() << Qt::endl;
            engine.kick();
            return;
        }
        if (kind == QLatin1String("material")) {
            QStringList files;
            for (int i = 0, n = rnd->bounded(1, 4); i < n; ++i) {
                files << pages.filePath(QStringLiteral("page%1").arg(i));
                if (!writePage(files.last(), rnd, &e)) {
                    QTextStream(stderr) << "hall-sync: no page: " << e << Qt::endl;
                    return;
                }
            }
            sync::OutboxEntry made;
            const bool added = o.blobs->addMaterial(lastNumber, QStringLiteral("scan"), files, &made, &e);
            for (const QString &f : std::as_const(files))
                QFile::remove(f);
            if (!added) {
                QTextStream(stderr) << "hall-sync: write failed: " << e << Qt::endl;
                return;
            }
            out << "wrote " << made.epoch << '/' << made.seq << " material " << made.data.value(QStringLiteral("material")).toString();
            for (const QJsonValue &b : made.data.value(QStringLiteral("blobs")).toArray()) {
                const QJsonObject blob = b.toObject();
                out << ' ' << blob.value(QStringLiteral("algorithm")).toString() << ':' << blob.value(QStringLiteral("hash")).toString()
                    << ':' << blob.value(QStringLiteral("size")).toInteger();
            }
            out << Qt::endl;
            engine.kick();
            return;
        }
        QJsonObject data;
        QString entity;
        if (kind == QLatin1String("rating")) {
            data = {{QStringLiteral("ticket"), o.tickets.at(rnd->bounded(int(o.tickets.size())))},
                    {QStringLiteral("level"), rnd->bounded(1, 6)}};
        } else {
            const QString id = QStringLiteral("N%1").arg(rnd->bounded(qMax(1, o.notices)));
            entity = QStringLiteral("notice/") + id;
            data = {{QStringLiteral("id"), id}, {QStringLiteral("version"), cache.baseVersion(QStringLiteral("notice"), id)},
                    {QStringLiteral("text"), QStringLiteral("%1 %2").arg(o.login).arg(rnd->generate())}};
        }
        sync::OutboxEntry made;
        if (!writeEntry(cache, kind, data, entity, &made, &e)) {
            QTextStream(stderr) << "hall-sync: write failed: " << e << Qt::endl;
            return;
        }
        out << "wrote " << made.epoch << '/' << made.seq << ' ' << kind << Qt::endl;
        engine.kick();
    });
    writes.start(o.intervalMs);

    QDateTime quietSince;
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &client, [&] {
        const QString line = readRawLine().trimmed();
        if (line == QLatin1String("quiet") || line.isEmpty()) { // EOF: the harness went away
            writes.stop();
            leases.stop();
            input.setEnabled(false);
            quietSince = QDateTime::currentDateTime();
            engine.pullNow();
        }
    });

    int rc = -1;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &client, [&] {
        const sync::SyncStatus s = engine.status();
        if (s.resetRequired) {
            out << "reset required: " << s.lastError << Qt::endl;
            rc = 4;
        } else if (quietSince.isValid() && engine.isCaughtUp() && s.blobsWaiting == 0) {
            out << "drained" << Qt::endl;
            rc = 0;
        }
        if (rc >= 0)
            QCoreApplication::exit(rc);
    });
    poll.start(20);
    QCoreApplication::exec();
    engine.stop();
    return rc < 0 ? 1 : rc;
}

} // namespace hall
