#include "style.h"

#include <cmath>

namespace hall::ui {

QFont scaledFont(const QFont &font, double factor)
{
    QFont out = font;
    if (font.pointSizeF() > 0)
        out.setPointSizeF(font.pointSizeF() * factor);
    else if (font.pixelSize() > 0)
        out.setPixelSize(int(std::lround(font.pixelSize() * factor)));
    return out;
}

} // namespace hall::ui
