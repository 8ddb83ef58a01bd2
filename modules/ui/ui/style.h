#pragma once

#include <ui/ui_export.h>

#include <QFont>

namespace hall::ui {

// `font` made `factor` times larger, whether it was sized in points or (by a style sheet, as
// touch mode does) in pixels.
HALL_UI_EXPORT QFont scaledFont(const QFont &font, double factor);

} // namespace hall::ui
