#include "displayconfig.h"

#include <core/jsonreader.h>

#include <QDir>
#include <QFileInfo>
#include <QTimeZone>

namespace hall::display {

bool Schedule::isOn(const QDateTime &at) const
{
    if (periods.isEmpty())
        return true;
    const int day = at.date().dayOfWeek();
    const QTime time = at.time();
    for (const Period &p : periods) {
        if (p.days.contains(day) && time >= p.on && time < p.off)
            return true;
    }
    return false;
}

QDateTime Schedule::nextChange(const QDateTime &at) const
{
    if (periods.isEmpty())
        return {};
    const bool now = isOn(at);
    // Changes happen only at the periods' edges: look at each edge in the coming eight days.
    QDateTime best;
    for (int d = 0; d <= 8; ++d) {
        const QDate date = at.date().addDays(d);
        for (const Period &p : periods) {
            for (const QTime &edge : {p.on, p.off}) {
                const QDateTime t(date, edge, at.timeZone());
                if (t > at && isOn(t) != now && (!best.isValid() || t < best))
                    best = t;
            }
        }
        if (best.isValid())
            return best;
    }
    return best;
}

bool DisplayConfig::read(const QJsonObject &app, const QString &configFile, DisplayConfig *out, QString *error)
{
    DisplayConfig config;
    core::JsonReader r(app, QStringLiteral("app"));
    const QString layout = r.string(QStringLiteral("layout"));
    if (!layout.isEmpty())
        config.layoutFile = QFileInfo(configFile).absoluteDir().absoluteFilePath(layout);
    const QJsonArray schedule = r.array(QStringLiteral("schedule"));
    for (qsizetype i = 0; i < schedule.size() && r.ok(); ++i) {
        const QString path = QStringLiteral("app.schedule[%1]").arg(i);
        if (!schedule.at(i).isObject()) {
            r.fail(tr("%1: must be an object {\"days\": [1, …, 7], \"on\": \"08:00\", \"off\": \"18:00\"}").arg(path));
            break;
        }
        core::JsonReader p(schedule.at(i).toObject(), path);
        Schedule::Period period;
        const QJsonArray days = p.array(QStringLiteral("days"), true);
        for (const QJsonValue &d : days) {
            const int day = d.toInt(0);
            if (!d.isDouble() || day < 1 || day > 7 || d.toDouble() != day) {
                p.fail(tr("%1.days: whole numbers from 1 (Monday) to 7 (Sunday)").arg(path));
                break;
            }
            period.days.append(day);
        }
        if (p.ok() && period.days.isEmpty())
            p.fail(tr("%1.days: at least one day").arg(path));
        period.on = p.time(QStringLiteral("on"), {}, true);
        period.off = p.time(QStringLiteral("off"), {}, true);
        if (p.ok() && period.off <= period.on)
            p.fail(tr("%1: \"off\" (%2) must come after \"on\" (%3) on the same day").arg(path, period.off.toString(QStringLiteral("HH:mm")),
                                                                                           period.on.toString(QStringLiteral("HH:mm"))));
        if (!p.finish() || !p.ok())
            r.fail(p.error());
        config.schedule.periods.append(period);
    }
    if (!r.finish()) {
        *error = tr("The configuration file %1 is not right: %2").arg(configFile, r.error());
        return false;
    }
    *out = config;
    return true;
}

} // namespace hall::display
