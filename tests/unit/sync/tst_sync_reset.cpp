// Resets and upgrades around the sync feed's format (docs/sync.md, "Feed format"): a real
// hall-server in this process on SQLite or on the PostgreSQL of scripts/lib.sh
// (HALL_TEST_BACKEND), played as another build by its feed formats; the real SyncEngine over
// HTTP on loopback; real cache files. Whatever happens, no local write is lost.

#include "../server/harness.h"
#include "httptransport.h"

#include <sync/engine.h>

#include <storage/transaction.h>

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>

using namespace hall;
using namespace Qt::StringLiterals;

class TstSyncReset : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void formatBreakResetsWithoutLosingWrites();
    void tooOldBuildIsToldToUpgrade();
    void newerCacheIsLeftUntouched();

private:
    // hall-server as a build with these feed formats (0: this build's), on the same database.
    bool startServer(int feedFormat, int oldestFeedFormat);
    qint64 servedTicket();
    bool rate(qint64 ticket, int level);
    int ratingsOf(const QList<qint64> &tickets);
    std::unique_ptr<sync::SyncEngine> engine(int feedFormat);

    QTemporaryDir m_dir;
    core::ManualClock m_clock{QDateTime(QDate(2026, 11, 23), QTime(9, 0))};
    QString m_location;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<server::HallServer> m_server;
    std::unique_ptr<test::Client> m_kiosk, m_officer;
    std::unique_ptr<sync::SyncCache> m_cache;
    test::HttpTransport m_transport;
};

void TstSyncReset::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(test::freshDatabase(m_dir, u"hall_syncreset"_s, &m_location, &error), qPrintable(error));
    QVERIFY2(server::openServerDatabase(m_location, &m_db, &error) == storage::OpenResult::Ok, qPrintable(error));
    QString summary;
    QVERIFY2(server::seedHall(m_db.get(), qEnvironmentVariable("HALL_SOURCE_DIR") + u"/resources/demo/demo-hall.json"_s, &summary, &error),
             qPrintable(error));
}

void TstSyncReset::init()
{
    // A new PC each time: a new cache file, so a new device.
    static int run = 0;
    QString err;
    QVERIFY2(sync::SyncCache::open(m_dir.filePath(u"cache%1.db"_s.arg(++run)), &m_cache, &err) == storage::OpenResult::Ok, qPrintable(err));
    m_transport.holdPushes = false;
}

void TstSyncReset::cleanup()
{
    m_cache.reset();
    m_kiosk.reset();
    m_officer.reset();
    m_server.reset();
}

void TstSyncReset::cleanupTestCase()
{
    m_db.reset();
}

bool TstSyncReset::startServer(int feedFormat, int oldestFeedFormat)
{
    m_kiosk.reset();
    m_officer.reset();
    m_server.reset();
    server::ServerOptions options;
    options.port = 0;
    options.fakeClock = true;
    options.demo = true;
    options.blobFolder = m_dir.filePath(u"blobs"_s);
    options.feedFormat = feedFormat;
    options.oldestFeedFormat = oldestFeedFormat;
    m_server = std::make_unique<server::HallServer>(m_db.get(), &m_clock, options);
    QString error;
    if (!m_server->loadHalls(&error) || !m_server->start(&error)) {
        qWarning() << error;
        return false;
    }
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    m_officer = std::make_unique<test::Client>(m_server->port());
    if (!m_kiosk->signIn(u"kiosk1"_s, u"demo-kiosk-2026"_s) || !m_officer->signIn(u"officer01"_s, u"demo-officer-2026"_s))
        return false;
    m_officer->call("POST", u"/api/v1/halls/swzx/windows/1/login"_s, QJsonObject{});
    m_transport.base = u"http://127.0.0.1:%1"_s.arg(m_server->port());
    m_transport.token = m_kiosk->token;
    return true;
}

qint64 TstSyncReset::servedTicket()
{
    const test::Answer t = m_kiosk->call("POST", u"/api/v1/halls/swzx/tickets"_s, QJsonObject{{u"business"_s, u"HJ"_s}});
    m_officer->call("POST", u"/api/v1/halls/swzx/windows/1/call-next"_s, QJsonObject{});
    return t.body.value(u"ticket"_s).toObject().value(u"id"_s).toInteger();
}

// A rating as the evaluator's PC writes it: the outbox entry committed.
bool TstSyncReset::rate(qint64 ticket, int level)
{
    storage::Transaction tx(m_cache->connection());
    QString err;
    return ticket > 0 && m_cache->enqueue(u"rating"_s, {{u"ticket"_s, ticket}, {u"level"_s, level}}, {}, nullptr, &err) && tx.commit();
}

int TstSyncReset::ratingsOf(const QList<qint64> &tickets)
{
    int n = 0;
    for (qint64 t : tickets) {
        QSqlQuery q(m_db->connection());
        q.prepare(u"SELECT count(*) FROM ratings WHERE ticket_id = ?"_s);
        q.addBindValue(t);
        n += q.exec() && q.next() ? q.value(0).toInt() : 0;
    }
    return n;
}

std::unique_ptr<sync::SyncEngine> TstSyncReset::engine(int feedFormat)
{
    sync::SyncEngine::Options o;
    o.pullIntervalMs = 200;
    o.backoffBaseMs = 50;
    o.backoffCapMs = 400;
    o.feedFormat = feedFormat;
    return std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, o);
}

// The server and the PC's app both move to feed format 2: the rows the cache built from format 1
// cannot be carried over. The server says so; the reset exports the unsent writes first, a
// fresh snapshot of format 2 follows, and the writes go in after all.
void TstSyncReset::formatBreakResetsWithoutLosingWrites()
{
    QVERIFY(startServer(0, 0));
    auto e = engine(sync::SyncCache::FeedFormat);
    e->start();
    const qint64 t1 = servedTicket();
    QVERIFY(rate(t1, 5));
    e->kick();
    QTRY_VERIFY_WITH_TIMEOUT(e->isCaughtUp(), 10000);
    sync::SyncState st;
    QString err;
    QVERIFY(m_cache->state(&st, &err));
    QCOMPARE(st.feedFormat, 1);
    const qint64 hallRows = m_cache->references(u"business"_s).size();
    QVERIFY(hallRows > 0);
    e.reset();

    // The upgrade; meanwhile the PC wrote two ratings it could not send.
    QVERIFY(startServer(2, 1));
    const qint64 t2 = servedTicket(), t3 = servedTicket();
    QVERIFY(rate(t2, 4) && rate(t3, 1));
    m_transport.holdPushes = true; // they are still unsent when the answer comes
    e = engine(2);
    e->start();
    QTRY_VERIFY_WITH_TIMEOUT(e->status().resetRequired, 10000);
    QCOMPARE(e->status().resetReason, u"feed_format"_s);
    QVERIFY2(e->status().lastError.contains(u"format 1"_s), qPrintable(e->status().lastError));
    QCOMPARE(e->status().pending, 2);

    const QString exported = m_dir.filePath(u"unsent-%1.jsonl"_s.arg(st.device));
    QVERIFY2(e->reset(exported, &err), qPrintable(err));
    QFile f(exported);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.at(0).contains(QByteArray::number(t2)) && lines.at(1).contains(QByteArray::number(t3)));
    // The fresh snapshot, in format 2.
    QTRY_VERIFY_WITH_TIMEOUT(m_cache->state(&st, &err) && st.feedFormat == 2 && st.checkpoint > 0, 10000);
    QCOMPARE(st.epoch, 2);
    QCOMPARE(m_cache->references(u"business"_s).size(), hallRows);
    QVERIFY(!e->status().resetRequired);

    // The engineer queues the parked writes again: they reach the server, once each.
    m_transport.holdPushes = false;
    int requeued = 0;
    QVERIFY2(m_cache->requeueParked(&err, &requeued), qPrintable(err));
    QCOMPARE(requeued, 2);
    e->kick();
    QTRY_VERIFY_WITH_TIMEOUT(e->isCaughtUp(), 10000);
    QList<sync::OutboxEntry> done;
    QVERIFY(m_cache->entries(u"done"_s, 100, &done, &err));
    QCOMPARE(done.size(), 3);
    for (const sync::OutboxEntry &d : std::as_const(done))
        QVERIFY2(d.status == u"applied"_s, qPrintable(d.code + u' ' + d.message));
    QCOMPARE(ratingsOf({t1, t2, t3}), 3);
}

// The server no longer sends the only format this build reads: the PC is told to upgrade. Its
// cache stays as it is and its writes still go in; once upgraded it reads on.
void TstSyncReset::tooOldBuildIsToldToUpgrade()
{
    QVERIFY(startServer(2, 2));
    const qint64 t = servedTicket();
    QVERIFY(rate(t, 5));
    auto e = engine(1);
    e->start();
    QTRY_VERIFY_WITH_TIMEOUT(e->status().upgradeRequired && e->status().pending == 0, 10000);
    QVERIFY(!e->status().resetRequired);
    QVERIFY2(e->status().lastError.contains(u"Install the current HallSuite"_s), qPrintable(e->status().lastError));
    QCOMPARE(ratingsOf({t}), 1);
    sync::SyncState st;
    QString err;
    QVERIFY(m_cache->state(&st, &err));
    QCOMPARE(st.checkpoint, 0);
    QCOMPARE(st.epoch, 1);
    e.reset();

    // The PC's HallSuite upgraded: it reads format 2 and pulls on, no reset needed.
    e = engine(2);
    e->start();
    QTRY_VERIFY_WITH_TIMEOUT(e->isCaughtUp(), 10000);
    QVERIFY(!e->status().upgradeRequired);
    QVERIFY(m_cache->state(&st, &err));
    QCOMPARE(st.feedFormat, 2);
    QVERIFY(st.checkpoint > 0);
    QCOMPARE(st.epoch, 1);
}

// A cache written by a newer HallSuite (the PC's app was downgraded): refused with a message that
// says so and what to do, and left byte for byte as it was, its unsent entries in it.
void TstSyncReset::newerCacheIsLeftUntouched()
{
    QVERIFY(rate(4711, 5) && rate(4712, 3));
    const QString file = m_cache->connection().databaseName();
    m_cache.reset();
    int known = 0;
    {
        // What a newer build's migration leaves: a higher version that this one cannot read.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"newer"_s);
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT value FROM schema_meta WHERE key = 'version'"_s) && q.next());
        known = q.value(0).toInt();
        QVERIFY(q.exec(u"UPDATE schema_meta SET value = %1 WHERE key IN ('version', 'min_compatible')"_s.arg(known + 1)));
        QVERIFY(q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"newer"_s);
    const auto digest = [&file] {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256) : QByteArray();
    };
    const QByteArray before = digest();

    QString err;
    std::unique_ptr<sync::SyncCache> cache;
    QCOMPARE(sync::SyncCache::open(file, &cache, &err), storage::OpenResult::SchemaTooNew);
    QVERIFY(!cache);
    QVERIFY2(err.contains(u"newer HallSuite"_s) && err.contains(u"unsent entries are kept"_s)
                 && err.contains(u"version %1"_s.arg(known + 1)), qPrintable(err));
    QCOMPARE(digest(), before);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT count(*) FROM outbox WHERE state = 'pending'"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 2);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"check"_s);
}

QTEST_MAIN(TstSyncReset)
#include "tst_sync_reset.moc"
