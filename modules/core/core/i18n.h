#pragma once

#include <core/core_export.h>

#include <QString>

namespace hall::core {

// Loads the embedded translation for `locale` ("zh_CN" unless HALL_LANG or the argument
// says otherwise; "en" keeps the English source strings). Returns false when none exists.
HALL_CORE_EXPORT bool installTranslations(const QString &locale = {});

} // namespace hall::core
