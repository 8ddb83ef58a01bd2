// Number leases and offline tickets in-process (docs/sync.md, "Offline tickets"): the lease
// endpoint and who may use it, offline tickets pushed through sync at their original time,
// replays, numbers outside a lease, identity conflicts, no number reused after a reset or a
// restart, and a lease's unused rest handed back.

#include "harness.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QUuid>

using namespace hall;

namespace {

const QString Leases = QStringLiteral("/api/v1/halls/swzx/leases");
const QString Device = QStringLiteral("kiosk-3-device");

QDateTime at(int h, int m) { return QDateTime(QDate(2026, 11, 23), QTime(h, m)); }
QString number(int seq) { return QStringLiteral("A%1").arg(seq, 3, 10, QLatin1Char('0')); }

QJsonObject offlineEntry(qint64 seq, int ticketSeq, const QDateTime &issuedAt, const QJsonObject &extra = {})
{
    QJsonObject data{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("seq"), ticketSeq},
                     {QStringLiteral("issuedAt"), issuedAt.toString(Qt::ISODateWithMs)}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        data.insert(it.key(), it.value());
    return {{QStringLiteral("seq"), seq}, {QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
            {QStringLiteral("kind"), QStringLiteral("ticket.offline")}, {QStringLiteral("data"), data}};
}

QJsonObject outcomeOf(const test::Answer &a, int i)
{
    return a.body.value(QStringLiteral("outcomes")).toArray().at(i).toObject();
}

} // namespace

class TstServerLeases : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void leaseEndpoint();
    void onlyKiosksAndAdminsLease_data();
    void onlyKiosksAndAdminsLease();
    void badLeaseRequests_data();
    void badLeaseRequests();
    void aLeaseIsForTheCallersOwnDevice();
    void offlineTicketsJoinAtTheirOriginalTime();
    void replaysAreAnsweredFromTheRecord();
    void numbersOutsideTheLeaseAreRejected();
    void identityConflictsAreKeptVisible();
    void noNumberIsReusedAfterResetOrRestart();
    void aLeaseCanBeHandedBack();
    void badHandBacks_data();
    void badHandBacks();

private:
    test::Answer handBack(qint64 leaseId, int used, const QString &device = Device);
    int remaining(const QString &business);
    QJsonObject lease(int size = 10, const QString &device = Device);
    test::Answer push(qint64 epoch, const QJsonArray &entries, const QString &device = Device);
    int ticketRows();
    void restartServer();

    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_kiosk;
    std::unique_ptr<test::Client> m_officer;
};

void TstServerLeases::init()
{
    m_server = std::make_unique<test::InProcessServer>();
    QString err;
    QVERIFY2(m_server->start(&err), qPrintable(err));
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    QVERIFY(m_kiosk->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    m_officer = std::make_unique<test::Client>(m_server->port());
    QVERIFY(m_officer->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), QJsonObject{}).status, 200);
}

void TstServerLeases::cleanup()
{
    m_kiosk.reset();
    m_officer.reset();
    m_server.reset();
}

QJsonObject TstServerLeases::lease(int size, const QString &device)
{
    const test::Answer a = m_kiosk->call("POST", Leases, QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")},
                                                                     {QStringLiteral("size"), size}, {QStringLiteral("device"), device}});
    if (a.status != 201)
        qWarning() << "lease:" << a.describe();
    return a.body.value(QStringLiteral("lease")).toObject();
}

test::Answer TstServerLeases::push(qint64 epoch, const QJsonArray &entries, const QString &device)
{
    return m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                         QJsonObject{{QStringLiteral("device"), device}, {QStringLiteral("epoch"), epoch}, {QStringLiteral("entries"), entries}});
}

int TstServerLeases::ticketRows()
{
    QSqlQuery q(m_server->db->connection());
    return q.exec(QStringLiteral("SELECT count(*) FROM tickets")) && q.next() ? q.value(0).toInt() : -1;
}

void TstServerLeases::restartServer()
{
    QString err;
    QVERIFY2(m_server->restart(m_server->port(), &err), qPrintable(err));
}

void TstServerLeases::leaseEndpoint()
{
    QCOMPARE(m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}}).status, 201);
    const QJsonObject l = lease(30);
    QCOMPARE(l.value(QStringLiteral("business")).toString(), QStringLiteral("HJ"));
    QCOMPARE(l.value(QStringLiteral("prefix")).toString(), QStringLiteral("A"));
    // From the top of the business's range (the top fifth of 001–999), not after A001.
    QCOMPARE(l.value(QStringLiteral("from")).toInt(), 800);
    QCOMPARE(l.value(QStringLiteral("to")).toInt(), 829);
    QCOMPARE(l.value(QStringLiteral("fromNumber")).toString(), QStringLiteral("A800"));
    QCOMPARE(l.value(QStringLiteral("toNumber")).toString(), QStringLiteral("A829"));
    QCOMPARE(l.value(QStringLiteral("day")).toString(), QStringLiteral("2026-11-23"));
    QCOMPARE(l.value(QStringLiteral("until")).toString().left(16), QStringLiteral("2026-11-23T12:00"));
    QCOMPARE(l.value(QStringLiteral("used")).toInt(), 0);
    // Committed before the reply; online numbering goes on from A001 below it.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT from_seq, to_seq, device FROM leases")) && q.next());
    QCOMPARE(q.value(1).toInt(), 829);
    QCOMPARE(q.value(2).toString(), Device);
    q.finish();
    const test::Answer t = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QCOMPARE(t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("A002"));
    // The kiosk sees its leases; so does the supervisor.
    test::Answer list = m_kiosk->get(Leases);
    QVERIFY2(list.status == 200 && list.body.value(QStringLiteral("leases")).toArray().size() == 1, qPrintable(list.describe()));
    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QCOMPARE(supervisor.get(Leases + QStringLiteral("?device=") + Device).body.value(QStringLiteral("leases")).toArray().size(), 1);
    QCOMPARE(supervisor.get(Leases + QStringLiteral("?device=someone-else")).body.value(QStringLiteral("leases")).toArray().size(), 0);
}

void TstServerLeases::onlyKiosksAndAdminsLease_data()
{
    QTest::addColumn<QString>("login");
    QTest::addColumn<QString>("password");
    QTest::addColumn<int>("status");
    QTest::newRow("kiosk") << "kiosk1" << "demo-kiosk-2026" << 201;
    QTest::newRow("admin") << "admin" << "demo-admin-2026" << 201;
    QTest::newRow("officer") << "officer01" << "demo-officer-2026" << 403;
    QTest::newRow("supervisor") << "supervisor" << "demo-super-2026" << 403;
    QTest::newRow("display") << "display1" << "demo-display-2026" << 403;
    QTest::newRow("caller") << "callerbus1" << "demo-caller-2026" << 403;
}

void TstServerLeases::onlyKiosksAndAdminsLease()
{
    QFETCH(QString, login);
    QFETCH(QString, password);
    QFETCH(int, status);
    test::Client c(m_server->port());
    QVERIFY(c.signIn(login, password));
    const test::Answer a = c.call("POST", Leases, QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")},
                                                              {QStringLiteral("device"), QString(QStringLiteral("device-of-") + login)}});
    QVERIFY2(a.status == status, qPrintable(a.describe()));
    QCOMPARE(m_kiosk->get(Leases).status, 200);
}

void TstServerLeases::badLeaseRequests_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("no device") << QByteArray(R"({"business":"HJ"})") << 400 << "invalid_input";
    QTest::newRow("bad device") << QByteArray(R"({"business":"HJ","device":"a b"})") << 400 << "invalid_input";
    QTest::newRow("size 0") << QByteArray(R"({"business":"HJ","device":"kiosk-3-device","size":0})") << 400 << "invalid_input";
    QTest::newRow("size too big") << QByteArray(R"({"business":"HJ","device":"kiosk-3-device","size":201})") << 400 << "invalid_input";
    QTest::newRow("unknown field") << QByteArray(R"({"business":"HJ","device":"kiosk-3-device","from":1})") << 400 << "invalid_input";
    QTest::newRow("unknown business") << QByteArray(R"({"business":"XX","device":"kiosk-3-device"})") << 404 << "not_found";
    QTest::newRow("not json") << QByteArray("lease please") << 400 << "malformed_json";
}

void TstServerLeases::badLeaseRequests()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const test::Answer a = m_kiosk->call("POST", Leases, body);
    QVERIFY2(a.status == status && a.errorCode() == code, qPrintable(a.describe()));
    QCOMPARE(m_kiosk->get(Leases).body.value(QStringLiteral("leases")).toArray().size(), 0);
}

void TstServerLeases::aLeaseIsForTheCallersOwnDevice()
{
    const QJsonObject l = lease();
    QVERIFY(!l.isEmpty());
    QCOMPARE(push(1, {offlineEntry(1, l.value(QStringLiteral("from")).toInt(), at(9, 0))}).status, 200); // claims the device
    test::Client other(m_server->port());
    QVERIFY(other.signIn(QStringLiteral("kiosk2"), QStringLiteral("demo-kiosk-2026")));
    const test::Answer a = other.call("POST", Leases, QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("device"), Device}});
    QVERIFY2(a.status == 403 && a.errorCode() == QStringLiteral("wrong_device"), qPrintable(a.describe()));
}

void TstServerLeases::offlineTicketsJoinAtTheirOriginalTime()
{
    const QJsonObject l = lease(10);
    const int from = l.value(QStringLiteral("from")).toInt();
    m_server->clock.set(at(9, 5));
    const test::Answer online = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QCOMPARE(online.status, 201);
    const qint64 onlineId = online.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
    m_server->clock.set(at(9, 20));
    const test::Answer a = push(1, {offlineEntry(1, from + 1, at(9, 10), {{QStringLiteral("number"), number(from + 1)}}),
                                    offlineEntry(2, from, at(9, 2), {{QStringLiteral("source"), QStringLiteral("idcard")},
                                                                     {QStringLiteral("idNumber"), QStringLiteral("11010519491231002X")}})});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    for (int i = 0; i < 2; ++i)
        QVERIFY2(outcomeOf(a, i).value(QStringLiteral("status")).toString() == QStringLiteral("applied"), qPrintable(a.describe()));
    const QJsonObject early = outcomeOf(a, 1).value(QStringLiteral("result")).toObject();
    QCOMPARE(early.value(QStringLiteral("number")).toString(), QStringLiteral("A800"));
    QCOMPARE(early.value(QStringLiteral("issuedAt")).toString(), at(9, 2).toString(Qt::ISODateWithMs));
    QCOMPARE(early.value(QStringLiteral("peopleAhead")).toInt(), 0);
    // The ticket issued online at 09:05 now has the 09:02 one ahead of it.
    const test::Answer t = m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/tickets/%1").arg(onlineId));
    QCOMPARE(t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("peopleAhead")).toInt(), 1);
    QStringList called;
    for (int i = 0; i < 3; ++i) {
        const test::Answer c = m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), QJsonObject{});
        called.append(c.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString());
    }
    QCOMPARE(called, (QStringList{QStringLiteral("A800"), QStringLiteral("A001"), QStringLiteral("A801")})); // 09:02, 09:05 online, 09:10
    QCOMPARE(m_kiosk->get(Leases).body.value(QStringLiteral("leases")).toArray().at(0).toObject().value(QStringLiteral("used")).toInt(), 2);
    // No ID number in the database, only its keyed hash.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM tickets WHERE identity_hash IS NOT NULL")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
}

void TstServerLeases::replaysAreAnsweredFromTheRecord()
{
    const int from = lease().value(QStringLiteral("from")).toInt();
    const QJsonArray entries{offlineEntry(1, from, at(9, 0)), offlineEntry(2, from + 1, at(9, 0))};
    QCOMPARE(push(1, entries).status, 200);
    const int rows = ticketRows();
    const test::Answer again = push(1, entries);
    QVERIFY2(again.status == 200, qPrintable(again.describe()));
    QVERIFY(outcomeOf(again, 0).value(QStringLiteral("replayed")).toBool());
    QCOMPARE(outcomeOf(again, 1).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(ticketRows(), rows);
    // After a server restart too.
    restartServer();
    QVERIFY(outcomeOf(push(1, entries), 1).value(QStringLiteral("replayed")).toBool());
    QCOMPARE(ticketRows(), rows);
}

void TstServerLeases::numbersOutsideTheLeaseAreRejected()
{
    const QJsonObject l = lease(5);
    const int to = l.value(QStringLiteral("to")).toInt();
    const test::Answer a = push(1, {offlineEntry(1, to + 1, at(9, 0)), offlineEntry(2, to, at(9, 0)),
                                    offlineEntry(3, to, at(9, 0), {{QStringLiteral("number"), QStringLiteral("A999")}})});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonObject o = outcomeOf(a, 0);
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
    QCOMPARE(o.value(QStringLiteral("code")).toString(), QStringLiteral("outside_lease"));
    QVERIFY2(o.value(QStringLiteral("message")).toString().contains(number(to + 1)), qPrintable(a.describe()));
    QCOMPARE(outcomeOf(a, 1).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(outcomeOf(a, 2).value(QStringLiteral("code")).toString(), QStringLiteral("invalid_input"));
    // Rejections advance the sequence: nothing behind them waits.
    QCOMPARE(a.body.value(QStringLiteral("lastSeq")).toInt(), 3);
    // Another device's lease is not this device's.
    const int theirs = lease(5, QStringLiteral("kiosk-4-device")).value(QStringLiteral("from")).toInt();
    QCOMPARE(outcomeOf(push(1, {offlineEntry(4, theirs, at(9, 0))}), 0).value(QStringLiteral("code")).toString(), QStringLiteral("outside_lease"));
}

void TstServerLeases::identityConflictsAreKeptVisible()
{
    const int from = lease().value(QStringLiteral("from")).toInt();
    const QString id = QStringLiteral("11010519491231002X");
    const test::Answer online = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"),
                                              QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("source"), QStringLiteral("idcard")},
                                                          {QStringLiteral("idNumber"), id}});
    QCOMPARE(online.status, 201);
    const test::Answer a = push(1, {offlineEntry(1, from, at(9, 0), {{QStringLiteral("source"), QStringLiteral("idcard")}, {QStringLiteral("idNumber"), id}})});
    const QJsonObject o = outcomeOf(a, 0);
    QVERIFY2(o.value(QStringLiteral("status")).toString() == QStringLiteral("conflict") && o.value(QStringLiteral("code")).toString() == QStringLiteral("duplicate"),
             qPrintable(a.describe()));
    QCOMPARE(o.value(QStringLiteral("current")).toObject().value(QStringLiteral("number")), online.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")));
    QVERIFY(!QJsonDocument(a.body).toJson().contains(id.toUtf8()));
    // The pull carries it too, with its reason.
    const test::Answer p = m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/sync/pull?device=%1&epoch=1").arg(Device));
    QCOMPARE(p.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("duplicate"));
}

void TstServerLeases::noNumberIsReusedAfterResetOrRestart()
{
    const QJsonObject first = lease(5);
    const int from = first.value(QStringLiteral("from")).toInt();
    m_server->clock.set(at(9, 30));
    QCOMPARE(outcomeOf(push(1, {offlineEntry(1, from, at(9, 1))}), 0).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    // The client resets: a new epoch of the same device, which forgot what it issued.
    const test::Answer reused = push(2, {offlineEntry(1, from, at(9, 3))});
    QCOMPARE(outcomeOf(reused, 0).value(QStringLiteral("code")).toString(), QStringLiteral("number_used"));
    // The same ticket sent again after the reset is the one already in, not a second one.
    const int rows = ticketRows();
    QCOMPARE(outcomeOf(push(2, {offlineEntry(2, from, at(9, 1))}), 0).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(ticketRows(), rows);
    // A brand-new cache (new device) and a restarted server: new leases start after the old ones.
    restartServer();
    const QJsonObject next = lease(5, QStringLiteral("kiosk-3-new-cache"));
    QCOMPARE(next.value(QStringLiteral("from")).toInt(), first.value(QStringLiteral("to")).toInt() + 1);
    const test::Answer t = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QCOMPARE(t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), number(1));
    QCOMPARE(m_kiosk->get(Leases).body.value(QStringLiteral("leases")).toArray().size(), 2);
}

test::Answer TstServerLeases::handBack(qint64 leaseId, int used, const QString &device)
{
    return m_kiosk->call("POST", Leases + QStringLiteral("/%1/return").arg(leaseId),
                         QJsonObject{{QStringLiteral("device"), device}, {QStringLiteral("used"), used}});
}

int TstServerLeases::remaining(const QString &business)
{
    for (const QJsonValue &b : m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/businesses")).body.value(QStringLiteral("businesses")).toArray()) {
        if (b.toObject().value(QStringLiteral("code")).toString() == business)
            return b.toObject().value(QStringLiteral("remaining")).toInt();
    }
    return -2;
}

void TstServerLeases::aLeaseCanBeHandedBack()
{
    const int before = remaining(QStringLiteral("HJ"));
    const QJsonObject l = lease(10);
    const qint64 id = l.value(QStringLiteral("id")).toInteger();
    const int from = l.value(QStringLiteral("from")).toInt(), to = l.value(QStringLiteral("to")).toInt();
    QCOMPARE(remaining(QStringLiteral("HJ")), before - 10);
    // Two tickets taken in, a third issued offline but not pushed yet: the kiosk used 3.
    QCOMPARE(outcomeOf(push(1, {offlineEntry(1, from, at(9, 0)), offlineEntry(2, from + 1, at(9, 0))}), 1).value(QStringLiteral("status")).toString(),
             QStringLiteral("applied"));
    const test::Answer a = handBack(id, 3);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonObject back = a.body.value(QStringLiteral("lease")).toObject();
    QCOMPARE(back.value(QStringLiteral("returnedFrom")).toInt(), from + 3);
    QCOMPARE(back.value(QStringLiteral("to")).toInt(), to); // the block itself stays, so online numbering stays after it
    QVERIFY(!back.value(QStringLiteral("returnedAt")).toString().isEmpty());
    // The seven numbers handed back hold no quota any more; the third ticket still does.
    QCOMPARE(remaining(QStringLiteral("HJ")), before - 3);
    // The same hand-back again (a lost reply) is answered with the lease as it is.
    const test::Answer again = handBack(id, 3);
    QVERIFY2(again.status == 200 && again.body.value(QStringLiteral("lease")).toObject() == back, qPrintable(again.describe()));
    QCOMPARE(remaining(QStringLiteral("HJ")), before - 3);
    // Another hand-back of it is refused: handed-back numbers never return.
    const test::Answer more = handBack(id, 5);
    QVERIFY2(more.status == 409 && more.errorCode() == QStringLiteral("invalid_state"), qPrintable(more.describe()));
    // The ticket issued before the hand-back comes in; one from the handed-back rest never does.
    const test::Answer p = push(1, {offlineEntry(3, from + 2, at(9, 1)), offlineEntry(4, from + 3, at(9, 1))});
    QCOMPARE(outcomeOf(p, 0).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(outcomeOf(p, 1).value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
    QCOMPARE(outcomeOf(p, 1).value(QStringLiteral("code")).toString(), QStringLiteral("outside_lease"));
    QVERIFY2(outcomeOf(p, 1).value(QStringLiteral("message")).toString().contains(QStringLiteral("handed back")), qPrintable(p.describe()));
    QCOMPARE(remaining(QStringLiteral("HJ")), before - 3);
    // Nobody issues the handed-back numbers: new leases continue after the block (online
    // numbering runs below the lease range), and a handed-back lease is not one of the two a
    // device may hold open.
    const test::Answer online = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QCOMPARE(online.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), number(1));
    QCOMPARE(lease(5).value(QStringLiteral("from")).toInt(), to + 1);
    QCOMPARE(lease(5).value(QStringLiteral("from")).toInt(), to + 6);
    // All of it is kept across a restart.
    restartServer();
    QCOMPARE(outcomeOf(push(1, {offlineEntry(5, from + 4, at(9, 2))}), 0).value(QStringLiteral("code")).toString(), QStringLiteral("outside_lease"));
    QCOMPARE(handBack(id, 3).body.value(QStringLiteral("lease")).toObject().value(QStringLiteral("returnedFrom")).toInt(), from + 3);
    QCOMPARE(remaining(QStringLiteral("HJ")), before - 3 - 1 - 10);
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT returned_from, to_seq FROM leases WHERE id = %1").arg(id)) && q.next());
    QCOMPARE(q.value(0).toInt(), from + 3);
    QCOMPARE(q.value(1).toInt(), to);
    q.finish();
    const test::Answer next = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    QCOMPARE(next.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), number(2));
    QCOMPARE(lease(1, QStringLiteral("kiosk-4-device")).value(QStringLiteral("from")).toInt(), to + 11);
}

void TstServerLeases::badHandBacks_data()
{
    QTest::addColumn<QString>("login");   // who hands back
    QTest::addColumn<QString>("path");    // {id} stands for the lease's id
    QTest::addColumn<QByteArray>("body"); // {device} for the lease's device
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray ok = R"({"device":"{device}","used":2})";
    QTest::newRow("fewer than taken in") << "kiosk1" << "{id}" << QByteArray(R"({"device":"{device}","used":1})") << 409 << "invalid_state";
    QTest::newRow("more than the lease") << "kiosk1" << "{id}" << QByteArray(R"({"device":"{device}","used":11})") << 400 << "invalid_input";
    QTest::newRow("no used") << "kiosk1" << "{id}" << QByteArray(R"({"device":"{device}"})") << 400 << "invalid_input";
    QTest::newRow("unknown field") << "kiosk1" << "{id}" << QByteArray(R"({"device":"{device}","used":2,"to":3})") << 400 << "invalid_input";
    QTest::newRow("not json") << "kiosk1" << "{id}" << QByteArray("give it back") << 400 << "malformed_json";
    QTest::newRow("another device") << "kiosk1" << "{id}" << QByteArray(R"({"device":"kiosk-4-device","used":2})") << 404 << "not_found";
    QTest::newRow("no such lease") << "kiosk1" << "999999" << ok << 404 << "not_found";
    QTest::newRow("not an id") << "kiosk1" << "x1" << ok << 400 << "invalid_input";
    QTest::newRow("another kiosk's") << "kiosk2" << "{id}" << ok << 404 << "not_found";
    QTest::newRow("officer") << "officer01" << "{id}" << ok << 403 << "forbidden";
    QTest::newRow("supervisor") << "supervisor" << "{id}" << ok << 403 << "forbidden";
}

void TstServerLeases::badHandBacks()
{
    QFETCH(QString, login);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const QJsonObject l = lease(10);
    const int from = l.value(QStringLiteral("from")).toInt();
    QCOMPARE(outcomeOf(push(1, {offlineEntry(1, from, at(9, 0)), offlineEntry(2, from + 1, at(9, 0))}), 1).value(QStringLiteral("status")).toString(),
             QStringLiteral("applied"));
    const int quota = remaining(QStringLiteral("HJ"));
    static const QHash<QString, QString> passwords{{QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")}, {QStringLiteral("kiosk2"), QStringLiteral("demo-kiosk-2026")},
                                                   {QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")}, {QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")}};
    test::Client c(m_server->port());
    QVERIFY(c.signIn(login, passwords.value(login)));
    const test::Answer a = c.call("POST", Leases + u'/' + QString(path).replace(QStringLiteral("{id}"), QString::number(l.value(QStringLiteral("id")).toInteger())) + QStringLiteral("/return"),
                                  QByteArray(body).replace("{device}", Device.toUtf8()));
    QVERIFY2(a.status == status && a.errorCode() == code, qPrintable(a.describe()));
    // Nothing changed: the lease is whole, its numbers still come in, the quota as it was.
    QCOMPARE(remaining(QStringLiteral("HJ")), quota);
    QVERIFY(m_kiosk->get(Leases).body.value(QStringLiteral("leases")).toArray().at(0).toObject().value(QStringLiteral("returnedFrom")).isUndefined());
    QCOMPARE(outcomeOf(push(1, {offlineEntry(3, from + 9, at(9, 1))}), 0).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
}

QTEST_GUILESS_MAIN(TstServerLeases)
#include "tst_server_leases.moc"
