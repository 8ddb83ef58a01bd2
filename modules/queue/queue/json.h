#pragma once

#include <queue/queue_export.h>

#include <QJsonObject>

namespace hall::core {
struct Ticket;
}

namespace hall::queue {

class Engine;
struct BusinessStatus;
struct CallResult;
struct Lease;
struct WindowStatus;

// The wire form of queue objects, shared by the server's replies and its events. Identity
// hashes never leave the server.
HALL_QUEUE_EXPORT QJsonObject publicTicketJson(const Engine &engine, const core::Ticket &t);
HALL_QUEUE_EXPORT QJsonObject ticketJson(const Engine &engine, const core::Ticket &t); // + peopleAhead, lines
HALL_QUEUE_EXPORT QJsonObject windowJson(const Engine &engine, const WindowStatus &s);
HALL_QUEUE_EXPORT QJsonObject businessJson(const BusinessStatus &s);
HALL_QUEUE_EXPORT QJsonObject callResultJson(const Engine &engine, const CallResult &r);
HALL_QUEUE_EXPORT QJsonObject leaseJson(const Engine &engine, const Lease &l); // + used

} // namespace hall::queue
