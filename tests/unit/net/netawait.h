#pragma once

// What the HallClient tests share: run one asynchronous call to its end, and say what an
// ApiError holds.

#include <net/apierror.h>
#include <net/result.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QObject>

#include <optional>

namespace hall::test {

// Runs one asynchronous call to its end and returns what the callback got.
template<typename T, typename F>
net::Result<T> await(F start, int timeoutMs = 15000)
{
    std::optional<net::Result<T>> out;
    QObject context;
    start(&context, [&out](const net::Result<T> &r) { out = r; });
    QDeadlineTimer deadline(timeoutMs);
    while (!out && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!out)
        return net::ApiError::transport(net::ApiError::Kind::Timeout, QStringLiteral("the test gave up waiting"));
    return *out;
}

inline QString describe(const net::ApiError &e)
{
    return QStringLiteral("%1 %2 %3: %4 (%5)").arg(net::ApiError::kindName(e.kind)).arg(e.httpStatus).arg(e.code, e.message, e.detail);
}

} // namespace hall::test
