// The offline issuer on a real cache file (docs/sync.md, "Offline tickets"): leases from the
// in-process hall-server, numbers issued in one local transaction with their outbox entry, ID
// numbers only sealed (never in the file or its WAL), refused without a key, and the tickets
// pushed by the sync engine joining the server's queue; a retired or reset kiosk's LeaseKeeper
// handing back what it did not issue. Needs an unlocked Secret Service (scripts/test runs CTest
// inside one).

#include "../server/harness.h"
#include "httptransport.h"

#include <sync/engine.h>
#include <sync/offline.h>

#include <net/hallclient.h>
#include <netsync/leasekeeper.h>

#include <security/keymanager.h>

#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>
#include <QUuid>

using namespace hall;

namespace {

const QString IdNumber = QStringLiteral("11010519491231002X");

QDateTime at(int h, int m) { return QDateTime(QDate(2026, 11, 23), QTime(h, m)); }

int count(const sync::SyncCache &cache, const QString &sql)
{
    QSqlQuery q(cache.connection());
    return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
}

} // namespace

class TstSyncOffline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void numbersComeFromTheLeaseInOrder();
    void ticketLeaseAndEntryCommitTogether();
    void leasesRunOutAndEnd();
    void idNumbersAreSealedAtRest();
    void reminderPhonesAreSealedButNoIdentity();
    void withoutAKeyPersonalFieldsAreRefused();
    void pushedTicketsJoinTheQueue();
    void aRetiredKioskHandsBackWhatItDidNotIssue();

private:
    bool lease(int size = 10);
    sync::SyncStatus pushAll();

    QTemporaryDir m_dir;
    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_kiosk;
    std::unique_ptr<sync::SyncCache> m_cache;
    std::unique_ptr<sync::OfflineIssuer> m_issuer;
    QString m_file;
};

void TstSyncOffline::init()
{
    m_server = std::make_unique<test::InProcessServer>();
    QString err;
    QVERIFY2(m_server->start(&err), qPrintable(err));
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    QVERIFY(m_kiosk->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    m_file = m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral(".db"));
    QCOMPARE(sync::SyncCache::open(m_file, &m_cache, &err), storage::OpenResult::Ok);
    const security::KeyResult key = security::KeyManager(QStringLiteral("HallSuite-test/%1").arg(QUuid::createUuid().toString(QUuid::Id128)),
                                                         QStringLiteral("cache-data-key"), security::CipherMode::Sm4CbcHmacSm3)
                                        .loadOrCreateNow();
    QVERIFY2(key.ok(), qPrintable(QStringLiteral("needs an unlocked Secret Service (scripts/test): %1").arg(key.message)));
    m_cache->attachPersonalData(key);
    m_issuer = std::make_unique<sync::OfflineIssuer>(m_cache.get());
}

void TstSyncOffline::cleanup()
{
    m_issuer.reset();
    m_cache.reset();
    m_kiosk.reset();
    m_server.reset();
}

// The cache's outbox pushed by a sync engine as the kiosk; its status once nothing waits.
sync::SyncStatus TstSyncOffline::pushAll()
{
    test::HttpTransport transport;
    transport.base = QStringLiteral("http://127.0.0.1:%1").arg(m_server->port());
    transport.token = m_kiosk->token;
    sync::SyncEngine engine(m_cache.get(), &transport);
    engine.start();
    if (!QTest::qWaitFor([&] { return engine.status().pending == 0; }, 10000))
        qWarning() << "still waiting:" << engine.status().pending << engine.status().lastError;
    return engine.status();
}

// A lease from the server for this cache's device, kept in the cache.
bool TstSyncOffline::lease(int size)
{
    sync::SyncState st;
    QString err;
    if (!m_cache->state(&st, &err))
        return false;
    const test::Answer a = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/leases"),
                                         QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("size"), size},
                                                     {QStringLiteral("device"), st.device}});
    const QJsonObject o = a.body.value(QStringLiteral("lease")).toObject();
    if (a.status != 201) {
        qWarning() << a.describe();
        return false;
    }
    sync::LocalLease l;
    l.id = o.value(QStringLiteral("id")).toInteger();
    l.business = o.value(QStringLiteral("business")).toString();
    l.prefix = o.value(QStringLiteral("prefix")).toString();
    l.digits = o.value(QStringLiteral("digits")).toInt();
    l.from = o.value(QStringLiteral("from")).toInt();
    l.to = o.value(QStringLiteral("to")).toInt();
    l.day = QDate::fromString(o.value(QStringLiteral("day")).toString(), Qt::ISODate);
    l.grantedAt = QDateTime::fromString(o.value(QStringLiteral("grantedAt")).toString(), Qt::ISODateWithMs);
    l.until = QDateTime::fromString(o.value(QStringLiteral("until")).toString(), Qt::ISODateWithMs);
    return m_issuer->addLease(l, &err) && m_issuer->addLease(l, &err); // the second changes nothing
}

void TstSyncOffline::numbersComeFromTheLeaseInOrder()
{
    QVERIFY(lease(3));
    QVERIFY(lease(2));
    QStringList numbers;
    QString err;
    for (int i = 0; i < 5; ++i) {
        sync::OfflineTicket t;
        QVERIFY2(m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 1 + i)), qPrintable(err));
        numbers.append(t.number);
    }
    QCOMPARE(numbers, (QStringList{QStringLiteral("A800"), QStringLiteral("A801"), QStringLiteral("A802"), QStringLiteral("A803"), QStringLiteral("A804")}));
    QCOMPARE(m_issuer->leases().at(0).used, 3);
    QCOMPARE(m_issuer->leases().at(1).used, 2);
    QList<sync::OutboxEntry> pending;
    QVERIFY(m_cache->entries(QStringLiteral("pending"), 100, &pending, &err));
    QCOMPARE(pending.size(), 5);
    QCOMPARE(pending.first().kind, QStringLiteral("ticket.offline"));
    QCOMPARE(pending.first().data.value(QStringLiteral("issuedAt")).toString(), at(9, 1).toString(Qt::ISODateWithMs));
    QCOMPARE(m_issuer->tickets().size(), 5);
    QCOMPARE(m_issuer->tickets().first().state, QStringLiteral("pending"));
}

void TstSyncOffline::ticketLeaseAndEntryCommitTogether()
{
    QVERIFY(lease(5));
    // The outbox refuses the entry: neither the ticket nor the lease's counter may stay.
    QSqlQuery q(m_cache->connection());
    QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER no_entry BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END")));
    sync::OfflineTicket t;
    QString err;
    QVERIFY(!m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 1)));
    QVERIFY2(err.contains(QStringLiteral("disk full")), qPrintable(err));
    QCOMPARE(m_issuer->leases().first().used, 0);
    QCOMPARE(count(*m_cache, QStringLiteral("SELECT count(*) FROM offline_tickets")), 0);
    QVERIFY(q.exec(QStringLiteral("DROP TRIGGER no_entry")));
    QVERIFY2(m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 2)), qPrintable(err));
    QCOMPARE(t.number, QStringLiteral("A800"));
}

void TstSyncOffline::leasesRunOutAndEnd()
{
    QVERIFY(lease(2));
    QCOMPARE(m_issuer->available(QStringLiteral("HJ"), at(9, 0)), 2);
    QVERIFY(m_issuer->needsLease(QStringLiteral("HJ"), 5, at(9, 0)));
    QVERIFY(!m_issuer->needsLease(QStringLiteral("HJ"), 2, at(9, 0)));
    sync::OfflineTicket t;
    QString err;
    QVERIFY(m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 1)));
    QVERIFY(m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 2)));
    QVERIFY(!m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 3)));
    QVERIFY2(err.contains(QStringLiteral("No numbers are left")), qPrintable(err));
    QVERIFY(lease(5));
    // The lease ends with the half-day it was granted in, and with its day.
    QVERIFY(!m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(12, 5)));
    QVERIFY(!m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 5).addDays(1)));
    QCOMPARE(m_issuer->available(QStringLiteral("HJ"), at(12, 5)), 0);
    QVERIFY(!m_issuer->issue({QStringLiteral("CRJ")}, &t, &err, at(9, 5)));
    QCOMPARE(count(*m_cache, QStringLiteral("SELECT count(*) FROM outbox")), 2);
}

void TstSyncOffline::idNumbersAreSealedAtRest()
{
    QVERIFY(lease(5));
    sync::OfflineRequest r{QStringLiteral("HJ"), core::TicketSource::IdCard, IdNumber};
    sync::OfflineTicket t;
    QString err;
    QVERIFY2(m_issuer->issue(r, &t, &err, at(9, 1)), qPrintable(err));
    // One ticket per person and business, offline too.
    QVERIFY(!m_issuer->issue(r, &t, &err, at(9, 2)));
    QVERIFY2(err.contains(QStringLiteral("A800")), qPrintable(err));
    sync::OfflineRequest phone{QStringLiteral("HJ"), core::TicketSource::Phone, {}, QStringLiteral("13800138000")};
    QVERIFY2(m_issuer->issue(phone, &t, &err, at(9, 3)), qPrintable(err));
    QList<sync::OutboxEntry> pending;
    QVERIFY(m_cache->entries(QStringLiteral("pending"), 10, &pending, &err));
    QVERIFY(!pending.first().data.contains(QStringLiteral("idNumber")));
    QJsonObject pushed;
    QVERIFY2(m_cache->pushForm(pending.first(), &pushed, &err), qPrintable(err));
    QCOMPARE(pushed.value(QStringLiteral("data")).toObject().value(QStringLiteral("idNumber")).toString(), IdNumber);
    // The file, its WAL and journal: neither number, in any form.
    for (const QString &f : QStringList{m_file, m_file + QStringLiteral("-wal"), m_file + QStringLiteral("-journal")}) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(IdNumber.toUtf8()) && !bytes.contains(IdNumber.left(12).toUtf8()), qPrintable(f));
        QVERIFY2(!bytes.contains("13800138000"), qPrintable(f));
    }
    QVERIFY(QFile::exists(m_file + QStringLiteral("-wal")));
}

// A phone left for text reminders with a touch or ID-card ticket: sealed like an identity's,
// pushed with the entry, but not an identity — no blind index, so the same phone may come with
// another touch ticket; a number that is not a mobile one is refused before anything is written.
void TstSyncOffline::reminderPhonesAreSealedButNoIdentity()
{
    QVERIFY(lease(5));
    const QString phone = QStringLiteral("13912345678");
    sync::OfflineRequest r{QStringLiteral("HJ"), core::TicketSource::Touch, {}, phone};
    sync::OfflineTicket t;
    QString err;
    QVERIFY2(m_issuer->issue(r, &t, &err, at(9, 1)), qPrintable(err));
    QVERIFY2(m_issuer->issue(r, &t, &err, at(9, 2)), qPrintable(err));
    QCOMPARE(count(*m_cache, QStringLiteral("SELECT count(*) FROM offline_tickets WHERE identity IS NULL")), 2);
    r.phone = QStringLiteral("1391234");
    QVERIFY(!m_issuer->issue(r, &t, &err, at(9, 3)));
    QVERIFY2(err.contains(QStringLiteral("reminders")), qPrintable(err));
    QCOMPARE(count(*m_cache, QStringLiteral("SELECT count(*) FROM offline_tickets")), 2);

    QList<sync::OutboxEntry> pending;
    QVERIFY(m_cache->entries(QStringLiteral("pending"), 10, &pending, &err));
    QCOMPARE(pending.size(), 2);
    QVERIFY(!pending.first().data.contains(QStringLiteral("phone")));
    QJsonObject pushed;
    QVERIFY2(m_cache->pushForm(pending.first(), &pushed, &err), qPrintable(err));
    const QJsonObject data = pushed.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("phone")).toString(), phone);
    QCOMPARE(data.value(QStringLiteral("source")).toString(), QStringLiteral("touch"));
    for (const QString &f : QStringList{m_file, m_file + QStringLiteral("-wal"), m_file + QStringLiteral("-journal")}) {
        QFile file(f);
        if (file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains(phone.toUtf8()), qPrintable(f));
    }
}

void TstSyncOffline::withoutAKeyPersonalFieldsAreRefused()
{
    std::unique_ptr<sync::SyncCache> cache;
    QString err;
    const QString file = m_dir.filePath(QStringLiteral("nokey.db"));
    QCOMPARE(sync::SyncCache::open(file, &cache, &err), storage::OpenResult::Ok);
    security::KeyResult none; // what KeyManager answers without a keychain
    none.status = security::KeyStatus::NoKeychain;
    none.message = QStringLiteral("No keychain is available.");
    cache->attachPersonalData(none);
    sync::OfflineIssuer issuer(cache.get());
    sync::LocalLease l{4242, QStringLiteral("HJ"), QStringLiteral("A"), 3, 1, 10, 0, at(9, 0).date(), at(9, 0), at(12, 0)};
    QVERIFY(issuer.addLease(l, &err));
    sync::OfflineTicket t;
    QVERIFY(!issuer.issue({QStringLiteral("HJ"), core::TicketSource::IdCard, IdNumber}, &t, &err, at(9, 1)));
    QVERIFY2(err.contains(QStringLiteral("No keychain is available")) && err.contains(QStringLiteral("without it")), qPrintable(err));
    QCOMPARE(count(*cache, QStringLiteral("SELECT count(*) FROM outbox")), 0);
    QCOMPARE(issuer.leases().first().used, 0);
    // A ticket without personal fields is still issued.
    QVERIFY2(issuer.issue({QStringLiteral("HJ")}, &t, &err, at(9, 2)), qPrintable(err));
    QCOMPARE(t.number, QStringLiteral("A001"));
    cache.reset();
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(!f.readAll().contains(IdNumber.toUtf8()));
}

void TstSyncOffline::pushedTicketsJoinTheQueue()
{
    QVERIFY(lease(5));
    test::Client officer(m_server->port());
    QVERIFY(officer.signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
    QCOMPARE(officer.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), QJsonObject{}).status, 200);
    const test::Answer online = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"),
                                              QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("source"), QStringLiteral("idcard")},
                                                          {QStringLiteral("idNumber"), IdNumber}});
    QCOMPARE(online.status, 201);
    m_server->clock.set(at(9, 30));
    sync::OfflineTicket t;
    QString err;
    QVERIFY(m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 10)));
    QVERIFY(m_issuer->issue({QStringLiteral("HJ"), core::TicketSource::IdCard, IdNumber}, &t, &err, at(9, 20)));
    const sync::SyncStatus status = pushAll();
    QCOMPARE(status.pending, 0);
    const QList<sync::OfflineTicket> tickets = m_issuer->tickets();
    QCOMPARE(tickets.size(), 2);
    QCOMPARE(tickets.at(0).status, QStringLiteral("applied"));
    // The person held a ticket already: kept as a conflict, with its reason.
    QCOMPARE(tickets.at(1).status, QStringLiteral("conflict"));
    QCOMPARE(tickets.at(1).code, QStringLiteral("duplicate"));
    QVERIFY(!tickets.at(1).message.isEmpty());
    QCOMPARE(status.conflicts, 1);
    const test::Answer list = m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/leases"));
    QCOMPARE(list.body.value(QStringLiteral("leases")).toArray().at(0).toObject().value(QStringLiteral("used")).toInt(), 1);
}

// Runs one asynchronous LeaseKeeper call to its end; its errors.
static QStringList await(const std::function<void(net::LeaseKeeper::Done)> &call)
{
    QStringList errors;
    bool answered = false;
    call([&](const QStringList &e) {
        errors = e;
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, 10000))
        return {QStringLiteral("no answer")};
    return errors;
}

void TstSyncOffline::aRetiredKioskHandsBackWhatItDidNotIssue()
{
    net::HallClient client;
    QString err;
    QVERIFY(client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())), {}, &err));
    client.setHall(QStringLiteral("swzx"));
    bool signedIn = false;
    client.signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), &client, [&](const net::Result<net::Session> &r) { signedIn = bool(r); });
    QTRY_VERIFY(signedIn);
    net::LeaseKeeper keeper(&client, m_cache.get());
    QVERIFY(await([&](net::LeaseKeeper::Done done) { keeper.request(QStringLiteral("HJ"), 10, done); }).isEmpty());
    // A lease the server granted whose reply never reached this cache.
    sync::SyncState st;
    QVERIFY(m_cache->state(&st, &err));
    const test::Answer lost = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/leases"),
                                            QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("size"), 5}, {QStringLiteral("device"), st.device}});
    QCOMPARE(lost.status, 201);
    sync::OfflineTicket t;
    for (int i = 0; i < 3; ++i)
        QVERIFY2(m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 1 + i)), qPrintable(err));

    // The server out of reach: nothing changes here, the kiosk keeps its numbers.
    net::HallClient away;
    QVERIFY(away.setServer(QUrl(QStringLiteral("http://127.0.0.1:1")), {}, &err));
    away.setHall(QStringLiteral("swzx"));
    net::LeaseKeeper unreachable(&away, m_cache.get());
    QVERIFY(!await([&](net::LeaseKeeper::Done done) { unreachable.returnAll(done); }).isEmpty());
    QCOMPARE(m_issuer->available(QStringLiteral("HJ"), at(9, 5)), 7);

    const QStringList errors = await([&](net::LeaseKeeper::Done done) { keeper.returnAll(done); });
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    // Here: the lease keeps the three numbers issued, and issues no more.
    QCOMPARE(m_issuer->available(QStringLiteral("HJ"), at(9, 5)), 0);
    QVERIFY(!m_issuer->issue({QStringLiteral("HJ")}, &t, &err, at(9, 5)));
    QCOMPARE(m_issuer->leases().at(0).to, m_issuer->leases().at(0).from + 2);
    // On the server: the rest of the first lease is handed back, the lost one whole.
    QJsonArray leases = m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/leases")).body.value(QStringLiteral("leases")).toArray();
    QCOMPARE(leases.size(), 2);
    QCOMPARE(leases.at(0).toObject().value(QStringLiteral("returnedFrom")).toInt(), leases.at(0).toObject().value(QStringLiteral("from")).toInt() + 3);
    QCOMPARE(leases.at(1).toObject().value(QStringLiteral("returnedFrom")).toInt(), leases.at(1).toObject().value(QStringLiteral("from")).toInt());
    // Again: nothing is held any more, nothing changes.
    QVERIFY(await([&](net::LeaseKeeper::Done done) { keeper.returnAll(done); }).isEmpty());
    QCOMPARE(m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/leases")).body.value(QStringLiteral("leases")).toArray(), leases);
    // The three tickets issued before still join the queue.
    m_server->clock.set(at(9, 10));
    QCOMPARE(pushAll().pending, 0);
    const QList<sync::OfflineTicket> tickets = m_issuer->tickets();
    QCOMPARE(tickets.size(), 3);
    for (const sync::OfflineTicket &x : tickets)
        QCOMPARE(x.status, QStringLiteral("applied"));
}

QTEST_GUILESS_MAIN(TstSyncOffline)
#include "tst_sync_offline.moc"
