// hall-devices: the field engineer's tool. Lists driver plugins and serial ports, probes a
// port with a driver, reads an ID card, and can stand in for a device with the emulators used
// by the tests (for training and for checking the software without hardware).

#include <samemulator.h>

#include <core/i18n.h>
#include <core/idnumber.h>
#include <core/masking.h>
#include <devices/devicemanager.h>
#include <devices/callerbus.h>
#include <devices/callercommands.h>
#include <devices/codescanner.h>
#include <devices/documentcamera.h>
#include <devices/ticketprinter.h>
#include <devices/windowscreen.h>
#include <devices/tickettemplate.h>
#include <devices/idcard.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QSerialPortInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <QSocketNotifier>

#include <algorithm>
#include <csignal>
#include <unistd.h>

using namespace hall;
using devices::Device;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallDevices)
};

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

int fail(const QString &message)
{
    QTextStream(stderr) << "hall-devices: " << message << Qt::endl;
    return 1;
}

bool waitFor(const std::function<bool()> &done, int ms)
{
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    tick.start(20);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    return done();
}

QVariantMap parseOptions(const QStringList &pairs, QString *error)
{
    QVariantMap options;
    for (const QString &p : pairs) {
        const qsizetype eq = p.indexOf(u'=');
        if (eq <= 0) {
            *error = Tr::tr("--option needs key=value, not \"%1\"").arg(p);
            return {};
        }
        const QString value = p.mid(eq + 1);
        bool isInt = false;
        const int n = value.toInt(&isInt);
        if (value.contains(u',')) { // a list: addresses=1,2,3
            QVariantList list;
            for (const QString &item : value.split(u',', Qt::SkipEmptyParts)) {
                bool itemInt = false;
                const int v = item.trimmed().toInt(&itemInt);
                list.append(itemInt ? QVariant(v) : QVariant(item.trimmed()));
            }
            options.insert(p.left(eq), list);
        } else if (value == QLatin1String("true") || value == QLatin1String("false")) {
            // As JSON's true/false: the drivers' options take no "yes" or 1 for a flag.
            options.insert(p.left(eq), value == QLatin1String("true"));
        } else {
            options.insert(p.left(eq), isInt ? QVariant(n) : QVariant(value));
        }
    }
    return options;
}

// Ctrl+C and SIGTERM end the event loop cleanly (devices closed, emulator links removed).
// The handler only writes to a pipe; the event loop does the quitting.
void quitOnSignals()
{
    static int fds[2] = {-1, -1};
    if (fds[0] >= 0 || ::pipe(fds) != 0)
        return;
    auto *notifier = new QSocketNotifier(fds[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [] { QCoreApplication::quit(); });
    std::signal(SIGINT, [](int) { (void)!::write(fds[1], "q", 1); });
    std::signal(SIGTERM, [](int) { (void)!::write(fds[1], "q", 1); });
}

int listPlugins()
{
    devices::PluginLoader loader;
    const auto plugins = loader.plugins();
    if (plugins.isEmpty()) {
        out() << Tr::tr("No driver plugins found in: %1").arg(devices::PluginLoader::defaultSearchPaths().join(QStringLiteral(", "))) << Qt::endl;
        return 1;
    }
    for (const devices::PluginInfo &p : plugins) {
        out() << QStringLiteral("%1  %2  API %3  %4").arg(p.key, -18).arg(p.classes.join(u','), -24).arg(p.apiVersion)
                     .arg(p.problem.isEmpty() ? p.vendor : Tr::tr("UNUSABLE: %1").arg(p.problem))
              << Qt::endl;
    }
    return 0;
}

int listPorts()
{
    const auto ports = QSerialPortInfo::availablePorts();
    if (ports.isEmpty())
        out() << Tr::tr("No serial ports found.") << Qt::endl;
    for (const QSerialPortInfo &p : ports) {
        out() << QStringLiteral("%1  %2  %3").arg(p.systemLocation(), -16).arg(p.description(), -28).arg(p.manufacturer());
        if (p.hasVendorIdentifier())
            out() << QStringLiteral("  %1:%2").arg(p.vendorIdentifier(), 4, 16, QLatin1Char('0')).arg(p.productIdentifier(), 4, 16, QLatin1Char('0'));
        out() << Qt::endl;
    }
    return 0;
}

// What the drivers see plugged in now (their DeviceEnumerator): every driver that can list,
// or the one named. Exit 1 only when the named driver cannot list or failed to.
int listAvailable(const QString &driver)
{
    devices::PluginLoader loader;
    QStringList keys;
    if (!driver.isEmpty()) {
        keys << driver;
    } else {
        for (const devices::PluginInfo &p : loader.plugins()) {
            if (p.problem.isEmpty() && loader.canListDevices(p.key))
                keys << p.key;
        }
    }
    int status = 0;
    for (const QString &key : std::as_const(keys)) {
        QString error;
        const QList<devices::DeviceInfo> found = loader.availableDevices(key, &error);
        out() << key << Qt::endl;
        if (!error.isEmpty()) {
            out() << QStringLiteral("    ") << Tr::tr("cannot list: %1").arg(error) << Qt::endl;
            if (!driver.isEmpty())
                status = 1;
            continue;
        }
        if (found.isEmpty())
            out() << QStringLiteral("    ") << Tr::tr("none found") << Qt::endl;
        for (const devices::DeviceInfo &d : found) {
            QString line = QStringLiteral("    %1  %2").arg(d.port, -24).arg(d.description);
            if (!d.manufacturer.isEmpty() && !d.description.contains(d.manufacturer))
                line += QStringLiteral("  ") + d.manufacturer;
            if (d.vendorId || d.productId)
                line += QStringLiteral("  %1:%2").arg(d.vendorId, 4, 16, QLatin1Char('0')).arg(d.productId, 4, 16, QLatin1Char('0'));
            if (!d.serialNumber.isEmpty())
                line += QStringLiteral("  ") + Tr::tr("serial %1").arg(d.serialNumber);
            if (!d.classes.isEmpty())
                line += QStringLiteral("  [%1]").arg(d.classes.join(u','));
            while (line.endsWith(u' '))
                line.chop(1);
            out() << line << Qt::endl;
        }
    }
    return status;
}

QString describeCard(const devices::IdCard &c, bool personal)
{
    auto name = [&](const QString &n) { return personal ? n : core::maskName(n); };
    auto id = [&](const QString &n) { return personal ? n : core::maskIdNumber(n); };
    QStringList lines{Tr::tr("Card type: %1").arg(c.typeName()),
                      Tr::tr("Name: %1").arg(name(c.name))};
    if (!c.englishName.isEmpty())
        lines << Tr::tr("English name: %1").arg(name(c.englishName));
    lines << Tr::tr("Gender: %1").arg(c.gender);
    if (!c.nation.isEmpty())
        lines << Tr::tr("Nation/nationality: %1").arg(c.nation);
    lines << Tr::tr("Born: %1").arg(personal ? c.birthDate.toString(Qt::ISODate) : QStringLiteral("****-**-**"));
    if (!c.address.isEmpty())
        lines << Tr::tr("Address: %1").arg(personal ? c.address : c.address.left(3) + QStringLiteral("…"));
    lines << Tr::tr("Number: %1").arg(id(c.idNumber))
          << Tr::tr("Issued by: %1").arg(c.authority)
          << Tr::tr("Valid: %1 – %2").arg(c.validFrom.toString(Qt::ISODate), c.longTerm ? Tr::tr("long-term") : c.validUntil.toString(Qt::ISODate));
    if (!c.passNumber.isEmpty())
        lines << Tr::tr("Travel permit: %1 (issued %2 times)").arg(id(c.passNumber)).arg(c.issueCount);
    lines << Tr::tr("Photo: %1 bytes of WLT (decoded only by the vendor library)").arg(c.photoWlt.size());
    if (!c.fingerprint.isEmpty())
        lines << Tr::tr("Fingerprint: %1 bytes").arg(c.fingerprint.size());
    return lines.join(u'\n');
}

// Opens one device through the DeviceManager, as the apps do, and waits until it is ready.
// Only the manager's status is read here: the device itself belongs to its own thread.
Device *openDevice(devices::DeviceManager &manager, const devices::DeviceConfig &cfg, QString *error)
{
    if (!manager.add(cfg, error))
        return nullptr;
    auto status = [&] {
        const auto all = manager.status();
        return all.isEmpty() ? devices::DeviceStatus{} : all.last();
    };
    waitFor([&] {
        const devices::DeviceStatus s = status();
        return s.state == Device::State::Ready || s.state == Device::State::Failed
            || (s.state == Device::State::Disconnected && !s.message.isEmpty());
    }, 3000);
    const devices::DeviceStatus s = status();
    if (s.state != Device::State::Ready) {
        *error = Tr::tr("%1 on %2 is not ready (%3): %4").arg(cfg.driver, cfg.port, devices::stateName(s.state),
                                                              s.message.isEmpty() ? Tr::tr("no answer") : s.message);
        return nullptr;
    }
    return manager.device(cfg.role);
}

int readCard(devices::DeviceManager &manager, const devices::DeviceConfig &cfg, bool fingerprint, bool personal, int waitSeconds)
{
    QString error;
    auto *reader = qobject_cast<devices::IdCardReader *>(openDevice(manager, cfg, &error));
    if (!reader)
        return fail(error);
    std::optional<devices::IdCard> card;
    QString lastError;
    // Context qApp: the lambdas run on this thread, not on the reader's.
    QObject::connect(reader, &devices::IdCardReader::cardRead, qApp, [&](const devices::IdCard &c) { card = c; });
    QObject::connect(reader, &Device::errorOccurred, qApp, [&](Device::Error, const QString &m) { lastError = m; });
    out() << Tr::tr("Place the card on the reader (waiting up to %1 s)…").arg(waitSeconds) << Qt::endl;
    if (fingerprint) {
        // One read with fingerprint, retried while no card lies on the reader.
        const QDateTime until = QDateTime::currentDateTime().addSecs(waitSeconds);
        while (!card && QDateTime::currentDateTime() < until) {
            lastError.clear();
            QMetaObject::invokeMethod(reader, [reader] { reader->readCard(true); }, Qt::QueuedConnection);
            waitFor([&] { return card.has_value() || !lastError.isEmpty(); }, 5000);
            if (!card)
                waitFor([] { return false; }, 500);
        }
    } else {
        // The reader watches for the card itself.
        QMetaObject::invokeMethod(reader, [reader] { reader->setAutoRead(true, 300); }, Qt::QueuedConnection);
        waitFor([&] { return card.has_value(); }, waitSeconds * 1000);
    }
    if (!card)
        return fail(lastError.isEmpty() ? Tr::tr("No card was read.") : lastError);
    out() << describeCard(*card, personal) << Qt::endl;
    return 0;
}

// Shows every key press and rating on a caller bus, and what it would do to the queue.
int watchCaller(devices::DeviceManager &manager, const devices::DeviceConfig &cfg)
{
    QString error;
    auto *bus = qobject_cast<devices::CallerBus *>(openDevice(manager, cfg, &error));
    if (!bus)
        return fail(error);
    out() << Tr::tr("Listening on %1; press keys on the callers (Ctrl+C stops).").arg(cfg.port) << Qt::endl;
    QObject::connect(bus, &devices::CallerBus::keyPressed, qApp, [](const devices::CallerEvent &e) {
        const devices::QueueCommand c = devices::queueCommand(e);
        QString line = Tr::tr("address %1: %2").arg(e.address).arg(devices::callerKeyName(e.key));
        if (!e.argument.isEmpty())
            line += QStringLiteral(" \"%1\"").arg(e.argument);
        if (e.key == devices::CallerEvent::Key::Rating)
            line += QStringLiteral(" %1 (%2)").arg(e.rating).arg(devices::ratingLabel(e.rating));
        line += QStringLiteral("  →  ") + (c.isValid() ? c.operation + (c.local ? Tr::tr(" (local)") : QString()) : c.error);
        out() << line << Qt::endl;
    });
    QObject::connect(bus, &Device::errorOccurred, qApp, [](Device::Error, const QString &m) { out() << Tr::tr("error: %1").arg(m) << Qt::endl; });
    quitOnSignals();
    return QCoreApplication::exec();
}

// An open port proves little: ask the device something it must answer.
int probe(Device *d, const QString &driver, const QString &port)
{
    QString lastError;
    QObject::connect(d, &Device::errorOccurred, qApp, [&](Device::Error, const QString &m) { lastError = m; });
    if (auto *reader = qobject_cast<devices::IdCardReader *>(d)) {
        QString sam;
        QObject::connect(reader, &devices::IdCardReader::samIdRead, qApp, [&](const QString &s) { sam = s; });
        QMetaObject::invokeMethod(reader, [reader] { reader->requestSamId(); }, Qt::QueuedConnection);
        if (!waitFor([&] { return !sam.isEmpty() || !lastError.isEmpty(); }, 3000) || sam.isEmpty())
            return fail(Tr::tr("%1 on %2 opened but the reader does not answer: %3 (check the baud rate with --option baud=…)")
                            .arg(driver, port, lastError.isEmpty() ? Tr::tr("no answer") : lastError));
        out() << Tr::tr("%1 on %2: the reader answers, SAM %3.").arg(driver, port, sam) << Qt::endl;
        return 0;
    }
    if (auto *printer = qobject_cast<devices::TicketPrinter *>(d)) {
        std::optional<devices::TicketPrinter::Paper> paper;
        QObject::connect(printer, &devices::TicketPrinter::paperStatus, qApp, [&](devices::TicketPrinter::Paper p) { paper = p; });
        QMetaObject::invokeMethod(printer, [printer] { printer->queryPaper(); }, Qt::QueuedConnection);
        if (!waitFor([&] { return paper.has_value() || !lastError.isEmpty(); }, 3000) || !paper)
            return fail(Tr::tr("%1 on %2 opened but the printer does not answer: %3")
                            .arg(driver, port, lastError.isEmpty() ? Tr::tr("no answer") : lastError));
        static const QStringList names{Tr::tr("paper ok"), Tr::tr("paper near its end"), Tr::tr("out of paper"),
                                       Tr::tr("cover open"), Tr::tr("status unknown")};
        out() << Tr::tr("%1 on %2: the printer answers, %3.").arg(driver, port, names.value(int(*paper))) << Qt::endl;
        return *paper == devices::TicketPrinter::Paper::Ok || *paper == devices::TicketPrinter::Paper::NearEnd ? 0 : 1;
    }
    if (auto *bus = qobject_cast<devices::CallerBus *>(d)) {
        // One poll cycle and a little more: every configured address answers or is reported.
        QStringList silent;
        QObject::connect(bus, &devices::CallerBus::addressStatusChanged, qApp, [&](int address, bool answering) {
            if (!answering)
                silent.append(QString::number(address));
        });
        waitFor([] { return false; }, 2000);
        if (!silent.isEmpty())
            return fail(Tr::tr("%1 on %2: no answer from bus address(es) %3.").arg(driver, port, silent.join(QStringLiteral(", "))));
        out() << Tr::tr("%1 on %2: every configured caller and evaluator answers.").arg(driver, port) << Qt::endl;
        return 0;
    }
    // Screens and scanners only speak when spoken to or scanned at: opening is all a probe can do.
    out() << Tr::tr("%1 on %2: opened (this kind of device answers only when used; try show-screen or scan).").arg(driver, port) << Qt::endl;
    return 0;
}

// Shows a text (or "A023" as a serving number with --serving) on one window screen.
int showScreen(devices::DeviceManager &manager, const devices::DeviceConfig &cfg, int address, const QString &text, bool serving)
{
    QString error;
    auto *screen = qobject_cast<devices::WindowScreen *>(openDevice(manager, cfg, &error));
    if (!screen)
        return fail(error);
    std::optional<QString> result;
    QObject::connect(screen, &devices::WindowScreen::shown, qApp, [&](int) { result = QString(); });
    QObject::connect(screen, &devices::WindowScreen::showFailed, qApp, [&](int, Device::Error, const QString &m) { result = m; });
    devices::ScreenContent content;
    content.mode = serving ? devices::ScreenContent::Mode::Serving : devices::ScreenContent::Mode::Text;
    (serving ? content.number : content.text) = text;
    QMetaObject::invokeMethod(screen, [screen, address, content] { screen->show(address, content); }, Qt::QueuedConnection);
    if (!waitFor([&] { return result.has_value(); }, 5000))
        return fail(Tr::tr("The screen did not confirm the text."));
    if (!result->isEmpty())
        return fail(*result);
    out() << Tr::tr("Screen %1 shows the text.").arg(address) << Qt::endl;
    return 0;
}

// Prints a test ticket with the built-in layout and says whether the printer confirmed it.
int printTest(devices::DeviceManager &manager, const devices::DeviceConfig &cfg)
{
    QString error;
    auto *printer = qobject_cast<devices::TicketPrinter *>(openDevice(manager, cfg, &error));
    if (!printer)
        return fail(error);
    devices::TicketTemplate tpl;
    if (!tpl.parse(devices::TicketTemplate::defaultText(), &error))
        return fail(error);
    devices::TicketFields f;
    f.hall = Tr::tr("HallSuite printer test");
    f.number = QStringLiteral("T001");
    f.business = Tr::tr("Test ticket");
    f.ahead = 0;
    f.time = QDateTime::currentDateTime();
    f.qr = QStringLiteral("https://hallsuite.invalid/printer-test");
    f.lines = {Tr::tr("If this ticket is complete and cut, the printer works.")};
    const devices::PrintJob job = tpl.render(f);
    std::optional<QString> result;
    QObject::connect(printer, &devices::TicketPrinter::printed, qApp, [&](const QString &) { result = QString(); });
    QObject::connect(printer, &devices::TicketPrinter::printFailed, qApp, [&](const QString &, Device::Error, const QString &m) { result = m; });
    QMetaObject::invokeMethod(printer, [printer, job] { printer->print(job); }, Qt::QueuedConnection);
    if (!waitFor([&] { return result.has_value(); }, 15000))
        return fail(Tr::tr("The printer did not confirm the test ticket."));
    if (!result->isEmpty())
        return fail(*result);
    out() << Tr::tr("Test ticket printed and confirmed by the printer.") << Qt::endl;
    return 0;
}

int watchScanner(devices::DeviceManager &manager, const devices::DeviceConfig &cfg, bool personal)
{
    QString error;
    auto *scanner = qobject_cast<devices::CodeScanner *>(openDevice(manager, cfg, &error));
    if (!scanner)
        return fail(error);
    out() << Tr::tr("Scan codes now (Ctrl+C stops).") << Qt::endl;
    QObject::connect(scanner, &devices::CodeScanner::scannedWithSymbology, qApp, [personal](const QString &scanned, const QString &aim) {
        // A scanned ID number is personal data: masked unless asked for.
        const QString code = !personal && core::isValidIdNumber(scanned) ? core::maskIdNumber(scanned) : scanned;
        out() << (aim.isEmpty() ? code : QStringLiteral("%1  (%2)").arg(code, aim)) << Qt::endl;
    });
    QObject::connect(scanner, &Device::errorOccurred, qApp, [](Device::Error, const QString &m) { out() << Tr::tr("error: %1").arg(m) << Qt::endl; });
    quitOnSignals();
    return QCoreApplication::exec();
}

// The cameras Qt Multimedia sees, asked of the camera-uvc driver (the tool itself does not link
// Qt Multimedia): id, description, default, photo resolutions.
int listCameras()
{
    devices::PluginLoader loader;
    QString error;
    std::unique_ptr<Device> probe(loader.create({QStringLiteral("camera"), QStringLiteral("camera-uvc"), QStringLiteral("default"), {}}, &error));
    if (!probe)
        return fail(Tr::tr("Cannot list cameras without the camera-uvc driver: %1").arg(error));
    QVariantList cameras;
    if (!QMetaObject::invokeMethod(probe.get(), "cameras", Q_RETURN_ARG(QVariantList, cameras)))
        return fail(Tr::tr("The camera-uvc driver cannot list cameras."));
    if (cameras.isEmpty()) {
        out() << Tr::tr("No cameras found: Qt Multimedia lists none. Check the USB cable; on Linux the camera needs the "
                        "GStreamer video4linux plugin (package gstreamer1.0-plugins-good).") << Qt::endl;
        return 1;
    }
    for (const QVariant &v : std::as_const(cameras)) {
        const QVariantMap c = v.toMap();
        out() << QStringLiteral("%1  %2%3").arg(c.value(QStringLiteral("id")).toString(), -16)
                     .arg(c.value(QStringLiteral("description")).toString(),
                          c.value(QStringLiteral("default")).toBool() ? Tr::tr("  (default)") : QString())
              << Qt::endl;
        const QStringList sizes = c.value(QStringLiteral("photoResolutions")).toStringList();
        out() << QStringLiteral("    ") << Tr::tr("photo resolutions: %1").arg(sizes.isEmpty() ? Tr::tr("none listed") : sizes.join(QStringLiteral(", ")))
              << Qt::endl;
    }
    return 0;
}

// One still through the document camera a devices.json configures for `role`, saved to `file`
// with its dpi (JPEG/PNG by the file's suffix).
int captureStill(const QString &configFile, const QString &role, const QString &file)
{
    if (file.isEmpty())
        return fail(Tr::tr("capture needs --out FILE, e.g. --out page.jpg"));
    QFile f(configFile);
    if (!f.open(QIODevice::ReadOnly))
        return fail(Tr::tr("Cannot read %1: %2").arg(configFile, f.errorString()));
    QList<devices::DeviceConfig> configs;
    QString error;
    if (!devices::DeviceManager::parseConfig(f.readAll(), &configs, &error))
        return fail(error);
    const auto it = std::find_if(configs.cbegin(), configs.cend(), [&](const devices::DeviceConfig &c) { return c.role == role; });
    if (it == configs.cend())
        return fail(Tr::tr("%1 configures no role \"%2\".").arg(configFile, role));
    devices::PluginLoader loader;
    devices::DeviceManager manager(&loader);
    auto *camera = qobject_cast<devices::DocumentCamera *>(openDevice(manager, *it, &error));
    if (!camera)
        return fail(error.isEmpty() ? Tr::tr("Role \"%1\" is no document camera.").arg(role) : error);
    std::optional<QImage> image;
    QString failure;
    QObject::connect(camera, &devices::DocumentCamera::captured, qApp, [&](const QString &, const QImage &i) { image = i; });
    QObject::connect(camera, &devices::DocumentCamera::captureFailed, qApp,
                     [&](const QString &, Device::Error, const QString &m) { failure = m; });
    const QStringList offered = [&] {
        QStringList s;
        for (const QSize &r : camera->resolutions())
            s.append(QStringLiteral("%1×%2").arg(r.width()).arg(r.height()));
        return s;
    }();
    out() << Tr::tr("%1 (%2 on %3) offers %4.").arg(role, it->driver, it->port.isEmpty() ? Tr::tr("no port") : it->port,
                                                    offered.isEmpty() ? Tr::tr("no resolution list") : offered.join(QStringLiteral(", ")))
          << Qt::endl;
    QMetaObject::invokeMethod(camera, [camera] { camera->capture(QStringLiteral("hall-devices")); }, Qt::QueuedConnection);
    if (!waitFor([&] { return image.has_value() || !failure.isEmpty(); }, 60000))
        return fail(Tr::tr("The camera did not deliver the photo within 60 s."));
    if (!image)
        return fail(failure);
    if (!image->save(file, nullptr, 92))
        return fail(Tr::tr("Cannot write %1.").arg(file));
    const int dpm = image->dotsPerMeterX();
    out() << Tr::tr("Saved %1: %2×%3 pixels, %4.")
                 .arg(file).arg(image->width()).arg(image->height())
                 .arg(dpm > 0 ? Tr::tr("%1 dpi").arg(qRound(dpm * 0.0254)) : Tr::tr("dpi unknown"))
          << Qt::endl;
    return 0;
}

int emulateIdCard(const QString &link, const QString &kind)
{
    emulators::SamEmulator emu(link);
    if (!emu.plug())
        return fail(Tr::tr("Cannot create the emulated reader at %1.").arg(link));
    emu.placeCard(kind == QLatin1String("J") ? emulators::sampleHkMacauTaiwanCard()
                  : kind == QLatin1String("I") ? emulators::sampleForeignCard() : emulators::sampleResidentCard());
    out() << Tr::tr("Emulated SAM ID card reader at %1 (115200 baud), card of type %2 on it. Ctrl+C stops.").arg(link, kind) << Qt::endl;
    // Put the card back after each read, so every read finds it.
    QTimer again;
    QObject::connect(&again, &QTimer::timeout, &emu, [&] {
        emu.placeCard(kind == QLatin1String("J") ? emulators::sampleHkMacauTaiwanCard()
                      : kind == QLatin1String("I") ? emulators::sampleForeignCard() : emulators::sampleResidentCard());
    });
    again.start(1000);
    quitOnSignals();
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // A document camera may need a QGuiApplication (the simulated one draws its pages with
    // fonts); offscreen when there is no display, e.g. over ssh.
    const bool camera = std::any_of(argv + 1, argv + argc, [](const char *a) {
        return qstrcmp(a, "capture") == 0 || qstrcmp(a, "cameras") == 0;
    });
    if (camera && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application = camera ? std::make_unique<QGuiApplication>(argc, argv)
                                                           : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("hall-devices"));
    core::installTranslations();
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("HallSuite device tool for field engineers.\n\n"
                                       "  hall-devices plugins                       driver plugins and whether they can be used\n"
                                       "  hall-devices ports                         serial ports on this PC\n"
                                       "  hall-devices available [DRIVER]            devices each driver (or DRIVER) sees plugged in now\n"
                                       "  hall-devices probe ROLE DRIVER PORT        open a device and report its state\n"
                                       "  hall-devices read-card DRIVER PORT         read an ID card (masked unless --show-personal)\n"
                                       "  hall-devices sam-id DRIVER PORT            the reader's SAM number\n"
                                       "  hall-devices watch-caller DRIVER PORT      show caller keys and ratings (--option addresses=1,2,3)\n"
                                       "  hall-devices print-test DRIVER PORT        print a test ticket (e.g. printer-escpos tcp://10.0.0.9:9100)\n"
                                       "  hall-devices scan DRIVER PORT              show each scanned code\n"
                                       "  hall-devices show-screen DRIVER PORT ADDR TEXT  put a text on a window screen (--serving: as a number)\n"
                                       "  hall-devices cameras                       cameras on this PC and their photo resolutions\n"
                                       "  hall-devices capture DEVICES.JSON ROLE --out FILE  one photo through the configured document camera\n"
                                       "  hall-devices emulate-idcard LINK [R|J|I]   stand in for an ID card reader on a pty"));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("option"), Tr::tr("Driver option key=value (repeatable), e.g. baud=9600."), QStringLiteral("key=value")},
        {QStringLiteral("fingerprint"), Tr::tr("read-card: also read the fingerprint data.")},
        {QStringLiteral("show-personal"), Tr::tr("read-card, scan: show names, numbers and addresses in clear.")},
        {QStringLiteral("wait"), Tr::tr("read-card: seconds to wait for a card."), QStringLiteral("s"), QStringLiteral("20")},
        {QStringLiteral("serving"), Tr::tr("show-screen: the text is a ticket number being served.")},
        {QStringLiteral("out"), Tr::tr("capture: the file to save the photo to (.jpg or .png)."), QStringLiteral("file")},
    });
    p.addPositionalArgument(QStringLiteral("command"), Tr::tr("plugins, ports, available, probe, read-card, sam-id, watch-caller, print-test, scan, show-screen, cameras, capture or emulate-idcard"));
    p.process(app);
    const QStringList args = p.positionalArguments();
    const QString command = args.value(0);
    if (command == QLatin1String("plugins"))
        return listPlugins();
    if (command == QLatin1String("ports"))
        return listPorts();
    if (command == QLatin1String("cameras"))
        return listCameras();
    if (command == QLatin1String("available"))
        return listAvailable(args.value(1));
    if (command == QLatin1String("capture")) {
        if (args.size() != 3)
            return fail(Tr::tr("capture needs DEVICES.JSON ROLE --out FILE, e.g. capture devices.json camera --out page.jpg"));
        return captureStill(args.at(1), args.at(2), p.value(QStringLiteral("out")));
    }
    if (command == QLatin1String("emulate-idcard")) {
        if (args.size() < 2)
            return fail(Tr::tr("emulate-idcard needs the path of the link to create, e.g. /tmp/ttyIDCARD"));
        return emulateIdCard(args.at(1), args.value(2, QStringLiteral("R")));
    }

    QString error;
    const QVariantMap options = parseOptions(p.values(QStringLiteral("option")), &error);
    if (!error.isEmpty())
        return fail(error);
    devices::PluginLoader loader;
    devices::DeviceManager manager(&loader);
    if (command == QLatin1String("probe")) {
        if (args.size() != 4)
            return fail(Tr::tr("probe needs ROLE DRIVER PORT, e.g. probe idcard idcard-sam /dev/ttyUSB0"));
        Device *d = openDevice(manager, {args.at(1), args.at(2), args.at(3), options}, &error);
        if (!d)
            return fail(error);
        return probe(d, args.at(2), args.at(3));
    }
    if (command == QLatin1String("print-test") || command == QLatin1String("scan")) {
        if (args.size() != 3)
            return fail(Tr::tr("%1 needs DRIVER PORT").arg(command));
        if (command == QLatin1String("print-test"))
            return printTest(manager, {QStringLiteral("printer"), args.at(1), args.at(2), options});
        return watchScanner(manager, {QStringLiteral("scanner"), args.at(1), args.at(2), options}, p.isSet(QStringLiteral("show-personal")));
    }
    if (command == QLatin1String("show-screen")) {
        bool ok = false;
        const int address = args.value(3).toInt(&ok);
        if (args.size() != 5 || !ok)
            return fail(Tr::tr("show-screen needs DRIVER PORT ADDRESS TEXT, e.g. show-screen ledbar udp://10.0.0.3:5005 3 暂停服务"));
        return showScreen(manager, {QStringLiteral("screen"), args.at(1), args.at(2), options}, address, args.at(4), p.isSet(QStringLiteral("serving")));
    }
    if (command == QLatin1String("watch-caller")) {
        if (args.size() != 3)
            return fail(Tr::tr("watch-caller needs DRIVER PORT, e.g. watch-caller callerbus-serial /dev/ttyUSB1 --option addresses=1,2,3"));
        return watchCaller(manager, {QStringLiteral("callerbus"), args.at(1), args.at(2), options});
    }
    if (command == QLatin1String("read-card") || command == QLatin1String("sam-id")) {
        if (args.size() != 3)
            return fail(Tr::tr("%1 needs DRIVER PORT, e.g. %1 idcard-sam /dev/ttyUSB0").arg(command));
        const devices::DeviceConfig cfg{QStringLiteral("idcard"), args.at(1), args.at(2), options};
        bool waitOk = false;
        const int wait = p.value(QStringLiteral("wait")).toInt(&waitOk);
        if (!waitOk || wait < 1)
            return fail(Tr::tr("--wait needs a number of seconds, not \"%1\".").arg(p.value(QStringLiteral("wait"))));
        if (command == QLatin1String("read-card"))
            return readCard(manager, cfg, p.isSet(QStringLiteral("fingerprint")), p.isSet(QStringLiteral("show-personal")), wait);
        auto *reader = qobject_cast<devices::IdCardReader *>(openDevice(manager, cfg, &error));
        if (!reader)
            return fail(error);
        QString id;
        QObject::connect(reader, &devices::IdCardReader::samIdRead, qApp, [&](const QString &s) { id = s; });
        QMetaObject::invokeMethod(reader, [reader] { reader->requestSamId(); }, Qt::QueuedConnection);
        if (!waitFor([&] { return !id.isEmpty(); }, 3000))
            return fail(reader->errorString());
        out() << id << Qt::endl;
        return 0;
    }
    return fail(command.isEmpty() ? Tr::tr("Give a command; see --help.") : Tr::tr("Unknown command \"%1\"; see --help.").arg(command));
}
