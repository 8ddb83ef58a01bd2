#pragma once

// hall-server in this process: a real SQLite file in a temporary folder, the demo hall seeded,
// the HallServer on a free loopback port, and a real HTTP client. No binary, no mocks.

#include <server/admin.h>
#include <server/hallserver.h>

#include <core/clock.h>

#include <QEventLoop>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>

namespace hall::test {

struct Answer
{
    int status = 0;
    QJsonObject body;
    QString errorCode() const { return body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
    QString describe() const
    {
        return QStringLiteral("%1 %2").arg(status).arg(QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)));
    }
};

// An HTTP client of a server that runs in this thread: each call spins the event loop until
// the reply is in, so the server handles the request meanwhile.
class Client
{
public:
    explicit Client(quint16 port) : m_port(port) { m_nam.setAutoDeleteReplies(true); }

    QString token;

    Answer call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QByteArray &contentType = "application/json")
    {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        if (!contentType.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
        return wait(reply);
    }
    Answer call(const QByteArray &method, const QString &path, const QJsonObject &body)
    {
        return call(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Answer get(const QString &path) { return call("GET", path, QByteArray(), QByteArray()); }

    // Several requests at once, so the server sees them in one turn of its event loop.
    QList<Answer> callAll(const QByteArray &method, const QList<QString> &paths, const QJsonObject &body)
    {
        QList<QNetworkReply *> replies;
        for (const QString &path : paths) {
            QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            if (!token.isEmpty())
                req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
            replies.append(m_nam.sendCustomRequest(req, method, QJsonDocument(body).toJson(QJsonDocument::Compact)));
        }
        QList<Answer> out;
        for (QNetworkReply *r : replies)
            out.append(wait(r));
        return out;
    }

    bool signIn(const QString &login, const QString &password)
    {
        token.clear();
        const Answer a = call("POST", QStringLiteral("/api/v1/auth/login"),
                              QJsonObject{{QStringLiteral("login"), login}, {QStringLiteral("password"), password}});
        token = a.body.value(QStringLiteral("token")).toString();
        return a.status == 200 && !token.isEmpty();
    }

private:
    static Answer wait(QNetworkReply *reply)
    {
        if (!reply->isFinished()) {
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(10000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = QJsonDocument::fromJson(reply->readAll()).object();
        return a;
    }

    quint16 m_port;
    QNetworkAccessManager m_nam;
};

// The event stream's handshake: the hall in the URL, the token in the Authorization header.
inline QNetworkRequest eventRequest(quint16 port, const QString &token, const QString &hall = QStringLiteral("swzx"))
{
    QNetworkRequest r(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events?hall=%2").arg(port).arg(hall)));
    r.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    return r;
}

// Where a test's server database goes, by HALL_TEST_BACKEND: a new SQLite file in `dir`, or a
// fresh database (named `prefix`_…) on the PostgreSQL of scripts/lib.sh (hall_pg_start). An
// error when PostgreSQL is asked for and not there: such a test fails, never skips.
inline bool freshDatabase(const QTemporaryDir &dir, const QString &prefix, QString *location, QString *error)
{
    const QString unique = QUuid::createUuid().toString(QUuid::Id128).left(12);
    if (qEnvironmentVariable("HALL_TEST_BACKEND", QStringLiteral("sqlite")) == QLatin1String("sqlite")) {
        *location = dir.filePath(unique + QStringLiteral(".db"));
        return true;
    }
    const QString base = qEnvironmentVariable("HALL_TEST_PG_URL");
    if (base.isEmpty()) {
        *error = QStringLiteral("HALL_TEST_PG_URL is not set: source scripts/lib.sh; hall_pg_start");
        return false;
    }
    const QUrl url(base);
    const QString name = prefix + u'_' + unique;
    const QString connection = name + QStringLiteral("-admin");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setDatabaseName(url.path().mid(1));
        QSqlQuery q(db);
        if (!db.open() || !q.exec(QStringLiteral("CREATE DATABASE %1").arg(name)))
            *error = db.isOpen() ? q.lastError().text() : db.lastError().text();
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    QUrl dbUrl = url;
    dbUrl.setPath(u'/' + name);
    *location = dbUrl.toString();
    return error->isEmpty();
}

// The demo hall on a Monday morning.
class InProcessServer
{
public:
    InProcessServer() : clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0))) {}

    bool start(QString *error, bool fakeClock = true)
    {
        const QString file = dir.filePath(QStringLiteral("hall.db"));
        if (!QFile::copy(seededTemplate(error), file) || !error->isEmpty()) {
            if (error->isEmpty())
                *error = QStringLiteral("cannot copy the seeded database");
            return false;
        }
        if (server::openServerDatabase(file, &db, error) != storage::OpenResult::Ok)
            return false;
        for (const QString &seed : std::as_const(seeds)) {
            QString summary;
            if (!server::seedHall(db.get(), seed, &summary, error))
                return false;
        }
        if (prepare && !prepare(db.get(), error))
            return false;
        server::ServerOptions options;
        options.port = port0;
        options.fakeClock = fakeClock;
        options.demo = demo;
        options.auth = auth;
        options.blobFolder = dir.filePath(QStringLiteral("blobs"));
        options.notify = notify;
        options.personalKey = personalKey;
        options.feedFormat = feedFormat;
        options.oldestFeedFormat = oldestFeedFormat;
        options.auditKey = auditKey;
        options.tlsCertificate = tlsCertificate;
        options.tlsKey = tlsKey;
        options.certificates = certificates;
        server = std::make_unique<server::HallServer>(db.get(), &clock, options);
        return server->loadHalls(error) && server->start(error);
    }

    // The demo hall seeded once per test program (its 18 password hashes take seconds) and
    // copied for each test.
    static QString seededTemplate(QString *error)
    {
        static QTemporaryDir templateDir;
        const QString file = templateDir.filePath(QStringLiteral("seeded.db"));
        if (QFile::exists(file))
            return file;
        std::unique_ptr<storage::Database> seeded;
        if (server::openServerDatabase(file, &seeded, error) != storage::OpenResult::Ok)
            return {};
        QString summary;
        if (!server::seedHall(seeded.get(), QString::fromLocal8Bit(qgetenv("HALL_SOURCE_DIR")) + QStringLiteral("/resources/demo/demo-hall.json"),
                              &summary, error))
            return {};
        return file; // closing the last connection checkpoints the WAL into the file
    }
    quint16 port() const { return server->port(); }

    // The server again on `port` and the same database, as after a restart (the old one is
    // gone first: its port is free).
    bool restart(quint16 port, QString *error)
    {
        server.reset();
        server::ServerOptions options;
        options.port = port;
        options.fakeClock = true;
        options.demo = demo;
        options.auth = auth;
        options.blobFolder = dir.filePath(QStringLiteral("blobs"));
        options.notify = notify;
        options.personalKey = personalKey;
        options.feedFormat = feedFormat;
        options.oldestFeedFormat = oldestFeedFormat;
        options.auditKey = auditKey;
        server = std::make_unique<server::HallServer>(db.get(), &clock, options);
        return server->loadHalls(error) && server->start(error);
    }

    QTemporaryDir dir;
    core::ManualClock clock;
    server::AuthLimits auth;
    bool demo = true;  // the demo hall on purpose: its published passwords sign in
    QStringList seeds; // more halls (seed files) besides the demo hall
    quint16 port0 = 0; // 0: any free port
    std::function<bool(storage::Database *, QString *)> prepare; // runs on the database before the server starts
    server::NotifyConfig notify; // reminders' gateways; with them a personalKey of 32 bytes
    QByteArray personalKey;
    int feedFormat = 0, oldestFeedFormat = 0;            // the sync feed's formats: 0 is this build's
    QByteArray auditKey; // SM2 (PEM): signs the audit chain's heads, receipts and reports
    QString tlsCertificate, tlsKey;                      // PEM files: serve https
    server::ClientCertificates *certificates = nullptr; // the hall CA of the certificate sign-in
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<server::HallServer> server;
};

// A started server with these sign-in limits (and the demo on purpose or not); null, with a
// warning, if it did not start.
inline std::unique_ptr<InProcessServer> startServer(const server::AuthLimits &limits = {}, bool demo = true)
{
    auto s = std::make_unique<InProcessServer>();
    s->auth = limits;
    s->demo = demo;
    QString err;
    if (!s->start(&err)) {
        qWarning() << err;
        return {};
    }
    return s;
}

} // namespace hall::test
