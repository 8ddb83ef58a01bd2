// Roles and data scope (SEC4): every registered route × every role × own hall / other hall
// against the in-process server, allow or deny checked against the one access table
// (access.cpp). A route added without a rule fails here.

#include "harness.h"

#include <server/access.h>
#include <server/accountstore.h>
#include <security/crypto.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QWebSocket>

using namespace hall;
using namespace hall::server;

namespace {

const QString Own = QStringLiteral("swzx");
const QString Other = QStringLiteral("other");

// The demo hall's account of each role, and the two roles it has none of.
const QHash<QString, QPair<QString, QString>> &accountOf()
{
    static const QHash<QString, QPair<QString, QString>> a{
        {roles::Admin, {QStringLiteral("admin"), QStringLiteral("demo-admin-2026")}},
        {roles::Security, {QStringLiteral("secadmin"), QStringLiteral("demo-security-2026")}},
        {roles::Auditor, {QStringLiteral("auditor"), QStringLiteral("demo-auditor-2026")}},
        {roles::Supervisor, {QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")}},
        {roles::Officer, {QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")}},
        {roles::Kiosk, {QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")}},
        {roles::Display, {QStringLiteral("display1"), QStringLiteral("demo-display-2026")}},
        {roles::Caller, {QStringLiteral("callerbus1"), QStringLiteral("demo-caller-2026")}},
        {roles::Approver, {QStringLiteral("approver1"), QStringLiteral("Approve#2026a")}},
        {roles::Chief, {QStringLiteral("chief1"), QStringLiteral("Chief#2026ab")}},
    };
    return a;
}

// A concrete path for a route pattern: the hall, window 1, ticket 1, another officer's login.
QString concrete(const QString &pattern, const QString &hall)
{
    QStringList parts = pattern.split(u'/');
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (parts.at(i) != QLatin1String("{}"))
            continue;
        const QString before = parts.at(i - 1);
        parts[i] = before == QLatin1String("halls") ? hall : before == QLatin1String("accounts") ? QStringLiteral("officer09")
                                                                                                : QStringLiteral("1");
    }
    return parts.join(u'/');
}

} // namespace

class TstAccess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyRouteHasARule();
    void matrix();
    void officerOnlyAtOwnWindow();
    void eventsOnlyInOwnHall();
    void separationOfDuties_data();
    void separationOfDuties();
    void noRouteChangesTheTrail();
    void auditorsReadsAreAudited();

private:
    bool signIn(const QString &role);
    test::Answer call(const QString &role, const QByteArray &method, const QString &path);
    // officer01 at window 1 of the demo hall, as before every officer's window request.
    void officerAtWindowOne();

    QTemporaryDir m_dir;
    std::unique_ptr<test::InProcessServer> m_server;
    QHash<QString, QString> m_tokens; // role → token
};

void TstAccess::initTestCase()
{
    // A second hall, so that "another hall" is a real one.
    QFile demo(QString::fromLocal8Bit(qgetenv("HALL_SOURCE_DIR")) + QStringLiteral("/resources/demo/demo-hall.json"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    QJsonObject other = QJsonDocument::fromJson(demo.readAll()).object();
    other[QStringLiteral("code")] = Other;
    other[QStringLiteral("accounts")] = QJsonArray{};
    QFile f(m_dir.filePath(QStringLiteral("other.json")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(other).toJson());
    f.close();

    m_server = std::make_unique<test::InProcessServer>();
    m_server->seeds = {f.fileName()};
    m_server->auditKey = security::crypto::sm2GenerateKey(); // receipts and reports are answered, not 503 not_signing
    QString err;
    QVERIFY2(m_server->start(&err), qPrintable(err));
    AccountStore accounts(m_server->db.get());
    const qint64 hallId = accounts.account(QStringLiteral("officer01"))->hallId;
    for (const QString &role : {roles::Approver, roles::Chief}) {
        AccountRecord a;
        a.login = accountOf().value(role).first;
        a.name = role;
        a.role = role;
        a.hallId = hallId;
        QVERIFY2(accounts.addAccount(a, accountOf().value(role).second, &err), qPrintable(err));
    }
    for (const QString &role : roles::All)
        QVERIFY2(signIn(role), qPrintable(role));
}

void TstAccess::cleanupTestCase()
{
    m_server.reset();
}

bool TstAccess::signIn(const QString &role)
{
    test::Client c(m_server->port());
    const auto [login, password] = accountOf().value(role);
    if (!c.signIn(login, password))
        return false;
    m_tokens.insert(role, c.token);
    return true;
}

test::Answer TstAccess::call(const QString &role, const QByteArray &method, const QString &path)
{
    test::Client c(m_server->port());
    c.token = m_tokens.value(role);
    return method == "GET" ? c.get(path) : c.call(method, path, QByteArray("{}"));
}

void TstAccess::officerAtWindowOne()
{
    call(roles::Officer, "POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"));
}

void TstAccess::everyRouteHasARule()
{
    const auto routes = m_server->server->http().routes();
    QVERIFY(routes.size() > 30);
    QSet<QString> registered;
    for (const auto &[method, path] : routes) {
        QVERIFY2(accessRule(method, path), qPrintable(QStringLiteral("%1 %2 has no rule in accessTable() (access.cpp)").arg(QString::fromLatin1(method), path)));
        registered.insert(QString::fromLatin1(method) + u' ' + path);
    }
    // And no rule speaks of a route that is not there (renamed or removed).
    for (const AccessRule &r : accessTable())
        QVERIFY2(registered.contains(QString::fromLatin1(r.method) + u' ' + r.path), qPrintable(QStringLiteral("stale rule %1 %2").arg(QString::fromLatin1(r.method), r.path)));
}

void TstAccess::matrix()
{
    AccountStore accounts(m_server->db.get());
    int checked = 0;
    for (const auto &[method, pattern] : m_server->server->http().routes()) {
        const AccessRule *rule = accessRule(method, pattern);
        if (!rule)
            continue; // everyRouteHasARule says which
        const bool hallScoped = pattern.startsWith(QLatin1String("/api/v1/halls/{}"));
        for (const QString &role : roles::All) {
            const qint64 accountHall = accounts.account(accountOf().value(role).first)->hallId;
            for (const QString &hall : hallScoped ? QStringList{Own, Other} : QStringList{Own}) {
                if (rule->scope == DataScope::OwnWindow && role == roles::Officer)
                    officerAtWindowOne();
                const bool allowed = rule->scope == DataScope::Public
                    || (rule->roles.contains(role) && (hall == Own || accountHall == 0));
                const QString path = concrete(pattern, hall);
                const test::Answer a = call(role, method, path);
                // Allowed means the handler answered: a 5xx (or no answer) is a failure of its
                // own, never counted as "allowed".
                QVERIFY2(a.status >= 200 && a.status < 500, qPrintable(QStringLiteral("%1 %2 as %3: %4")
                                                                          .arg(QString::fromLatin1(method), path, role, a.describe())));
                const bool denied = a.status == 401 || (a.status == 403 && a.errorCode() == QLatin1String("forbidden"));
                QVERIFY2(allowed != denied, qPrintable(QStringLiteral("%1 %2 as %3: expected %4, got %5")
                                                           .arg(QString::fromLatin1(method), path, role,
                                                                allowed ? QStringLiteral("allowed") : QStringLiteral("denied"), a.describe())));
                ++checked;
                // Signing out (allowed) ended that role's token: sign in again.
                if (pattern.endsWith(QLatin1String("/auth/logout")) && allowed)
                    QVERIFY(signIn(role));
            }
        }
    }
    qInfo("%d route × role × hall cases checked", checked);
    QVERIFY(checked > 400);
}

void TstAccess::officerOnlyAtOwnWindow()
{
    officerAtWindowOne();
    test::Answer a = call(roles::Officer, "POST", QStringLiteral("/api/v1/halls/swzx/windows/2/pause"));
    QVERIFY2(a.status == 403 && a.errorCode() == QLatin1String("forbidden"), qPrintable(a.describe()));
    a = call(roles::Officer, "POST", QStringLiteral("/api/v1/halls/swzx/windows/1/pause"));
    QVERIFY2(a.status != 403, qPrintable(a.describe()));
    // Supervisors and the caller bus act on any window of their hall.
    a = call(roles::Supervisor, "POST", QStringLiteral("/api/v1/halls/swzx/windows/2/pause"));
    QVERIFY2(a.status != 403 && a.status != 401, qPrintable(a.describe()));
}

void TstAccess::eventsOnlyInOwnHall()
{
    // The security administrator and the auditor follow no hall's events, though they belong to none.
    for (const QString &role : {roles::Security, roles::Auditor}) {
        QWebSocket ws;
        QSignalSpy text(&ws, &QWebSocket::textMessageReceived);
        ws.open(test::eventRequest(m_server->port(), m_tokens.value(role), Own));
        QTRY_VERIFY_WITH_TIMEOUT(!text.isEmpty(), 5000);
        QCOMPARE(QJsonDocument::fromJson(text.first().first().toString().toUtf8()).object().value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    }
    for (const QString &hall : {Own, Other}) {
        QWebSocket ws;
        QSignalSpy text(&ws, &QWebSocket::textMessageReceived);
        ws.open(test::eventRequest(m_server->port(), m_tokens.value(roles::Chief), hall));
        QTRY_VERIFY_WITH_TIMEOUT(!text.isEmpty(), 5000);
        const QString type = QJsonDocument::fromJson(text.first().first().toString().toUtf8()).object().value(QStringLiteral("type")).toString();
        QCOMPARE(type, hall == Own ? QStringLiteral("hello") : QStringLiteral("error"));
    }
}

// 三员分立 (docs/security.md): the system administrator, the security administrator and the
// auditor each do their own work and none of the others'. The matrix checks the table; these
// rows say what the table must say, so a rule widened by mistake fails here.
void TstAccess::separationOfDuties_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("allowed");
    const QString config = QStringLiteral("/api/v1/halls/swzx/config");
    const QString audit = QStringLiteral("/api/v1/audit?hall=server");
    const QString accounts = QStringLiteral("/api/v1/admin/accounts");
    const QString sync = QStringLiteral("/api/v1/halls/swzx/sync/pull");
    QTest::newRow("admin configures a hall") << roles::Admin << QByteArray("GET") << config << true;
    QTest::newRow("admin reads no audit") << roles::Admin << QByteArray("GET") << audit << false;
    QTest::newRow("admin manages no account") << roles::Admin << QByteArray("GET") << accounts << false;
    QTest::newRow("security manages accounts") << roles::Security << QByteArray("GET") << accounts << true;
    QTest::newRow("security configures no hall") << roles::Security << QByteArray("PUT") << config << false;
    QTest::newRow("security reads no audit") << roles::Security << QByteArray("GET") << audit << false;
    QTest::newRow("security reads no hall's data") << roles::Security << QByteArray("GET") << sync << false;
    QTest::newRow("auditor reads the audit") << roles::Auditor << QByteArray("GET") << audit << true;
    QTest::newRow("auditor configures nothing") << roles::Auditor << QByteArray("PUT") << config << false;
    QTest::newRow("auditor disables no account") << roles::Auditor << QByteArray("POST") << accounts + QStringLiteral("/officer09/disable") << false;
    QTest::newRow("auditor reads no hall's data") << roles::Auditor << QByteArray("GET") << sync << false;
    QTest::newRow("supervisor reads no audit") << roles::Supervisor << QByteArray("GET") << audit << false;
}

void TstAccess::separationOfDuties()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(bool, allowed);
    const test::Answer a = call(role, method, path);
    const bool denied = a.status == 403 && a.errorCode() == QLatin1String("forbidden");
    QVERIFY2(allowed != denied, qPrintable(a.describe()));
    // Accounts of the server as a whole: none belongs to a hall.
    QCOMPARE(AccountStore(m_server->db.get()).account(accountOf().value(role).first)->hallId == 0, roles::isServerWide(role));
}

void TstAccess::noRouteChangesTheTrail()
{
    for (const auto &[method, path] : m_server->server->http().routes()) {
        if (path.contains(QLatin1String("audit")))
            QVERIFY2(method == "GET", qPrintable(QStringLiteral("%1 %2 would change the audit trail").arg(QString::fromLatin1(method), path)));
    }
    // Not even the database takes a change or a removal (migration 0009).
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM audit_chain")) && q.next());
    QVERIFY(q.value(0).toInt() > 0);
    QVERIFY(!q.exec(QStringLiteral("UPDATE audit_chain SET status = 200")));
    QVERIFY2(q.lastError().text().contains(QStringLiteral("append-only")), qPrintable(q.lastError().text()));
    QVERIFY(!q.exec(QStringLiteral("DELETE FROM audit_chain")));
}

// Whoever reads the trail leaves an entry in it, with what they asked for.
void TstAccess::auditorsReadsAreAudited()
{
    test::Answer a = call(roles::Auditor, "GET", QStringLiteral("/api/v1/audit?hall=swzx&limit=2"));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("entries")).toArray().size() == 2 && a.body.contains(QStringLiteral("next")),
             qPrintable(a.describe()));
    // Pages follow on from `next`.
    const qint64 next = a.body.value(QStringLiteral("next")).toInteger();
    a = call(roles::Auditor, "GET", QStringLiteral("/api/v1/audit?hall=swzx&limit=1&after=%1").arg(next));
    QCOMPARE(a.body.value(QStringLiteral("entries")).toArray().first().toObject().value(QStringLiteral("seq")).toInteger(), next + 1);
    // Server-wide entries: the reads above are there, by the auditor, with what was asked.
    QJsonArray entries;
    for (qint64 after = 0;;) {
        a = call(roles::Auditor, "GET", QStringLiteral("/api/v1/audit?hall=server&limit=500&after=%1").arg(after));
        QVERIFY2(a.status == 200, qPrintable(a.describe()));
        for (const QJsonValue &e : a.body.value(QStringLiteral("entries")).toArray())
            entries.append(e);
        if (!a.body.contains(QStringLiteral("next")))
            break;
        after = a.body.value(QStringLiteral("next")).toInteger();
    }
    bool found = false;
    for (const QJsonValue &v : std::as_const(entries)) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("action")).toString() == QLatin1String("GET /api/v1/audit")
            && e.value(QStringLiteral("login")).toString() == QLatin1String("auditor")
            && e.value(QStringLiteral("detail")).toString().contains(QStringLiteral("hall=swzx&limit=1&after=%1").arg(next)))
            found = true;
    }
    QVERIFY2(found, "the auditor's read is not in the trail");
    a = call(roles::Auditor, "GET", QStringLiteral("/api/v1/audit?hall=nowhere"));
    QVERIFY2(a.status == 400 && a.errorCode() == QLatin1String("invalid_input"), qPrintable(a.describe()));
}

QTEST_GUILESS_MAIN(TstAccess)
#include "tst_access.moc"
