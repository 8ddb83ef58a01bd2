#pragma once

// How the queue's results become replies; shared by the queue and window controllers.

#include <server/http.h>

#include <queue/result.h>

namespace hall::server {

inline Reply queueError(const queue::Error &e)
{
    int status = 409; // a valid request the queue cannot carry out now
    switch (e.code) {
    case queue::ErrorCode::NotFound: status = 404; break;
    case queue::ErrorCode::InvalidInput: status = 400; break;
    case queue::ErrorCode::BadPassword: status = 403; break;
    default: break;
    }
    return errorReply(status, queue::errorCodeName(e.code), e.message, e.ticketId);
}

template<typename T, typename F>
Reply queueReply(const queue::Result<T> &r, F toJson, int status = 200)
{
    if (!r)
        return queueError(r.error());
    return ok(toJson(r.value()), status);
}

} // namespace hall::server
