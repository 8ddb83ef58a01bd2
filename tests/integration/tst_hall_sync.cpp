// hall-sync, the field engineer's tool and a real sync client, against the real hall-server:
// a rating written into a cache, synced, its outcome learnt; personal fields masked; export
// and reset keep every unsent entry; scanned materials whose blobs go up encrypted at rest and
// come back only through the material (needs a Secret Service for the cache's key, as
// scripts/test provides).

#include "serverfixture.h"

#include <security/crypto.h>

#include <QSqlDatabase>
#include <QSqlQuery>

using namespace hall::test;

class TstHallSync : public QObject
{
    Q_OBJECT

    Server m_server;
    QTemporaryDir m_dir;

    QString run(const QStringList &args, int *exitCode, const QByteArray &input = {}, const QString &cache = QStringLiteral("cache.db"))
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en")); // the test reads the English words
        p.setProcessEnvironment(env);
        p.start(binDir() + QStringLiteral("/hall-sync"), QStringList{QStringLiteral("--cache"), m_dir.filePath(cache)} + args);
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return QString::fromUtf8(childStdout(p) + childStderr(p));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00")}), qPrintable(err));
    }

    // The supervisor's view of the hall's devices: the one at fault first, exit 3 while any is.
    void devicesAsTheSupervisorSeesThem()
    {
        const QString kiosk = m_server.login(QStringLiteral("kiosk2"), QStringLiteral("demo-kiosk-2026"));
        const QString bridge = m_server.login(QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026"));
        const auto report = [&](const QString &token, const QString &device, const QString &part, const QString &state) {
            const QJsonObject body{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("part"), part}, {QStringLiteral("state"), state}}}}};
            return m_server.call("PUT", QStringLiteral("/api/v1/halls/swzx/devices/%1/status").arg(device), body, token).status;
        };
        QCOMPARE(report(bridge, QStringLiteral("bridge-01"), QStringLiteral("ledbar:1"), QStringLiteral("ok")), 200);
        QCOMPARE(report(kiosk, QStringLiteral("kiosk-07"), QStringLiteral("printer"), QStringLiteral("paper_out")), 200);
        const QStringList server{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                                 QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), QStringLiteral("supervisor")};
        int rc = 0;
        QString out = run(server + QStringList{QStringLiteral("devices")}, &rc, "demo-super-2026\n");
        QVERIFY2(rc == 3, qPrintable(out));
        const QStringList lines = out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 2 && lines.at(0).startsWith(QStringLiteral("kiosk-07\tkiosk2 (kiosk)\tfault\treported 0 s ago\tprinter: paper_out")),
                 qPrintable(out));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("bridge-01\tcallerbus1 (caller)\tok")), qPrintable(out));
        QCOMPARE(report(kiosk, QStringLiteral("kiosk-07"), QStringLiteral("printer"), QStringLiteral("ok")), 200);
        out = run(server + QStringList{QStringLiteral("devices")}, &rc, "demo-super-2026\n");
        QVERIFY2(rc == 0, qPrintable(out));
        // A device account sees no one's devices.
        out = run(QStringList{server.mid(0, 5)} + QStringList{QStringLiteral("kiosk2"), QStringLiteral("devices")}, &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc != 0 && rc != 3, qPrintable(out));
    }

    void rateSyncAndSeeTheOutcome()
    {
        // A served ticket to rate.
        const QString officer = m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), {}, officer).status, 200);
        const HttpResult t = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}, kiosk);
        QVERIFY2(t.status == 201, qPrintable(t.describe()));
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), {}, officer).status, 200);
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/start"), {}, officer).status, 200);
        const qint64 ticket = t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();

        int rc = 0;
        QString out = run({QStringLiteral("rate"), QString::number(ticket), QStringLiteral("5")}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("1/1")), qPrintable(out));
        out = run({QStringLiteral("rate"), QString::number(ticket), QStringLiteral("9")}, &rc);
        QVERIFY2(rc != 0, qPrintable(out));
        out = run({QStringLiteral("status")}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("waiting: 1")), qPrintable(out));

        const QStringList server{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                                 QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), QStringLiteral("kiosk1")};
        out = run(server + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("20")}, &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("sync: 0 waiting")), qPrintable(out));
        out = run({QStringLiteral("status")}, &rc);
        QVERIFY2(out.contains(QStringLiteral("waiting: 0")) && out.contains(QStringLiteral("rejected: 0")), qPrintable(out));
        // A wrong password is refused clearly and nothing is lost.
        run({QStringLiteral("rate"), QString::number(ticket), QStringLiteral("4")}, &rc);
        out = run(server + QStringList{QStringLiteral("sync")}, &rc, "wrong\n");
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("cannot sign in")), qPrintable(out));
        out = run({QStringLiteral("pending")}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("rating")), qPrintable(out));
        // The second rating of the same service is rejected by the server, and says why.
        out = run(server + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("20")}, &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("1 rejected")), qPrintable(out));
    }

    void materialsCarryTheirBlobs_data()
    {
        QTest::addColumn<bool>("gm");
        QTest::newRow("SHA-256, AES-GCM at rest") << false;
        QTest::newRow("国密: SM3, SM4 at rest") << true;
    }

    void materialsCarryTheirBlobs()
    {
        QFETCH(bool, gm);
        const QString cache = gm ? QStringLiteral("gm.db") : QStringLiteral("material.db");
        QByteArray page(3 * 1024 * 1024 + 17, Qt::Uninitialized);
        QRandomGenerator(gm ? 2 : 1).fillRange(reinterpret_cast<quint32 *>(page.data()), page.size() / 4);
        const QByteArray small = QByteArray("ID 440101199001011234 ").repeated(100);
        QFile f1(m_dir.filePath(cache + QStringLiteral(".page1"))), f2(m_dir.filePath(cache + QStringLiteral(".page2")));
        QVERIFY(f1.open(QIODevice::WriteOnly) && f1.write(page) == page.size() && f2.open(QIODevice::WriteOnly) && f2.write(small) == small.size());
        f1.close();
        f2.close();

        int rc = 0;
        QStringList add{QStringLiteral("--type"), QStringLiteral("id-card-copy"), QStringLiteral("add-material"), QStringLiteral("A012"),
                        f1.fileName(), f2.fileName()};
        if (gm)
            add = QStringList{QStringLiteral("--cipher"), QStringLiteral("sm4")} + add;
        QString out = run(add, &rc, {}, cache);
        QVERIFY2(rc == 0, qPrintable(out));
        const QString material = out.trimmed().section(u' ', 1);
        QVERIFY2(!material.isEmpty(), qPrintable(out));
        out = run({QStringLiteral("status")}, &rc, {}, cache);
        QVERIFY2(out.contains(QStringLiteral("blobs to upload: 2 (3.0 MB)")), qPrintable(out));

        const QStringList server{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                                 QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), QStringLiteral("kiosk1")};
        out = run(server + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("30")}, &rc, "demo-kiosk-2026\n", cache);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("sync: 0 waiting, 0 rejected, 0 conflicts, 0.0 MB of blobs waiting")), qPrintable(out));
        // The server has them and the material is applied: the PC keeps no copy.
        QVERIFY(QDir(m_dir.filePath(cache + QStringLiteral(".blobs"))).entryList(QDir::Files).isEmpty());

        // The page comes back, whole, through the material; not without it.
        using hall::security::crypto::Digest;
        Digest d(gm ? Digest::Algorithm::Sm3 : Digest::Algorithm::Sha256);
        d.addData(page);
        const QString path = QStringLiteral("/api/v1/halls/swzx/blobs/%1/%2").arg(Digest::name(d.algorithm()), QString::fromLatin1(d.result().toHex()));
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        QNetworkReply *reply = m_server.send("GET", path + QStringLiteral("?record=material/") + material, {}, kiosk);
        QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->readAll() == page);
        const HttpResult other = m_server.raw("GET", path + QStringLiteral("?record=material/not-this-one"), {}, kiosk);
        QVERIFY2(other.status == 404 && other.errorCode() == QLatin1String("not_found"), qPrintable(other.describe()));
    }

    // hall-sync killed with SIGKILL in the middle of a blob: the next run goes on from the
    // server's offset, the material is applied, and the local file is released.
    void killedMidUploadGoesOnAndReleasesTheFile()
    {
        const QString cache = QStringLiteral("killed.db");
        QByteArray page(40 * 1024 * 1024 + 5, Qt::Uninitialized);
        QRandomGenerator(3).fillRange(reinterpret_cast<quint32 *>(page.data()), page.size() / 4);
        QFile f(m_dir.filePath(QStringLiteral("killed.page")));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(page) == page.size());
        f.close();
        int rc = 0;
        QString out = run({QStringLiteral("add-material"), QStringLiteral("A013"), f.fileName()}, &rc, {}, cache);
        QVERIFY2(rc == 0, qPrintable(out));
        const QString material = out.trimmed().section(u' ', 1);

        const QStringList sync{QStringLiteral("--cache"), m_dir.filePath(cache), QStringLiteral("--server"),
                               QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()), QStringLiteral("--hall"), QStringLiteral("swzx"),
                               QStringLiteral("--login"), QStringLiteral("kiosk1"), QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("60")};
        QProcess p;
        p.start(binDir() + QStringLiteral("/hall-sync"), sync);
        p.write("demo-kiosk-2026\n");
        p.closeWriteChannel();
        // Killed once the cache has noted part of the blob on the server, not all of it.
        const auto sent = [&] {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
            db.setDatabaseName(m_dir.filePath(cache));
            qint64 n = -1;
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT sent FROM blobs")) && q.next())
                    n = q.value(0).toLongLong();
            }
            db = {};
            QSqlDatabase::removeDatabase(QStringLiteral("peek"));
            return n;
        };
        QVERIFY2(QTest::qWaitFor([&] { const qint64 n = sent(); return n > 0 && n < page.size(); }, 30000), qPrintable(QString::number(sent())));
        p.kill();
        QVERIFY(p.waitForFinished(10000));
        childStdout(p);
        childStderr(p);
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        out = run({QStringLiteral("status")}, &rc, {}, cache);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("blobs to upload: 1")) && out.contains(QStringLiteral("waiting: 1")), qPrintable(out));

        out = run(sync.mid(2), &rc, "demo-kiosk-2026\n", cache);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("sync: 0 waiting, 0 rejected, 0 conflicts, 0.0 MB of blobs waiting")), qPrintable(out));
        QVERIFY(QDir(m_dir.filePath(cache + QStringLiteral(".blobs"))).entryList(QDir::Files).isEmpty());
        using hall::security::crypto::Digest;
        Digest d(Digest::Algorithm::Sha256);
        d.addData(page);
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        QNetworkReply *reply = m_server.send("GET", QStringLiteral("/api/v1/halls/swzx/blobs/sha256/%1?record=material/%2")
                                                        .arg(QString::fromLatin1(d.result().toHex()), material), {}, kiosk);
        QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->readAll() == page);
    }

    void exportAndResetKeepUnsentEntries()
    {
        int rc = 0;
        run({QStringLiteral("rate"), QStringLiteral("123"), QStringLiteral("3")}, &rc);
        QCOMPARE(rc, 0);
        const QString file = m_dir.filePath(QStringLiteral("unsent.jsonl"));
        QString out = run({QStringLiteral("export"), file}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("1 unsent")), qPrintable(out));
        out = run({QStringLiteral("reset"), file}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("\"ticket\":123"));
        out = run({QStringLiteral("parked")}, &rc);
        QVERIFY2(out.contains(QStringLiteral("parked")), qPrintable(out));
        out = run({QStringLiteral("status")}, &rc);
        QVERIFY2(out.contains(QStringLiteral("epoch 2")) && out.contains(QStringLiteral("parked: 1")), qPrintable(out));
        out = run({QStringLiteral("requeue")}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("1 parked")), qPrintable(out));
    }

    // The PC's HallSuite downgraded under a cache a newer one wrote: hall-sync says so, exits 7,
    // and leaves the file (with its unsent rating) exactly as it was.
    void newerCacheIsRefusedUntouched()
    {
        const QString cache = QStringLiteral("newer.db");
        int rc = 0;
        QString out = run({QStringLiteral("rate"), QStringLiteral("77"), QStringLiteral("5")}, &rc, {}, cache);
        QVERIFY2(rc == 0, qPrintable(out));
        out = run({QStringLiteral("status")}, &rc, {}, cache);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("feed format 1")), qPrintable(out));
        const QString file = m_dir.filePath(cache);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE schema_meta SET value = 999 WHERE key IN ('version', 'min_compatible')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        out = run({QStringLiteral("pending")}, &rc, {}, cache);
        QVERIFY2(rc == 7 && out.contains(QStringLiteral("newer HallSuite")) && out.contains(QStringLiteral("999")), qPrintable(out));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    // Two supervisor PCs edit the same notice offline: the later one learns of the conflict,
    // with the reason; the engineer keeps that PC's text on top of the server's version.
    void conflictShownAndDecided()
    {
        const QStringList server{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()),
                                 QStringLiteral("--hall"), QStringLiteral("swzx"), QStringLiteral("--login"), QStringLiteral("supervisor")};
        const QStringList sync = server + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("20")};
        int rc = 0;
        const QString a = QStringLiteral("a.db"), b = QStringLiteral("b.db");
        QString out = run({QStringLiteral("notice"), QStringLiteral("N1"), QStringLiteral("第一版")}, &rc, {}, a);
        QVERIFY2(rc == 0, qPrintable(out));
        out = run(sync, &rc, "demo-super-2026\n", a);
        QVERIFY2(rc == 0, qPrintable(out));
        out = run(sync, &rc, "demo-super-2026\n", b); // b has version 1 now
        QVERIFY2(rc == 0, qPrintable(out));
        run({QStringLiteral("notice"), QStringLiteral("N1"), QStringLiteral("A 改的")}, &rc, {}, a);
        run({QStringLiteral("notice"), QStringLiteral("N1"), QStringLiteral("B 改的")}, &rc, {}, b);
        out = run(sync, &rc, "demo-super-2026\n", a);
        QVERIFY2(rc == 0, qPrintable(out));
        out = run(sync, &rc, "demo-super-2026\n", b);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("1 conflicts")), qPrintable(out + run({QStringLiteral("status")}, &rc, {}, b) + run({QStringLiteral("conflicts")}, &rc, {}, b)));
        out = run({QStringLiteral("conflicts")}, &rc, {}, b);
        // The reason comes from the server, in the server's language; the code and the notice are named.
        QVERIFY2(out.contains(QStringLiteral("conflict (version_mismatch: ")) && out.contains(QStringLiteral("N1")), qPrintable(out));
        const QString which = out.section(u' ', 0, 0);
        out = run({QStringLiteral("decide"), which, QStringLiteral("mine")}, &rc, {}, b);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("Made again")), qPrintable(out));
        out = run(sync, &rc, "demo-super-2026\n", b);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("0 conflicts")), qPrintable(out));
        // A pulls B's decision: both PCs now show B's text at version 4.
        out = run(sync, &rc, "demo-super-2026\n", a);
        QVERIFY2(rc == 0, qPrintable(out));
        for (const QString &cache : {a, b}) {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), cache);
            db.setDatabaseName(m_dir.filePath(cache));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT version, data FROM reference WHERE kind = 'notice' AND key = 'N1'")) && q.next());
            QCOMPARE(q.value(0).toInt(), 3);
            QVERIFY2(q.value(1).toString().contains(QStringLiteral("B 改的")), qPrintable(q.value(1).toString()));
            db.close();
        }
    }
};

QTEST_GUILESS_MAIN(TstHallSync)
#include "tst_hall_sync.moc"
