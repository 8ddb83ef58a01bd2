// One owner per hall (issue 11), with the real binaries on one SQLite data folder or one
// PostgreSQL database: a second hall-server refuses to start; a standby takes the halls over when
// the owner is killed with SIGKILL under load, and no number is issued twice and nothing
// acknowledged is lost; an owner that lost its lock to another process cannot write any more.

#include "serverfixture.h"

#include <QFile>
#include <QSet>

using namespace hall::test;

namespace {

const QString loadPassword = QStringLiteral("load-pass-2026");
const QStringList fakeClock{QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00")};

// Four kiosks issue and four windows call, each one request at a time, against whichever server
// `target` points to; a request that finds no server (or a 503) is tried again 20 ms later, as
// the real devices do. Every acknowledgement is recorded the moment it arrives.
class Load : public QObject, public Acknowledged
{
public:
    Load(Server *target, QString kiosk, QString caller) : target(target), m_kiosk(std::move(kiosk)), m_caller(std::move(caller)) {}

    void start()
    {
        for (int k = 0; k < 4; ++k)
            issue(k);
        for (const char *w : {"1", "2", "3", "4"})
            call(QLatin1String(w));
    }
    bool stop()
    {
        stopped = true;
        return QTest::qWaitFor([this] { return inFlight == 0; }, 15000);
    }

    Server *target;
    bool stopped = false;
    int inFlight = 0;
    QElapsedTimer clock;           // started by the test at the moment that matters
    qint64 firstAckAt = -1;        // ms on `clock` of the first acknowledgement from `watched`
    Server *watched = nullptr;

private:
    void again(const std::function<void()> &f) { QTimer::singleShot(20, this, f); }
    void acked(Server *from)
    {
        if (from == watched && firstAckAt < 0)
            firstAckAt = clock.elapsed();
    }
    void issue(int n)
    {
        if (stopped)
            return;
        ++inFlight;
        Server *s = target;
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("business"), n % 2 ? QStringLiteral("B00") : QStringLiteral("B01")}}).toJson();
        QNetworkReply *r = s->send("POST", QStringLiteral("/api/v1/halls/load/tickets"), body, m_kiosk);
        connect(r, &QNetworkReply::finished, this, [this, r, n, s] {
            --inFlight;
            if (r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 201) {
                const QJsonObject t = QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("ticket")).toObject();
                const qint64 id = t.value(QStringLiteral("id")).toInteger();
                if (issued.contains(id))
                    qWarning("ticket id %lld acknowledged twice", id);
                issued.insert(id, t.value(QStringLiteral("number")).toString());
                acked(s);
                issue(n);
            } else {
                again([this, n] { issue(n); });
            }
        });
    }
    void call(const QString &w)
    {
        if (stopped)
            return;
        ++inFlight;
        Server *s = target;
        QNetworkReply *r = s->send("POST", QStringLiteral("/api/v1/halls/load/windows/%1/call-next").arg(w), "{}", m_caller);
        connect(r, &QNetworkReply::finished, this, [this, r, w, s] {
            --inFlight;
            const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200) {
                const QJsonObject o = QJsonDocument::fromJson(r->readAll()).object();
                if (o.contains(QStringLiteral("finished")))
                    finished.insert(o.value(QStringLiteral("finished")).toInteger());
                const qint64 id = o.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
                if (id)
                    called.insert(id);
                acked(s);
            }
            if (status == 0 || status >= 500)
                again([this, w] { call(w); });
            else
                call(w);
        });
    }

    QString m_kiosk;
    QString m_caller;
};

QString loginOrFail(Server &s, const QString &user)
{
    const QString token = s.login(user, loadPassword);
    if (token.isEmpty())
        qWarning() << "cannot sign in" << user << "on port" << s.port();
    return token;
}

bool signInWindows(Server &s, const QString &caller)
{
    for (const char *w : {"1", "2", "3", "4"}) {
        const HttpResult r = s.call("POST", QStringLiteral("/api/v1/halls/load/windows/%1/login").arg(QLatin1String(w)),
                                    {{QStringLiteral("officer"), QStringLiteral("load-officer0%1").arg(QLatin1String(w))}}, caller);
        if (r.status != 200) {
            qWarning() << "window login" << r.describe();
            return false;
        }
    }
    return true;
}

// A connection of the test's own to the PostgreSQL database the server uses.
QSqlDatabase adminConnection(const Server &s)
{
    const QUrl url(s.dbArgs().value(1));
    QSqlDatabase db = QSqlDatabase::contains(QStringLiteral("owner-admin"))
        ? QSqlDatabase::database(QStringLiteral("owner-admin"))
        : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("owner-admin"));
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setDatabaseName(url.path().mid(1));
    if (!db.isOpen() && !db.open())
        qWarning() << "cannot reach" << url.toString() << db.lastError().text();
    return db;
}

// Takes the owner's lock away while it runs, as a network cut to PostgreSQL or a removed lock
// file would: PostgreSQL ends its lock session; on SQLite the lock file is removed (the owner
// still holds a lock, but on a file nobody else opens any more).
bool takeLockAway(const Server &owner, QString *error)
{
    if (backend() == QLatin1String("sqlite")) {
        const QString lock = owner.dbArgs().value(1) + QStringLiteral("/hall.db.lock");
        if (!QFile::remove(lock)) {
            *error = QStringLiteral("cannot remove ") + lock;
            return false;
        }
        return true;
    }
    QSqlQuery q(adminConnection(owner));
    if (!q.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hall-server-owner-lock-%1'")
                    .arg(owner.pid()))
        || !q.next() || !q.value(0).toBool()) {
        *error = QStringLiteral("no lock session of process %1 to end: %2").arg(owner.pid()).arg(q.lastError().text());
        return false;
    }
    return true;
}

} // namespace

class TestServerOwner : public QObject
{
    Q_OBJECT

    bool prepare(Server &owner, QString *err, const QStringList &extra = {})
    {
        if (!owner.createDatabase(err) || !owner.seed(sourceDir() + QStringLiteral("/resources/demo/load-hall.json"), err)
            || !owner.start(err, fakeClock + extra))
            return false;
        // Officers at windows 1–4, so that tickets can be issued.
        if (!signInWindows(owner, loginOrFail(owner, QStringLiteral("load-caller")))) {
            *err = QStringLiteral("cannot sign in the windows");
            return false;
        }
        return true;
    }

    // Every acknowledged operation is in the database as the serving instance reads it back, and
    // no number was issued twice — neither in the database nor in the acknowledgements.
    static QString verifyAcknowledged(Server &server, const Acknowledged &acked)
    {
        const HttpResult all = server.call("GET", QStringLiteral("/api/v1/halls/load/tickets"), {}, loginOrFail(server, QStringLiteral("load-super")));
        if (all.status != 200)
            return all.describe();
        QSet<QString> numbers;
        return checkAcknowledged(all.body.value(QStringLiteral("tickets")).toArray(), acked, &numbers);
    }

    static int health(Server &s, QString *role)
    {
        const HttpResult h = s.call("GET", QStringLiteral("/api/v1/health"));
        *role = h.body.value(QStringLiteral("role")).toString();
        return h.body.value(QStringLiteral("owner")).toObject().value(QStringLiteral("epoch")).toInt();
    }

private Q_SLOTS:
    // The messages are checked in English (the servers inherit this).
    void initTestCase() { qputenv("HALL_LANG", "en"); }

    void secondInstanceIsRefused()
    {
        Server owner;
        QString err;
        QVERIFY2(prepare(owner, &err), qPrintable(err));
        Server second;
        second.shareDatabase(owner);
        second.launch(fakeClock);
        QVERIFY(second.waitExit(30000));
        QCOMPARE(second.exitCode(), 3);
        const QString message = second.stderrText();
        QVERIFY2(message.contains(QStringLiteral("served by another hall-server")) && message.contains(QStringLiteral("--standby"))
                     && message.contains(QStringLiteral("process %1").arg(owner.pid())),
                 qPrintable(message));
        QVERIFY2(!second.output().contains("listening"), second.output().constData());
        // The owner goes on serving, and says what it is.
        QString role;
        QCOMPARE(health(owner, &role), 1);
        QCOMPARE(role, QStringLiteral("owner"));
        const HttpResult t = owner.call("POST", QStringLiteral("/api/v1/halls/load/tickets"), {{QStringLiteral("business"), QStringLiteral("B00")}},
                                        loginOrFail(owner, QStringLiteral("load-kiosk")));
        QVERIFY2(t.status == 201, qPrintable(t.describe()));
    }

    void standbyWaitsAndTakesOverAStoppedOwner()
    {
        Server owner;
        QString err;
        QVERIFY2(prepare(owner, &err), qPrintable(err));
        Server standby;
        standby.shareDatabase(owner);
        standby.launch(fakeClock + QStringList{QStringLiteral("--standby")});
        QVERIFY2(standby.waitOutput("hall-server standby: waiting to take over", 30000), standby.output().constData());
        QTest::qWait(600); // several rounds of trying the lock
        QVERIFY2(!standby.output().contains("listening"), standby.output().constData());
        owner.stop(); // SIGTERM
        QVERIFY2(standby.waitListening(&err, 10000), qPrintable(err));
        QString role;
        QCOMPARE(health(standby, &role), 2);
        QCOMPARE(role, QStringLiteral("owner"));
    }

    void standbyTakesOverAfterKill9UnderLoad()
    {
        Server owner;
        QString err;
        QVERIFY2(prepare(owner, &err), qPrintable(err));
        const QString kiosk = loginOrFail(owner, QStringLiteral("load-kiosk"));
        const QString caller = loginOrFail(owner, QStringLiteral("load-caller"));
        QVERIFY(!kiosk.isEmpty() && !caller.isEmpty());
        Server standby;
        standby.shareDatabase(owner);
        standby.launch(fakeClock + QStringList{QStringLiteral("--standby")});
        QVERIFY2(standby.waitOutput("hall-server standby:", 30000), standby.output().constData());

        Load load(&owner, kiosk, caller);
        load.start();
        QTest::qWait(1200);
        const qsizetype beforeKill = load.issued.size();
        load.watched = &standby;
        load.clock.start();
        owner.kill9();
        // The devices keep trying; here they learn the new address once the standby listens
        // (in a hall: the same address on the same machine, or a virtual IP moved to it).
        QVERIFY2(standby.waitListening(&err, 15000), qPrintable(err));
        load.target = &standby;
        QVERIFY(QTest::qWaitFor([&] { return load.firstAckAt >= 0; }, 15000));
        QTest::qWait(800);
        QVERIFY(load.stop());
        QVERIFY2(beforeKill > 20, qPrintable(QStringLiteral("only %1 tickets acknowledged before the kill").arg(beforeKill)));
        QVERIFY2(load.issued.size() > beforeKill + 20, qPrintable(QStringLiteral("the standby acknowledged only %1 tickets").arg(load.issued.size() - beforeKill)));
        const QString problem = verifyAcknowledged(standby, load);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        qInfo("take-over: first acknowledged operation by the standby %lld ms after the kill; %lld issued, %lld called, %lld finished",
              load.firstAckAt, qint64(load.issued.size()), qint64(load.called.size()), qint64(load.finished.size()));
    }

    // The owner whose lock is gone keeps running here (its own check is slowed to 10 minutes), so
    // only the fence in its commits stands between it and a second B000… for the same hall.
    void replacedOwnerCannotWrite()
    {
        Server owner;
        QString err;
        QVERIFY2(prepare(owner, &err, {QStringLiteral("--owner-check"), QStringLiteral("600000")}), qPrintable(err));
        const QString kiosk = loginOrFail(owner, QStringLiteral("load-kiosk"));
        QSet<QString> numbers;
        for (int i = 0; i < 3; ++i) {
            const HttpResult t = owner.call("POST", QStringLiteral("/api/v1/halls/load/tickets"), {{QStringLiteral("business"), QStringLiteral("B00")}}, kiosk);
            QVERIFY2(t.status == 201, qPrintable(t.describe()));
            numbers.insert(t.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString());
        }
        Server standby;
        standby.shareDatabase(owner);
        standby.launch(fakeClock + QStringList{QStringLiteral("--standby")});
        QVERIFY2(standby.waitOutput("hall-server standby:", 30000), standby.output().constData());
        QVERIFY2(takeLockAway(owner, &err), qPrintable(err));
        QVERIFY2(standby.waitListening(&err, 15000), qPrintable(err));

        // The old owner still has the hall in memory, but its commit finds the claim gone.
        const HttpResult stale = owner.call("POST", QStringLiteral("/api/v1/halls/load/tickets"), {{QStringLiteral("business"), QStringLiteral("B00")}}, kiosk);
        QVERIFY2(stale.status == 503, qPrintable(stale.describe()));
        QVERIFY(owner.waitExit(10000));
        QCOMPARE(owner.exitCode(), 4);
        const QString message = owner.stderrText();
        QVERIFY2(message.contains(QStringLiteral("has taken over the halls")), qPrintable(message));

        const HttpResult fresh = standby.call("POST", QStringLiteral("/api/v1/halls/load/tickets"), {{QStringLiteral("business"), QStringLiteral("B00")}},
                                              loginOrFail(standby, QStringLiteral("load-kiosk")));
        QVERIFY2(fresh.status == 201, qPrintable(fresh.describe()));
        QVERIFY(!numbers.contains(fresh.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString()));
        const HttpResult all = standby.call("GET", QStringLiteral("/api/v1/halls/load/tickets"), {}, loginOrFail(standby, QStringLiteral("load-super")));
        QCOMPARE(all.body.value(QStringLiteral("tickets")).toArray().size(), 4);
    }

    // With its usual check the owner notices a lost lock by itself and stops, even when nobody
    // takes over and nothing is written.
    void ownerStopsWhenItsLockIsGone()
    {
        Server owner;
        QString err;
        QVERIFY2(prepare(owner, &err, {QStringLiteral("--owner-check"), QStringLiteral("200")}), qPrintable(err));
        QVERIFY2(takeLockAway(owner, &err), qPrintable(err));
        QVERIFY(owner.waitExit(10000));
        QCOMPARE(owner.exitCode(), 4);
        const QString message = owner.stderrText();
        QVERIFY2(message.contains(QStringLiteral("lost the lock on its halls")), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestServerOwner)
#include "tst_server_owner.moc"
