#pragma once

#include <devices/devices_export.h>

#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace hall::devices {

// Strict readers of a driver's options (DeviceConfig::options, from JSON, where numbers arrive
// as doubles). A missing option leaves *out as it is; a wrong one is refused with a translated
// message naming the option, and *out is untouched.
HALL_DEVICES_EXPORT bool intOption(const QVariantMap &map, const QString &key, int min, int max, int *out,
                                   QString *error);
HALL_DEVICES_EXPORT bool boolOption(const QVariantMap &map, const QString &key, bool *out, QString *error);
HALL_DEVICES_EXPORT bool isBoolValue(const QVariant &value); // a JSON true/false, not 0/1 or "yes"
// One of `accepted` (compared without case; *out gets the accepted spelling).
HALL_DEVICES_EXPORT bool choiceOption(const QVariantMap &map, const QString &key, const QStringList &accepted,
                                      QString *out, QString *error);
// A text (not a number, list or object).
HALL_DEVICES_EXPORT bool stringOption(const QVariantMap &map, const QString &key, QString *out, QString *error);
// Refuses the first option not in `known` (typos are refused, not ignored), naming the driver
// and the options it takes.
HALL_DEVICES_EXPORT bool knownOptions(const QVariantMap &map, const QStringList &known, const QString &driver,
                                      QString *error);

// Options every device takes (read by the Device base): class, reconnectMs.
HALL_DEVICES_EXPORT QStringList commonOptionKeys();
// Options of a link opened with Device::openLink() (Transport): baud, dataBits, parity, stopBits.
HALL_DEVICES_EXPORT QStringList linkOptionKeys();
// Checks the options of the Device base and of a link, so a driver's struct need not: a
// reconnectMs that is no whole number of ms, a dataBits, parity or stopBits a port cannot take.
HALL_DEVICES_EXPORT bool checkCommonOptions(const QVariantMap &map, QString *error);
HALL_DEVICES_EXPORT bool checkLinkOptions(const QVariantMap &map, QString *error);

// A driver's options read once into its struct: every reader records the key as known, the
// first failure is kept, finish() refuses the keys nobody read. For example
//     OptionReader r(config.options);
//     r.integer(u"timeoutMs"_s, 10, 60000, &o.timeoutMs).integer(u"retries"_s, 0, 10, &o.retries);
//     if (!r.finish(u"idcard-sam"_s, linkOptionKeys())) { setError(Configuration, r.error()); … }
class HALL_DEVICES_EXPORT OptionReader
{
public:
    explicit OptionReader(QVariantMap options);

    OptionReader &integer(const QString &key, int min, int max, int *out);
    OptionReader &boolean(const QString &key, bool *out);
    OptionReader &choice(const QString &key, const QStringList &accepted, QString *out);
    OptionReader &string(const QString &key, QString *out);
    // Keys the driver reads itself (lists, maps) or that others read (the link's).
    OptionReader &allow(const QStringList &keys);
    // A failure found by the driver's own checks (the message names the option).
    void fail(const QString &message);

    // Refuses unknown keys (the common ones and `alsoKnown` are known) and checks the common
    // options; true if everything read was right.
    bool finish(const QString &driver, const QStringList &alsoKnown = {});
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    const QVariantMap &options() const { return m_options; }

private:
    QVariantMap m_options;
    QStringList m_known;
    QString m_error;
};

} // namespace hall::devices
