#include "ticket.h"

#include <array>
#include <utility>

namespace hall::core {

namespace {

template<typename E, std::size_t N>
QString nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, n] : table) {
        if (v == value)
            return QLatin1String(n);
    }
    return {};
}

template<typename E, std::size_t N>
bool valueOf(const std::array<std::pair<E, const char *>, N> &table, const QString &name, E *out)
{
    for (const auto &[v, n] : table) {
        if (name == QLatin1String(n)) {
            *out = v;
            return true;
        }
    }
    return false;
}

constexpr std::array<std::pair<TicketStatus, const char *>, 9> statusNames{{
    {TicketStatus::Waiting, "waiting"},     {TicketStatus::Called, "called"},
    {TicketStatus::Serving, "serving"},     {TicketStatus::Missed, "missed"},
    {TicketStatus::Hung, "hung"},           {TicketStatus::Done, "done"},
    {TicketStatus::Abandoned, "abandoned"}, {TicketStatus::Cleared, "cleared"},
    {TicketStatus::Voided, "voided"},
}};

constexpr std::array<std::pair<TicketSource, const char *>, 7> sourceNames{{
    {TicketSource::Touch, "touch"},         {TicketSource::IdCard, "idcard"},
    {TicketSource::Phone, "phone"},         {TicketSource::Appointment, "appointment"},
    {TicketSource::Virtual, "virtual"},     {TicketSource::Special, "special"},
    {TicketSource::Sub, "sub"},
}};

constexpr std::array<std::pair<WindowState, const char *>, 4> windowStateNames{{
    {WindowState::Offline, "offline"}, {WindowState::Idle, "idle"},
    {WindowState::Serving, "serving"}, {WindowState::Paused, "paused"},
}};

} // namespace

bool Ticket::isOpen() const
{
    switch (status) {
    case TicketStatus::Waiting:
    case TicketStatus::Called:
    case TicketStatus::Serving:
    case TicketStatus::Missed:
    case TicketStatus::Hung:
        return true;
    default:
        return false;
    }
}

QString ticketStatusName(TicketStatus s) { return nameOf(statusNames, s); }
bool ticketStatusFromName(const QString &name, TicketStatus *out) { return valueOf(statusNames, name, out); }
QString ticketSourceName(TicketSource s) { return nameOf(sourceNames, s); }
bool ticketSourceFromName(const QString &name, TicketSource *out) { return valueOf(sourceNames, name, out); }
QString windowStateName(WindowState s) { return nameOf(windowStateNames, s); }
bool windowStateFromName(const QString &name, WindowState *out) { return valueOf(windowStateNames, name, out); }

} // namespace hall::core
