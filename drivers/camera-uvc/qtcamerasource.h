#pragma once

#include "cameraoptions.h"
#include "framesource.h"

#include <QCameraDevice>
#include <QHash>
#include <QMutex>
#include <QQueue>
#include <QTimer>
#include <QVariantMap>
#include <QVideoFrame>

QT_BEGIN_NAMESPACE
class QCamera;
class QImageCapture;
class QMediaCaptureSession;
class QMediaDevices;
class QVideoSink;
QT_END_NAMESPACE

namespace hall::drivers::camerauvc {

// A UVC camera through Qt Multimedia (GStreamer on Linux: v4l2src). The camera streams at the
// chosen still resolution, so a still is the next frame of the stream (as Qt's GStreamer
// backend takes them), but only while a preview or a still wants it, and IdleStreamMs after:
// a 13 MP stream decoded for nobody costs a core. It is started once at open, so a camera held
// by another program is found out at once. Preview frames are the newest frame, made small
// before their colour conversion (previewImage) at the preview rate, never a backlog.
// Unplugging is seen in QMediaDevices::videoInputsChanged.
class QtCameraSource final : public FrameSource
{
    Q_OBJECT
public:
    explicit QtCameraSource(Port port, QObject *parent = nullptr);
    ~QtCameraSource() override;

    bool open(devices::Device::Error *error, QString *message) override;
    void close() override;
    QString name() const override;
    QList<QSize> resolutions() const override { return m_resolutions; }
    void setStillResolution(const QSize &size) override;
    void setPreview(bool on, int fps, int maxWidth) override;
    void captureStill(int ticket) override;
    bool cancelStill(int ticket) override;

    // How long the stream runs on after the last preview frame or still: the next page's still
    // comes at once, without the camera starting again (about a second).
    static constexpr int IdleStreamMs = 5000;

    // The cameras Qt Multimedia lists: id, description, default, photoResolutions ("4160×3120",
    // largest first). For hall-devices.
    static QVariantList cameras();
    static QList<CameraInfo> cameraInfos();

private:
    void cameraError(const QString &text);
    void issueCaptures();
    void updateStream();
    void convertPreview();

    Port m_port;
    QCameraDevice m_device;
    QList<QSize> m_resolutions;
    QMediaDevices *m_devices = nullptr;
    QCamera *m_camera = nullptr;
    QMediaCaptureSession *m_session = nullptr;
    QImageCapture *m_capture = nullptr;
    QVideoSink *m_sink = nullptr;
    QHash<int, int> m_tickets; // QImageCapture id → the driver's ticket
    QQueue<int> m_waiting;     // tickets waiting for the camera to be ready
    // Preview: the sink hands over frames on GStreamer's thread; only the newest is kept.
    QMutex m_frameMutex;
    QVideoFrame m_latest;
    bool m_fresh = false;
    bool m_previewOn = false;
    int m_previewWidth = 1024;
    QTimer m_preview;
    QTimer m_idle; // stops the stream nobody wants
};

} // namespace hall::drivers::camerauvc
