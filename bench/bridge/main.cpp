// hall-bridge's figures (docs/performance.md), against a hall-server binary on loopback:
//
//   bench-bridge latency --url URL [--calls N]
//       one process: the bridge (BridgeController signed in as the load hall's caller account,
//       the real ledbar driver on its device thread over a pty LED bus emulator with cards 1–4,
//       the voice's clip engine writing WAV files to a temporary folder) and a supervisor
//       calling the load hall's windows 1 to 4 in turn, one call at a time, 120 ms apart. Per
//       call: from the call request leaving to the LED card having the frame with the number,
//       and to the announcement starting; and from the ticket.called event's arrival to the
//       frame (the announcement starts within the handling of that event).
//       The pty delivers the host's bytes at once: on a real RS-485 bus at 9600 baud add the
//       frame's wire time (about 1 ms a byte, ~25 ms for "请 A001 号").

#include <bridge/bridgeconfig.h>
#include <bridge/bridgecontroller.h>

#include <ledbaremulator.h>

#include <core/clock.h>
#include <devices/devicemanager.h>
#include <devices/pluginloader.h>
#include <net/eventstream.h>
#include <net/hallclient.h>

#include "../benchclient.h"
#include <voice/announcer.h>
#include <voice/cliplibrary.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace hall;
using namespace hall::bench;

namespace {

void report(const char *what, const QList<qint64> &v)
{
    std::printf("%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, percentile(v, 0.5), percentile(v, 0.9),
                percentile(v, 0.99), percentile(v, 1.0));
}

int latency(const QString &url, int calls)
{
    auto staff = client(url, QStringLiteral("load-super"), QStringLiteral("load-pass-2026"));
    auto kiosk = client(url, QStringLiteral("load-kiosk"), QStringLiteral("load-pass-2026"));
    auto bridgeClient = client(url, QStringLiteral("load-caller"), QStringLiteral("load-pass-2026"));
    if (!staff || !kiosk || !bridgeClient)
        return 1;
    for (net::HallClient *c : {staff.get(), kiosk.get(), bridgeClient.get()})
        c->setHall(QStringLiteral("load"));
    const QStringList windows = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")};
    for (const QString &w : windows) {
        const QString officer = QStringLiteral("load-officer%1").arg(w.toInt(), 2, 10, QLatin1Char('0'));
        if (!wait<net::WindowStatus>([&](QObject *ctx, auto done) { staff->windowLogin(w, officer, ctx, done); }))
            return 1;
    }

    QTemporaryDir dir;
    emulators::LedBarEmulator cards(dir.filePath(QStringLiteral("ttyLED0")));
    cards.addresses = {1, 2, 3, 4};
    if (!cards.plug())
        return 1;
    devices::PluginLoader loader;
    devices::DeviceManager devices(&loader);
    QString error;
    if (!devices.add({QStringLiteral("ledbar"), QStringLiteral("ledbar"), cards.path(), {}}, &error)) {
        std::fprintf(stderr, "bench-bridge: %s\n", qPrintable(error));
        return 1;
    }
    voice::ClipLibrary clips;
    if (!clips.load(QStringLiteral(":/voice/zh_CN"), &error)) {
        std::fprintf(stderr, "bench-bridge: %s\n", qPrintable(error));
        return 1;
    }
    core::SystemClock clock;
    bridge::BridgeConfig config;
    for (const QString &w : windows)
        config.bars.append({w, QStringLiteral("ledbar"), w.toInt()});
    config.voice.enabled = true;
    config.voice.engine = QStringLiteral("clips");
    config.voice.wavFiles = dir.filePath(QStringLiteral("said-%1.wav"));
    std::unique_ptr<voice::Announcer> announcer(bridge::createAnnouncer(config.voice, &clips, &clock, nullptr, &error));
    if (!announcer) {
        std::fprintf(stderr, "bench-bridge: %s\n", qPrintable(error));
        return 1;
    }
    bridge::BridgeController bridge(bridgeClient.get(), &devices, announcer.get(), nullptr, nullptr, config);
    bridge.start(QStringLiteral("load"));
    while (!bridge.state().isValid())
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);

    QHash<QString, qint64> eventAt; // number@window → ticket.called arrived
    QHash<QString, qint64> spokenAt;
    QObject::connect(bridge.stream(), &net::EventStream::eventReceived, &bridge, [&](const net::HallEvent &e) {
        if (e.type == net::HallEvent::Type::TicketCalled && e.ticket)
            eventAt.insert(e.ticket->number + u'@' + e.callWindow, nowUs());
    });
    QObject::connect(&bridge, &bridge::BridgeController::announcementStarted, &bridge, [&](const QString &id) { spokenAt.insert(id, nowUs()); });

    QList<qint64> toBar, toVoice, eventToBar;
    int done = 0;
    for (int i = 0; i < calls; ++i) {
        const QString w = windows.at(i % windows.size());
        net::IssueRequest req;
        req.business = QStringLiteral("B%1").arg(w.toInt() - 1, 2, 10, QLatin1Char('0'));
        if (!wait<net::TicketInfo>([&](QObject *ctx, auto cb) { kiosk->issueTicket(req, ctx, cb); }))
            break;
        const qsizetype writes = cards.writes.size();
        const qint64 sent = nowUs();
        std::optional<net::CallResult> called;
        QObject ctx;
        staff->callNext(w, &ctx, [&called](const net::Result<net::CallResult> &r) { called = r ? *r : net::CallResult(); });
        // The card's frame: the first text write after the call that names the number.
        qint64 barAt = 0;
        QElapsedTimer t;
        t.start();
        QString id;
        while (t.elapsed() < 3000 && (!barAt || !called || !spokenAt.contains(id))) {
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 1);
            if (called && called->ticket)
                id = called->ticket->number + u'@' + w;
            if (!barAt && called && called->ticket) {
                for (qsizetype k = writes; k < cards.writes.size(); ++k) {
                    if (cards.writes.at(k).address == w.toInt() && cards.writes.at(k).content.text.contains(called->ticket->number))
                        barAt = nowUs();
                }
            }
        }
        if (!barAt || id.isEmpty() || !spokenAt.contains(id) || !eventAt.contains(id)) {
            std::fprintf(stderr, "bench-bridge: call %d at window %s not seen on the bar or said\n", i, qPrintable(w));
            continue;
        }
        toBar.append(barAt - sent);
        toVoice.append(spokenAt.value(id) - sent);
        eventToBar.append(barAt - eventAt.value(id));
        ++done;
        QEventLoop loop;
        QTimer::singleShot(120, &loop, &QEventLoop::quit);
        loop.exec();
    }
    std::printf("calls %d, measured %d\n", calls, done);
    report("call request -> LED card has the frame", toBar);
    report("call request -> announcement started", toVoice);
    report("ticket.called event -> LED card has the frame", eventToBar);
    // The announcement starts inside the controller's handling of the event (before this
    // program's own handler of it runs), so event -> announcement is not measured apart.
    return done == calls ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("latency"));
    p.addOptions({{QStringLiteral("url"), QStringLiteral("hall-server"), QStringLiteral("url")},
                  {QStringLiteral("calls"), QStringLiteral("calls"), QStringLiteral("n"), QStringLiteral("500")}});
    p.process(app);
    if (p.positionalArguments().value(0) == QLatin1String("latency"))
        return latency(p.value(QStringLiteral("url")), p.value(QStringLiteral("calls")).toInt());
    p.showHelp(2);
}
