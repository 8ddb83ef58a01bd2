// Sync benchmarks (issue 9), against a running hall-server:
//   catchup: a day offline — N outbox entries in a fresh cache, pushed by the SyncEngine over
//            HallClient until none waits: entries per second, and the client's peak memory.
//   pull:    incremental pulls of one change against a feed of many rows: p50/p99 latency.
//
//   bench-sync-catchup --url URL --hall CODE --login L --password P catchup [--entries N]
//   bench-sync-catchup --url URL --hall CODE --login L --password P pull [--pulls N]

#include <sync/cache.h>
#include <sync/engine.h>

#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <storage/transaction.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>

using namespace hall;

namespace {

long peakRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
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
                  {QStringLiteral("pulls"), QStringLiteral("pulls"), QStringLiteral("n"), QStringLiteral("1000")}});
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
        {
            // The day's ratings, written while offline (tickets the server does not know: each is
            // answered "not_found" and stored as an outcome — the same path as any entry).
            storage::Transaction tx(cache->connection());
            for (int i = 0; i < n; ++i) {
                if (!cache->enqueue(QStringLiteral("rating"), {{QStringLiteral("ticket"), 900000000 + i}, {QStringLiteral("level"), 1 + i % 5}},
                                    {}, nullptr, &err))
                    return 1;
            }
            tx.commit();
        }
        const long rssBefore = peakRssKb();
        net::HallSyncTransport transport(&client);
        sync::SyncEngine::Options o;
        o.pullIntervalMs = 60000;
        sync::SyncEngine engine(cache.get(), &transport, o);
        QElapsedTimer t;
        t.start();
        engine.start();
        QEventLoop loop;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (engine.status().pending == 0 || t.elapsed() > 600000)
                loop.quit();
        });
        poll.start(5);
        loop.exec();
        const double secs = t.nsecsElapsed() / 1e9;
        out << QStringLiteral("catch-up: %1 entries in %2 s = %3 entries/s; waiting %4, rejected %5; client peak RSS %6 MB (%7 MB before)\n")
                   .arg(n).arg(secs, 0, 'f', 2).arg(n / secs, 0, 'f', 0).arg(engine.status().pending).arg(engine.status().rejected)
                   .arg(peakRssKb() / 1024.0, 0, 'f', 1).arg(rssBefore / 1024.0, 0, 'f', 1);
        return engine.status().pending == 0 ? 0 : 2;
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
