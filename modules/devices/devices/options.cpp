#include "options.h"

#include <QCoreApplication>

namespace hall::devices {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DeviceOptions)
};
} // namespace

bool isBoolValue(const QVariant &value)
{
    return value.typeId() == QMetaType::Bool;
}

bool intOption(const QVariantMap &map, const QString &key, int min, int max, int *out, QString *error)
{
    if (!map.contains(key))
        return true;
    const QVariant v = map.value(key);
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok || isBoolValue(v) || d != double(qint64(d)) || d < min || d > max) {
        *error = Text::tr("options.%1: \"%2\" is not a whole number from %3 to %4.").arg(key, v.toString()).arg(min).arg(max);
        return false;
    }
    *out = int(d);
    return true;
}

bool boolOption(const QVariantMap &map, const QString &key, bool *out, QString *error)
{
    if (!map.contains(key))
        return true;
    if (!isBoolValue(map.value(key))) {
        *error = Text::tr("options.%1: give true or false, not \"%2\".").arg(key, map.value(key).toString());
        return false;
    }
    *out = map.value(key).toBool();
    return true;
}

} // namespace hall::devices
