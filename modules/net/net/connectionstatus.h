#pragma once

#include <net/apierror.h>

#include <QDateTime>
#include <QMetaType>

namespace hall::net {

// What every app shows about its link to the hall service.
//  Online:       the last request or the event stream got through.
//  Reconnecting: the link was lost a moment ago; attempt n, next try at nextAttemptAt.
//  Offline:      the link has been down longer than HallClient::offlineAfterMs (or was never
//                up); the client keeps trying with the capped backoff.
struct HALL_NET_EXPORT ConnectionStatus
{
    Q_DECLARE_TR_FUNCTIONS(HallNet)
public:
    enum class State { Online, Reconnecting, Offline };
    State state = State::Offline;
    QDateTime since;          // Online: since when; otherwise when the link was lost (null: never up)
    int attempt = 0;          // reconnect attempts so far in this outage
    QDateTime nextAttemptAt;  // null while an attempt is running
    ApiError lastError;       // why the last attempt failed

    // One line for a status bar: "在线", "正在重新连接（第 3 次，4 秒后重试）", "离线（自 10:02 起）".
    // The status is signalled when it changes; a countdown shown to people is refreshed by the
    // app (a one-second timer calling describe()).
    QString describe(const QDateTime &now = QDateTime::currentDateTime()) const;
    static QString stateName(State state); // "online", "reconnecting", "offline" for logs and tests
};

} // namespace hall::net

Q_DECLARE_METATYPE(hall::net::ConnectionStatus)
