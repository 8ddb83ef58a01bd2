#include "kioskapp.h"

#include <kiosk/kioskautomation.h>
#include <kiosk/kioskconfig.h>
#include <kiosk/kioskcontroller.h>
#include <kiosk/kioskscreen.h>
#include <kiosk/kiosksettings.h>
#include <kiosk/ticketprinting.h>

#include <app/commands.h>
#include <app/hallapplication.h>
#include <core/clock.h>
#include <core/logging.h>
#include <devices/codescanner.h>
#include <devices/devicemanager.h>
#include <devices/idcard.h>
#include <devices/ticketprinter.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <security/keymanager.h>
#include <sync/cache.h>
#include <voice/announcer.h>
#include <voice/cliplibrary.h>
#include <voice/enginefactory.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HallKiosk)
};

} // namespace

namespace hall::kiosk {

void addOptions(app::HallApplication &app)
{
    app.setTitle(Text::tr("HallSuite self-service kiosk"));
    // Locked down: no decorations, always on top, full screen; the way out is the code.
    app.setFullScreen(Qt::FramelessWindowHint | Qt::WindowStaysOnTopHint);
    QCommandLineParser &args = app.options();
    args.setApplicationDescription(Text::tr("The self-service kiosk: tickets by touch, ID card, mobile number, appointment code or release password."));
    args.addOption({QStringLiteral("elderly"), Text::tr("Start in elderly mode (for screenshots).")});
}

int run(app::HallApplication &app)
{
    QCommandLineParser &args = app.options();

    kiosk::KioskConfig config;
    QString error;
    if (!kiosk::KioskConfig::read(app.config().app, app.configFile(), &config, &error))
        return app.showConfigProblem(error, app.configFile());

    kiosk::KioskSettings settings;
    settings.bind(app.settings());
    core::SystemClock clock;

    devices::DeviceManager *devs = app.devicesConfigured() ? app.devices() : nullptr;
    kiosk::TicketPrinting printing(devs ? devs->device<devices::TicketPrinter>(QStringLiteral("printer")) : nullptr);
    if (!config.ticketTemplateFile.isEmpty()) {
        QFile f(config.ticketTemplateFile);
        if (!f.open(QIODevice::ReadOnly) || !printing.setTemplate(QString::fromUtf8(f.readAll()), &error))
            return app.showConfigProblem(f.isOpen() ? error : f.errorString(), config.ticketTemplateFile);
    }

    // The offline cache: numbers leased in advance, tickets issued while the server is away.
    std::unique_ptr<sync::SyncCache> cache;
    if (app.hallClient() && !app.isSelfTest()) {
        const QString file = config.cacheFile.isEmpty()
                                 ? QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                       .filePath(QStringLiteral("kiosk-%1.db").arg(app.config().role()))
                                 : config.cacheFile;
        QDir().mkpath(QFileInfo(file).absolutePath());
        if (sync::SyncCache::open(file, &cache, &error) != storage::OpenResult::Ok)
            return app.showConfigProblem(error, file);
        // ID and phone numbers of offline tickets are sealed with the cache's key (keychain);
        // without one, offline tickets are taken by touch only.
        cache->attachPersonalData(security::KeyManager(QStringLiteral("hallsuite"), QStringLiteral("cache-data-key:") + file,
                                                       security::CipherMode::Sm4CbcHmacSm3)
                                      .loadOrCreateNow(3000));
    }

    kiosk::KioskController controller(app.hallClient(), &clock, config, &settings, &printing, cache.get(), devs);
    controller.setDeviceName(app.config().role());
    controller.registerCommands(app.commands());
    kiosk::automate(app.automation(), &controller);

    // Elderly mode's voice guidance through the voice module, made when elderly mode is first
    // switched on (finding a speech engine may take seconds; most citizens never need it).
    voice::ClipLibrary clips;
    std::unique_ptr<voice::Announcer> announcer;
    auto ensureVoice = [&] {
        if (announcer || !controller.isElderly() || config.voice == QLatin1String("off") || app.isSelfTest())
            return;
        QString voiceError;
        if (!clips.load(QStringLiteral(":/voice/zh_CN"), &voiceError))
            qCWarning(lcKiosk, "voice clips: %s", qPrintable(voiceError));
        if (voice::SpeechEngine *engine = voice::createSpeechEngine(config.voice, &clips, &app, &voiceError)) {
            announcer = std::make_unique<voice::Announcer>(engine, &clock);
            controller.setAnnouncer(announcer.get());
        } else {
            qCWarning(lcKiosk, "no voice guidance: %s", qPrintable(voiceError));
        }
    };
    QObject::connect(&controller, &kiosk::KioskController::changed, &app, ensureVoice);
    if (args.isSet(QStringLiteral("elderly")))
        controller.setElderly(true);

    if (devs) {
        if (auto *reader = devs->device<devices::IdCardReader>(QStringLiteral("idcard"))) {
            QObject::connect(reader, &devices::IdCardReader::cardRead, &controller, &kiosk::KioskController::cardRead);
            QMetaObject::invokeMethod(reader, [reader] { reader->setAutoRead(true); }, Qt::QueuedConnection);
        }
        if (auto *scanner = devs->device<devices::CodeScanner>(QStringLiteral("codescanner")))
            QObject::connect(scanner, &devices::CodeScanner::scanned, &controller, &kiosk::KioskController::codeScanned);
    }

    kiosk::KioskScreen screen(&controller);
    // F2: the kiosk's settings, on the maintenance screen only.
    app.addSettingsCommand(Text::tr("Kiosk settings…"), &settings, &screen, QStringLiteral("kiosk.settings"),
                           QLatin1String(kiosk::KioskController::Context),
                           [&controller] { return controller.screen() == kiosk::KioskController::Screen::Maintenance; });
    app.whenSignedIn(&controller, [&controller, hall = app.config().connection.hall] {
        if (!controller.stream() || !controller.stream()->isSubscribed())
            controller.start(hall);
    });

    app.addSelfTestCheck(Text::tr("start screen"), [&controller] {
        return controller.screen() == kiosk::KioskController::Screen::Attract
                       || controller.screen() == kiosk::KioskController::Screen::Closed
                   ? QString()
                   : Text::tr("not on the start screen");
    });
    app.addSelfTestCheck(Text::tr("says it has no server"), [&controller, &app] {
        return app.hallClient() || !controller.statusText().isEmpty() ? QString() : Text::tr("no notice that the server is missing");
    });

    screen.resize(config.screenSize());
    app.showMainWindow(&screen);
    return app.run();
}

} // namespace hall::kiosk
