// Chaos: several real sync clients (hall-sync `work` processes) write at random — ratings,
// versioned hall notices — against the real hall-server through a proxy that delays, cuts and
// partitions their connections, while clients and the server are killed with SIGKILL at random
// moments. Afterwards every promise of docs/sync.md is checked against the server's database and
// every client's cache (see checkEverything). HALL_CHAOS_SECONDS and HALL_CHAOS_CLIENTS size
// the run (the default suite runs a short one; `scripts/test --slow` a long one).

#include "../integration/serverfixture.h"
#include "chaosproxy.h"

#include <QMap>
#include <QSet>

#include <memory>

using namespace hall::test;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

struct Worker
{
    QString login;
    QString password;
    QStringList kinds;
    QString cache;
    std::unique_ptr<QProcess> proc;
    QByteArray output;
    int writes = 0;
    int kills = 0;
    bool drained = false;
};

struct Figures
{
    int serverKills = 0, workerKills = 0, partitions = 0, slowSpells = 0, lossySpells = 0;
    qint64 drainMs = 0;
};

} // namespace

class TstChaos : public QObject
{
    Q_OBJECT

    Server m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<ChaosProxy> m_proxy;
    QList<std::shared_ptr<Worker>> m_workers;
    QList<qint64> m_servedTickets;
    QRandomGenerator m_rnd{quint32(envInt("HALL_CHAOS_SEED", int(QDateTime::currentMSecsSinceEpoch() % 100000)))};
    Figures m_fig;
    // (device, epoch) → highest last_seq seen while sampling: it must never go down.
    QHash<QString, std::pair<qint64, qint64>> m_seen;
    QStringList m_violations;

    void startWorker(Worker &w)
    {
        w.proc = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en"));
        w.proc->setProcessEnvironment(env);
        w.proc->setProcessChannelMode(QProcess::MergedChannels);
        QStringList tickets;
        for (qint64 t : std::as_const(m_servedTickets))
            tickets << QString::number(t);
        w.proc->start(binDir() + QStringLiteral("/hall-sync"),
                      {QStringLiteral("--cache"), w.cache, QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_proxy->port()),
                       QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), w.login, QStringLiteral("work"),
                       QStringLiteral("--interval"), QString::number(40 + m_rnd.bounded(80)), QStringLiteral("--kinds"), w.kinds.join(u','),
                       QStringLiteral("--tickets"), tickets.join(u','), QStringLiteral("--notices"), QStringLiteral("4")});
        QVERIFY(w.proc->waitForStarted(10000));
        w.proc->write(w.password.toUtf8() + '\n');
        QProcess *proc = w.proc.get();
        Worker *wp = &w;
        connect(proc, &QProcess::readyReadStandardOutput, this, [wp, proc] {
            const QByteArray out = proc->readAllStandardOutput();
            wp->writes += out.count("wrote ");
            wp->output += out;
            if (wp->output.size() > 4096)
                wp->output = wp->output.right(4096);
            if (out.contains("drained"))
                wp->drained = true;
        });
    }

    void killWorker(Worker &w)
    {
        if (w.proc && w.proc->state() != QProcess::NotRunning) {
            w.proc->kill();
            w.proc->waitForFinished(5000);
        }
        ++w.kills;
        ++m_fig.workerKills;
    }

    void restartServer()
    {
        QString err;
        for (int attempt = 0; attempt < 20 && !m_server.isRunning(); ++attempt) {
            if (m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00")}))
                return;
            QTest::qWait(200); // the old process's port may take a moment to free
        }
        QVERIFY2(m_server.isRunning(), qPrintable(err));
    }

    // The server's per-device sequence only grows (within an epoch), across kills and restarts.
    void sample(QSqlDatabase &db)
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT device, epoch, last_seq FROM sync_devices")))
            return; // the database may be between owners for a moment
        while (q.next()) {
            const QString device = q.value(0).toString();
            const qint64 epoch = q.value(1).toLongLong(), seq = q.value(2).toLongLong();
            auto it = m_seen.find(device);
            if (it != m_seen.end() && (epoch < it->first || (epoch == it->first && seq < it->second)))
                m_violations << QStringLiteral("device %1 went back from %2/%3 to %4/%5").arg(device).arg(it->first).arg(it->second).arg(epoch).arg(seq);
            m_seen.insert(device, {epoch, seq});
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00")}), qPrintable(err));
        m_server.listenPort = m_server.port(); // restarts come back on the same port, behind the proxy

        // Served tickets for the evaluators to rate.
        const QString officer = m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), {}, officer).status, 200);
        for (int i = 0; i < 30; ++i) {
            const HttpResult t = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}, kiosk);
            QVERIFY2(t.status == 201, qPrintable(t.describe()));
            const HttpResult c = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), {}, officer);
            QVERIFY2(c.status == 200, qPrintable(c.describe()));
            QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/start"), {}, officer).status, 200);
            m_servedTickets << t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
        }

        m_proxy = std::make_unique<ChaosProxy>(m_server.port());
        QVERIFY(m_proxy->listen());
        const int clients = envInt("HALL_CHAOS_CLIENTS", 4);
        for (int i = 0; i < clients; ++i) {
            auto w = std::make_shared<Worker>();
            // Supervisors edit notices (and rate); kiosks rate.
            if (i % 2 == 0) {
                w->login = QStringLiteral("supervisor");
                w->password = QStringLiteral("demo-super-2026");
                w->kinds = QStringList{QStringLiteral("notice"), QStringLiteral("rating")};
            } else {
                w->login = i % 4 == 1 ? QStringLiteral("kiosk1") : QStringLiteral("kiosk2");
                w->password = QStringLiteral("demo-kiosk-2026");
                w->kinds = QStringList{QStringLiteral("rating")};
            }
            w->cache = m_dir.filePath(QStringLiteral("client%1.db").arg(i));
            m_workers << w;
        }
    }

    void chaos()
    {
        for (const auto &w : std::as_const(m_workers)) {
            startWorker(*w);
            if (QTest::currentTestFailed())
                return;
        }
        QString err;
        QSqlDatabase db = m_server.openDatabase(QStringLiteral("chaos-sampler"), &err);
        QVERIFY2(db.isOpen(), qPrintable(err));

        const int seconds = envInt("HALL_CHAOS_SECONDS", 40);
        QElapsedTimer run;
        run.start();
        while (run.elapsed() < seconds * 1000) {
            QTest::qWait(500 + m_rnd.bounded(1500));
            sample(db);
            const int dice = m_rnd.bounded(100);
            if (dice < 25) {
                Worker &w = *m_workers.at(m_rnd.bounded(int(m_workers.size())));
                killWorker(w);
                QTest::qWait(m_rnd.bounded(800));
                startWorker(w);
            } else if (dice < 40) {
                m_server.kill9();
                ++m_fig.serverKills;
                QTest::qWait(100 + m_rnd.bounded(1500));
                restartServer();
            } else if (dice < 60) {
                m_proxy->partition();
                ++m_fig.partitions;
                QTest::qWait(1000 + m_rnd.bounded(3000));
                m_proxy->heal();
            } else if (dice < 80) {
                m_proxy->setDelay(50 + m_rnd.bounded(250));
                ++m_fig.slowSpells;
                QTest::qWait(1000 + m_rnd.bounded(2000));
                m_proxy->heal();
            } else {
                m_proxy->setDropChance(0.02 + m_rnd.bounded(8) / 100.0);
                ++m_fig.lossySpells;
                QTest::qWait(1000 + m_rnd.bounded(2000));
                m_proxy->heal();
            }
            if (QTest::currentTestFailed())
                return;
        }

        // The network heals, everything runs: within 10 s every outbox has drained.
        m_proxy->heal();
        if (!m_server.isRunning())
            restartServer();
        for (const auto &w : std::as_const(m_workers)) {
            if (w->proc->state() == QProcess::NotRunning)
                startWorker(*w);
        }
        QElapsedTimer drain;
        drain.start();
        for (const auto &w : std::as_const(m_workers))
            w->proc->write("quiet\n");
        const bool drained = QTest::qWaitFor([&] {
            return std::all_of(m_workers.cbegin(), m_workers.cend(), [](const auto &w) { return w->drained; });
        }, 20000);
        m_fig.drainMs = drain.elapsed();
        sample(db);
        for (const auto &w : std::as_const(m_workers)) {
            w->proc->waitForFinished(5000);
            QVERIFY2(w->drained, qPrintable(QStringLiteral("%1 (%2) never drained: %3").arg(w->cache, w->login, QString::fromUtf8(w->output.right(1500)))));
        }
        QVERIFY(drained);
        QVERIFY2(m_fig.drainMs <= 10000, qPrintable(QStringLiteral("draining took %1 ms after the network healed").arg(m_fig.drainMs)));
        QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(u'\n')));
        db.close();
    }

    void checkEverything()
    {
        QVERIFY(!m_workers.isEmpty() && m_workers.first()->drained);
        // A final pull straight from the server, so each cache holds the server's latest feed.
        for (const auto &w : std::as_const(m_workers)) {
            QProcess p;
            p.start(binDir() + QStringLiteral("/hall-sync"),
                    {QStringLiteral("--cache"), w->cache, QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                     QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), w->login, QStringLiteral("sync"),
                     QStringLiteral("--seconds"), QStringLiteral("20")});
            p.write(w->password.toUtf8() + '\n');
            p.closeWriteChannel();
            QVERIFY(p.waitForFinished(30000));
            QVERIFY2(p.exitCode() == 0, qPrintable(QString::fromUtf8(p.readAll())));
        }
        m_server.stop();

        QString err;
        QSqlDatabase server = m_server.openDatabase(QStringLiteral("chaos-check"), &err);
        QVERIFY2(server.isOpen(), qPrintable(err));

        // The server's outcomes by (device, epoch, seq), and its sequences.
        struct Outcome
        {
            QString key, kind, status, code;
            QJsonObject result;
        };
        QMap<std::tuple<QString, qint64, qint64>, Outcome> outcomes;
        QSqlQuery q(server);
        QVERIFY(q.exec(QStringLiteral("SELECT device, epoch, seq, idem_key, kind, status, code, result FROM sync_outcomes")));
        while (q.next()) {
            outcomes.insert({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong()},
                            {q.value(3).toString(), q.value(4).toString(), q.value(5).toString(), q.value(6).toString(),
                             QJsonDocument::fromJson(q.value(7).toString().toUtf8()).object()});
        }
        // Every device's sequence: 1, 2, 3 … without a gap, ending at its last_seq.
        QVERIFY(q.exec(QStringLiteral("SELECT device, epoch, last_seq FROM sync_devices")));
        QHash<QString, std::pair<qint64, qint64>> devices;
        while (q.next())
            devices.insert(q.value(0).toString(), {q.value(1).toLongLong(), q.value(2).toLongLong()});
        QVERIFY(!devices.isEmpty());
        QHash<std::pair<QString, qint64>, qint64> maxSeq;
        for (auto it = outcomes.cbegin(); it != outcomes.cend(); ++it) {
            const auto &[device, epoch, seq] = it.key();
            qint64 &m = maxSeq[{device, epoch}];
            m = qMax(m, seq);
        }
        qint64 serverEntries = 0;
        for (auto it = maxSeq.cbegin(); it != maxSeq.cend(); ++it) {
            for (qint64 s = 1; s <= it.value(); ++s)
                QVERIFY2(outcomes.contains({it.key().first, it.key().second, s}), qPrintable(QStringLiteral("gap at %1 %2/%3").arg(it.key().first).arg(it.key().second).arg(s)));
            serverEntries += it.value();
            const auto d = devices.value(it.key().first);
            if (d.first == it.key().second)
                QCOMPARE(d.second, it.value());
        }

        // Every locally committed write is on the server exactly once, with the outcome the
        // client learnt; the server holds nothing no client wrote.
        qint64 clientEntries = 0, applied = 0, rejected = 0, conflicts = 0;
        QHash<QString, int> appliedNoticeEdits; // notice id → applied edits
        int appliedRatings = 0;
        for (const auto &w : std::as_const(m_workers)) {
            const QString name = QStringLiteral("cache-") + QFileInfo(w->cache).baseName();
            {
                QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                c.setDatabaseName(w->cache);
                QVERIFY2(c.open(), qPrintable(c.lastError().text()));
                QSqlQuery cq(c);
                QVERIFY(cq.exec(QStringLiteral("PRAGMA integrity_check")) && cq.next());
                QCOMPARE(cq.value(0).toString(), QStringLiteral("ok"));
                QVERIFY(cq.exec(QStringLiteral("SELECT device FROM sync_state")) && cq.next());
                const QString device = cq.value(0).toString();
                QVERIFY(cq.exec(QStringLiteral("SELECT epoch, seq, idem_key, kind, state, status, code, data FROM outbox")));
                while (cq.next()) {
                    ++clientEntries;
                    const QString where = QStringLiteral("%1 %2/%3").arg(w->cache).arg(cq.value(0).toLongLong()).arg(cq.value(1).toLongLong());
                    QVERIFY2(cq.value(4).toString() == QLatin1String("done"), qPrintable(where + QStringLiteral(" is still ") + cq.value(4).toString()));
                    const auto o = outcomes.constFind({device, cq.value(0).toLongLong(), cq.value(1).toLongLong()});
                    QVERIFY2(o != outcomes.constEnd(), qPrintable(where + QStringLiteral(" is not on the server")));
                    QCOMPARE(o->key, cq.value(2).toString());
                    QCOMPARE(o->status, cq.value(5).toString());
                    QCOMPARE(o->code, cq.value(6).toString());
                    QVERIFY2(o->status == QLatin1String("applied") || o->status == QLatin1String("rejected") || o->status == QLatin1String("conflict"),
                             qPrintable(where + u' ' + o->status));
                    if (o->status == QLatin1String("applied")) {
                        ++applied;
                        const QJsonObject data = QJsonDocument::fromJson(cq.value(7).toString().toUtf8()).object();
                        if (o->kind == QLatin1String("notice"))
                            ++appliedNoticeEdits[data.value(QStringLiteral("id")).toString()];
                        else if (o->kind == QLatin1String("rating"))
                            ++appliedRatings;
                    } else if (o->status == QLatin1String("rejected")) {
                        ++rejected;
                    } else {
                        ++conflicts;
                    }
                }
                // Synced data equals the server's: the cache's rows are the feed's latest rows.
                QHash<QString, std::pair<qint64, QString>> mine;
                QVERIFY(cq.exec(QStringLiteral("SELECT kind, key, version, data FROM reference")));
                while (cq.next())
                    mine.insert(cq.value(0).toString() + u'/' + cq.value(1).toString(), {cq.value(2).toLongLong(), cq.value(3).toString()});
                QVERIFY(cq.exec(QStringLiteral("SELECT count(*) FROM held_changes")) && cq.next());
                QCOMPARE(cq.value(0).toInt(), 0);
                QSqlQuery sq(server);
                // A kiosk reads the reference and hall scopes only (data scope); a supervisor all.
                const QString readable = w->login == QLatin1String("supervisor") ? QString() : QStringLiteral(" AND scope IN ('ref', 'hall')");
                QVERIFY(sq.exec(QStringLiteral("SELECT kind, entity_key, version, data FROM sync_changes WHERE deleted = 0") + readable));
                int rows = 0;
                while (sq.next()) {
                    ++rows;
                    const QString entity = sq.value(0).toString() + u'/' + sq.value(1).toString();
                    QVERIFY2(mine.contains(entity), qPrintable(w->cache + QStringLiteral(" lacks ") + entity));
                    QCOMPARE(mine.value(entity).first, sq.value(2).toLongLong());
                    QCOMPARE(QJsonDocument::fromJson(mine.value(entity).second.toUtf8()).object(),
                             QJsonDocument::fromJson(sq.value(3).toString().toUtf8()).object());
                }
                QCOMPARE(mine.size(), rows);
            }
            QSqlDatabase::removeDatabase(name);
        }
        QCOMPARE(clientEntries, serverEntries);

        // Effects exactly once: one rating row per applied rating; a notice's version counts its
        // applied edits.
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM ratings")) && q.next());
        QCOMPARE(q.value(0).toInt(), appliedRatings);
        QVERIFY(q.exec(QStringLiteral("SELECT entity_key, version FROM sync_changes WHERE kind = 'notice'")));
        int notices = 0;
        while (q.next()) {
            ++notices;
            QCOMPARE(appliedNoticeEdits.value(q.value(0).toString()), q.value(1).toInt());
        }
        QCOMPARE(notices, int(appliedNoticeEdits.size()));

        int writes = 0;
        for (const auto &w : std::as_const(m_workers))
            writes += w->writes;
        qInfo().noquote() << QStringLiteral("chaos (%1): %2 clients, %3 entries (%4 applied, %5 rejected, %6 conflicts; %7 writes seen on stdout), "
                                            "server killed %8×, clients killed %9×, %10 partitions, %11 slow and %12 lossy spells, "
                                            "%13 connections (%14 cut); drained %15 ms after healing")
                                 .arg(backend()).arg(m_workers.size()).arg(clientEntries).arg(applied).arg(rejected).arg(conflicts).arg(writes)
                                 .arg(m_fig.serverKills).arg(m_fig.workerKills).arg(m_fig.partitions).arg(m_fig.slowSpells).arg(m_fig.lossySpells)
                                 .arg(m_proxy->connectionsSeen()).arg(m_proxy->connectionsCut()).arg(m_fig.drainMs);
        QVERIFY(applied > 0 && conflicts + rejected > 0); // the run did exercise the paths it checks
    }

    void cleanupTestCase()
    {
        for (const auto &w : std::as_const(m_workers)) {
            if (w->proc && w->proc->state() != QProcess::NotRunning)
                w->proc->kill();
        }
    }
};

QTEST_GUILESS_MAIN(TstChaos)
#include "tst_chaos.moc"
