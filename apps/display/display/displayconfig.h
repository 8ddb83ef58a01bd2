#pragma once

#include <display/display_export.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QTime>

namespace hall::display {

// D5: when the wall is on. Each period holds on its days (1 = Monday … 7 = Sunday) from `on`
// to `off` (the same day); no periods at all: always on.
struct HALL_DISPLAY_EXPORT Schedule
{
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
};

// hall-display's own part of the PC's config ("app" in PcConfig), read strictly:
//
//   "app": {
//     "layout": "wall-layout.json",        // relative to the config file; default: built in
//     "schedule": [{"days": [1, 2, 3, 4, 5], "on": "08:00", "off": "18:00"},
//                  {"days": [6], "on": "09:00", "off": "12:00"}]
//   }
struct HALL_DISPLAY_EXPORT DisplayConfig
{
    Q_DECLARE_TR_FUNCTIONS(DisplayConfig)
public:
    QString layoutFile; // absolute; empty: Layout::defaultFile()
    Schedule schedule;

    // `configFile` is where the section came from (relative paths are relative to it).
    static bool read(const QJsonObject &app, const QString &configFile, DisplayConfig *out, QString *error);
};

} // namespace hall::display
