#pragma once

#include <imaging/pageprocessing.h>

#include <QSize>

namespace hall::imaging {

// Synthetic photographed documents, for tests, benchmarks and the virtual document camera:
// a rendered A4 form with Chinese text, seen by a camera that is tilted and turned, lying on
// a desk, with uneven light, a cast shadow, blur and sensor noise, and where its corners truly are.

enum class Background { Wood, DarkDesk, GreyFabric, CuttingMat };

struct SyntheticSpec
{
    QSize frame{1600, 1200};
    double pageHeight = 0.8;   // the page's on-frame height as a fraction of the frame's
    double rotation = 0;       // degrees, clockwise, of the page in the frame
    double tilt = 0;           // degrees the camera looks askew at the page (perspective)
    double tiltDirection = 0;  // degrees: 0 the page's top is the far edge, 90 its right edge
    QPointF offset;            // page off the optical axis, about fractions of the frame
    Background background = Background::Wood;
    double shadow = 0.3;       // 0…0.6: light falling off across the frame, and the cast shadow
    double noise = 4;          // sensor noise, standard deviation in grey levels
    quint32 seed = 1;
};

struct SyntheticPhoto
{
    QImage image;
    Quad corners{}; // top-left, top-right, bottom-right, bottom-left of the page, exact
    QImage page;    // the flat page that was photographed
};

// An A4 form `width` pixels wide (title, numbered fields, a table, a red seal) in
// "Noto Sans CJK SC". Needs a QGuiApplication for the fonts. Its DPI is recorded as A4.
HALL_IMAGING_EXPORT QImage renderA4Page(int width, quint32 seed = 1);

HALL_IMAGING_EXPORT SyntheticPhoto photographPage(const SyntheticSpec &spec);

} // namespace hall::imaging
