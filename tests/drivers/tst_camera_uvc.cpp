// The camera-uvc driver, loaded as the real plugin by the DeviceManager on its own thread, with
// its file frame source (port "file:…": real JPEG/PNG files of synthetic photographed pages)
// standing in for the camera, so resolution choice, setStillResolution, job ids, failures,
// dpi, preview, unplug and the foot pedal (a FIFO fed with real input_event records) are all
// exercised through the driver's own code. Its decisions are also checked as pure functions.
// And the real Qt Multimedia source, on a machine without a camera, must fail clearly.

#include <cameraoptions.h>
#include <codescanneremulator.h>
#include <previewframe.h>

#include <devices/devicemanager.h>
#include <devices/documentcamera.h>
#include <devices/evdev.h>
#include <imaging/synthetic.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVideoFrame>
#include <QVideoFrameFormat>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hall;
using devices::Device;
using devices::DocumentCamera;
namespace cam = hall::drivers::camerauvc;
using namespace Qt::Literals::StringLiterals;

namespace {

QList<QSize> sizes(std::initializer_list<QSize> list)
{
    return QList<QSize>(list);
}

constexpr quint16 KeyA = 30, KeyB = 48, KeyF5 = 63;

// A camera frame of 64×64 blocks of colour in `format` (YUV: BT.601, video range, as Qt assumes).
QColor blockColour(int bx, int by)
{
    static const QColor colours[] = {Qt::white, Qt::black, QColor(200, 30, 40), QColor(30, 160, 60), QColor(40, 60, 190),
                                     QColor(230, 200, 40), QColor(128, 128, 128), QColor(90, 200, 210)};
    return colours[(bx * 3 + by * 5) % 8];
}

QVideoFrame colourBlocks(QSize size, QVideoFrameFormat::PixelFormat format)
{
    using F = QVideoFrameFormat;
    auto yuv = [](const QColor &c, int *y, int *u, int *v) {
        const double r = c.red(), g = c.green(), b = c.blue();
        *y = qRound(16 + 0.257 * r + 0.504 * g + 0.098 * b);
        *u = qRound(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        *v = qRound(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    };
    QVideoFrame frame(F(size, format));
    if (!frame.map(QVideoFrame::WriteOnly))
        return {};
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x) {
            const QColor c = blockColour(x / 64, y / 64);
            int Y, U, V;
            yuv(c, &Y, &U, &V);
            uchar *p0 = frame.bits(0) + y * frame.bytesPerLine(0);
            switch (format) {
            case F::Format_YUV420P:
            case F::Format_YV12: {
                p0[x] = uchar(Y);
                const int cy = y / 2;
                const int uPlane = format == F::Format_YV12 ? 2 : 1;
                frame.bits(uPlane)[cy * frame.bytesPerLine(uPlane) + x / 2] = uchar(U);
                frame.bits(3 - uPlane)[cy * frame.bytesPerLine(3 - uPlane) + x / 2] = uchar(V);
                break;
            }
            case F::Format_NV12:
            case F::Format_NV21: {
                p0[x] = uchar(Y);
                uchar *uv = frame.bits(1) + (y / 2) * frame.bytesPerLine(1) + (x / 2) * 2;
                uv[format == F::Format_NV12 ? 0 : 1] = uchar(U);
                uv[format == F::Format_NV12 ? 1 : 0] = uchar(V);
                break;
            }
            case F::Format_YUYV:
            case F::Format_UYVY: {
                uchar *pair = p0 + (x / 2) * 4;
                const bool yuyv = format == F::Format_YUYV;
                pair[(yuyv ? 0 : 1) + (x % 2) * 2] = uchar(Y);
                pair[yuyv ? 1 : 0] = uchar(U);
                pair[yuyv ? 3 : 2] = uchar(V);
                break;
            }
            case F::Format_Y8:
                p0[x] = uchar(Y);
                break;
            default: { // 32-bit RGB: the bytes in the order the format's name gives
                const char *order = format == F::Format_XRGB8888 ? "XRGB"
                    : format == F::Format_BGRA8888               ? "BGRA"
                    : format == F::Format_XBGR8888               ? "XBGR"
                                                                 : "RGBX";
                for (int i = 0; i < 4; ++i) {
                    const char k = order[i];
                    p0[x * 4 + i] = uchar(k == 'R' ? c.red() : k == 'G' ? c.green() : k == 'B' ? c.blue() : 255);
                }
                break;
            }
            }
        }
    }
    frame.unmap();
    return frame;
}

int colourDistance(QRgb a, QRgb b)
{
    return std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
}

QByteArray key(quint16 code, qint32 value)
{
    // A key event and the SYN_REPORT a keyboard sends after it.
    return emulators::HidScannerEmulator::event(devices::EvKey, code, value) + emulators::HidScannerEmulator::event(0, 0, 0);
}

} // namespace

class TestCameraUvc : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_photos; // 01.jpg 2000×1500, 02.png 1920×1080, 03.jpg 1200×900
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
    QList<QPair<Device::Error, QString>> m_errors;
    // Receives one camera's signals: replaced with the camera, so reports still queued from an
    // earlier camera are dropped with it.
    std::unique_ptr<QObject> m_context;

    struct Shot
    {
        QString job;
        QImage image;
        bool failed = false;
        Device::Error error = Device::Error::NoError;
        QString message;
    };
    QList<Shot> m_shots;

    DocumentCamera *camera(const QString &port, QVariantMap options = {}, Device::State wanted = Device::State::Ready)
    {
        m_manager.reset();
        m_context = std::make_unique<QObject>();
        m_errors.clear();
        m_shots.clear();
        m_loader = std::make_unique<devices::PluginLoader>();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        options.insert(QStringLiteral("reconnectMs"), 200);
        QString error;
        if (!m_manager->add({QStringLiteral("camera"), QStringLiteral("camera-uvc"), port, options}, &error)) {
            qWarning() << error;
            return nullptr;
        }
        auto *c = m_manager->device<DocumentCamera>(QStringLiteral("camera"));
        if (!c)
            return nullptr;
        connect(c, &Device::errorOccurred, m_context.get(), [this](Device::Error e, const QString &m) { m_errors.append({e, m}); });
        connect(c, &DocumentCamera::captured, m_context.get(), [this](const QString &job, const QImage &image) { m_shots.append({job, image}); });
        connect(c, &DocumentCamera::captureFailed, m_context.get(), [this](const QString &job, Device::Error e, const QString &m) {
            m_shots.append({job, {}, true, e, m});
        });
        (void)QTest::qWaitFor([c, wanted] { return c->state() == wanted; }, 5000);
        return c;
    }

    void capture(DocumentCamera *c, const QString &job)
    {
        QMetaObject::invokeMethod(c, [c, job] { c->capture(job); }, Qt::QueuedConnection);
    }

    // Waits for the n-th result (capture or failure).
    bool waitShots(qsizetype n, int ms = 10000)
    {
        return QTest::qWaitFor([this, n] { return m_shots.size() >= n; }, ms);
    }

    QString errors() const
    {
        QStringList out;
        for (const auto &e : m_errors)
            out.append(devices::errorName(e.first) + QStringLiteral(": ") + e.second);
        return out.join(QStringLiteral(" | "));
    }

    static bool writePhoto(const QString &file, QSize size, quint32 seed, int dpi = 0)
    {
        imaging::SyntheticSpec spec;
        spec.frame = size;
        spec.seed = seed;
        spec.rotation = 90;
        spec.pageHeight = 0.85;
        QImage image = imaging::photographPage(spec).image;
        if (dpi > 0) {
            image.setDotsPerMeterX(qRound(dpi / 0.0254));
            image.setDotsPerMeterY(qRound(dpi / 0.0254));
        }
        return image.save(file, nullptr, 92);
    }

    void writeEvents(const QString &fifo, const QByteArray &events)
    {
        const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
        QVERIFY2(fd >= 0, qPrintable(fifo));
        QCOMPARE(::write(fd, events.constData(), size_t(events.size())), ssize_t(events.size()));
        ::close(fd);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(m_photos));
        QVERIFY(writePhoto(m_photos + u"/01.jpg"_s, {2000, 1500}, 1));
        QVERIFY(writePhoto(m_photos + u"/02.png"_s, {1920, 1080}, 2));
        QVERIFY(writePhoto(m_photos + u"/03.jpg"_s, {1200, 900}, 3));
        QFile notes(m_photos + u"/notes.txt"_s); // not an image: ignored
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("not a photo");
    }

    void cleanup()
    {
        m_manager.reset();
        m_context.reset();
    }

    // ---- the decisions, as pure functions ----

    void resolutionChoice_data()
    {
        QTest::addColumn<QList<QSize>>("offered");
        QTest::addColumn<QSize>("wanted");
        QTest::addColumn<QSize>("chosen");
        const QList<QSize> uvc = sizes({{640, 480}, {1920, 1080}, {4160, 3120}, {1280, 720}, {3264, 2448}, {4160, 3120}});
        QTest::newRow("largest by default") << uvc << QSize() << QSize(4160, 3120);
        QTest::newRow("wanted and offered") << uvc << QSize(1920, 1080) << QSize(1920, 1080);
        QTest::newRow("wanted, not offered") << uvc << QSize(2592, 1944) << QSize();
        QTest::newRow("nothing offered") << QList<QSize>() << QSize() << QSize();
        QTest::newRow("by area, not width") << sizes({{3840, 1080}, {3264, 2448}}) << QSize() << QSize(3264, 2448);
        QTest::newRow("invalid sizes ignored") << sizes({{0, 0}, {-1, 5}, {800, 600}}) << QSize() << QSize(800, 600);
        QTest::newRow("equal area: the wider") << sizes({{1200, 1600}, {1600, 1200}}) << QSize() << QSize(1600, 1200);
    }

    void resolutionChoice()
    {
        QFETCH(QList<QSize>, offered);
        QFETCH(QSize, wanted);
        QFETCH(QSize, chosen);
        QCOMPARE(cam::chooseStillResolution(offered, wanted), chosen);
    }

    void resolutionsAreListedLargestFirst()
    {
        const QList<QSize> sorted = cam::sortedResolutions(sizes({{640, 480}, {4160, 3120}, {1920, 1080}, {640, 480}, {0, 0}, {2592, 1944}}));
        QCOMPARE(sorted, sizes({{4160, 3120}, {2592, 1944}, {1920, 1080}, {640, 480}}));
    }

    void streamFormatChoice()
    {
        const QList<cam::StreamFormat> formats{{{4160, 3120}, false, 2}, {{4160, 3120}, true, 15}, {{1920, 1080}, true, 30},
                                               {{1920, 1080}, false, 30}, {{640, 480}, false, 30}};
        QCOMPARE(cam::chooseFormat(formats, {4160, 3120}), 1); // MJPEG at 15 fps, not raw at 2
        QCOMPARE(cam::chooseFormat(formats, {1920, 1080}), 2); // equal rates: MJPEG
        QCOMPARE(cam::chooseFormat(formats, {640, 480}), 4);
        QCOMPARE(cam::chooseFormat(formats, {3264, 2448}), -1);
    }

    void portsNameCameras()
    {
        QCOMPARE(cam::parsePort(QString()).kind, cam::Port::Default);
        QCOMPARE(cam::parsePort(u"Default"_s).kind, cam::Port::Default);
        const cam::Port file = cam::parsePort(u"file:/srv/photos"_s);
        QCOMPARE(file.kind, cam::Port::File);
        QCOMPARE(file.value, u"/srv/photos"_s);
        const QList<cam::CameraInfo> cameras{{u"/dev/video0"_s, u"Integrated Webcam"_s, false},
                                             {u"/dev/video2"_s, u"Eloam S1000 Document Camera"_s, true},
                                             {u"/dev/video4"_s, u"Eloam S1000 Document Camera"_s, false}};
        QCOMPARE(cam::matchCamera(cameras, cam::parsePort(u"default"_s)), 1);
        QCOMPARE(cam::matchCamera(cameras.mid(2), cam::parsePort(u"default"_s)), 0); // none marked default: the first
        QCOMPARE(cam::matchCamera(cameras, cam::parsePort(u"/dev/video4"_s)), 2);
        QCOMPARE(cam::matchCamera(cameras, cam::parsePort(u"eloam s1000"_s)), 1);
        QCOMPARE(cam::matchCamera(cameras, cam::parsePort(u"Liangtian"_s)), -1);
        QCOMPARE(cam::matchCamera({}, cam::parsePort(u"default"_s)), -1);
    }

    void dpiFromTheField()
    {
        QCOMPARE(cam::dotsPerMeter({4160, 3120}, 330), qRound(4160 / 0.330));
        QCOMPARE(cam::dotsPerMeter({3120, 4160}, 330), qRound(4160 / 0.330)); // the long side, either way
        QCOMPARE(cam::dotsPerMeter({4160, 3120}, 0), 0);
        QCOMPARE(qRound(cam::dotsPerMeter({4160, 3120}, 297) * 0.0254), 356); // an A4 page filling the frame lengthwise
    }

    // Preview pictures are made from the few pixels they show, in their true colours. (Not
    // compared with QVideoFrame::toImage(): Qt 6.4.2's software conversion of an I420 frame
    // reads past the end of the frame's memory and crashes this test.)
    void previewsOfCameraFrames_data()
    {
        using F = QVideoFrameFormat;
        QTest::addColumn<int>("format");
        for (auto [format, name] : {std::pair{F::Format_YUV420P, "I420"}, {F::Format_YV12, "YV12"}, {F::Format_NV12, "NV12"},
                                    {F::Format_NV21, "NV21"}, {F::Format_YUYV, "YUY2"}, {F::Format_UYVY, "UYVY"},
                                    {F::Format_Y8, "grey"}, {F::Format_XRGB8888, "XRGB"}, {F::Format_BGRA8888, "BGRA"},
                                    {F::Format_XBGR8888, "XBGR"}, {F::Format_RGBX8888, "RGBX"}})
            QTest::newRow(name) << int(format);
    }

    void previewsOfCameraFrames()
    {
        QFETCH(int, format);
        const bool grey = format == QVideoFrameFormat::Format_Y8;
        const QVideoFrame frame = colourBlocks({1024, 768}, QVideoFrameFormat::PixelFormat(format));
        QVERIFY(frame.isValid());
        const QImage preview = cam::previewImage(frame, 256);
        QCOMPARE(preview.size(), QSize(256, 192));
        int worst = 0;
        for (int by = 0; by < 12; ++by) {
            for (int bx = 0; bx < 16; ++bx) {
                QColor want = blockColour(bx, by);
                if (grey) {
                    const int y = qRound(0.299 * want.red() + 0.587 * want.green() + 0.114 * want.blue());
                    want = QColor(y, y, y);
                }
                // Every preview pixel of the block, edges included: each is a pixel of the frame.
                for (int y = by * 16; y < by * 16 + 16; ++y)
                    for (int x = bx * 16; x < bx * 16 + 16; ++x)
                        worst = std::max(worst, colourDistance(preview.pixel(x, y), want.rgb()));
            }
        }
        QVERIFY2(worst <= 4, qPrintable(QStringLiteral("%1 off the true colour").arg(worst)));
        QVERIFY(cam::previewImage(QVideoFrame(), 256).isNull());
    }

    void previewOfA13MpFrameIsCheap()
    {
        // A 13 MP frame converted whole is 54 MB of pixels; its preview converts 0.8 MP of them.
        const QVideoFrame frame = colourBlocks({4160, 3120}, QVideoFrameFormat::Format_NV12);
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 5; ++i)
            QCOMPARE(cam::previewImage(frame, 1024).size(), QSize(1024, 768));
        qInfo("13 MP NV12 frame to a 1024×768 preview: %.1f ms", t.elapsed() / 5.0);
    }

    void cameraErrorsAreExplained()
    {
        cam::CameraProblem p = cam::classifyCameraError(u"S1000"_s, u"Device '/dev/video2' is busy"_s);
        QCOMPARE(p.error, Device::Error::DeviceReported);
        QVERIFY2(p.message.contains(u"another program"_s), qPrintable(p.message));
        p = cam::classifyCameraError(u"S1000"_s, u"Could not open device '/dev/video2' for reading and writing: Permission denied"_s);
        QCOMPARE(p.error, Device::Error::PermissionDenied);
        QVERIFY2(p.message.contains(u"\"video\" group"_s), qPrintable(p.message));
        p = cam::classifyCameraError(u"S1000"_s, u"Internal data stream error."_s);
        QCOMPARE(p.error, Device::Error::DeviceReported);
        QVERIFY(p.message.contains(u"Internal data stream error."_s));
    }

    void options_data()
    {
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QString>("message"); // empty: accepted
        QTest::newRow("none") << QVariantMap{} << QString();
        QTest::newRow("all") << QVariantMap{{u"resolution"_s, u"3264x2448"_s}, {u"fieldMm"_s, 420}, {u"previewFps"_s, 15},
                                            {u"previewWidth"_s, 800}, {u"captureTimeoutMs"_s, 5000}, {u"pedal"_s, u"/dev/input/event7"_s},
                                            {u"pedalKey"_s, u"KEY_F5"_s}, {u"pedalGrab"_s, false}}
                             << QString();
        QTest::newRow("typo") << QVariantMap{{u"resolutoin"_s, u"1x1"_s}} << u"options.resolutoin: unknown option"_s;
        QTest::newRow("bad size") << QVariantMap{{u"resolution"_s, u"13MP"_s}} << u"options.resolution: \"13MP\""_s;
        QTest::newRow("bad field") << QVariantMap{{u"fieldMm"_s, 5}} << u"options.fieldMm: \"5\""_s;
        QTest::newRow("bad fps") << QVariantMap{{u"previewFps"_s, 0}} << u"options.previewFps: \"0\""_s;
        QTest::newRow("key without pedal") << QVariantMap{{u"pedalKey"_s, u"KEY_B"_s}} << u"options.pedalKey needs options.pedal"_s;
        QTest::newRow("unknown key") << QVariantMap{{u"pedal"_s, u"/dev/input/event7"_s}, {u"pedalKey"_s, u"KEY_PEDAL"_s}}
                                     << u"options.pedalKey: \"KEY_PEDAL\""_s;
        QTest::newRow("grab not bool") << QVariantMap{{u"pedal"_s, u"/dev/input/event7"_s}, {u"pedalGrab"_s, u"yes"_s}}
                                       << u"options.pedalGrab: give true or false"_s;
    }

    void options()
    {
        QFETCH(QVariantMap, options);
        QFETCH(QString, message);
        cam::Options o;
        QString error;
        const bool ok = cam::parseOptions(options, &o, &error);
        QCOMPARE(ok, message.isEmpty());
        if (!ok)
            QVERIFY2(error.contains(message), qPrintable(error));
        if (options.contains(u"pedalKey"_s) && ok)
            QCOMPARE(o.pedalKey, 63);
        if (options.isEmpty()) {
            QCOMPARE(o.pedalKey, -1); // any key of the pedal
            QCOMPARE(o.fieldMm, cam::DefaultFieldMm);
        }
    }

    void keyNames()
    {
        QCOMPARE(devices::evdevKeyCode(u"KEY_B"_s), 48);
        QCOMPARE(devices::evdevKeyCode(u"key_f5"_s), 63);
        QCOMPARE(devices::evdevKeyCode(u"0x30"_s), 48);
        QCOMPARE(devices::evdevKeyCode(u"BTN_LEFT"_s), 272);
        QCOMPARE(devices::evdevKeyCode(u"KEY_NOPE"_s), -1);
        QCOMPARE(devices::evdevKeyName(48), u"KEY_B"_s);
    }

    // ---- the driver through the DeviceManager, with image files as the camera ----

    void filesAreACameraWithTheirSizesAsResolutions()
    {
        auto *c = camera(u"file:"_s + m_photos, {{u"captureTimeoutMs"_s, 5000}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        QCOMPARE(c->resolutions(), sizes({{2000, 1500}, {1920, 1080}, {1200, 900}}));
        QSize still;
        QMetaObject::invokeMethod(c, "stillResolution", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QSize, still));
        QCOMPARE(still, QSize(2000, 1500)); // the largest

        // Three photos asked for at once: in order, each the next page, each at its own size
        // (all fit the chosen one: none is scaled, least of all stretched to it).
        capture(c, u"job-1"_s);
        capture(c, u"job-2"_s);
        capture(c, u"job-3"_s);
        QVERIFY(waitShots(3));
        QCOMPARE(m_shots.at(0).job, u"job-1"_s);
        QCOMPARE(m_shots.at(1).job, u"job-2"_s);
        QCOMPARE(m_shots.at(2).job, u"job-3"_s);
        const QImage first(m_photos + u"/01.jpg"_s);
        const QList<QSize> own = sizes({{2000, 1500}, {1920, 1080}, {1200, 900}});
        for (qsizetype i = 0; i < m_shots.size(); ++i) {
            const Shot &s = m_shots.at(i);
            QVERIFY2(!s.failed, qPrintable(s.message));
            QCOMPARE(s.image.size(), own.at(i));
            QCOMPARE(s.image.dotsPerMeterX(), qRound(own.at(i).width() / 0.330)); // the default field: 330 mm
            QCOMPARE(s.image.dotsPerMeterY(), s.image.dotsPerMeterX());
        }
        QCOMPARE(m_shots.at(0).image.convertToFormat(QImage::Format_RGB32), first.convertToFormat(QImage::Format_RGB32));
        QVERIFY(m_shots.at(1).image != m_shots.at(0).image);
        QTRY_COMPARE(c->state(), Device::State::Ready);
        QCOMPARE(m_errors.size(), 0);
    }

    void singleFileIsTheOnlyResolution()
    {
        auto *c = camera(u"file:"_s + m_photos + u"/03.jpg"_s);
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        QCOMPARE(c->resolutions(), sizes({{1200, 900}}));
        capture(c, u"only"_s);
        QVERIFY(waitShots(1));
        QCOMPARE(m_shots.first().image.size(), QSize(1200, 900));
    }

    void setStillResolutionChangesTheStillAndRefusesTheUnknown()
    {
        auto *c = camera(u"file:"_s + m_photos);
        QVERIFY(c);
        QMetaObject::invokeMethod(c, [c] { c->setStillResolution(QSize(1200, 900)); }, Qt::QueuedConnection);
        capture(c, u"small"_s);
        QVERIFY(waitShots(1));
        QCOMPARE(m_shots.at(0).image.size(), QSize(1200, 900));
        QCOMPARE(m_shots.at(0).image.dotsPerMeterX(), qRound(1200 / 0.330));

        QMetaObject::invokeMethod(c, [c] { c->setStillResolution(QSize(4160, 3120)); }, Qt::QueuedConnection);
        QTRY_COMPARE(m_errors.size(), 1);
        QCOMPARE(m_errors.first().first, Device::Error::Configuration);
        QVERIFY2(m_errors.first().second.contains(u"4160×3120"_s) && m_errors.first().second.contains(u"2000×1500, 1920×1080, 1200×900"_s),
                 qPrintable(m_errors.first().second));
        capture(c, u"still-small"_s);
        QVERIFY(waitShots(2));
        QCOMPARE(m_shots.at(1).image.size(), QSize(1200, 675)); // the refused size changed nothing; 16:9 kept
        QCOMPARE(c->state(), Device::State::Ready);
    }

    void configuredResolutionAndField()
    {
        auto *c = camera(u"file:"_s + m_photos, {{u"resolution"_s, u"1920x1080"_s}, {u"fieldMm"_s, 297}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        capture(c, u"hd"_s);
        QVERIFY(waitShots(1));
        QCOMPARE(m_shots.first().image.size(), QSize(1440, 1080)); // the 4:3 photo within 1920×1080
        QCOMPARE(m_shots.first().image.dotsPerMeterX(), qRound(1440 / 0.297));

        // A size the camera does not offer: the configuration is wrong, no retrying.
        c = camera(u"file:"_s + m_photos, {{u"resolution"_s, u"640x480"_s}}, Device::State::Failed);
        QVERIFY(c);
        QCOMPARE(c->state(), Device::State::Failed);
        QCOMPARE(c->error(), Device::Error::Configuration);
        QVERIFY2(c->errorString().contains(u"not 640×480"_s), qPrintable(c->errorString()));
        capture(c, u"refused"_s);
        QVERIFY(waitShots(1));
        QVERIFY(m_shots.first().failed);
        QCOMPARE(m_shots.first().error, Device::Error::NotFound);

        // Field unknown: the file's own dpi stands.
        const QString own = m_dir.filePath(u"own-dpi"_s);
        QVERIFY(QDir().mkpath(own));
        QVERIFY(writePhoto(own + u"/p.png"_s, {800, 600}, 4, 150));
        c = camera(u"file:"_s + own, {{u"fieldMm"_s, 0}});
        QVERIFY(c);
        capture(c, u"own"_s);
        QVERIFY(waitShots(1));
        QCOMPARE(qRound(m_shots.first().image.dotsPerMeterX() * 0.0254), 150);
    }

    void previewFramesArriveScaledAtTheirRate()
    {
        auto *c = camera(u"file:"_s + m_photos, {{u"previewFps"_s, 10}, {u"previewWidth"_s, 640}});
        QVERIFY(c);
        QList<QImage> frames;
        connect(c, &DocumentCamera::previewFrame, this, [&frames](const QImage &f) { frames.append(f); });
        QSignalSpy started(c, &DocumentCamera::previewStarted);
        QSignalSpy stopped(c, &DocumentCamera::previewStopped);
        QMetaObject::invokeMethod(c, &DocumentCamera::startPreview, Qt::QueuedConnection);
        QTRY_COMPARE(started.size(), 1);
        QTRY_VERIFY(!frames.isEmpty());
        const qsizetype first = frames.size();
        QElapsedTimer t;
        t.start();
        QTest::qWait(1500);
        const double fps = (frames.size() - first) * 1000.0 / t.elapsed();
        qInfo("file source preview: %.1f frames/s", fps);
        QVERIFY2(fps >= 7 && fps <= 11, qPrintable(QString::number(fps)));
        QCOMPARE(frames.last().size(), QSize(640, 480));
        QCOMPARE(c->takePreviewFrame().size(), QSize(640, 480)); // published for takers too
        QMetaObject::invokeMethod(c, &DocumentCamera::stopPreview, Qt::QueuedConnection);
        QTRY_COMPARE(stopped.size(), 1);
        const qsizetype after = frames.size();
        QTest::qWait(300);
        QVERIFY(frames.size() <= after + 1);
    }

    void unreadableFileFailsItsPhotoOnly()
    {
        const QString folder = m_dir.filePath(u"broken"_s);
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(m_photos + u"/03.jpg"_s, folder + u"/a.jpg"_s));
        // A JPEG cut short, as a camera's broken transfer would leave it.
        QFile good(m_photos + u"/03.jpg"_s);
        QVERIFY(good.open(QIODevice::ReadOnly));
        QFile cut(folder + u"/b.jpg"_s);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(good.read(600));
        cut.close();
        auto *c = camera(u"file:"_s + folder);
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        capture(c, u"good"_s);
        capture(c, u"bad"_s);
        capture(c, u"good-again"_s);
        QVERIFY(waitShots(3));
        QVERIFY(!m_shots.at(0).failed);
        QVERIFY(m_shots.at(1).failed);
        QCOMPARE(m_shots.at(1).job, u"bad"_s);
        QCOMPARE(m_shots.at(1).error, Device::Error::DeviceReported);
        QVERIFY2(m_shots.at(1).message.contains(u"b.jpg"_s), qPrintable(m_shots.at(1).message));
        QVERIFY(!m_shots.at(2).failed);
        QCOMPARE(m_shots.at(2).image.size(), QSize(1200, 900));
        QTRY_COMPARE(c->state(), Device::State::Ready);
    }

    void unplugFailsWaitingPhotosAndReconnectsWithThePreview()
    {
        const QString folder = m_dir.filePath(u"plug"_s), away = m_dir.filePath(u"unplugged"_s);
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(m_photos + u"/03.jpg"_s, folder + u"/a.jpg"_s));
        auto *c = camera(u"file:"_s + folder);
        QVERIFY(c);
        QSignalSpy started(c, &DocumentCamera::previewStarted);
        QSignalSpy stopped(c, &DocumentCamera::previewStopped);
        QMetaObject::invokeMethod(c, &DocumentCamera::startPreview, Qt::QueuedConnection);
        QTRY_COMPARE(started.size(), 1);

        QVERIFY(QDir().rename(folder, away));
        QTRY_COMPARE(c->state(), Device::State::Disconnected);
        QTRY_VERIFY(!m_errors.isEmpty());
        QCOMPARE(m_errors.last().first, Device::Error::ConnectionLost);
        QTRY_COMPARE(stopped.size(), 1);
        capture(c, u"while-away"_s);
        QVERIFY(waitShots(1));
        QVERIFY(m_shots.first().failed);
        QCOMPARE(m_shots.first().error, Device::Error::ConnectionLost);

        QElapsedTimer t;
        t.start();
        QVERIFY(QDir().rename(away, folder));
        QTRY_COMPARE(c->state(), Device::State::Ready);
        qInfo("file camera back %lld ms after replug", t.elapsed());
        QTRY_COMPARE(started.size(), 2); // the preview the officer had comes back by itself
        capture(c, u"back"_s);
        QVERIFY(waitShots(2));
        QVERIFY2(!m_shots.at(1).failed, qPrintable(m_shots.at(1).message));
    }

    void mixedFolderKeepsEachPhotosAspect()
    {
        // Landscape 4:3, portrait 3:4 of the same area, a small portrait and a 16:9 one.
        const QString folder = m_dir.filePath(u"mixed"_s);
        QVERIFY(QDir().mkpath(folder));
        const QList<QSize> own = sizes({{1600, 1200}, {1200, 1600}, {900, 1200}, {1280, 720}});
        for (qsizetype i = 0; i < own.size(); ++i)
            QVERIFY(writePhoto(folder + QStringLiteral("/%1.png").arg(i + 1), own.at(i), quint32(10 + i)));
        auto *c = camera(u"file:"_s + folder);
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        QCOMPARE(c->resolutions(), sizes({{1600, 1200}, {1200, 1600}, {900, 1200}, {1280, 720}}));

        // At the largest: every photo fits (a portrait one turned with the camera), so each
        // comes at its own size and is the file itself, not stretched to 1600×1200.
        for (qsizetype i = 0; i < own.size(); ++i)
            capture(c, QStringLiteral("own-%1").arg(i + 1));
        QVERIFY(waitShots(own.size()));
        for (qsizetype i = 0; i < own.size(); ++i) {
            const Shot &shot = m_shots.at(i);
            QVERIFY2(!shot.failed, qPrintable(shot.message));
            QCOMPARE(shot.image.size(), own.at(i));
            const QImage file(folder + QStringLiteral("/%1.png").arg(i + 1));
            QCOMPARE(shot.image.convertToFormat(QImage::Format_RGB32), file.convertToFormat(QImage::Format_RGB32));
        }

        // At 1280×720: each scaled down into it (turned for a portrait photo), its aspect kept.
        QMetaObject::invokeMethod(c, [c] { c->setStillResolution(QSize(1280, 720)); }, Qt::QueuedConnection);
        for (qsizetype i = 0; i < own.size(); ++i)
            capture(c, QStringLiteral("small-%1").arg(i + 1));
        QVERIFY(waitShots(2 * own.size()));
        const QList<QSize> small = sizes({{960, 720}, {720, 960}, {720, 960}, {1280, 720}});
        for (qsizetype i = 0; i < own.size(); ++i) {
            const Shot &shot = m_shots.at(own.size() + i);
            QVERIFY2(!shot.failed, qPrintable(shot.message));
            QCOMPARE(shot.image.size(), small.at(i));
            QCOMPARE(shot.image.dotsPerMeterX(), qRound(std::max(small.at(i).width(), small.at(i).height()) / 0.330));
        }
        QCOMPARE(m_errors.size(), 0);
    }

    // A still the camera never delivers fails with Timeout, and does not leave the camera
    // waiting for it: the pipeline is built again and the next photo is taken.
    void aStuckStillTimesOutAndTheCameraIsReopened()
    {
        const QString folder = m_dir.filePath(u"stall"_s), marker = folder + u"/.hall-stall"_s;
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(m_photos + u"/03.jpg"_s, folder + u"/a.jpg"_s));
        auto *c = camera(u"file:"_s + folder, {{u"captureTimeoutMs"_s, 300}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        QList<Device::State> states;
        connect(c, &Device::stateChanged, m_context.get(), [&states](Device::State s) { states.append(s); });
        QFile stall(marker);
        QVERIFY(stall.open(QIODevice::WriteOnly));
        stall.close();

        QElapsedTimer t;
        t.start();
        capture(c, u"stuck"_s);
        capture(c, u"behind"_s);
        QVERIFY(waitShots(2));
        QCOMPARE(m_shots.at(0).job, u"stuck"_s);
        QVERIFY(m_shots.at(0).failed);
        QCOMPARE(m_shots.at(0).error, Device::Error::Timeout);
        QVERIFY2(t.elapsed() >= 280, qPrintable(QString::number(t.elapsed())));
        // The one behind it was waiting on the stuck pipeline: failed, to be taken again.
        QCOMPARE(m_shots.at(1).job, u"behind"_s);
        QCOMPARE(m_shots.at(1).error, Device::Error::ConnectionLost);
        QTRY_VERIFY(states.contains(Device::State::Disconnected));
        QVERIFY2(errors().contains(u"stopped delivering photos"_s), qPrintable(errors()));
        QTRY_COMPARE(c->state(), Device::State::Ready); // reopened

        QVERIFY(QFile::remove(marker));
        capture(c, u"next"_s);
        QVERIFY(waitShots(3));
        QVERIFY2(!m_shots.at(2).failed, qPrintable(m_shots.at(2).message));
        QCOMPARE(m_shots.at(2).image.size(), QSize(1200, 900));
        QTRY_COMPARE(c->state(), Device::State::Ready);
    }

    // A camera that opens and then fails at once (another program holds it) is tried again
    // less and less often, not every reconnectMs for hours; once free it stays open.
    void aCameraHeldByAnotherProgramIsRetriedLessAndLessOften()
    {
        const QString folder = m_dir.filePath(u"busy"_s), marker = folder + u"/.hall-busy"_s;
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(m_photos + u"/03.jpg"_s, folder + u"/a.jpg"_s));
        QFile busy(marker);
        QVERIFY(busy.open(QIODevice::WriteOnly));
        busy.close();
        auto *c = camera(u"file:"_s + folder, {}, Device::State::Disconnected); // opened, and lost at once
        QVERIFY(c);
        QCOMPARE(c->state(), Device::State::Disconnected);
        QElapsedTimer t;
        t.start();
        QList<qint64> opened; // ms since the first loss, at each Ready
        QList<Device::State> states;
        QElapsedTimer lastChange;
        lastChange.start();
        connect(c, &Device::stateChanged, m_context.get(), [&](Device::State s) {
            states.append(s);
            lastChange.restart();
            if (s == Device::State::Ready)
                opened.append(t.elapsed());
        });
        QTest::qWait(3000);
        qInfo() << "opened at" << opened << "ms";
        // reconnectMs 200: without backing off some 13 openings in these 3 s; with it at 0.4 s,
        // 1.2 s, 2.8 s (0.4, 0.8, 1.6 s apart).
        QVERIFY2(opened.size() >= 2 && opened.size() <= 5, qPrintable(QString::number(opened.size())));
        for (qsizetype i = 2; i < opened.size(); ++i)
            QVERIFY2(opened.at(i) - opened.at(i - 1) > 1.5 * (opened.at(i - 1) - opened.at(i - 2)), "the waits do not grow");
        QVERIFY(!m_errors.isEmpty());
        QCOMPARE(m_errors.last().first, Device::Error::ConnectionLost);
        QVERIFY2(m_errors.last().second.contains(u"another program"_s), qPrintable(m_errors.last().second));
        qsizetype losses = 0;
        for (const auto &e : std::as_const(m_errors))
            losses += e.first == Device::Error::ConnectionLost ? 1 : 0;
        QVERIFY2(losses == 1, qPrintable(u"the same loss was reported %1 times while the camera flapped"_s.arg(losses)));

        // Freed: back within the longest wait (32 × 200 ms), and open for good.
        QVERIFY(QFile::remove(marker));
        QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty() && states.last() == Device::State::Ready && lastChange.elapsed() > 700, 10000);
        QCOMPARE(c->state(), Device::State::Ready);
        capture(c, u"free"_s);
        QVERIFY(waitShots(1));
        QVERIFY2(!m_shots.first().failed, qPrintable(m_shots.first().message));
    }

    // ---- the real Qt Multimedia source ----

    void noCameraIsAClearNotFound()
    {
        auto *c = camera(u"default"_s, {}, Device::State::Disconnected);
        QVERIFY(c);
        QVariantList present;
        QMetaObject::invokeMethod(c, "cameras", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QVariantList, present));
        if (!present.isEmpty())
            QSKIP("this machine has a camera; the test needs one without");
        QTRY_COMPARE(c->state(), Device::State::Disconnected);
        QCOMPARE(c->error(), Device::Error::NotFound);
        QVERIFY2(c->errorString().contains(u"No camera is connected"_s), qPrintable(c->errorString()));
        QVERIFY2(c->errorString().contains(u"gstreamer1.0-plugins-good"_s), qPrintable(c->errorString()));
        // It keeps looking (a camera plugged in later is found) and says so once: no new error
        // while it retries. (The first one may come before the test's connection is made: the
        // manager starts the device as it adds it.)
        const qsizetype said = m_errors.size();
        QVERIFY(said <= 1);
        QTest::qWait(700);
        QCOMPARE(c->state(), Device::State::Disconnected);
        QCOMPARE(m_errors.size(), said);
        capture(c, u"no-camera"_s);
        QVERIFY(waitShots(1));
        QCOMPARE(m_shots.first().error, Device::Error::ConnectionLost);

        c = camera(u"Eloam S1000"_s, {}, Device::State::Disconnected);
        QVERIFY(c);
        QTRY_COMPARE(c->error(), Device::Error::NotFound);
        QVERIFY2(c->errorString().contains(u"No camera is connected"_s) || c->errorString().contains(u"\"Eloam S1000\""_s),
                 qPrintable(c->errorString()));
    }

    // ---- the foot pedal ----

    void pedalTakesPhotos()
    {
        const QString fifo = m_dir.filePath(u"usb-Pedal-event-kbd"_s);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        auto *c = camera(u"file:"_s + m_photos, {{u"pedal"_s, fifo}, {u"pedalKey"_s, u"KEY_B"_s}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        QTRY_VERIFY(c->property("pedalConnected").toBool());
        // The driver's own signal (not in the DocumentCamera interface): by name.
        QSignalSpy pedal(c, SIGNAL(pedalPressed(QString)));
        QVERIFY(pedal.isValid());
        auto pressed = [&pedal] {
            QStringList jobs;
            for (const QList<QVariant> &args : std::as_const(pedal))
                jobs.append(args.first().toString());
            return jobs;
        };

        // Another key of the pedal: nothing.
        writeEvents(fifo, key(KeyA, 1) + key(KeyA, 0));
        QTest::qWait(cam::PedalDebounceMs + 100);
        QCOMPARE(m_shots.size(), 0);
        QCOMPARE(pedal.size(), 0);
        // B pressed and held down: one photo, however long the autorepeat goes on.
        writeEvents(fifo, key(KeyB, 1));
        QVERIFY(waitShots(1));
        QTest::qWait(cam::PedalDebounceMs + 100);
        writeEvents(fifo, key(KeyB, 2) + key(KeyB, 2) + key(KeyB, 0));
        QTest::qWait(200);
        QCOMPARE(m_shots.size(), 1);
        QCOMPARE(m_shots.first().job, u"pedal-1"_s);
        QVERIFY(!m_shots.first().failed);
        QCOMPARE(m_shots.first().image.size(), QSize(2000, 1500));
        QCOMPARE(pressed(), QStringList{u"pedal-1"_s});
        // A bouncing switch: a second press within the debounce time is the same press.
        writeEvents(fifo, key(KeyB, 1) + key(KeyB, 0) + key(KeyB, 1) + key(KeyB, 0));
        QVERIFY(waitShots(2));
        QCOMPARE(m_shots.at(1).job, u"pedal-2"_s);
        QTest::qWait(cam::PedalDebounceMs + 100);
        QCOMPARE(m_shots.size(), 2);
        QCOMPARE(pressed(), (QStringList{u"pedal-1"_s, u"pedal-2"_s}));
        // Events split anywhere across writes still count.
        QTest::qWait(cam::PedalDebounceMs + 50);
        const QByteArray press = key(KeyB, 1);
        writeEvents(fifo, press.left(10));
        QTest::qWait(50);
        writeEvents(fifo, press.mid(10));
        QVERIFY(waitShots(3));
        QCOMPARE(m_shots.at(2).job, u"pedal-3"_s);
        QCOMPARE(m_errors.size(), 0);
    }

    void pedalAnyKeyByDefault()
    {
        const QString fifo = m_dir.filePath(u"any-event-kbd"_s);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        auto *c = camera(u"file:"_s + m_photos, {{u"pedal"_s, fifo}});
        QVERIFY(c);
        QTRY_VERIFY(c->property("pedalConnected").toBool());
        writeEvents(fifo, key(KeyF5, 1) + key(KeyF5, 0));
        QVERIFY(waitShots(1));
        QCOMPARE(m_shots.first().job, u"pedal-1"_s);
    }

    void missingPedalLeavesTheCameraWorkingAndIsFoundLater()
    {
        const QString fifo = m_dir.filePath(u"late-event-kbd"_s);
        auto *c = camera(u"file:"_s + m_photos, {{u"pedal"_s, fifo}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(errors()));
        // Through the manager, which listens from before the device starts: the report may come
        // before this test's own connection is made.
        QTRY_COMPARE(m_manager->status().first().error, Device::Error::NotFound);
        const QString message = m_manager->status().first().message;
        QVERIFY2(message.contains(u"Foot pedal"_s) && message.contains(fifo), qPrintable(message));
        QCOMPARE(c->state(), Device::State::Ready);
        const qsizetype said = m_errors.size();
        QVERIFY(said <= 1);
        capture(c, u"button"_s); // the button still works
        QVERIFY(waitShots(1));
        QVERIFY(!m_shots.first().failed);
        QTest::qWait(600);
        QCOMPARE(m_errors.size(), said); // retried, said once

        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QTRY_VERIFY_WITH_TIMEOUT(c->property("pedalConnected").toBool(), 3000);
        writeEvents(fifo, key(KeyB, 1));
        QVERIFY(waitShots(2));
        QCOMPARE(m_shots.at(1).job, u"pedal-1"_s);

        // Unplugged: the camera stays ready, the pedal is looked for again.
        QVERIFY(QFile::remove(fifo));
        QTRY_VERIFY_WITH_TIMEOUT(!c->property("pedalConnected").toBool(), 3000);
        QTRY_COMPARE(m_errors.last().first, Device::Error::ConnectionLost);
        QVERIFY(m_errors.last().second.contains(u"unplugged"_s));
        QCOMPARE(c->state(), Device::State::Ready);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QTRY_VERIFY_WITH_TIMEOUT(c->property("pedalConnected").toBool(), 3000);
        QTest::qWait(cam::PedalDebounceMs);
        writeEvents(fifo, key(KeyB, 1));
        QVERIFY(waitShots(3));
        QCOMPARE(m_shots.at(2).job, u"pedal-2"_s);
    }
};

// A QGuiApplication: the test draws its photos with fonts (imaging::photographPage).
QTEST_MAIN(TestCameraUvc)
#include "tst_camera_uvc.moc"
