#pragma once

#include <core/core_export.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QTime>

namespace hall::core {

// Opening hours by weekday: the wall's on/off times (D5), the kiosk's business hours. Each
// period holds on its days (1 = Monday … 7 = Sunday) from `on` to `off` (the same day); no
// periods at all: always on.
struct HALL_CORE_EXPORT WeekSchedule
{
    Q_DECLARE_TR_FUNCTIONS(WeekSchedule)
public:
    struct Period
    {
        QList<int> days;
        QTime on;
        QTime off;
    };
    QList<Period> periods;

    bool isOn(const QDateTime &at) const;
    // The next time isOn() changes after `at` (null when never: no periods).
    QDateTime nextChange(const QDateTime &at) const;

    // From a config array [{"days": [1, 2, 3, 4, 5], "on": "08:00", "off": "18:00"}, …], read
    // strictly; `path` names the array in errors ("app.schedule").
    static bool read(const QJsonArray &array, const QString &path, WeekSchedule *out, QString *error);
};

} // namespace hall::core
