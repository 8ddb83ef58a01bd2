// Sync benchmarks (issue 9), against a running hall-server:
//   catchup: a day offline — N outbox entries in a fresh cache, pushed by the SyncEngine over
//            HallClient until none waits: entries per second, and the client's memory during
//            it. The entries are what a day's backlog holds and the server APPLIES: offline
//            tickets issued from the kiosk's leases, and ratings of tickets the hall's officers
//            called (served) while the PC was cut off. Prepared, unmeasured: the leases, the
//            tickets issued and called over the API, the outbox written.
//   pull:    incremental pulls of one change against a feed of many rows: p50/p99 latency.
//
//   bench-sync-catchup --url URL --hall CODE --login L --password P catchup [--entries N] [--offline N]
//   bench-sync-catchup --url URL --hall CODE --login L --password P pull [--pulls N]

#include <sync/cache.h>
#include <sync/engine.h>

#include <sync/offline.h>

#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <netsync/leasekeeper.h>
#include <storage/transaction.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QSqlQuery>
#include <QTimer>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

using namespace hall;

namespace {

long peakRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// CPU seconds process `pid` has used (user + system), from /proc; -1 when unknown.
double cpuSecondsOf(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
    return (fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

// CPU seconds this process has used (user + system).
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

template<typename T>
T wait(std::function<void(QObject *, net::Callback<T>)> call, bool *ok)
{
    QEventLoop loop;
    T value{};
    *ok = false;
    call(&loop, [&](const net::Result<T> &r) {
        *ok = bool(r);
        if (r)
            value = *r;
        else
            QTextStream(stderr) << r.error().message << Qt::endl;
        loop.quit();
    });
    loop.exec();
    return value;
}

// The process's resident memory now (VmRSS), in kB: sampled during the catch-up alone.
long rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return 0;
}

// Runs `count` asynchronous calls, at most `inFlight` at once; `call(i, done)` reports each.
bool runMany(int count, int inFlight, const std::function<void(int, std::function<void(bool)>)> &call)
{
    if (count == 0)
        return true;
    QEventLoop loop;
    int next = 0, running = 0, failed = 0;
    std::function<void()> pump = [&] {
        while (running < inFlight && next < count && !failed) {
            const int i = next++;
            ++running;
            call(i, [&](bool ok) {
                --running;
                failed += ok ? 0 : 1;
                if (running == 0 && (next >= count || failed))
                    loop.quit();
                else
                    pump();
            });
        }
    };
    pump();
    loop.exec();
    return failed == 0;
}

const QString password = QStringLiteral("load-pass-2026");

// The hall's day while the PC was cut off: the 20 windows of the load hall open, `count`
// tickets are issued (spread over the businesses) and called at the windows until none waits,
// so each was served (a called ticket counts as served; the next call finishes it). Their ids,
// or empty on a failure.
QList<qint64> serveTickets(net::HallClient &kiosk, const QUrl &url, const QString &hall, int count)
{
    std::vector<std::unique_ptr<net::HallClient>> officers;
    for (int w = 1; w <= 20; ++w) {
        auto officer = std::make_unique<net::HallClient>();
        QString e;
        officer->setServer(url, {}, &e);
        officer->setHall(hall);
        bool ok = false;
        wait<net::Session>([&](QObject *ctx, net::Callback<net::Session> cb) {
            officer->signIn(QStringLiteral("load-officer%1").arg(w, 2, 10, QLatin1Char('0')), password, ctx, cb);
        }, &ok);
        if (ok)
            wait<net::WindowStatus>([&](QObject *ctx, net::Callback<net::WindowStatus> cb) { officer->windowLogin(QString::number(w), {}, ctx, cb); }, &ok);
        if (!ok)
            return {};
        officers.push_back(std::move(officer));
    }
    QList<qint64> ids(count);
    QTextStream err(stderr);
    const bool issued = runMany(count, 32, [&](int i, std::function<void(bool)> done) {
        net::IssueRequest req;
        req.business = QStringLiteral("B%1").arg(i % 10, 2, 10, QLatin1Char('0'));
        kiosk.issueTicket(req, &kiosk, [&ids, i, done, &err](const net::Result<net::TicketInfo> &r) {
            if (r)
                ids[i] = r->id;
            else
                err << "issue: " << r.error().message << Qt::endl;
            done(bool(r));
        });
    });
    if (!issued)
        return {};
    // Every window calls until nobody waits for it; 20 calls in flight, one per window.
    QEventLoop loop;
    int busy = int(officers.size()), failed = 0;
    std::function<void(int)> callAt = [&](int w) {
        officers[w]->callNext(QString::number(w + 1), &loop, [&, w](const net::Result<net::CallResult> &r) {
            if (r && r->ticket)
                return callAt(w);
            if (!r && r.error().code != QLatin1String("queue_empty")) { // nobody waits: that window is done
                err << "call-next: " << r.error().message << Qt::endl;
                ++failed;
            }
            if (--busy == 0)
                loop.quit();
        });
    };
    for (int w = 0; w < int(officers.size()); ++w)
        callAt(w);
    loop.exec();
    return failed ? QList<qint64>() : ids;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOptions({{QStringLiteral("url"), QStringLiteral("server"), QStringLiteral("url")},
                  {QStringLiteral("hall"), QStringLiteral("hall code"), QStringLiteral("code"), QStringLiteral("load")},
                  {QStringLiteral("login"), QStringLiteral("login"), QStringLiteral("login"), QStringLiteral("load-kiosk")},
                  {QStringLiteral("password"), QStringLiteral("password"), QStringLiteral("pw"), QStringLiteral("load-pass-2026")},
                  {QStringLiteral("entries"), QStringLiteral("outbox entries"), QStringLiteral("n"), QStringLiteral("20000")},
                  // 2 leases of 200 numbers for each of the 10 businesses: what one kiosk holds at most.
                  {QStringLiteral("offline"), QStringLiteral("offline tickets among them"), QStringLiteral("n"), QStringLiteral("4000")},
                  {QStringLiteral("pulls"), QStringLiteral("pulls"), QStringLiteral("n"), QStringLiteral("1000")},
                  // The machine is shared: the CPU each side spent says what the wall clock cannot.
                  {QStringLiteral("server-pid"), QStringLiteral("hall-server's process, for its CPU time during the catch-up"), QStringLiteral("pid")}});
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("catchup or pull"));
    p.process(app);
    QTextStream out(stdout);

    net::HallClient client;
    QString err;
    if (!client.setServer(QUrl(p.value(QStringLiteral("url"))), {}, &err)) {
        QTextStream(stderr) << err << Qt::endl;
        return 1;
    }
    client.setHall(p.value(QStringLiteral("hall")));
    bool ok = false;
    wait<net::Session>([&](QObject *ctx, net::Callback<net::Session> cb) {
        client.signIn(p.value(QStringLiteral("login")), p.value(QStringLiteral("password")), ctx, cb);
    }, &ok);
    if (!ok)
        return 1;

    QTemporaryDir dir;
    std::unique_ptr<sync::SyncCache> cache;
    if (sync::SyncCache::open(dir.filePath(QStringLiteral("cache.db")), &cache, &err) != storage::OpenResult::Ok) {
        QTextStream(stderr) << err << Qt::endl;
        return 1;
    }
    const QString mode = p.positionalArguments().value(0);
    if (mode == QLatin1String("catchup")) {
        const int n = p.value(QStringLiteral("entries")).toInt();
        const int offline = std::min(n, p.value(QStringLiteral("offline")).toInt());
        // Each business's share of the offline tickets in leases of at most 200 (two per business
        // is what one kiosk may hold: 4,000 numbers over the load hall's 10 businesses).
        const int perBusiness = (offline + 9) / 10;
        const int leaseSize = std::clamp(perBusiness, 1, 200);
        const QString hall = p.value(QStringLiteral("hall"));
        QElapsedTimer prep;
        prep.start();
        // Online, the evening before: the kiosk's leases (the most it may hold).
        net::LeaseKeeper keeper(&client, cache.get());
        QDateTime granted;
        const int leases = offline == 0 ? 0 : 10 * ((perBusiness + leaseSize - 1) / leaseSize);
        if (!runMany(leases, 1, [&](int i, std::function<void(bool)> done) {
                keeper.request(QStringLiteral("B%1").arg(i % 10, 2, 10, QLatin1Char('0')), leaseSize, [done](const QStringList &errors) {
                    if (!errors.isEmpty())
                        QTextStream(stderr) << "lease: " << errors.join(u' ') << Qt::endl;
                    done(errors.isEmpty());
                });
            }))
            return 1;
        sync::OfflineIssuer issuer(cache.get());
        for (const sync::LocalLease &l : issuer.leases())
            granted = std::max(granted, l.grantedAt);
        // The day, cut off: the officers serve what the kiosk issued online, while the evaluators'
        // ratings of those tickets and the kiosk's offline tickets wait in this PC's outbox.
        const QList<qint64> served = serveTickets(client, QUrl(p.value(QStringLiteral("url"))), hall, n - offline);
        if (served.size() != n - offline)
            return 1;
        static const int levels[] = {5, 5, 5, 5, 5, 5, 4, 4, 3, 1}; // mostly satisfied; a bad one now and then
        int ratings = 0, tickets = 0;
        while (ratings + tickets < n) {
            // One offline ticket after every few ratings, in the order they were made; each write
            // its own transaction as in the apps (the issuer commits its ticket, lease and entry).
            const bool ticket = tickets < offline && (ratings >= served.size() || (ratings + tickets) % std::max(1, n / std::max(1, offline)) == 0);
            if (ticket) {
                sync::OfflineRequest req;
                req.business = QStringLiteral("B%1").arg(tickets % 10, 2, 10, QLatin1Char('0'));
                sync::OfflineTicket t;
                if (!issuer.issue(req, &t, &err, granted.addMSecs(1000 + tickets))) {
                    QTextStream(stderr) << "offline ticket: " << err << Qt::endl;
                    return 1;
                }
                ++tickets;
                continue;
            }
            storage::Transaction tx(cache->connection());
            if (!cache->enqueue(QStringLiteral("rating"), {{QStringLiteral("ticket"), served.at(ratings)}, {QStringLiteral("level"), levels[ratings % 10]},
                                                          {QStringLiteral("source"), QStringLiteral("evaluator")}},
                                {}, nullptr, &err)
                || !tx.commit())
                return 1;
            ++ratings;
        }
        out << QStringLiteral("prepared in %1 s: %2 leases, %3 tickets served, outbox of %4 ratings and %5 offline tickets\n")
                   .arg(prep.elapsed() / 1000.0, 0, 'f', 1).arg(leases).arg(served.size()).arg(ratings).arg(tickets);
        out.flush();
        const long rssBefore = rssKb();
        const double cpuBefore = cpuSeconds();
        const qint64 serverPid = p.value(QStringLiteral("server-pid")).toLongLong();
        const double serverBefore = cpuSecondsOf(serverPid);
        net::HallSyncTransport transport(&client);
        sync::SyncEngine::Options o;
        o.pullIntervalMs = 60000;
        sync::SyncEngine engine(cache.get(), &transport, o);
        QElapsedTimer t;
        t.start();
        engine.start();
        QEventLoop loop;
        QTimer poll;
        long rssPeak = 0;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            rssPeak = std::max(rssPeak, rssKb());
            if (engine.status().pending == 0 || t.elapsed() > 600000)
                loop.quit();
        });
        poll.start(5);
        loop.exec();
        const double secs = t.nsecsElapsed() / 1e9;
        const double cpu = cpuSeconds() - cpuBefore;
        const double serverCpu = serverBefore < 0 ? -1 : cpuSecondsOf(serverPid) - serverBefore;
        // What the server answered, as the cache recorded it: every entry must be applied.
        QSqlQuery q(cache->connection());
        q.exec(QStringLiteral("SELECT kind, status, count(*) FROM outbox GROUP BY kind, status ORDER BY kind, status"));
        QStringList answers;
        int applied = 0;
        while (q.next()) {
            answers.append(QStringLiteral("%1 %2 %3").arg(q.value(2).toInt()).arg(q.value(0).toString(), q.value(1).toString()));
            applied += q.value(1).toString() == QLatin1String("applied") ? q.value(2).toInt() : 0;
        }
        out << QStringLiteral("catch-up: %1 entries in %2 s = %3 entries/s; waiting %4; answers: %5; "
                              "client RSS during it peak %6 MB (%7 MB before; process peak %8 MB), client CPU %9 s\n")
                   .arg(n).arg(secs, 0, 'f', 2).arg(n / secs, 0, 'f', 0).arg(engine.status().pending).arg(answers.join(QStringLiteral(", ")))
                   .arg(rssPeak / 1024.0, 0, 'f', 1).arg(rssBefore / 1024.0, 0, 'f', 1).arg(peakRssKb() / 1024.0, 0, 'f', 1)
                   .arg(cpu, 0, 'f', 2);
        if (serverCpu >= 0)
            out << QStringLiteral("server CPU during the catch-up %1 s = %2 µs per entry (%3 entries per CPU second)\n")
                       .arg(serverCpu, 0, 'f', 2).arg(serverCpu * 1e6 / n, 0, 'f', 0).arg(serverCpu > 0 ? n / serverCpu : 0, 0, 'f', 0);
        return engine.status().pending == 0 && applied == n ? 0 : 2;
    }
    if (mode == QLatin1String("pull")) {
        sync::SyncState st;
        cache->state(&st, &err);
        // Where the feed ends now; then pull "everything after the second-to-last row".
        QUrlQuery first;
        first.addQueryItem(QStringLiteral("device"), st.device);
        first.addQueryItem(QStringLiteral("epoch"), QStringLiteral("1"));
        first.addQueryItem(QStringLiteral("since"), QStringLiteral("999999999999"));
        // reset_required tells the checkpoint the server has.
        QJsonObject refusal;
        {
            QEventLoop loop;
            client.syncPull(first, &loop, [&](const net::Result<QJsonObject> &r) {
                refusal = r ? QJsonObject() : r.error().errorObject;
                loop.quit();
            });
            loop.exec();
        }
        const qint64 last = refusal.value(QStringLiteral("checkpoint")).toInteger();
        std::vector<qint64> us;
        int changes = 0;
        for (int i = 0; i < p.value(QStringLiteral("pulls")).toInt(); ++i) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("device"), st.device);
            q.addQueryItem(QStringLiteral("epoch"), QStringLiteral("1"));
            q.addQueryItem(QStringLiteral("since"), QString::number(last - 1));
            QElapsedTimer t;
            t.start();
            const QJsonObject r = wait<QJsonObject>([&](QObject *ctx, net::Callback<QJsonObject> cb) { client.syncPull(q, ctx, cb); }, &ok);
            us.push_back(t.nsecsElapsed() / 1000);
            changes = int(r.value(QStringLiteral("changes")).toArray().size());
            if (!ok)
                return 1;
        }
        std::sort(us.begin(), us.end());
        out << QStringLiteral("incremental pull of %1 change(s) at checkpoint %2: p50 %3 ms, p99 %4 ms, max %5 ms over %6 pulls\n")
                   .arg(changes).arg(last).arg(us[us.size() / 2] / 1000.0, 0, 'f', 2).arg(us[us.size() * 99 / 100] / 1000.0, 0, 'f', 2)
                   .arg(us.back() / 1000.0, 0, 'f', 2).arg(us.size());
        return 0;
    }
    return 1;
}
