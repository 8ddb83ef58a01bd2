// libFuzzer harness for hall-server's JSON endpoints (issue 11): the server in this process on a
// real SQLite file with the demo hall, a real keep-alive HTTP connection on loopback, and every
// route with a body taken from the server's own route table (HttpCore::routeTable), so a route
// added later is fuzzed without touching this file.
//
// Routes are fuzzed by group (HALL_FUZZ_GROUP, see groupOf; HALL_FUZZ_GROUP=list prints them).
// An input is [route][caller and path variant][body]: the first byte picks a route of the group,
// the second the signed-in role (among those the access table allows) and the path parameters,
// the rest is the body as sent. The "queries" group takes every GET route instead, and the rest
// of its input is the query string. The security administrator's routes are a group of their own
// ("security"), as are routes of a domain the kin below do not join. Every reply is checked:
//   - it is a JSON object (a GET's 2xx may be bytes: a blob, a receipt); a refusal (4xx) is {"error": {"code", "message"}} with a code;
//   - no 5xx (nothing makes the database fail here);
//   - a 4xx changed nothing: triggers count the rows added, removed and updated in every table
//     but the audit trail's (a refused request is audited on purpose);
// and ASan/UBSan watch the server's code meanwhile. A failed check aborts: libFuzzer keeps the
// input.
//
// HALL_FUZZ_PREPARE=DIR writes DIR/<group>/ seed inputs from the examples of docs/api.md (and
// for a PUT, what it replaces as the server answers it now; for routes that refuse nearly all
// else — sync, blobs, leases, devices, the security administrator's — bodies that are accepted,
// made against what stage() put into the hall), DIR/api.dict (every quoted word of the API docs
// and the demo hall) and DIR/hall.db (the demo hall seeded and staged: a window open, tickets
// waiting and called, a lease, a blob and an upload under way, a certificate mapping) and exits
// (scripts/fuzz). HALL_FUZZ_HALL=DIR/hall.db starts from a copy of
// that file instead of seeding again: hashing the demo accounts' passwords under ASan took most
// of a start, and so most of a 3-second run.

#include <server/access.h>
#include <server/accountstore.h>
#include <server/admin.h>
#include <server/certificates.h>
#include <server/hallserver.h>

#include <core/clock.h>
#include <security/crypto.h>
#include <storage/database.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

using namespace hall;
using namespace hall::server;

namespace {

QString sourceDir()
{
    const QByteArray dir = qgetenv("HALL_SOURCE_DIR");
    return dir.isEmpty() ? QStringLiteral(".") : QString::fromLocal8Bit(dir);
}

[[noreturn]] void fail(const QString &what)
{
    std::fprintf(stderr, "fuzz_server_api: %s\n", qPrintable(what));
    std::fflush(stderr);
    std::abort();
}

// The domain a route belongs to: the first fixed segment after /api/v1 and after a hall. Kin
// are fuzzed together (the accounts' endpoints, the queue's); anything else is a group of its own.
QString groupOf(const QStringList &segments)
{
    qsizetype i = 2; // after "api", "v1"
    if (segments.value(i) == QLatin1String("halls") && segments.value(i + 1) == QLatin1String("{}"))
        i += 2;
    const QString word = segments.value(i);
    // The security administrator's routes (accounts, their certificates, a hall's password
    // sign-in) are a group of their own: only that role reaches their handlers.
    if (word == QLatin1String("admin") && segments.value(i + 1) != QLatin1String("clock"))
        return QStringLiteral("security");
    static const QHash<QString, QString> kin{
        {QStringLiteral("auth"), QStringLiteral("accounts")},
        {QStringLiteral("admin"), QStringLiteral("accounts")},
        {QStringLiteral("announcements"), QStringLiteral("devices")},
        {QStringLiteral("config"), QStringLiteral("halls")},
        {QStringLiteral("tickets"), QStringLiteral("queue")},
        {QStringLiteral("appointments"), QStringLiteral("queue")},
        {QStringLiteral("release-passwords"), QStringLiteral("queue")},
        {QStringLiteral("special-tickets"), QStringLiteral("queue")},
        {QStringLiteral("blacklist"), QStringLiteral("queue")},
        {QStringLiteral("clear"), QStringLiteral("queue")},
    };
    return kin.value(word, word);
}

// The demo hall's account of each role the harness signs in as.
const QList<QPair<QString, QString>> &accounts()
{
    static const QList<QPair<QString, QString>> a{
        {roles::Admin, QStringLiteral("admin")},   {roles::Supervisor, QStringLiteral("supervisor")},
        {roles::Officer, QStringLiteral("officer01")}, {roles::Kiosk, QStringLiteral("kiosk1")},
        {roles::Display, QStringLiteral("display1")}, {roles::Caller, QStringLiteral("callerbus1")},
        {roles::Security, QStringLiteral("secadmin")}, {roles::Auditor, QStringLiteral("auditor")},
    };
    return a;
}

struct Answer
{
    int status = 0;
    QByteArray body;
    bool close = false;
};

class Harness
{
public:
    // `seeded`: a copy of this file is the database (else the demo hall is seeded).
    bool start(const QString &group, const QString &seeded, QString *error);
    void run(const uint8_t *data, size_t size);
    QByteArray current(const Route &route);
    void removeFiles() { m_dir.remove(); }
    void printStatuses() const
    {
        if (m_statuses.isEmpty())
            return;
        QStringList parts;
        for (auto it = m_statuses.cbegin(); it != m_statuses.cend(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
        std::fprintf(stderr, "fuzz_server_api: %lld inputs; replies by status: %s\n", m_inputs, qPrintable(parts.join(QStringLiteral(", "))));
        std::fflush(stderr);
    }
    // Puts into the hall what the accepted seeds need (tickets called and waiting, a lease, a
    // blob and an upload under way, a certificate mapping), before it is kept for the runs.
    void stage();
    void resumeUpload();
    // Accepted bodies for routes that refuse nearly everything else (sync, blobs, leases, the
    // routes added after the long runs), with what stage() made.
    QList<QByteArray> acceptedSeeds(const Route &route) const;
    bool keep(const QString &file, QString *error);
    QList<Route> routes;   // of the group
    QList<Route> withBody; // of every group
    QList<Route> gets;     // every GET: the "queries" group fuzzes their query strings

private:
    QString concrete(const Route &route, quint8 variant, qsizetype bodySize) const;
    QByteArray tokenFor(const QString &role);
    Answer send(const QByteArray &request);
    Answer call(const QString &role, const QByteArray &method, const QString &path, const QByteArray &body);
    qint64 changes();
    void ensureCertificateMapping();

    // On tmpfs when there is one: a million durable commits would wait for a disk (and wear it).
    QTemporaryDir m_dir{QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm/hall-fuzz-XXXXXX") : QDir::tempPath() + QStringLiteral("/hall-fuzz-XXXXXX")};
    core::ManualClock m_clock{QDateTime(QDate(2026, 11, 23), QTime(9, 0))};
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<HallServer> m_server;
    std::unique_ptr<AccountStore> m_accounts;
    QSqlDatabase m_watch; // a connection of our own that reads the change counter
    std::optional<QSqlQuery> m_count; // its query, prepared once
    QTcpSocket m_socket;
    QHash<QString, QByteArray> m_tokens; // role → token
    qint64 m_changes = -1; // the counter after the last input (-1: read it again)
    QMap<QString, qint64> m_statuses; // "201", "400 malformed_json" → replies
    qint64 m_inputs = 0;
    QString m_upload; // the last upload session the server answered with: PUT uploads/{} goes there
    qint64 m_calledTicket = 0; // stage(): the ticket called at window 1
    QString m_calledNumber;
    qint64 m_leaseFrom = 0; // stage(): the first sequence of the kiosk's lease
};

// The certificate subject mapped to officer09 for POST admin/accounts/{}/certificates/remove.
const QString FuzzSubject = QStringLiteral("CN=fuzz officer,O=HallSuite fuzz");
const QString FuzzIssuer = QStringLiteral("CN=HallSuite fuzz CA,O=HallSuite fuzz");
// The sync device the kiosk's lease and offline tickets belong to.
const QString FuzzDevice = QStringLiteral("fuzzkiosk01");
QByteArray sha256Hex(const QByteArray &b) { return QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex(); }

bool Harness::start(const QString &group, const QString &seeded, QString *error)
{
    const QString file = m_dir.filePath(QStringLiteral("hall.db"));
    if (!seeded.isEmpty() && !QFile::copy(seeded, file)) {
        *error = QStringLiteral("cannot copy the seeded hall %1").arg(seeded);
        return false;
    }
    if (openServerDatabase(file, &m_db, error) != storage::OpenResult::Ok)
        return false;
    // Durability is not under test here, and a fuzzing run commits once per input: the server's
    // connection (this thread's) writes without waiting for the file to reach the disk. Only in
    // this process; everything else about the database is hall-server's own.
    if (QSqlQuery sync(m_db->connection()); !sync.exec(QStringLiteral("PRAGMA synchronous=OFF"))) {
        *error = sync.lastError().text();
        return false;
    }
    QString summary;
    if (seeded.isEmpty() && !seedHall(m_db.get(), sourceDir() + QStringLiteral("/resources/demo/demo-hall.json"), &summary, error))
        return false;
    // Every write to any table but the audit trail's counts.
    QSqlDatabase c = m_db->connection();
    QSqlQuery q(c);
    QStringList tables;
    // (A prepared hall was kept after stage() and has the counter already.)
    q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'audit_%' "
                          "AND name <> 'fuzz_changes'"));
    while (q.next())
        tables << q.value(0).toString();
    if (tables.isEmpty() || !q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS fuzz_changes (n INTEGER NOT NULL)"))
        || !q.exec(QStringLiteral("DELETE FROM fuzz_changes")) || !q.exec(QStringLiteral("INSERT INTO fuzz_changes VALUES (0)"))) {
        *error = QStringLiteral("cannot add the change counter: ") + q.lastError().text();
        return false;
    }
    // Net: a row added and removed again by one request (a session opened and discarded in the
    // same refusal) is no change; an update always is.
    for (const QString &t : std::as_const(tables)) {
        for (const auto &[op, step] : {std::pair{"INSERT", "1"}, std::pair{"DELETE", "-1"}, std::pair{"UPDATE", "1048576"}}) {
            if (!q.exec(QStringLiteral("CREATE TRIGGER IF NOT EXISTS fuzz_%1_%2 AFTER %2 ON %1 BEGIN UPDATE fuzz_changes SET n = n + %3; END")
                            .arg(t, QLatin1String(op), QLatin1String(step)))) {
                *error = q.lastError().text();
                return false;
            }
        }
    }
    ServerOptions options;
    options.port = 0;
    options.fakeClock = true; // POST /admin/clock is fuzzed too
    options.demo = true;
    options.auth.demo = true;
    options.blobFolder = m_dir.filePath(QStringLiteral("blobs"));
    options.auditKey = security::crypto::sm2GenerateKey(); // receipts and reports are handed out signed
    m_server = std::make_unique<HallServer>(m_db.get(), &m_clock, options);
    if (!m_server->loadHalls(error) || !m_server->start(error))
        return false;
    m_accounts = std::make_unique<AccountStore>(m_db.get());
    m_watch = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fuzz-watch"));
    m_watch.setDatabaseName(file);
    if (!m_watch.open() || !m_count.emplace(m_watch).prepare(QStringLiteral("SELECT n FROM fuzz_changes"))) {
        *error = m_watch.lastError().text();
        return false;
    }
    m_count->setForwardOnly(true);
    for (const Route &r : m_server->http().routeTable()) {
        if (!r.needsBody) {
            if (r.method == "GET")
                gets.append(r);
            continue;
        }
        withBody.append(r);
        if (groupOf(r.segments) == group)
            routes.append(r);
    }
    if (group == QLatin1String("queries"))
        routes = gets;
    if (routes.isEmpty() && !group.isEmpty()) {
        *error = QStringLiteral("no route with a body in group \"%1\"").arg(group);
        return false;
    }
    return true;
}

qint64 Harness::changes()
{
    QSqlQuery &q = *m_count;
    if (!q.exec() || !q.next())
        fail(QStringLiteral("cannot read the change counter: ") + q.lastError().text());
    const qint64 n = q.value(0).toLongLong();
    q.finish(); // ends the read transaction: the server's next commit must not wait for it
    return n;
}

// A token of the role's demo account, made directly in the store (signing in through the API
// would meet the throttle the fuzzer itself provokes); again when a fuzzed request ended it.
QByteArray Harness::tokenFor(const QString &role)
{
    QByteArray &token = m_tokens[role];
    if (!token.isEmpty() && m_server->sessions().sessionFor(token))
        return token;
    const auto it = std::find_if(accounts().cbegin(), accounts().cend(), [&](const auto &a) { return a.first == role; });
    const std::optional<AccountRecord> a = it == accounts().cend() ? std::nullopt : m_accounts->account(it->second);
    if (!a)
        return {};
    // (Random, not std::rand(): a prepared hall keeps the tokens stage() made.)
    token = QCryptographicHash::hash(QByteArray::number(QRandomGenerator::system()->generate64()) + role.toLatin1(), QCryptographicHash::Sha256).toHex();
    QString error;
    if (!m_accounts->saveToken(Sessions::hashToken(token), a->id, m_clock.now().addYears(1), &error))
        fail(QStringLiteral("cannot make a token: ") + error);
    m_changes = -1; // that was a write
    return token;
}

// The route's path with a value for each {}: mostly ones that exist (the demo hall, window 1,
// ticket 1), sometimes ones that do not.
QString Harness::concrete(const Route &route, quint8 variant, qsizetype bodySize) const
{
    QStringList parts = route.segments;
    const bool odd = variant & 0x4;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (parts.at(i) != QLatin1String("{}"))
            continue;
        const QString before = parts.value(i - 1);
        if (before == QLatin1String("halls"))
            parts[i] = odd && (variant & 0x8) ? QStringLiteral("nohall") : QStringLiteral("swzx");
        else if (before == QLatin1String("accounts"))
            parts[i] = odd ? QStringLiteral("nobody") : QStringLiteral("officer09");
        else if (before == QLatin1String("blobs"))
            parts[i] = (variant & 0x8) ? QStringLiteral("sm3") : QStringLiteral("sha256");
        else if (parts.value(i - 2) == QLatin1String("blobs") && before != QLatin1String("uploads"))
            parts[i] = QString::fromLatin1(sha256Hex("fuzz"));
        else if (before == QLatin1String("uploads") && !odd && !m_upload.isEmpty())
            parts[i] = m_upload;
        else
            parts[i] = odd ? ((variant & 0x8) ? QStringLiteral("0") : QStringLiteral("x")) : QString::number(1 + ((variant >> 3) & 3));
    }
    QString path = u'/' + parts.join(u'/');
    if (route.rawBody && route.method != "GET") // chunks say where they go
        path += QStringLiteral("?offset=%1&size=%2").arg((variant & 0x8) ? 1 : 0).arg(bodySize + ((variant >> 4) & 1));
    return path;
}

Answer Harness::send(const QByteArray &request)
{
    if (m_socket.state() != QAbstractSocket::ConnectedState) {
        m_socket.abort();
        m_socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        if (!m_socket.waitForConnected(5000))
            fail(QStringLiteral("cannot connect: ") + m_socket.errorString());
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1); // no Nagle wait between requests
    }
    m_socket.write(request);
    QByteArray in;
    QElapsedTimer waited;
    waited.start();
    qsizetype headEnd = -1;
    qint64 length = -1;
    Answer a;
    while (true) {
        // The server runs in this thread: its turn comes in the loop.
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        in += m_socket.readAll();
        if (headEnd < 0 && (headEnd = in.indexOf("\r\n\r\n")) >= 0) {
            const QByteArray head = in.left(headEnd).toLower();
            a.status = head.mid(9, 3).toInt();
            static const QRegularExpression len(QStringLiteral("\r\ncontent-length: *(\\d+)"));
            const auto m = len.match(QString::fromLatin1(head));
            length = m.hasMatch() ? m.captured(1).toLongLong() : 0;
            a.close = head.contains("\r\nconnection: close");
        }
        if (headEnd >= 0 && in.size() >= headEnd + 4 + length) {
            a.body = in.mid(headEnd + 4, length);
            break;
        }
        if (m_socket.state() != QAbstractSocket::ConnectedState && m_socket.bytesAvailable() == 0)
            fail(QStringLiteral("the server closed the connection without an answer to:\n") + QString::fromLatin1(request.left(2000)));
        if (waited.hasExpired(20000))
            fail(QStringLiteral("no answer in 20 s to:\n") + QString::fromLatin1(request.left(2000)));
    }
    if (a.close)
        m_socket.disconnectFromHost();
    return a;
}

void Harness::run(const uint8_t *data, size_t size)
{
    // libFuzzer's own lines grow rare in a long run (at powers of two): where it stands.
    if (++m_inputs % 100000 == 0)
        printStatuses();
    if (size < 2)
        return;
    const Route &route = routes.at(data[0] % routes.size());
    // A GET's fuzzed bytes are its query string: as sent, but for what cannot stand in a request
    // line (spaces, controls, bytes beyond ASCII, '#').
    const bool query = route.method == "GET";
    const QByteArray fuzzed(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const QByteArray body = query ? QByteArray() : fuzzed;
    const QString pattern = u'/' + route.segments.join(u'/');
    const AccessRule *rule = accessRule(route.method, pattern);
    QStringList callers;
    for (const auto &[role, login] : accounts()) {
        if (rule && rule->roles.contains(role))
            callers << role;
    }
    const bool publicRoute = rule && rule->roles.contains(roles::Public);
    const quint8 variant = data[1];
    QByteArray target = concrete(route, variant, body.size()).toUtf8();
    if (query && !fuzzed.isEmpty())
        target += '?' + fuzzed.toPercentEncoding("!$&'()*+,;=:@/?%[]{}|\\^`\"<>");
    QByteArray request = route.method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!publicRoute && !callers.isEmpty())
        request += "Authorization: Bearer " + tokenFor(callers.at((variant & 3) % callers.size())) + "\r\n";
    if (query) {
        request += "\r\n";
    } else {
        request += route.rawBody ? "Content-Type: application/octet-stream\r\n" : "Content-Type: application/json\r\n";
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    const qint64 before = m_changes >= 0 ? m_changes : changes();
    const Answer a = send(request);
    m_changes = changes();
    // Only written out when a check fails.
    const auto what = [&] {
        return QStringLiteral("%1 %2 → %3 %4").arg(QString::fromLatin1(request.left(request.indexOf(" HTTP/1.1"))))
            .arg(QString::fromUtf8(body.left(500))).arg(a.status).arg(QString::fromUtf8(a.body.left(500)));
    };
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(a.body, &pe);
    // (A GET answers some things as bytes: a blob, a receipt.)
    if ((pe.error != QJsonParseError::NoError || !doc.isObject()) && !(query && a.status >= 200 && a.status < 300))
        fail(QStringLiteral("the reply is not a JSON object: ") + what());
    if (a.status >= 500)
        fail(QStringLiteral("a 5xx without a failing database: ") + what());
    if (a.status >= 400) {
        const QJsonObject e = doc.object().value(QStringLiteral("error")).toObject();
        ++m_statuses[QString::number(a.status) + u' ' + e.value(QStringLiteral("code")).toString()];
        if (e.value(QStringLiteral("code")).toString().isEmpty() || !e.value(QStringLiteral("message")).isString())
            fail(QStringLiteral("a refusal without an error code and message: ") + what());
        // The one refusal that changes something, on purpose (docs/api.md): an upload whose bytes
        // do not have the announced hash is discarded, so the client starts over.
        const bool discards = a.status == 422 && e.value(QStringLiteral("code")).toString() == QLatin1String("hash_mismatch");
        if (m_changes != before && !discards)
            fail(QStringLiteral("a refused request changed %1 row(s): ").arg(m_changes - before) + what());
    } else if (a.status < 200) {
        fail(QStringLiteral("an odd status: ") + what());
    } else {
        ++m_statuses[QString::number(a.status)];
        if (query)
            return;
        if (const QString upload = doc.object().value(QStringLiteral("upload")).toString(); !upload.isEmpty())
            m_upload = upload;
        if (route.segments.contains(QLatin1String("certificates")))
            ensureCertificateMapping(); // the next remove finds one again
        // What an accepted request set in motion (a moved clock ends the morning, closes
        // windows …) happens at the hall's next request: here, not in the next input's refusal.
        send("GET /api/v1/halls/swzx/businesses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + tokenFor(roles::Admin) + "\r\n\r\n");
        m_changes = changes();
    }
}

Answer Harness::call(const QString &role, const QByteArray &method, const QString &path, const QByteArray &body)
{
    const bool bytes = method == "PUT" && path.contains(QLatin1String("/blobs/"));
    QByteArray request = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + tokenFor(role) + "\r\n";
    if (method != "GET")
        request += QByteArray("Content-Type: ") + (bytes ? "application/octet-stream" : "application/json") + "\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    const Answer a = send(request + "\r\n" + body);
    m_changes = -1;
    return a;
}

void Harness::ensureCertificateMapping()
{
    CertificateStore certificates(m_db.get());
    QString error;
    if (!certificates.loginFor(FuzzIssuer, FuzzSubject, &error).isEmpty())
        return;
    const std::optional<AccountRecord> a = m_accounts->account(QStringLiteral("officer09"));
    if (!a || !certificates.add(a->id, FuzzIssuer, FuzzSubject, &error))
        fail(QStringLiteral("cannot map the fuzz certificate: ") + error);
    m_changes = -1;
}

bool Harness::keep(const QString &file, QString *error)
{
    // One file, whatever is still in the WAL included.
    QFile::remove(file);
    QSqlQuery keep(m_db->connection());
    keep.prepare(QStringLiteral("VACUUM INTO ?"));
    keep.addBindValue(file);
    if (!keep.exec()) {
        *error = keep.lastError().text();
        return false;
    }
    return true;
}

void Harness::stage()
{
    const QString hall = QStringLiteral("/api/v1/halls/swzx");
    const auto must = [](const Answer &a, const char *what) {
        if (a.status < 200 || a.status >= 300)
            fail(QStringLiteral("staging, %1: %2 %3").arg(QLatin1String(what)).arg(a.status).arg(QString::fromUtf8(a.body)));
        return QJsonDocument::fromJson(a.body).object();
    };
    must(call(roles::Officer, "POST", hall + QStringLiteral("/windows/1/login"), "{}"), "officer at window 1");
    for (int i = 0; i < 3; ++i)
        must(call(roles::Kiosk, "POST", hall + QStringLiteral("/tickets"), R"({"business":"HJ","source":"touch"})"), "a ticket");
    const QJsonObject called = must(call(roles::Officer, "POST", hall + QStringLiteral("/windows/1/call-next"), "{}"), "call-next")
                                   .value(QStringLiteral("ticket")).toObject();
    m_calledTicket = called.value(QStringLiteral("id")).toInteger();
    m_calledNumber = called.value(QStringLiteral("number")).toString();
    const QJsonObject lease = must(call(roles::Kiosk, "POST", hall + QStringLiteral("/leases"),
                                        R"({"business":"HJ","size":30,"device":")" + FuzzDevice.toLatin1() + "\"}"),
                                   "a lease")
                                  .value(QStringLiteral("lease")).toObject();
    m_leaseFrom = lease.value(QStringLiteral("from")).toInteger();
    must(call(roles::Kiosk, "PUT", hall + QStringLiteral("/blobs/sha256/%1?offset=0&size=4").arg(QString::fromLatin1(sha256Hex("fuzz"))), "fuzz"),
         "a blob");
    resumeUpload();
    ensureCertificateMapping();
}

// An upload of 8 bytes under way (its first 4 sent): what PUT uploads/{} continues. Made by
// stage(), found again by each run.
void Harness::resumeUpload()
{
    const Answer a = call(roles::Kiosk, "POST", QStringLiteral("/api/v1/halls/swzx/blobs/uploads"),
                          R"({"algorithm":"sha256","hash":")" + sha256Hex("fuzzfuzz") + R"(","size":8})");
    m_upload = QJsonDocument::fromJson(a.body).object().value(QStringLiteral("upload")).toString();
    if (m_upload.isEmpty())
        fail(QStringLiteral("no upload session: %1 %2").arg(a.status).arg(QString::fromUtf8(a.body)));
}

QList<QByteArray> Harness::acceptedSeeds(const Route &route) const
{
    const QString pattern = route.segments.join(u'/');
    const auto is = [&](const char *tail) { return pattern.endsWith(QLatin1String(tail)); };
    const QByteArray at = R"("at":"2026-11-23T09:00:10.000")";
    const auto entry = [&](int seq, const QByteArray &kind, const QByteArray &data) {
        return R"({"seq":)" + QByteArray::number(seq) + R"(,"key":"fuzz-)" + kind + '-' + QByteArray::number(seq) + R"(","kind":")" + kind
            + "\"," + at + R"(,"data":)" + data + '}';
    };
    const auto push = [](const QByteArray &device, int epoch, const QList<QByteArray> &entries) {
        return R"({"device":")" + device + R"(","epoch":)" + QByteArray::number(epoch) + R"(,"entries":[)" + entries.join(',') + "]}";
    };
    const QByteArray blob = R"({"algorithm":"sha256","hash":")" + sha256Hex("fuzz") + R"(","size":4})";
    const QByteArray rating = R"({"ticket":)" + QByteArray::number(m_calledTicket) + R"(,"level":5,"source":"evaluator"})";
    const QByteArray material = R"({"material":"M-fuzz-1","ticket":")" + m_calledNumber.toLatin1()
        + R"(","type":"id-card-copy","pages":1,"blobs":[)" + blob + "]}";
    const QByteArray notice = R"({"id":"N1","version":0,"text":"fuzz notice","until":"2026-11-23T18:00:00.000"})";
    const QByteArray offline = R"({"business":"HJ","seq":)" + QByteArray::number(m_leaseFrom)
        + R"(,"issuedAt":"2026-11-23T09:00:05.000","source":"phone","phone":"13900000000"})";
    if (is("sync/push"))
        return {push("fuzzdevice01", 1, {entry(1, "rating", rating)}),
                push("fuzzdevice02", 1, {entry(1, "material", material)}),
                push("fuzzdevice03", 1, {entry(1, "notice", notice)}),
                push(FuzzDevice.toLatin1(), 1, {entry(1, "ticket.offline", offline)}),
                push("fuzzdevice04", 2, {entry(1, "rating", R"({"ticket":1,"level":1,"source":"screen"})"), entry(2, "material", material),
                                         entry(3, "notice", R"({"id":"N2","version":0,"text":"x","deleted":true})")})};
    if (is("leases"))
        return {R"({"business":"HJ","size":30,"device":")" + FuzzDevice.toLatin1() + "\"}", R"({"business":"CRJ","size":1,"device":"fuzzkiosk02"})"};
    if (is("leases/{}/return"))
        return {R"({"device":")" + FuzzDevice.toLatin1() + R"(","used":0})"};
    if (is("blobs/uploads"))
        return {R"({"algorithm":"sha256","hash":")" + sha256Hex("fuzzfuzz") + R"(","size":8})", blob,
                R"({"algorithm":"sm3","hash":")" + sha256Hex("sm3") + R"(","size":100})"};
    if (route.rawBody)
        return {"fuzz"};
    if (is("devices/{}/status"))
        return {R"({"parts":[{"part":"printer","state":"ok"},{"part":"ledbar:3","state":"error","message":"no answer"}],"every":60,"age":5})",
                R"({"parts":[{"part":"printer","state":"paper_low"}]})"};
    if (is("announcements"))
        return {R"({"call":"A001@1","state":"started"})", R"({"call":"A001@1","state":"finished"})"};
    if (is("certificates/remove"))
        return {R"({"subject":")" + FuzzSubject.toUtf8() + R"(","issuer":")" + FuzzIssuer.toUtf8() + "\"}"};
    if (is("password-sign-in"))
        return {R"({"allowed":true})", R"({"allowed":false})"};
    return {};
}

// What a PUT route replaces, as its GET answers now (the demo hall's configuration): a seed that
// is accepted, so that mutations of it reach the changes and not only the refusals. Empty when
// there is no such GET.
QByteArray Harness::current(const Route &route)
{
    if (route.method != "PUT" || route.rawBody)
        return {};
    const Answer a = send("GET " + concrete(route, 0, 0).toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                          + tokenFor(roles::Admin) + "\r\n\r\n");
    const QJsonDocument doc = QJsonDocument::fromJson(a.body);
    return a.status == 200 && doc.isObject() ? doc.toJson(QJsonDocument::Compact) : QByteArray();
}

// ---- seeds and dictionary from docs/api.md --------------------------------------------------

// A body cell of docs/api.md as JSON: itself when it is JSON, else its keys with the values it
// names ({"business", "source": "touch"/"idcard"} → {"business": "1", "source": "touch"}).
QByteArray repaired(const QString &cell)
{
    const QByteArray raw = cell.toUtf8();
    if (QJsonDocument::fromJson(raw).isObject())
        return raw;
    static const QRegularExpression pair(
        QStringLiteral("(?<![/|])(?<!\\| )\"([A-Za-z]+)\"(?:\\s*:\\s*(\"[^\"]*\"|-?\\d+|true|false|null|[A-Za-z][\\w-]*))?"));
    QJsonObject o;
    for (auto it = pair.globalMatch(cell); it.hasNext();) {
        const auto m = it.next();
        const QString v = m.captured(2);
        if (v.isEmpty())
            o.insert(m.captured(1), QStringLiteral("1"));
        else if (v.startsWith(u'"'))
            o.insert(m.captured(1), v.mid(1, v.size() - 2));
        else if (v == QLatin1String("true") || v == QLatin1String("false"))
            o.insert(m.captured(1), v == QLatin1String("true"));
        else if (bool isNumber = false; v.toLongLong(&isNumber), isNumber)
            o.insert(m.captured(1), v.toLongLong());
        else
            o.insert(m.captured(1), v);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

int prepare(const QString &dir, const QList<Route> &all, Harness *harness)
{
    QFile doc(sourceDir() + QStringLiteral("/docs/api.md"));
    if (!doc.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read docs/api.md"));
    const QStringList lines = QString::fromUtf8(doc.readAll()).split(u'\n');
    // Which route a documented path is: segment by segment, {} in the route takes anything.
    auto find = [&](const QByteArray &method, QString path) -> std::optional<qsizetype> {
        path = path.section(u'?', 0, 0);
        QStringList segs = path.split(u'/', Qt::SkipEmptyParts);
        if (segs.value(0) != QLatin1String("api"))
            segs = QStringList{QStringLiteral("api"), QStringLiteral("v1")} + segs;
        for (qsizetype i = 0; i < all.size(); ++i) {
            const Route &r = all.at(i);
            if (r.method != method || r.segments.size() != segs.size())
                continue;
            bool same = true;
            for (qsizetype k = 0; k < segs.size() && same; ++k)
                same = r.segments.at(k) == QLatin1String("{}") || r.segments.at(k) == segs.at(k);
            if (same)
                return i;
        }
        return std::nullopt;
    };
    std::map<qsizetype, QSet<QByteArray>> bodies; // route → documented bodies
    static const QRegularExpression curl(QStringLiteral("\\$B(/[^ ]+)(?: --json '([^']*)')?"));
    static const QRegularExpression row(QStringLiteral("^\\|\\s*(POST|PUT)\\s*(?:\\|\\s*)?`?(/[^` |]+)`?"));
    static const QRegularExpression cellBody(QStringLiteral("`(\\{[^`]*\\})`"));
    static const QRegularExpression opRow(QStringLiteral("^\\|\\s*`([a-z-]+)`\\s*\\|"));
    for (const QString &line : lines) {
        QList<QPair<std::optional<qsizetype>, QString>> found;
        if (const auto m = curl.match(line); m.hasMatch() && line.contains(QLatin1String("curl"))) {
            const bool post = m.capturedLength(2) > 0 || line.contains(QLatin1String("-X POST"));
            if (post)
                found.append({find("POST", m.captured(1)), m.captured(2)});
        } else if (const auto r = row.match(line); r.hasMatch()) {
            const auto at = find(r.captured(1).toLatin1(), r.captured(2));
            found.append({at, QString()});
            for (auto it = cellBody.globalMatch(line); it.hasNext();)
                found.append({at, it.next().captured(1)});
        } else if (const auto o = opRow.match(line); o.hasMatch()) { // the windows' OP table
            const auto at = find("POST", QStringLiteral("/halls/x/windows/1/") + o.captured(1));
            found.append({at, QString()});
            for (auto it = cellBody.globalMatch(line); it.hasNext();)
                found.append({at, it.next().captured(1)});
        }
        for (const auto &[at, b] : found) {
            if (at)
                bodies[*at].insert(b.isEmpty() ? QByteArray("{}") : repaired(b));
        }
    }
    int written = 0;
    const auto write = [&](const QString &group, qsizetype index, const QByteArray &b) {
        QDir().mkpath(dir + u'/' + group);
        for (const quint8 variant : {0, 1, 2, 3}) {
            const QByteArray input = QByteArray(1, char(index)) + char(variant) + b;
            QFile f(dir + u'/' + group + u'/' + QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Sha1).toHex()));
            if (f.open(QIODevice::WriteOnly) && f.write(input) == input.size())
                ++written;
        }
    };
    // The queries group: every GET with each query string the docs show, and none.
    static const QRegularExpression queryString(QStringLiteral("\\?([A-Za-z][A-Za-z0-9_=&.,:/%-]*)"));
    QSet<QByteArray> queries{QByteArray(), "device=" + FuzzDevice.toLatin1() + "&epoch=1&since=0&outcomesAfter=0&limit=500",
                             "scopes=ref,hall,window:1&since=0", "record=material/M-fuzz-1", "date=2026-11-23"};
    for (const QString &line : lines) {
        if (line.contains(QLatin1String("GET")) || line.contains(QLatin1String("curl")))
            for (auto it = queryString.globalMatch(line); it.hasNext();)
                queries.insert(it.next().captured(1).toUtf8());
    }
    for (qsizetype i = 0; i < harness->gets.size(); ++i)
        for (const QByteArray &q : std::as_const(queries))
            write(QStringLiteral("queries"), i, q);
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QString group = groupOf(all.at(i).segments);
        QList<Route> members;
        for (const Route &r : all) {
            if (groupOf(r.segments) == group)
                members.append(r);
        }
        const qsizetype index = std::find_if(members.cbegin(), members.cend(), [&](const Route &r) {
                                    return r.method == all.at(i).method && r.segments == all.at(i).segments;
                                }) - members.cbegin();
        QSet<QByteArray> mine = bodies[i];
        mine.insert(all.at(i).rawBody ? QByteArray("scanned page") : QByteArray("{}"));
        if (const QByteArray now = harness->current(all.at(i)); !now.isEmpty())
            mine.insert(now);
        for (const QByteArray &b : harness->acceptedSeeds(all.at(i)))
            mine.insert(b);
        for (const QByteArray &b : std::as_const(mine))
            write(group, index, b);
    }
    // The dictionary: every quoted word of the API docs and every short string of the demo hall.
    QSet<QString> words;
    static const QRegularExpression quoted(QStringLiteral("\"([^\"\\\\\\n]{1,40})\""));
    for (const QString &name : {QStringLiteral("/docs/api.md"), QStringLiteral("/docs/sync.md"), QStringLiteral("/resources/demo/demo-hall.json")}) {
        QFile f(sourceDir() + name);
        if (f.open(QIODevice::ReadOnly)) {
            for (auto it = quoted.globalMatch(QString::fromUtf8(f.readAll())); it.hasNext();)
                words.insert(it.next().captured(0));
        }
    }
    QFile dict(dir + QStringLiteral("/api.dict"));
    if (!dict.open(QIODevice::WriteOnly))
        fail(QStringLiteral("cannot write the dictionary"));
    QTextStream out(&dict);
    for (const QString &w : std::as_const(words)) {
        QString escaped;
        for (const QChar c : w) {
            if (c == u'"' || c == u'\\')
                escaped += u'\\' + QString(c);
            else if (c.unicode() < 0x80)
                escaped += c;
            else
                for (const char b : QString(c).toUtf8())
                    escaped += QStringLiteral("\\x%1").arg(quint8(b), 2, 16, QLatin1Char('0'));
        }
        out << '"' << escaped << "\"\n";
    }
    std::printf("fuzz_server_api: %d seed inputs and %lld dictionary words in %s\n", written, qlonglong(words.size()), qPrintable(dir));
    return 0;
}

Harness *harness = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_LOGGING_RULES", "*.debug=false;*.info=false;*.warning=false");
    static QCoreApplication app(*argc, *argv);
    const QString prepareDir = QString::fromLocal8Bit(qgetenv("HALL_FUZZ_PREPARE"));
    QString group = QString::fromLocal8Bit(qgetenv("HALL_FUZZ_GROUP"));
    if (group.isEmpty() && prepareDir.isEmpty())
        group = QStringLiteral("list");
    harness = new Harness;
    // libFuzzer ends with exit(): the server is left to the OS, its files on tmpfs are not.
    std::atexit([] {
        harness->printStatuses();
        harness->removeFiles();
    });
    QString error;
    const bool listOnly = group == QLatin1String("list");
    if (!prepareDir.isEmpty())
        QDir().mkpath(prepareDir);
    const QString seeded = QString::fromLocal8Bit(qgetenv("HALL_FUZZ_HALL"));
    if (!harness->start(listOnly || !prepareDir.isEmpty() ? QString() : group, prepareDir.isEmpty() ? seeded : QString(), &error))
        fail(error);
    if (!prepareDir.isEmpty()) {
        harness->stage();
        if (!harness->keep(prepareDir + QStringLiteral("/hall.db"), &error))
            fail(error);
        std::exit(prepare(prepareDir, harness->withBody, harness));
    }
    if (group == QLatin1String("blobs"))
        harness->resumeUpload();
    if (listOnly) {
        QStringList groups;
        for (const Route &r : std::as_const(harness->withBody)) {
            if (!groups.contains(groupOf(r.segments)))
                groups << groupOf(r.segments);
        }
        groups << QStringLiteral("queries");
        std::printf("%s\n", qPrintable(groups.join(u' ')));
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    harness->run(data, size);
    return 0;
}
