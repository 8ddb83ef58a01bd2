// hall-load: a load generator for hall-server. N concurrent clients each repeat
// issue → call-next → finish over HTTP, one request at a time like real kiosks and windows,
// and the run prints operations per second and p50/p99 latency. In the same run it measures
// the raw durable single-row commit rate of SQLite on the same disk, for the ratio. With
// --login-flood N, N more connections send wrong passwords as fast as the server answers them,
// to show that sign-in never stalls the queue (issue 11). With --issue-only the clients only take
// tickets, and --fill N has them take N tickets before the measured run, to show how the queue's
// speed depends on how many are waiting (issue 10).

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTcpSocket>
#include <QTimer>

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallLoad)
};

struct Stats
{
    std::vector<qint64> latencyUs;
    qint64 ok = 0;
    qint64 refused = 0; // 4xx: e.g. nothing to finish because another client's call took it
    qint64 failed = 0;  // 5xx or transport errors
};

QString login(QNetworkAccessManager &nam, const QUrl &base, const QString &user, const QString &password)
{
    QNetworkRequest req(base.resolved(QUrl(QStringLiteral("/api/v1/auth/login"))));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *r = nam.post(req, QJsonDocument(QJsonObject{{QStringLiteral("login"), user}, {QStringLiteral("password"), password}}).toJson());
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QString token = QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("token")).toString();
    r->deleteLater();
    return token;
}

// Tickets waiting in the hall: the sum of its businesses' waiting counts.
int waitingTickets(QNetworkAccessManager &nam, const QUrl &base, const QString &hall, const QString &token)
{
    QNetworkRequest req(base.resolved(QUrl(QStringLiteral("/api/v1/halls/%1/businesses").arg(hall))));
    req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    QNetworkReply *r = nam.get(req);
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    int n = 0;
    for (const QJsonValue &b : QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("businesses")).toArray())
        n += b.toObject().value(QStringLiteral("waiting")).toInt();
    r->deleteLater();
    return n;
}

// CPU seconds a process has used (user + system), from /proc; -1 if it cannot be read. Unlike
// operations per second, the server's CPU time per operation hardly moves when other programs
// share the machine.
double cpuSeconds(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return (fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

// A keep-alive HTTP/1.1 connection over its own QTcpSocket with a minimal parser, so the load
// generator's own CPU cost stays small next to the server's on the same machine.
class Connection : public QObject
{
public:
    explicit Connection(const QUrl &base)
    {
        m_host = base.host().toLatin1() + ':' + QByteArray::number(base.port(80));
        connect(&m_socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
        connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
            if (!running)
                return;
            failedConnection();
            running = false;
            --inFlight;
        });
        m_socket.connectToHost(base.host(), base.port(80));
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    }

    void start()
    {
        ++inFlight;
        next();
    }
    bool running = true;
    static inline int inFlight = 0;
    qint64 intervalUs = 0; // between this connection's requests (--rate); 0: at once

protected:
    virtual void next() = 0;
    virtual void answered(int status, qint64 us) = 0;
    virtual void failedConnection() = 0;

    void post(const QByteArray &path, const QByteArray &body, const QByteArray *token)
    {
        m_timer.start();
        m_socket.write("POST " + path + " HTTP/1.1\r\nHost: " + m_host
                       + (token ? "\r\nAuthorization: " + *token : QByteArray())
                       + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                       + "\r\n\r\n" + body);
    }

private:
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const qsizetype lenAt = m_buffer.indexOf("Content-Length: ");
        const qsizetype length = lenAt >= 0 && lenAt < headerEnd
            ? m_buffer.mid(lenAt + 16, m_buffer.indexOf("\r\n", lenAt) - lenAt - 16).toLongLong() : 0;
        if (m_buffer.size() < headerEnd + 4 + length)
            return;
        const int status = m_buffer.mid(9, 3).toInt();
        m_buffer.remove(0, headerEnd + 4 + length);
        answered(status, m_timer.nsecsElapsed() / 1000);
        if (!running) {
            --inFlight;
            return;
        }
        // Paced (--rate): the next request leaves one interval after this one left.
        const qint64 waitMs = intervalUs > 0 ? (intervalUs - m_timer.nsecsElapsed() / 1000) / 1000 : 0;
        if (waitMs > 0)
            QTimer::singleShot(int(waitMs), this, [this] { next(); });
        else
            next();
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_host;
    QElapsedTimer m_timer;
};

// One simulated device pair: a kiosk issuing and a window calling and finishing, one request
// at a time like real kiosks and windows.
class Client : public Connection
{
public:
    Client(const QUrl &base, QString hall, QString window, QString business, QString kioskToken, QString callerToken,
           Stats **stats, const bool *issueOnly)
        : Connection(base), m_hall(std::move(hall)), m_window(std::move(window)), m_business(std::move(business)),
          m_kiosk("Bearer " + kioskToken.toLatin1()), m_caller("Bearer " + callerToken.toLatin1()), m_stats(stats),
          m_issueOnly(issueOnly)
    {
    }

private:
    void next() override
    {
        QByteArray path;
        QByteArray body = "{}";
        const QByteArray *token = &m_caller;
        switch (*m_issueOnly ? 0 : m_step++ % 3) {
        case 0:
            path = "/api/v1/halls/" + m_hall.toLatin1() + "/tickets";
            body = R"({"business":")" + m_business.toLatin1() + R"("})";
            token = &m_kiosk;
            break;
        case 1:
            path = "/api/v1/halls/" + m_hall.toLatin1() + "/windows/" + m_window.toLatin1() + "/call-next";
            break;
        default:
            path = "/api/v1/halls/" + m_hall.toLatin1() + "/windows/" + m_window.toLatin1() + "/finish";
            break;
        }
        post(path, body, token);
    }
    void answered(int status, qint64 us) override
    {
        Stats *s = *m_stats;
        s->latencyUs.push_back(us);
        if (status >= 200 && status < 300)
            ++s->ok;
        else if (status >= 400 && status < 500)
            ++s->refused;
        else
            ++s->failed;
    }
    void failedConnection() override { ++(*m_stats)->failed; }

    QString m_hall, m_window, m_business;
    QByteArray m_kiosk, m_caller;
    Stats **m_stats; // the run switches every client from warm-up to measured at once
    const bool *m_issueOnly; // and from filling the queue to the measured mix
    int m_step = 0;
};

// Wrong passwords for one account, as fast as the server answers; counts the answers by status.
class Flooder : public Connection
{
public:
    Flooder(const QUrl &base, QString login, QMap<int, qint64> *answers)
        : Connection(base), m_login(std::move(login)), m_answers(answers)
    {
    }

private:
    void next() override
    {
        post("/api/v1/auth/login",
             QJsonDocument(QJsonObject{{QStringLiteral("login"), m_login},
                                       {QStringLiteral("password"), QStringLiteral("guess-%1").arg(++m_guess)}}).toJson(QJsonDocument::Compact),
             nullptr);
    }
    void answered(int status, qint64) override { ++(*m_answers)[status]; }
    void failedConnection() override { ++(*m_answers)[0]; }

    QString m_login;
    QMap<int, qint64> *m_answers;
    int m_guess = 0;
};

// Durable single-row commits per second of SQLite in WAL with synchronous=FULL, in `dir`.
double sqliteCommitRate(const QString &dir, int seconds)
{
    QTemporaryDir tmp(dir + QStringLiteral("/commit-probe-XXXXXX"));
    double rate = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(tmp.filePath(QStringLiteral("probe.db")));
        if (!db.open())
            return 0;
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        q.exec(QStringLiteral("PRAGMA synchronous=FULL"));
        q.exec(QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"));
        QSqlQuery ins(db);
        ins.prepare(QStringLiteral("INSERT INTO t (v) VALUES (?)"));
        QElapsedTimer t;
        t.start();
        qint64 n = 0;
        while (t.elapsed() < seconds * 1000) {
            ins.bindValue(0, QStringLiteral("row"));
            ins.exec(); // autocommit: one durable commit per row
            ++n;
        }
        rate = n * 1000.0 / t.elapsed();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return rate;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("Load generator for hall-server (bench/README.md)."));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("url"), Tr::tr("Server base URL."), QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8080")},
        {QStringLiteral("hall"), Tr::tr("Hall code."), QStringLiteral("code"), QStringLiteral("load")},
        {QStringLiteral("clients"), Tr::tr("Concurrent clients."), QStringLiteral("n"), QStringLiteral("50")},
        {QStringLiteral("windows"), Tr::tr("Windows to spread the clients over (1..n)."), QStringLiteral("n"), QStringLiteral("20")},
        {QStringLiteral("businesses"), Tr::tr("Business codes B00..B(n-1)."), QStringLiteral("n"), QStringLiteral("10")},
        {QStringLiteral("seconds"), Tr::tr("Length of the measured run."), QStringLiteral("s"), QStringLiteral("20")},
        {QStringLiteral("warmup"), Tr::tr("Unmeasured warm-up."), QStringLiteral("s"), QStringLiteral("2")},
        {QStringLiteral("kiosk"), Tr::tr("Kiosk login:password."), QStringLiteral("login:password"), QStringLiteral("load-kiosk:load-pass-2026")},
        {QStringLiteral("caller"), Tr::tr("Caller-bus login:password."), QStringLiteral("login:password"), QStringLiteral("load-caller:load-pass-2026")},
        {QStringLiteral("login-flood"), Tr::tr("Also run this many connections sending wrong passwords."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("flood-login"), Tr::tr("The account the flood guesses at."), QStringLiteral("login"), QStringLiteral("load-officer01")},
        {QStringLiteral("issue-only"), Tr::tr("Clients only take tickets (kiosks), nobody calls.")},
        {QStringLiteral("fill"), Tr::tr("Take this many tickets before the warm-up, unmeasured."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("rate"), Tr::tr("At most this many operations per second, all clients together (0: as fast as the server answers)."),
         QStringLiteral("ops"), QStringLiteral("0")},
        {QStringLiteral("server-pid"), Tr::tr("Also report the server's CPU time per operation (Linux)."), QStringLiteral("pid")},
        {QStringLiteral("commit-probe-dir"), Tr::tr("Measure SQLite's durable commit rate in this folder (same disk as the server)."), QStringLiteral("dir")},
    });
    p.process(app);

    const QUrl base(p.value(QStringLiteral("url")));
    const QString hall = p.value(QStringLiteral("hall"));
    const int clients = p.value(QStringLiteral("clients")).toInt();
    const int windows = p.value(QStringLiteral("windows")).toInt();
    const int businesses = p.value(QStringLiteral("businesses")).toInt();
    QNetworkAccessManager nam;
    const QStringList kc = p.value(QStringLiteral("kiosk")).split(u':');
    const QStringList cc = p.value(QStringLiteral("caller")).split(u':');
    const QString kiosk = login(nam, base, kc.value(0), kc.value(1));
    const QString caller = login(nam, base, cc.value(0), cc.value(1));
    if (kiosk.isEmpty() || caller.isEmpty()) {
        QTextStream(stderr) << Tr::tr("hall-load: cannot sign in at %1").arg(base.toString()) << Qt::endl;
        return 1;
    }
    // Sign every window in (caller-bus accounts may sign in an officer at any window).
    for (int w = 1; w <= windows; ++w) {
        QNetworkRequest req(base.resolved(QUrl(QStringLiteral("/api/v1/halls/%1/windows/%2/login").arg(hall).arg(w))));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setRawHeader("Authorization", "Bearer " + caller.toLatin1());
        QNetworkReply *r = nam.post(req, QJsonDocument(QJsonObject{{QStringLiteral("officer"), QStringLiteral("load-officer%1").arg(w, 2, 10, QLatin1Char('0'))}}).toJson());
        QEventLoop loop;
        QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        r->deleteLater();
    }

    const int fill = p.value(QStringLiteral("fill")).toInt();
    bool issueOnly = fill > 0 || p.isSet(QStringLiteral("issue-only"));
    Stats filling, warm, measured;
    Stats *current = fill > 0 ? &filling : &warm;
    std::vector<std::unique_ptr<Client>> pool;
    for (int i = 0; i < clients; ++i) {
        const int w = i % windows + 1;
        // Window w serves B(w-1) and B(w); its clients issue those businesses.
        const QString business = QStringLiteral("B%1").arg((w - 1 + (i / windows) % 2) % businesses, 2, 10, QLatin1Char('0'));
        pool.push_back(std::make_unique<Client>(base, hall, QString::number(w), business, kiosk, caller, &current, &issueOnly));
        // The same work whatever else runs on the machine: runs that are compared do equal work.
        if (const double rate = p.value(QStringLiteral("rate")).toDouble(); rate > 0)
            pool.back()->intervalUs = qint64(1e6 * clients / rate);
    }
    QMap<int, qint64> floodAnswers;
    std::vector<std::unique_ptr<Flooder>> flood;
    for (int i = 0; i < p.value(QStringLiteral("login-flood")).toInt(); ++i)
        flood.push_back(std::make_unique<Flooder>(base, p.value(QStringLiteral("flood-login")), &floodAnswers));
    for (auto &c : pool)
        c->start();
    for (auto &f : flood)
        f->start();
    auto wait = [](int ms) {
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
    };
    if (fill > 0) {
        QElapsedTimer filled;
        filled.start();
        while (filling.ok < fill && filling.failed == 0)
            wait(5);
        current = &warm;
        issueOnly = p.isSet(QStringLiteral("issue-only"));
        QTextStream(stdout) << QStringLiteral("filled: %1 tickets in %2 s (%3/s)\n").arg(filling.ok)
                                   .arg(filled.elapsed() / 1000.0, 0, 'f', 1).arg(filling.ok * 1000.0 / std::max<qint64>(1, filled.elapsed()), 0, 'f', 0);
    }
    wait(p.value(QStringLiteral("warmup")).toInt() * 1000);
    const int waitingBefore = waitingTickets(nam, base, hall, kiosk);
    const qint64 serverPid = p.value(QStringLiteral("server-pid")).toLongLong();
    const double cpuBefore = cpuSeconds(serverPid);
    current = &measured;
    floodAnswers.clear();
    QElapsedTimer clock;
    clock.start();
    wait(p.value(QStringLiteral("seconds")).toInt() * 1000);
    const double elapsed = clock.nsecsElapsed() / 1e9;
    current = &warm; // replies still in flight after the window do not count
    const double cpuUsed = cpuSeconds(serverPid) - cpuBefore;
    const int waitingAfter = waitingTickets(nam, base, hall, kiosk);
    const qint64 done = measured.ok + measured.refused + measured.failed;
    const QMap<int, qint64> flooded = floodAnswers;
    for (auto &c : pool)
        c->running = false;
    for (auto &f : flood)
        f->running = false;
    while (Connection::inFlight > 0)
        wait(10);

    std::sort(measured.latencyUs.begin(), measured.latencyUs.end());
    auto pct = [&](double q) {
        if (measured.latencyUs.empty())
            return 0.0;
        return measured.latencyUs[std::min(measured.latencyUs.size() - 1, size_t(q * measured.latencyUs.size()))] / 1000.0;
    };
    QTextStream out(stdout);
    out << QStringLiteral("clients %1, %2 s: %3 operations, %4 ops/s (ok %5, refused %6, failed %7)\n")
               .arg(clients).arg(elapsed, 0, 'f', 1).arg(done).arg(done / elapsed, 0, 'f', 0)
               .arg(measured.ok).arg(measured.refused).arg(measured.failed);
    out << QStringLiteral("latency p50 %1 ms, p99 %2 ms, max %3 ms\n")
               .arg(pct(0.50), 0, 'f', 2).arg(pct(0.99), 0, 'f', 2).arg(pct(1.0), 0, 'f', 2);
    out << QStringLiteral("waiting tickets: %1 at the start, %2 at the end\n").arg(waitingBefore).arg(waitingAfter);
    if (cpuBefore >= 0 && done > 0)
        out << QStringLiteral("server CPU: %1 s, %2 us per operation\n").arg(cpuUsed, 0, 'f', 2).arg(cpuUsed * 1e6 / done, 0, 'f', 0);
    if (!flood.empty()) {
        QStringList byStatus;
        qint64 total = 0;
        for (auto it = flooded.cbegin(); it != flooded.cend(); ++it) {
            byStatus << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
            total += it.value();
        }
        out << QStringLiteral("login flood: %1 connections, %2 answers/s (%3)\n")
                   .arg(flood.size()).arg(total / elapsed, 0, 'f', 0).arg(byStatus.join(QStringLiteral(", ")));
    }
    if (p.isSet(QStringLiteral("commit-probe-dir"))) {
        const double rate = sqliteCommitRate(p.value(QStringLiteral("commit-probe-dir")), 5);
        out << QStringLiteral("sqlite durable single-row commits (WAL, synchronous=FULL) on the same disk: %1/s; "
                              "queue ops per raw commit: %2\n").arg(rate, 0, 'f', 0).arg(done / elapsed / rate, 0, 'f', 2);
    }
    out.flush();
    return measured.failed > 0 ? 2 : 0;
}
