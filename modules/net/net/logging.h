#pragma once

#include <net/net_export.h>

#include <QLoggingCategory>

// hall.net: requests (method and path only: never a token, a query or a body), connection
// state changes, reconnects. Default severity warning.
HALL_NET_EXPORT const QLoggingCategory &lcNet();
