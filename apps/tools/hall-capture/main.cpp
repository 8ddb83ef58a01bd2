// hall-capture: the capture station on its own. Captures a paper material with the PC's
// document camera and scanner (or the simulated ones) and saves it as one PDF — for checking a
// newly installed camera or scanner, for training, and for screenshots of the capture widget.

#include <core/i18n.h>
#include <devices/devicemanager.h>
#include <devices/documentcamera.h>
#include <devices/scanner.h>
#include <ui/capturewidget.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
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

// --screenshot: drive the window through a few steps, then save what it shows and quit.
class Script : public QObject
{
public:
    Script(ui::CaptureWidget *capture, QWidget *window, QCommandLineParser *args)
        : QObject(window), m_capture(capture), m_window(window), m_args(args)
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
        const QString file = m_args->value(QStringLiteral("screenshot"));
        if (!m_window->grab().save(file)) {
            qCritical("hall-capture: cannot write %s", qPrintable(file));
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
    QWidget *m_window;
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
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("hall-capture"));
    QApplication::setOrganizationName(QStringLiteral("HallSuite"));
    core::installTranslations();

    QCommandLineParser args;
    args.setApplicationDescription(Text::tr("Capture a paper material with a document camera or scanner and save it as a PDF."));
    args.addHelpOption();
    args.addOptions({
        {QStringLiteral("devices"), Text::tr("Device configuration (devices.json); without it the simulated camera and scanner are used."), QStringLiteral("file")},
        {QStringLiteral("camera"), Text::tr("Role of the document camera in the configuration (default: camera)."), QStringLiteral("role"), QStringLiteral("camera")},
        {QStringLiteral("scanner"), Text::tr("Role of the scanner in the configuration (default: docscanner)."), QStringLiteral("role"), QStringLiteral("docscanner")},
        {QStringLiteral("material"), Text::tr("Name of the material, shown and used as the PDF title."), QStringLiteral("name")},
        {QStringLiteral("max-kb"), Text::tr("Size cap of the material in KiB (0: none)."), QStringLiteral("kib"), QStringLiteral("0")},
        {QStringLiteral("photo-rotation"), Text::tr("Turn new photos clockwise by 0, 90, 180 or 270 degrees (remembered)."), QStringLiteral("degrees")},
        {QStringLiteral("touch"), Text::tr("Kiosk layout: large controls, fewer tools.")},
        {QStringLiteral("out"), Text::tr("Save the PDF here instead of asking."), QStringLiteral("file")},
        {QStringLiteral("screenshot"), Text::tr("Save a picture of the window to this PNG after the scripted steps and quit."), QStringLiteral("png")},
        {QStringLiteral("shots"), Text::tr("Scripted: photos to take first."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("scan"), Text::tr("Scripted: then one scan.")},
        {QStringLiteral("select"), Text::tr("Scripted: then show this page."), QStringLiteral("page")},
        {QStringLiteral("crop"), Text::tr("Scripted: then start cropping it.")},
    });
    args.process(app);

    devices::PluginLoader loader;
    devices::DeviceManager manager(&loader);
    QString error;
    QString cameraRole = args.value(QStringLiteral("camera"));
    QString scannerRole = args.value(QStringLiteral("scanner"));
    if (args.isSet(QStringLiteral("devices"))) {
        if (!manager.loadConfig(args.value(QStringLiteral("devices")), &error)) {
            QMessageBox::critical(nullptr, Text::tr("Capture"), error);
            return 1;
        }
    } else {
        cameraRole = QStringLiteral("camera");
        scannerRole = QStringLiteral("docscanner");
        const devices::DeviceConfig camera{cameraRole, QStringLiteral("virtual"), {}, {}};
        const devices::DeviceConfig scanner{scannerRole, QStringLiteral("virtual"), {}, {{QStringLiteral("pages"), 2}}};
        if (!manager.add(camera, &error) || !manager.add(scanner, &error)) {
            QMessageBox::critical(nullptr, Text::tr("Capture"), error);
            return 1;
        }
    }

    QWidget window;
    window.setWindowTitle(Text::tr("HallSuite material capture"));
    auto *capture = new ui::CaptureWidget(&window);
    capture->setCamera(manager.device<devices::DocumentCamera>(cameraRole));
    capture->setScanner(manager.device<devices::Scanner>(scannerRole));
    capture->setMaterial(args.value(QStringLiteral("material")), args.value(QStringLiteral("max-kb")).toLongLong() * 1024);
    capture->setTouchMode(args.isSet(QStringLiteral("touch")));
    // How this PC's camera head sees the paper is set once and remembered.
    QSettings settings;
    capture->setPhotoRotation(settings.value(QStringLiteral("capture/photoRotation"), 0).toInt());
    QObject::connect(capture, &ui::CaptureWidget::photoRotationChanged, capture, [](int degrees) {
        QSettings().setValue(QStringLiteral("capture/photoRotation"), degrees);
    });
    if (args.isSet(QStringLiteral("photo-rotation")))
        capture->setPhotoRotation(args.value(QStringLiteral("photo-rotation")).toInt());
    if (!manager.device(cameraRole) && !manager.device(scannerRole))
        QMessageBox::warning(nullptr, Text::tr("Capture"),
                             Text::tr("The configuration has neither a document camera (role \"%1\") nor a scanner (role \"%2\").")
                                 .arg(cameraRole, scannerRole));

    auto *buttons = new QDialogButtonBox(&window);
    QPushButton *save = buttons->addButton(Text::tr("Save as PDF…"), QDialogButtonBox::AcceptRole);
    QPushButton *clear = buttons->addButton(Text::tr("Start again"), QDialogButtonBox::ResetRole);
    save->setEnabled(false);
    QObject::connect(capture, &ui::CaptureWidget::pagesChanged, save, [save](int count) { save->setEnabled(count > 0); });
    QObject::connect(clear, &QPushButton::clicked, capture, [capture, &window] {
        if (QMessageBox::question(&window, Text::tr("Start again"), Text::tr("Delete all %n page(s)?", nullptr, capture->pages()->count()))
            == QMessageBox::Yes)
            capture->pages()->clear();
    });
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
    window.show();
    if (args.isSet(QStringLiteral("screenshot")))
        new Script(capture, &window, &args);
    return app.exec();
}
