#include "jsonreader.h"

#include <cmath>

namespace hall::core {

JsonReader::JsonReader(QJsonObject object, QString path)
    : m_object(std::move(object)), m_path(std::move(path))
{
}

QString JsonReader::pathOf(const QString &key) const
{
    return m_path.isEmpty() ? key : m_path + u'.' + key;
}

void JsonReader::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

QJsonValue JsonReader::take(const QString &key, bool required)
{
    m_seen.insert(key);
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd() || it->isNull()) {
        if (required)
            fail(tr("%1: required field is missing").arg(pathOf(key)));
        return QJsonValue(QJsonValue::Undefined);
    }
    return *it;
}

QString JsonReader::string(const QString &key, bool required, const QString &fallback)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    if (!v.isString()) {
        fail(tr("%1: must be text").arg(pathOf(key)));
        return fallback;
    }
    const QString s = v.toString().trimmed();
    if (required && s.isEmpty())
        fail(tr("%1: must not be empty").arg(pathOf(key)));
    return s;
}

int JsonReader::integer(const QString &key, int fallback, int min, int max, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    const double d = v.toDouble();
    // std::trunc, not a cast to an integer: casting a double beyond the integer's range is undefined.
    if (!v.isDouble() || std::trunc(d) != d) {
        fail(tr("%1: must be a whole number").arg(pathOf(key)));
        return fallback;
    }
    if (d < min || d > max) {
        fail(tr("%1: must be between %2 and %3").arg(pathOf(key)).arg(min).arg(max));
        return fallback;
    }
    return static_cast<int>(d);
}

qint64 JsonReader::int64(const QString &key, qint64 fallback, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    const double d = v.toDouble();
    if (!v.isDouble() || std::trunc(d) != d || d < 0 || d >= 9223372036854775808.0 /* 2^63 */) {
        fail(tr("%1: must be a whole number").arg(pathOf(key)));
        return fallback;
    }
    return static_cast<qint64>(d);
}

bool JsonReader::boolean(const QString &key, bool fallback)
{
    const QJsonValue v = take(key, false);
    if (v.isUndefined())
        return fallback;
    if (!v.isBool()) {
        fail(tr("%1: must be true or false").arg(pathOf(key)));
        return fallback;
    }
    return v.toBool();
}

QTime JsonReader::time(const QString &key, const QTime &fallback, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return fallback;
    const QTime t = QTime::fromString(v.toString(), QStringLiteral("HH:mm"));
    if (!v.isString() || !t.isValid()) {
        fail(tr("%1: must be a time like 08:30").arg(pathOf(key)));
        return fallback;
    }
    return t;
}

QJsonArray JsonReader::array(const QString &key, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return {};
    if (!v.isArray()) {
        fail(tr("%1: must be a list").arg(pathOf(key)));
        return {};
    }
    return v.toArray();
}

QJsonObject JsonReader::object(const QString &key, bool required)
{
    const QJsonValue v = take(key, required);
    if (v.isUndefined())
        return {};
    if (!v.isObject()) {
        fail(tr("%1: must be an object").arg(pathOf(key)));
        return {};
    }
    return v.toObject();
}

bool JsonReader::finish()
{
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (!m_seen.contains(it.key())) {
            fail(tr("%1: unknown field").arg(pathOf(it.key())));
            break;
        }
    }
    return ok();
}

} // namespace hall::core
