#include "types.h"

#include <QJsonArray>

namespace hall::net {

namespace {

// Reads fields by type; the first problem is kept with its path. Missing optional fields
// keep the struct's default; a field that is there with the wrong type is always an error.
class Reader
{
public:
    Reader(const QJsonObject &o, QString path, QString *error) : m_o(o), m_path(std::move(path)), m_error(error) {}

    bool ok() const { return m_ok; }
    QString pathOf(const QString &key) const { return m_path.isEmpty() ? key : m_path + u'.' + key; }
    void fail(const QString &key, const QString &what)
    {
        if (m_ok && m_error)
            *m_error = pathOf(key) + QStringLiteral(": ") + what;
        m_ok = false;
    }

    QJsonValue take(const QString &key, bool required)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() && required)
            fail(key, QStringLiteral("missing"));
        return v;
    }
    void str(const QString &key, QString *out, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (v.isString())
            *out = v.toString();
        else if (!v.isUndefined() && !v.isNull())
            fail(key, QStringLiteral("not a string"));
        else if (v.isNull() && required)
            fail(key, QStringLiteral("null"));
    }
    template<typename I>
    void integer(const QString &key, I *out, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (v.isUndefined())
            return;
        if (!v.isDouble() || v.toDouble() != double(qint64(v.toDouble())))
            return fail(key, QStringLiteral("not an integer"));
        *out = I(v.toInteger());
    }
    void boolean(const QString &key, bool *out, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (v.isBool())
            *out = v.toBool();
        else if (!v.isUndefined())
            fail(key, QStringLiteral("not a boolean"));
    }
    void dateTime(const QString &key, QDateTime *out, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (v.isUndefined() || v.isNull())
            return;
        const QDateTime t = v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs) : QDateTime();
        if (!t.isValid())
            return fail(key, QStringLiteral("not an ISO 8601 time"));
        *out = t;
    }
    void date(const QString &key, QDate *out, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (v.isUndefined() || v.isNull())
            return;
        const QDate d = v.isString() ? QDate::fromString(v.toString(), Qt::ISODate) : QDate();
        if (!d.isValid())
            return fail(key, QStringLiteral("not an ISO 8601 date"));
        *out = d;
    }
    QJsonArray array(const QString &key, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (!v.isUndefined() && !v.isArray())
            fail(key, QStringLiteral("not an array"));
        return v.toArray();
    }
    // Present and an object: true. Absent or null: false. Anything else: an error.
    bool object(const QString &key, QJsonObject *out, bool required = false)
    {
        const QJsonValue v = take(key, required);
        if (v.isObject()) {
            *out = v.toObject();
            return true;
        }
        if (!v.isUndefined() && !(v.isNull() && !required))
            fail(key, QStringLiteral("not an object"));
        return false;
    }
    void strings(const QString &key, QStringList *out, bool required = false)
    {
        const QJsonArray a = array(key, required);
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString())
                return fail(QStringLiteral("%1[%2]").arg(key).arg(i), QStringLiteral("not a string"));
            out->append(a.at(i).toString());
        }
    }
    template<typename T, typename F>
    void list(const QString &key, QList<T> *out, F parse, bool required = false)
    {
        const QJsonArray a = array(key, required);
        for (qsizetype i = 0; i < a.size() && m_ok; ++i) {
            const QString p = pathOf(QStringLiteral("%1[%2]").arg(key).arg(i));
            if (!a.at(i).isObject())
                return fail(QStringLiteral("%1[%2]").arg(key).arg(i), QStringLiteral("not an object"));
            T item;
            if (!parse(a.at(i).toObject(), &item, m_error, p))
                m_ok = false;
            out->append(item);
        }
    }
    template<typename E>
    void enumeration(const QString &key, E *out, bool (*fromName)(const QString &, E *), bool required = false)
    {
        QString name;
        str(key, &name, required);
        if (!name.isEmpty() && !fromName(name, out))
            fail(key, QStringLiteral("unknown value \"%1\"").arg(name));
    }

private:
    QJsonObject m_o;
    QString m_path;
    QString *m_error;
    bool m_ok = true;
};

} // namespace

bool parseBlobUpload(const QJsonObject &o, BlobUpload *out, QString *error)
{
    Reader r(o, {}, error);
    r.str(QStringLiteral("upload"), &out->upload);
    r.integer(QStringLiteral("offset"), &out->offset, true);
    r.integer(QStringLiteral("size"), &out->size, true);
    r.boolean(QStringLiteral("complete"), &out->complete, true);
    r.integer(QStringLiteral("chunkBytes"), &out->chunkBytes);
    if (r.ok() && !out->complete && out->upload.isEmpty())
        r.fail(QStringLiteral("upload"), QStringLiteral("missing for an incomplete blob"));
    return r.ok();
}

bool parseHealth(const QJsonObject &o, Health *out, QString *error)
{
    Reader r(o, {}, error);
    r.str(QStringLiteral("status"), &out->status, true);
    r.str(QStringLiteral("version"), &out->version, true);
    r.str(QStringLiteral("database"), &out->database);
    r.dateTime(QStringLiteral("time"), &out->time);
    r.strings(QStringLiteral("halls"), &out->halls);
    return r.ok();
}

bool parseSignInWays(const QJsonObject &o, SignInWays *out, QString *error)
{
    Reader r(o, {}, error);
    r.boolean(QStringLiteral("password"), &out->password, true);
    r.boolean(QStringLiteral("certificate"), &out->certificate, true);
    return r.ok();
}

bool parseSession(const QJsonObject &o, Session *out, QString *error)
{
    Reader r(o, {}, error);
    r.str(QStringLiteral("token"), &out->token, true);
    r.dateTime(QStringLiteral("expiresAt"), &out->expiresAt, true);
    r.str(QStringLiteral("role"), &out->role, true);
    r.str(QStringLiteral("name"), &out->name);
    r.str(QStringLiteral("hall"), &out->hall);
    if (r.ok() && out->token.isEmpty())
        r.fail(QStringLiteral("token"), QStringLiteral("empty"));
    return r.ok();
}

bool parseAccount(const QJsonObject &o, Account *out, QString *error)
{
    Reader r(o, {}, error);
    r.integer(QStringLiteral("id"), &out->id, true);
    r.str(QStringLiteral("login"), &out->login, true);
    r.str(QStringLiteral("name"), &out->name);
    r.str(QStringLiteral("role"), &out->role, true);
    r.dateTime(QStringLiteral("expiresAt"), &out->expiresAt);
    return r.ok();
}

bool parseHallInfo(const QJsonObject &o, HallInfo *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.str(QStringLiteral("code"), &out->code, true);
    r.str(QStringLiteral("name"), &out->name, true);
    r.integer(QStringLiteral("windows"), &out->windows);
    r.integer(QStringLiteral("businesses"), &out->businesses);
    return r.ok();
}

bool parseBusiness(const QJsonObject &o, BusinessStatus *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.str(QStringLiteral("code"), &out->code, true);
    r.str(QStringLiteral("name"), &out->name, true);
    r.str(QStringLiteral("prefix"), &out->prefix);
    r.integer(QStringLiteral("waiting"), &out->waiting, true);
    r.integer(QStringLiteral("issuedToday"), &out->issuedToday, true);
    r.integer(QStringLiteral("remaining"), &out->remaining, true);
    r.boolean(QStringLiteral("available"), &out->available, true);
    r.boolean(QStringLiteral("paused"), &out->paused);
    r.str(QStringLiteral("blockedBy"), &out->blockedBy);
    r.str(QStringLiteral("blockedReason"), &out->blockedReason);
    r.list(QStringLiteral("priorities"), &out->priorities,
           [](const QJsonObject &p, PriorityLevel *level, QString *err, const QString &at) {
               Reader pr(p, at, err);
               pr.str(QStringLiteral("name"), &level->name, true);
               pr.integer(QStringLiteral("level"), &level->level, true);
               return pr.ok();
           });
    return r.ok();
}

bool parseTicket(const QJsonObject &o, TicketInfo *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.integer(QStringLiteral("id"), &out->id, true);
    r.str(QStringLiteral("number"), &out->number, true);
    r.str(QStringLiteral("business"), &out->business, true);
    r.str(QStringLiteral("businessName"), &out->businessName);
    r.enumeration(QStringLiteral("status"), &out->status, &core::ticketStatusFromName, true);
    r.enumeration(QStringLiteral("source"), &out->source, &core::ticketSourceFromName);
    r.integer(QStringLiteral("priority"), &out->priority);
    r.boolean(QStringLiteral("green"), &out->green);
    r.date(QStringLiteral("day"), &out->day);
    r.dateTime(QStringLiteral("issuedAt"), &out->issuedAt);
    r.str(QStringLiteral("window"), &out->window);
    r.str(QStringLiteral("targetWindow"), &out->targetWindow);
    r.dateTime(QStringLiteral("appointmentAt"), &out->appointmentAt);
    r.dateTime(QStringLiteral("calledAt"), &out->calledAt);
    r.dateTime(QStringLiteral("callableAfter"), &out->callableAfter);
    r.dateTime(QStringLiteral("finishedAt"), &out->finishedAt);
    r.integer(QStringLiteral("masterId"), &out->masterId);
    r.integer(QStringLiteral("callCount"), &out->callCount);
    r.integer(QStringLiteral("missedCount"), &out->missedCount);
    r.integer(QStringLiteral("peopleAhead"), &out->peopleAhead);
    r.integer(QStringLiteral("printCount"), &out->printCount);
    r.str(QStringLiteral("appointmentCode"), &out->appointmentCode);
    r.strings(QStringLiteral("ticketLines"), &out->ticketLines);
    if (r.ok() && out->id <= 0)
        r.fail(QStringLiteral("id"), QStringLiteral("not positive"));
    return r.ok();
}

bool parseWindow(const QJsonObject &o, WindowStatus *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.str(QStringLiteral("number"), &out->number, true);
    r.str(QStringLiteral("name"), &out->name);
    r.enumeration(QStringLiteral("state"), &out->state, &core::windowStateFromName, true);
    r.dateTime(QStringLiteral("since"), &out->since);
    r.boolean(QStringLiteral("attendanceProblem"), &out->attendanceProblem);
    r.integer(QStringLiteral("waiting"), &out->waiting, true);
    r.str(QStringLiteral("policy"), &out->policy);
    r.integer(QStringLiteral("officerId"), &out->officerId);
    r.str(QStringLiteral("pauseType"), &out->pauseType);
    r.str(QStringLiteral("pauseReason"), &out->pauseReason);
    QJsonObject current;
    if (r.object(QStringLiteral("current"), &current)) {
        TicketInfo t;
        if (!parseTicket(current, &t, error, r.pathOf(QStringLiteral("current"))))
            return false;
        out->current = t;
    }
    r.strings(QStringLiteral("businesses"), &out->businesses);
    return r.ok();
}

bool parseCallResult(const QJsonObject &o, CallResult *out, QString *error)
{
    Reader r(o, {}, error);
    QJsonObject ticket;
    if (!o.contains(QStringLiteral("ticket")))
        r.fail(QStringLiteral("ticket"), QStringLiteral("missing"));
    else if (r.object(QStringLiteral("ticket"), &ticket)) {
        TicketInfo t;
        if (!parseTicket(ticket, &t, error, QStringLiteral("ticket")))
            return false;
        out->ticket = t;
    }
    r.dateTime(QStringLiteral("countdownUntil"), &out->countdownUntil);
    r.integer(QStringLiteral("finished"), &out->finished);
    r.integer(QStringLiteral("skipped"), &out->skipped);
    const QJsonArray subs = r.array(QStringLiteral("subTickets"));
    for (const QJsonValue &v : subs) {
        if (!v.isDouble())
            r.fail(QStringLiteral("subTickets"), QStringLiteral("not an integer"));
        out->subTickets.append(v.toInteger());
    }
    return r.ok();
}

bool parseAppointment(const QJsonObject &o, Appointment *out, QString *error)
{
    Reader r(o, {}, error);
    r.integer(QStringLiteral("id"), &out->id, true);
    r.str(QStringLiteral("code"), &out->code, true);
    r.dateTime(QStringLiteral("slotStart"), &out->slotStart);
    r.dateTime(QStringLiteral("slotEnd"), &out->slotEnd);
    return r.ok();
}

bool parseLease(const QJsonObject &o, Lease *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.integer(QStringLiteral("id"), &out->id, true);
    r.str(QStringLiteral("business"), &out->business, true);
    r.str(QStringLiteral("prefix"), &out->prefix, true);
    r.integer(QStringLiteral("from"), &out->from, true);
    r.integer(QStringLiteral("to"), &out->to, true);
    r.str(QStringLiteral("fromNumber"), &out->fromNumber);
    r.str(QStringLiteral("toNumber"), &out->toNumber);
    r.integer(QStringLiteral("digits"), &out->digits, true);
    r.date(QStringLiteral("day"), &out->day, true);
    r.dateTime(QStringLiteral("grantedAt"), &out->grantedAt, true);
    r.dateTime(QStringLiteral("until"), &out->until, true);
    r.str(QStringLiteral("device"), &out->device);
    r.integer(QStringLiteral("used"), &out->used);
    r.integer(QStringLiteral("returnedFrom"), &out->returnedFrom);
    r.dateTime(QStringLiteral("returnedAt"), &out->returnedAt);
    return r.ok();
}

bool parseDeviceStatus(const QJsonObject &o, DeviceStatusInfo *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.str(QStringLiteral("device"), &out->device, true);
    r.str(QStringLiteral("account"), &out->account);
    r.str(QStringLiteral("role"), &out->role);
    r.str(QStringLiteral("condition"), &out->condition, true);
    r.boolean(QStringLiteral("reachable"), &out->reachable, true);
    r.integer(QStringLiteral("every"), &out->everySeconds);
    r.dateTime(QStringLiteral("observedAt"), &out->observedAt);
    r.dateTime(QStringLiteral("reportedAt"), &out->reportedAt, true);
    r.integer(QStringLiteral("silentSeconds"), &out->silentSeconds);
    const QJsonArray parts = r.array(QStringLiteral("parts"), true);
    for (qsizetype i = 0; i < parts.size() && r.ok(); ++i) {
        Reader p(parts.at(i).toObject(), r.pathOf(QStringLiteral("parts[%1]").arg(i)), error);
        DevicePart part;
        p.str(QStringLiteral("part"), &part.part, true);
        p.str(QStringLiteral("state"), &part.state, true);
        p.str(QStringLiteral("message"), &part.message);
        if (!p.ok())
            return false;
        out->parts.append(part);
    }
    return r.ok();
}

bool parseCallRecord(const QJsonObject &o, CallRecord *out, QString *error, const QString &path)
{
    Reader r(o, path, error);
    r.dateTime(QStringLiteral("at"), &out->at, true);
    r.str(QStringLiteral("kind"), &out->kind, true);
    r.str(QStringLiteral("number"), &out->number, true);
    r.str(QStringLiteral("window"), &out->window);
    r.integer(QStringLiteral("officerId"), &out->officerId);
    r.str(QStringLiteral("status"), &out->status);
    r.integer(QStringLiteral("callCount"), &out->callCount);
    r.integer(QStringLiteral("ticketId"), &out->ticketId);
    return r.ok();
}

bool parseSummary(const QJsonObject &o, HallSummary *out, QString *error)
{
    Reader r(o, QStringLiteral("data"), error);
    r.str(QStringLiteral("hall"), &out->hall, true);
    r.str(QStringLiteral("name"), &out->name);
    r.list(QStringLiteral("businesses"), &out->businesses, &parseBusiness, true);
    r.list(QStringLiteral("windows"), &out->windows, &parseWindow, true);
    r.boolean(QStringLiteral("full"), &out->full); // absent: the whole hall
    return r.ok();
}

bool parseEvent(const QJsonObject &message, HallEvent *out, QString *error)
{
    static const QHash<QString, HallEvent::Type> types{
        {QStringLiteral("ticket.issued"), HallEvent::Type::TicketIssued},
        {QStringLiteral("ticket.called"), HallEvent::Type::TicketCalled},
        {QStringLiteral("ticket.serving"), HallEvent::Type::TicketServing},
        {QStringLiteral("ticket.finished"), HallEvent::Type::TicketFinished},
        {QStringLiteral("ticket.hung"), HallEvent::Type::TicketHung},
        {QStringLiteral("ticket.abandoned"), HallEvent::Type::TicketAbandoned},
        {QStringLiteral("ticket.missed"), HallEvent::Type::TicketMissed},
        {QStringLiteral("ticket.transferred"), HallEvent::Type::TicketTransferred},
        {QStringLiteral("window.state"), HallEvent::Type::WindowState},
        {QStringLiteral("queue.cleared"), HallEvent::Type::QueueCleared},
    };
    Reader r(message, {}, error);
    r.str(QStringLiteral("type"), &out->typeName, true);
    r.integer(QStringLiteral("seq"), &out->seq, true);
    r.dateTime(QStringLiteral("at"), &out->at);
    r.object(QStringLiteral("data"), &out->data, true);
    if (!r.ok())
        return false;
    out->type = types.value(out->typeName, HallEvent::Type::Other);
    const QJsonObject &d = out->data;
    Reader dr(d, QStringLiteral("data"), error);
    switch (out->type) {
    case HallEvent::Type::WindowState: {
        WindowStatus w;
        if (!parseWindow(d, &w, error, QStringLiteral("data")))
            return false;
        out->window = w;
        return true;
    }
    case HallEvent::Type::QueueCleared:
        dr.integer(QStringLiteral("count"), &out->clearedCount, true);
        return dr.ok();
    case HallEvent::Type::Other:
        return true; // a newer server's event: passed on untyped
    default:
        break;
    }
    TicketInfo t;
    if (!parseTicket(d, &t, error, QStringLiteral("data")))
        return false;
    out->ticket = t;
    if (out->type == HallEvent::Type::TicketCalled) {
        dr.str(QStringLiteral("window"), &out->callWindow, true);
        dr.str(QStringLiteral("windowName"), &out->callWindowName);
        dr.str(QStringLiteral("kind"), &out->callKind, true);
        dr.dateTime(QStringLiteral("countdownUntil"), &out->countdownUntil);
    } else if (out->type == HallEvent::Type::TicketMissed) {
        dr.boolean(QStringLiteral("notify"), &out->notify);
    } else if (out->type == HallEvent::Type::TicketTransferred) {
        dr.str(QStringLiteral("fromWindow"), &out->fromWindow);
    }
    return dr.ok();
}

} // namespace hall::net
