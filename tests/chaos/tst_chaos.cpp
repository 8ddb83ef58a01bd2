// Chaos: several real sync clients (hall-sync `work` processes) write at random — ratings,
// versioned hall notices, offline tickets from number leases, materials with scanned pages
// (blobs, in chunks) — against the real hall-server through a proxy that delays, cuts and
// partitions their connections, while clients and the server are killed with SIGKILL at random
// moments. Afterwards every promise of docs/sync.md is checked against the server's database and
// every client's cache (see checkEverything). HALL_CHAOS_SECONDS and HALL_CHAOS_CLIENTS size
// the run (the default suite runs a short one; `scripts/test --slow` a long one).

#include "../integration/serverfixture.h"
#include "chaosproxy.h"

#include <security/crypto.h>

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
    QString kinds; // with weights: "rating:143,ticket:8,material:3,return:1"
    QString cipher;
    QString cache;
    std::unique_ptr<QProcess> proc;
    QByteArray output;
    QByteArray partialLine;
    QList<QByteArray> records; // every "wrote …" line: what the client said it committed
    int writes = 0;
    int kills = 0;
    bool drained = false;
};

struct Figures
{
    int serverKills = 0, workerKills = 0, partitions = 0, slowSpells = 0, lossySpells = 0;
    qint64 drainMs = 0;
    int materials = 0, materialBlobs = 0, leases = 0, leasesReturned = 0;
};

// An offline ticket as its kiosk's cache holds it, with the outcome the kiosk learnt.
struct LocalTicket
{
    QString cache, device, local, business, number, status, code, message;
    qint64 leaseId = 0, issuedMs = 0;
    int seq = 0;
};

// A blob a client committed: its name, and where the client keeps it while it waits.
struct LocalBlob
{
    QString cache, algorithm, hash, file, state;
    qint64 size = 0;
};

// The digest of a file as the blob protocol names it (sha256 or sm3), lower-case hex.
QString digestOf(const QString &path, const QString &algorithm)
{
    const auto alg = hall::security::crypto::Digest::fromName(algorithm);
    QFile f(path);
    if (!alg || !f.open(QIODevice::ReadOnly))
        return {};
    hall::security::crypto::Digest d(*alg);
    while (!f.atEnd())
        d.addData(f.read(1 << 20));
    return QString::fromLatin1(d.result().toHex());
}

} // namespace

class TstChaos : public QObject
{
    Q_OBJECT

    Server m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<ChaosProxy> m_proxy;
    QList<std::shared_ptr<Worker>> m_workers;
    QList<qint64> m_servedTickets;
    // The hall's clock: the server runs a fake one, moved on in real time from 09:00 (across
    // restarts), and each client's starts where the server's is — as kiosks and a server agree.
    const QDateTime m_clockBase{QDate(2026, 11, 23), QTime(9, 0)};
    QElapsedTimer m_clock;
    QTimer m_clockMover;
    QString m_adminToken;
    QRandomGenerator m_rnd{quint32(envInt("HALL_CHAOS_SEED", int(QDateTime::currentMSecsSinceEpoch() % 100000)))};
    Figures m_fig;
    // (device, epoch) → highest last_seq seen while sampling: it must never go down.
    QHash<QString, std::pair<qint64, qint64>> m_seen;
    QStringList m_violations;
    QList<LocalTicket> m_localTickets; // of every cache, gathered by checkEverything
    QList<LocalBlob> m_localBlobs;

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
                       QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), w.login, QStringLiteral("--cipher"), w.cipher,
                       QStringLiteral("work"), QStringLiteral("--interval"), QString::number(40 + m_rnd.bounded(80)), QStringLiteral("--kinds"), w.kinds,
                       QStringLiteral("--tickets"), tickets.join(u','), QStringLiteral("--notices"), QStringLiteral("4"),
                       QStringLiteral("--businesses"), QStringLiteral("ZX,GJJ,SB,SW"), QStringLiteral("--now"), clockNow()});
        QVERIFY(w.proc->waitForStarted(10000));
        w.proc->write(w.password.toUtf8() + '\n');
        QProcess *proc = w.proc.get();
        Worker *wp = &w;
        connect(proc, &QProcess::readyReadStandardOutput, this, [wp, proc] {
            const QByteArray out = keepChildOutput(proc->program(), proc->readAllStandardOutput());
            wp->writes += out.count("wrote ");
            // Whole lines only: a SIGKILL may cut the last one, which then was never said.
            wp->partialLine += out;
            const qsizetype end = wp->partialLine.lastIndexOf('\n');
            if (end >= 0) {
                for (const QByteArray &line : wp->partialLine.left(end).split('\n')) {
                    if (line.startsWith("wrote "))
                        wp->records << line;
                }
                wp->partialLine.remove(0, end + 1);
            }
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
        w.partialLine.clear();
        ++w.kills;
        ++m_fig.workerKills;
    }

    QString clockNow() const { return m_clockBase.addMSecs(m_clock.elapsed()).toString(Qt::ISODateWithMs); }

    bool startServer(QString *err)
    {
        if (!m_server.start(err, {QStringLiteral("--fake-clock"), m_clockBase.addMSecs(m_clock.elapsed()).toString(Qt::ISODate)}))
            return false;
        m_adminToken = m_server.login(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"));
        return true;
    }

    void restartServer()
    {
        QString err;
        for (int attempt = 0; attempt < 20 && !m_server.isRunning(); ++attempt) {
            if (startServer(&err))
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

    // Offline tickets: numbers unique across the hall; each one a kiosk committed is in the
    // server's queue once, at its original issue time, inside a lease granted to that kiosk's
    // device — or rejected with its reason; no other ticket lies inside a lease.
    void checkOfflineTickets(QSqlDatabase &server, int *applied, int *refused)
    {
        QSqlQuery q(server);
        QVERIFY(q.exec(QStringLiteral("SELECT day, number, count(*) FROM tickets GROUP BY day, number HAVING count(*) > 1")));
        if (q.next())
            QFAIL(qPrintable(QStringLiteral("number %1 was issued %2 times on %3").arg(q.value(1).toString()).arg(q.value(2).toInt()).arg(q.value(0).toString())));

        struct ServerLease
        {
            qint64 businessId = 0;
            QString prefix, day, device;
            int from = 0, to = 0, returnedFrom = 0;
        };
        QHash<qint64, ServerLease> leases;
        QVERIFY(q.exec(QStringLiteral("SELECT id, business_id, prefix, from_seq, to_seq, day, device, returned_from FROM leases")));
        while (q.next()) {
            leases.insert(q.value(0).toLongLong(), {q.value(1).toLongLong(), q.value(2).toString(), q.value(5).toString(), q.value(6).toString(),
                                                    q.value(3).toInt(), q.value(4).toInt(), q.value(7).toInt()});
            if (!q.value(7).isNull())
                ++m_fig.leasesReturned;
        }
        m_fig.leases = int(leases.size());
        for (auto a = leases.cbegin(); a != leases.cend(); ++a) {
            for (auto b = std::next(a); b != leases.cend(); ++b) {
                const bool overlap = a->businessId == b->businessId && a->prefix == b->prefix && a->day == b->day && a->from <= b->to && b->from <= a->to;
                QVERIFY2(!overlap, qPrintable(QStringLiteral("leases %1 and %2 overlap").arg(a.key()).arg(b.key())));
            }
        }
        // The server's tickets by day and number.
        QHash<QString, std::pair<qint64, qint64>> tickets; // number → issued (ms), business
        QHash<QString, QList<std::pair<QString, qint64>>> inLeases; // device → numbers inside its leases (+ lease)
        QVERIFY(q.exec(QStringLiteral("SELECT number, issued_at, business_id, prefix, seq, day FROM tickets")));
        while (q.next()) {
            tickets.insert(q.value(5).toString() + u'/' + q.value(0).toString(), {q.value(1).toLongLong(), q.value(2).toLongLong()});
            for (auto l = leases.cbegin(); l != leases.cend(); ++l) {
                if (l->businessId == q.value(2).toLongLong() && l->prefix == q.value(3).toString() && l->day == q.value(5).toString()
                    && q.value(4).toInt() >= l->from && q.value(4).toInt() <= l->to)
                    inLeases[l->device].append({q.value(0).toString(), l.key()});
            }
        }
        QHash<QString, QSet<QString>> appliedByDevice;
        for (const LocalTicket &t : std::as_const(m_localTickets)) {
            const QString where = QStringLiteral("%1: offline ticket %2 (%3)").arg(t.cache, t.number, t.local);
            const auto l = leases.constFind(t.leaseId);
            QVERIFY2(l != leases.constEnd() && l->device == t.device && t.seq >= l->from && t.seq <= l->to,
                     qPrintable(where + QStringLiteral(" lies outside every lease granted to device %1").arg(t.device)));
            // A kiosk stops issuing from a lease before it hands the rest back.
            QVERIFY2(!l->returnedFrom || t.seq < l->returnedFrom,
                     qPrintable(where + QStringLiteral(" was issued from numbers handed back (from %1 on)").arg(l->returnedFrom)));
            const QString day = QDateTime::fromMSecsSinceEpoch(t.issuedMs).date().toString(Qt::ISODate);
            if (t.status == QLatin1String("applied")) {
                const auto s = tickets.constFind(day + u'/' + t.number);
                QVERIFY2(s != tickets.constEnd(), qPrintable(where + QStringLiteral(" was applied but is not in the queue")));
                QVERIFY2(s->first == t.issuedMs, qPrintable(where + QStringLiteral(" is in the queue at %1, issued at %2")
                                                                  .arg(QDateTime::fromMSecsSinceEpoch(s->first).toString(Qt::ISODateWithMs),
                                                                       QDateTime::fromMSecsSinceEpoch(t.issuedMs).toString(Qt::ISODateWithMs))));
                appliedByDevice[t.device].insert(t.number);
                ++*applied;
            } else {
                QVERIFY2((t.status == QLatin1String("rejected") || t.status == QLatin1String("conflict")) && !t.code.isEmpty() && !t.message.isEmpty(),
                         qPrintable(where + QStringLiteral(" has no visible outcome: %1 %2").arg(t.status, t.code)));
                ++*refused;
            }
        }
        // Nothing but those applied offline tickets lies inside a lease: no online number, no
        // other device's ticket, nothing taken in twice.
        int inside = 0;
        for (auto it = inLeases.cbegin(); it != inLeases.cend(); ++it) {
            for (const auto &[number, lease] : it.value()) {
                QVERIFY2(appliedByDevice.value(it.key()).contains(number),
                         qPrintable(QStringLiteral("ticket %1 lies inside lease %2 of device %3 but no offline ticket of that device was taken in as it").arg(number).arg(lease).arg(it.key())));
                ++inside;
            }
        }
        QCOMPARE(inside, *applied);
    }

    // Blobs: every one a material on the server references is complete, its file holds exactly
    // its bytes (the digest made again); every blob a client committed is on the server or still
    // waits, with its file, in that client's cache.
    void checkBlobs(QSqlDatabase &server, qint64 *bytes, int *distinct)
    {
        QSqlQuery q(server);
        QVERIFY(q.exec(QStringLiteral("SELECT id FROM halls WHERE code = 'swzx'")) && q.next());
        const qint64 hall = q.value(0).toLongLong();
        QHash<QString, std::pair<qint64, QString>> blobs; // algorithm/hash → size, state
        QVERIFY(q.exec(QStringLiteral("SELECT algorithm, hash, size, state FROM blobs WHERE hall_id = %1").arg(hall)));
        while (q.next())
            blobs.insert(q.value(0).toString() + u'/' + q.value(1).toString(), {q.value(2).toLongLong(), q.value(3).toString()});
        QSet<QString> refs;
        QVERIFY(q.exec(QStringLiteral("SELECT algorithm, hash, entity_key FROM blob_refs WHERE hall_id = %1 AND kind = 'material'").arg(hall)));
        while (q.next())
            refs << q.value(0).toString() + u'/' + q.value(1).toString() + u'@' + q.value(2).toString();
        QSet<QString> verified;
        auto verify = [&](const QString &algorithm, const QString &hash, qint64 size, const QString &what) {
            const QString key = algorithm + u'/' + hash;
            const auto b = blobs.constFind(key);
            QVERIFY2(b != blobs.constEnd() && b->second == QLatin1String("complete") && b->first == size,
                     qPrintable(what + QStringLiteral(": blob %1 is not complete on the server").arg(key)));
            if (verified.contains(key))
                return;
            const QString file = QStringLiteral("%1/%2/%3/%4/%5").arg(m_server.blobFolder()).arg(hall).arg(algorithm, hash.left(2), hash);
            QVERIFY2(QFileInfo(file).size() == size, qPrintable(what + QStringLiteral(": blob %1 has %2 bytes on disk, not %3").arg(key).arg(QFileInfo(file).size()).arg(size)));
            QVERIFY2(digestOf(file, algorithm) == hash, qPrintable(what + QStringLiteral(": the file of blob %1 does not hash to its name").arg(key)));
            verified << key;
            *bytes += size;
            ++*distinct;
        };
        int materials = 0;
        QVERIFY(q.exec(QStringLiteral("SELECT material_key, blobs FROM materials WHERE hall_id = %1").arg(hall)));
        while (q.next()) {
            ++materials;
            const QString material = q.value(0).toString();
            for (const QJsonValue &v : QJsonDocument::fromJson(q.value(1).toString().toUtf8()).array()) {
                const QJsonObject b = v.toObject();
                const QString algorithm = b.value(QStringLiteral("algorithm")).toString(), hash = b.value(QStringLiteral("hash")).toString();
                verify(algorithm, hash, b.value(QStringLiteral("size")).toInteger(), QStringLiteral("material ") + material);
                if (QTest::currentTestFailed())
                    return;
                QVERIFY2(refs.contains(algorithm + u'/' + hash + u'@' + material), qPrintable(QStringLiteral("material %1 does not reference its blob %2").arg(material, hash)));
            }
        }
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sync_outcomes WHERE kind = 'material' AND status = 'applied'")) && q.next());
        QCOMPARE(materials, q.value(0).toInt());
        for (const LocalBlob &b : std::as_const(m_localBlobs)) {
            const QString what = QStringLiteral("%1 (%2)").arg(b.cache, b.state);
            if (b.state == QLatin1String("queued"))
                QVERIFY2(QFileInfo(b.file).size() > 0, qPrintable(what + QStringLiteral(": blob %1 waits, but its file is gone").arg(b.hash)));
            else
                verify(b.algorithm, b.hash, b.size, what);
            if (QTest::currentTestFailed())
                return;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        m_clock.start();
        QVERIFY2(startServer(&err), qPrintable(err));
        m_server.listenPort = m_server.port(); // restarts come back on the same port, behind the proxy
        // The server's clock follows the hall's (straight, not through the proxy; a reply lost to
        // a kill does not matter, the next one sets it again).
        connect(&m_clockMover, &QTimer::timeout, this, [this] {
            if (m_server.isRunning() && !m_adminToken.isEmpty())
                m_server.send("POST", QStringLiteral("/api/v1/admin/clock"), QJsonDocument(QJsonObject{{QStringLiteral("set"), clockNow()}}).toJson(), m_adminToken);
        });
        m_clockMover.start(400);

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
        // A kiosk writes about 12 times a second: a ticket in 20 of them, a material in 45, and
        // about three hand-backs of its leases in the run (each wastes the day's numbers it
        // held, and a day has only so many).
        const int weights = envInt("HALL_CHAOS_SECONDS", 40) * 4;
        const QString kioskKinds = QStringLiteral("rating:%1,ticket:%2,material:%3,return:1")
                                       .arg(weights - weights / 20 - weights / 45 - 1).arg(weights / 20).arg(weights / 45);
        for (int i = 0; i < clients; ++i) {
            auto w = std::make_shared<Worker>();
            // Supervisors edit notices (and rate); kiosks rate and issue offline tickets; both
            // attach scanned materials, some in 国密 mode (SM3 blob names).
            if (i % 2 == 0) {
                w->login = QStringLiteral("supervisor");
                w->password = QStringLiteral("demo-super-2026");
                w->kinds = QStringLiteral("notice:150,rating:75,material:5");
            } else {
                w->login = i % 4 == 1 ? QStringLiteral("kiosk1") : QStringLiteral("kiosk2");
                w->password = QStringLiteral("demo-kiosk-2026");
                w->kinds = kioskKinds;
            }
            w->cipher = i % 3 == 2 ? QStringLiteral("sm4") : QStringLiteral("aes-gcm");
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
            const QByteArray out = childStdout(p) + childStderr(p);
            QVERIFY2(p.exitCode() == 0, qPrintable(QString::fromUtf8(out)));
        }
        m_clockMover.stop();
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

                // Offline tickets, the leases they came from, and the blobs this client committed.
                QHash<QString, std::pair<QString, qint64>> recordedTickets; // local id → number, issued (ms)
                QList<QByteArray> recordedMaterials;
                for (const QByteArray &r : std::as_const(w->records)) {
                    const QList<QByteArray> f = r.split(' ');
                    if (f.value(2) == "ticket.offline" && f.size() == 6)
                        recordedTickets.insert(QString::fromUtf8(f.at(3)), {QString::fromUtf8(f.at(4)), f.at(5).toLongLong()});
                    else if (f.value(2) == "material")
                        recordedMaterials << r;
                }
                QVERIFY(cq.exec(QStringLiteral("SELECT t.local_id, t.lease_id, t.business, t.seq, t.number, t.issued_at, l.from_seq, l.to_seq, "
                                               "(SELECT count(*) FROM outbox o WHERE o.entity = 'ticket.offline/' || t.local_id), "
                                               "o.state, o.status, o.code, o.message "
                                               "FROM offline_tickets t LEFT JOIN leases l ON l.id = t.lease_id "
                                               "LEFT JOIN outbox o ON o.entity = 'ticket.offline/' || t.local_id")));
                QSet<QString> localIds;
                while (cq.next()) {
                    LocalTicket t{w->cache, device, cq.value(0).toString(), cq.value(2).toString(), cq.value(4).toString(),
                                  cq.value(10).toString(), cq.value(11).toString(), cq.value(12).toString(), cq.value(1).toLongLong(),
                                  cq.value(5).toLongLong(), cq.value(3).toInt()};
                    const QString where = QStringLiteral("%1: offline ticket %2 (%3)").arg(w->cache, t.number, t.local);
                    localIds << t.local;
                    QVERIFY2(cq.value(8).toInt() == 1, qPrintable(where + QStringLiteral(" has %1 outbox entries").arg(cq.value(8).toInt())));
                    QVERIFY2(cq.value(9).toString() == QLatin1String("done"), qPrintable(where + QStringLiteral(" is still ") + cq.value(9).toString()));
                    QVERIFY2(!cq.value(6).isNull() && t.seq >= cq.value(6).toInt() && t.seq <= cq.value(7).toInt(),
                             qPrintable(where + QStringLiteral(" lies outside its local lease %1").arg(t.leaseId)));
                    const auto rec = recordedTickets.constFind(t.local);
                    if (rec != recordedTickets.constEnd())
                        QVERIFY2(rec->first == t.number && rec->second == t.issuedMs, qPrintable(where + QStringLiteral(" differs from what the kiosk printed")));
                    m_localTickets << t;
                }
                for (auto it = recordedTickets.cbegin(); it != recordedTickets.cend(); ++it)
                    QVERIFY2(localIds.contains(it.key()), qPrintable(QStringLiteral("%1: printed ticket %2 is not in the cache").arg(w->cache, it->first)));

                const QString blobFolder = w->cache + QStringLiteral(".blobs/");
                QHash<QString, LocalBlob> blobs;
                QVERIFY(cq.exec(QStringLiteral("SELECT algorithm, hash, size, file, state FROM blobs")));
                while (cq.next()) {
                    const LocalBlob b{w->cache, cq.value(0).toString(), cq.value(1).toString(), blobFolder + cq.value(3).toString(),
                                      cq.value(4).toString(), cq.value(2).toLongLong()};
                    blobs.insert(b.algorithm + u'/' + b.hash, b);
                    m_localBlobs << b;
                }
                // Every material the client said it made is in its outbox, its blobs in its queue.
                for (const QByteArray &r : std::as_const(recordedMaterials)) {
                    const QList<QByteArray> f = r.split(' ');
                    QVERIFY(cq.exec(QStringLiteral("SELECT count(*) FROM outbox WHERE entity = 'material/%1'").arg(QString::fromUtf8(f.value(3)))) && cq.next());
                    QVERIFY2(cq.value(0).toInt() == 1, qPrintable(w->cache + QStringLiteral(": material %1 is not in the outbox").arg(QString::fromUtf8(f.value(3)))));
                    for (const QByteArray &blob : f.mid(4)) {
                        const QList<QByteArray> b = blob.split(':');
                        const auto it = blobs.constFind(QString::fromUtf8(b.value(0) + '/' + b.value(1)));
                        if (it == blobs.constEnd()) {
                            // Released once the server had it complete (docs/sync.md): then the
                            // server must hold it, which checkBlobs verifies with its hash.
                            m_localBlobs << LocalBlob{w->cache, QString::fromUtf8(b.value(0)), QString::fromUtf8(b.value(1)), QString(),
                                                      QStringLiteral("released"), b.value(2).toLongLong()};
                        } else {
                            QVERIFY2(it->size == b.value(2).toLongLong(),
                                     qPrintable(w->cache + QStringLiteral(": blob %1 of material %2 has another size in the cache").arg(QString::fromUtf8(blob), QString::fromUtf8(f.value(3)))));
                        }
                        ++m_fig.materialBlobs;
                    }
                    ++m_fig.materials;
                }
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

        int ticketsApplied = 0, ticketsRefused = 0;
        checkOfflineTickets(server, &ticketsApplied, &ticketsRefused);
        if (QTest::currentTestFailed())
            return;
        qint64 blobBytes = 0;
        int distinctBlobs = 0;
        checkBlobs(server, &blobBytes, &distinctBlobs);
        if (QTest::currentTestFailed())
            return;

        int writes = 0;
        for (const auto &w : std::as_const(m_workers))
            writes += w->writes;
        qInfo().noquote() << QStringLiteral("chaos (%1): %2 clients, %3 entries (%4 applied, %5 rejected, %6 conflicts; %7 writes seen on stdout), "
                                            "server killed %8×, clients killed %9×, %10 partitions, %11 slow and %12 lossy spells, "
                                            "%13 connections (%14 cut); drained %15 ms after healing; offline tickets %16 taken in, %17 refused with a reason; "
                                            "%18 materials with %19 blobs (%20 distinct on the server, %21 KB, hashes checked); %22 leases, %23 handed back")
                                 .arg(backend()).arg(m_workers.size()).arg(clientEntries).arg(applied).arg(rejected).arg(conflicts).arg(writes)
                                 .arg(m_fig.serverKills).arg(m_fig.workerKills).arg(m_fig.partitions).arg(m_fig.slowSpells).arg(m_fig.lossySpells)
                                 .arg(m_proxy->connectionsSeen()).arg(m_proxy->connectionsCut()).arg(m_fig.drainMs)
                                 .arg(ticketsApplied).arg(ticketsRefused).arg(m_fig.materials).arg(m_fig.materialBlobs)
                                 .arg(distinctBlobs).arg(blobBytes / 1024).arg(m_fig.leases).arg(m_fig.leasesReturned);
        // The run did exercise the paths it checks.
        QVERIFY(applied > 0 && conflicts + rejected > 0 && ticketsApplied > 0 && m_fig.materials > 0);
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
