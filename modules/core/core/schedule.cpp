#include "schedule.h"

#include <core/jsonreader.h>

#include <QTimeZone>

namespace hall::core {

bool WeekSchedule::isOn(const QDateTime &at) const
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

QDateTime WeekSchedule::nextChange(const QDateTime &at) const
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

bool WeekSchedule::read(const QJsonArray &array, const QString &path, WeekSchedule *out, QString *error)
{
    WeekSchedule schedule;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(path).arg(i);
        if (!array.at(i).isObject()) {
            *error = tr("%1: must be an object {\"days\": [1, …, 7], \"on\": \"08:00\", \"off\": \"18:00\"}").arg(at);
            return false;
        }
        JsonReader p(array.at(i).toObject(), at);
        Period period;
        const QJsonArray days = p.array(QStringLiteral("days"), true);
        for (const QJsonValue &d : days) {
            const int day = d.toInt(0);
            if (!d.isDouble() || day < 1 || day > 7 || d.toDouble() != day) {
                p.fail(tr("%1.days: whole numbers from 1 (Monday) to 7 (Sunday)").arg(at));
                break;
            }
            period.days.append(day);
        }
        if (p.ok() && period.days.isEmpty())
            p.fail(tr("%1.days: at least one day").arg(at));
        period.on = p.time(QStringLiteral("on"), {}, true);
        period.off = p.time(QStringLiteral("off"), {}, true);
        if (p.ok() && period.off <= period.on)
            p.fail(tr("%1: \"off\" (%2) must come after \"on\" (%3) on the same day").arg(at, period.off.toString(QStringLiteral("HH:mm")),
                                                                                         period.on.toString(QStringLiteral("HH:mm"))));
        if (!p.finish() || !p.ok()) {
            *error = p.error();
            return false;
        }
        schedule.periods.append(period);
    }
    *out = schedule;
    return true;
}

} // namespace hall::core
