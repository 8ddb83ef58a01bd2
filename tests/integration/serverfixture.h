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
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <QUuid>
#include <QWebSocket>

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
        QProcess p;
        p.start(binDir() + QStringLiteral("/hall-server"), QStringList{QStringLiteral("seed"), file} + m_dbArgs);
        if (!p.waitForFinished(60000) || p.exitCode() != 0) {
            *error = QString::fromUtf8(p.readAllStandardError());
            return false;
        }
        return true;
    }

    bool start(QString *error, const QStringList &extra = {})
    {
        m_proc.setProcessChannelMode(QProcess::SeparateChannels);
        m_proc.start(binDir() + QStringLiteral("/hall-server"),
                     m_dbArgs + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + extra);
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (t.elapsed() < 30000) {
            m_proc.waitForReadyRead(200);
            out += m_proc.readAllStandardOutput();
            const int at = out.indexOf("listening on 127.0.0.1:");
            if (at >= 0 && out.indexOf(' ', at + 23) > 0) {
                m_port = out.mid(at + 23, out.indexOf(' ', at + 23) - at - 23).toUShort();
                return m_port != 0;
            }
            if (m_proc.state() == QProcess::NotRunning)
                break;
        }
        *error = QString::fromUtf8(out + m_proc.readAllStandardError());
        return false;
    }

    void stop()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.terminate();
            if (!m_proc.waitForFinished(10000))
                m_proc.kill();
            m_proc.waitForFinished(5000);
        }
    }

    void kill9()
    {
        m_proc.kill(); // SIGKILL: no chance to flush anything
        m_proc.waitForFinished(5000);
    }

    QString stderrText() { return QString::fromUtf8(m_proc.readAllStandardError()); }
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

private:
    QTemporaryDir m_dir;
    QStringList m_dbArgs;
    QProcess m_proc;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
};

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
