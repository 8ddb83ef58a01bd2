// The client sync engine end to end: a real cache file, the real hall-server in this process,
// real HTTP on loopback. The transport here is plain HTTP (HallClient provides it in the apps).

#include "../server/harness.h"
#include "httptransport.h"

#include <sync/engine.h>

#include <core/backoff.h>

#include <storage/transaction.h>

#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>

using namespace hall;

namespace {

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

} // namespace

class TstSyncEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void writeAndEntryCommitTogether();
    void pushesAndLearnsOutcomes();
    void referenceDataFlowsDown();
    void officersWorkFlowsDown();
    void retriesWithoutANewWrite();
    void lostReplyAppliesOnce();
    void serverBackInTimeNeedsReset();
    void watchdogReportsStall();
    void pulledChangesWaitForLocalWrites();
    void backoffGrowsWithJitterAndIsCapped();
    void ownWritesComeBackAtOnce();
    void aPushOutIsNotDoubledByPulls();

private:
    bool startServer(quint16 port = 0);
    qint64 servedTicket();
    bool rate(qint64 ticket, int level, const QString &entity = {});
    int serverRatings();

    QTemporaryDir m_dir;
    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_kiosk, m_officer;
    std::unique_ptr<sync::SyncCache> m_cache;
    std::unique_ptr<test::HttpTransport> m_transportPtr = std::make_unique<test::HttpTransport>();
    test::HttpTransport &m_transport = *m_transportPtr;
    std::unique_ptr<sync::SyncEngine> m_engine;
    sync::SyncEngine::Options m_options;
};

bool TstSyncEngine::startServer(quint16 port)
{
    m_server = std::make_unique<test::InProcessServer>();
    m_server->port0 = port;
    QString err;
    if (!m_server->start(&err)) {
        qWarning() << err;
        return false;
    }
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    m_officer = std::make_unique<test::Client>(m_server->port());
    if (!m_kiosk->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"))
        || !m_officer->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")))
        return false;
    m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), QJsonObject{});
    m_transport.base = QStringLiteral("http://127.0.0.1:%1").arg(m_server->port());
    m_transport.token = m_kiosk->token;
    return true;
}

void TstSyncEngine::init()
{
    QVERIFY(m_dir.isValid());
    QFile::remove(m_dir.filePath(QStringLiteral("cache.db")));
    QString err;
    QVERIFY2(sync::SyncCache::open(m_dir.filePath(QStringLiteral("cache.db")), &m_cache, &err) == storage::OpenResult::Ok, qPrintable(err));
    QSqlQuery q(m_cache->connection());
    QVERIFY(q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS my_ratings (ticket INTEGER, level INTEGER)")));
    m_transport.base.clear();
    m_transport.token.clear();
    m_transport.dropNextPushReply = false;
    m_transport.holdPushes = false;
    m_transport.pushes = 0;
    m_transport.pulls = 0;
    m_transport.pullDelayMs = 0;
    m_options = {};
    m_options.pullIntervalMs = 200;
    m_options.backoffBaseMs = 50;
    m_options.backoffCapMs = 400;
}

void TstSyncEngine::cleanup()
{
    m_engine.reset();
    m_cache.reset();
    m_kiosk.reset();
    m_officer.reset();
    m_server.reset();
}

qint64 TstSyncEngine::servedTicket()
{
    const test::Answer t = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), QJsonObject{});
    m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/start"), QJsonObject{});
    return t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
}

// A local write as an app makes it: its own row and the outbox entry, one transaction.
bool TstSyncEngine::rate(qint64 ticket, int level, const QString &entity)
{
    storage::Transaction tx(m_cache->connection());
    QSqlQuery q(m_cache->connection());
    q.prepare(QStringLiteral("INSERT INTO my_ratings (ticket, level) VALUES (?, ?)"));
    q.addBindValue(ticket);
    q.addBindValue(level);
    QString err;
    if (!tx.isActive() || !q.exec()
        || !m_cache->enqueue(QStringLiteral("rating"), {{QStringLiteral("ticket"), ticket}, {QStringLiteral("level"), level}}, entity, nullptr, &err))
        return false;
    const bool ok = tx.commit();
    if (m_engine)
        m_engine->kick();
    return ok;
}

int TstSyncEngine::serverRatings()
{
    QSqlQuery q(m_server->db->connection());
    return q.exec(QStringLiteral("SELECT count(*) FROM ratings")) && q.next() ? q.value(0).toInt() : -1;
}

void TstSyncEngine::writeAndEntryCommitTogether()
{
    {
        storage::Transaction tx(m_cache->connection());
        QSqlQuery q(m_cache->connection());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO my_ratings (ticket, level) VALUES (1, 5)")));
        QString err;
        QVERIFY2(m_cache->enqueue(QStringLiteral("rating"), {{QStringLiteral("ticket"), 1}}, {}, nullptr, &err), qPrintable(err));
        // no commit: both go
    }
    QSqlQuery q(m_cache->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT (SELECT count(*) FROM my_ratings), (SELECT count(*) FROM outbox), (SELECT next_seq FROM sync_state)")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    QCOMPARE(q.value(1).toInt(), 0);
    QCOMPARE(q.value(2).toInt(), 1);
    QVERIFY(rate(1, 5));
    QVERIFY(rate(2, 4));
    QList<sync::OutboxEntry> pending;
    QString err;
    QVERIFY(m_cache->pending(1, 1, 10, &pending, &err));
    QCOMPARE(pending.size(), 2);
    QCOMPARE(pending.at(0).seq, 1);
    QCOMPARE(pending.at(1).seq, 2);
    QVERIFY(pending.at(0).key != pending.at(1).key);
}

void TstSyncEngine::pushesAndLearnsOutcomes()
{
    QVERIFY(startServer());
    const qint64 t = servedTicket();
    QVERIFY(rate(t, 5));
    QVERIFY(rate(t, 4));             // a second rating of one service: rejected, not lost
    QVERIFY(rate(987654321, 5));     // an unknown ticket: rejected
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_VERIFY2_WITH_TIMEOUT(m_engine->status().pending == 0, qPrintable(m_engine->status().lastError), 10000);
    QCOMPARE(serverRatings(), 1);
    QCOMPARE(m_engine->status().rejected, 2);
    QList<sync::OutboxEntry> done;
    QString err;
    QVERIFY(m_cache->entries(QStringLiteral("done"), 10, &done, &err));
    QCOMPARE(done.size(), 3);
    QCOMPARE(done.at(0).status, QStringLiteral("applied"));
    QCOMPARE(done.at(1).code, QStringLiteral("already_rated"));
    QCOMPARE(done.at(2).code, QStringLiteral("not_found"));
    QVERIFY(m_engine->status().lastPush.isValid());
}

void TstSyncEngine::referenceDataFlowsDown()
{
    QVERIFY(startServer());
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->references(QStringLiteral("business")).size(), 8, 10000);
    QCOMPARE(m_cache->references(QStringLiteral("window")).size(), 12);
    QCOMPARE(m_cache->reference(QStringLiteral("business"), QStringLiteral("HJ")).value(QStringLiteral("name")).toString(), QStringLiteral("户籍业务"));
    // A change on the server arrives by itself.
    test::Client admin(m_server->port());
    QVERIFY(admin.signIn(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
    QJsonObject cfg = admin.get(QStringLiteral("/api/v1/halls/swzx/config")).body;
    QJsonArray bs = cfg.value(QStringLiteral("businesses")).toArray();
    QJsonObject hj = bs.at(0).toObject();
    hj[QStringLiteral("name")] = QStringLiteral("户籍");
    bs[0] = hj;
    cfg[QStringLiteral("businesses")] = bs;
    QCOMPARE(admin.call("PUT", QStringLiteral("/api/v1/halls/swzx/config"), cfg).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->reference(QStringLiteral("business"), QStringLiteral("HJ")).value(QStringLiteral("name")).toString(),
                              QStringLiteral("户籍"), 10000);
    // Offline, it is all still there.
    m_engine.reset();
    m_server.reset();
    QCOMPARE(m_cache->references(QStringLiteral("business")).size(), 8);
}

// An officer's PC keeps what its window served today and the officer's day (window and officer
// scopes), by pull as it happens and offline afterwards; a kiosk's cache holds none of it.
void TstSyncEngine::officersWorkFlowsDown()
{
    QVERIFY(startServer());
    m_transport.token = m_officer->token;
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->references(QStringLiteral("business")).size(), 8, 10000);
    QVERIFY(servedTicket());
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->references(QStringLiteral("served")).size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->references(QStringLiteral("workday")).value(0).value(QStringLiteral("served")).toInt(), 1, 10000);
    QVERIFY(servedTicket());
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->references(QStringLiteral("workday")).value(0).value(QStringLiteral("served")).toInt(), 2, 10000);
    QCOMPARE(m_cache->references(QStringLiteral("served")).size(), 2);

    // The kiosk's cache, pulling from the same feed, holds no window's or officer's rows.
    QTemporaryDir other;
    std::unique_ptr<sync::SyncCache> kioskCache;
    QString err;
    QVERIFY2(sync::SyncCache::open(other.filePath(QStringLiteral("kiosk.db")), &kioskCache, &err) == storage::OpenResult::Ok, qPrintable(err));
    test::HttpTransport kioskTransport;
    kioskTransport.base = m_transport.base;
    kioskTransport.token = m_kiosk->token;
    sync::SyncEngine kiosk(kioskCache.get(), &kioskTransport, m_options);
    kiosk.start();
    QTRY_COMPARE_WITH_TIMEOUT(kioskCache->references(QStringLiteral("business")).size(), 8, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(kiosk.isCaughtUp(), 10000);
    QCOMPARE(kioskCache->references(QStringLiteral("served")).size(), 0);
    QCOMPARE(kioskCache->references(QStringLiteral("workday")).size(), 0);
    kiosk.stop();

    // Offline, the officer's day is still there.
    m_engine.reset();
    m_server.reset();
    QCOMPARE(m_cache->references(QStringLiteral("served")).size(), 2);
    QCOMPARE(m_cache->references(QStringLiteral("workday")).value(0).value(QStringLiteral("served")).toInt(), 2);
}

void TstSyncEngine::retriesWithoutANewWrite()
{
    const quint16 port = freePort();
    m_transport.base = QStringLiteral("http://127.0.0.1:%1").arg(port);
    QVERIFY(rate(1, 5));
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_VERIFY_WITH_TIMEOUT(!m_engine->status().lastError.isEmpty(), 5000);
    QCOMPARE(m_engine->status().pending, 1);
    // The server comes up; nothing is written meanwhile; the entry goes anyway.
    QVERIFY(startServer(port));
    const qint64 t = servedTicket();
    QVERIFY(t > 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->status().pending, 0, 10000);
    QVERIFY(m_engine->status().lastError.isEmpty());
}

void TstSyncEngine::lostReplyAppliesOnce()
{
    QVERIFY(startServer());
    const qint64 t = servedTicket();
    QVERIFY(rate(t, 5));
    m_transport.dropNextPushReply = true;
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->status().pending, 0, 10000);
    QVERIFY(m_transport.pushes >= 2);
    QCOMPARE(serverRatings(), 1);
    QList<sync::OutboxEntry> done;
    QString err;
    QVERIFY(m_cache->entries(QStringLiteral("done"), 10, &done, &err));
    QCOMPARE(done.at(0).status, QStringLiteral("applied"));
}

void TstSyncEngine::serverBackInTimeNeedsReset()
{
    const quint16 port = freePort();
    QVERIFY(startServer(port));
    const qint64 t = servedTicket();
    QVERIFY(rate(t, 5));
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->status().pending, 0, 10000);
    // The server's database is replaced by an empty one: it has never seen this device.
    m_server.reset();
    QVERIFY(startServer(port));
    QVERIFY(rate(servedTicket(), 4));
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->status().resetRequired, 10000);
    QCOMPARE(m_engine->status().pending, 1);
    // The reset exports the unsent entry first, keeps it (parked), and starts again.
    const QString file = m_dir.filePath(QStringLiteral("unsent.jsonl"));
    QString err;
    QVERIFY2(m_engine->reset(file, &err), qPrintable(err));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.first().isEmpty(), false);
    QCOMPARE(QJsonDocument::fromJson(lines.first()).object().value(QStringLiteral("kind")).toString(), QStringLiteral("rating"));
    QCOMPARE(m_engine->status().parked, 1);
    QCOMPARE(m_engine->status().pending, 0);
    sync::SyncState st;
    QVERIFY(m_cache->state(&st, &err));
    QCOMPARE(st.epoch, 2);
    // The engineer re-queues it; it goes in the new epoch.
    int n = 0;
    QVERIFY(m_cache->requeueParked(&err, &n));
    QCOMPARE(n, 1);
    m_engine->kick();
    QCOMPARE(m_engine->status().pending, 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->status().pending, 0, 10000);
    QCOMPARE(serverRatings(), 1);
}

void TstSyncEngine::watchdogReportsStall()
{
    m_transport.base = QStringLiteral("http://127.0.0.1:%1").arg(freePort());
    m_options.watchdogMs = 400;
    QVERIFY(rate(1, 5));
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    QSignalSpy spy(m_engine.get(), &sync::SyncEngine::statusChanged);
    m_engine->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->status().stalled, 5000);
    const QString reason = m_engine->status().stallReason;
    QVERIFY2(reason.contains(m_engine->status().lastError) && !reason.isEmpty(), qPrintable(reason));
    QVERIFY(m_engine->status().oldestPendingSecs >= 0);
}

void TstSyncEngine::pulledChangesWaitForLocalWrites()
{
    QVERIFY(startServer());
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->references(QStringLiteral("business")).size(), 8, 10000);
    // A local write on business HJ is waiting (pushes are held back) …
    m_transport.holdPushes = true;
    QVERIFY(rate(servedTicket(), 5, QStringLiteral("business/HJ")));
    // … when the server renames HJ: the pull keeps the change back.
    test::Client admin(m_server->port());
    QVERIFY(admin.signIn(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
    QJsonObject cfg = admin.get(QStringLiteral("/api/v1/halls/swzx/config")).body;
    QJsonArray bs = cfg.value(QStringLiteral("businesses")).toArray();
    QJsonObject hj = bs.at(0).toObject();
    hj[QStringLiteral("name")] = QStringLiteral("户籍（改）");
    bs[0] = hj;
    cfg[QStringLiteral("businesses")] = bs;
    QCOMPARE(admin.call("PUT", QStringLiteral("/api/v1/halls/swzx/config"), cfg).status, 200);
    QSqlQuery q(m_cache->connection());
    QTRY_VERIFY_WITH_TIMEOUT(q.exec(QStringLiteral("SELECT count(*) FROM held_changes")) && q.next() && q.value(0).toInt() == 1, 10000);
    QCOMPARE(m_cache->reference(QStringLiteral("business"), QStringLiteral("HJ")).value(QStringLiteral("name")).toString(), QStringLiteral("户籍业务"));
    // Once the write has its outcome, the held change applies.
    m_transport.holdPushes = false;
    m_engine->kick();
    QTRY_COMPARE_WITH_TIMEOUT(m_cache->reference(QStringLiteral("business"), QStringLiteral("HJ")).value(QStringLiteral("name")).toString(),
                              QStringLiteral("户籍（改）"), 10000);
}

void TstSyncEngine::backoffGrowsWithJitterAndIsCapped()
{
    // The engine's retries use the suite's one backoff (core/backoff.h); its policy here.
    QRandomGenerator random(42);
    core::Backoff b(core::BackoffPolicy{100, 1000, 0}, [&random] { return random.generateDouble(); });
    int maxSeen = 0;
    for (int i = 0; i < 50; ++i) {
        const int wait = b.nextDelayMs();
        const int ceiling = std::min(1000, 100 << std::min(i, 20));
        QVERIFY2(wait >= 0 && wait <= ceiling, qPrintable(QStringLiteral("%1 > %2").arg(wait).arg(ceiling)));
        maxSeen = std::max(maxSeen, wait);
    }
    QVERIFY(maxSeen > 500);   // it does grow
    QVERIFY(maxSeen <= 1000); // and stops at the cap
    b.reset();
    QVERIFY(b.nextDelayMs() <= 100);
}

// After a push, the engine pulls at once (not at the next interval), and "caught up" means a
// pull that began after the push: the cache then shows the server's version of its own edit.
void TstSyncEngine::ownWritesComeBackAtOnce()
{
    QVERIFY(startServer());
    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    m_transport.token = supervisor.token;
    m_options.pullIntervalMs = 600000;
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->isCaughtUp(), 10000);
    QCOMPARE(m_cache->baseVersion(QStringLiteral("notice"), QStringLiteral("N1")), 0);

    storage::Transaction tx(m_cache->connection());
    sync::OutboxEntry made;
    QString err;
    QVERIFY2(m_cache->enqueue(QStringLiteral("notice"), {{QStringLiteral("id"), QStringLiteral("N1")}, {QStringLiteral("version"), 0},
                                                         {QStringLiteral("text"), QStringLiteral("午间暂停取号")}},
                              QStringLiteral("notice/N1"), &made, &err), qPrintable(err));
    QVERIFY(tx.commit());
    QCOMPARE(m_cache->baseVersion(QStringLiteral("notice"), QStringLiteral("N1")), 1); // its own edit, still waiting
    m_engine->kick();
    QVERIFY(!m_engine->isCaughtUp());
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->isCaughtUp(), 10000);
    QCOMPARE(m_cache->reference(QStringLiteral("notice"), QStringLiteral("N1")).value(QStringLiteral("text")).toString(), QStringLiteral("午间暂停取号"));
    QCOMPARE(m_cache->baseVersion(QStringLiteral("notice"), QStringLiteral("N1")), 1);
}

// While a backlog goes out in many pushes, their answers carry the outcomes: the engine pulls
// once when it starts and once when the outbox is empty, not again after every push answered
// while a pull ran (a request and a commit per push on either side, for nothing).
void TstSyncEngine::aPushOutIsNotDoubledByPulls()
{
    QVERIFY(startServer());
    for (int i = 0; i < 300; ++i)
        QVERIFY(rate(900000 + i, 5)); // unknown tickets: each answered "rejected", quickly
    m_transport.pullDelayMs = 150;
    m_options.pullIntervalMs = 600000;
    m_options.batch = 20;
    m_engine = std::make_unique<sync::SyncEngine>(m_cache.get(), &m_transport, m_options);
    m_engine->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->isCaughtUp(), 30000);
    QCOMPARE(m_engine->status().rejected, 300);
    QCOMPARE(m_transport.pushes, 15);
    QCOMPARE(m_transport.pulls, 2);
}

QTEST_GUILESS_MAIN(TstSyncEngine)
#include "tst_sync_engine.moc"
