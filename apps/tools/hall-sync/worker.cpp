#include "worker.h"

#include <sync/engine.h>

#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <storage/transaction.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QRandomGenerator>
#include <QSocketNotifier>
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

} // namespace

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
    QTimer signInRetry;
    signInRetry.setSingleShot(true);
    auto signIn = [&] {
        client.signIn(o.login, password, &client, [&](const net::Result<net::Session> &r) {
            if (!r) {
                signInRetry.start(500 + rnd->bounded(500));
                return;
            }
            out << "signed in" << Qt::endl;
            engine.start();
        });
    };
    QObject::connect(&signInRetry, &QTimer::timeout, &client, signIn);
    signIn();

    QStringList kinds = o.kinds;
    if (o.tickets.isEmpty())
        kinds.removeAll(QStringLiteral("rating"));
    QTimer writes;
    QObject::connect(&writes, &QTimer::timeout, &client, [&] {
        if (kinds.isEmpty())
            return;
        const QString kind = kinds.at(rnd->bounded(int(kinds.size())));
        QJsonObject data;
        QString entity;
        if (kind == QLatin1String("rating")) {
            data = {{QStringLiteral("ticket"), o.tickets.at(rnd->bounded(int(o.tickets.size())))},
                    {QStringLiteral("level"), rnd->bounded(1, 6)}};
        } else if (kind == QLatin1String("notice")) {
            const QString id = QStringLiteral("N%1").arg(rnd->bounded(qMax(1, o.notices)));
            entity = QStringLiteral("notice/") + id;
            data = {{QStringLiteral("id"), id}, {QStringLiteral("version"), cache.baseVersion(QStringLiteral("notice"), id)},
                    {QStringLiteral("text"), QStringLiteral("%1 %2").arg(o.login).arg(rnd->generate())}};
        } else {
            return;
        }
        sync::OutboxEntry made;
        QString e;
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
        } else if (quietSince.isValid() && engine.isCaughtUp()) {
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
