#pragma once

#include <queue/queue_export.h>
#include <queue/queueindex.h>
#include <queue/result.h>
#include <queue/state.h>

#include <core/clock.h>
#include <core/hall.h>
#include <core/ticket.h>

#include <QCoreApplication>
#include <QHash>

#include <functional>

namespace hall::queue {

struct IssueRequest
{
    QString businessCode;
    core::TicketSource source = core::TicketSource::Touch;
    QString idNumber;     // clear only in memory for this call; hashed, never kept
    QString phone;
    QString priorityName; // one of the business's priority levels; empty = normal
    bool green = false;   // 绿色通道: pinned first
    qint64 actor = 0;     // account that issued it
};

// A ticket a kiosk printed from its lease while it could not reach the server, taken into
// the queue when its sync entry arrives (docs/sync.md, ticket.offline).
struct OfflineTicketRequest
{
    QString businessCode;
    int seq = 0;            // inside a lease `device` holds for account `actor`
    QString device;
    QDateTime issuedAt;     // on the kiosk: the ticket's place in the queue
    core::TicketSource source = core::TicketSource::Touch;
    QString idNumber;       // clear only in memory for this call; hashed, never kept
    QString phone;
    QString priorityName;
    qint64 actor = 0;
};

struct CallResult
{
    core::Ticket ticket;          // the ticket now called; id 0 when nobody else was waiting
    qint64 finishedTicketId = 0;  // the ticket the call closed, if any
    qint64 skippedTicketId = 0;   // the ticket skipped by the recall limit, if any
    QDateTime countdownUntil;     // Q9
    QList<qint64> subTicketIds;   // 一号联办 sub tickets called with it
};

struct BusinessStatus
{
    const core::Business *business = nullptr;
    int waiting = 0;
    int issuedToday = 0;
    int remaining = -1;   // tickets still available now; -1 = unlimited
    bool available = true; // a kiosk may issue now
    ErrorCode blockedBy = ErrorCode::Closed;
    QString blockedReason;
};

struct WindowStatus
{
    const core::Window *window = nullptr;
    WindowRuntime runtime;
    bool attendanceProblem = false;
    int waiting = 0; // tickets this window could call now
};

// The queue rules of one hall (REQUIREMENTS.md Q1–Q13, Q15–Q16). Deterministic: time comes
// from the injected Clock, identities are hashed by the injected hasher, ids come from the
// injected allocator, and there is no I/O. Every successful operation records what changed in
// a ChangeSet that the caller persists before it replies; failed operations change nothing.
class HALL_QUEUE_EXPORT Engine
{
    Q_DECLARE_TR_FUNCTIONS(Engine)
public:
    using Hasher = std::function<QByteArray(const QString &)>;
    using IdAllocator = std::function<qint64()>;

    Engine(core::HallConfig config, const core::Clock *clock, Hasher hasher, IdAllocator nextId);

    const core::HallConfig &config() const { return m_config; }
    // Replaces the configuration (ids must already be assigned); the queue state is kept.
    void setConfig(core::HallConfig config);
    void restore(const Snapshot &snapshot);

    // Taking tickets (Q1–Q5, Q11, Q13)
    Result<core::Ticket> issue(const IssueRequest &request);
    Result<Appointment> book(const QString &code, const QString &businessCode, const QString &idNumber,
                             const QString &phone, const QDateTime &slotStart, const QDateTime &slotEnd,
                             qint64 actor);
    Result<core::Ticket> checkIn(const QString &appointmentCode, qint64 actor);
    Result<core::Ticket> checkInByIdNumber(const QString &idNumber, qint64 actor);
    Result<core::Ticket> reprint(qint64 ticketId, qint64 actor);
    // 作废: a waiting ticket that never reached its holder (the kiosk's print failed) leaves the
    // queue with the reason in the audit trail; its quota place is given back, its number never.
    Result<core::Ticket> voidTicket(qint64 ticketId, const QString &reason, qint64 actor);
    Result<core::Ticket> issueSub(qint64 masterId, const QString &businessCode, qint64 actor);
    Result<core::Ticket> issueVirtual(const QString &window, const QString &businessCode, qint64 actor);
    Result<QStringList> createReleasePasswords(const QString &businessCode, int count, qint64 actor);
    Result<core::Ticket> issueSpecial(const QString &password, qint64 actor);
    Result<BlacklistEntry> blacklist(const QString &idNumberOrPhone, const QDate &until,
                                     const QString &reason, qint64 actor);
    Result<bool> unblacklist(const QString &idNumberOrPhone, qint64 actor);

    // Offline numbering: a block of up to `size` walk-in numbers for `device`, taken from the
    // day's counter (online numbering continues after it) and limited by the quota left.
    Result<Lease> lease(const QString &businessCode, int size, const QString &device, qint64 actor);
    // A ticket issued from a lease, placed in arrival order by its original issue time. The
    // same number with the same time again answers the ticket already taken in.
    Result<core::Ticket> importOffline(const OfflineTicketRequest &request);
    // A kiosk being retired or reset hands back the rest of a lease it will not issue: the
    // numbers from `from + used` on. Nobody issues them ever (online numbering stays after the
    // lease), an offline ticket with one of them is refused, and their quota is free again. The
    // same hand-back again answers the lease as it is; another one is refused.
    Result<Lease> returnLease(qint64 leaseId, int used, const QString &device, qint64 actor);
    QList<Lease> leases() const; // today's, by id
    int leaseUsed(qint64 leaseId) const;
    static constexpr int MaxLeaseSize = 200;
    static constexpr int MaxOpenLeases = 2; // per device and business: the one in use and a refill

    // Windows (Q12, Q15)
    Result<WindowRuntime> login(const QString &window, qint64 officerId);
    Result<WindowRuntime> logout(const QString &window, qint64 actor);
    Result<WindowRuntime> pause(const QString &window, const QString &type, const QString &reason, qint64 actor);
    Result<WindowRuntime> resume(const QString &window, qint64 actor);

    // Calling (Q6–Q10). Every call first finishes the ticket the window holds, as the
    // hardware caller's "next" key does.
    Result<CallResult> callNext(const QString &window, qint64 actor);
    Result<CallResult> recall(const QString &window, qint64 actor);
    Result<CallResult> specialCall(const QString &window, qint64 ticketId, qint64 actor);
    Result<CallResult> callBack(const QString &window, qint64 ticketId, qint64 actor);
    Result<core::Ticket> start(const QString &window, qint64 actor);
    Result<core::Ticket> finish(const QString &window, qint64 actor);
    Result<core::Ticket> miss(const QString &window, qint64 actor);
    Result<core::Ticket> transfer(const QString &window, qint64 ticketId, const QString &toWindow,
                                  const QString &toBusiness, qint64 actor);
    Result<core::Ticket> hang(const QString &window, qint64 actor);

    // Day handling (Q16): rolls over to a new day and runs the scheduled clearing.
    void tick();
    int clearOpenTickets(qint64 actor, const QString &reason);

    // Queries
    const core::Ticket *ticket(qint64 id) const;
    QList<core::Ticket> tickets(std::function<bool(const core::Ticket &)> filter = {}) const;
    int peopleAhead(const core::Ticket &t) const;
    QList<BusinessStatus> businessStatus() const;
    QList<WindowStatus> windowStatus() const;
    WindowStatus windowStatus(const QString &window) const;
    QDate day() const { return m_day; }
    const core::Clock *clock() const { return m_clock; }

    ChangeSet takeChanges();

private:
    struct Candidate;

    // lookup helpers that produce the right Error
    Result<const core::Business *> findBusiness(const QString &code) const;
    Result<const core::Window *> findWindow(const QString &number) const;
    Result<WindowRuntime *> openWindow(const QString &number, bool allowPaused = false);

    // issuing
    std::optional<Error> checkIssuable(const core::Business &b, bool walkIn) const;
    std::optional<Error> checkIdentity(const core::Business &b, const QByteArray &identity) const;
    std::optional<Error> checkApplicant(const core::Business &b, core::TicketSource source, const QString &idNumber,
                                        const QString &phone, const QString &priorityName, QByteArray *identity, int *priority) const;
    Result<int> nextSeq(const core::Business &b, const QString &prefix) const;
    int nextLeaseSeq(const core::Business &b) const;
    int leaseFloor(const core::Business &b) const;
    void spendNumbers(qint64 businessId, const QString &prefix, int from, int to, bool lease);
    core::Ticket makeTicket(const core::Business &b, const QString &prefix, int seq, core::TicketSource source,
                            const QDateTime &issuedAt = {});
    qint64 orderKeyAt(const QDateTime &issuedAt);
    void countQuota(QHash<QString, int> &counts, const core::Business &b, core::BusinessHours::Half half, int n) const;
    const Lease *leaseOf(qint64 businessId, const QString &prefix, int seq) const;
    void addTicket(core::Ticket t, qint64 actor, const QString &action);

    // calling
    QList<const core::Business *> servedBy(const core::Window &w) const;
    std::optional<qint64> pickNext(const core::Window &w) const;
    qint64 closeCurrent(WindowRuntime &rt, qint64 actor);
    CallResult callTicket(WindowRuntime &rt, core::Ticket &t, CallKind kind, qint64 actor);
    void markMissed(core::Ticket &t, qint64 actor);

    // bookkeeping
    void ensureDay();
    void setStatus(core::Ticket &t, core::TicketStatus status);
    void touch(const core::Ticket &t);
    void touch(const WindowRuntime &rt);
    void audit(qint64 actor, const QString &action, qint64 ticketId, qint64 windowId, const QString &detail = {});
    void emitTicket(const QString &type, const core::Ticket &t, QJsonObject extra = {});
    void emitWindow(const WindowRuntime &rt);
    void rebuildIndexes();
    int clearOpenTicketsBefore(const QDateTime &cutoff, qint64 actor, const QString &reason);
    QList<core::Ticket *> subsOf(qint64 masterId);
    QString halfKey(core::BusinessHours::Half half) const;
    bool counted(const core::Ticket &t) const;
    bool isServed(const core::Business &b) const;
    int quotaRemaining(const core::Business &b) const;
    QDateTime now() const { return m_clock->now(); }

    core::HallConfig m_config;
    const core::Clock *m_clock;
    Hasher m_hasher;
    IdAllocator m_nextId;

    QDate m_day;
    QDate m_clearedDay;
    QHash<qint64, core::Ticket> m_tickets;
    // Waiting counts, people ahead and call candidates, updated by touch(); queries release
    // the tickets whose time has come, hence mutable.
    mutable Internal::QueueIndex m_index;
    QHash<qint64, QList<qint64>> m_subs;      // master ticket → its sub tickets
    QHash<QByteArray, QList<qint64>> m_byIdentity; // identity hash → today's tickets
    bool m_mayHoldOldTickets = false;         // restore() may have loaded earlier days' tickets
    QHash<qint64, WindowRuntime> m_windows;   // by window id
    QHash<QString, Appointment> m_appointments; // by code
    QHash<QByteArray, BlacklistEntry> m_blacklist;
    QHash<qint64, ReleasePassword> m_passwords;
    QHash<QString, int> m_lastSeq;            // "businessId/prefix" → last online sequence today
                                              // below the leases; "…/up", "…/down": spendNumbers()
    QHash<QString, int> m_issued;             // "b:<id>/<half>" or "g:<code>/<half>" → count
    QHash<QString, int> m_reserved;           // the same keys → leased numbers not used yet
    QHash<qint64, Lease> m_leases;            // today's, by id
    QHash<qint64, QHash<int, qint64>> m_leaseTickets; // lease → sequence → ticket taken in
    QHash<QString, int> m_servedAt;           // "windowId/businessId" → calls today (weights)
    qint64 m_nextOrderKey = 1;
    ChangeSet m_changes;
};

} // namespace hall::queue
