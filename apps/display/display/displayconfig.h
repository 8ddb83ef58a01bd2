#pragma once

#include <display/display_export.h>

#include <core/schedule.h>

#include <QCoreApplication>
#include <QJsonObject>

namespace hall::display {

// D5: when the wall is on (no periods: always).
using Schedule = core::WeekSchedule;

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
