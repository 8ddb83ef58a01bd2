// Ownership in-process on a real SQLite file (the binaries on SQLite and PostgreSQL are in
// tests/integration/tst_server_owner): one owner at a time, the claim's epoch, the lock freed with
// its holder, and the commit fence after another process's claim.

#include <server/admin.h>
#include <server/commit.h>
#include <server/ownership.h>

#include <storage/database.h>

#include <QCoreApplication>
#include <QFile>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;

class TestOwnership : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A second process has its own Database; so does each open here.
    std::unique_ptr<storage::Database> open()
    {
        std::unique_ptr<storage::Database> db;
        QString err;
        if (server::openServerDatabase(m_dir.filePath(QStringLiteral("hall.db")), &db, &err) != storage::OpenResult::Ok)
            qWarning() << err;
        return db;
    }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void cleanup()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("hall.db.lock")));
    }

    void oneOwnerAtATime()
    {
        auto db1 = open(), db2 = open();
        QVERIFY(db1 && db2);
        QString message;
        auto first = std::make_unique<server::Ownership>(db1.get());
        QCOMPARE(first->tryAcquire(&message), server::Ownership::Result::Acquired);
        QVERIFY(first->isOwner());
        const qint64 epoch = first->epoch();
        QVERIFY(epoch >= 1);

        server::Ownership second(db2.get());
        QCOMPARE(second.tryAcquire(&message), server::Ownership::Result::Held);
        QVERIFY2(message.contains(QStringLiteral("process %1").arg(QCoreApplication::applicationPid())), qPrintable(message));
        QVERIFY(!second.isOwner());

        first.reset(); // the holder goes: its lock goes with it
        QCOMPARE(second.tryAcquire(&message), server::Ownership::Result::Acquired);
        QCOMPARE(second.epoch(), epoch + 1);
    }

    void fenceRefusesACommitAfterAnotherClaim()
    {
        auto db1 = open(), db2 = open();
        QVERIFY(db1 && db2);
        QString message;
        server::Ownership old(db1.get());
        QCOMPARE(old.tryAcquire(&message), server::Ownership::Result::Acquired);
        QSignalSpy lost(&old, &server::Ownership::lost);

        // The owner's own commits pass the fence and are written.
        auto fence = [&old](QString *error) { return old.fence(error); };
        server::CommitBatch ok;
        QString error;
        QVERIFY2(ok.commit(db1.get(), &error, fence), qPrintable(error));

        // Its lock file is replaced and another process claims the halls.
        QVERIFY(QFile::remove(m_dir.filePath(QStringLiteral("hall.db.lock"))));
        server::Ownership next(db2.get());
        QCOMPARE(next.tryAcquire(&message), server::Ownership::Result::Acquired);
        QCOMPARE(next.epoch(), old.epoch() + 1);

        // The old owner's next commit is rolled back before any write, and it says so once.
        struct Probe : server::PendingWrite
        {
            bool *ran;
            explicit Probe(bool *r) : ran(r) {}
            bool write(QString *) override { return *ran = true; }
        };
        bool wrote = false;
        server::CommitBatch stale;
        stale.add(std::make_unique<Probe>(&wrote));
        QVERIFY(!stale.commit(db1.get(), &error, fence));
        QVERIFY(!wrote);
        QVERIFY2(error.contains(QStringLiteral("has taken over")), qPrintable(error));
        QVERIFY(!old.isOwner());
        QVERIFY(lost.wait(2000));
        QCOMPARE(lost.size(), 1);
        // The new owner's commits go on.
        server::CommitBatch fresh;
        QVERIFY2(fresh.commit(db2.get(), &error, [&next](QString *e) { return next.fence(e); }), qPrintable(error));
    }

    void watchNoticesAReplacedLockFile()
    {
        auto db = open();
        QVERIFY(db);
        QString message;
        server::Ownership owner(db.get());
        QCOMPARE(owner.tryAcquire(&message), server::Ownership::Result::Acquired);
        QSignalSpy lost(&owner, &server::Ownership::lost);
        owner.watch(50);
        QTest::qWait(200);
        QCOMPARE(lost.size(), 0); // nothing changed: nothing lost
        QVERIFY(QFile::remove(m_dir.filePath(QStringLiteral("hall.db.lock"))));
        QVERIFY(lost.wait(2000));
        QVERIFY2(lost.first().first().toString().contains(QStringLiteral("removed or replaced")), qPrintable(lost.first().first().toString()));
    }
};

QTEST_GUILESS_MAIN(TestOwnership)
#include "tst_ownership.moc"
