// The scanner-sane driver, loaded as the real plugin by the DeviceManager on its own thread,
// against the real SANE `test` backend (enabled through SANE_CONFIG_DIR), with scanimage, the
// reference SANE frontend, as the judge of every pixel. And the virtual driver's scanner.

#include <devices/devicemanager.h>
#include <devices/scanner.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFontDatabase>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace hall::devices;
using Mode = ScanSettings::ColourMode;
using Source = ScanSettings::Source;

namespace {

// The test backend's page: its default scan area is 80 mm × 100 mm, and it sizes the frame
// as SANE_UNFIX(width) / MM_PER_INCH * dpi, truncated.
QSize testPageSize(int dpi)
{
    return {int(80 / 25.4 * dpi), int(100 / 25.4 * dpi)};
}

struct Job
{
    QList<QImage> pages;
    QList<int> indexes;
    QList<int> progress;
    int finished = -1;
    bool failed = false;
    Device::Error error = Device::Error::NoError;
    QString message;
    bool done() const { return finished >= 0 || failed; }
};

} // namespace

class TestScannerSane : public QObject
{
    Q_OBJECT

    QTemporaryDir m_saneDir;
    std::unique_ptr<PluginLoader> m_loader;
    std::unique_ptr<DeviceManager> m_manager;
    int m_jobs = 0;

    Scanner *scanner(const QString &port, const QVariantMap &options = {}, const QString &driver = QStringLiteral("scanner-sane"),
                     Device::State wanted = Device::State::Ready)
    {
        m_manager.reset();
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        if (!m_manager->add({QStringLiteral("scanner-doc"), driver, port, options}, &error)) {
            qWarning() << error;
            return nullptr;
        }
        auto *s = m_manager->device<Scanner>(QStringLiteral("scanner-doc"));
        if (s)
            (void)QTest::qWaitFor([s, wanted] { return s->state() == wanted; }, 10000);
        return s;
    }

    // Runs one job through queued calls, as the UI would; cancelAt: cancel (directly, from this
    // thread) once progress reaches this percent.
    Job run(Scanner *s, const ScanSettings &settings, int cancelAt = -1, int timeoutMs = 30000)
    {
        const QString id = QStringLiteral("job-%1").arg(++m_jobs);
        auto job = std::make_shared<Job>();
        QObject context;
        connect(s, &Scanner::pageScanned, &context, [job, id](const QString &j, int index, const QImage &page) {
            if (j == id) {
                job->indexes.append(index);
                job->pages.append(page);
            }
        });
        connect(s, &Scanner::progress, &context, [job, id, s, cancelAt](const QString &j, int percent) {
            if (j != id)
                return;
            job->progress.append(percent);
            if (cancelAt >= 0 && percent >= cancelAt)
                s->cancel(id); // thread-safe: the scan loop is busy on the device thread
        });
        connect(s, &Scanner::finished, &context, [job, id](const QString &j, int pages) {
            if (j == id)
                job->finished = pages;
        });
        connect(s, &Scanner::failed, &context, [job, id](const QString &j, Device::Error error, const QString &message) {
            if (j == id) {
                job->failed = true;
                job->error = error;
                job->message = message;
            }
        });
        QMetaObject::invokeMethod(s, [s, id, settings] { s->scan(id, settings); }, Qt::QueuedConnection);
        if (!QTest::qWaitFor([job] { return job->done(); }, timeoutMs))
            qWarning() << "job" << id << "did not end within" << timeoutMs << "ms";
        return *job;
    }

    QProcessEnvironment saneEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SANE_CONFIG_DIR"), m_saneDir.path());
        return env;
    }

    // The same scan by scanimage, the reference frontend.
    QImage reference(const QStringList &arguments)
    {
        QProcess p;
        p.setProcessEnvironment(saneEnvironment());
        p.start(QStringLiteral("scanimage"), QStringList{QStringLiteral("-d"), QStringLiteral("test:0"), QStringLiteral("--format=pnm")} + arguments);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning() << "scanimage failed:" << p.readAllStandardError();
            return {};
        }
        QImage image;
        image.loadFromData(p.readAllStandardOutput(), "PNM");
        return image;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("scanimage")).isEmpty(), "scanimage (sane-utils) is not installed");
        // The test backend is disabled in /etc/sane.d/dll.conf: a configuration folder of our
        // own enables it. It must be in the environment before the plugin calls sane_init().
        QVERIFY(m_saneDir.isValid());
        QFile dll(m_saneDir.filePath(QStringLiteral("dll.conf")));
        QVERIFY(dll.open(QIODevice::WriteOnly));
        dll.write("test\n");
        dll.close();
        QVERIFY2(QFile::copy(QStringLiteral("/etc/sane.d/test.conf"), m_saneDir.filePath(QStringLiteral("test.conf"))),
                 "/etc/sane.d/test.conf is missing (libsane1)");
        qputenv("SANE_CONFIG_DIR", QFile::encodeName(m_saneDir.path()));

        QProcess p;
        p.setProcessEnvironment(saneEnvironment());
        p.start(QStringLiteral("scanimage"), {QStringLiteral("-L")});
        QVERIFY(p.waitForFinished(30000));
        const QString list = QString::fromLocal8Bit(p.readAllStandardOutput());
        QVERIFY2(list.contains(QLatin1String("`test:0'")), qPrintable(QStringLiteral("scanimage -L: ") + list));
    }

    void cleanup()
    {
        m_manager.reset();
    }

    void rolesNameTheDocumentDeviceClasses()
    {
        QCOMPARE(PluginLoader::classForRole(QStringLiteral("scanner-doc")), QStringLiteral("Scanner"));
        QCOMPARE(PluginLoader::classForRole(QStringLiteral("docscanner-window3")), QStringLiteral("Scanner"));
        QCOMPARE(PluginLoader::classForRole(QStringLiteral("scanner")), QStringLiteral("CodeScanner"));
        QCOMPARE(PluginLoader::classForRole(QStringLiteral("scanner-qr")), QStringLiteral("CodeScanner"));
        QCOMPARE(PluginLoader::classForRole(QStringLiteral("camera")), QStringLiteral("DocumentCamera"));
        PluginLoader loader;
        const PluginInfo *p = loader.plugin(QStringLiteral("scanner-sane"));
        QVERIFY2(p, "the scanner-sane plugin is not found next to the tests");
        QCOMPARE(p->classes, QStringList{QStringLiteral("Scanner")});
        QVERIFY2(p->problem.isEmpty(), qPrintable(p->problem));
    }

    void listsDevicesAndOptions()
    {
        Scanner *s = scanner(QStringLiteral("test:0"));
        QVERIFY(s);
        QVERIFY2(s->state() == Device::State::Ready, qPrintable(s->errorString()));
        QList<ScannerInfo> devices;
        bool listed = false;
        connect(s, &Scanner::devicesListed, this, [&](const QList<ScannerInfo> &d) {
            devices = d;
            listed = true;
        });
        QMetaObject::invokeMethod(s, &Scanner::listDevices, Qt::QueuedConnection);
        QTRY_VERIFY(listed);
        QStringList names;
        for (const ScannerInfo &d : std::as_const(devices))
            names.append(d.name);
        QVERIFY2(names.contains(QStringLiteral("test:0")) && names.contains(QStringLiteral("test:1")), qPrintable(names.join(u' ')));
        QCOMPARE(devices.at(names.indexOf(QStringLiteral("test:0"))).vendor, QStringLiteral("Noname"));

        const ScannerOptions o = s->options();
        QCOMPARE(o.minDpi, 1);
        QCOMPARE(o.maxDpi, 1200);
        QVERIFY(o.resolutions.isEmpty());
        QCOMPARE(o.modes, (QList<Mode>{Mode::Gray, Mode::Colour, Mode::Lineart})); // line art: gray at 1 bit
        QCOMPARE(s->listSources(), (QList<Source>{Source::Flatbed, Source::Adf}));
    }

    void autoOpensTheFirstScanner()
    {
        Scanner *s = scanner(QStringLiteral("auto"));
        QVERIFY(s);
        QVERIFY2(s->state() == Device::State::Ready, qPrintable(s->errorString()));
        QString name;
        QMetaObject::invokeMethod(s, "deviceName", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QString, name));
        QVERIFY2(name.startsWith(QLatin1String("test:")), qPrintable(name));
    }

    void flatbedPagesMatchScanimage_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("dpi");
        QTest::addColumn<QString>("saneMode");
        QTest::addColumn<int>("depth");
        QTest::newRow("gray 75") << int(Mode::Gray) << 75 << "Gray" << 8;
        QTest::newRow("gray 150") << int(Mode::Gray) << 150 << "Gray" << 8;
        QTest::newRow("colour 75") << int(Mode::Colour) << 75 << "Color" << 8;
        QTest::newRow("colour 150") << int(Mode::Colour) << 150 << "Color" << 8;
        QTest::newRow("line art 150") << int(Mode::Lineart) << 150 << "Gray" << 1;
    }

    void flatbedPagesMatchScanimage()
    {
        QFETCH(int, mode);
        QFETCH(int, dpi);
        QFETCH(QString, saneMode);
        QFETCH(int, depth);
        // The colour pattern, not the default black page: wrong channels, lines or bits show.
        Scanner *s = scanner(QStringLiteral("test:0"), {{QStringLiteral("saneOptions"), QVariantMap{{QStringLiteral("test-picture"), QStringLiteral("Color pattern")}}}});
        QVERIFY(s);
        QVERIFY2(s->state() == Device::State::Ready, qPrintable(s->errorString()));
        ScanSettings settings;
        settings.dpi = dpi;
        settings.mode = Mode(mode);
        const Job job = run(s, settings);
        QVERIFY2(!job.failed, qPrintable(job.message));
        QCOMPARE(job.finished, 1);
        QCOMPARE(job.pages.size(), 1);
        const QImage page = job.pages.first();
        QCOMPARE(page.size(), testPageSize(dpi));
        QCOMPARE(page.dotsPerMeterX(), qRound(dpi / 0.0254));
        QCOMPARE(page.dotsPerMeterY(), qRound(dpi / 0.0254));
        const QImage::Format expected = Mode(mode) == Mode::Colour ? QImage::Format_RGB888
                                      : Mode(mode) == Mode::Gray   ? QImage::Format_Grayscale8
                                                                   : QImage::Format_Mono;
        QCOMPARE(page.format(), expected);

        const QImage ref = reference({QStringLiteral("--mode"), saneMode, QStringLiteral("--depth"), QString::number(depth),
                                      QStringLiteral("--resolution"), QString::number(dpi), QStringLiteral("--test-picture"),
                                      QStringLiteral("Color pattern")});
        QVERIFY(!ref.isNull());
        QCOMPARE(ref.size(), page.size());
        const QImage a = page.convertToFormat(QImage::Format_RGB32);
        const QImage b = ref.convertToFormat(QImage::Format_RGB32);
        QVERIFY2(a == b, "the driver's page differs from scanimage's");
        // The pattern is not one colour (a page that is all zeros would also be "equal" above
        // if both were broken the same way).
        QVERIFY(a.pixel(0, 0) != a.pixel(a.width() / 2, a.height() / 2) || a.pixel(0, 0) != a.pixel(a.width() - 1, a.height() / 3));
    }

    void adfDeliversEveryPageOfTheFeeder()
    {
        Scanner *s = scanner(QStringLiteral("test:0"));
        QVERIFY(s);
        ScanSettings settings;
        settings.dpi = 50;
        settings.mode = Mode::Gray;
        settings.source = Source::Adf;
        // The test backend's feeder holds 10 pages; then sane_start says SANE_STATUS_NO_DOCS.
        for (int round = 0; round < 2; ++round) {
            const Job job = run(s, settings);
            QVERIFY2(!job.failed, qPrintable(job.message));
            QCOMPARE(job.finished, 10);
            QCOMPARE(job.indexes, (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
            for (const QImage &page : job.pages)
                QCOMPARE(page.size(), testPageSize(50));
        }
        // A page limit stops early, and then progress is of the whole job.
        settings.maxPages = 3;
        const Job job = run(s, settings);
        QVERIFY2(!job.failed, qPrintable(job.message));
        QCOMPARE(job.finished, 3);
        QCOMPARE(job.pages.size(), 3);
        QVERIFY(std::is_sorted(job.progress.cbegin(), job.progress.cend()));
        QVERIFY2(std::any_of(job.progress.cbegin(), job.progress.cend(), [](int p) { return p > 33 && p < 67; }), "no progress in the second page");
        QCOMPARE(job.progress.last(), 100);
    }

    void progressIncreases()
    {
        // Small reads: the backend hands over 4 KiB per sane_read(), so the page arrives in ~50 steps.
        Scanner *s = scanner(QStringLiteral("test:0"), {{QStringLiteral("saneOptions"),
                                                          QVariantMap{{QStringLiteral("read-limit"), true}, {QStringLiteral("read-limit-size"), 4096}}}});
        QVERIFY(s);
        QVERIFY2(s->state() == Device::State::Ready, qPrintable(s->errorString()));
        ScanSettings settings;
        settings.dpi = 75;
        settings.mode = Mode::Colour;
        const Job job = run(s, settings);
        QVERIFY2(!job.failed, qPrintable(job.message));
        QVERIFY2(job.progress.size() >= 20, qPrintable(QString::number(job.progress.size())));
        for (qsizetype i = 1; i < job.progress.size() - 1; ++i)
            QVERIFY2(job.progress.at(i) > job.progress.at(i - 1), "progress went back or repeated");
        QVERIFY(job.progress.first() < 10);
        QCOMPARE(job.progress.last(), 100);
    }

    void cancelStopsMidPageAndTheScannerStaysUsable()
    {
        // 4 KiB every 20 ms: a 150 dpi colour page (830 KB) would take about 4 s.
        Scanner *s = scanner(QStringLiteral("test:0"),
                             {{QStringLiteral("saneOptions"),
                               QVariantMap{{QStringLiteral("read-limit"), true}, {QStringLiteral("read-limit-size"), 4096},
                                           {QStringLiteral("read-delay"), true}, {QStringLiteral("read-delay-duration"), 20000}}}});
        QVERIFY(s);
        QVERIFY2(s->state() == Device::State::Ready, qPrintable(s->errorString()));
        ScanSettings settings;
        settings.dpi = 150;
        settings.mode = Mode::Colour;
        QElapsedTimer t;
        t.start();
        const Job job = run(s, settings, 5);
        QVERIFY(job.failed);
        QCOMPARE(job.error, Device::Error::Cancelled);
        QVERIFY2(job.message.contains(QLatin1String("cancelled")), qPrintable(job.message));
        QVERIFY(job.pages.isEmpty());
        QVERIFY2(job.progress.last() < 50, qPrintable(QString::number(job.progress.last())));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
        QTRY_COMPARE(s->state(), Device::State::Ready);
        QCOMPARE(s->error(), Device::Error::NoError); // a cancel is no fault of the device

        settings.dpi = 50;
        settings.mode = Mode::Gray;
        const Job again = run(s, settings);
        QVERIFY2(!again.failed, qPrintable(again.message));
        QCOMPARE(again.finished, 1);
        QCOMPARE(again.pages.first().size(), testPageSize(50));
    }

    void badSettingsAreConfigurationErrors_data()
    {
        QTest::addColumn<int>("dpi");
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("words");
        QTest::newRow("resolution too high") << 5000 << int(Mode::Gray) << "cannot scan at 5000 dpi (it offers 1–1200 dpi)";
        QTest::newRow("resolution zero") << 0 << int(Mode::Gray) << "cannot scan at 0 dpi";
        QTest::newRow("unknown mode") << 150 << 7 << "Unknown colour mode 7";
    }

    void badSettingsAreConfigurationErrors()
    {
        QFETCH(int, dpi);
        QFETCH(int, mode);
        QFETCH(QString, words);
        Scanner *s = scanner(QStringLiteral("test:0"));
        QVERIFY(s);
        ScanSettings settings;
        settings.dpi = dpi;
        settings.mode = Mode(mode);
        const Job job = run(s, settings);
        QVERIFY(job.failed);
        QCOMPARE(job.error, Device::Error::Configuration);
        QVERIFY2(job.message.contains(words), qPrintable(job.message));
        QTRY_COMPARE(s->state(), Device::State::Ready);
        settings.dpi = 50;
        settings.mode = Mode::Gray;
        QCOMPARE(run(s, settings).finished, 1);
    }

    void badBackendOptionFailsTheDevice()
    {
        Scanner *s = scanner(QStringLiteral("test:0"), {{QStringLiteral("saneOptions"), QVariantMap{{QStringLiteral("test-picture"), QStringLiteral("Kittens")}}}},
                             QStringLiteral("scanner-sane"), Device::State::Failed);
        QVERIFY(s);
        QCOMPARE(s->state(), Device::State::Failed);
        QCOMPARE(s->error(), Device::Error::Configuration);
        QVERIFY2(s->errorString().contains(QLatin1String("\"Kittens\" is not a valid value for option \"test-picture\"")), qPrintable(s->errorString()));

        s = scanner(QStringLiteral("test:0"), {{QStringLiteral("saneOptions"), QVariantMap{{QStringLiteral("no-such-option"), 1}}}},
                    QStringLiteral("scanner-sane"), Device::State::Failed);
        QVERIFY(s);
        QCOMPARE(s->error(), Device::Error::Configuration);
        QVERIFY2(s->errorString().contains(QLatin1String("no option \"no-such-option\"")), qPrintable(s->errorString()));

        s = scanner(QStringLiteral("test:0"), {{QStringLiteral("saneOption"), QVariantMap{}}}, QStringLiteral("scanner-sane"), Device::State::Failed);
        QVERIFY(s);
        QCOMPARE(s->error(), Device::Error::Configuration);
        QVERIFY2(s->errorString().contains(QLatin1String("options.saneOption: unknown option")), qPrintable(s->errorString()));
    }

    void unknownDeviceIsNotFound_data()
    {
        QTest::addColumn<QString>("port");
        QTest::newRow("no such backend") << "nosuchbackend:0";
        QTest::newRow("no such test device") << "test:9";
    }

    void unknownDeviceIsNotFound()
    {
        QFETCH(QString, port);
        Scanner *s = scanner(port, {}, QStringLiteral("scanner-sane"), Device::State::Disconnected);
        QVERIFY(s);
        QCOMPARE(s->state(), Device::State::Disconnected); // and it keeps trying: it may be plugged in
        QCOMPARE(s->error(), Device::Error::NotFound);
        QVERIFY2(s->errorString().contains(QStringLiteral("No scanner \"%1\"").arg(port)), qPrintable(s->errorString()));
        ScanSettings settings;
        const Job job = run(s, settings);
        QVERIFY(job.failed);
        QCOMPARE(job.error, Device::Error::NotFound);
    }

    void statusesAreMapped_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("words");
        QTest::newRow("jammed") << "SANE_STATUS_JAMMED" << int(Device::Error::DeviceReported) << "Paper jam in the document feeder of test:0";
        QTest::newRow("cover open") << "SANE_STATUS_COVER_OPEN" << int(Device::Error::DeviceReported) << "cover of scanner test:0 is open";
        QTest::newRow("busy") << "SANE_STATUS_DEVICE_BUSY" << int(Device::Error::DeviceReported) << "is busy";
        QTest::newRow("no docs") << "SANE_STATUS_NO_DOCS" << int(Device::Error::DeviceReported) << "feeder of test:0 is empty";
        QTest::newRow("no memory") << "SANE_STATUS_NO_MEM" << int(Device::Error::DeviceReported) << "Not enough memory";
        QTest::newRow("denied") << "SANE_STATUS_ACCESS_DENIED" << int(Device::Error::PermissionDenied) << "Access to scanner test:0 was denied";
        QTest::newRow("unsupported") << "SANE_STATUS_UNSUPPORTED" << int(Device::Error::NotSupported) << "does not support";
        QTest::newRow("invalid") << "SANE_STATUS_INVAL" << int(Device::Error::Configuration) << "refused the scan settings";
        QTest::newRow("cancelled") << "SANE_STATUS_CANCELLED" << int(Device::Error::Cancelled) << "cancelled";
        QTest::newRow("I/O error") << "SANE_STATUS_IO_ERROR" << int(Device::Error::ConnectionLost) << "Lost contact with scanner test:0";
    }

    void statusesAreMapped()
    {
        QFETCH(QString, status);
        QFETCH(int, error);
        QFETCH(QString, words);
        // The test backend's sane_read() answers with the chosen status.
        Scanner *s = scanner(QStringLiteral("test:0"), {{QStringLiteral("saneOptions"), QVariantMap{{QStringLiteral("read-return-value"), status}}},
                                                        {QStringLiteral("reconnectMs"), 100}});
        QVERIFY(s);
        QVERIFY2(s->state() == Device::State::Ready, qPrintable(s->errorString()));
        QSignalSpy errors(s, &Device::errorOccurred);
        QSignalSpy states(s, &Device::stateChanged);
        ScanSettings settings;
        settings.dpi = 50;
        settings.mode = Mode::Gray;
        const Job job = run(s, settings);
        QVERIFY(job.failed);
        QCOMPARE(int(job.error), error);
        QVERIFY2(job.message.contains(words), qPrintable(job.message));
        if (Device::Error(error) == Device::Error::Cancelled) {
            QTRY_COMPARE(s->state(), Device::State::Ready);
            QCOMPARE(errors.size(), 0);
        } else {
            QTRY_COMPARE(errors.size(), 1); // the device's status shows it too
            QCOMPARE(errors.first().at(1).toString(), job.message);
            // An I/O error drops the link; the reconnect loop opens the scanner again.
            QTRY_COMPARE_WITH_TIMEOUT(s->state(), Device::State::Ready, 5000);
            const bool dropped = std::any_of(states.cbegin(), states.cend(), [](const QList<QVariant> &a) {
                return a.first().value<Device::State>() == Device::State::Disconnected;
            });
            QCOMPARE(dropped, Device::Error(error) == Device::Error::ConnectionLost);
        }
    }

    // The virtual driver's scanner: A4 pages of Chinese text for the demo.
    void virtualScannerRendersA4Pages_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("format");
        QTest::newRow("colour") << int(Mode::Colour) << int(QImage::Format_RGB888);
        QTest::newRow("gray") << int(Mode::Gray) << int(QImage::Format_Grayscale8);
        QTest::newRow("line art") << int(Mode::Lineart) << int(QImage::Format_Mono);
    }

    void virtualScannerRendersA4Pages()
    {
        QFETCH(int, mode);
        QFETCH(int, format);
        QVERIFY2(QFontDatabase::families().contains(QStringLiteral("Noto Sans CJK SC")), "fonts-noto-cjk is not installed");
        Scanner *s = scanner(QStringLiteral("virtual"), {{QStringLiteral("pages"), 2}, {QStringLiteral("delayMs"), 50}}, QStringLiteral("virtual"));
        QVERIFY(s);
        QCOMPARE(s->state(), Device::State::Ready);
        QCOMPARE(s->listSources(), (QList<Source>{Source::Flatbed, Source::Adf}));
        ScanSettings settings;
        settings.dpi = 150;
        settings.mode = Mode(mode);
        settings.source = Source::Adf;
        const Job job = run(s, settings);
        QVERIFY2(!job.failed, qPrintable(job.message));
        QCOMPARE(job.finished, 2);
        QCOMPARE(job.indexes, (QList<int>{0, 1}));
        QVERIFY(std::is_sorted(job.progress.cbegin(), job.progress.cend()));
        QCOMPARE(job.progress.last(), 100);
        for (const QImage &page : job.pages) {
            QCOMPARE(page.size(), QSize(1240, 1754)); // A4 at 150 dpi
            QCOMPARE(int(page.format()), format);
            QCOMPARE(page.dotsPerMeterX(), qRound(150 / 0.0254));
            // Printed, but mostly paper: between 1 % and 25 % dark pixels.
            const QImage g = page.convertToFormat(QImage::Format_Grayscale8);
            qint64 dark = 0;
            for (int y = 0; y < g.height(); ++y) {
                const uchar *line = g.constScanLine(y);
                dark += std::count_if(line, line + g.width(), [](uchar v) { return v < 128; });
            }
            const double share = double(dark) / (g.width() * g.height());
            QVERIFY2(share > 0.01 && share < 0.25, qPrintable(QString::number(share)));
        }
        // The pages differ: each has its own page number.
        QVERIFY(job.pages.at(0) != job.pages.at(1));
        // The flatbed gives one page.
        settings.source = Source::Flatbed;
        QCOMPARE(run(s, settings).finished, 1);
    }

    void virtualScannerCancelsAndScriptsFailures()
    {
        Scanner *s = scanner(QStringLiteral("virtual"), {{QStringLiteral("pages"), 5}, {QStringLiteral("delayMs"), 200}}, QStringLiteral("virtual"));
        QVERIFY(s);
        ScanSettings settings;
        settings.dpi = 75;
        settings.source = Source::Adf;
        const Job cancelled = run(s, settings, 30);
        QVERIFY(cancelled.failed);
        QCOMPARE(cancelled.error, Device::Error::Cancelled);
        QVERIFY(cancelled.pages.size() < 5);
        QTRY_COMPARE(s->state(), Device::State::Ready);

        settings.dpi = 5000;
        QCOMPARE(run(s, settings).error, Device::Error::Configuration);
        settings.dpi = 75;
        QMetaObject::invokeMethod(s, "loadFeeder", Qt::QueuedConnection, Q_ARG(int, 0));
        const Job empty = run(s, settings);
        QCOMPARE(empty.error, Device::Error::DeviceReported);
        QVERIFY2(empty.message.contains(QLatin1String("feeder")), qPrintable(empty.message));
        QMetaObject::invokeMethod(s, "loadFeeder", Qt::QueuedConnection, Q_ARG(int, 2));
        QMetaObject::invokeMethod(s, "failNext", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("卡纸（测试）")));
        const Job jam = run(s, settings);
        QCOMPARE(jam.message, QStringLiteral("卡纸（测试）"));
        QCOMPARE(run(s, settings).finished, 2);
    }
};

QTEST_MAIN(TestScannerSane)
#include "tst_scanner_sane.moc"
