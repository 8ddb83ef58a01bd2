// hall-bridge: the hall's hardware that follows the queue, without a window (REQUIREMENTS D2,
// D3, Q17, DEV3, E1–E3). Everything it does is in libhall_bridge (apps/bridge/bridge):
// BridgeController follows the hall and drives the LED bars, the voice and the caller bus.
// This file only wires it onto the application shell.

#include <bridge/bridgeconfig.h>
#include <bridge/bridgecontroller.h>

#include <app/hallapplication.h>
#include <core/clock.h>
#include <devices/devicemanager.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <sync/cache.h>
#include <sync/engine.h>
#include <voice/announcer.h>
#include <voice/cliplibrary.h>

#include <QFileInfo>

using namespace hall;

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HallBridge)
};

} // namespace

int main(int argc, char *argv[])
{
    // A service on the hall's PC: it needs no screen (the shell is a QApplication).
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    app::HallApplication app(argc, argv, QStringLiteral("hall-bridge"));
    app.setHeadless(true);
    app.setTitle(Text::tr("HallSuite bridge"));
    QCommandLineParser &args = app.options();
    args.setApplicationDescription(Text::tr("The window LED bars, the hall's voice and the caller bus, following the queue."));
    args.addOption({QStringLiteral("bridge"), Text::tr("The bridge file (JSON) instead of the one in the configuration."), QStringLiteral("file")});
    if (!app.start())
        return app.showProblem();

    QString error;
    QString file;
    if (!bridge::BridgeConfig::fileFromApp(app.config().app, app.configFile(), &file, &error))
        return app.showConfigProblem(error, app.configFile());
    if (args.isSet(QStringLiteral("bridge")))
        file = QFileInfo(args.value(QStringLiteral("bridge"))).absoluteFilePath();
    if (file.isEmpty())
        return app.showConfigProblem(Text::tr("No bridge file: name one as \"app\": {\"bridge\": \"bridge.json\"} or with --bridge."),
                                     app.configFile());
    bridge::BridgeConfig config;
    if (!bridge::BridgeConfig::load(file, &config, &error))
        return app.showConfigProblem(error, file);

    // D3: the voice, from the clips built in (offline) or a TTS engine.
    core::SystemClock clock;
    voice::ClipLibrary clips;
    std::unique_ptr<voice::Announcer> announcer;
    if (config.voice.enabled) {
        if (!clips.load(QStringLiteral(":/voice/zh_CN"), &error))
            return app.showConfigProblem(error, file);
        announcer.reset(bridge::createAnnouncer(config.voice, &clips, &clock, nullptr, &error));
        if (!announcer)
            return app.showConfigProblem(Text::tr("voice.engine: %1").arg(error), file);
    }

    // E3: ratings wait in the outbox until the server has them.
    std::unique_ptr<sync::SyncCache> outbox;
    std::unique_ptr<net::HallSyncTransport> transport;
    std::unique_ptr<sync::SyncEngine> syncEngine;
    if (!config.outbox.isEmpty() && app.hallClient()) {
        if (sync::SyncCache::open(config.outbox, &outbox, &error) != storage::OpenResult::Ok)
            return app.showConfigProblem(Text::tr("The outbox %1 cannot be opened: %2").arg(config.outbox, error), file);
        transport = std::make_unique<net::HallSyncTransport>(app.hallClient());
        syncEngine = std::make_unique<sync::SyncEngine>(outbox.get(), transport.get());
    }

    bridge::BridgeController controller(app.hallClient(), app.devices(), announcer.get(), outbox.get(), syncEngine.get(), config);
    controller.setDeviceName(app.config().role());

    // The stream and the outbox start once the bridge holds a token.
    if (app.hallClient())
        app.whenSignedIn(&controller, [&controller, &syncEngine, hall = app.config().connection.hall] {
            if (!controller.stream()->isSubscribed())
                controller.start(hall);
            if (syncEngine)
                syncEngine->start();
        });

    app.addSelfTestCheck(Text::tr("bars"), [&controller] {
        QStringList problems;
        for (const auto &b : controller.bars()) {
            if (!b.problem.isEmpty())
                problems.append(b.problem);
        }
        return problems.join(u' ');
    });
    app.addSelfTestCheck(Text::tr("voice"), [&controller, &clips, &config] {
        if (!config.voice.enabled)
            return QString();
        QStringList names;
        QString problem;
        voice::clipSequence(controller.announcement(QStringLiteral("A001"), QStringLiteral("1"), false), clips, &names, &problem);
        return problem;
    });
    return app.run();
}
