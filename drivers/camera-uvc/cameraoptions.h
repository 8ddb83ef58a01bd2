#pragma once

// The camera-uvc driver's decisions as pure functions: options, which camera a port names,
// which still resolution and which stream format to use, the dpi of a still, what a camera
// error means. Shared by the driver and its tests (tests/drivers/tst_camera_uvc.cpp), which
// check them directly as well as through the plugin.

#include <devices/device.h>

#include <QList>
#include <QSize>
#include <QString>
#include <QVariantMap>

namespace hall::drivers::camerauvc {

// A4 document cameras show an A4 page lengthwise with a margin: about this much of the desk
// along the frame's long side. Measure a ruler under the camera and set options.fieldMm.
inline constexpr double DefaultFieldMm = 330;
inline constexpr int DefaultPreviewFps = 10;
inline constexpr int DefaultPreviewWidth = 1024;
inline constexpr int DefaultCaptureTimeoutMs = 10000;
inline constexpr int PedalDebounceMs = 300; // one press of a bouncing switch, not two photos

struct Options
{
    QSize resolution;           // the still size asked for; empty: the largest the camera offers
    double fieldMm = DefaultFieldMm; // what the frame's long side covers on the desk; 0: unknown
    int previewFps = DefaultPreviewFps;
    int previewWidth = DefaultPreviewWidth; // preview frames are scaled down to this width
    int captureTimeoutMs = DefaultCaptureTimeoutMs;
    QString pedal;     // evdev node of a USB foot pedal; empty: none
    int pedalKey = -1; // the key the pedal sends; -1: any key
    bool pedalGrab = true;
};

// Reads the driver's options (docs/protocols/camera-uvc.md). Unknown keys and bad values are
// refused with a translated message naming the option.
bool parseOptions(const QVariantMap &map, Options *out, QString *error);

// "4160x3120" (also "4160×3120", "4160*3120") → QSize; an invalid size when it is none.
QSize parseSize(const QString &text);
QString sizeText(const QSize &size);                 // "4160×3120"
QString sizesText(const QList<QSize> &sizes);        // "4160×3120, 1600×1200" or "none"

// Distinct valid sizes, largest first: by area, then by width (4:3 before 16:9 of equal area).
QList<QSize> sortedResolutions(QList<QSize> sizes);

// The still resolution to use: `wanted` when the camera offers it, the largest it offers when
// nothing is wanted (`wanted` empty). An invalid size when `wanted` is not offered, or when
// the camera offers nothing.
QSize chooseStillResolution(const QList<QSize> &offered, const QSize &wanted = {});

// What a port names: the default camera ("" or "default"), image files ("file:<folder or
// file>"), or a camera by id ("/dev/video2" with GStreamer) or by a part of its description.
struct Port
{
    enum Kind { Default, File, Camera } kind = Default;
    QString value; // the path for File, the id or description part for Camera
};
Port parsePort(const QString &port);

struct CameraInfo
{
    QString id;
    QString description;
    bool isDefault = false;
};
// Index of the camera a port names in `cameras`: the default one (else the first) for Default;
// for Camera an exact id, else the first description containing the text (case-insensitive).
// -1 when none matches.
int matchCamera(const QList<CameraInfo> &cameras, const Port &port);

// One stream format a camera offers.
struct StreamFormat
{
    QSize resolution;
    bool compressed = false; // MJPEG: the only way most cameras stream 13 MP at a usable rate
    float maxFps = 0;
};
// The format to stream for stills of `still` size (Qt's GStreamer backend takes stills from
// the stream): that size at the highest frame rate, MJPEG on a tie. -1 when none has the size.
int chooseFormat(const QList<StreamFormat> &formats, const QSize &still);

// Dots per metre of a still whose long side covers `fieldMm` of the desk; 0 when unknown.
int dotsPerMeter(const QSize &still, double fieldMm);

// What a camera's error text means: busy (another program has it), permission (the user may
// not open /dev/video*), or anything else; with a translated hint for the officer.
struct CameraProblem
{
    devices::Device::Error error = devices::Device::Error::DeviceReported;
    QString message;
};
CameraProblem classifyCameraError(const QString &camera, const QString &text);

} // namespace hall::drivers::camerauvc
