#pragma once

// Runs the real hall-server binary on loopback against a real SQLite file or a real
// PostgreSQL database, and talks to it over real HTTP and WebSocket.

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSet>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <QUuid>
#include <QWebSocket>

#include <childlog.h>

namespace hall::test {

struct HttpResult
{
    int status = 0;
    QJsonObject body;
    QString errorCode() const { return body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
    QString describe() const { return QStringLiteral("%1 %2").arg(status).arg(QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact))); }
};

inline QString binDir() { return qEnvironmentVariable("HALL_BIN_DIR"); }
inline QString sourceDir() { return qEnvironmentVariable("HALL_SOURCE_DIR"); }
inline QString demoHall() { return sourceDir() + QStringLiteral("/resources/demo/demo-hall.json"); }

// Runs `hall-server ARGS` in English (the tests read its words) and returns what it printed,
// standard output and error; its exit code in `rc` (-1 when it crashed).
inline QString runHallServer(const QStringList &args, int *rc)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en"));
    p.setProcessEnvironment(env);
    p.start(binDir() + QStringLiteral("/hall-server"), args);
    p.waitForFinished(60000);
    *rc = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    const QByteArray out = childStdout(p);
    return QString::fromUtf8(out + childStderr(p));
}

// "sqlite" or "postgres", from HALL_TEST_BACKEND (set per CTest registration).
inline QString backend() { return qEnvironmentVariable("HALL_TEST_BACKEND", QStringLiteral("sqlite")); }

class Server
{
public:
    Server() { m_nam.setAutoDeleteReplies(true); }
    ~Server() { stop(); }

    // Creates a fresh database: a file in a temporary folder, or a new PostgreSQL database
    // on the server scripts/test started (HALL_TEST_PG_URL). Fails, never skips.
    bool createDatabase(QString *error)
    {
        if (backend() == QLatin1String("sqlite")) {
            m_dbArgs = {QStringLiteral("--data"), m_dir.path()};
            return true;
        }
        const QString base = qEnvironmentVariable("HALL_TEST_PG_URL");
        if (base.isEmpty()) {
            *error = QStringLiteral("HALL_TEST_PG_URL is not set: run the suite through scripts/test, which starts PostgreSQL");
            return false;
        }
        const QUrl url(base);
        const QString name = QStringLiteral("hall_test_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(16));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("fixture-admin"));
            db.setHostName(url.host());
            db.setPort(url.port(5432));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
            if (!db.open()) {
                *error = QStringLiteral("cannot reach PostgreSQL at %1: %2").arg(base, db.lastError().text());
                return false;
            }
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(name))) {
                *error = q.lastError().text();
                return false;
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fixture-admin"));
        QUrl dbUrl = url;
        dbUrl.setPath(u'/' + name);
        m_dbArgs = {QStringLiteral("--db"), dbUrl.toString(), QStringLiteral("--blobs"), m_dir.filePath(QStringLiteral("blobs"))};
        return true;
    }

    bool seed(const QString &file, QString *error)
    {
        return command({QStringLiteral("seed"), file}, nullptr, error);
    }

    // How a command's answer is treated: kept in the child log like everything a child prints, or,
    // for a command whose answer shows personal data to the operator on purpose (the security
    // administrator's certificate commands name the certificate's subject, a person), not kept:
    // it is what the operator asked to see, not a log.
    enum class Output { Kept, ShownToTheOperator };

    // Runs `hall-server ARGS` on this server's database; its standard output in `out`.
    // `input` goes to its standard input (closed after).
    bool command(const QStringList &args, QString *out, QString *error, Output output)
    {
        return command(args, out, error, {}, output);
    }
    bool command(const QStringList &args, QString *out, QString *error, const QByteArray &input = {}, Output output = Output::Kept)
    {
        QProcess p;
        p.start(binDir() + QStringLiteral("/hall-server"), args + m_dbArgs);
        p.write(input);
        p.closeWriteChannel();
        const bool ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        const bool keep = output == Output::Kept;
        const QByteArray printed = keep ? childStdout(p) : p.readAllStandardOutput();
        const QByteArray errors = keep ? childStderr(p) : p.readAllStandardError();
        if (out)
            *out = QString::fromUtf8(printed);
        if (!ok)
            *error = QString::fromUtf8(errors);
        return ok;
    }

    bool start(QString *error, const QStringList &extra = {})
    {
        launch(extra);
        return waitListening(error);
    }

    // Starts the binary without waiting for it to listen (a standby listens only once it owns
    // the halls).
    void launch(const QStringList &extra = {})
    {
        keepOutput(true); // of an earlier start
        m_out.clear();
        m_kept = 0;
        m_port = 0;
        m_proc.setProcessChannelMode(QProcess::SeparateChannels);
        m_proc.start(binDir() + QStringLiteral("/hall-server"),
                     m_dbArgs + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(listenPort), QStringLiteral("--demo")} + extra);
    }

    // Waits for the "listening on" line and learns the port from it.
    bool waitListening(QString *error, int timeoutMs = 30000)
    {
        if (waitOutput("listening on 127.0.0.1:", timeoutMs)) {
            const int at = m_out.indexOf("listening on 127.0.0.1:") + 23;
            (void)waitOutput(" ", 5000, at);
            m_port = m_out.mid(at, m_out.indexOf(' ', at) - at).toUShort();
            if (m_port)
                return true;
        }
        *error = QString::fromUtf8(m_out + childStderr(m_proc));
        return false;
    }

    // Waits until the standard output shows `text` (from byte `from` on).
    bool waitOutput(const QByteArray &text, int timeoutMs, qsizetype from = 0)
    {
        QElapsedTimer t;
        t.start();
        while (m_out.indexOf(text, from) < 0) {
            if (t.elapsed() > timeoutMs || m_proc.state() == QProcess::NotRunning) {
                m_out += m_proc.readAllStandardOutput();
                keepOutput();
                return m_out.indexOf(text, from) >= 0;
            }
            m_proc.waitForReadyRead(50);
            m_out += m_proc.readAllStandardOutput();
        }
        keepOutput();
        return true;
    }

    // Serves the database of `other` (a second instance on the same data; `other` outlives it).
    void shareDatabase(const Server &other) { m_dbArgs = other.m_dbArgs; }
    bool waitExit(int timeoutMs) { return m_proc.state() == QProcess::NotRunning || m_proc.waitForFinished(timeoutMs); }
    int exitCode() const { return m_proc.exitCode(); }
    qint64 pid() const { return m_proc.processId(); }
    QByteArray output() const { return m_out; }

    void stop()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.terminate();
            if (!m_proc.waitForFinished(10000))
                m_proc.kill();
            m_proc.waitForFinished(5000);
        }
        keepOutput(true);
    }

    void kill9()
    {
        m_proc.kill(); // SIGKILL: no chance to flush anything
        m_proc.waitForFinished(5000);
        keepOutput(true);
    }

    // The port to listen on; 0 picks a free one (a restart on the same port sets it).
    quint16 listenPort = 0;
    bool isRunning() const { return m_proc.state() != QProcess::NotRunning; }

    // A connection of the test's own to the server's database, to check what is stored.
    QSqlDatabase openDatabase(const QString &connectionName, QString *error, bool readOnly = true) const
    {
        QSqlDatabase db;
        if (backend() == QLatin1String("sqlite")) {
            db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
            db.setDatabaseName(m_dir.filePath(QStringLiteral("hall.db")));
            db.setConnectOptions(readOnly ? QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000") : QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        } else {
            const QUrl url(m_dbArgs.value(1));
            db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
            db.setHostName(url.host());
            db.setPort(url.port(5432));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
        }
        if (!db.open())
            *error = db.lastError().text();
        return db;
    }

    QString stderrText() { return QString::fromUtf8(childStderr(m_proc)); }
    quint16 port() const { return m_port; }
    QString scheme = QStringLiteral("http");
    QUrl url(const QString &path) const { return QUrl(QStringLiteral("%1://127.0.0.1:%2%3").arg(scheme).arg(m_port).arg(path)); }

    QNetworkReply *send(const QByteArray &method, const QString &path, const QByteArray &body, const QString &token,
                        const QByteArray &contentType = "application/json")
    {
        QNetworkRequest req(url(path));
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        if (!body.isNull())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        if (scheme == QLatin1String("https")) {
            QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
            ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // the test's own self-signed certificate
            req.setSslConfiguration(ssl);
        }
        return m_nam.sendCustomRequest(req, method, body);
    }

    HttpResult call(const QByteArray &method, const QString &path, const QJsonObject &body = {}, const QString &token = {})
    {
        return raw(method, path, body.isEmpty() && method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact), token);
    }

    HttpResult raw(const QByteArray &method, const QString &path, const QByteArray &body, const QString &token,
                   const QByteArray &contentType = "application/json")
    {
        QNetworkReply *reply = send(method, path, body, token, contentType);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = QJsonDocument::fromJson(reply->readAll()).object();
        return r;
    }

    QString login(const QString &user, const QString &password)
    {
        const HttpResult r = call("POST", QStringLiteral("/api/v1/auth/login"),
                                  {{QStringLiteral("login"), user}, {QStringLiteral("password"), password}});
        return r.body.value(QStringLiteral("token")).toString();
    }

    QNetworkAccessManager &nam() { return m_nam; }
    QStringList dbArgs() const { return m_dbArgs; }
    // Where the server keeps uploaded blobs (its default folder with SQLite, --blobs with PostgreSQL).
    QString blobFolder() const { return m_dir.filePath(QStringLiteral("blobs")); }

private:
    // What the server printed since the last call into the child log (tests/childlog.h):
    // standard output as read into m_out; with `ended`, standard error too (while it runs a
    // test may still read that with stderrText()).
    void keepOutput(bool ended = false)
    {
        m_out += m_proc.readAllStandardOutput();
        keepChildOutput(m_proc.program(), m_out.mid(m_kept));
        m_kept = m_out.size();
        if (ended)
            childStderr(m_proc);
    }

    QTemporaryDir m_dir;
    QStringList m_dbArgs;
    QProcess m_proc;
    QByteArray m_out;
    qsizetype m_kept = 0; // bytes of m_out already in the child log
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
};

// What clients were told: ticket id → number (acknowledged with 201), ticket ids acknowledged as
// called, and as finished.
struct Acknowledged
{
    QHash<qint64, QString> issued;
    QSet<qint64> called;
    QSet<qint64> finished;
};

// Compares the acknowledgements with `tickets` (GET /api/v1/halls/{hall}/tickets): no number
// stored or acknowledged twice, every acknowledged ticket stored with its number, every
// acknowledged call called or done, every acknowledged finish done. The first problem, or an
// empty string; `numbers` receives the stored numbers.
inline QString checkAcknowledged(const QJsonArray &tickets, const Acknowledged &acked, QSet<QString> *numbers)
{
    QHash<qint64, QJsonObject> stored;
    for (const QJsonValue &v : tickets) {
        const QJsonObject t = v.toObject();
        stored.insert(t.value(QStringLiteral("id")).toInteger(), t);
        const QString number = t.value(QStringLiteral("number")).toString();
        if (numbers->contains(number))
            return QStringLiteral("number %1 issued twice").arg(number);
        numbers->insert(number);
    }
    QSet<QString> ackedNumbers;
    for (auto it = acked.issued.cbegin(); it != acked.issued.cend(); ++it) {
        if (ackedNumbers.contains(it.value()))
            return QStringLiteral("number %1 acknowledged for two tickets").arg(it.value());
        ackedNumbers.insert(it.value());
        if (!stored.contains(it.key()))
            return QStringLiteral("acknowledged ticket %1 (%2) lost").arg(it.key()).arg(it.value());
        const QString number = stored.value(it.key()).value(QStringLiteral("number")).toString();
        if (number != it.value())
            return QStringLiteral("ticket %1 was acknowledged as %2 but is stored as %3").arg(it.key()).arg(it.value(), number);
    }
    for (qint64 id : std::as_const(acked.called)) {
        const QString status = stored.value(id).value(QStringLiteral("status")).toString();
        if (status != QLatin1String("called") && status != QLatin1String("done"))
            return QStringLiteral("acknowledged call of %1 lost: %2").arg(id).arg(status);
    }
    for (qint64 id : std::as_const(acked.finished)) {
        const QString status = stored.value(id).value(QStringLiteral("status")).toString();
        if (status != QLatin1String("done"))
            return QStringLiteral("acknowledged finish of %1 lost: %2").arg(id).arg(status);
    }
    return {};
}

// Collects the JSON messages of a WebSocket subscription.
class EventClient
{
public:
    bool open(const Server &s, const QString &token, const QString &hall)
    {
        QUrl url = s.url(QStringLiteral("/api/v1/events"));
        url.setScheme(s.scheme == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
        url.setQuery(QStringLiteral("hall=%1").arg(hall));
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        QObject::connect(&m_ws, &QWebSocket::textMessageReceived, &m_ws, [this](const QString &m) {
            messages.append(QJsonDocument::fromJson(m.toUtf8()).object());
        });
        if (s.scheme == QLatin1String("https")) {
            QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
            ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
            m_ws.setSslConfiguration(ssl);
        }
        m_ws.open(request);
        const bool ok = QTest::qWaitFor([this] { return !messages.isEmpty(); }, 10000)
            && messages.first().value(QStringLiteral("type")) == QLatin1String("hello");
        if (!ok)
            qWarning() << "event stream" << url.toString(QUrl::RemoveQuery) << m_ws.state() << m_ws.errorString() << messages;
        return ok;
    }

    // Waits for an event of `type`, returns it (empty object on timeout).
    QJsonObject waitFor(const QString &type, int timeoutMs = 5000)
    {
        QJsonObject found;
        (void)QTest::qWaitFor([&] {
            for (qsizetype i = m_seen; i < messages.size(); ++i) {
                if (messages.at(i).value(QStringLiteral("type")).toString() == type) {
                    found = messages.at(i);
                    m_seen = i + 1;
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        return found;
    }

    QWebSocket &socket() { return m_ws; }
    QList<QJsonObject> messages;

private:
    QWebSocket m_ws;
    qsizetype m_seen = 0;
};

} // namespace hall::test
