#include "hallapplication.h"

#include <core/logging.h>
#include <net/devicesignin.h>
#include <net/hallclient.h>
#include <net/keychaintokenstore.h>

#include "aspects.h"
#include "automation.h"
#include "commands.h"
#include "configproblemwidget.h"
#include "instancelock.h"
#include "logfile.h"
#include "settingspage.h"

#include <core/i18n.h>
#include <devices/devicemanager.h>
#include <devices/pluginloader.h>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace hall::app {

namespace {


void printLine(const QString &text)
{
    std::fprintf(stderr, "%s\n", qPrintable(maskPersonalData(text)));
    std::fflush(stderr);
}

} // namespace

HallApplication::HallApplication(int &argc, char **argv, const QString &name)
    : QApplication(argc, argv)
{
    setApplicationName(name);
    setOrganizationName(QStringLiteral("HallSuite"));
    // Before the options, so --help speaks the user's language too.
    core::installTranslations();
    m_options.addHelpOption();
    m_options.addOptions({
        {QStringLiteral("config"), tr("This PC's configuration (JSON: server, hall, role, layout, keymap, log)."), QStringLiteral("file")},
        {QStringLiteral("devices"), tr("This PC's device configuration (devices.json)."), QStringLiteral("file")},
        {QStringLiteral("self-test"), tr("Start, show the main window once, check it and quit (0: passed).")},
        {QStringLiteral("screenshot"), tr("Save a picture of the main window to this PNG after its first frame and quit."), QStringLiteral("png")},
        {QStringLiteral("automation"), tr("Let a script drive the app through this local socket (demos and tests)."), QStringLiteral("name")},
    });
}

HallApplication::~HallApplication()
{
    // Devices stop (their threads end) while the application object still exists.
    m_devices.reset();
    m_loader.reset();
    if (m_log)
        LogFile::install(nullptr);
}

bool HallApplication::fail(Problem problem, const QString &text, const QString &file)
{
    m_problem = problem;
    m_problemText = text;
    m_problemFile = file;
    return false;
}

bool HallApplication::start()
{
    m_options.process(*this);
    if (isSelfTest())
        QStandardPaths::setTestModeEnabled(true); // a self-test never touches the PC's own files
    m_commands = std::make_unique<Commands>();
    if (m_options.isSet(QStringLiteral("automation"))) {
        m_automation = std::make_unique<Automation>(m_commands.get());
        QString error;
        if (!m_automation->listen(m_options.value(QStringLiteral("automation")), &error))
            return fail(Problem::Config, error);
    }

    const QString configFolder = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
    m_configFile = m_options.value(QStringLiteral("config"));
    if (m_configFile.isEmpty() && QFileInfo::exists(QDir(configFolder).filePath(QStringLiteral("config.json"))))
        m_configFile = QDir(configFolder).filePath(QStringLiteral("config.json"));
    if (!m_configFile.isEmpty()) {
        m_configFile = QFileInfo(m_configFile).absoluteFilePath();
        QString error;
        if (!PcConfig::load(m_configFile, &m_config, &error))
            return fail(Problem::Config, error, m_configFile);
    }

    m_lock = std::make_unique<InstanceLock>(name(), m_config.role());
    QString error;
    if (!m_lock->tryLock(&error))
        return fail(Problem::AlreadyRunning, error, m_lock->fileName());

    const QString dataFolder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    m_log = std::make_unique<LogFile>(QDir(dataFolder).filePath(QStringLiteral("logs/%1-%2.log").arg(name(), m_config.role())),
                                      qint64(m_config.logMaxKb) * 1024, m_config.logFiles);
    if (m_log->open(&error))
        LogFile::install(m_log.get());
    else
        qCWarning(lcApp, "no log file (%s); messages go to stderr only", qPrintable(error));
    qCInfo(lcApp, "%s starts: role %s, hall %s, config %s", qPrintable(name()),
           qPrintable(m_config.role()), qPrintable(m_config.connection.hall),
           qPrintable(m_configFile.isEmpty() ? QStringLiteral("(defaults)") : m_configFile));

    QDir().mkpath(configFolder);
    m_settings = std::make_unique<SettingsStore>(QDir(configFolder).filePath(QStringLiteral("settings-%1.ini").arg(m_config.role())));

    m_loader = std::make_unique<devices::PluginLoader>();
    m_devices = std::make_unique<devices::DeviceManager>(m_loader.get());
    m_devicesFile = m_options.value(QStringLiteral("devices"));
    if (m_devicesFile.isEmpty() && QFileInfo::exists(QDir(configFolder).filePath(QStringLiteral("devices.json"))))
        m_devicesFile = QDir(configFolder).filePath(QStringLiteral("devices.json"));
    if (!m_devicesFile.isEmpty()) {
        m_devicesFile = QFileInfo(m_devicesFile).absoluteFilePath();
        if (!m_devices->loadConfig(m_devicesFile, &error))
            return fail(Problem::Devices, tr("The device configuration %1 is not right: %2").arg(m_devicesFile, error),
                        m_devicesFile);
    }

    m_commands->setKeymap(m_config.keymap);

    if (!m_config.connection.server.isEmpty()) {
        m_client = std::make_unique<net::HallClient>();
        net::TlsOptions tls;
        tls.caFile = m_config.connection.caFile;
        tls.publicKeySha256 = m_config.connection.pinSha256;
        if (!m_client->setServer(m_config.connection.server, tls, &error))
            return fail(Problem::Config, tr("The hall server in %1 cannot be used: %2").arg(m_configFile, error), m_configFile);
        m_client->setHall(m_config.connection.hall);
    }
    if (!m_config.account.login.isEmpty()) {
        QFile secret(m_config.account.passwordFile);
        if (!secret.open(QIODevice::ReadOnly))
            return fail(Problem::Config, tr("The password file of the account %1 cannot be read: %2 (%3)")
                                             .arg(m_config.account.login, m_config.account.passwordFile, secret.errorString()),
                        m_configFile);
        m_devicePassword = QString::fromUtf8(secret.readAll()).trimmed();
        if (m_devicePassword.isEmpty())
            return fail(Problem::Config, tr("The password file of the account %1 is empty: %2")
                                             .arg(m_config.account.login, m_config.account.passwordFile),
                        m_configFile);
    }
    return true;
}

net::DeviceSignIn *HallApplication::signInDevice()
{
    if (m_signIn || !m_client || m_config.account.login.isEmpty())
        return m_signIn;
    if (m_config.account.tokenStore == DeviceAccount::TokenStore::Keychain)
        m_tokenStore = std::make_unique<net::KeychainTokenStore>(QStringLiteral("HallSuite/%1-%2").arg(name(), m_config.role()));
    else
        m_tokenStore = std::make_unique<net::MemoryTokenStore>();
    m_signIn = new net::DeviceSignIn(m_client.get(), m_tokenStore.get(), m_config.account.login, m_devicePassword, this);
    connect(m_signIn, &net::DeviceSignIn::signedIn, this, [this](net::DeviceSignIn::Outcome outcome) {
        m_signInFailures = 0;
        qCInfo(lcApp, "signed in as %s (%s)", qPrintable(m_config.account.login),
               outcome == net::DeviceSignIn::Outcome::Offline ? "stored token, server unreachable" : "ok");
    });
    connect(m_signIn, &net::DeviceSignIn::storeProblem, this, [](const QString &message) {
        qCWarning(lcApp, "device token not kept: %s", qPrintable(message));
    });
    // An unattended app has nobody to press "try again": a server that is down, or an account
    // not yet created, is tried again, the wait growing to a minute.
    connect(m_signIn, &net::DeviceSignIn::failed, this, [this](const net::ApiError &error) {
        const int delay = std::min(60000, 2000 << std::min(m_signInFailures++, 5));
        qCWarning(lcApp, "cannot sign in as %s: %s; again in %d s", qPrintable(m_config.account.login),
                  qPrintable(error.message), delay / 1000);
        QTimer::singleShot(delay, m_signIn, &net::DeviceSignIn::start);
    });
    m_signIn->start();
    return m_signIn;
}

QString HallApplication::logFile() const
{
    return m_log ? m_log->path() : QString();
}

int HallApplication::showProblem()
{
    printLine(QStringLiteral("%1: %2").arg(name(), m_problemText));
    if (m_log)
        qCCritical(lcApp, "%s", qPrintable(m_problemText));
    if (m_problem == Problem::AlreadyRunning) {
        // A second start that only printed would look like nothing happened on a kiosk.
        if (!isSelfTest() && !m_headless && screenshotFile().isEmpty() && platformName() != QLatin1String("offscreen"))
            QMessageBox::warning(nullptr, title(), m_problemText);
        return 3;
    }
    if (isSelfTest() || m_headless)
        return 2;
    ConfigProblemWidget problem(title(), m_problemText, m_problemFile);
    connect(&problem, &ConfigProblemWidget::quitRequested, this, &QCoreApplication::quit);
    problem.resize(1024, 640);
    setMainWindow(&problem);
    run();
    return 2;
}

int HallApplication::showConfigProblem(const QString &text, const QString &file)
{
    fail(Problem::Config, text, file);
    return showProblem();
}

bool HallApplication::bindHardwareKey(const QString &role, const QByteArray &signalName, const QString &id)
{
    QObject *device = m_devices ? m_devices->device(role) : nullptr;
    if (!device)
        return false;
    QString error;
    if (!m_commands->bindHardwareKey(device, signalName, id, &error)) {
        qCDebug(lcApp, "%s: %s", qPrintable(role), qPrintable(error));
        return false;
    }
    return true;
}

void HallApplication::addSelfTestCheck(const QString &name, std::function<QString()> check)
{
    m_checks.append({name, std::move(check)});
}

void HallApplication::setFullScreen(Qt::WindowFlags flags)
{
    m_fullScreen = true;
    m_fullScreenFlags = flags;
    m_options.addOption({QStringLiteral("windowed"), tr("A normal window instead of full screen (for engineers).")});
}

bool HallApplication::isWindowed() const
{
    return !m_fullScreen || m_options.isSet(QStringLiteral("windowed")) || !screenshotFile().isEmpty() || isSelfTest();
}

void HallApplication::showMainWindow(QWidget *window)
{
    window->setWindowTitle(title());
    if (!isWindowed() && m_fullScreenFlags)
        window->setWindowFlags(m_fullScreenFlags);
    setMainWindow(window);
    if (!isWindowed())
        window->showFullScreen();
}

void HallApplication::addSettingsCommand(const QString &text, AspectContainer *settings, QWidget *window, const QString &id,
                                         const QString &context, std::function<bool()> allowed)
{
    auto *action = new QAction(text, window);
    connect(action, &QAction::triggered, window, [settings, window, allowed = std::move(allowed)] {
        if (!allowed || allowed())
            execSettingsDialog(settings, window);
    });
    m_commands->registerAction(action, id, context, QKeySequence(Qt::Key_F2));
}

void HallApplication::whenSignedIn(QObject *context, std::function<void()> go)
{
    if (net::DeviceSignIn *signIn = signInDevice())
        connect(signIn, &net::DeviceSignIn::signedIn, context, [go = std::move(go)] { go(); });
    else
        go();
}

void HallApplication::setMainWindow(QWidget *window)
{
    m_window = window;
    m_firstFrameSeen = false;
    if (m_automation)
        m_automation->setWindow(window);
    if (m_commands) {
        m_commands->attach(window);
        // The screens have registered their commands by now: a keymap entry for none of them
        // is most likely a typing error in the config.
        const QStringList known = m_commands->ids();
        for (auto it = m_config.keymap.cbegin(); it != m_config.keymap.cend(); ++it) {
            if (!known.contains(it.key()))
                qCWarning(lcApp, "%s: keymap.%s names no command of this app (known: %s)", qPrintable(m_configFile),
                          qPrintable(it.key()), qPrintable(known.join(QStringLiteral(", "))));
        }
    }
    window->installEventFilter(this);
    window->show();
}

bool HallApplication::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && event->type() == QEvent::Paint && !m_firstFrameSeen) {
        m_firstFrameSeen = true;
        // bench/start-up.sh: start-up time to the first frame, against a bare Qt Widgets app.
        if (qEnvironmentVariableIsSet("HALL_EXIT_AT_FIRST_FRAME"))
            QTimer::singleShot(0, this, [] { QCoreApplication::exit(0); });
        // After the first frame: layouts have settled and the window is what a user sees.
        QTimer::singleShot(200, this, &HallApplication::firstFrame);
    }
    return QApplication::eventFilter(watched, event);
}

void HallApplication::firstFrame()
{
    if (m_automation)
        m_automation->setReady();
    if (isSelfTest()) {
        QStringList failed;
        for (const auto &[check, run] : std::as_const(m_checks)) {
            const QString problem = run();
            if (!problem.isEmpty())
                failed.append(QStringLiteral("%1: %2").arg(check, problem));
        }
        if (!failed.isEmpty()) {
            printLine(tr("%1 self-test failed: %2").arg(name(), failed.join(QStringLiteral("; "))));
            exit(1);
            return;
        }
        printLine(tr("%1 self-test passed (%n check(s)).", nullptr, int(m_checks.size())).arg(name()));
        if (screenshotFile().isEmpty()) {
            exit(0);
            return;
        }
    }
    if (!screenshotFile().isEmpty() && !m_screenshotDeferred) {
        QString error;
        exit(saveScreenshot(&error) ? 0 : 1);
        if (!error.isEmpty())
            printLine(error);
    }
}

bool HallApplication::saveScreenshot(QString *error)
{
    const QString file = screenshotFile();
    if (!m_window || !m_window->grab().save(file, "PNG")) {
        *error = tr("%1: cannot write the screenshot %2").arg(name(), file);
        return false;
    }
    return true;
}

int HallApplication::run()
{
    // Without a window there is no first frame: a service is ready once its loop turns (the
    // self-test checks run then, and bench/start-up.sh's time ends there).
    if (m_headless && !m_window) {
        if (qEnvironmentVariableIsSet("HALL_EXIT_AT_FIRST_FRAME"))
            QTimer::singleShot(0, this, [] { QCoreApplication::exit(0); });
        else if (isSelfTest())
            QTimer::singleShot(0, this, &HallApplication::firstFrame);
    }
    return exec();
}

} // namespace hall::app
