#pragma once

#include <core/core_export.h>

#include <QString>

namespace hall::core {

// Public screens and exports never show personal data in clear (D4, SEC3).
HALL_CORE_EXPORT QString maskName(const QString &name);      // 张三 → 张*, 张三丰 → 张*丰
HALL_CORE_EXPORT QString maskIdNumber(const QString &id);    // 4401**********123X
HALL_CORE_EXPORT QString maskPhone(const QString &phone);    // 138****5678

} // namespace hall::core
