// hall-display's figures (docs/performance.md), against a hall-server binary on loopback:
//
//   bench-display latency --url URL [--calls N]
//       one process: the wall (DisplayController + WallScreen, shown at 1920×1080) and a
//       supervisor calling the load hall's windows 1 to 4 in turn, one call at a time,
//       120 ms apart; per call the time from the call request leaving to the first frame of its
//       enlargement, and from its ticket.called event arriving to that frame.
//   bench-display memory --url URL [--calls N] [--windows K]
//       the wall (load hall, enlargement time 0: accelerated) and a caller in one process,
//       calling only while fewer than K calls are under way or waiting; RSS every 10,000 calls
//       shown.
//   bench-display paint
//       what one wall frame and one enlarged frame cost to paint (no server).
//   bench-display bare
//       a bare Qt Widgets window that quits at its first frame, in a program that loads
//       HallSuite's libraries (a start-up baseline; bench-bare is the one without them).

#include <display/displaycontroller.h>
#include <display/displaysettings.h>
#include <display/wallscreen.h>

#include <core/clock.h>
#include <net/eventstream.h>
#include <net/hallclient.h>

#include "../bare/barewindow.h"
#include "../benchclient.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace hall;
using namespace hall::bench;

namespace {

long rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

struct WallUnderTest
{
    WallUnderTest(net::HallClient *c, const QString &hall, int showMs)
    {
        QString error;
        display::Layout::load(display::Layout::defaultFile(), &layout, &error);
        controller = std::make_unique<display::DisplayController>(c, &clock, layout, display::Schedule(), &settings);
        controller->calls()->setShowMs(showMs);
        controller->calls()->setMinimumMs(showMs);
        screen = std::make_unique<display::WallScreen>(controller.get());
        screen->resize(1920, 1080);
        screen->show();
        controller->start(hall);
        while (controller->isOffline())
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    core::SystemClock clock;
    display::Layout layout;
    display::DisplaySettings settings;
    std::unique_ptr<display::DisplayController> controller;
    std::unique_ptr<display::WallScreen> screen;
};

int latency(const QString &url, int calls)
{
    auto staff = client(url, QStringLiteral("load-super"), QStringLiteral("load-pass-2026"));
    auto kiosk = client(url, QStringLiteral("load-kiosk"), QStringLiteral("load-pass-2026"));
    auto wallClient = client(url, QStringLiteral("load-display"), QStringLiteral("load-pass-2026")); // may report its screen
    if (!staff || !kiosk || !wallClient)
        return 1;
    const QStringList windows = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")};
    for (const QString &w : windows) {
        const QString officer = QStringLiteral("load-officer%1").arg(w.toInt(), 2, 10, QLatin1Char('0'));
        if (!wait<net::WindowStatus>([&](QObject *ctx, auto done) { staff->windowLogin(w, officer, ctx, done); }))
            return 1;
    }
    WallUnderTest wall(wallClient.get(), QStringLiteral("load"), 40);
    QHash<QString, qint64> sentAt;  // window → call request sent
    QHash<QString, qint64> eventAt; // number@window → ticket.called arrived
    QList<qint64> endToEnd, fromEvent;
    QString lastPainted;
    QObject::connect(wall.controller->stream(), &net::EventStream::eventReceived, wall.controller.get(), [&](const net::HallEvent &e) {
        if (e.type == net::HallEvent::Type::TicketCalled && e.ticket)
            eventAt.insert(e.ticket->number + u'@' + e.callWindow, nowUs());
    });
    QObject::connect(wall.screen->overlay(), &display::CallOverlay::painted, wall.controller.get(), [&](const QString &id) {
        if (id == lastPainted)
            return;
        lastPainted = id;
        const qint64 t = nowUs();
        const QString window = id.section(u'@', 1);
        if (sentAt.contains(window))
            endToEnd.append(t - sentAt.take(window));
        if (eventAt.contains(id))
            fromEvent.append(t - eventAt.take(id));
    });
    // One ticket per call, issued just before it, for the window's first business.
    int done = 0;
    for (int i = 0; i < calls; ++i) {
        const QString w = windows.at(i % windows.size());
        net::IssueRequest req;
        req.business = QStringLiteral("B%1").arg(w.toInt() - 1, 2, 10, QLatin1Char('0'));
        if (!wait<net::TicketInfo>([&](QObject *ctx, auto cb) { kiosk->issueTicket(req, ctx, cb); }))
            break;
        sentAt.insert(w, nowUs());
        const qint64 before = endToEnd.size();
        if (!wait<net::CallResult>([&](QObject *ctx, auto cb) { staff->callNext(w, ctx, cb); }))
            break;
        QElapsedTimer t;
        t.start();
        while (endToEnd.size() == before && t.elapsed() < 2000)
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 10);
        ++done;
        QEventLoop loop;
        QTimer::singleShot(120, &loop, &QEventLoop::quit);
        loop.exec();
    }
    std::printf("calls %d, frames %lld\n", done, qlonglong(endToEnd.size()));
    std::printf("call request -> enlarged frame: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", percentile(endToEnd, 0.5),
                percentile(endToEnd, 0.9), percentile(endToEnd, 0.99), percentile(endToEnd, 1.0));
    std::printf("ticket.called event -> enlarged frame: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", percentile(fromEvent, 0.5),
                percentile(fromEvent, 0.9), percentile(fromEvent, 0.99), percentile(fromEvent, 1.0));
    return endToEnd.size() == done ? 0 : 1;
}

// The wall and its caller in one process: the caller issues and calls on the load hall's
// windows 1..K as fast as the server answers, but only while fewer than K calls are on their
// way or wait to be enlarged, so the queue never overflows (the wall's pace sets the rate; a
// call shown while the next is already waiting may share its frame with it).
int memory(const QString &url, qint64 calls, int windows)
{
    const int maxWaiting = windows;
    auto wallClient = client(url, QStringLiteral("load-display"), QStringLiteral("load-pass-2026")); // may report its screen
    auto staff = client(url, QStringLiteral("load-super"), QStringLiteral("load-pass-2026"));
    auto kiosk = client(url, QStringLiteral("load-kiosk"), QStringLiteral("load-pass-2026"));
    if (!wallClient || !staff || !kiosk)
        return 1;
    QList<int> free;
    for (int w = 1; w <= windows; ++w) {
        const QString officer = QStringLiteral("load-officer%1").arg(w, 2, 10, QLatin1Char('0'));
        if (!wait<net::WindowStatus>([&](QObject *ctx, auto done) { staff->windowLogin(QString::number(w), officer, ctx, done); }))
            return 1;
        free.append(w);
    }
    WallUnderTest wall(wallClient.get(), QStringLiteral("load"), 0);
    display::CallQueue *queue = wall.controller->calls();
    qint64 frames = 0, made = 0, failed = 0, started = 0;
    QObject::connect(wall.screen->overlay(), &display::CallOverlay::painted, wall.controller.get(), [&] { ++frames; });
    QObject ctx;
    QElapsedTimer t;
    t.start();
    qint64 next = 10000;
    std::printf("ready rss %ld KB\n", rssKb());
    std::fflush(stdout);
    while (queue->shownCount() < calls && failed < 1000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
        while (!free.isEmpty() && started < calls && queue->pending() + (started - made) < maxWaiting) {
            const int w = free.takeFirst();
            ++started;
            net::IssueRequest req;
            req.business = QStringLiteral("B%1").arg((w - 1) % 10, 2, 10, QLatin1Char('0'));
            kiosk->issueTicket(req, &ctx, [&, w](const net::Result<net::TicketInfo> &ticket) {
                // A failed request is counted and its call made again, so N calls are made.
                if (!ticket) {
                    ++failed, --started;
                    free.append(w);
                    return;
                }
                staff->callNext(QString::number(w), &ctx, [&, w](const net::Result<net::CallResult> &r) {
                    if (r && r->ticket)
                        ++made;
                    else
                        ++failed, --started;
                    free.append(w);
                });
            });
        }
        if (queue->shownCount() >= next) {
            std::printf("shown %lld frames %lld pending %d after %.0f s rss %ld KB\n", qlonglong(queue->shownCount()), qlonglong(frames),
                        queue->pending(), t.elapsed() / 1000.0, rssKb());
            std::fflush(stdout);
            next += 10000;
        }
    }
    std::printf("calls made %lld, shown %lld, frames %lld, failed requests %lld\n", qlonglong(made), qlonglong(queue->shownCount()),
                qlonglong(frames), qlonglong(failed));
    return failed < 1000 ? 0 : 1;
}

// Paint cost of one enlargement frame and one wall frame (no server).
int paintCost()
{
    core::SystemClock clock;
    display::Layout layout;
    QString error;
    display::Layout::load(display::Layout::defaultFile(), &layout, &error);
    display::DisplaySettings settings;
    display::DisplayController controller(nullptr, &clock, layout, display::Schedule(), &settings);
    display::WallScreen screen(&controller);
    screen.resize(1920, 1080);
    screen.show();
    QCoreApplication::processEvents();
    QList<qint64> wall, overlay;
    for (int i = 0; i < 200; ++i) {
        qint64 t = nowUs();
        screen.repaint();
        wall.append(nowUs() - t);
    }
    controller.calls()->setShowMs(60000);
    display::Call call;
    call.window = QStringLiteral("3");
    for (int i = 0; i < 200; ++i) {
        call.number = QStringLiteral("A%1").arg(i, 3, 10, QLatin1Char('0'));
        controller.calls()->clear();
        controller.calls()->add(call);
        qint64 t = nowUs();
        screen.overlay()->repaint();
        overlay.append(nowUs() - t);
    }
    std::printf("wall frame: p50 %.2f ms p99 %.2f ms; enlarged frame: p50 %.2f ms p99 %.2f ms\n", percentile(wall, 0.5), percentile(wall, 0.99),
                percentile(overlay, 0.5), percentile(overlay, 0.99));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("latency | memory | paint | bare"));
    p.addOptions({{QStringLiteral("url"), QStringLiteral("hall-server"), QStringLiteral("url")},
                  {QStringLiteral("calls"), QStringLiteral("calls"), QStringLiteral("n"), QStringLiteral("500")},
                  {QStringLiteral("windows"), QStringLiteral("windows driven"), QStringLiteral("n"), QStringLiteral("8")}});
    p.process(app);
    const QString mode = p.positionalArguments().value(0);
    const QString url = p.value(QStringLiteral("url"));
    if (mode == QLatin1String("latency"))
        return latency(url, p.value(QStringLiteral("calls")).toInt());
    if (mode == QLatin1String("memory"))
        return memory(url, p.value(QStringLiteral("calls")).toLongLong(), p.value(QStringLiteral("windows")).toInt());
    if (mode == QLatin1String("paint"))
        return paintCost();
    if (mode == QLatin1String("bare")) {
        BareWindow w;
        w.resize(1920, 1080);
        w.show();
        return app.exec();
    }
    std::fprintf(stderr, "bench-display: latency | memory | paint | bare\n");
    return 2;
}
