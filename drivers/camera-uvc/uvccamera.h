#pragma once

#include "cameraoptions.h"
#include "framesource.h"

#include <devices/documentcamera.h>
#include <devices/evdev.h>

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QQueue>
#include <QTimer>

namespace hall::drivers::camerauvc {

// A document camera (高拍仪) on USB Video Class: any camera Qt Multimedia lists, or image files
// (port "file:…") standing in for one. Streams at the chosen still resolution (the largest
// unless options.resolution or setStillResolution() say otherwise), previews scaled-down
// frames at options.previewFps, and takes one still per capture(jobId), in order, each with
// the dpi of options.fieldMm. A still not delivered within options.captureTimeoutMs fails with
// Timeout; a camera that swallowed the request is reopened. A camera lost right after each
// opening (held by another program) is retried less and less often. An optional USB foot pedal (options.pedal, an evdev node) takes a
// still on each press: pedalPressed(jobId), then the usual captured(jobId, …) with a job id of
// the form "pedal-N". The pedal is an accessory: without it the camera still works, and it is
// retried until it is back. See docs/protocols/camera-uvc.md.
class UvcCamera final : public devices::DocumentCamera
{
    Q_OBJECT
    Q_PROPERTY(bool pedalConnected READ isPedalConnected NOTIFY pedalConnectedChanged)
public:
    explicit UvcCamera(devices::DeviceConfig config, QObject *parent = nullptr);
    ~UvcCamera() override;

    void startPreview() override;
    void stopPreview() override;
    void capture(const QString &jobId) override;
    void setStillResolution(const QSize &size) override;

    Q_INVOKABLE QSize stillResolution() const { return m_still; }
    bool isPedalConnected() const { return m_pedal.isOpen(); }
    // The cameras Qt Multimedia lists (id, description, default, photoResolutions); works
    // while closed. For hall-devices, which need not link Qt Multimedia itself.
    Q_INVOKABLE QVariantList cameras() const;

Q_SIGNALS:
    void pedalPressed(const QString &jobId);
    void pedalConnectedChanged(bool connected);

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Job
    {
        QString id;
        int ticket = 0;
    };

    void startNext();
    void finishJob(const QString &jobId);
    void onStill(int ticket, const QImage &image);
    void onStillFailed(int ticket, Error error, const QString &message);
    void onFrame(const QImage &frame);
    void sourceLost(const QString &reason);
    void openPedal();
    void pedalEvents(const QByteArray &bytes);
    void pedalLost(devices::EvdevReader::Problem problem);

    Options m_options;
    FrameSource *m_source = nullptr;
    QSize m_still;
    QSize m_wanted; // asked for with setStillResolution() before the camera was open
    bool m_previewWanted = false; // kept across an unplug: the preview comes back with the camera
    bool m_previewing = false;
    QQueue<Job> m_jobs; // the first is with the source
    int m_nextTicket = 0;
    QTimer m_timeout;
    // Reconnecting: a camera lost right after each opening is retried less and less often.
    int m_reconnectMs = 500; // options.reconnectMs
    int m_quickLosses = 0;   // in a row, each soon after opening
    QElapsedTimer m_openedAt;
    // Pedal
    devices::EvdevReader m_pedal;
    devices::InputEventSplitter m_pedalEvents;
    QTimer m_pedalRetry;
    QString m_pedalProblem; // last reported, so a missing pedal is said once
    QElapsedTimer m_lastPress;
    int m_pedalPresses = 0;
};

} // namespace hall::drivers::camerauvc
