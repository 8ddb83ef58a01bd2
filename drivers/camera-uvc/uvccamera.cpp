#include "uvccamera.h"

#include "filesource.h"
#include "qtcamerasource.h"

#include <core/logging.h>

namespace hall::drivers::camerauvc {

namespace {
// Photos asked for and not yet taken; more means the officer is pressing in vain.
constexpr int MaxWaitingJobs = 8;
// A camera lost sooner than this after opening did not work at all (another program holds
// it): each such loss in a row doubles the wait before reopening, up to 32 × reconnectMs
// (16 s at the default 500 ms).
constexpr int StableMs = 10000;
constexpr int MaxBackoffShift = 5;
} // namespace

UvcCamera::UvcCamera(devices::DeviceConfig config, QObject *parent)
    : DocumentCamera(std::move(config), parent), m_timeout(this), m_pedal(this), m_pedalRetry(this)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_jobs.isEmpty())
            return;
        const Job job = m_jobs.dequeue();
        const QString name = m_source ? m_source->name() : this->config().port;
        // The source forgets it too. One that swallowed the request (Qt's capture then takes no
        // other still) is built again; else every later photo would wait behind this one.
        const bool usable = !m_source || m_source->cancelStill(job.ticket);
        Q_EMIT captureFailed(job.id, Error::Timeout,
                             tr("Camera %1 did not deliver photo %2 within %3 s; take it again.")
                                 .arg(name, job.id).arg(m_options.captureTimeoutMs / 1000.0));
        if (!usable && isOpen()) {
            connectionLost(tr("Camera %1 stopped delivering photos; it is being reopened.").arg(name));
            return;
        }
        startNext();
    });
    m_reconnectMs = std::max(1, this->config().options.value(QStringLiteral("reconnectMs"), 500).toInt());
    m_pedalRetry.setInterval(this->config().options.value(QStringLiteral("reconnectMs"), 500).toInt());
    connect(&m_pedalRetry, &QTimer::timeout, this, &UvcCamera::openPedal);
    connect(&m_pedal, &devices::EvdevReader::bytesRead, this, &UvcCamera::pedalEvents);
    connect(&m_pedal, &devices::EvdevReader::lost, this, &UvcCamera::pedalLost);
}

UvcCamera::~UvcCamera()
{
    closeDevice();
}

QVariantList UvcCamera::cameras() const
{
    return QtCameraSource::cameras();
}

bool UvcCamera::openDevice()
{
    QString message;
    if (!parseOptions(config().options, &m_options, &message)) {
        setError(Error::Configuration, message);
        return false;
    }
    const Port port = parsePort(config().port);
    FrameSource *source = port.kind == Port::File ? static_cast<FrameSource *>(new FileFrameSource(port.value, this))
                                                  : new QtCameraSource(port, this);
    Error error = Error::NoError;
    if (!source->open(&error, &message)) {
        delete source;
        setError(error, message);
        return false;
    }
    const QList<QSize> offered = sortedResolutions(source->resolutions());
    QSize still;
    if (m_options.resolution.isValid()) {
        still = chooseStillResolution(offered, m_options.resolution);
        if (!still.isValid()) {
            setError(Error::Configuration, tr("options.resolution: camera %1 takes stills of %2, not %3.")
                                               .arg(source->name(), sizesText(offered), sizeText(m_options.resolution)));
            source->close();
            delete source;
            return false;
        }
    }
    // A choice made at run time outlives an unplug, as long as the camera still offers it.
    if (m_wanted.isValid() && offered.contains(m_wanted))
        still = m_wanted;
    if (!still.isValid())
        still = chooseStillResolution(offered);
    m_source = source;
    m_still = still;
    // Queued: a source may report from inside a Qt Multimedia signal, and closing the source
    // there would delete the object that is emitting. Stale reports of an earlier source are
    // dropped.
    connect(source, &FrameSource::lost, this, [this, source](const QString &reason) {
        if (source == m_source && isOpen())
            sourceLost(reason);
    }, Qt::QueuedConnection);
    connect(source, &FrameSource::stillCaptured, this, &UvcCamera::onStill);
    connect(source, &FrameSource::stillFailed, this, &UvcCamera::onStillFailed);
    connect(source, &FrameSource::previewFrame, this, &UvcCamera::onFrame);
    source->setStillResolution(still);
    setResolutions(offered);
    m_openedAt.start();
    qCDebug(lcDriverCameraUvc) << "camera" << source->name() << "stills" << sizeText(still) << "of" << sizesText(offered);
    // After Ready: the preview comes back after an unplug, and a pedal problem is not wiped by
    // the Ready that follows this function.
    QMetaObject::invokeMethod(this, [this] {
        if (!isOpen())
            return;
        if (m_previewWanted && !m_previewing)
            startPreview();
        openPedal();
    }, Qt::QueuedConnection);
    return true;
}

void UvcCamera::closeDevice()
{
    m_timeout.stop();
    const QList<Job> jobs = m_jobs;
    m_jobs.clear();
    const QString name = m_source ? m_source->name() : config().port;
    if (m_source) {
        m_source->disconnect(this);
        m_source->close();
        m_source->deleteLater(); // we may be inside one of its signals
        m_source = nullptr;
    }
    if (m_previewing) {
        m_previewing = false;
        Q_EMIT previewStopped();
    }
    m_pedalRetry.stop();
    if (m_pedal.isOpen()) {
        m_pedal.close();
        Q_EMIT pedalConnectedChanged(false);
    }
    m_pedalEvents.reset();
    m_pedalProblem.clear();
    for (const Job &job : jobs)
        Q_EMIT captureFailed(job.id, Error::ConnectionLost,
                             tr("Camera %1 was closed or unplugged before photo %2 was taken; take it again.").arg(name, job.id));
}

void UvcCamera::sourceLost(const QString &reason)
{
    // A camera that fails again right after every reopening (another program holds it) is
    // tried less and less often: not Ready/Disconnected and a warning twice a second for hours.
    if (m_openedAt.isValid() && m_openedAt.elapsed() < StableMs)
        m_quickLosses = std::min(m_quickLosses + 1, MaxBackoffShift);
    else
        m_quickLosses = 0;
    setReconnectInterval(m_reconnectMs << m_quickLosses);
    if (m_quickLosses > 0)
        qCDebug(lcDriverCameraUvc) << "camera lost" << m_openedAt.elapsed() << "ms after opening; next try in"
                                   << (m_reconnectMs << m_quickLosses) << "ms";
    connectionLost(reason);
}

void UvcCamera::startPreview()
{
    m_previewWanted = true;
    if (!isOpen() || m_previewing || !m_source)
        return;
    m_previewing = true;
    m_source->setPreview(true, m_options.previewFps, m_options.previewWidth);
    Q_EMIT previewStarted();
}

void UvcCamera::stopPreview()
{
    m_previewWanted = false;
    if (!m_previewing)
        return;
    m_previewing = false;
    if (m_source)
        m_source->setPreview(false, m_options.previewFps, m_options.previewWidth);
    Q_EMIT previewStopped();
}

void UvcCamera::onFrame(const QImage &frame)
{
    if (!m_previewing)
        return;
    publishPreviewFrame(frame.width() > m_options.previewWidth ? frame.scaledToWidth(m_options.previewWidth, Qt::SmoothTransformation)
                                                               : frame);
}

void UvcCamera::setStillResolution(const QSize &size)
{
    const QList<QSize> offered = resolutions();
    if (!offered.isEmpty() && !offered.contains(size)) {
        const QString name = m_source ? m_source->name() : config().port;
        setError(Error::Configuration, tr("Camera %1 takes stills of %2, not %3.").arg(name, sizesText(offered), sizeText(size)));
        return;
    }
    m_wanted = size;
    if (!isOpen() || !m_source)
        return; // applied when the camera opens
    m_still = size;
    m_source->setStillResolution(size);
}

void UvcCamera::capture(const QString &jobId)
{
    if (!isOpen() || !m_source) {
        Q_EMIT captureFailed(jobId, state() == State::Disconnected ? Error::ConnectionLost : Error::NotFound,
                             tr("Camera %1 is not connected; photo %2 was not taken.").arg(config().port, jobId));
        return;
    }
    if (m_jobs.size() >= MaxWaitingJobs) {
        Q_EMIT captureFailed(jobId, Error::DeviceReported,
                             tr("Camera %1 has %2 photos waiting already; photo %3 was not taken.")
                                 .arg(m_source->name()).arg(m_jobs.size()).arg(jobId));
        return;
    }
    m_jobs.enqueue({jobId, ++m_nextTicket});
    if (m_jobs.size() == 1)
        startNext();
}

void UvcCamera::startNext()
{
    if (m_jobs.isEmpty() || !m_source) {
        if (state() == State::Busy)
            setState(State::Ready);
        return;
    }
    setState(State::Busy);
    m_timeout.start(m_options.captureTimeoutMs);
    m_source->captureStill(m_jobs.head().ticket);
}

void UvcCamera::onStill(int ticket, const QImage &image)
{
    if (m_jobs.isEmpty() || m_jobs.head().ticket != ticket)
        return; // timed out already
    m_timeout.stop();
    const Job job = m_jobs.dequeue();
    if (m_quickLosses > 0) { // it works: a later loss is reconnected at the usual pace
        m_quickLosses = 0;
        setReconnectInterval(m_reconnectMs);
    }
    QImage still = image;
    if (const int dpm = dotsPerMeter(still.size(), m_options.fieldMm); dpm > 0) {
        still.setDotsPerMeterX(dpm);
        still.setDotsPerMeterY(dpm);
    }
    qCDebug(lcDriverCameraUvc) << "photo" << job.id << sizeText(still.size());
    Q_EMIT captured(job.id, still);
    startNext();
}

void UvcCamera::onStillFailed(int ticket, Error error, const QString &message)
{
    if (m_jobs.isEmpty() || m_jobs.head().ticket != ticket)
        return;
    m_timeout.stop();
    const Job job = m_jobs.dequeue();
    Q_EMIT captureFailed(job.id, error, message);
    startNext();
}

// ---- the foot pedal ----

void UvcCamera::openPedal()
{
    if (!isOpen() || m_options.pedal.isEmpty() || m_pedal.isOpen())
        return;
    using Problem = devices::EvdevReader::Problem;
    if (m_pedal.open(m_options.pedal, m_options.pedalGrab)) {
        m_pedalRetry.stop();
        m_pedalProblem.clear();
        m_pedalEvents.reset();
        if (m_pedal.grab() == devices::EvdevReader::Grab::NotEvdev)
            qCDebug(lcDriverCameraUvc) << "pedal node is no evdev device; read without grabbing";
        Q_EMIT pedalConnectedChanged(true);
        return;
    }
    Error error = Error::NotFound;
    QString message;
    switch (m_pedal.problem()) {
    case Problem::PermissionDenied:
        error = Error::PermissionDenied;
        message = tr("Foot pedal %1: permission denied. Add the user to the \"input\" group or install a udev rule for "
                     "the pedal.").arg(m_options.pedal);
        break;
    case Problem::HeldByAnother:
        error = Error::PermissionDenied;
        message = tr("Foot pedal %1 is held exclusively by another program; close it.").arg(m_options.pedal);
        break;
    case Problem::NotSupported:
        error = Error::NotSupported;
        message = tr("Foot pedals are read through Linux evdev; on this system capture with the button.");
        break;
    default:
        message = tr("Foot pedal %1 is not connected (%2); capture with the button until it is plugged in.")
                      .arg(m_options.pedal, m_pedal.systemError());
        break;
    }
    if (message != m_pedalProblem) { // once, not at every retry
        m_pedalProblem = message;
        setError(error, message);
    }
    if (m_pedal.problem() != Problem::NotSupported)
        m_pedalRetry.start();
}

void UvcCamera::pedalLost(devices::EvdevReader::Problem)
{
    m_pedal.close();
    m_pedalEvents.reset();
    Q_EMIT pedalConnectedChanged(false);
    m_pedalProblem = tr("Foot pedal %1 was unplugged; capture with the button until it is back.").arg(m_options.pedal);
    setError(Error::ConnectionLost, m_pedalProblem);
    m_pedalRetry.start();
}

void UvcCamera::pedalEvents(const QByteArray &bytes)
{
    for (const devices::InputEvent &e : m_pedalEvents.feed(bytes)) {
        // A press (1), not its release (0) or autorepeat (2) of a pedal held down.
        if (e.type != devices::EvKey || e.value != 1 || (m_options.pedalKey >= 0 && e.code != m_options.pedalKey))
            continue;
        if (m_lastPress.isValid() && m_lastPress.elapsed() < PedalDebounceMs)
            continue;
        m_lastPress.start();
        const QString jobId = QStringLiteral("pedal-%1").arg(++m_pedalPresses);
        qCDebug(lcDriverCameraUvc) << "pedal" << devices::evdevKeyName(e.code) << "→" << jobId;
        Q_EMIT pedalPressed(jobId);
        capture(jobId);
    }
}

} // namespace hall::drivers::camerauvc
