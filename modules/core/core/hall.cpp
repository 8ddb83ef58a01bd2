#include "hall.h"

#include "jsonreader.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

namespace hall::core {

BusinessHours::Half BusinessHours::halfAt(QTime t) const
{
    if (morningStart.isValid() && t >= morningStart && t < morningEnd)
        return Half::Morning;
    if (afternoonStart.isValid() && t >= afternoonStart && t < afternoonEnd)
        return Half::Afternoon;
    return Half::Closed;
}

QString Business::formatNumber(const QString &pfx, int seq) const
{
    return pfx + QString::number(seq).rightJustified(digits, u'0');
}

int Business::leaseStart() const
{
    // The top fifth: 800–999 of 001–999, so a day's online numbers start at 001 and an offline
    // ticket is told apart at a glance.
    return leaseFrom > 0 ? leaseFrom : rangeStart + (rangeEnd - rangeStart + 1) * 4 / 5;
}

bool Window::serves(const QString &businessCode) const
{
    for (const Binding &b : bindings) {
        if (b.businessCode == businessCode)
            return true;
    }
    return false;
}

QString callPolicyName(CallPolicy policy)
{
    switch (policy) {
    case CallPolicy::Arrival: return QStringLiteral("arrival");
    case CallPolicy::Order: return QStringLiteral("order");
    case CallPolicy::Weight: return QStringLiteral("weight");
    }
    return {};
}

const Business *HallConfig::business(const QString &code) const
{
    for (const Business &b : businesses) {
        if (b.code == code)
            return &b;
    }
    return nullptr;
}

const Business *HallConfig::businessById(qint64 id) const
{
    for (const Business &b : businesses) {
        if (b.id == id)
            return &b;
    }
    return nullptr;
}

const Window *HallConfig::window(const QString &number) const
{
    for (const Window &w : windows) {
        if (w.number == number)
            return &w;
    }
    return nullptr;
}

const Window *HallConfig::windowById(qint64 id) const
{
    for (const Window &w : windows) {
        if (w.id == id)
            return &w;
    }
    return nullptr;
}

const WindowGroup *HallConfig::group(const QString &code) const
{
    for (const WindowGroup &g : groups) {
        if (g.code == code)
            return &g;
    }
    return nullptr;
}

namespace {

const QRegularExpression &codePattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
    return re;
}

const QRegularExpression &prefixPattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Z]{0,3}$"));
    return re;
}

Quota readQuota(JsonReader &parent, const QString &key)
{
    Quota q;
    if (!parent.has(key))
        return q;
    JsonReader r(parent.object(key), parent.pathOf(key));
    q.morning = r.integer(QStringLiteral("morning"), -1, -1, 100000);
    q.afternoon = r.integer(QStringLiteral("afternoon"), -1, -1, 100000);
    q.daily = r.integer(QStringLiteral("daily"), -1, -1, 100000);
    r.finish();
    if (!r.ok())
        parent.fail(r.error());
    return q;
}

QJsonObject quotaJson(const Quota &q)
{
    QJsonObject o;
    if (q.morning >= 0)
        o.insert(QStringLiteral("morning"), q.morning);
    if (q.afternoon >= 0)
        o.insert(QStringLiteral("afternoon"), q.afternoon);
    if (q.daily >= 0)
        o.insert(QStringLiteral("daily"), q.daily);
    return o;
}

// ["08:30", "12:00"] → a half-day range; absent means closed that half.
bool readRange(JsonReader &parent, const QString &key, QTime *start, QTime *end)
{
    if (!parent.has(key))
        return true;
    const QJsonArray a = parent.array(key);
    const QTime s = QTime::fromString(a.at(0).toString(), QStringLiteral("HH:mm"));
    const QTime e = QTime::fromString(a.at(1).toString(), QStringLiteral("HH:mm"));
    if (a.size() != 2 || !s.isValid() || !e.isValid() || s >= e) {
        parent.fail(HallConfig::tr("%1: must be [\"start\", \"end\"] with start before end, like [\"08:30\", \"12:00\"]")
                        .arg(parent.pathOf(key)));
        return false;
    }
    *start = s;
    *end = e;
    return true;
}

QJsonArray rangeJson(QTime s, QTime e)
{
    return QJsonArray{s.toString(QStringLiteral("HH:mm")), e.toString(QStringLiteral("HH:mm"))};
}

QString checkCode(JsonReader &r, const QString &key, QSet<QString> *seen)
{
    const QString code = r.string(key, true);
    if (!r.ok())
        return code;
    if (!codePattern().match(code).hasMatch())
        r.fail(HallConfig::tr("%1: \"%2\" may hold only letters, digits, - and _ (at most 32)").arg(r.pathOf(key), code));
    else if (seen && seen->contains(code))
        r.fail(HallConfig::tr("%1: \"%2\" is used twice").arg(r.pathOf(key), code));
    if (seen)
        seen->insert(code);
    return code;
}

QString checkPrefix(JsonReader &r, const QString &key, const QString &fallback)
{
    QString p = r.string(key, false, fallback);
    if (r.ok() && !prefixPattern().match(p).hasMatch())
        r.fail(HallConfig::tr("%1: \"%2\" must be up to three capital letters").arg(r.pathOf(key), p));
    // An explicit "" for a kind of ticket means the business's own prefix, as when absent;
    // kept as "" it would clash with every other business that wrote "" too.
    if (p.isEmpty())
        p = fallback;
    return p;
}

} // namespace

bool HallConfig::fromJson(const QJsonObject &json, HallConfig *out, QString *error)
{
    HallConfig cfg;
    JsonReader r(json);
    cfg.code = checkCode(r, QStringLiteral("code"), nullptr);
    cfg.name = r.string(QStringLiteral("name"), true);

    {
        JsonReader rr(r.object(QStringLiteral("rules")), QStringLiteral("rules"));
        QueueRules &q = cfg.rules;
        q.recallLimit = rr.integer(QStringLiteral("recallLimit"), q.recallLimit, 1, 20);
        q.missedRecallMinutes = rr.integer(QStringLiteral("missedRecallMinutes"), q.missedRecallMinutes, 0, 24 * 60);
        q.missedPriorityBoost = rr.integer(QStringLiteral("missedPriorityBoost"), q.missedPriorityBoost, 0, 100);
        q.missedLimit = rr.integer(QStringLiteral("missedLimit"), q.missedLimit, 0, 20);
        q.countdownSeconds = rr.integer(QStringLiteral("countdownSeconds"), q.countdownSeconds, 5, 3600);
        q.clearAt = rr.time(QStringLiteral("clearAt"), q.clearAt);
        q.blockUnserved = rr.boolean(QStringLiteral("blockUnserved"), q.blockUnserved);
        q.appointmentEarlyMinutes = rr.integer(QStringLiteral("appointmentEarlyMinutes"), q.appointmentEarlyMinutes, 0, 24 * 60);
        q.appointmentGraceMinutes = rr.integer(QStringLiteral("appointmentGraceMinutes"), q.appointmentGraceMinutes, 0, 24 * 60);
        q.maxPauseMinutes = rr.integer(QStringLiteral("maxPauseMinutes"), q.maxPauseMinutes, 1, 24 * 60);
        rr.finish();
        if (!rr.ok())
            r.fail(rr.error());
    }

    QSet<QString> floorCodes, groupCodes, businessCodes, windowNumbers, logins;
    const QJsonArray floors = r.array(QStringLiteral("floors"));
    for (qsizetype i = 0; i < floors.size() && r.ok(); ++i) {
        JsonReader fr(floors.at(i).toObject(), QStringLiteral("floors[%1]").arg(i));
        Floor f;
        f.code = checkCode(fr, QStringLiteral("code"), &floorCodes);
        f.name = fr.string(QStringLiteral("name"), true);
        fr.finish();
        if (!fr.ok())
            r.fail(fr.error());
        cfg.floors.append(f);
    }

    const QJsonArray groups = r.array(QStringLiteral("groups"));
    for (qsizetype i = 0; i < groups.size() && r.ok(); ++i) {
        JsonReader gr(groups.at(i).toObject(), QStringLiteral("groups[%1]").arg(i));
        WindowGroup g;
        g.code = checkCode(gr, QStringLiteral("code"), &groupCodes);
        g.name = gr.string(QStringLiteral("name"), true);
        g.quota = readQuota(gr, QStringLiteral("quota"));
        gr.finish();
        if (!gr.ok())
            r.fail(gr.error());
        cfg.groups.append(g);
    }

    const QJsonArray businesses = r.array(QStringLiteral("businesses"), true);
    if (r.ok() && businesses.isEmpty())
        r.fail(tr("businesses: a hall needs at least one business"));
    QSet<QString> prefixes;
    for (qsizetype i = 0; i < businesses.size() && r.ok(); ++i) {
        JsonReader br(businesses.at(i).toObject(), QStringLiteral("businesses[%1]").arg(i));
        Business b;
        b.code = checkCode(br, QStringLiteral("code"), &businessCodes);
        b.name = br.string(QStringLiteral("name"), true);
        b.prefix = checkPrefix(br, QStringLiteral("prefix"), {});
        b.appointmentPrefix = checkPrefix(br, QStringLiteral("appointmentPrefix"), b.prefix);
        b.greenPrefix = checkPrefix(br, QStringLiteral("greenPrefix"), b.prefix);
        b.specialPrefix = checkPrefix(br, QStringLiteral("specialPrefix"), b.prefix);
        b.digits = br.integer(QStringLiteral("digits"), 3, 1, 6);
        if (br.has(QStringLiteral("range"))) {
            const QJsonArray range = br.array(QStringLiteral("range"));
            const int s = range.at(0).toInt(-1), e = range.at(1).toInt(-1);
            if (range.size() != 2 || s < 0 || e < s)
                br.fail(tr("%1: must be [first, last] with first ≤ last, like [1, 499]").arg(br.pathOf(QStringLiteral("range"))));
            b.rangeStart = s;
            b.rangeEnd = e;
        } else {
            b.rangeEnd = 1;
            for (int d = 0; d < b.digits; ++d)
                b.rangeEnd *= 10;
            b.rangeEnd -= 1;
        }
        if (br.ok() && QString::number(b.rangeEnd).size() > b.digits)
            br.fail(tr("%1: the range end %2 does not fit in %3 digits").arg(br.pathOf(QStringLiteral("range"))).arg(b.rangeEnd).arg(b.digits));
        // The first number leased to kiosks for offline tickets (docs/sync.md); inside the range.
        b.leaseFrom = br.integer(QStringLiteral("leaseFrom"), 0, b.rangeStart, b.rangeEnd);
        // Numbers must never collide between businesses: every prefix a business uses is its own.
        // The message names the field that holds the clashing prefix, not always "prefix".
        const std::pair<QString, QString> kinds[] = {{QStringLiteral("prefix"), b.prefix},
                                                     {QStringLiteral("appointmentPrefix"), b.appointmentPrefix},
                                                     {QStringLiteral("greenPrefix"), b.greenPrefix},
                                                     {QStringLiteral("specialPrefix"), b.specialPrefix}};
        for (const auto &[field, p] : kinds) {
            if (br.ok() && prefixes.contains(p))
                br.fail(tr("%1: prefix \"%2\" is already used by another business").arg(br.pathOf(field), p));
        }
        prefixes.unite(QSet<QString>{b.prefix, b.appointmentPrefix, b.greenPrefix, b.specialPrefix});
        b.groupCode = br.string(QStringLiteral("group"));
        if (br.ok() && !b.groupCode.isEmpty() && !groupCodes.contains(b.groupCode))
            br.fail(tr("%1: no window group \"%2\"").arg(br.pathOf(QStringLiteral("group")), b.groupCode));
        {
            JsonReader hr(br.object(QStringLiteral("hours"), true), br.pathOf(QStringLiteral("hours")));
            readRange(hr, QStringLiteral("morning"), &b.hours.morningStart, &b.hours.morningEnd);
            readRange(hr, QStringLiteral("afternoon"), &b.hours.afternoonStart, &b.hours.afternoonEnd);
            hr.finish();
            if (hr.ok() && !b.hours.morningStart.isValid() && !b.hours.afternoonStart.isValid())
                hr.fail(tr("%1: give a morning or an afternoon range").arg(br.pathOf(QStringLiteral("hours"))));
            if (hr.ok() && b.hours.morningStart.isValid() && b.hours.afternoonStart.isValid()
                && b.hours.afternoonStart < b.hours.morningEnd)
                hr.fail(tr("%1: the afternoon starts before the morning ends").arg(br.pathOf(QStringLiteral("hours"))));
            if (!hr.ok())
                br.fail(hr.error());
        }
        b.quota = readQuota(br, QStringLiteral("quota"));
        {
            const QJsonObject pr = br.object(QStringLiteral("priorities"));
            for (auto it = pr.constBegin(); it != pr.constEnd(); ++it) {
                const double d = it->toDouble(-1);
                if (!it->isDouble() || d < 0 || d > 100 || d != static_cast<int>(d)) {
                    br.fail(tr("%1.%2: a priority level must be a whole number 0–100").arg(br.pathOf(QStringLiteral("priorities")), it.key()));
                    break;
                }
                b.priorities.insert(it.key(), static_cast<int>(d));
            }
        }
        b.paused = br.boolean(QStringLiteral("paused"), false);
        for (const QJsonValue &line : br.array(QStringLiteral("ticketLines"))) {
            if (!line.isString())
                br.fail(tr("%1: must be a list of text lines").arg(br.pathOf(QStringLiteral("ticketLines"))));
            b.ticketLines.append(line.toString());
        }
        b.remindAhead = br.integer(QStringLiteral("remindAhead"), 3, 0, 99);
        br.finish();
        if (!br.ok())
            r.fail(br.error());
        cfg.businesses.append(b);
    }

    const QJsonArray windows = r.array(QStringLiteral("windows"), true);
    for (qsizetype i = 0; i < windows.size() && r.ok(); ++i) {
        JsonReader wr(windows.at(i).toObject(), QStringLiteral("windows[%1]").arg(i));
        Window w;
        w.number = checkCode(wr, QStringLiteral("number"), &windowNumbers);
        w.name = wr.string(QStringLiteral("name"), false, tr("Window %1").arg(w.number));
        w.floorCode = wr.string(QStringLiteral("floor"));
        if (wr.ok() && !w.floorCode.isEmpty() && !floorCodes.contains(w.floorCode))
            wr.fail(tr("%1: no floor \"%2\"").arg(wr.pathOf(QStringLiteral("floor")), w.floorCode));
        w.groupCode = wr.string(QStringLiteral("group"));
        if (wr.ok() && !w.groupCode.isEmpty() && !groupCodes.contains(w.groupCode))
            wr.fail(tr("%1: no window group \"%2\"").arg(wr.pathOf(QStringLiteral("group")), w.groupCode));
        const QString policy = wr.string(QStringLiteral("policy"), false, QStringLiteral("arrival"));
        if (policy == QLatin1String("arrival"))
            w.policy = CallPolicy::Arrival;
        else if (policy == QLatin1String("order"))
            w.policy = CallPolicy::Order;
        else if (policy == QLatin1String("weight"))
            w.policy = CallPolicy::Weight;
        else
            wr.fail(tr("%1: must be arrival, order or weight").arg(wr.pathOf(QStringLiteral("policy"))));
        const QJsonArray binds = wr.array(QStringLiteral("businesses"), true);
        if (wr.ok() && binds.isEmpty())
            wr.fail(tr("%1: a window serves at least one business").arg(wr.pathOf(QStringLiteral("businesses"))));
        for (qsizetype j = 0; j < binds.size() && wr.ok(); ++j) {
            JsonReader bb(binds.at(j).toObject(), wr.pathOf(QStringLiteral("businesses[%1]").arg(j)));
            Binding b;
            b.businessCode = bb.string(QStringLiteral("code"), true);
            b.order = bb.integer(QStringLiteral("order"), static_cast<int>(j) + 1, 1, 1000);
            b.weight = bb.integer(QStringLiteral("weight"), 1, 1, 1000);
            bb.finish();
            if (bb.ok() && !businessCodes.contains(b.businessCode))
                bb.fail(tr("%1: no business \"%2\"").arg(bb.pathOf(QStringLiteral("code")), b.businessCode));
            if (bb.ok() && w.serves(b.businessCode))
                bb.fail(tr("%1: business \"%2\" is bound twice").arg(bb.pathOf(QStringLiteral("code")), b.businessCode));
            if (!bb.ok())
                wr.fail(bb.error());
            w.bindings.append(b);
        }
        wr.finish();
        if (!wr.ok())
            r.fail(wr.error());
        cfg.windows.append(w);
    }

    const QJsonArray accounts = r.array(QStringLiteral("accounts"));
    static const QStringList roles = {QStringLiteral("admin"), QStringLiteral("security"), QStringLiteral("auditor"), QStringLiteral("supervisor"),
                                      QStringLiteral("officer"), QStringLiteral("kiosk"),
                                      QStringLiteral("display"), QStringLiteral("caller")};
    for (qsizetype i = 0; i < accounts.size() && r.ok(); ++i) {
        JsonReader ar(accounts.at(i).toObject(), QStringLiteral("accounts[%1]").arg(i));
        Account a;
        a.login = checkCode(ar, QStringLiteral("login"), &logins);
        a.name = ar.string(QStringLiteral("name"), true);
        a.role = ar.string(QStringLiteral("role"), true);
        a.password = ar.string(QStringLiteral("password"), true);
        if (ar.ok() && !roles.contains(a.role))
            ar.fail(tr("%1: must be one of %2").arg(ar.pathOf(QStringLiteral("role")), roles.join(QStringLiteral(", "))));
        if (ar.ok() && a.password.size() < 8)
            ar.fail(tr("%1: at least 8 characters").arg(ar.pathOf(QStringLiteral("password"))));
        ar.finish();
        if (!ar.ok())
            r.fail(ar.error());
        cfg.accounts.append(a);
    }

    r.finish();
    if (!r.ok()) {
        if (error)
            *error = r.error();
        return false;
    }
    *out = std::move(cfg);
    return true;
}

QJsonObject HallConfig::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("code"), code);
    o.insert(QStringLiteral("name"), name);
    QJsonObject r;
    r.insert(QStringLiteral("recallLimit"), rules.recallLimit);
    r.insert(QStringLiteral("missedRecallMinutes"), rules.missedRecallMinutes);
    r.insert(QStringLiteral("missedPriorityBoost"), rules.missedPriorityBoost);
    r.insert(QStringLiteral("missedLimit"), rules.missedLimit);
    r.insert(QStringLiteral("countdownSeconds"), rules.countdownSeconds);
    r.insert(QStringLiteral("clearAt"), rules.clearAt.toString(QStringLiteral("HH:mm")));
    r.insert(QStringLiteral("blockUnserved"), rules.blockUnserved);
    r.insert(QStringLiteral("appointmentEarlyMinutes"), rules.appointmentEarlyMinutes);
    r.insert(QStringLiteral("appointmentGraceMinutes"), rules.appointmentGraceMinutes);
    r.insert(QStringLiteral("maxPauseMinutes"), rules.maxPauseMinutes);
    o.insert(QStringLiteral("rules"), r);

    QJsonArray fa;
    for (const Floor &f : floors)
        fa.append(QJsonObject{{QStringLiteral("code"), f.code}, {QStringLiteral("name"), f.name}});
    o.insert(QStringLiteral("floors"), fa);

    QJsonArray ga;
    for (const WindowGroup &g : groups) {
        QJsonObject go{{QStringLiteral("code"), g.code}, {QStringLiteral("name"), g.name}};
        if (g.quota.isLimited())
            go.insert(QStringLiteral("quota"), quotaJson(g.quota));
        ga.append(go);
    }
    o.insert(QStringLiteral("groups"), ga);

    QJsonArray ba;
    for (const Business &b : businesses) {
        QJsonObject bo{{QStringLiteral("code"), b.code},
                       {QStringLiteral("name"), b.name},
                       {QStringLiteral("prefix"), b.prefix},
                       {QStringLiteral("appointmentPrefix"), b.appointmentPrefix},
                       {QStringLiteral("greenPrefix"), b.greenPrefix},
                       {QStringLiteral("specialPrefix"), b.specialPrefix},
                       {QStringLiteral("digits"), b.digits},
                       {QStringLiteral("range"), QJsonArray{b.rangeStart, b.rangeEnd}},
                       {QStringLiteral("paused"), b.paused}};
        if (b.leaseFrom > 0)
            bo.insert(QStringLiteral("leaseFrom"), b.leaseFrom);
        if (!b.groupCode.isEmpty())
            bo.insert(QStringLiteral("group"), b.groupCode);
        QJsonObject hours;
        if (b.hours.morningStart.isValid())
            hours.insert(QStringLiteral("morning"), rangeJson(b.hours.morningStart, b.hours.morningEnd));
        if (b.hours.afternoonStart.isValid())
            hours.insert(QStringLiteral("afternoon"), rangeJson(b.hours.afternoonStart, b.hours.afternoonEnd));
        bo.insert(QStringLiteral("hours"), hours);
        if (b.quota.isLimited())
            bo.insert(QStringLiteral("quota"), quotaJson(b.quota));
        QJsonObject pr;
        for (auto it = b.priorities.constBegin(); it != b.priorities.constEnd(); ++it)
            pr.insert(it.key(), it.value());
        if (!pr.isEmpty())
            bo.insert(QStringLiteral("priorities"), pr);
        if (!b.ticketLines.isEmpty())
            bo.insert(QStringLiteral("ticketLines"), QJsonArray::fromStringList(b.ticketLines));
        if (b.remindAhead != 3)
            bo.insert(QStringLiteral("remindAhead"), b.remindAhead);
        ba.append(bo);
    }
    o.insert(QStringLiteral("businesses"), ba);

    QJsonArray wa;
    for (const Window &w : windows) {
        QJsonObject wo{{QStringLiteral("number"), w.number},
                       {QStringLiteral("name"), w.name},
                       {QStringLiteral("policy"), callPolicyName(w.policy)}};
        if (!w.floorCode.isEmpty())
            wo.insert(QStringLiteral("floor"), w.floorCode);
        if (!w.groupCode.isEmpty())
            wo.insert(QStringLiteral("group"), w.groupCode);
        QJsonArray binds;
        for (const Binding &b : w.bindings)
            binds.append(QJsonObject{{QStringLiteral("code"), b.businessCode},
                                     {QStringLiteral("order"), b.order},
                                     {QStringLiteral("weight"), b.weight}});
        wo.insert(QStringLiteral("businesses"), binds);
        wa.append(wo);
    }
    o.insert(QStringLiteral("windows"), wa);
    return o;
}

} // namespace hall::core
