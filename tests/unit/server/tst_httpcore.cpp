// The HTTP core in-process, with a test controller: dispatch by scope, authentication, role and
// hall checks, body limits, and the group commit's reply-after-commit rule.

#include "harness.h"

#include <server/commit.h>
#include <server/controllers.h>
#include <server/halls.h>
#include <server/hallstore.h>
#include <server/httpcore.h>
#include <server/queuestore.h>
#include <server/requestgate.h>
#include <server/sessions.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTcpSocket>

using namespace hall;
using namespace hall::server;

namespace {

// Resident memory of this process (server and client), from /proc.
qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// A client on a raw socket, for what QNetworkAccessManager will not send: a head announcing a
// huge body, streamed from one reused buffer; chunked bodies; pipelined requests.
struct RawClient
{
    QTcpSocket socket;
    QByteArray received;
    qint64 sent = 0;

    bool open(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(5000);
    }
    // Writes `head`, then up to `bodyBytes` zeros in 64 KiB pieces while the server takes them,
    // until an answer is in or the connection ends; `timeoutMs` bounds it all.
    void stream(const QByteArray &head, qint64 bodyBytes, int timeoutMs = 20000)
    {
        const QByteArray piece(64 * 1024, '\0');
        socket.write(head);
        QElapsedTimer t;
        t.start();
        while (!t.hasExpired(timeoutMs) && socket.state() == QAbstractSocket::ConnectedState && !received.contains("\r\n\r\n")) {
            while (sent < bodyBytes && socket.bytesToWrite() < 256 * 1024) {
                const qint64 n = std::min<qint64>(piece.size(), bodyBytes - sent);
                socket.write(piece.constData(), n);
                sent += n;
            }
            QTest::qWait(1); // the server (same thread) reads and answers meanwhile
            received += socket.readAll();
        }
        received += socket.readAll();
    }
    // Waits until `count` answers are in.
    bool await(int count, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (received.count("HTTP/1.1 ") < count && !t.hasExpired(timeoutMs)) {
            QTest::qWait(5);
            received += socket.readAll();
        }
        return received.count("HTTP/1.1 ") >= count;
    }
    int status() const { return received.startsWith("HTTP/1.1 ") ? received.mid(9, 3).toInt() : 0; }
};

struct Log
{
    int written = 0;
    int committed = 0;
    int rolledBack = 0;
    bool failNext = false;
};

// Inserts a row into probe(v); fails on request, as a full disk would.
class ProbeWrite final : public PendingWrite
{
public:
    ProbeWrite(storage::Database *db, Log *log, QString value) : m_db(db), m_log(log), m_value(std::move(value)) {}
    bool write(QString *error) override
    {
        ++m_log->written;
        if (std::exchange(m_log->failNext, false)) {
            *error = QStringLiteral("disk full (test)");
            return false;
        }
        QSqlQuery q(m_db->connection());
        q.prepare(QStringLiteral("INSERT INTO probe (v) VALUES (?)"));
        q.addBindValue(m_value);
        return q.exec();
    }
    void committed() override { ++m_log->committed; }
    void rolledBack() override { ++m_log->rolledBack; }

private:
    storage::Database *m_db;
    Log *m_log;
    QString m_value;
};

class TestController final : public Controller
{
public:
    TestController(storage::Database *db, Log *log) : m_db(db), m_log(log) {}
    QString scope() const override { return QStringLiteral("/api/v1/test"); }
    void registerRoutes(RouteScope &routes) override
    {
        routes.get(QStringLiteral("open"), [](RequestContext &) { return ok({{QStringLiteral("open"), true}}); });
        routes.get(QStringLiteral("staff"), [](RequestContext &c) { return ok({{QStringLiteral("role"), c.role()}}); });
        routes.get(QStringLiteral("read"), [](RequestContext &) { return ok({{QStringLiteral("read"), true}}); });
        routes.post(QStringLiteral("write"), [this](RequestContext &c) {
            c.batch->add(std::make_unique<ProbeWrite>(m_db, m_log, c.body.value(QStringLiteral("v")).toString()));
            return ok({{QStringLiteral("written"), true}});
        });
        routes.post(QStringLiteral("big"), [](RequestContext &c) {
            return ok({{QStringLiteral("size"), c.body.value(QStringLiteral("pad")).toString().size()}});
        }).maxBodyBytes = 8192;
        // A route someone forgot to put in the access table.
        routes.get(QStringLiteral("unruled"), [](RequestContext &) { return ok({{QStringLiteral("unruled"), true}}); });
        routes.post(QStringLiteral("echo/{}"), [](RequestContext &c) {
            return ok({{QStringLiteral("params"), QJsonArray::fromStringList(c.params)}, {QStringLiteral("body"), c.body}});
        });
    }

private:
    storage::Database *m_db;
    Log *m_log;
};

class HallTestController final : public Controller
{
public:
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}/test"); }
    void registerRoutes(RouteScope &routes) override
    {
        routes.get(QStringLiteral("where/{}"), [](RequestContext &c) {
            return ok({{QStringLiteral("hallId"), c.hallId}, {QStringLiteral("params"), QJsonArray::fromStringList(c.params)},
                       {QStringLiteral("engine"), c.engine != nullptr}});
        });
    }
};

} // namespace

class TstHttpCore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void routesByScope();
    void authentication();
    void hallScope();
    void bodyChecks();
    void hugeBodyRefusedUnread();
    void bodyLimitPerRoute();
    void chunkedAndBadLengthsRefused();
    void headTooLargeRefused();
    void pipelinedRequestsStillServed();
    void headInPiecesIsStillJudged();
    void replyAfterCommit();
    void failedCommitAnswers503();

private:
    QTemporaryDir *m_dir = nullptr;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<HallStore> m_hallStore;
    std::unique_ptr<QueueStore> m_queueStore;
    std::unique_ptr<Sessions> m_sessions;
    std::unique_ptr<Halls> m_halls;
    std::unique_ptr<HttpCore> m_core;
    std::unique_ptr<test::Client> m_client;
    core::ManualClock m_clock{QDateTime(QDate(2026, 11, 23), QTime(9, 0))};
    Log m_log;
};

void TstHttpCore::init()
{
    m_log = {};
    m_dir = new QTemporaryDir;
    QString err;
    const QString seeded = test::InProcessServer::seededTemplate(&err);
    QVERIFY2(err.isEmpty() && QFile::copy(seeded, m_dir->filePath(QStringLiteral("hall.db"))), qPrintable(err));
    QVERIFY2(openServerDatabase(m_dir->filePath(QStringLiteral("hall.db")), &m_db, &err) == storage::OpenResult::Ok, qPrintable(err));
    QString summary;
    const QString demo = QString::fromLocal8Bit(qgetenv("HALL_SOURCE_DIR")) + QStringLiteral("/resources/demo/demo-hall.json");
    // A second hall with an officer of its own, to see hall scoping refuse it here.
    QFile f(demo);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject other = QJsonDocument::fromJson(f.readAll()).object();
    other[QStringLiteral("code")] = QStringLiteral("other");
    other[QStringLiteral("accounts")] = QJsonArray{QJsonObject{{QStringLiteral("login"), QStringLiteral("elsewhere")},
                                                               {QStringLiteral("name"), QStringLiteral("别处")},
                                                               {QStringLiteral("role"), QStringLiteral("supervisor")},
                                                               {QStringLiteral("password"), QStringLiteral("elsewhere-2026")}}};
    QFile o(m_dir->filePath(QStringLiteral("other.json")));
    QVERIFY(o.open(QIODevice::WriteOnly));
    o.write(QJsonDocument(other).toJson());
    o.close();
    QVERIFY2(seedHall(m_db.get(), o.fileName(), &summary, &err), qPrintable(err));
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(QStringLiteral("CREATE TABLE probe (v TEXT NOT NULL)")));

    m_accounts = std::make_unique<AccountStore>(m_db.get());
    m_hallStore = std::make_unique<HallStore>(m_db.get(), m_accounts.get());
    m_queueStore = std::make_unique<QueueStore>(m_db.get());
    m_sessions = std::make_unique<Sessions>(m_accounts.get());
    m_halls = std::make_unique<Halls>(m_hallStore.get(), m_queueStore.get(), &m_clock, m_accounts->secret());
    HttpOptions options;
    options.port = 0;
    options.maxBodyBytes = 1024;
    m_core = std::make_unique<HttpCore>(m_db.get(), m_sessions.get(), m_halls.get(), &m_clock, options);
    // The test controllers' rules (the real ones are in accessTable()).
    m_core->allow({"GET", QStringLiteral("/api/v1/test/open"), {roles::Public}, DataScope::Public});
    m_core->allow({"POST", QStringLiteral("/api/v1/test/big"), {roles::Public}, DataScope::Public});
    m_core->allow({"GET", QStringLiteral("/api/v1/test/staff"), {roles::Supervisor, roles::Admin}, DataScope::Account});
    m_core->allow({"GET", QStringLiteral("/api/v1/test/read"), roles::All, DataScope::Account});
    m_core->allow({"POST", QStringLiteral("/api/v1/test/write"), roles::All, DataScope::Account});
    m_core->allow({"POST", QStringLiteral("/api/v1/test/echo/{}"), roles::All, DataScope::Account});
    m_core->allow({"GET", QStringLiteral("/api/v1/halls/{}/test/where/{}"), roles::All, DataScope::Hall});
    m_core->addController(std::make_unique<TestController>(m_db.get(), &m_log));
    m_core->addController(std::make_unique<HallTestController>());
    // Sign-in comes from the real auth controller.
    AuthLimits auth;
    auth.demo = true; // the demo hall's published passwords
    m_core->addController(std::make_unique<AuthController>(m_sessions.get(), m_halls.get(), auth));
    QVERIFY2(m_halls->load(m_core->batch(), &err), qPrintable(err));
    m_core->flush();
    QVERIFY2(m_core->listen(&err), qPrintable(err));
    m_client = std::make_unique<test::Client>(m_core->port());
}

void TstHttpCore::cleanup()
{
    m_client.reset();
    m_core.reset();
    m_halls.reset();
    m_sessions.reset();
    m_queueStore.reset();
    m_hallStore.reset();
    m_accounts.reset();
    m_db.reset();
    delete m_dir;
}

void TstHttpCore::routesByScope()
{
    test::Answer a = m_client->get(QStringLiteral("/api/v1/test/open"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("open")).toBool(), qPrintable(a.describe()));
    a = m_client->get(QStringLiteral("/api/v1/test/nothing"));
    QVERIFY2(a.status == 404 && a.errorCode() == QLatin1String("no_such_endpoint"), qPrintable(a.describe()));
    a = m_client->get(QStringLiteral("/api/v2/test/open"));
    QCOMPARE(a.status, 404);
    a = m_client->call("POST", QStringLiteral("/api/v1/test/open"), QJsonObject{});
    QVERIFY2(a.status == 405 && a.errorCode() == QLatin1String("method_not_allowed"), qPrintable(a.describe()));

    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    a = m_client->call("POST", QStringLiteral("/api/v1/test/echo/abc"), QJsonObject{{QStringLiteral("x"), 1}});
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("params")).toArray(), QJsonArray{QStringLiteral("abc")});
    QCOMPARE(a.body.value(QStringLiteral("body")).toObject().value(QStringLiteral("x")).toInt(), 1);
}

void TstHttpCore::authentication()
{
    test::Answer a = m_client->get(QStringLiteral("/api/v1/test/read"));
    QVERIFY2(a.status == 401 && a.errorCode() == QLatin1String("unauthenticated"), qPrintable(a.describe()));
    m_client->token = QStringLiteral("not-a-token");
    a = m_client->get(QStringLiteral("/api/v1/test/read"));
    QCOMPARE(a.status, 401);

    QVERIFY(m_client->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
    a = m_client->get(QStringLiteral("/api/v1/test/read"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    a = m_client->get(QStringLiteral("/api/v1/test/staff"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("forbidden"), qPrintable(a.describe()));

    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/test/staff")).status, 200);
    QVERIFY(m_client->signIn(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/test/staff")).status, 200);
    // A route without a rule in the access table is nobody's, not everybody's.
    a = m_client->get(QStringLiteral("/api/v1/test/unruled"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("forbidden"), qPrintable(a.describe()));
}

void TstHttpCore::hallScope()
{
    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    qint64 swzx = 0;
    QVERIFY(m_halls->engineFor(QStringLiteral("swzx"), &swzx));
    test::Answer a = m_client->get(QStringLiteral("/api/v1/halls/swzx/test/where/7"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("hallId")).toInteger(), swzx);
    QVERIFY(a.body.value(QStringLiteral("engine")).toBool());
    QCOMPARE(a.body.value(QStringLiteral("params")).toArray(), (QJsonArray{QStringLiteral("swzx"), QStringLiteral("7")}));

    a = m_client->get(QStringLiteral("/api/v1/halls/nowhere/test/where/7"));
    QVERIFY2(a.status == 404 && a.errorCode() == QLatin1String("not_found"), qPrintable(a.describe()));
    a = m_client->get(QStringLiteral("/api/v1/halls/other/test/where/7"));
    QVERIFY2(a.status == 403, qPrintable(a.describe()));

    QVERIFY(m_client->signIn(QStringLiteral("elsewhere"), QStringLiteral("elsewhere-2026")));
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/halls/other/test/where/1")).status, 200);
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/halls/swzx/test/where/1")).status, 403);
}

void TstHttpCore::bodyChecks()
{
    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    const QString path = QStringLiteral("/api/v1/test/echo/x");
    test::Answer a = m_client->call("POST", path, QByteArray(2000, 'a'));
    QVERIFY2(a.status == 413 && a.errorCode() == QLatin1String("body_too_large"), qPrintable(a.describe()));
    a = m_client->call("POST", path, QByteArray("{}"), "text/plain");
    QVERIFY2(a.status == 415, qPrintable(a.describe()));
    a = m_client->call("POST", path, QByteArray("{\"x\": "));
    QVERIFY2(a.status == 400 && a.errorCode() == QLatin1String("malformed_json"), qPrintable(a.describe()));
    a = m_client->call("POST", path, QByteArray("[1, 2]"));
    QVERIFY2(a.status == 400 && a.errorCode() == QLatin1String("malformed_json"), qPrintable(a.describe()));
    // An empty body is an empty object.
    a = m_client->call("POST", path, QByteArray());
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
}

void TstHttpCore::hugeBodyRefusedUnread()
{
    // 1 GiB announced and streamed from one 64 KiB buffer: refused from its head, before the
    // server reads the body into memory (QHttpServer alone would hold it twice).
    const qint64 gib = qint64(1) << 30;
    const qint64 before = residentKiB();
    RawClient c;
    QVERIFY(c.open(m_core->port()));
    c.stream("POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                 + QByteArray::number(gib) + "\r\n\r\n",
             gib);
    QVERIFY2(c.status() == 413, c.received.left(300).constData());
    QVERIFY(c.received.contains("\"body_too_large\""));
    QVERIFY(c.received.contains("Connection: close"));
    QCOMPARE(m_core->refusedAtGate(), 1);
    const qint64 grown = residentKiB() - before;
    QVERIFY2(grown < 32 * 1024, qPrintable(QStringLiteral("resident memory grew by %1 KiB; %2 bytes were sent").arg(grown).arg(c.sent)));
    QVERIFY2(c.sent < gib / 8, qPrintable(QStringLiteral("%1 bytes went in before the refusal").arg(c.sent)));
    // The server is none the worse.
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/test/open")).status, 200);
}

void TstHttpCore::bodyLimitPerRoute()
{
    // /test/big takes 8 KiB, the core 1 KiB: a 5,000-byte body is fine there, not elsewhere.
    const QByteArray body = "{\"pad\":\"" + QByteArray(5000, 'p') + "\"}";
    test::Answer a = m_client->call("POST", QStringLiteral("/api/v1/test/big"), body);
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("size")).toInt() == 5000, qPrintable(a.describe()));
    a = m_client->call("POST", QStringLiteral("/api/v1/test/open"), body);
    QVERIFY2(a.status == 413 && a.errorCode() == QLatin1String("body_too_large"), qPrintable(a.describe()));
    a = m_client->call("POST", QStringLiteral("/api/v1/no/such/route"), body);
    QVERIFY2(a.status == 413, qPrintable(a.describe()));
    // A body within its limit that arrives in pieces is read and answered.
    RawClient c;
    QVERIFY(c.open(m_core->port()));
    c.socket.write("POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n");
    for (qsizetype at = 0; at < body.size(); at += 700) {
        c.socket.write(body.mid(at, 700));
        c.socket.flush();
        QTest::qWait(5);
    }
    QVERIFY(c.await(1));
    QVERIFY2(c.status() == 200, c.received.constData());
    QCOMPARE(m_core->refusedAtGate(), 2);
}

void TstHttpCore::chunkedAndBadLengthsRefused()
{
    RawClient chunked;
    QVERIFY(chunked.open(m_core->port()));
    chunked.stream("POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n", 0);
    QVERIFY2(chunked.status() == 411 && chunked.received.contains("\"length_required\""), chunked.received.constData());
    for (const QByteArray &length : {QByteArray("-5"), QByteArray("12abc"), QByteArray("99999999999999999999999")}) {
        RawClient c;
        QVERIFY(c.open(m_core->port()));
        c.stream("POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n{}", 0);
        QVERIFY2(c.status() == 400 && c.received.contains("\"invalid_input\""), QByteArray(length + ": " + c.received).constData());
    }
    QCOMPARE(m_core->refusedAtGate(), 4);
}

void TstHttpCore::headTooLargeRefused()
{
    RawClient c;
    QVERIFY(c.open(m_core->port()));
    QByteArray head = "GET /api/v1/test/open HTTP/1.1\r\nHost: x\r\n";
    while (head.size() <= RequestGate::MaxHeadBytes)
        head += "X-Filler: " + QByteArray(100, 'f') + "\r\n";
    c.stream(head, 0);
    QVERIFY2(c.status() == 431 && c.received.contains("\"head_too_large\""), c.received.left(300).constData());
}

void TstHttpCore::pipelinedRequestsStillServed()
{
    // The gate follows QHttpServer's framing: requests sent back to back on one connection,
    // with and without bodies, are each answered, in order.
    RawClient c;
    QVERIFY(c.open(m_core->port()));
    const QByteArray body = "{\"pad\":\"abc\"}";
    c.socket.write("GET /api/v1/test/open HTTP/1.1\r\nHost: x\r\n\r\n"
                   "POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body
                   + "\r\nGET /api/v1/test/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                   "POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n");
    QVERIFY(c.await(4));
    const QList<QByteArray> statuses = [&] {
        QList<QByteArray> out;
        for (qsizetype at = c.received.indexOf("HTTP/1.1 "); at >= 0; at = c.received.indexOf("HTTP/1.1 ", at + 1))
            out.append(c.received.mid(at + 9, 3));
        return out;
    }();
    QCOMPARE(statuses, (QList<QByteArray>{"200", "200", "404", "413"}));
    QVERIFY(c.received.contains("\"size\":3"));
}

void TstHttpCore::headInPiecesIsStillJudged()
{
    // A head that arrives in pieces (QHttpServer reads each piece as it comes): the gate judges
    // the whole head all the same, for a body it takes and for one it refuses.
    const QByteArray body = "{\"pad\":\"abcd\"}";
    const QList<QByteArray> heads{"POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body,
                                  "POST /api/v1/test/big HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n"};
    for (const QByteArray &request : heads) {
        RawClient c;
        QVERIFY(c.open(m_core->port()));
        for (qsizetype at = 0; at < request.size(); at += 7) {
            c.socket.write(request.mid(at, 7));
            c.socket.flush();
            QTest::qWait(2);
        }
        QVERIFY(c.await(1));
        QCOMPARE(c.status(), request.endsWith("}") ? 200 : 413);
    }
}

void TstHttpCore::replyAfterCommit()
{
    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QList<QString> paths(8, QStringLiteral("/api/v1/test/write"));
    const QList<test::Answer> answers = m_client->callAll("POST", paths, {{QStringLiteral("v"), QStringLiteral("x")}});
    for (const test::Answer &a : answers)
        QVERIFY2(a.status == 200, qPrintable(a.describe()));
    // Every acknowledged write is in the database and was told it committed.
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM probe")) && q.next());
    QCOMPARE(q.value(0).toInt(), 8);
    QCOMPARE(m_log.written, 8);
    QCOMPARE(m_log.committed, 8);
    QCOMPARE(m_log.rolledBack, 0);
}

void TstHttpCore::failedCommitAnswers503()
{
    QVERIFY(m_client->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    m_log.failNext = true;
    test::Answer a = m_client->call("POST", QStringLiteral("/api/v1/test/write"), QJsonObject{{QStringLiteral("v"), QStringLiteral("lost")}});
    // The handler said 200, but the commit failed: the reply says the change was not made.
    QVERIFY2(a.status == 503 && a.errorCode() == QLatin1String("storage_unavailable"), qPrintable(a.describe()));
    QCOMPARE(m_log.rolledBack, 1);
    QCOMPARE(m_log.committed, 0);
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM probe")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    // A request that changes nothing is not affected, and the next write goes through.
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/test/read")).status, 200);
    QCOMPARE(m_client->call("POST", QStringLiteral("/api/v1/test/write"), QJsonObject{{QStringLiteral("v"), QStringLiteral("kept")}}).status, 200);
    QVERIFY(q.exec(QStringLiteral("SELECT v FROM probe")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("kept"));
}

QTEST_GUILESS_MAIN(TstHttpCore)
#include "tst_httpcore.moc"
