#pragma once

#include <sync/cache.h>
#include <sync/sync_export.h>

#include <core/ticket.h>

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

namespace hall::sync {

// A number lease as this PC keeps it (docs/sync.md, "Offline tickets").
struct HALL_SYNC_EXPORT LocalLease
{
    qint64 id = 0; // the server's
    QString business;
    QString prefix;
    int digits = 3;
    int from = 0;
    int to = 0;
    int used = 0; // issued here, from `from` up
    QDate day;
    QDateTime grantedAt;
    QDateTime until;

    int left() const { return to - from + 1 - used; }
    bool isLive(const QDateTime &now) const { return now.date() == day && now < until && left() > 0; }
    QString number(int seq) const { return prefix + QString::number(seq).rightJustified(digits, u'0'); }
};

struct OfflineRequest
{
    QString business;
    core::TicketSource source = core::TicketSource::Touch;
    QString idNumber; // IdCard; sealed in the cache, never stored in clear
    QString phone;    // Phone, or with another source for reminders only; likewise
    QString priority;
};

// A ticket issued here from a lease, with what became of it on the server.
struct OfflineTicket
{
    QString localId;
    qint64 leaseId = 0;
    QString business;
    int seq = 0;
    QString number;
    QString source;
    QDateTime issuedAt;
    QString state;  // the outbox entry's: pending, done, parked
    QString status; // applied, rejected, conflict (once done)
    QString code;
    QString message;
};

// Issues tickets from the number leases this cache holds while hall-server cannot be reached.
// The ticket, its lease's used counter and its outbox entry (kind ticket.offline) commit in one
// SQLite transaction, so a number is issued once and every issued ticket reaches the server.
// ID and phone numbers go into the outbox entry sealed (SyncCache::seal); without a key they
// are refused, and a ticket without them can still be issued.
class HALL_SYNC_EXPORT OfflineIssuer
{
    Q_DECLARE_TR_FUNCTIONS(OfflineIssuer)
public:
    explicit OfflineIssuer(SyncCache *cache) : m_cache(cache) {}

    // A lease the server granted; the same lease again changes nothing.
    bool addLease(const LocalLease &lease, QString *error);
    QList<LocalLease> leases(const QString &business = {}) const;
    // Numbers still to issue for `business` from live leases (today's, before their end).
    int available(const QString &business, const QDateTime &now = QDateTime::currentDateTime()) const;
    // Below the low-water mark, and the server would grant another (at most two open leases).
    bool needsLease(const QString &business, int lowWater, const QDateTime &now = QDateTime::currentDateTime()) const;

    // Stops issuing from lease `id`, before its rest is handed back to the server: the lease
    // keeps only the `*used` numbers issued here. A lease this cache does not hold gives 0.
    bool closeLease(qint64 id, int *used, QString *error);

    bool issue(const OfflineRequest &request, OfflineTicket *out, QString *error,
               const QDateTime &now = QDateTime::currentDateTime());
    QList<OfflineTicket> tickets(int limit = 1000) const;

    static constexpr const char *Kind = "ticket.offline";

private:
    SyncCache *m_cache;
};

} // namespace hall::sync
