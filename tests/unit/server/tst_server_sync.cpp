// The sync domain in-process (docs/sync.md): exactly-once push, gaps, epochs, outcomes, the
// change feed with reference data, ratings, and what a failed commit leaves behind.

#include "harness.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QUuid>
#include <QWebSocket>

using namespace hall;

namespace {

QJsonObject entry(qint64 seq, const QString &key, const QString &kind, const QJsonObject &data)
{
    return {{QStringLiteral("seq"), seq}, {QStringLiteral("key"), key}, {QStringLiteral("kind"), kind}, {QStringLiteral("data"), data}};
}

QJsonObject rating(qint64 ticket, int level)
{
    return {{QStringLiteral("ticket"), ticket}, {QStringLiteral("level"), level}};
}

QString key() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

QJsonObject notice(const QString &id, qint64 version, const QString &text)
{
    return {{QStringLiteral("id"), id}, {QStringLiteral("version"), version}, {QStringLiteral("text"), text}};
}

QJsonObject outcomeOf(const test::Answer &a, int i = 0)
{
    return a.body.value(QStringLiteral("outcomes")).toArray().at(i).toObject();
}

} // namespace

class TstServerSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void pushAppliesOnce();
    void gapsAreRefused();
    void rejectionsAdvance();
    void reusedSequence();
    void devicesBelongToTheirAccount();
    void epochs();
    void badEnvelopes_data();
    void badEnvelopes();
    void failedCommitAppliesNothing();
    void replaysSurviveRestart();
    void outcomesComeWithPull();
    void referenceFeed();
    void feedPagesAndReset();
    void feedFormats();
    void badRatingRaisesEvent();
    void noticesAreVersioned();
    void noticeConflictsKeepBothVersions();
    void badNotices_data();
    void badNotices();
    void windowAndOfficerScopes();
    void workRowsSurviveRestart();
    void scopesAreDataScoped();

private:
    test::Answer push(qint64 epoch, const QJsonArray &entries, const QString &device = QStringLiteral("kiosk-device-1"));
    test::Answer pull(const QString &query);
    qint64 servedTicket(const QString &business = QStringLiteral("HJ"));
    // The changes of `kind` in a pull by `who` (device `device`), keyed by entity key.
    static QHash<QString, QJsonObject> rowsOf(const test::Answer &a, const QString &kind);
    void restartServer();
    int ratingRows();

    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_kiosk;
    std::unique_ptr<test::Client> m_officer;
};

void TstServerSync::init()
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

void TstServerSync::cleanup()
{
    m_kiosk.reset();
    m_officer.reset();
    m_server.reset();
}

test::Answer TstServerSync::push(qint64 epoch, const QJsonArray &entries, const QString &device)
{
    return m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                         QJsonObject{{QStringLiteral("device"), device}, {QStringLiteral("epoch"), epoch}, {QStringLiteral("entries"), entries}});
}

test::Answer TstServerSync::pull(const QString &query)
{
    return m_kiosk->get(QStringLiteral("/api/v1/halls/swzx/sync/pull?") + query);
}

// A ticket issued, called and being served at window 1.
qint64 TstServerSync::servedTicket(const QString &business)
{
    const test::Answer t = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), business}});
    if (t.status != 201)
        return 0;
    if (m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), QJsonObject{}).status != 200
        || m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/start"), QJsonObject{}).status != 200)
        return 0;
    return t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
}

int TstServerSync::ratingRows()
{
    QSqlQuery q(m_server->db->connection());
    return q.exec(QStringLiteral("SELECT count(*) FROM ratings")) && q.next() ? q.value(0).toInt() : -1;
}

void TstServerSync::pushAppliesOnce()
{
    const qint64 ticket = servedTicket();
    QVERIFY(ticket);
    const QJsonArray entries{entry(1, key(), QStringLiteral("rating"), rating(ticket, 5))};
    test::Answer a = push(1, entries);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("lastSeq")).toInt(), 1);
    QJsonObject o = a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(ratingRows(), 1);
    // The same request again (its reply was lost): the stored outcome, nothing applied twice.
    a = push(1, entries);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    o = a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QVERIFY(o.value(QStringLiteral("replayed")).toBool());
    QCOMPARE(ratingRows(), 1);
    // The rating carries the window and officer that served the ticket.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT level, window_id, officer_id FROM ratings")) && q.next());
    QCOMPARE(q.value(0).toInt(), 5);
    QVERIFY(q.value(1).toLongLong() > 0 && q.value(2).toLongLong() > 0);
}

void TstServerSync::gapsAreRefused()
{
    const qint64 ticket = servedTicket();
    test::Answer a = push(1, {entry(2, key(), QStringLiteral("rating"), rating(ticket, 4))});
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("sequence_gap"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("expectedSeq")).toInt(), 1);
    QCOMPARE(ratingRows(), 0);
}

void TstServerSync::rejectionsAdvance()
{
    const qint64 ticket = servedTicket();
    // Unknown ticket, bad level, unknown kind, then a good one: the bad ones are rejected for
    // good, and nothing behind them waits.
    test::Answer a = push(1, {entry(1, key(), QStringLiteral("rating"), rating(987654321, 5)),
                              entry(2, key(), QStringLiteral("rating"), rating(ticket, 9)),
                              entry(3, key(), QStringLiteral("mystery"), {}),
                              entry(4, key(), QStringLiteral("rating"), rating(ticket, 3)),
                              entry(5, key(), QStringLiteral("rating"), rating(ticket, 2))});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonArray o = a.body.value(QStringLiteral("outcomes")).toArray();
    QCOMPARE(o.size(), 5);
    QCOMPARE(o.at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    QCOMPARE(o.at(1).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_input"));
    QCOMPARE(o.at(2).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("unknown_kind"));
    QCOMPARE(o.at(3).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    // Once per service: the second rating of the same ticket in the same request is refused.
    QCOMPARE(o.at(4).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("already_rated"));
    QCOMPARE(a.body.value(QStringLiteral("lastSeq")).toInt(), 5);
    QCOMPARE(ratingRows(), 1);
    // A ticket that was never served cannot be rated.
    const test::Answer waiting = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
    const qint64 w = waiting.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
    a = push(1, {entry(6, key(), QStringLiteral("rating"), rating(w, 5))});
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_state"));
}

void TstServerSync::reusedSequence()
{
    const qint64 ticket = servedTicket();
    QCOMPARE(push(1, {entry(1, key(), QStringLiteral("rating"), rating(ticket, 5))}).status, 200);
    const test::Answer a = push(1, {entry(1, key(), QStringLiteral("rating"), rating(ticket, 1))});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("sequence_reused"));
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT level FROM ratings")) && q.next());
    QCOMPARE(q.value(0).toInt(), 5);
}

void TstServerSync::devicesBelongToTheirAccount()
{
    const qint64 ticket = servedTicket();
    QCOMPARE(push(1, {entry(1, key(), QStringLiteral("rating"), rating(ticket, 5))}).status, 200);
    // Another kiosk account may neither push nor pull as this device.
    test::Client other(m_server->port());
    QVERIFY(other.signIn(QStringLiteral("kiosk2"), QStringLiteral("demo-kiosk-2026")));
    test::Answer a = other.call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                                QJsonObject{{QStringLiteral("device"), QStringLiteral("kiosk-device-1")}, {QStringLiteral("epoch"), 1},
                                            {QStringLiteral("entries"), QJsonArray{entry(2, key(), QStringLiteral("rating"), rating(ticket, 1))}}});
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("wrong_device"), qPrintable(a.describe()));
    a = other.get(QStringLiteral("/api/v1/halls/swzx/sync/pull?device=kiosk-device-1&epoch=1"));
    QVERIFY2(a.status == 403, qPrintable(a.describe()));
}

void TstServerSync::epochs()
{
    const qint64 t1 = servedTicket();
    QCOMPARE(push(1, {entry(1, key(), QStringLiteral("rating"), rating(t1, 5))}).status, 200);
    // A reset: epoch 2 starts again at 1.
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);
    const qint64 t2 = servedTicket();
    test::Answer a = push(2, {entry(2, key(), QStringLiteral("rating"), rating(t2, 4))});
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("sequence_gap"), qPrintable(a.describe()));
    a = push(2, {entry(1, key(), QStringLiteral("rating"), rating(t2, 4))});
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("epoch")).toInt() == 2, qPrintable(a.describe()));
    // The old epoch is over, for push and pull.
    a = push(1, {entry(2, key(), QStringLiteral("rating"), rating(t2, 4))});
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("stale_epoch"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("epoch")).toInt(), 2);
    a = pull(QStringLiteral("device=kiosk-device-1&epoch=1"));
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("reset_required"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("reason")).toString(), QStringLiteral("stale_epoch"));
    QCOMPARE(ratingRows(), 2);
}

void TstServerSync::badEnvelopes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    const QByteArray e1 = R"({"seq":1,"key":"k1","kind":"rating","data":{}})";
    QTest::newRow("not consecutive") << QByteArray(R"({"device":"kiosk-device-1","epoch":1,"entries":[)" + e1 + R"(,{"seq":3,"key":"k3","kind":"rating","data":{}}]})") << 400;
    QTest::newRow("unknown field") << QByteArray(R"({"device":"kiosk-device-1","epoch":1,"colour":1,"entries":[)" + e1 + "]}") << 400;
    QTest::newRow("entry without key") << QByteArray(R"({"device":"kiosk-device-1","epoch":1,"entries":[{"seq":1,"kind":"rating","data":{}}]})") << 400;
    QTest::newRow("no entries") << QByteArray(R"({"device":"kiosk-device-1","epoch":1,"entries":[]})") << 400;
    QTest::newRow("bad device") << QByteArray(R"({"device":"x","epoch":1,"entries":[)" + e1 + "]}") << 400;
    QTest::newRow("epoch 0") << QByteArray(R"({"device":"kiosk-device-1","epoch":0,"entries":[)" + e1 + "]}") << 400;
    QByteArray many = R"({"device":"kiosk-device-1","epoch":1,"entries":[)";
    for (int i = 1; i <= 1001; ++i)
        many += (i > 1 ? "," : "") + QByteArray(R"({"seq":)") + QByteArray::number(i) + R"(,"key":"k)" + QByteArray::number(i) + R"(","kind":"rating","data":{}})";
    QTest::newRow("1001 entries") << many + "]}" << 400;
    QTest::newRow("over 4 MiB") << QByteArray(R"({"device":"kiosk-device-1","epoch":1,"entries":[],"pad":")") + QByteArray(5 * 1024 * 1024, 'a') + "\"}" << 413;
}

void TstServerSync::badEnvelopes()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    const test::Answer a = m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"), body);
    QVERIFY2(a.status == status, qPrintable(a.describe()));
    // Nothing was recorded: the device's first entry is still seq 1.
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sync_devices")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

void TstServerSync::failedCommitAppliesNothing()
{
    const qint64 ticket = servedTicket();
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 1")));
    const QString k = key();
    test::Answer a = push(1, {entry(1, k, QStringLiteral("rating"), rating(ticket, 5))});
    QVERIFY2(a.status == 503, qPrintable(a.describe()));
    QVERIFY(q.exec(QStringLiteral("PRAGMA query_only = 0")));
    QCOMPARE(ratingRows(), 0);
    // The retry is a first application, not a replay of something that never committed.
    a = push(1, {entry(1, k, QStringLiteral("rating"), rating(ticket, 5))});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonObject o = a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QVERIFY(!o.value(QStringLiteral("replayed")).toBool());
    QCOMPARE(ratingRows(), 1);
}

void TstServerSync::replaysSurviveRestart()
{
    const qint64 ticket = servedTicket();
    const QJsonArray entries{entry(1, key(), QStringLiteral("rating"), rating(ticket, 5))};
    QCOMPARE(push(1, entries).status, 200);
    // A new server process on the same database.
    restartServer();
    const test::Answer a = push(1, entries);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QVERIFY(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("replayed")).toBool());
    QCOMPARE(ratingRows(), 1);
    QCOMPARE(push(1, {entry(3, key(), QStringLiteral("rating"), rating(ticket, 5))}).errorCode(), QStringLiteral("sequence_gap"));
}

void TstServerSync::outcomesComeWithPull()
{
    const qint64 ticket = servedTicket();
    QCOMPARE(push(1, {entry(1, key(), QStringLiteral("rating"), rating(ticket, 5)),
                      entry(2, key(), QStringLiteral("rating"), rating(ticket, 5))}).status, 200);
    test::Answer a = pull(QStringLiteral("device=kiosk-device-1&epoch=1&outcomesAfter=0"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QJsonArray o = a.body.value(QStringLiteral("outcomes")).toArray();
    QCOMPARE(o.size(), 2);
    QCOMPARE(o.at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(o.at(1).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("already_rated"));
    QCOMPARE(a.body.value(QStringLiteral("lastSeq")).toInt(), 2);
    a = pull(QStringLiteral("device=kiosk-device-1&epoch=1&outcomesAfter=1"));
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().size(), 1);
}

void TstServerSync::referenceFeed()
{
    test::Answer a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonArray all = a.body.value(QStringLiteral("changes")).toArray();
    int businesses = 0, windows = 0, halls = 0;
    for (const QJsonValue &v : all) {
        const QString kind = v.toObject().value(QStringLiteral("kind")).toString();
        businesses += kind == QLatin1String("business");
        windows += kind == QLatin1String("window");
        halls += kind == QLatin1String("hall");
    }
    QCOMPARE(businesses, 8);
    QCOMPARE(windows, 12);
    QCOMPARE(halls, 1);
    const qint64 checkpoint = a.body.value(QStringLiteral("checkpoint")).toInteger();
    QCOMPARE(checkpoint, all.last().toObject().value(QStringLiteral("seq")).toInteger());
    // Nothing changed: an incremental pull is empty, and a restart publishes nothing new.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=%1").arg(checkpoint));
    QCOMPARE(a.body.value(QStringLiteral("changes")).toArray().size(), 0);

    // A business renamed: exactly that one comes, with its version raised.
    test::Client admin(m_server->port());
    QVERIFY(admin.signIn(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
    QJsonObject cfg = admin.get(QStringLiteral("/api/v1/halls/swzx/config")).body;
    QJsonArray bs = cfg.value(QStringLiteral("businesses")).toArray();
    QJsonObject b0 = bs.at(0).toObject();
    b0[QStringLiteral("name")] = QStringLiteral("户籍业务（新）");
    bs[0] = b0;
    cfg[QStringLiteral("businesses")] = bs;
    QCOMPARE(admin.call("PUT", QStringLiteral("/api/v1/halls/swzx/config"), cfg).status, 200);
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=%1").arg(checkpoint));
    const QJsonArray changed = a.body.value(QStringLiteral("changes")).toArray();
    QCOMPARE(changed.size(), 1);
    const QJsonObject ch = changed.at(0).toObject();
    QCOMPARE(ch.value(QStringLiteral("key")).toString(), b0.value(QStringLiteral("code")).toString());
    QCOMPARE(ch.value(QStringLiteral("version")).toInt(), 2);
    QCOMPARE(ch.value(QStringLiteral("data")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("户籍业务（新）"));
    QVERIFY(ch.value(QStringLiteral("seq")).toInteger() > checkpoint);
    // A full pull still holds one row per entity, not history.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0"));
    QCOMPARE(a.body.value(QStringLiteral("changes")).toArray().size(), all.size());
}

void TstServerSync::feedPagesAndReset()
{
    test::Answer a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0&limit=5"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("changes")).toArray().size(), 5);
    QVERIFY(a.body.value(QStringLiteral("more")).toBool());
    int total = 5;
    qint64 checkpoint = a.body.value(QStringLiteral("checkpoint")).toInteger();
    while (a.body.value(QStringLiteral("more")).toBool()) {
        a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&limit=5&since=%1").arg(checkpoint));
        total += a.body.value(QStringLiteral("changes")).toArray().size();
        checkpoint = a.body.value(QStringLiteral("checkpoint")).toInteger();
    }
    QCOMPARE(total, 21);
    // A checkpoint the server never handed out (its database was replaced): reset.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=%1").arg(checkpoint + 100));
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("reset_required"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("reason")).toString(), QStringLiteral("checkpoint_ahead"));
    QCOMPARE(pull(QStringLiteral("device=kiosk-device-9&epoch=1&limit=0")).status, 400);
    QCOMPARE(pull(QStringLiteral("device=kiosk-device-9&epoch=1&scopes=secrets")).status, 400);
}

// The feed's format (docs/sync.md, "Feed format"): a client says what it reads and what its
// rows were built from; rows that cannot be carried over get a reset, a client that reads nothing
// the server sends an upgrade — and a client from before formats reads format 1.
void TstServerSync::feedFormats()
{
    const auto reason = [](const test::Answer &a) { return a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("reason")).toString(); };
    test::Answer a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("format")).toInt() == 1, qPrintable(a.describe()));
    const qint64 checkpoint = a.body.value(QStringLiteral("checkpoint")).toInteger();
    QVERIFY(checkpoint > 0);
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=1&rows=1&since=%1").arg(checkpoint));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    // A client that reads a newer format is answered in the server's.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=3&rows=1&since=%1").arg(checkpoint));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("format")).toInt() == 1, qPrintable(a.describe()));
    // Rows it built from a newer server's format 2 (this one was rolled back) are not carried over.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=2&rows=2&since=%1").arg(checkpoint));
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("reset_required") && reason(a) == QLatin1String("feed_format"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("format")).toInt(), 1);
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("rows")).toInt(), 2);
    // …unless the cache starts from nothing anyway.
    QCOMPARE(pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=2&rows=2&since=0")).status, 200);
    for (const QString &bad : {QStringLiteral("format=0"), QStringLiteral("format=x"), QStringLiteral("rows=-1")})
        QCOMPARE(pull(QStringLiteral("device=kiosk-device-9&epoch=1&") + bad).status, 400);

    // The server upgraded to format 2, still answering format 1.
    m_server->feedFormat = 2;
    m_server->oldestFeedFormat = 1;
    restartServer();
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=1&rows=1&since=%1").arg(checkpoint));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("format")).toInt() == 1, qPrintable(a.describe()));
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=%1").arg(checkpoint)); // a client from before formats
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("format")).toInt() == 1, qPrintable(a.describe()));
    // The PC's app upgraded too: its rows of format 1 must make way for a snapshot of format 2.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=2&rows=1&since=%1").arg(checkpoint));
    QVERIFY2(a.status == 409 && reason(a) == QLatin1String("feed_format"), qPrintable(a.describe()));
    QVERIFY2(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("reset")),
             qPrintable(a.describe()));
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=2&rows=1&since=0"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("format")).toInt() == 2, qPrintable(a.describe()));

    // Format 1 no longer sent: a client that reads only it must be upgraded; nothing else changed.
    m_server->oldestFeedFormat = 2;
    restartServer();
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&format=1&rows=1&since=%1").arg(checkpoint));
    QVERIFY2(a.status == 409 && a.errorCode() == QLatin1String("upgrade_required"), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("oldestFormat")).toInt(), 2);
    QVERIFY2(a.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("Install")),
             qPrintable(a.describe()));
    QCOMPARE(pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0")).errorCode(), QStringLiteral("upgrade_required"));
    // Its writes still go in: a push carries no feed.
    const qint64 t = servedTicket();
    QCOMPARE(push(1, {entry(1, key(), QStringLiteral("rating"), rating(t, 5))}).status, 200);
    QCOMPARE(ratingRows(), 1);
}

void TstServerSync::badRatingRaisesEvent()
{
    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QWebSocket ws;
    QStringList types;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) {
        types.append(QJsonDocument::fromJson(m.toUtf8()).object().value(QStringLiteral("type")).toString());
    });
    ws.open(test::eventRequest(m_server->port(), supervisor.token));
    QTRY_VERIFY_WITH_TIMEOUT(types.contains(QStringLiteral("hello")), 5000);
    const qint64 ticket = servedTicket();
    QCOMPARE(push(1, {entry(1, key(), QStringLiteral("rating"), rating(ticket, 1))}).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(types.contains(QStringLiteral("rating.bad")), 5000);
    ws.close();
}

// Notices, the first versioned kind: each applied edit raises the version, the change goes into
// the hall scope of the feed and onto the event stream after the commit.
void TstServerSync::noticesAreVersioned()
{
    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QWebSocket ws;
    QList<QJsonObject> events;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) { events.append(QJsonDocument::fromJson(m.toUtf8()).object()); });
    ws.open(test::eventRequest(m_server->port(), supervisor.token));
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 5000);
    auto pushAs = [&](qint64 seq, const QJsonObject &data) {
        return supervisor.call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                               QJsonObject{{QStringLiteral("device"), QStringLiteral("supervisor-pc-1")}, {QStringLiteral("epoch"), 1},
                                           {QStringLiteral("entries"), QJsonArray{entry(seq, key(), QStringLiteral("notice"), data)}}});
    };
    test::Answer a = pushAs(1, notice(QStringLiteral("N1"), 0, QStringLiteral("今日下午窗口3暂停服务")));
    QVERIFY2(a.status == 200 && outcomeOf(a).value(QStringLiteral("status")) == QLatin1String("applied"), qPrintable(a.describe()));
    QCOMPARE(outcomeOf(a).value(QStringLiteral("result")).toObject().value(QStringLiteral("version")).toInt(), 1);
    a = pushAs(2, notice(QStringLiteral("N1"), 1, QStringLiteral("窗口3恢复服务")));
    QCOMPARE(outcomeOf(a).value(QStringLiteral("result")).toObject().value(QStringLiteral("version")).toInt(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(events.cbegin(), events.cend(), [](const QJsonObject &e) {
        return e.value(QStringLiteral("type")) == QLatin1String("notice.changed");
    }) == 2, 5000);

    // The hall scope holds the latest version only; the ref scope does not carry it.
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0&scopes=hall"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QJsonArray changes = a.body.value(QStringLiteral("changes")).toArray();
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.at(0).toObject().value(QStringLiteral("version")).toInt(), 2);
    QCOMPARE(changes.at(0).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("窗口3恢复服务"));
    a = pull(QStringLiteral("device=kiosk-device-9&epoch=1&since=0&scopes=ref"));
    for (const QJsonValue &v : a.body.value(QStringLiteral("changes")).toArray())
        QVERIFY(v.toObject().value(QStringLiteral("kind")) != QLatin1String("notice"));

    // Deleted, then made anew from version 0; versions keep counting.
    QJsonObject del = notice(QStringLiteral("N1"), 2, {});
    del.insert(QStringLiteral("deleted"), true);
    del.remove(QStringLiteral("text"));
    QCOMPARE(outcomeOf(pushAs(3, del)).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    a = pushAs(4, notice(QStringLiteral("N1"), 0, QStringLiteral("新通知")));
    QCOMPARE(outcomeOf(a).value(QStringLiteral("result")).toObject().value(QStringLiteral("version")).toInt(), 4);
    ws.close();
}

// Two PCs edit the same version: the second is a conflict carrying the server's version, the
// notice keeps the first edit, and the sequence moves on for entries behind it.
void TstServerSync::noticeConflictsKeepBothVersions()
{
    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    auto pushFrom = [&](const QString &device, qint64 seq, const QJsonArray &entries) {
        return supervisor.call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                               QJsonObject{{QStringLiteral("device"), device}, {QStringLiteral("epoch"), 1}, {QStringLiteral("entries"), entries}});
    };
    QCOMPARE(outcomeOf(pushFrom(QStringLiteral("pc-a-0001"), 1, {entry(1, key(), QStringLiteral("notice"), notice(QStringLiteral("N2"), 0, QStringLiteral("A")))}))
                 .value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(outcomeOf(pushFrom(QStringLiteral("pc-a-0001"), 2, {entry(2, key(), QStringLiteral("notice"), notice(QStringLiteral("N2"), 1, QStringLiteral("A2")))}))
                 .value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    // PC b edited version 1 offline, and makes a second, unrelated edit behind it.
    const test::Answer a = pushFrom(QStringLiteral("pc-b-0001"), 1,
                                    {entry(1, key(), QStringLiteral("notice"), notice(QStringLiteral("N2"), 1, QStringLiteral("B"))),
                                     entry(2, key(), QStringLiteral("notice"), notice(QStringLiteral("N3"), 0, QStringLiteral("B3")))});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonObject c = outcomeOf(a, 0);
    QCOMPARE(c.value(QStringLiteral("status")).toString(), QStringLiteral("conflict"));
    QCOMPARE(c.value(QStringLiteral("code")).toString(), QStringLiteral("version_mismatch"));
    QVERIFY(c.value(QStringLiteral("message")).toString().contains(QStringLiteral("N2")));
    QCOMPARE(c.value(QStringLiteral("current")).toObject().value(QStringLiteral("version")).toInt(), 2);
    QCOMPARE(c.value(QStringLiteral("current")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("A2"));
    QCOMPARE(outcomeOf(a, 1).value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(a.body.value(QStringLiteral("lastSeq")).toInt(), 2);
    // The conflict is kept and comes with the pull, for a person to decide.
    const test::Answer p = supervisor.get(QStringLiteral("/api/v1/halls/swzx/sync/pull?device=pc-b-0001&epoch=1&since=0&scopes=hall"));
    QCOMPARE(outcomeOf(p, 0).value(QStringLiteral("status")).toString(), QStringLiteral("conflict"));
    for (const QJsonValue &v : p.body.value(QStringLiteral("changes")).toArray()) {
        if (v.toObject().value(QStringLiteral("key")) == QLatin1String("N2"))
            QCOMPARE(v.toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("A2"));
    }
}

void TstServerSync::badNotices_data()
{
    QTest::addColumn<QJsonObject>("data");
    QTest::addColumn<QString>("code");
    QTest::newRow("no id") << QJsonObject{{QStringLiteral("version"), 0}, {QStringLiteral("text"), QStringLiteral("x")}} << QStringLiteral("invalid_input");
    QTest::newRow("bad id") << notice(QStringLiteral("a b"), 0, QStringLiteral("x")) << QStringLiteral("invalid_input");
    QTest::newRow("no text") << notice(QStringLiteral("N1"), 0, {}) << QStringLiteral("invalid_input");
    QTest::newRow("too long") << notice(QStringLiteral("N1"), 0, QString(501, u'字')) << QStringLiteral("invalid_input");
    QTest::newRow("negative version") << notice(QStringLiteral("N1"), -1, QStringLiteral("x")) << QStringLiteral("invalid_input");
    QJsonObject until = notice(QStringLiteral("N1"), 0, QStringLiteral("x"));
    until.insert(QStringLiteral("until"), QStringLiteral("tomorrow"));
    QTest::newRow("bad until") << until << QStringLiteral("invalid_input");
    QJsonObject unknown = notice(QStringLiteral("N1"), 0, QStringLiteral("x"));
    unknown.insert(QStringLiteral("colour"), QStringLiteral("red"));
    QTest::newRow("unknown field") << unknown << QStringLiteral("invalid_input");
    QJsonObject del{{QStringLiteral("id"), QStringLiteral("N9")}, {QStringLiteral("version"), 0}, {QStringLiteral("deleted"), true}};
    QTest::newRow("delete what is not there") << del << QStringLiteral("not_found");
}

// Bad notices are rejected with a reason and change nothing; a kiosk may not edit notices.
void TstServerSync::badNotices()
{
    QFETCH(QJsonObject, data);
    QFETCH(QString, code);
    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    const test::Answer a = supervisor.call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                                           QJsonObject{{QStringLiteral("device"), QStringLiteral("supervisor-pc-1")}, {QStringLiteral("epoch"), 1},
                                                       {QStringLiteral("entries"), QJsonArray{entry(1, key(), QStringLiteral("notice"), data)}}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(outcomeOf(a).value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
    QCOMPARE(outcomeOf(a).value(QStringLiteral("code")).toString(), code);
    // From a kiosk: refused whatever it says.
    const test::Answer k = push(1, {entry(1, key(), QStringLiteral("notice"), notice(QStringLiteral("N1"), 0, QStringLiteral("x")))});
    QCOMPARE(outcomeOf(k).value(QStringLiteral("code")).toString(), QStringLiteral("forbidden"));
    QCOMPARE(pull(QStringLiteral("device=kiosk-device-1&epoch=1&since=0&scopes=hall")).body.value(QStringLiteral("changes")).toArray().size(), 0);
}


QHash<QString, QJsonObject> TstServerSync::rowsOf(const test::Answer &a, const QString &kind)
{
    QHash<QString, QJsonObject> rows;
    for (const QJsonValue &v : a.body.value(QStringLiteral("changes")).toArray()) {
        if (v.toObject().value(QStringLiteral("kind")).toString() == kind)
            rows.insert(v.toObject().value(QStringLiteral("key")).toString(), v.toObject());
    }
    return rows;
}

void TstServerSync::restartServer()
{
    QString err;
    QVERIFY2(m_server->restart(m_server->port(), &err), qPrintable(err));
}

// What a window served and an officer's day come down to the officer's PC by pull (window and
// officer scopes), each a row that a rating and the finish update, committed with the queue.
void TstServerSync::windowAndOfficerScopes()
{
    const QString officerPull = QStringLiteral("/api/v1/halls/swzx/sync/pull?device=officer-pc-0001&epoch=1&since=%1");
    const qint64 first = servedTicket();
    QVERIFY(first);
    // Rated while being served (the customer screen), then finished.
    QCOMPARE(outcomeOf(push(1, {entry(1, key(), QStringLiteral("rating"), rating(first, 5))})).value(QStringLiteral("status")).toString(),
             QStringLiteral("applied"));
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);

    test::Answer a = m_officer->get(officerPull.arg(0));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QHash<QString, QJsonObject> served = rowsOf(a, QStringLiteral("served"));
    QCOMPARE(served.size(), 1);
    const QJsonObject row = served.cbegin().value();
    QCOMPARE(row.value(QStringLiteral("scope")).toString(), QStringLiteral("window:1"));
    const QJsonObject data = row.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("ticket")).toInteger(), first);
    QCOMPARE(data.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    QCOMPARE(data.value(QStringLiteral("business")).toString(), QStringLiteral("HJ"));
    QCOMPARE(data.value(QStringLiteral("rating")).toInt(), 5);
    QVERIFY(data.contains(QStringLiteral("finishedAt")) && data.value(QStringLiteral("serviceSeconds")).toInteger() >= 0);
    QCOMPARE(row.value(QStringLiteral("version")).toInt(), 2); // rated, then finished
    const qint64 officer = data.value(QStringLiteral("officer")).toInteger();
    QVERIFY(officer > 0);
    const QHash<QString, QJsonObject> days = rowsOf(a, QStringLiteral("workday"));
    QCOMPARE(days.size(), 1);
    QCOMPARE(days.cbegin()->value(QStringLiteral("scope")).toString(), QStringLiteral("officer:%1").arg(officer));
    QJsonObject day = days.cbegin()->value(QStringLiteral("data")).toObject();
    QCOMPARE(day.value(QStringLiteral("served")).toInt(), 1);
    QCOMPARE(day.value(QStringLiteral("ratings")).toObject().value(QStringLiteral("5")).toInt(), 1);

    // The next ticket: an incremental pull carries exactly its row and the day's new totals.
    const qint64 checkpoint = a.body.value(QStringLiteral("checkpoint")).toInteger();
    const qint64 second = servedTicket();
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);
    a = m_officer->get(officerPull.arg(checkpoint));
    QCOMPARE(a.body.value(QStringLiteral("changes")).toArray().size(), 2);
    QCOMPARE(rowsOf(a, QStringLiteral("served")).cbegin()->value(QStringLiteral("data")).toObject().value(QStringLiteral("ticket")).toInteger(), second);
    day = rowsOf(a, QStringLiteral("workday")).cbegin()->value(QStringLiteral("data")).toObject();
    QCOMPARE(day.value(QStringLiteral("served")).toInt(), 2);
    QCOMPARE(day.value(QStringLiteral("ratings")).toObject().value(QStringLiteral("5")).toInt(), 1);
    // A recall of nothing, a pause: no served row moves.
    const qint64 after = a.body.value(QStringLiteral("checkpoint")).toInteger();
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/pause"), QJsonObject{{QStringLiteral("type"), QStringLiteral("rest")}}).status, 200);
    QCOMPARE(m_officer->get(officerPull.arg(after)).body.value(QStringLiteral("changes")).toArray().size(), 0);
}

// The window and officer rows continue from the database after a restart: a rating of a ticket
// finished before it updates that ticket's row and counts once in the day.
void TstServerSync::workRowsSurviveRestart()
{
    const qint64 ticket = servedTicket();
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);
    restartServer();
    QCOMPARE(outcomeOf(push(1, {entry(1, key(), QStringLiteral("rating"), rating(ticket, 2))})).value(QStringLiteral("status")).toString(),
             QStringLiteral("applied"));
    const test::Answer a = m_officer->get(QStringLiteral("/api/v1/halls/swzx/sync/pull?device=officer-pc-0001&epoch=1&since=0"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    const QJsonObject row = rowsOf(a, QStringLiteral("served")).cbegin().value();
    QCOMPARE(row.value(QStringLiteral("version")).toInt(), 2);
    QCOMPARE(row.value(QStringLiteral("data")).toObject().value(QStringLiteral("rating")).toInt(), 2);
    QCOMPARE(row.value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    const QJsonObject day = rowsOf(a, QStringLiteral("workday")).cbegin()->value(QStringLiteral("data")).toObject();
    QCOMPARE(day.value(QStringLiteral("served")).toInt(), 1);
    QCOMPARE(day.value(QStringLiteral("ratings")).toObject().value(QStringLiteral("2")).toInt(), 1);
}

// SEC4 in the feed: devices read reference and hall rows only; an officer the window they are
// signed in at and their own day; supervisors everything. Asking for more is a 403, nonsense a 400.
void TstServerSync::scopesAreDataScoped()
{
    servedTicket();
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/finish"), QJsonObject{}).status, 200);
    const QString base = QStringLiteral("/api/v1/halls/swzx/sync/pull?device=%1&epoch=1&since=0");

    test::Answer a = m_kiosk->get(base.arg(QStringLiteral("kiosk-device-1")));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QVERIFY(rowsOf(a, QStringLiteral("served")).isEmpty());
    QVERIFY(rowsOf(a, QStringLiteral("workday")).isEmpty());
    QVERIFY(!rowsOf(a, QStringLiteral("business")).isEmpty());
    QCOMPARE(m_kiosk->get(base.arg(QStringLiteral("kiosk-device-1")) + QStringLiteral("&scopes=window:1")).errorCode(), QStringLiteral("forbidden"));

    const QJsonObject row = rowsOf(m_officer->get(base.arg(QStringLiteral("officer-pc-0001"))), QStringLiteral("served")).cbegin().value();
    const qint64 officer = row.value(QStringLiteral("data")).toObject().value(QStringLiteral("officer")).toInteger();
    QCOMPARE(m_officer->get(base.arg(QStringLiteral("officer-pc-0001")) + QStringLiteral("&scopes=window:2")).errorCode(), QStringLiteral("forbidden"));
    QCOMPARE(m_officer->get(base.arg(QStringLiteral("officer-pc-0001")) + QStringLiteral("&scopes=officer:%1").arg(officer + 1000)).errorCode(),
             QStringLiteral("forbidden"));
    QCOMPARE(m_officer->get(base.arg(QStringLiteral("officer-pc-0001")) + QStringLiteral("&scopes=window:99")).status, 400);
    QCOMPARE(m_officer->get(base.arg(QStringLiteral("officer-pc-0001")) + QStringLiteral("&scopes=officer:x")).status, 400);
    a = m_officer->get(base.arg(QStringLiteral("officer-pc-0001")) + QStringLiteral("&scopes=officer:%1").arg(officer));
    QCOMPARE(rowsOf(a, QStringLiteral("workday")).size(), 1);
    QVERIFY(rowsOf(a, QStringLiteral("business")).isEmpty());
    // Signed out of window 1: its rows are no longer the officer's to read.
    QCOMPARE(m_officer->call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/logout"), QJsonObject{}).status, 200);
    QCOMPARE(m_officer->get(base.arg(QStringLiteral("officer-pc-0001")) + QStringLiteral("&scopes=window:1")).errorCode(), QStringLiteral("forbidden"));
    QVERIFY(rowsOf(m_officer->get(base.arg(QStringLiteral("officer-pc-0001"))), QStringLiteral("served")).isEmpty());

    test::Client supervisor(m_server->port());
    QVERIFY(supervisor.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    a = supervisor.get(base.arg(QStringLiteral("super-pc-0001")) + QStringLiteral("&scopes=window:1,officer:%1").arg(officer));
    QCOMPARE(rowsOf(a, QStringLiteral("served")).size(), 1);
    QCOMPARE(rowsOf(a, QStringLiteral("workday")).size(), 1);
}

QTEST_GUILESS_MAIN(TstServerSync)
#include "tst_server_sync.moc"
