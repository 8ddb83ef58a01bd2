#pragma once

#include <core/core_export.h>

#include <QDate>
#include <QString>

namespace hall::core {

// Resident ID numbers (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character.
// Also used for the 18-character numbers on HK/Macau/Taiwan residence permits.
HALL_CORE_EXPORT QChar idNumberCheckChar(QStringView first17);
HALL_CORE_EXPORT bool isValidIdNumber(QStringView id);
HALL_CORE_EXPORT QDate idNumberBirthDate(QStringView id);

// Mainland mobile numbers: 11 digits starting with 1[3-9].
HALL_CORE_EXPORT bool isValidMobile(QStringView phone);

} // namespace hall::core
