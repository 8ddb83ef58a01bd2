#pragma once

#include <app/app_export.h>
#include <app/pcconfig.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QPointer>
#include <QWidget> // QPointer<QWidget> below needs the whole type

#include <functional>
#include <memory>

namespace hall::devices {
class DeviceManager;
class PluginLoader;
} // namespace hall::devices

namespace hall::net {
class DeviceSignIn;
class HallClient;
class TokenStore;
} // namespace hall::net

namespace hall::app {

class AspectContainer;
class Automation;
class Commands;
class InstanceLock;
class LogFile;
class SettingsStore;

// The shell every HallSuite app stands on. main.cpp:
//
//   app::HallApplication app(argc, argv, QStringLiteral("hall-kiosk"));
//   app.setTitle(tr("Self-service kiosk"));
//   app.options().addOption(...);            // the app's own options, before start()
//   if (!app.start())
//       return app.showProblem();            // a clear screen or message, and a non-zero exit
//   KioskController controller(app.devices(), app.hallConnection());
//   KioskWindow window(&controller, app.commands());
//   app.setMainWindow(&window);              // shows it; --screenshot / --self-test hook in
//   return app.run();
//
// start() does, in order: the standard options (--config, --devices, --self-test,
// --screenshot), translations, the PC's config (PcConfig: --config FILE, else
// <app config folder>/config.json if present), one instance per PC and role (InstanceLock),
// the log file (<app data folder>/logs/<app>-<role>.log, rotated), the settings store
// (<app config folder>/settings-<role>.ini), the devices (--devices FILE, else
// <app config folder>/devices.json if present), the keymap of the commands, and the hall
// client (server, hall and TLS from the config) and, with an `account` in the config, the
// device sign-in (signInDevice()).
class HALL_APP_EXPORT HallApplication : public QApplication
{
    Q_OBJECT
public:
    enum class Problem { None, Config, Devices, AlreadyRunning };

    HallApplication(int &argc, char **argv, const QString &name);
    ~HallApplication() override;

    static HallApplication *instance() { return qobject_cast<HallApplication *>(QCoreApplication::instance()); }

    QString name() const { return applicationName(); }
    void setTitle(const QString &title) { m_title = title; }
    QString title() const { return m_title.isEmpty() ? name() : m_title; }
    QCommandLineParser &options() { return m_options; }

    bool start();
    Problem problem() const { return m_problem; }
    QString problemText() const { return m_problemText; }
    QString problemFile() const { return m_problemFile; }
    // Says what is wrong (stderr and log; a GUI shows ConfigProblemWidget until closed, or
    // saves it with --screenshot) and returns the exit code: 2 for a configuration problem,
    // 3 when another instance holds this PC and role.
    int showProblem();
    // For the app's own part of the config (PcConfig::app) or files it names: the same clear
    // screen and exit code 2 as a problem the shell found.
    int showConfigProblem(const QString &text, const QString &file);

    const PcConfig &config() const { return m_config; }
    QString configFile() const { return m_configFile; } // empty: no file, defaults
    HallConnection hallConnection() const { return m_config.connection; }
    // The app's one client of hall-server, set up from the PC's config (server, hall, TLS);
    // null while no server is configured.
    net::HallClient *hallClient() const { return m_client.get(); }
    // Signs the hall client in as the config's device account: the stored token, else the
    // password (DeviceSignIn), and again by itself while the server cannot be reached or after
    // it refused the token. Null without an account or a server in the config.
    net::DeviceSignIn *signInDevice();
    Commands *commands() const { return m_commands.get(); }
    // With --automation NAME: a script drives the app through a local socket (the demo); null
    // otherwise. The app may add its own commands and events to it.
    Automation *automation() const { return m_automation.get(); }
    SettingsStore *settings() const { return m_settings.get(); }
    devices::DeviceManager *devices() const { return m_devices.get(); }
    bool devicesConfigured() const { return !m_devicesFile.isEmpty(); }
    QString devicesFile() const { return m_devicesFile; }
    QString logFile() const;

    bool isSelfTest() const { return m_options.isSet(QStringLiteral("self-test")); }
    QString screenshotFile() const { return m_options.value(QStringLiteral("screenshot")); }

    // A device's signal (e.g. the camera's "pedalPressed") triggers the command `id`. A device
    // that is not configured, or has no such signal, is skipped (false, logged).
    bool bindHardwareKey(const QString &role, const QByteArray &signalName, const QString &id);

    // With --self-test, run() calls these after the main window's first frame; each returns
    // an empty string or what failed.
    void addSelfTestCheck(const QString &name, std::function<QString()> check);

    // A full-screen app (the kiosk, the wall): adds --windowed (for engineers), and
    // showMainWindow() shows the window full screen with `flags` (e.g. frameless, on top)
    // unless isWindowed(). Before start().
    void setFullScreen(Qt::WindowFlags flags = {});
    // In a normal window: not a full-screen app, or --windowed, --screenshot or --self-test.
    bool isWindowed() const;
    // The app's main window with the app's title, shown by setMainWindow(), full screen as
    // setFullScreen() says.
    void showMainWindow(QWidget *window);
    // The command `id` (F2 in `context`) opens the settings dialog of `settings` over `window`;
    // `allowed`, when given, says whether it may open now (the kiosk: on its maintenance screen).
    void addSettingsCommand(const QString &text, AspectContainer *settings, QWidget *window, const QString &id,
                            const QString &context, std::function<bool()> allowed = {});
    // Calls `go` (while `context` lives) each time the device account has signed in, or at once
    // when the app has no account to sign in: what talks to the server (the event stream)
    // starts once the app holds a token, else its first try is refused and waits.
    void whenSignedIn(QObject *context, std::function<void()> go);

    // The window the app shows: the commands' shortcuts work in it, it is shown, and with
    // --screenshot it is saved after its first frame and the app quits (unless deferred:
    // then the app calls saveScreenshot() when its scripted steps are done).
    void setMainWindow(QWidget *window);
    QWidget *mainWindow() const { return m_window; }
    void setScreenshotDeferred(bool deferred) { m_screenshotDeferred = deferred; }
    // A service without a window (hall-bridge): problems are printed and logged, never shown
    // in a window, and --self-test runs its checks once the event loop has started.
    void setHeadless(bool headless) { m_headless = headless; }
    bool isHeadless() const { return m_headless; }
    bool saveScreenshot(QString *error);

    int run();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool fail(Problem problem, const QString &text, const QString &file = {});
    void firstFrame();

    QString m_title;
    QCommandLineParser m_options;
    PcConfig m_config;
    QString m_configFile;
    QString m_devicesFile;
    Problem m_problem = Problem::None;
    QString m_problemText;
    QString m_problemFile;
    std::unique_ptr<LogFile> m_log;
    std::unique_ptr<InstanceLock> m_lock;
    std::unique_ptr<SettingsStore> m_settings;
    std::unique_ptr<Commands> m_commands;
    std::unique_ptr<Automation> m_automation;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_devices;
    std::unique_ptr<net::HallClient> m_client;
    std::unique_ptr<net::TokenStore> m_tokenStore;
    QString m_devicePassword;
    net::DeviceSignIn *m_signIn = nullptr;
    int m_signInFailures = 0;
    QPointer<QWidget> m_window;
    bool m_firstFrameSeen = false;
    bool m_screenshotDeferred = false;
    bool m_headless = false;
    bool m_fullScreen = false;
    Qt::WindowFlags m_fullScreenFlags;
    QList<std::pair<QString, std::function<QString()>>> m_checks;
};

} // namespace hall::app
