// hall-capture: the capture station on its own. Captures a paper material with the PC's
// document camera and scanner (or the simulated ones) and saves it as one PDF — for checking a
// newly installed camera or scanner, for training, and for screenshots of the capture widget.

#include <app/aspects.h>
#include <app/commands.h>
#include <app/hallapplication.h>
#include <app/settingspage.h>
#include <devices/devicemanager.h>
#include <devices/documentcamera.h>
#include <devices/scanner.h>
#include <ui/capturewidget.h>

#include <QCommandLineParser>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

using namespace hall;

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HallCapture)
};

bool savePdf(const QByteArray &pdf, const QString &file, QString *error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(pdf) != pdf.size() || !out.commit()) {
        *error = Text::tr("Cannot write %1: %2").arg(file, out.errorString());
        return false;
    }
    return true;
}

// --screenshot: drive the window through a few steps, then save what it shows (through the
// shell, which defers its own screenshot) and quit.
class Script : public QObject
{
public:
    Script(ui::CaptureWidget *capture, app::HallApplication *app, QCommandLineParser *args)
        : QObject(capture), m_capture(capture), m_app(app), m_args(args)
    {
        m_shots = args->value(QStringLiteral("shots")).toInt();
        m_timer.setInterval(100);
        connect(&m_timer, &QTimer::timeout, this, &Script::step);
        m_timer.start();
    }

private:
    void step()
    {
        if (++m_ticks > 600) // one minute
            return finish(Text::tr("the scripted capture did not finish"));
        if (m_capture->isBusy())
            return;
        if (m_waitTicks > 0) {
            --m_waitTicks;
            return;
        }
        if (m_shots > 0) {
            if (m_capture->pages()->count() == m_taken && m_requested == m_taken) {
                m_capture->shoot();
                if (m_capture->isBusy()) // else the camera is not ready yet: try again
                    ++m_requested;
            } else if (m_capture->pages()->count() > m_taken) {
                ++m_taken;
                --m_shots;
                m_waitTicks = 3; // let the live preview show again between shots
            }
            return;
        }
        if (m_args->isSet(QStringLiteral("scan")) && !m_scanned) {
            if (!m_scanStarted) {
                m_capture->setSource(ui::CaptureWidget::Source::Scanner);
                m_before = m_capture->pages()->count();
                m_capture->scan();
                m_scanStarted = m_capture->isBusy(); // else the scanner is not ready yet: try again
            } else if (m_capture->pages()->count() > m_before && !m_capture->isBusy()) {
                m_scanned = true;
            }
            return;
        }
        if (m_args->isSet(QStringLiteral("select")) && !m_selected) {
            m_capture->selectPage(m_args->value(QStringLiteral("select")).toInt() - 1);
            m_selected = true;
            if (m_args->isSet(QStringLiteral("crop")))
                m_capture->beginCrop();
            m_waitTicks = 5;
            return;
        }
        finish({});
    }

    void finish(const QString &problem)
    {
        if (m_done)
            return;
        m_done = true;
        m_timer.stop();
        if (!problem.isEmpty()) {
            qCritical("hall-capture: %s", qPrintable(problem));
            QCoreApplication::exit(1);
            return;
        }
        QString error;
        if (!m_app->saveScreenshot(&error)) {
            qCritical("%s", qPrintable(error));
            QCoreApplication::exit(1);
            return;
        }
        // With --out the scripted material is saved too, as the Save button would.
        if (m_args->isSet(QStringLiteral("out"))) {
            QByteArray pdf;
            QString error;
            const QString out = m_args->value(QStringLiteral("out"));
            if (!m_capture->exportPdf(&pdf, &error) || !savePdf(pdf, out, &error)) {
                qCritical("hall-capture: %s", qPrintable(error));
                QCoreApplication::exit(1);
                return;
            }
            QTextStream(stdout) << Text::tr("Saved %n page(s) as %1 (%2 KiB).", nullptr, m_capture->pages()->count())
                                       .arg(out)
                                       .arg(pdf.size() / 1024)
                                << Qt::endl;
        }
        QCoreApplication::exit(0);
    }

    ui::CaptureWidget *m_capture;
    app::HallApplication *m_app;
    QCommandLineParser *m_args;
    QTimer m_timer;
    int m_shots = 0;
    int m_taken = 0;
    int m_requested = 0;
    int m_ticks = 0;
    int m_waitTicks = 0;
    int m_before = 0;
    bool m_scanStarted = false;
    bool m_scanned = false;
    bool m_selected = false;
    bool m_done = false;
};

} // namespace

int main(int argc, char *argv[])
{
    app::HallApplication app(argc, argv, QStringLiteral("hall-capture"));
    QCommandLineParser &args = app.options();
    args.setApplicationDescription(Text::tr("Capture a paper material with a document camera or scanner and save it as a PDF."));
    args.addOptions({
        {QStringLiteral("camera"), Text::tr("Role of the document camera in the configuration (default: camera)."), QStringLiteral("role"), QStringLiteral("camera")},
        {QStringLiteral("scanner"), Text::tr("Role of the scanner in the configuration (default: docscanner)."), QStringLiteral("role"), QStringLiteral("docscanner")},
        {QStringLiteral("material"), Text::tr("Name of the material, shown and used as the PDF title."), QStringLiteral("name")},
        {QStringLiteral("max-kb"), Text::tr("Size cap of the material in KiB (0: none)."), QStringLiteral("kib"), QStringLiteral("0")},
        {QStringLiteral("photo-rotation"), Text::tr("Turn new photos clockwise by 0, 90, 180 or 270 degrees (remembered)."), QStringLiteral("degrees")},
        {QStringLiteral("touch"), Text::tr("Kiosk layout: large controls, fewer tools.")},
        {QStringLiteral("out"), Text::tr("Save the PDF here instead of asking."), QStringLiteral("file")},
        {QStringLiteral("shots"), Text::tr("Scripted (with --screenshot): photos to take first."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("scan"), Text::tr("Scripted: then one scan.")},
        {QStringLiteral("select"), Text::tr("Scripted: then show this page."), QStringLiteral("page")},
        {QStringLiteral("crop"), Text::tr("Scripted: then start cropping it.")},
    });
    const bool started = app.start();
    app.setTitle(Text::tr("HallSuite material capture"));
    if (!started)
        return app.showProblem();

    QString error;
    QString cameraRole = args.value(QStringLiteral("camera"));
    QString scannerRole = args.value(QStringLiteral("scanner"));
    devices::DeviceManager *manager = app.devices();
    if (!app.devicesConfigured()) {
        // No devices file for this PC: the simulated camera and scanner, for training and demos.
        cameraRole = QStringLiteral("camera");
        scannerRole = QStringLiteral("docscanner");
        const devices::DeviceConfig camera{cameraRole, QStringLiteral("virtual"), {}, {}};
        const devices::DeviceConfig scanner{scannerRole, QStringLiteral("virtual"), {}, {{QStringLiteral("pages"), 2}}};
        if (!manager->add(camera, &error) || !manager->add(scanner, &error)) {
            QMessageBox::critical(nullptr, app.title(), error);
            return 1;
        }
    }

    QWidget window;
    window.setWindowTitle(app.title());
    auto *capture = new ui::CaptureWidget(&window, app.commands());
    capture->setCamera(manager->device<devices::DocumentCamera>(cameraRole));
    capture->setScanner(manager->device<devices::Scanner>(scannerRole));
    // The camera's foot pedal (camera-uvc: options.pedal) is the shoot command, as F12 is.
    app.bindHardwareKey(cameraRole, "pedalPressed", QLatin1String(ui::CaptureController::Shoot));
    capture->setMaterial(args.value(QStringLiteral("material")), args.value(QStringLiteral("max-kb")).toLongLong() * 1024);
    capture->setTouchMode(args.isSet(QStringLiteral("touch")) || app.config().layout == app::PcConfig::Layout::Touch);
    // How this PC's camera head sees the paper is set once and remembered (the settings store).
    ui::CaptureSettings *settings = capture->controller()->settings();
    settings->bind(app.settings());
    if (args.isSet(QStringLiteral("photo-rotation")))
        capture->setPhotoRotation(args.value(QStringLiteral("photo-rotation")).toInt());
    if (!manager->device(cameraRole) && !manager->device(scannerRole))
        QMessageBox::warning(nullptr, app.title(),
                             Text::tr("The configuration has neither a document camera (role \"%1\") nor a scanner (role \"%2\").")
                                 .arg(cameraRole, scannerRole));

    auto *buttons = new QDialogButtonBox(&window);
    QPushButton *save = buttons->addButton(Text::tr("Save as PDF…"), QDialogButtonBox::AcceptRole);
    QPushButton *clear = buttons->addButton(Text::tr("Start again"), QDialogButtonBox::ResetRole);
    QPushButton *options = buttons->addButton(Text::tr("Settings…"), QDialogButtonBox::ActionRole);
    save->setEnabled(false);
    QObject::connect(capture, &ui::CaptureWidget::pagesChanged, save, [save](int count) { save->setEnabled(count > 0); });
    QObject::connect(clear, &QPushButton::clicked, capture, [capture, &window] {
        if (QMessageBox::question(&window, Text::tr("Start again"), Text::tr("Delete all %n page(s)?", nullptr, capture->pages()->count()))
            == QMessageBox::Yes)
            capture->pages()->clear();
    });
    QObject::connect(options, &QPushButton::clicked, capture, [settings, &window] { app::execSettingsDialog(settings, &window); });
    QObject::connect(save, &QPushButton::clicked, capture, [capture, save] {
        save->setEnabled(false);
        capture->makePdf();
    });
    QObject::connect(capture, &ui::CaptureWidget::pdfFailed, capture, [capture, save, &window](const QString &problem) {
        save->setEnabled(capture->pages()->count() > 0);
        QMessageBox::warning(&window, Text::tr("Save as PDF"), problem);
    });
    QObject::connect(capture, &ui::CaptureWidget::pdfMade, capture, [capture, save, &window, &args](const QByteArray &pdf) {
        save->setEnabled(capture->pages()->count() > 0);
        QString problem;
        QString file = args.value(QStringLiteral("out"));
        if (file.isEmpty())
            file = QFileDialog::getSaveFileName(&window, Text::tr("Save as PDF"), QString(), Text::tr("PDF files (*.pdf)"));
        if (file.isEmpty())
            return;
        if (!savePdf(pdf, file, &problem))
            QMessageBox::warning(&window, Text::tr("Save as PDF"), problem);
    });

    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(capture, 1);
    layout->addWidget(buttons);
    window.resize(1280, 860);

    app.addSelfTestCheck(Text::tr("devices"), [capture] {
        return capture->controller()->sources().isEmpty() ? Text::tr("neither a document camera nor a scanner") : QString();
    });
    app.addSelfTestCheck(Text::tr("commands"), [&app] {
        app::Command *shoot = app.commands()->command(QLatin1String(ui::CaptureController::Shoot));
        return shoot && shoot->isActive() ? QString() : Text::tr("the shoot command is not active in the main window");
    });
    // The scripted steps decide when the picture is taken.
    const bool scripted = !app.screenshotFile().isEmpty() && !app.isSelfTest();
    app.setScreenshotDeferred(scripted);
    app.setMainWindow(&window);
    if (scripted)
        new Script(capture, &app, &args);
    return app.run();
}
