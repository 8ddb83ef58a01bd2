#pragma once

#include <core/core_export.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTime>

#include <limits>

namespace hall::core {

// Reads a JSON object strictly: every field has a type and a range, unknown fields are
// reported by finish(), and the first problem is kept with its path ("windows[2].number")
// so a hall engineer or API client sees exactly what to fix.
class HALL_CORE_EXPORT JsonReader
{
    Q_DECLARE_TR_FUNCTIONS(JsonReader)
public:
    explicit JsonReader(QJsonObject object, QString path = {});

    QString string(const QString &key, bool required = false, const QString &fallback = {});
    int integer(const QString &key, int fallback, int min = std::numeric_limits<int>::min(),
                int max = std::numeric_limits<int>::max(), bool required = false);
    qint64 int64(const QString &key, qint64 fallback, bool required = false);
    bool boolean(const QString &key, bool fallback);
    QTime time(const QString &key, const QTime &fallback, bool required = false);
    QJsonArray array(const QString &key, bool required = false);
    QJsonObject object(const QString &key, bool required = false);
    bool has(const QString &key) const { return m_object.contains(key); }

    // Fails on any key that no accessor asked for. Call after reading every field.
    bool finish();

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    void fail(const QString &message);
    QString pathOf(const QString &key) const;

private:
    QJsonValue take(const QString &key, bool required);

    QJsonObject m_object;
    QString m_path;
    QString m_error;
    QSet<QString> m_seen;
};

} // namespace hall::core
