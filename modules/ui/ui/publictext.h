#pragma once

#include <ui/ui_export.h>

#include <QString>

namespace hall::ui {

// What may appear on a screen the public sees (the wall, a kiosk, a customer screen), D4:
// names masked (张三丰 → 张*丰), and no ID number or mobile number in any text — a notice typed by
// staff or a name configured for a window is passed through publicText() before it is shown.
HALL_UI_EXPORT QString publicName(const QString &name);
HALL_UI_EXPORT QString publicText(const QString &text);

} // namespace hall::ui
