#include "http.h"

namespace hall::server {

Controller::~Controller() = default;

RouteScope::RouteScope(const QString &prefix) : m_prefix(prefix.split(u'/', Qt::SkipEmptyParts)) {}

void RouteScope::add(const char *method, const QString &path, QStringList roles, Handler handler)
{
    Route r;
    r.method = method;
    r.segments = m_prefix + path.split(u'/', Qt::SkipEmptyParts);
    r.roles = std::move(roles);
    r.hallScoped = r.segments.size() >= 4 && r.segments.at(2) == QLatin1String("halls") && r.segments.at(3) == QLatin1String("{}");
    r.needsBody = r.method == "POST" || r.method == "PUT";
    r.handler = std::move(handler);
    m_routes.append(std::move(r));
}

bool parseId(const QString &s, qint64 *out)
{
    bool okNum = false;
    *out = s.toLongLong(&okNum);
    return okNum && *out > 0;
}

} // namespace hall::server
