#include "displayconfig.h"

#include <core/jsonreader.h>

#include <QDir>
#include <QFileInfo>

namespace hall::display {

bool DisplayConfig::read(const QJsonObject &app, const QString &configFile, DisplayConfig *out, QString *error)
{
    DisplayConfig config;
    core::JsonReader r(app, QStringLiteral("app"));
    const QString layout = r.string(QStringLiteral("layout"));
    if (!layout.isEmpty())
        config.layoutFile = QFileInfo(configFile).absoluteDir().absoluteFilePath(layout);
    const QJsonArray schedule = r.array(QStringLiteral("schedule"));
    QString scheduleError;
    if (r.ok() && !Schedule::read(schedule, QStringLiteral("app.schedule"), &config.schedule, &scheduleError))
        r.fail(scheduleError);
    if (!r.finish()) {
        *error = tr("The configuration file %1 is not right: %2").arg(configFile, r.error());
        return false;
    }
    *out = config;
    return true;
}

} // namespace hall::display
