// kill -9 during local writes, many times: the cache opens, passes integrity_check, and holds
// every write that was acknowledged — its row and its outbox entry, with no gap in the
// outbox sequence.

#include <sync/cache.h>

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <childlog.h>

using namespace hall;

class TstSyncCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killDuringWrites();
};

void TstSyncCrash::killDuringWrites()
{
    const int rounds = qEnvironmentVariableIntValue("HALL_CRASH_ROUNDS") > 0 ? qEnvironmentVariableIntValue("HALL_CRASH_ROUNDS") : 100;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cache.db"));
    const QString writer = QCoreApplication::applicationDirPath() + QStringLiteral("/tst_sync_cachewriter");
    QRandomGenerator random(20261207);
    {
        // The table exists before the first kill (a writer killed at once would not have made it).
        std::unique_ptr<sync::SyncCache> cache;
        QString err;
        QVERIFY2(sync::SyncCache::open(path, &cache, &err) == storage::OpenResult::Ok, qPrintable(err));
        QSqlQuery ddl(cache->connection());
        QVERIFY(ddl.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS app_rows (n INTEGER PRIMARY KEY, payload TEXT NOT NULL)")));
    }
    long long next = 1;
    long long acknowledged = 0;
    int killedMidWrite = 0;
    for (int round = 0; round < rounds; ++round) {
        QProcess p;
        p.start(writer, {path, QString::number(next)});
        QVERIFY2(p.waitForStarted(5000), qPrintable(p.errorString()));
        // Let it write for a random moment, then pull the plug.
        QTest::qWait(int(random.bounded(20, 120)));
        p.kill();
        p.waitForFinished(5000);
        const QList<QByteArray> lines = hall::test::childStdout(p).split('\n');
        for (const QByteArray &l : lines) {
            if (!l.isEmpty())
                acknowledged = std::max(acknowledged, l.toLongLong());
        }
        QVERIFY2(p.exitStatus() == QProcess::CrashExit || !hall::test::childStderr(p).isEmpty(), "the writer was not killed");

        std::unique_ptr<sync::SyncCache> cache;
        QString err;
        QVERIFY2(sync::SyncCache::open(path, &cache, &err) == storage::OpenResult::Ok, qPrintable(err));
        QSqlQuery q(cache->connection());
        QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*), coalesce(max(n), 0) FROM app_rows")) && q.next());
        const long long rows = q.value(0).toLongLong();
        const long long last = q.value(1).toLongLong();
        // Every acknowledged write is there; at most the one in flight went further.
        QVERIFY2(last >= acknowledged, qPrintable(QStringLiteral("acknowledged %1, found up to %2").arg(acknowledged).arg(last)));
        QCOMPARE(rows, last);
        killedMidWrite += last > acknowledged;
        // Each row has its outbox entry, numbered without gaps.
        QVERIFY(q.exec(QStringLiteral("SELECT count(*), coalesce(max(seq), 0), count(DISTINCT entity) FROM outbox")) && q.next());
        QCOMPARE(q.value(0).toLongLong(), rows);
        QCOMPARE(q.value(1).toLongLong(), rows);
        QCOMPARE(q.value(2).toLongLong(), rows);
        sync::SyncState st;
        QVERIFY(cache->state(&st, &err));
        QCOMPARE(st.nextSeq, rows + 1);
        next = last + 1;
    }
    qInfo("%d kills, %lld writes acknowledged, %d kills landed after a commit but before its acknowledgement",
          rounds, acknowledged, killedMidWrite);
    QVERIFY(acknowledged > rounds); // the writer did write between kills
}

QTEST_GUILESS_MAIN(TstSyncCrash)
#include "tst_sync_crash.moc"
