#pragma once

#include <queue/queue_export.h>

#include <QString>

#include <utility>
#include <variant>

namespace hall::queue {

enum class ErrorCode {
    NotFound,          // no such ticket, window, business or appointment
    InvalidInput,      // malformed value (ID number, phone, priority name …)
    Closed,            // outside business hours
    QuotaFull,         // 当前业务取号数量已满
    RangeExhausted,    // the number range of the day is used up
    Duplicate,         // this person already holds an open ticket for the business
    Blacklisted,       // blocked until a date
    BusinessPaused,    // the business is paused by the hall
    Unserved,          // no open window serves the business
    WindowPaused,      // the window is paused
    WindowOffline,     // nobody is logged in at the window
    InvalidState,      // the ticket or window is not in a state that allows this
    QueueEmpty,        // nothing to call
    WrongWindow,       // the ticket belongs to another window
    BadPassword,       // release password unknown or already used
    TooEarly,          // appointment check-in before the allowed time
    OutsideLease,      // an offline ticket's number is not in a lease its device holds
    NumberUsed,        // an offline ticket's number was taken into the queue already
    LeaseExpired,      // an offline ticket issued after its lease ended (half-day, day)
};

struct Error
{
    ErrorCode code;
    QString message;  // translated, readable by hall staff
    qint64 ticketId = 0; // the ticket concerned, e.g. the existing one on Duplicate
};

// The outcome of an engine operation: a value or an Error. Nothing changes on an Error.
template<typename T>
class Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<T>(m_v); }
    T &value() { return std::get<T>(m_v); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<Error>(m_v); }

private:
    std::variant<T, Error> m_v;
};

HALL_QUEUE_EXPORT QString errorCodeName(ErrorCode code);

} // namespace hall::queue
