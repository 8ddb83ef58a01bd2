#pragma once

#include <devices/device.h>

#include <QImage>
#include <QList>
#include <QObject>
#include <QSize>

namespace hall::drivers::camerauvc {

// Where the camera driver's pictures come from: a camera through Qt Multimedia
// (QtCameraSource) or image files (FileFrameSource, port "file:…", so every decision of the
// driver is tested end to end without a camera). A source only fetches pictures; the driver
// decides resolutions, jobs, timeouts, dpi and preview pacing. It lives on the device thread.
class FrameSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Opens the source; on failure *error and *message say why (NotFound, PermissionDenied,
    // Configuration …), the message translated and naming what was looked for.
    virtual bool open(devices::Device::Error *error, QString *message) = 0;
    virtual void close() = 0;
    virtual QString name() const = 0;             // the camera or file as messages name it
    virtual QList<QSize> resolutions() const = 0; // still sizes it offers, in any order
    virtual void setStillResolution(const QSize &size) = 0; // one of resolutions()
    // Preview frames at about `fps`, at most `maxWidth` wide (the driver scales what is wider).
    virtual void setPreview(bool on, int fps, int maxWidth) = 0;
    // One still: stillCaptured(ticket, …) or stillFailed(ticket, …), exactly once, later,
    // unless cancelled.
    virtual void captureStill(int ticket) = 0;
    // The driver gave up on a still (its capture timeout): forget it, no signal of it follows.
    // False when the source cannot take another still until it is opened again (a camera
    // pipeline that swallowed the request or never became ready); the driver then reopens it.
    virtual bool cancelStill(int ticket) = 0;

Q_SIGNALS:
    void previewFrame(const QImage &frame);
    void stillCaptured(int ticket, const QImage &image);
    void stillFailed(int ticket, hall::devices::Device::Error error, const QString &message);
    // The camera went away (unplugged, the folder removed): the driver reconnects.
    void lost(const QString &reason);
};

} // namespace hall::drivers::camerauvc
