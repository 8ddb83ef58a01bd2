#include "qtcamerasource.h"

#include "previewframe.h"

#include <core/logging.h>

#include <QCamera>
#include <QHash>
#include <QImageCapture>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QVideoSink>

namespace hall::drivers::camerauvc {

using devices::Device;

namespace {

QList<QSize> offeredSizes(const QCameraDevice &d)
{
    QList<QSize> sizes = d.photoResolutions();
    // Some backends list no photo resolutions; stills then come at a stream size.
    if (sizes.isEmpty()) {
        for (const QCameraFormat &f : d.videoFormats())
            sizes.append(f.resolution());
    }
    return sortedResolutions(sizes);
}

} // namespace

QtCameraSource::QtCameraSource(Port port, QObject *parent)
    : FrameSource(parent), m_port(std::move(port)), m_preview(this), m_idle(this)
{
    connect(&m_preview, &QTimer::timeout, this, &QtCameraSource::convertPreview);
    m_idle.setSingleShot(true);
    m_idle.setInterval(IdleStreamMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (!m_camera || m_previewOn || !m_waiting.isEmpty() || !m_tickets.isEmpty())
            return;
        qCDebug(lcDriverCameraUvc) << "stream stopped: no preview, no still";
        m_camera->stop();
        QMutexLocker lock(&m_frameMutex);
        m_latest = QVideoFrame(); // not shown as new when the preview starts again
        m_fresh = false;
    });
}

QtCameraSource::~QtCameraSource()
{
    close();
}

QList<CameraInfo> QtCameraSource::cameraInfos()
{
    QList<CameraInfo> out;
    for (const QCameraDevice &d : QMediaDevices::videoInputs())
        out.append({QString::fromUtf8(d.id()), d.description(), d.isDefault()});
    return out;
}

QVariantList QtCameraSource::cameras()
{
    QVariantList out;
    for (const QCameraDevice &d : QMediaDevices::videoInputs()) {
        QStringList sizes;
        for (const QSize &s : offeredSizes(d))
            sizes.append(sizeText(s));
        out.append(QVariantMap{{QStringLiteral("id"), QString::fromUtf8(d.id())},
                               {QStringLiteral("description"), d.description()},
                               {QStringLiteral("default"), d.isDefault()},
                               {QStringLiteral("photoResolutions"), sizes}});
    }
    return out;
}

QString QtCameraSource::name() const
{
    return m_device.isNull() ? m_port.value : QStringLiteral("%1 (%2)").arg(m_device.description(), QString::fromUtf8(m_device.id()));
}

bool QtCameraSource::open(Device::Error *error, QString *message)
{
    close();
    const QList<QCameraDevice> inputs = QMediaDevices::videoInputs();
    QList<CameraInfo> infos;
    QStringList present;
    for (const QCameraDevice &d : inputs) {
        infos.append({QString::fromUtf8(d.id()), d.description(), d.isDefault()});
        present.append(QStringLiteral("\"%1\" (%2)").arg(d.description(), QString::fromUtf8(d.id())));
    }
    const int index = matchCamera(infos, m_port);
    if (index < 0) {
        *error = Device::Error::NotFound;
        if (inputs.isEmpty())
            *message = tr("No camera is connected: Qt Multimedia lists none. Check the camera's USB cable; on Linux the "
                          "GStreamer video4linux plugin (package gstreamer1.0-plugins-good) must be installed.");
        else
            *message = tr("No camera matches \"%1\". Cameras present: %2.").arg(m_port.value, present.join(QStringLiteral(", ")));
        return false;
    }
    m_device = inputs.at(index);
    m_resolutions = offeredSizes(m_device);

    m_devices = new QMediaDevices(this);
    connect(m_devices, &QMediaDevices::videoInputsChanged, this, [this] {
        for (const QCameraDevice &d : QMediaDevices::videoInputs()) {
            if (d.id() == m_device.id())
                return;
        }
        Q_EMIT lost(tr("Camera %1 was unplugged.").arg(name()));
    });
    m_camera = new QCamera(m_device, this);
    connect(m_camera, &QCamera::errorOccurred, this, [this](QCamera::Error e, const QString &text) {
        if (e != QCamera::NoError)
            cameraError(text);
    });
    m_capture = new QImageCapture(this);
    connect(m_capture, &QImageCapture::readyForCaptureChanged, this, [this](bool ready) {
        if (ready)
            issueCaptures();
    });
    connect(m_capture, &QImageCapture::imageCaptured, this, [this](int id, const QImage &image) {
        const auto it = m_tickets.find(id);
        if (it == m_tickets.end())
            return;
        const int ticket = *it;
        m_tickets.erase(it);
        Q_EMIT stillCaptured(ticket, image);
        issueCaptures();
        updateStream();
    });
    connect(m_capture, &QImageCapture::errorOccurred, this, [this](int id, QImageCapture::Error, const QString &text) {
        const auto it = m_tickets.find(id);
        if (it == m_tickets.end())
            return;
        const int ticket = *it;
        m_tickets.erase(it);
        const CameraProblem p = classifyCameraError(name(), text);
        Q_EMIT stillFailed(ticket, p.error, p.message);
        issueCaptures();
        updateStream();
    });
    m_sink = new QVideoSink(this);
    // Called on GStreamer's streaming thread: keep the newest frame and nothing else.
    connect(m_sink, &QVideoSink::videoFrameChanged, this, [this](const QVideoFrame &frame) {
        QMutexLocker lock(&m_frameMutex);
        m_latest = frame;
        m_fresh = true;
    }, Qt::DirectConnection);
    m_session = new QMediaCaptureSession(this);
    m_session->setCamera(m_camera);
    m_session->setImageCapture(m_capture);
    m_session->setVideoSink(m_sink);
    qCInfo(lcDriverCameraUvc) << "opened" << m_device.description() << "offering" << sizesText(m_resolutions);
    return true;
}

void QtCameraSource::setStillResolution(const QSize &size)
{
    if (!m_camera)
        return;
    // Qt's GStreamer backend takes the still from the stream: stream at the still's size.
    const QList<QCameraFormat> formats = m_device.videoFormats();
    QList<StreamFormat> simple;
    for (const QCameraFormat &f : formats)
        simple.append({f.resolution(), f.pixelFormat() == QVideoFrameFormat::Format_Jpeg, f.maxFrameRate()});
    const int chosen = chooseFormat(simple, size);
    if (chosen >= 0)
        m_camera->setCameraFormat(formats.at(chosen));
    else
        qCWarning(lcDriverCameraUvc) << "no stream format of" << sizeText(size) << "; stills come at the camera's choice";
    m_capture->setResolution(size);
    // Started whether wanted or not: an error (busy, forbidden) shows now, not at the first
    // photo. It stops again after IdleStreamMs if nothing wants it.
    m_camera->start();
    updateStream();
}

void QtCameraSource::updateStream()
{
    if (!m_camera)
        return;
    if (m_previewOn || !m_waiting.isEmpty() || !m_tickets.isEmpty()) {
        m_idle.stop();
        m_camera->start(); // nothing when it runs already
    } else if (!m_idle.isActive()) {
        m_idle.start();
    }
}

void QtCameraSource::close()
{
    m_preview.stop();
    m_idle.stop();
    m_previewOn = false;
    // The session first: it refers to the others.
    delete m_session;
    m_session = nullptr;
    delete m_capture;
    m_capture = nullptr;
    if (m_camera)
        m_camera->stop();
    delete m_camera;
    m_camera = nullptr;
    delete m_sink;
    m_sink = nullptr;
    delete m_devices;
    m_devices = nullptr;
    m_tickets.clear();
    m_waiting.clear();
    QMutexLocker lock(&m_frameMutex);
    m_latest = QVideoFrame();
    m_fresh = false;
}

void QtCameraSource::cameraError(const QString &text)
{
    // Another program holding the camera, a permission, a broken stream: this camera is of no
    // use until it is opened again.
    const CameraProblem p = classifyCameraError(name(), text);
    qCWarning(lcDriverCameraUvc) << "camera error:" << text;
    for (auto it = m_tickets.cbegin(); it != m_tickets.cend(); ++it)
        Q_EMIT stillFailed(*it, p.error, p.message);
    m_tickets.clear();
    while (!m_waiting.isEmpty())
        Q_EMIT stillFailed(m_waiting.dequeue(), p.error, p.message);
    Q_EMIT lost(p.message);
}

void QtCameraSource::setPreview(bool on, int fps, int maxWidth)
{
    m_previewOn = on;
    m_previewWidth = maxWidth;
    if (on)
        m_preview.start(1000 / std::max(1, fps));
    else
        m_preview.stop();
    updateStream();
}

void QtCameraSource::convertPreview()
{
    // Only while a preview runs (the timer's), at its rate, and only the newest frame.
    QVideoFrame frame;
    {
        QMutexLocker lock(&m_frameMutex);
        if (!m_fresh)
            return;
        m_fresh = false;
        frame = m_latest;
    }
    const QImage image = previewImage(frame, m_previewWidth);
    if (!image.isNull())
        Q_EMIT previewFrame(image);
}

void QtCameraSource::captureStill(int ticket)
{
    if (!m_capture) {
        QTimer::singleShot(0, this, [this, ticket] { Q_EMIT stillFailed(ticket, Device::Error::ConnectionLost, tr("The camera is closed.")); });
        return;
    }
    m_waiting.enqueue(ticket);
    updateStream();
    issueCaptures();
}

bool QtCameraSource::cancelStill(int ticket)
{
    // The driver has one still at a time here, and gives it seconds: waiting that long for the
    // camera to become ready, or for an answer, is a broken pipeline, and Qt's GStreamer
    // capture takes no other still until a request is answered. It must be built again.
    if (m_waiting.removeOne(ticket)) {
        qCWarning(lcDriverCameraUvc) << "camera" << name() << "never became ready to take a still";
        return false;
    }
    for (auto it = m_tickets.begin(); it != m_tickets.end(); ++it) {
        if (*it != ticket)
            continue;
        qCWarning(lcDriverCameraUvc) << "camera" << name() << "never answered capture request" << it.key();
        m_tickets.erase(it);
        return false;
    }
    return true; // answered already
}

void QtCameraSource::issueCaptures()
{
    // One at a time: the GStreamer backend refuses a second capture until the first is taken.
    while (m_capture && !m_waiting.isEmpty() && m_tickets.isEmpty() && m_capture->isReadyForCapture()) {
        const int ticket = m_waiting.dequeue();
        const int id = m_capture->capture();
        if (id < 0) {
            const CameraProblem p = classifyCameraError(name(), m_capture->errorString());
            QTimer::singleShot(0, this, [this, ticket, p] { Q_EMIT stillFailed(ticket, p.error, p.message); });
            continue;
        }
        m_tickets.insert(id, ticket);
    }
}

} // namespace hall::drivers::camerauvc
