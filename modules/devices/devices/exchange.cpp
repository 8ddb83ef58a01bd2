#include "exchange.h"

#include "transport.h"

namespace hall::devices {

ExchangeResult exchange(Transport *link, const QByteArray &request, const ExchangeOptions &options,
                        const std::function<ReplyScan(const QByteArray &)> &scan, const std::function<ReplyVerdict()> &verdict)
{
    ExchangeResult result;
    for (int attempt = 0; attempt <= options.retries; ++attempt) {
        result.tries = attempt + 1;
        link->io()->readAll(); // drop late replies to abandoned requests
        if (!link->writeAll(request, options.writeTimeoutMs)) {
            if (options.writeFailureIsLoss) {
                result.failure = ExchangeResult::Failure::Unwritable;
                return result;
            }
            continue; // an unreachable UDP peer: the same as silence
        }
        ReplyScan seen;
        bool timedOut = false;
        link->readUntil([&](const QByteArray &all) {
            seen = scan(all);
            return seen.found || seen.settled;
        }, options.waitMs, &timedOut);
        if (!link->io()->isOpen()) { // the loss itself arrives queued
            result.failure = ExchangeResult::Failure::Lost;
            return result;
        }
        if (seen.found) {
            const ReplyVerdict v = verdict();
            if (v.kind == ReplyVerdict::Kind::Garbage) {
                result.failure = ExchangeResult::Failure::Garbage;
                result.junkBytes = v.junkBytes;
                continue;
            }
            if (v.kind == ReplyVerdict::Kind::Retry && attempt < options.retries)
                continue;
            result.failure = ExchangeResult::Failure::None;
            return result;
        }
        using F = ExchangeResult::Failure;
        result.failure = seen.damaged ? F::Damaged : seen.junk == 0 ? F::Silence : F::Garbage;
        result.junkBytes = seen.junk;
        if (options.log)
            qCDebug(options.log) << options.peer << "attempt" << attempt + 1 << "failed" << int(result.failure);
    }
    return result;
}

Device::Error ExchangeResult::error() const
{
    switch (failure) {
    case Failure::None:
        return Device::Error::NoError;
    case Failure::Unwritable:
    case Failure::Lost:
        return Device::Error::ConnectionLost;
    case Failure::Silence:
        return Device::Error::Timeout;
    case Failure::Damaged:
        return Device::Error::Checksum;
    case Failure::Garbage:
        return Device::Error::Protocol;
    }
    return Device::Error::Protocol;
}

QString ExchangeResult::message(const ExchangeMessages &words, int card, int waitMs) const
{
    switch (failure) {
    case Failure::None:
        return {};
    case Failure::Unwritable:
    case Failure::Lost:
        return words.lost;
    case Failure::Silence:
        return words.silence.arg(card).arg(waitMs).arg(tries);
    case Failure::Damaged:
        return words.damaged.arg(card).arg(tries);
    case Failure::Garbage:
        return words.garbage.arg(card).arg(junkBytes).arg(tries);
    }
    return {};
}

} // namespace hall::devices
