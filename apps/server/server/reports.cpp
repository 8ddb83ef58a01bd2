#include "reports.h"

#include "audit.h"

#include <core/ticket.h>
#include <storage/database.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSqlQuery>
#include <QStringDecoder>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hall::server {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallReport)
};

const QString reportFormat = QStringLiteral("hallsuite-report/1");
const QString receiptFormat = QStringLiteral("hallsuite-receipt/1");

// A time as the hall reads it, with its offset from UTC so that a file read elsewhere is exact.
QJsonValue localTime(const QVariant &ms)
{
    if (ms.isNull())
        return QJsonValue::Null;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms.toLongLong());
    return t.toOffsetFromUtc(t.offsetFromUtc()).toString(Qt::ISODate);
}

qint64 seconds(qint64 fromMs, qint64 toMs) { return std::max<qint64>(0, (toMs - fromMs) / 1000); }

// The statistics of a group of tickets (a business, a window, an officer, the whole hall).
struct Tally
{
    int issued = 0, served = 0, missed = 0, voided = 0, cleared = 0, open = 0, offline = 0;
    QList<qint64> waits; // seconds from arrival to the first call, of served tickets
    qint64 serviceSeconds = 0;
    int ratings[5] = {0, 0, 0, 0, 0};

    qint64 averageService() const { return served ? qRound64(double(serviceSeconds) / served) : 0; }
    qint64 averageWait() const
    {
        return waits.isEmpty() ? 0 : qRound64(double(std::accumulate(waits.cbegin(), waits.cend(), qint64(0))) / waits.size());
    }
    // Nearest rank: 90 % of the served waited at most this long.
    qint64 p90Wait() const
    {
        if (waits.isEmpty())
            return 0;
        QList<qint64> sorted = waits;
        std::sort(sorted.begin(), sorted.end());
        return sorted.at(qsizetype(std::ceil(0.9 * double(sorted.size()))) - 1);
    }
    QJsonObject ratingsJson() const
    {
        QJsonObject r;
        for (int level = 1; level <= 5; ++level)
            r.insert(QString::number(level), ratings[level - 1]);
        return r;
    }
    QJsonObject queueJson() const
    {
        return {{QStringLiteral("issued"), issued},          {QStringLiteral("served"), served},
                {QStringLiteral("missed"), missed},          {QStringLiteral("voided"), voided},
                {QStringLiteral("cleared"), cleared},        {QStringLiteral("open"), open},
                {QStringLiteral("offline"), offline},        {QStringLiteral("averageWaitSeconds"), averageWait()},
                {QStringLiteral("p90WaitSeconds"), p90Wait()}, {QStringLiteral("averageServiceSeconds"), averageService()}};
    }
    QJsonObject workJson() const
    {
        return {{QStringLiteral("served"), served},
                {QStringLiteral("serviceSeconds"), serviceSeconds},
                {QStringLiteral("averageServiceSeconds"), averageService()},
                {QStringLiteral("ratings"), ratingsJson()}};
    }
};

struct Named
{
    QString key;
    QString name;
};

QByteArray csvField(const QString &s)
{
    QByteArray f = s.toUtf8();
    if (f.contains(',') || f.contains('"') || f.contains('\n') || f.contains('\r'))
        f = '"' + f.replace('"', "\"\"") + '"';
    return f;
}

QByteArray csvLine(const QStringList &fields)
{
    QByteArrayList out;
    for (const QString &f : fields)
        out << csvField(f);
    return out.join(',') + "\r\n";
}

QString number(const QJsonValue &v) { return QString::number(v.toInteger()); }

QStringList ratingColumns(const QJsonObject &ratings)
{
    QStringList out;
    for (int level = 5; level >= 1; --level)
        out << number(ratings.value(QString::number(level)));
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------
// the report's files

QByteArray HallReport::toJson() const { return QJsonDocument(json).toJson(QJsonDocument::Compact); }

QByteArray HallReport::toCsv() const
{
    const QJsonObject hall = json.value(QStringLiteral("hall")).toObject();
    QByteArray out = "\xEF\xBB\xBF"; // the BOM: Excel then reads the file as UTF-8
    out += csvLine({Tr::tr("Hall report"), hall.value(QStringLiteral("code")).toString(), hall.value(QStringLiteral("name")).toString()});
    out += csvLine({Tr::tr("Days"), json.value(QStringLiteral("from")).toString(), json.value(QStringLiteral("to")).toString()});
    out += csvLine({Tr::tr("Made at"), json.value(QStringLiteral("madeAt")).toString()});
    out += csvLine({Tr::tr("Signed with key"), json.value(QStringLiteral("keyId")).toString()});
    out += "\r\n";
    const QStringList queueKeys{QStringLiteral("issued"), QStringLiteral("served"), QStringLiteral("missed"), QStringLiteral("voided"),
                                QStringLiteral("cleared"), QStringLiteral("open"), QStringLiteral("offline"), QStringLiteral("averageWaitSeconds"),
                                QStringLiteral("p90WaitSeconds"), QStringLiteral("averageServiceSeconds")};
    const auto queueColumns = [&queueKeys](const QJsonObject &o) {
        QStringList out;
        for (const QString &k : queueKeys)
            out << number(o.value(k));
        return out;
    };
    out += csvLine({Tr::tr("Business"), Tr::tr("Name"), Tr::tr("Issued"), Tr::tr("Served"), Tr::tr("Missed"), Tr::tr("Voided"),
                    Tr::tr("Cleared"), Tr::tr("Not finished"), Tr::tr("Issued offline"), Tr::tr("Average wait (s)"),
                    Tr::tr("90% waited at most (s)"), Tr::tr("Average service (s)")});
    for (const QJsonValue &v : json.value(QStringLiteral("businesses")).toArray()) {
        const QJsonObject b = v.toObject();
        out += csvLine(QStringList{b.value(QStringLiteral("code")).toString(), b.value(QStringLiteral("name")).toString()} + queueColumns(b));
    }
    out += csvLine(QStringList{Tr::tr("All"), QString()} + queueColumns(json.value(QStringLiteral("totals")).toObject()));
    out += "\r\n";
    const QStringList workColumns{Tr::tr("Served"), Tr::tr("Service time (s)"), Tr::tr("Average service (s)"), Tr::tr("Very satisfied (5)"),
                                  Tr::tr("Satisfied (4)"), Tr::tr("Fairly satisfied (3)"), Tr::tr("Dissatisfied (2)"), Tr::tr("Very dissatisfied (1)")};
    const auto work = [](const QJsonObject &o) {
        return QStringList{number(o.value(QStringLiteral("served"))), number(o.value(QStringLiteral("serviceSeconds"))),
                           number(o.value(QStringLiteral("averageServiceSeconds")))}
            + ratingColumns(o.value(QStringLiteral("ratings")).toObject());
    };
    out += csvLine(QStringList{Tr::tr("Window"), Tr::tr("Name")} + workColumns);
    for (const QJsonValue &v : json.value(QStringLiteral("windows")).toArray()) {
        const QJsonObject w = v.toObject();
        out += csvLine(QStringList{w.value(QStringLiteral("number")).toString(), w.value(QStringLiteral("name")).toString()} + work(w));
    }
    out += "\r\n";
    out += csvLine(QStringList{Tr::tr("Officer (account id)")} + workColumns);
    for (const QJsonValue &v : json.value(QStringLiteral("officers")).toArray()) {
        const QJsonObject o = v.toObject();
        out += csvLine(QStringList{number(o.value(QStringLiteral("officer")))} + work(o));
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// the store

qint64 ReportStore::hallId(const QString &code, QString *error) const
{
    QSqlQuery q = query(QStringLiteral("SELECT id FROM halls WHERE code = ?"));
    q.addBindValue(code);
    if (!exec(q, error))
        return 0;
    return q.next() ? q.value(0).toLongLong() : 0;
}

bool ReportStore::report(qint64 hallId, const QDate &from, const QDate &to, HallReport *out, QString *error) const
{
    QSqlQuery hall = query(QStringLiteral("SELECT code, name FROM halls WHERE id = ?"));
    hall.addBindValue(hallId);
    if (!exec(hall, error))
        return false;
    if (!hall.next()) {
        *error = tr("No hall %1.").arg(hallId);
        return false;
    }
    QMap<qint64, Named> businesses, windows;
    for (const auto &[sql, map] : {std::pair{"SELECT id, code, name FROM businesses WHERE hall_id = ?", &businesses},
                                   std::pair{"SELECT id, number, name FROM windows WHERE hall_id = ?", &windows}}) {
        QSqlQuery q = query(QString::fromLatin1(sql));
        q.addBindValue(hallId);
        if (!exec(q, error))
            return false;
        while (q.next())
            map->insert(q.value(0).toLongLong(), {q.value(1).toString(), q.value(2).toString()});
    }
    // Offline tickets are the rows whose number lies in a lease (docs/sync.md): a few leases a day.
    struct Lease
    {
        qint64 business;
        QString day, prefix;
        int from, to;
    };
    QList<Lease> leases;
    const QString fromDay = from.toString(Qt::ISODate), toDay = to.toString(Qt::ISODate);
    QSqlQuery l = query(QStringLiteral("SELECT business_id, day, prefix, from_seq, to_seq FROM leases WHERE hall_id = ? AND day >= ? AND day <= ?"));
    for (const QVariant &v : {QVariant(hallId), QVariant(fromDay), QVariant(toDay)})
        l.addBindValue(v);
    if (!exec(l, error))
        return false;
    while (l.next())
        leases.append({l.value(0).toLongLong(), l.value(1).toString(), l.value(2).toString(), l.value(3).toInt(), l.value(4).toInt()});

    // A ticket's wait ends at its first call (the calls are kept; tickets.called_at moves with
    // each recall). Calls of a day's tickets fall on that day; the margin covers a clock's DST.
    QSqlQuery t = query(QStringLiteral(
        "SELECT t.business_id, t.status, t.issued_at, t.appointment_at, t.called_at, t.finished_at, t.window_id, t.officer_id, "
        "t.day, t.prefix, t.seq, fc.first_at "
        "FROM tickets t LEFT JOIN (SELECT ticket_id, MIN(at) AS first_at FROM calls WHERE hall_id = ? AND at >= ? AND at < ? "
        "GROUP BY ticket_id) fc ON fc.ticket_id = t.id "
        "WHERE t.hall_id = ? AND t.day >= ? AND t.day <= ?"));
    const qint64 dayStart = QDateTime(from, QTime(0, 0)).toMSecsSinceEpoch() - 86400000;
    const qint64 dayEnd = QDateTime(to.addDays(2), QTime(0, 0)).toMSecsSinceEpoch();
    for (const QVariant &v : {QVariant(hallId), QVariant(dayStart), QVariant(dayEnd), QVariant(hallId), QVariant(fromDay), QVariant(toDay)})
        t.addBindValue(v);
    if (!exec(t, error))
        return false;
    Tally total;
    QMap<qint64, Tally> byBusiness, byWindow, byOfficer;
    for (auto it = windows.cbegin(); it != windows.cend(); ++it)
        byWindow[it.key()];
    while (t.next()) {
        const qint64 business = t.value(0).toLongLong();
        core::TicketStatus status = core::TicketStatus::Waiting;
        core::ticketStatusFromName(t.value(1).toString(), &status);
        const qint64 windowId = t.value(6).toLongLong();
        const qint64 officer = t.value(7).toLongLong();
        const QString day = t.value(8).toString(), prefix = t.value(9).toString();
        const int seq = t.value(10).toInt();
        const bool offline = std::any_of(leases.cbegin(), leases.cend(), [&](const Lease &x) {
            return x.business == business && x.day == day && x.prefix == prefix && seq >= x.from && seq <= x.to;
        });
        Tally *tallies[] = {&total, &byBusiness[business]};
        for (Tally *x : tallies) {
            ++x->issued;
            x->offline += offline;
        }
        switch (status) {
        case core::TicketStatus::Done: {
            // The wait of an appointment starts at its time; coming early is not waiting.
            const qint64 arrival = std::max(t.value(2).toLongLong(), t.value(3).isNull() ? 0 : t.value(3).toLongLong());
            const QVariant firstCall = t.value(11).isNull() ? t.value(4) : t.value(11);
            const qint64 service = t.value(4).isNull() || t.value(5).isNull() ? 0 : seconds(t.value(4).toLongLong(), t.value(5).toLongLong());
            for (Tally *x : tallies) {
                ++x->served;
                x->serviceSeconds += service;
                if (!firstCall.isNull())
                    x->waits.append(seconds(arrival, firstCall.toLongLong()));
            }
            for (Tally *x : {&byWindow[windowId], officer ? &byOfficer[officer] : nullptr}) {
                if (x) {
                    ++x->served;
                    x->serviceSeconds += service;
                }
            }
            break;
        }
        case core::TicketStatus::Missed:
        case core::TicketStatus::Abandoned:
            for (Tally *x : tallies)
                ++x->missed;
            break;
        case core::TicketStatus::Voided:
            for (Tally *x : tallies)
                ++x->voided;
            break;
        case core::TicketStatus::Cleared:
            for (Tally *x : tallies)
                ++x->cleared;
            break;
        default:
            for (Tally *x : tallies)
                ++x->open;
        }
    }
    // Ratings of the period's tickets, to the window and officer that served them.
    QSqlQuery r = query(QStringLiteral("SELECT r.level, r.window_id, r.officer_id FROM ratings r JOIN tickets t ON t.id = r.ticket_id "
                                       "WHERE t.hall_id = ? AND t.day >= ? AND t.day <= ?"));
    for (const QVariant &v : {QVariant(hallId), QVariant(fromDay), QVariant(toDay)})
        r.addBindValue(v);
    if (!exec(r, error))
        return false;
    while (r.next()) {
        const int level = r.value(0).toInt();
        if (level < 1 || level > 5)
            continue;
        ++byWindow[r.value(1).toLongLong()].ratings[level - 1];
        if (const qint64 officer = r.value(2).toLongLong())
            ++byOfficer[officer].ratings[level - 1];
    }

    QJsonArray businessRows, windowRows, officerRows;
    for (auto it = businesses.cbegin(); it != businesses.cend(); ++it) {
        QJsonObject row = byBusiness.value(it.key()).queueJson();
        row.insert(QStringLiteral("code"), it->key);
        row.insert(QStringLiteral("name"), it->name);
        businessRows.append(row);
    }
    for (auto it = byWindow.cbegin(); it != byWindow.cend(); ++it) {
        QJsonObject row = it->workJson();
        const Named w = windows.value(it.key(), {QString::number(it.key()), QString()});
        row.insert(QStringLiteral("number"), w.key);
        row.insert(QStringLiteral("name"), w.name);
        windowRows.append(row);
    }
    for (auto it = byOfficer.cbegin(); it != byOfficer.cend(); ++it) {
        QJsonObject row = it->workJson();
        row.insert(QStringLiteral("officer"), it.key());
        officerRows.append(row);
    }
    out->json = QJsonObject{{QStringLiteral("format"), reportFormat},
                            {QStringLiteral("hall"), QJsonObject{{QStringLiteral("code"), hall.value(0).toString()}, {QStringLiteral("name"), hall.value(1).toString()}}},
                            {QStringLiteral("from"), fromDay},
                            {QStringLiteral("to"), toDay},
                            {QStringLiteral("madeAt"), localTime(QDateTime::currentMSecsSinceEpoch())},
                            {QStringLiteral("totals"), total.queueJson()},
                            {QStringLiteral("businesses"), businessRows},
                            {QStringLiteral("windows"), windowRows},
                            {QStringLiteral("officers"), officerRows}};
    return true;
}

bool ReportStore::receipt(qint64 hallId, qint64 ticketId, QJsonObject *out, bool *found, bool *served, QString *error) const
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT h.code, h.name, t.number, t.day, b.code, b.name, w.number, w.name, t.officer_id, t.status, t.issued_at, "
        "t.appointment_at, t.called_at, t.finished_at, (SELECT MIN(c.at) FROM calls c WHERE c.hall_id = t.hall_id AND c.ticket_id = t.id), "
        "(SELECT r.level FROM ratings r WHERE r.ticket_id = t.id) "
        "FROM tickets t JOIN halls h ON h.id = t.hall_id JOIN businesses b ON b.id = t.business_id "
        "LEFT JOIN windows w ON w.id = t.window_id WHERE t.hall_id = ? AND t.id = ?"));
    q.addBindValue(hallId);
    q.addBindValue(ticketId);
    if (!exec(q, error))
        return false;
    *found = q.next();
    *served = *found && q.value(9).toString() == core::ticketStatusName(core::TicketStatus::Done);
    if (!*served)
        return true;
    const qint64 arrival = std::max(q.value(10).toLongLong(), q.value(11).isNull() ? 0 : q.value(11).toLongLong());
    const QVariant firstCall = q.value(14).isNull() ? q.value(12) : q.value(14);
    *out = QJsonObject{
        {QStringLiteral("format"), receiptFormat},
        {QStringLiteral("hall"), QJsonObject{{QStringLiteral("code"), q.value(0).toString()}, {QStringLiteral("name"), q.value(1).toString()}}},
        {QStringLiteral("ticket"), QJsonObject{{QStringLiteral("id"), ticketId}, {QStringLiteral("number"), q.value(2).toString()},
                                               {QStringLiteral("day"), q.value(3).toString()}}},
        {QStringLiteral("business"), QJsonObject{{QStringLiteral("code"), q.value(4).toString()}, {QStringLiteral("name"), q.value(5).toString()}}},
        {QStringLiteral("window"), QJsonObject{{QStringLiteral("number"), q.value(6).toString()}, {QStringLiteral("name"), q.value(7).toString()}}},
        {QStringLiteral("officer"), q.value(8).toLongLong()},
        {QStringLiteral("issuedAt"), localTime(q.value(10))},
        {QStringLiteral("calledAt"), localTime(q.value(12))},
        {QStringLiteral("finishedAt"), localTime(q.value(13))},
        {QStringLiteral("waitSeconds"), firstCall.isNull() ? QJsonValue::Null : QJsonValue(seconds(arrival, firstCall.toLongLong()))},
        {QStringLiteral("serviceSeconds"), q.value(12).isNull() || q.value(13).isNull() ? QJsonValue::Null
                                                                                         : QJsonValue(seconds(q.value(12).toLongLong(), q.value(13).toLongLong()))},
        {QStringLiteral("rating"), q.value(15).isNull() ? QJsonValue::Null : QJsonValue(q.value(15).toInt())},
        {QStringLiteral("madeAt"), localTime(QDateTime::currentMSecsSinceEpoch())},
    };
    return true;
}

bool exportReport(storage::Database *db, const QByteArray &privatePem, const QString &code, const QDate &from, const QDate &to, bool json,
                  const QString &file, QString *error)
{
    const QByteArray pub = auditPublicKey(privatePem);
    if (pub.isEmpty()) {
        *error = ReportStore::tr("A report is signed: give the SM2 key (--audit-key FILE or --audit-keychain).");
        return false;
    }
    if (!from.isValid() || !to.isValid() || to < from) {
        *error = ReportStore::tr("--date needs a day, and --to a day not before it (e.g. --date 2026-11-01 --to 2026-11-30).");
        return false;
    }
    ReportStore store(db);
    const qint64 hallId = store.hallId(code, error);
    if (!hallId) {
        if (error->isEmpty())
            *error = ReportStore::tr("No hall \"%1\" (--hall CODE).").arg(code);
        return false;
    }
    HallReport report;
    if (!store.report(hallId, from, to, &report, error))
        return false;
    report.json.insert(QStringLiteral("keyId"), QString::fromLatin1(auditKeyId(pub)));
    return writeSignedFile(file, json ? report.toJson() : report.toCsv(), privatePem, error);
}

// ---------------------------------------------------------------------------------------
// the routes

ReportController::ReportController(storage::Database *db, const AuditTrail *signer)
    : m_store(db), m_signer(signer), m_workers(std::make_unique<QThreadPool>())
{
    m_workers->setMaxThreadCount(1);
}

ReportController::~ReportController()
{
    m_workers->waitForDone();
}

void ReportController::registerRoutes(RouteScope &routes)
{
    // Both are audited reads: who took which signed document, when.
    routes.get(QStringLiteral("reports/day"), [this](RequestContext &c) { return report(c); }).auditRead = true;
    routes.get(QStringLiteral("tickets/{}/receipt"), [this](RequestContext &c) { return receipt(c); }).auditRead = true;
}

Reply ReportController::notSigning()
{
    return errorReply(503, QStringLiteral("not_signing"),
                      tr("This hall-server has no SM2 key (--audit-key or --audit-keychain); reports and receipts are handed out signed only."));
}

std::optional<Reply> ReportController::signedBody(const QByteArray &bytes, QJsonObject *body) const
{
    const QByteArray signature = m_signer ? m_signer->sign(bytes) : QByteArray();
    if (signature.isEmpty())
        return notSigning();
    // The text exactly as signed: a CSV's BOM stays (QString::fromUtf8 would drop it).
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    body->insert(QStringLiteral("content"), QString(utf8.decode(bytes)));
    body->insert(QStringLiteral("signature"), QString::fromLatin1(signature.toBase64()));
    body->insert(QStringLiteral("keyId"), QString::fromLatin1(m_signer->keyId()));
    body->insert(QStringLiteral("algorithm"), QStringLiteral("SM2-SM3"));
    return std::nullopt;
}

// GET reports/day?date=D[&to=D][&format=json|csv]
Reply ReportController::report(RequestContext &c)
{
    const QDate from = QDate::fromString(c.query.queryItemValue(QStringLiteral("date")), Qt::ISODate);
    const QString toText = c.query.queryItemValue(QStringLiteral("to"));
    const QDate to = toText.isEmpty() ? from : QDate::fromString(toText, Qt::ISODate);
    const QString format = c.query.queryItemValue(QStringLiteral("format")).isEmpty() ? QStringLiteral("json")
                                                                                     : c.query.queryItemValue(QStringLiteral("format"));
    if (!from.isValid() || !to.isValid() || to < from)
        return invalid(tr("date: the day of the report (2026-11-23); to: the last day of a period, not before date."));
    if (from.daysTo(to) >= MaxDays)
        return invalid(tr("A report covers at most %1 days; longer periods with hall-server report on the server.").arg(MaxDays));
    if (format != QLatin1String("json") && format != QLatin1String("csv"))
        return invalid(tr("format: json or csv."));
    if (!m_signer || !m_signer->isSigning()) // before the work
        return notSigning();
    // Made on a thread of its own: a month of a busy hall takes the database most of a second,
    // which the server's thread (every kiosk's and window's requests) must not wait for.
    const Deferred deferred = c.defer();
    m_workers->start([this, deferred, hallId = c.hallId, from, to, format] {
        HallReport r;
        QString err;
        const bool made = m_store.report(hallId, from, to, &r, &err);
        r.json.insert(QStringLiteral("keyId"), QString::fromLatin1(m_signer->keyId()));
        const QByteArray bytes = !made ? QByteArray() : format == QLatin1String("csv") ? r.toCsv() : r.toJson();
        QJsonObject body{{QStringLiteral("file"), QStringLiteral("report-%1-%2%3.%4")
                                                      .arg(r.json.value(QStringLiteral("hall")).toObject().value(QStringLiteral("code")).toString(),
                                                           from.toString(Qt::ISODate), to == from ? QString() : QStringLiteral("--") + to.toString(Qt::ISODate), format)},
                         {QStringLiteral("format"), format}};
        const std::optional<Reply> refused = made ? signedBody(bytes, &body) : std::nullopt;
        deferred.finish([=](CommitBatch &) {
            if (!made)
                return errorReply(503, QStringLiteral("storage_unavailable"), tr("The report could not be made: %1").arg(err));
            if (refused)
                return *refused;
            Reply reply = ok(body);
            reply.auditDetail = QStringLiteral("report %1..%2 %3").arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate), format);
            return reply;
        });
    });
    return later();
}

// GET tickets/{id}/receipt
Reply ReportController::receipt(RequestContext &c)
{
    qint64 ticketId = 0;
    if (!parseId(c.params.value(1), &ticketId))
        return invalid(tr("The ticket is named by its id."));
    if (!m_signer || !m_signer->isSigning())
        return notSigning();
    QJsonObject receipt;
    bool found = false, served = false;
    QString err;
    if (!m_store.receipt(c.hallId, ticketId, &receipt, &found, &served, &err))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The receipt could not be made: %1").arg(err));
    if (!found)
        return errorReply(404, QStringLiteral("not_found"), tr("No ticket %1 in this hall.").arg(ticketId));
    if (!served)
        return errorReply(409, QStringLiteral("invalid_state"), tr("Ticket %1 has not been served; a receipt is made for a served ticket only.").arg(ticketId), ticketId);
    // Officers see their own cases (SEC4): the receipts of the tickets they served.
    if (c.role() == roles::Officer && receipt.value(QStringLiteral("officer")).toInteger() != c.actor())
        return errorReply(403, QStringLiteral("not_own_case"), tr("Ticket %1 was served by another officer; ask a supervisor for its receipt.").arg(ticketId), ticketId);
    receipt.insert(QStringLiteral("keyId"), QString::fromLatin1(m_signer->keyId()));
    QJsonObject body{{QStringLiteral("receipt"), receipt}};
    if (auto refused = signedBody(QJsonDocument(receipt).toJson(QJsonDocument::Compact), &body))
        return *refused;
    Reply reply = ok(body);
    reply.auditDetail = QStringLiteral("receipt %1").arg(receipt.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString());
    return reply;
}

} // namespace hall::server
