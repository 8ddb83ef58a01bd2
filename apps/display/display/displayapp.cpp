#include "displayapp.h"

#include <display/displayautomation.h>
#include <display/displayconfig.h>
#include <display/displaycontroller.h>
#include <display/displaysettings.h>
#include <display/layout.h>
#include <display/wallscreen.h>

#include <app/commands.h>
#include <app/hallapplication.h>
#include <core/clock.h>
#include <net/eventstream.h>
#include <net/hallclient.h>

#include <QFileInfo>
#include <QTimer>

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HallDisplay)
};

// The wall shows something besides its background: a picture with more than a few colours.
QString checkPainted(QWidget *wall)
{
    const QImage image = wall->grab().toImage().scaled(192, 108);
    QSet<QRgb> colours;
    for (int y = 0; y < image.height() && colours.size() < 8; ++y) {
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    }
    return colours.size() >= 8 ? QString() : Text::tr("the wall is blank");
}

} // namespace

namespace hall::display {

void addOptions(app::HallApplication &app)
{
    app.setTitle(Text::tr("HallSuite hall display"));
    app.setFullScreen();
    QCommandLineParser &args = app.options();
    args.setApplicationDescription(Text::tr("The hall's wall screen: current calls, waiting people, notices and media."));
    args.addOptions({
        {QStringLiteral("layout"), Text::tr("The wall layout (JSON) instead of the one in the configuration."), QStringLiteral("file")},
        {QStringLiteral("screenshot-wait"), Text::tr("With --screenshot: wait until the hall's state has arrived (at most this many seconds)."),
         QStringLiteral("seconds"), QStringLiteral("0")},
    });
}

int run(app::HallApplication &app)
{
    QCommandLineParser &args = app.options();

    display::DisplayConfig config;
    QString error;
    if (!display::DisplayConfig::read(app.config().app, app.configFile(), &config, &error))
        return app.showConfigProblem(error, app.configFile());
    QString layoutFile = args.value(QStringLiteral("layout"));
    layoutFile = layoutFile.isEmpty() ? config.layoutFile : QFileInfo(layoutFile).absoluteFilePath();
    if (layoutFile.isEmpty())
        layoutFile = display::Layout::defaultFile();
    display::Layout layout;
    if (!display::Layout::load(layoutFile, &layout, &error))
        return app.showConfigProblem(error, layoutFile);

    display::DisplaySettings settings;
    settings.bind(app.settings());
    core::SystemClock clock;
    display::DisplayController controller(app.hallClient(), &clock, layout, config.schedule, &settings);
    controller.setDeviceName(app.config().role());
    controller.registerCommands(app.commands());
    display::automate(app.automation(), &controller);
    display::WallScreen wall(&controller);
    // F2: the wall's settings (enlargement time, notice, waiting for the voice).
    app.addSettingsCommand(Text::tr("Display settings…"), &settings, &wall, QStringLiteral("display.settings"),
                           QLatin1String(display::DisplayController::Context));
    app.whenSignedIn(&controller, [&controller, hall = app.config().connection.hall] {
        if (!controller.stream() || !controller.stream()->isSubscribed())
            controller.start(hall);
    });

    app.addSelfTestCheck(Text::tr("layout"), [&layout] {
        return layout.area(display::Area::Kind::Windows) ? QString() : Text::tr("no windows area");
    });
    app.addSelfTestCheck(Text::tr("painted"), [&wall] { return checkPainted(&wall); });

    // With --screenshot-wait the picture waits for the hall (or shows the wall as it is then).
    const int wait = args.value(QStringLiteral("screenshot-wait")).toInt();
    const bool deferred = !app.screenshotFile().isEmpty() && !app.isSelfTest() && wait > 0;
    app.setScreenshotDeferred(deferred);
    if (deferred) {
        auto shoot = [&app] {
            QString problem;
            const bool ok = app.saveScreenshot(&problem);
            if (!ok)
                qCritical("%s", qPrintable(problem));
            QCoreApplication::exit(ok ? 0 : 1);
        };
        QObject::connect(&controller, &display::DisplayController::offlineChanged, &app, [shoot](bool offline) {
            if (!offline)
                QTimer::singleShot(1500, qApp, shoot);
        });
        QTimer::singleShot(wait * 1000, &app, shoot);
    }

    if (app.isWindowed())
        wall.resize(1920, 1080);
    app.showMainWindow(&wall);
    return app.run();
}

} // namespace hall::display
