#include "state.h"

#include "result.h"

namespace hall::queue {

bool ChangeSet::isEmpty() const
{
    return tickets.isEmpty() && windows.isEmpty() && appointments.isEmpty() && blacklist.isEmpty()
        && unblacklisted.isEmpty() && passwords.isEmpty() && leases.isEmpty() && audit.isEmpty() && calls.isEmpty()
        && events.isEmpty();
}

void ChangeSet::merge(ChangeSet &&o)
{
    tickets.insert(o.tickets);
    windows.insert(o.windows);
    appointments.insert(o.appointments);
    blacklist.insert(o.blacklist);
    unblacklisted.append(o.unblacklisted);
    passwords.insert(o.passwords);
    leases.insert(o.leases);
    audit.append(o.audit);
    calls.append(o.calls);
    events.append(o.events);
}

QString callKindName(CallKind kind)
{
    switch (kind) {
    case CallKind::Next: return QStringLiteral("next");
    case CallKind::Recall: return QStringLiteral("recall");
    case CallKind::Special: return QStringLiteral("special");
    case CallKind::CallBack: return QStringLiteral("callback");
    }
    return {};
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::InvalidInput: return QStringLiteral("invalid_input");
    case ErrorCode::Closed: return QStringLiteral("closed");
    case ErrorCode::QuotaFull: return QStringLiteral("quota_full");
    case ErrorCode::RangeExhausted: return QStringLiteral("range_exhausted");
    case ErrorCode::Duplicate: return QStringLiteral("duplicate");
    case ErrorCode::Blacklisted: return QStringLiteral("blacklisted");
    case ErrorCode::BusinessPaused: return QStringLiteral("business_paused");
    case ErrorCode::Unserved: return QStringLiteral("unserved");
    case ErrorCode::WindowPaused: return QStringLiteral("window_paused");
    case ErrorCode::WindowOffline: return QStringLiteral("window_offline");
    case ErrorCode::InvalidState: return QStringLiteral("invalid_state");
    case ErrorCode::QueueEmpty: return QStringLiteral("queue_empty");
    case ErrorCode::WrongWindow: return QStringLiteral("wrong_window");
    case ErrorCode::BadPassword: return QStringLiteral("bad_password");
    case ErrorCode::TooEarly: return QStringLiteral("too_early");
    case ErrorCode::OutsideLease: return QStringLiteral("outside_lease");
    case ErrorCode::NumberUsed: return QStringLiteral("number_used");
    case ErrorCode::LeaseExpired: return QStringLiteral("lease_expired");
    }
    return {};
}

} // namespace hall::queue
