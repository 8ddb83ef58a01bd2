#include "kioskconfig.h"

#include <core/jsonreader.h>

#include <QDir>
#include <QFileInfo>
#include <QSize>

namespace hall::kiosk {

QSize KioskConfig::screenSize() const
{
    return orientation == Orientation::Portrait ? QSize(1080, 1920) : QSize(1920, 1080);
}

bool KioskConfig::read(const QJsonObject &app, const QString &configFile, KioskConfig *out, QString *error)
{
    KioskConfig config;
    core::JsonReader r(app, QStringLiteral("app"));
    const QDir base = QFileInfo(configFile).absoluteDir();
    const QString orientation = r.string(QStringLiteral("orientation"));
    if (orientation == QLatin1String("landscape"))
        config.orientation = Orientation::Landscape;
    else if (!orientation.isEmpty() && orientation != QLatin1String("portrait"))
        r.fail(tr("app.orientation: \"portrait\" or \"landscape\", not \"%1\"").arg(orientation));
    const QJsonArray hours = r.array(QStringLiteral("hours"));
    QString hoursError;
    if (r.ok() && !core::WeekSchedule::read(hours, QStringLiteral("app.hours"), &config.hours, &hoursError))
        r.fail(hoursError);
    const QString url = r.string(QStringLiteral("followUrl"));
    if (!url.isEmpty())
        config.followUrl = url;
    const QString ticket = r.string(QStringLiteral("ticketTemplate"));
    if (!ticket.isEmpty())
        config.ticketTemplateFile = base.absoluteFilePath(ticket);
    const QString cache = r.string(QStringLiteral("cache"));
    if (!cache.isEmpty())
        config.cacheFile = base.absoluteFilePath(cache);
    const QString voice = r.string(QStringLiteral("voice"));
    if (!voice.isEmpty())
        config.voice = voice;
    config.reminders = r.boolean(QStringLiteral("reminders"), config.reminders);
    if (!r.finish()) {
        *error = tr("The configuration file %1 is not right: %2").arg(configFile, r.error());
        return false;
    }
    *out = config;
    return true;
}

} // namespace hall::kiosk
