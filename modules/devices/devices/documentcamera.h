#pragma once

#include <devices/device.h>

#include <QImage>
#include <QList>
#include <QMutex>
#include <QSize>

namespace hall::devices {

// Document cameras (高拍仪): a live preview for placing the page and full-resolution stills.
// Drivers choose the highest still resolution unless setStillResolution() says otherwise.
class HALL_DEVICES_EXPORT DocumentCamera : public Device
{
    Q_OBJECT
public:
    using Device::Device;

    // Preview frames arrive with previewFrame() between previewStarted() and previewStopped().
    Q_INVOKABLE virtual void startPreview() = 0;
    Q_INVOKABLE virtual void stopPreview() = 0;
    // One still: captured(jobId, image) with the image's resolution set where the device
    // knows it, or captureFailed(jobId, …).
    Q_INVOKABLE virtual void capture(const QString &jobId) = 0;
    // One of resolutions(); a size the camera does not offer fails with Configuration.
    Q_INVOKABLE virtual void setStillResolution(const QSize &size) = 0;

    // The still resolutions of the opened camera, largest first (thread-safe).
    QList<QSize> resolutions() const;

Q_SIGNALS:
    void previewStarted();
    void previewStopped();
    void previewFrame(const QImage &frame);
    void captured(const QString &jobId, const QImage &image);
    void captureFailed(const QString &jobId, hall::devices::Device::Error error, const QString &message);
    void resolutionsReported(const QList<QSize> &resolutions);

protected:
    void setResolutions(const QList<QSize> &resolutions);

private:
    mutable QMutex m_mutex;
    QList<QSize> m_resolutions;
};

class DocumentCameraFactory
{
public:
    virtual ~DocumentCameraFactory() = default;
    virtual DocumentCamera *createDocumentCamera(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

#define HallDocumentCameraFactory_iid "org.hallsuite.devices.DocumentCameraFactory/1"
Q_DECLARE_INTERFACE(hall::devices::DocumentCameraFactory, HallDocumentCameraFactory_iid)
