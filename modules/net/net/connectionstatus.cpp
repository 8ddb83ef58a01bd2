#include "connectionstatus.h"

namespace hall::net {

QString ConnectionStatus::describe(const QDateTime &now) const
{
    switch (state) {
    case State::Online:
        return tr("Online");
    case State::Reconnecting: {
        if (!nextAttemptAt.isValid())
            return tr("Reconnecting (attempt %1)…").arg(attempt);
        const qint64 seconds = std::max<qint64>(0, (now.msecsTo(nextAttemptAt) + 999) / 1000);
        return tr("Reconnecting (attempt %1, next try in %2 s)").arg(attempt).arg(seconds);
    }
    case State::Offline:
        if (!since.isValid())
            return tr("Offline");
        return tr("Offline since %1").arg(since.toString(since.date() == now.date() ? QStringLiteral("HH:mm:ss")
                                                                                   : QStringLiteral("yyyy-MM-dd HH:mm")));
    }
    return {};
}

QString ConnectionStatus::stateName(State state)
{
    switch (state) {
    case State::Online: return QStringLiteral("online");
    case State::Reconnecting: return QStringLiteral("reconnecting");
    case State::Offline: return QStringLiteral("offline");
    }
    return {};
}

} // namespace hall::net
