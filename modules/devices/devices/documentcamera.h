#pragma once

#include <devices/device.h>

#include <QImage>
#include <QList>
#include <QMutex>
#include <QSize>

#include <atomic>

namespace hall::devices {

// Document cameras (高拍仪): a live preview for placing the page and full-resolution stills.
// Drivers choose the highest still resolution unless setStillResolution() says otherwise.
class HALL_DEVICES_EXPORT DocumentCamera : public Device
{
    Q_OBJECT
public:
    using Device::Device;

    // Preview frames arrive between previewStarted() and previewStopped(): each one with
    // previewFrame(), and as previewFrameReady() + takePreviewFrame() for a consumer that must
    // not fall behind (a UI thread busy for a while with a 13 MP photo).
    Q_INVOKABLE virtual void startPreview() = 0;
    Q_INVOKABLE virtual void stopPreview() = 0;
    // One still: captured(jobId, image) with the image's resolution set where the device
    // knows it, or captureFailed(jobId, …).
    Q_INVOKABLE virtual void capture(const QString &jobId) = 0;
    // One of resolutions(); a size the camera does not offer fails with Configuration.
    Q_INVOKABLE virtual void setStillResolution(const QSize &size) = 0;

    // The still resolutions of the opened camera, largest first (thread-safe).
    QList<QSize> resolutions() const;
    // The newest preview frame (thread-safe); the next frame published after this call sends
    // previewFrameReady() again. Null before the first frame.
    QImage takePreviewFrame();

Q_SIGNALS:
    void previewStarted();
    void previewStopped();
    // Every frame, queued to a consumer as fast as they come: a consumer slower than the
    // preview rate gets a backlog of stale frames. Prefer previewFrameReady().
    void previewFrame(const QImage &frame);
    // A new frame waits for takePreviewFrame(). Sent once until it is taken, however many frames
    // come meanwhile: connected queued, at most one notification and one frame are pending.
    void previewFrameReady();
    void captured(const QString &jobId, const QImage &image);
    void captureFailed(const QString &jobId, hall::devices::Device::Error error, const QString &message);
    void resolutionsReported(const QList<QSize> &resolutions);

protected:
    void setResolutions(const QList<QSize> &resolutions);
    // Drivers hand every preview frame here (not to previewFrame() directly): it becomes the
    // frame takePreviewFrame() returns, and previewFrame()/previewFrameReady() are sent.
    void publishPreviewFrame(const QImage &frame);

private:
    mutable QMutex m_mutex;
    QList<QSize> m_resolutions;
    QImage m_latestFrame;                    // under m_mutex
    std::atomic_bool m_frameNotified{false}; // a previewFrameReady() not yet followed by a take
};

class DocumentCameraFactory
{
public:
    virtual ~DocumentCameraFactory() = default;
    virtual DocumentCamera *createDocumentCamera(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

// 2: DocumentCamera grew (takePreviewFrame); a driver built against 1 does not fit it.
#define HallDocumentCameraFactory_iid "org.hallsuite.devices.DocumentCameraFactory/2"
Q_DECLARE_INTERFACE(hall::devices::DocumentCameraFactory, HallDocumentCameraFactory_iid)
