#pragma once

#include <devices/devices_export.h>

#include <QString>
#include <QVariantMap>

namespace hall::devices {

// Strict readers of a driver's options (DeviceConfig::options, from JSON, where numbers arrive
// as doubles). A missing option leaves *out as it is; a wrong one is refused with a translated
// message naming the option, and *out is untouched.
HALL_DEVICES_EXPORT bool intOption(const QVariantMap &map, const QString &key, int min, int max, int *out,
                                   QString *error);
HALL_DEVICES_EXPORT bool boolOption(const QVariantMap &map, const QString &key, bool *out, QString *error);
HALL_DEVICES_EXPORT bool isBoolValue(const QVariant &value); // a JSON true/false, not 0/1 or "yes"

} // namespace hall::devices
