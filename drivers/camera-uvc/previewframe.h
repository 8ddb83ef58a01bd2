#pragma once

// Preview pictures from a camera's frames without converting the whole frame first: a 13 MP
// frame becomes a 1024-wide preview at the cost of a 1 MP conversion. Shared by the driver and
// its tests (tests/drivers/tst_camera_uvc.cpp), which compare it with QVideoFrame::toImage().

#include <QImage>
#include <QVideoFrame>

namespace hall::drivers::camerauvc {

// A picture of `frame` at most `maxWidth` wide, aspect kept. Frames in system memory in the
// formats UVC cameras and GStreamer's decoders deliver (I420, YV12, NV12, NV21, YUY2, UYVY,
// grey, 32-bit RGB) are sampled at the preview's pixels (nearest, as the fast transformation
// scales) and only those are converted; anything else goes through toImage() and is scaled
// after. A null image when the frame holds no picture.
QImage previewImage(const QVideoFrame &frame, int maxWidth);

} // namespace hall::drivers::camerauvc
