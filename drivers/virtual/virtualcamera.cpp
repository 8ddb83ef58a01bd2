#include "virtualcamera.h"
#include "virtualdevices.h"

#include <QGuiApplication>
#include <QMutex>
#include <QPainter>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace hall::drivers::virt {

namespace {

QString sizeText(const QSize &s)
{
    return QStringLiteral("%1×%2").arg(s.width()).arg(s.height());
}

QString sizesText(const QList<QSize> &sizes)
{
    QStringList out;
    for (const QSize &s : sizes)
        out.append(sizeText(s));
    return out.join(QStringLiteral(", "));
}

} // namespace

VirtualDocumentCamera::VirtualDocumentCamera(devices::DeviceConfig config, QObject *parent)
    : DocumentCamera(std::move(config), parent), m_preview(this), m_shutter(this)
{
    m_shutter.setSingleShot(true);
    connect(&m_preview, &QTimer::timeout, this, &VirtualDocumentCamera::previewTick);
    connect(&m_shutter, &QTimer::timeout, this, [this] {
        m_exposed = true;
        nextCapture();
    });
}

VirtualDocumentCamera::~VirtualDocumentCamera()
{
    closeDevice();
}

QList<QSize> VirtualDocumentCamera::stillSizes()
{
    return {{4160, 3120}, {3264, 2448}, {2592, 1944}, {1600, 1200}};
}

imaging::SyntheticSpec VirtualDocumentCamera::sceneOf(int number, const QSize &frame)
{
    // The same page number always lies the same way, at every resolution.
    const int n = std::max(1, number);
    imaging::SyntheticSpec s;
    s.frame = frame;
    s.rotation = 90 + ((n * 37) % 41 - 20) / 10.0; // 88°…92°: along the long side, a little askew
    s.tilt = 1.5 + (n % 3);
    s.tiltDirection = (n * 73) % 360;
    s.offset = QPointF(((n * 13) % 5 - 2) / 400.0, ((n * 7) % 5 - 2) / 400.0);
    // First guess: the page's short side (210 mm) over the frame's height.
    s.pageHeight = 210.0 / FieldMm * frame.width() / frame.height();
    static const imaging::Background backgrounds[] = {imaging::Background::Wood, imaging::Background::GreyFabric,
                                                      imaging::Background::DarkDesk};
    s.background = backgrounds[(n - 1) % 3];
    s.shadow = 0.25;
    s.noise = 3;
    s.seed = quint32(n);
    // Turn and tilt make the page's outline taller than its short side, so the guess is off by
    // a few percent: measure the long side once on a small frame (the geometry does not depend
    // on the frame's size) and correct, so that it spans 297/FieldMm of the frame's width.
    static QMutex mutex;
    static QHash<int, double> fit;
    QMutexLocker lock(&mutex);
    auto it = fit.find(n);
    if (it == fit.end()) {
        imaging::SyntheticSpec probe = s;
        probe.frame = QSize(400, 300);
        probe.pageHeight = 210.0 / FieldMm * 4 / 3;
        probe.noise = 0;
        const imaging::Quad c = imaging::photographPage(probe).corners;
        auto length = [](QPointF a, QPointF b) { return std::hypot(a.x() - b.x(), a.y() - b.y()); };
        const double longSide = std::max(length(c[0], c[1]) + length(c[2], c[3]), length(c[1], c[2]) + length(c[3], c[0])) / 2;
        it = fit.insert(n, 297.0 / FieldMm * probe.frame.width() / longSide);
    }
    s.pageHeight *= *it;
    return s;
}

bool VirtualDocumentCamera::openDevice()
{
    // A wrong option first: it is wrong wherever the camera runs.
    VirtualOptions options;
    options.delayMs = 200;
    options.page = m_page;
    QString error;
    if (!VirtualOptions::parse(config().options, QStringLiteral("DocumentCamera"), &options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        setError(Error::NotSupported, tr("The simulated camera draws its pages with fonts and needs a GUI application."));
        return false;
    }
    const QVariantMap &o = config().options;
    m_delayMs = options.delayMs;
    m_previewFps = o.value(QStringLiteral("previewFps"), 12).toInt();
    if (m_previewFps < 1 || m_previewFps > 30) {
        setError(Error::Configuration, tr("options.previewFps: give 1 to 30 frames per second, not \"%1\".")
                                           .arg(o.value(QStringLiteral("previewFps")).toString()));
        return false;
    }
    m_still = stillSizes().first();
    if (o.contains(QStringLiteral("resolution"))) {
        const QString text = o.value(QStringLiteral("resolution")).toString();
        static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*[x×*]\\s*(\\d+)\\s*$"));
        const QRegularExpressionMatch m = re.match(text);
        const QSize wanted = m.hasMatch() ? QSize(m.captured(1).toInt(), m.captured(2).toInt()) : QSize();
        if (!stillSizes().contains(wanted)) {
            setError(Error::Configuration, tr("options.resolution: the simulated camera takes %1, not \"%2\".")
                                               .arg(sizesText(stillSizes()), text));
            return false;
        }
        m_still = wanted;
    }
    m_page = options.page;
    // Nothing is drawn here: a camera that opens at once is ready at once. The preview scene
    // is drawn when the preview starts, the still made in the pool.
    m_previewBase = QImage();
    m_preview.setInterval(1000 / m_previewFps);
    setResolutions(stillSizes());
    prepareStill({m_page, m_still});
    return true;
}

void VirtualDocumentCamera::closeDevice()
{
    m_shutter.stop();
    m_preview.stop();
    const QList<Job> jobs = m_jobs;
    m_jobs.clear();
    m_exposed = false;
    for (QFutureWatcher<QImage> *w : std::as_const(m_rendering)) {
        w->disconnect(this);
        w->deleteLater(); // the render itself runs to its end in the pool, on its own data
    }
    m_rendering.clear();
    m_stills.clear();
    if (m_previewing) {
        m_previewing = false;
        Q_EMIT previewStopped();
    }
    for (const Job &job : jobs)
        Q_EMIT captureFailed(job.id, Error::ConnectionLost, tr("The camera was closed during capture %1.").arg(job.id));
}

void VirtualDocumentCamera::startPreview()
{
    if (!isOpen() || m_previewing)
        return;
    m_previewing = true;
    m_preview.start();
    Q_EMIT previewStarted();
    previewTick();
}

void VirtualDocumentCamera::stopPreview()
{
    if (!m_previewing)
        return;
    m_previewing = false;
    m_preview.stop();
    Q_EMIT previewStopped();
}

void VirtualDocumentCamera::previewTick()
{
    // A live camera is never still: the light flickers a little and the arm shakes a fraction
    // of a pixel. Cheap (under a millisecond), unlike a new synthetic photo.
    ++m_frame;
    if (m_previewBase.isNull())
        m_previewBase = imaging::photographPage(sceneOf(m_page, PreviewSize)).image;
    QImage frame(m_previewBase.size(), QImage::Format_RGB888);
    frame.fill(Qt::black);
    {
        QPainter p(&frame);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(QPointF(0.4 * ((m_frame % 3) - 1), 0.4 * (((m_frame / 3) % 3) - 1)), m_previewBase);
        const int flicker = (m_frame * 7) % 9;
        p.fillRect(frame.rect(), flicker < 5 ? QColor(255, 255, 255, flicker) : QColor(0, 0, 0, flicker - 4));
    }
    publishPreviewFrame(frame);
}

void VirtualDocumentCamera::placePage(int number)
{
    m_page = std::max(1, number);
    if (!isOpen())
        return;
    m_previewBase = QImage(); // drawn again at the next preview frame
    prepareStill({m_page, m_still});
}

void VirtualDocumentCamera::setStillResolution(const QSize &size)
{
    if (!stillSizes().contains(size)) {
        setError(Error::Configuration, tr("The simulated camera takes stills of %1, not %2.")
                                           .arg(sizesText(stillSizes()), sizeText(size)));
        return;
    }
    m_still = size;
    if (isOpen())
        prepareStill({m_page, m_still});
}

void VirtualDocumentCamera::prepareStill(const Key &key)
{
    // Only stills still wanted are worth keeping: a 13 MP still is 39 MB.
    for (auto it = m_stills.begin(); it != m_stills.end();) {
        const Key k = it.key();
        const bool wanted = k == Key{m_page, m_still}
            || std::any_of(m_jobs.cbegin(), m_jobs.cend(), [&k](const Job &j) { return j.key == k; });
        it = wanted ? std::next(it) : m_stills.erase(it);
    }
    if (m_stills.contains(key) || m_rendering.contains(key))
        return;
    auto *watcher = new QFutureWatcher<QImage>(this);
    m_rendering.insert(key, watcher);
    connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, key] {
        m_rendering.remove(key);
        watcher->deleteLater();
        m_stills.insert(key, watcher->result());
        nextCapture();
    });
    watcher->setFuture(QtConcurrent::run([key] {
        QImage still = imaging::photographPage(sceneOf(key.page, key.size)).image;
        const int dpm = qRound(still.width() / (FieldMm / 1000.0));
        still.setDotsPerMeterX(dpm);
        still.setDotsPerMeterY(dpm);
        return still;
    }));
}

void VirtualDocumentCamera::capture(const QString &jobId)
{
    if (!isOpen()) {
        Q_EMIT captureFailed(jobId, Error::DeviceReported, tr("The simulated camera is not open."));
        return;
    }
    m_jobs.enqueue({jobId, {m_page, m_still}});
    if (m_jobs.size() == 1) {
        setState(State::Busy);
        m_exposed = false;
        m_shutter.start(m_delayMs);
    }
}

void VirtualDocumentCamera::nextCapture()
{
    if (m_jobs.isEmpty() || !m_exposed)
        return;
    const Job job = m_jobs.head();
    if (!m_failNext.isEmpty()) {
        finishJob();
        Q_EMIT captureFailed(job.id, Error::DeviceReported, std::exchange(m_failNext, QString()));
        return;
    }
    const auto it = m_stills.constFind(job.key);
    if (it == m_stills.constEnd()) {
        prepareStill(job.key); // delivered when it is made
        return;
    }
    deliver(job.id, *it);
}

void VirtualDocumentCamera::deliver(const QString &jobId, const QImage &still)
{
    finishJob();
    Q_EMIT captured(jobId, still);
}

void VirtualDocumentCamera::finishJob()
{
    m_jobs.dequeue();
    m_exposed = false;
    if (m_jobs.isEmpty())
        setState(State::Ready);
    else
        m_shutter.start(m_delayMs);
}

} // namespace hall::drivers::virt
