// The queue must not slow down as it grows (issue 10): the queue engine alone, on the load hall
// (resources/demo/load-hall.json: 10 businesses, 20 windows, every window signed in), with N
// tickets already waiting. Per level, each on a fresh engine:
//   issue:          issue + the reply's ticket JSON (with people ahead) + takeChanges, as the
//                   server's POST /tickets does;
//   issue+summary:  the same plus the hall summary (every business's and window's waiting
//                   count), as the event hub computes once per commit when displays listen;
//   issue+call-next: a ticket issued and one called (callNext at the windows in turn), so the
//                   queue stays at its level; the figure counts pairs.
// Each figure is operations per CPU second of the thread (so that other programs on the machine
// count less) over `--ops` operations or two seconds, whichever ends
// first (the queue grows or shrinks by that much while it is measured), each on an engine of its
// own filled to the level; the best of `--repeat` runs, each going through all the levels.
//
//   bench-queue-growth [--levels 0,10000,25000,50000] [--ops 3000] [--repeat 3] [--served] [--hall FILE]
//   (run from the source folder, or give --hall)

#include <queue/engine.h>
#include <queue/json.h>

#include <core/clock.h>
#include <core/hall.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

#include <time.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

using namespace hall;

namespace {

struct Bench
{
    core::ManualClock clock{QDateTime(QDate(2026, 12, 7), QTime(9, 0))};
    qint64 nextId = 1;
    std::unique_ptr<queue::Engine> engine;
    int issued = 0;

    explicit Bench(const core::HallConfig &config)
    {
        engine = std::make_unique<queue::Engine>(
            config, &clock, [](const QString &s) { return QCryptographicHash::hash(s.toUtf8(), QCryptographicHash::Sha256); },
            [this] { return nextId++; });
        for (const core::Window &w : config.windows)
            engine->login(w.number, 1000 + w.id);
        engine->takeChanges();
    }

    // N waiting tickets, for the businesses in turn; with `served`, each is then called and
    // finished, so the engine holds N of today's tickets and an empty queue.
    bool fill(int n, bool served)
    {
        const auto &windows = engine->config().windows;
        for (int i = 0; i < n; ++i) {
            if (!issueOnly())
                return false;
            if (served) {
                const QString window = windows.at(i % windows.size()).number;
                if (!engine->callNext(window, 1).ok() || !engine->finish(window, 1).ok())
                    return false;
            }
            engine->takeChanges(); // as the server's commits take them
        }
        return true;
    }
    std::optional<core::Ticket> issueOnly()
    {
        const auto &businesses = engine->config().businesses;
        queue::IssueRequest r;
        r.businessCode = businesses.at(issued++ % businesses.size()).code;
        const auto t = engine->issue(r);
        return t ? std::optional(t.value()) : std::nullopt;
    }
    // One ticket, answered as POST /tickets answers it.
    bool issue()
    {
        const auto t = issueOnly();
        if (!t)
            return false;
        const QJsonObject json = queue::ticketJson(*engine, *t);
        engine->takeChanges();
        return json.value(QStringLiteral("peopleAhead")).toInt() >= 0;
    }

    int summaryWaiting() const
    {
        int n = 0;
        for (const queue::BusinessStatus &s : engine->businessStatus())
            n += s.waiting;
        for (const queue::WindowStatus &s : engine->windowStatus())
            n += s.waiting;
        return n;
    }
};

// CPU time of this thread: on a machine shared with other work, wall time measures them too.
double threadSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Operations per CPU second over `ops` operations, or as many as fit in two seconds.
template<typename F>
double rate(int ops, F op)
{
    QElapsedTimer t;
    t.start();
    const double cpu0 = threadSeconds();
    int done = 0;
    while (done < ops && (done % 16 || t.elapsed() < 2000)) {
        if (!op(done++))
            return -1;
    }
    return done / std::max(1e-9, threadSeconds() - cpu0);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Queue engine operations per second against the number of waiting tickets."));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("levels"), QStringLiteral("Waiting tickets before each measurement."), QStringLiteral("list"), QStringLiteral("0,10000,25000,50000")},
        {QStringLiteral("ops"), QStringLiteral("Operations per measurement."), QStringLiteral("n"), QStringLiteral("3000")},
        {QStringLiteral("repeat"), QStringLiteral("Runs per level; the best counts."), QStringLiteral("n"), QStringLiteral("3")},
        {QStringLiteral("served"), QStringLiteral("Fill with tickets already served instead of waiting ones: the cost of the day's tickets without a queue.")},
        {QStringLiteral("hall"), QStringLiteral("Hall configuration."), QStringLiteral("file"), QStringLiteral("resources/demo/load-hall.json")},
    });
    p.process(app);
    QTextStream out(stdout);
    QTextStream err(stderr);

    QFile f(p.value(QStringLiteral("hall")));
    core::HallConfig config;
    QString error;
    if (!f.open(QIODevice::ReadOnly) || !core::HallConfig::fromJson(QJsonDocument::fromJson(f.readAll()).object(), &config, &error)) {
        err << "bench-queue-growth: cannot read " << f.fileName() << ": " << error << Qt::endl;
        return 1;
    }
    config.id = 1;
    for (qsizetype i = 0; i < config.businesses.size(); ++i)
        config.businesses[i].id = 100 + i;
    for (qsizetype i = 0; i < config.windows.size(); ++i)
        config.windows[i].id = 200 + i;

    const int ops = p.value(QStringLiteral("ops")).toInt();
    const int repeat = std::max(1, p.value(QStringLiteral("repeat")).toInt());
    out << QStringLiteral("hall %1: %2 businesses, %3 windows; %4 operations per figure, best of %5\n")
               .arg(config.code).arg(config.businesses.size()).arg(config.windows.size()).arg(ops).arg(repeat);
    out << QStringLiteral("%1 %2 %3 %4\n").arg(p.isSet(QStringLiteral("served")) ? QStringLiteral("served") : QStringLiteral("waiting"), 8).arg(QStringLiteral("issue/s"), 18)
               .arg(QStringLiteral("issue+summary/s"), 18).arg(QStringLiteral("issue+call-next/s"), 18);
    // Levels in turn within each run, so that a busy moment of the machine does not fall on
    // one level alone.
    QList<int> levels;
    for (const QString &level : p.value(QStringLiteral("levels")).split(u','))
        levels.append(level.toInt());
    QList<std::array<double, 3>> best(levels.size(), {0, 0, 0});
    for (int r = 0; r < repeat; ++r) {
        for (qsizetype l = 0; l < levels.size(); ++l) {
            const int waiting = levels.at(l);
            // Each figure on its own engine filled to the level, so none starts where another
            // left the queue.
            auto filled = [&] {
                auto b = std::make_unique<Bench>(config);
                return b->fill(waiting, p.isSet(QStringLiteral("served"))) ? std::move(b) : nullptr;
            };
            auto b = filled();
            if (!b) {
                err << "bench-queue-growth: cannot fill the queue to " << waiting << Qt::endl;
                return 1;
            }
            best[l][0] = std::max(best[l][0], rate(ops, [&](int) { return b->issue(); }));
            b = filled();
            best[l][1] = std::max(best[l][1], rate(ops, [&](int) { return b->summaryWaiting() >= 0 && b->issue(); }));
            b = filled();
            const auto &windows = config.windows;
            best[l][2] = std::max(best[l][2], rate(ops, [&](int i) {
                const bool called = b->issueOnly() && b->engine->callNext(windows.at(i % windows.size()).number, 1).ok();
                b->engine->takeChanges();
                return called;
            }));
        }
    }
    for (qsizetype l = 0; l < levels.size(); ++l) {
        QStringList cells;
        for (int i = 0; i < 3; ++i)
            cells << QStringLiteral("%1 (%2%)").arg(best[l][i], 0, 'f', 0).arg(100.0 * best[l][i] / best[0][i], 0, 'f', 0);
        out << QStringLiteral("%1 %2 %3 %4\n").arg(levels.at(l), 8).arg(cells.at(0), 18).arg(cells.at(1), 18).arg(cells.at(2), 18);
    }
    return 0;
}
