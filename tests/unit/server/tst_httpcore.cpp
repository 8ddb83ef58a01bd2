// The HTTP core in-process, with a test controller: dispatch by scope, authentication, role and
// hall checks, body limits, and the group commit's reply-after-commit rule.

#include "harness.h"

#include <server/commit.h>
#include <server/controllers.h>
#include <server/halls.h>
#include <server/hallstore.h>
#include <server/httpcore.h>
#include <server/queuestore.h>
#include <server/sessions.h>

#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>

using namespace hall;
using namespace hall::server;

namespace {

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
        routes.get(QStringLiteral("open"), {roles::Public}, [](RequestContext &) { return ok({{QStringLiteral("open"), true}}); });
        routes.get(QStringLiteral("staff"), {roles::Supervisor}, [](RequestContext &c) { return ok({{QStringLiteral("role"), c.role()}}); });
        routes.get(QStringLiteral("read"), {}, [](RequestContext &) { return ok({{QStringLiteral("read"), true}}); });
        routes.post(QStringLiteral("write"), {}, [this](RequestContext &c) {
            c.batch->add(std::make_unique<ProbeWrite>(m_db, m_log, c.body.value(QStringLiteral("v")).toString()));
            return ok({{QStringLiteral("written"), true}});
        });
        routes.post(QStringLiteral("echo/{}"), {}, [](RequestContext &c) {
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
        routes.get(QStringLiteral("where/{}"), {}, [](RequestContext &c) {
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
    m_core->addController(std::make_unique<TestController>(m_db.get(), &m_log));
    m_core->addController(std::make_unique<HallTestController>());
    // Sign-in comes from the real auth controller.
    m_core->addController(std::make_unique<AuthController>(m_sessions.get(), m_halls.get()));
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
    // Admin passes every role check.
    QVERIFY(m_client->signIn(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
    QCOMPARE(m_client->get(QStringLiteral("/api/v1/test/staff")).status, 200);
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
