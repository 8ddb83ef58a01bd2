#include "options.h"

#include <QCoreApplication>

#include <algorithm>

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

bool choiceOption(const QVariantMap &map, const QString &key, const QStringList &accepted, QString *out, QString *error)
{
    if (!map.contains(key))
        return true;
    const QVariant v = map.value(key);
    if (v.typeId() == QMetaType::QString) {
        for (const QString &a : accepted) {
            if (a.compare(v.toString(), Qt::CaseInsensitive) == 0) {
                *out = a;
                return true;
            }
        }
    }
    *error = Text::tr("options.%1: \"%2\" is not one of %3.").arg(key, v.toString(), accepted.join(QStringLiteral(", ")));
    return false;
}

bool stringOption(const QVariantMap &map, const QString &key, QString *out, QString *error)
{
    if (!map.contains(key))
        return true;
    const QVariant v = map.value(key);
    if (v.typeId() != QMetaType::QString) {
        *error = Text::tr("options.%1: give a text in quotes, not \"%2\".").arg(key, v.toString());
        return false;
    }
    *out = v.toString();
    return true;
}

bool knownOptions(const QVariantMap &map, const QStringList &known, const QString &driver, QString *error)
{
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!known.contains(it.key())) {
            *error = Text::tr("options.%1: unknown option of the %2 driver (it takes %3).")
                         .arg(it.key(), driver, known.join(QStringLiteral(", ")));
            return false;
        }
    }
    return true;
}

QStringList commonOptionKeys()
{
    return {QStringLiteral("class"), QStringLiteral("reconnectMs")};
}

QStringList linkOptionKeys()
{
    return {QStringLiteral("baud"), QStringLiteral("dataBits"), QStringLiteral("parity"), QStringLiteral("stopBits")};
}

bool checkCommonOptions(const QVariantMap &map, QString *error)
{
    int reconnectMs = 0;
    QString cls;
    return intOption(map, QStringLiteral("reconnectMs"), 1, 3600000, &reconnectMs, error)
        && stringOption(map, QStringLiteral("class"), &cls, error);
}

bool checkLinkOptions(const QVariantMap &map, QString *error)
{
    // The baud rate is checked by the link itself, against the rates a port can take.
    int dataBits = 8, stopBits = 1;
    QString parity;
    const QStringList parities{QStringLiteral("none"), QStringLiteral("even"), QStringLiteral("odd")};
    if (!intOption(map, QStringLiteral("dataBits"), 5, 8, &dataBits, error)
        || !intOption(map, QStringLiteral("stopBits"), 1, 2, &stopBits, error)
        || !choiceOption(map, QStringLiteral("parity"), parities, &parity, error))
        return false;
    // The link reads the parity as written: "EVEN" would be no parity there.
    if (map.contains(QStringLiteral("parity")) && map.value(QStringLiteral("parity")).toString() != parity) {
        *error = Text::tr("options.%1: \"%2\" is not one of %3.").arg(QStringLiteral("parity"), map.value(QStringLiteral("parity")).toString(),
                                                                    parities.join(QStringLiteral(", ")));
        return false;
    }
    return true;
}

OptionReader::OptionReader(QVariantMap options) : m_options(std::move(options)) {}

OptionReader &OptionReader::integer(const QString &key, int min, int max, int *out)
{
    m_known.append(key);
    if (ok())
        intOption(m_options, key, min, max, out, &m_error);
    return *this;
}

OptionReader &OptionReader::boolean(const QString &key, bool *out)
{
    m_known.append(key);
    if (ok())
        boolOption(m_options, key, out, &m_error);
    return *this;
}

OptionReader &OptionReader::choice(const QString &key, const QStringList &accepted, QString *out)
{
    m_known.append(key);
    if (ok())
        choiceOption(m_options, key, accepted, out, &m_error);
    return *this;
}

OptionReader &OptionReader::string(const QString &key, QString *out)
{
    m_known.append(key);
    if (ok())
        stringOption(m_options, key, out, &m_error);
    return *this;
}

OptionReader &OptionReader::allow(const QStringList &keys)
{
    m_known.append(keys);
    return *this;
}

void OptionReader::fail(const QString &message)
{
    if (ok())
        m_error = message;
}

bool OptionReader::finish(const QString &driver, const QStringList &alsoKnown)
{
    if (ok())
        knownOptions(m_options, m_known + alsoKnown + commonOptionKeys(), driver, &m_error);
    if (ok())
        checkCommonOptions(m_options, &m_error);
    if (ok() && std::any_of(alsoKnown.cbegin(), alsoKnown.cend(), [](const QString &k) { return linkOptionKeys().contains(k); }))
        checkLinkOptions(m_options, &m_error);
    return ok();
}

} // namespace hall::devices
