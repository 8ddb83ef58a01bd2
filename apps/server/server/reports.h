#pragma once

#include <server/http.h>
#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QCoreApplication>
#include <QDate>
#include <QJsonObject>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace hall::server {

class AuditTrail;

// What a hall's office reads at the end of a day (issue 11, docs/api.md "Reports"): per
// business, window and officer, from the tickets, calls, ratings and leases the queue commits
// — the rows that are the queue's own record, whatever the server restarted in between. No
// citizen's data at all; officers by their account id (staff names are personal data too).
struct HALL_SERVER_EXPORT HallReport
{
    QJsonObject json; // the report as data (format "hallsuite-report/1")

    // The file a hall keeps: JSON (compact, one line) or CSV for Excel (UTF-8 with BOM, CRLF,
    // one section per table).
    QByteArray toJson() const;
    QByteArray toCsv() const;
};

// Reports and receipts read the database only; they change nothing.
class HALL_SERVER_EXPORT ReportStore : public SqlStore
{
    Q_DECLARE_TR_FUNCTIONS(ReportStore)
public:
    using SqlStore::SqlStore;

    // The id of the hall with `code`, or 0.
    qint64 hallId(const QString &code, QString *error) const;
    // The days `from` to `to` (both included, hall-local) of one hall.
    bool report(qint64 hallId, const QDate &from, const QDate &to, HallReport *out, QString *error) const;
    // A service receipt (服务回执) of a ticket that was served: hall, number, business, window,
    // officer id, times, rating; nothing of the citizen. `found`: the ticket is in this hall;
    // `served`: it was served (done), else there is no receipt.
    bool receipt(qint64 hallId, qint64 ticketId, QJsonObject *out, bool *found, bool *served, QString *error) const;
};

// `hall-server report`: the report of the days `from`..`to` of hall `code` in `file` (CSV, or
// JSON when `json`) with its SM2 signature in `file`.sig, by the audit key. Never overwrites.
HALL_SERVER_EXPORT bool exportReport(storage::Database *db, const QByteArray &privatePem, const QString &code, const QDate &from,
                                     const QDate &to, bool json, const QString &file, QString *error);

// GET /halls/{hall}/reports/day and /halls/{hall}/tickets/{id}/receipt: the file's text or
// the receipt with its SM2 signature (base64) by the server's audit key, and that key's id.
// Both are audited reads. Reports are made off the server's thread (a Deferred reply).
class HALL_SERVER_EXPORT ReportController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(ReportController)
public:
    ReportController(storage::Database *db, const AuditTrail *signer);
    ~ReportController() override;
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}"); }
    void registerRoutes(RouteScope &routes) override;

    // The longest period one request may ask for (longer ones: hall-server report).
    static constexpr int MaxDays = 31;

private:
    Reply report(RequestContext &c);
    Reply receipt(RequestContext &c);
    static Reply notSigning();
    // {"content", "signature", "keyId", "algorithm"} for `bytes`, or a refusal when unsigned.
    std::optional<Reply> signedBody(const QByteArray &bytes, QJsonObject *body) const;

    ReportStore m_store; // its queries run on the calling thread's own connection
    const AuditTrail *m_signer;
    std::unique_ptr<QThreadPool> m_workers; // one thread makes reports, in turn
};

} // namespace hall::server
