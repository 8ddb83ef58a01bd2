#include "http.h"

#include "httpcore.h"

namespace hall::server {

Controller::~Controller() = default;

Deferred::Deferred(HttpCore *core, quint64 id) : m_core(core), m_id(id) {}

void Deferred::finish(std::function<Reply(CommitBatch &)> answer) const
{
    HttpCore *core = m_core.data();
    if (!core)
        return;
    const quint64 id = m_id;
    // Queued even on the server's own thread, so a handler may finish before it returns.
    QMetaObject::invokeMethod(core, [core, id, answer = std::move(answer)] { core->finishDeferred(id, answer); },
                              Qt::QueuedConnection);
}

RouteScope::RouteScope(const QString &prefix) : m_prefix(prefix.split(u'/', Qt::SkipEmptyParts)) {}

Route &RouteScope::add(const char *method, const QString &path, Handler handler)
{
    Route r;
    r.method = method;
    r.segments = m_prefix + path.split(u'/', Qt::SkipEmptyParts);
    r.hallScoped = r.segments.size() >= 4 && r.segments.at(2) == QLatin1String("halls") && r.segments.at(3) == QLatin1String("{}");
    r.needsBody = r.method == "POST" || r.method == "PUT";
    r.handler = std::move(handler);
    m_routes.append(std::move(r));
    return m_routes.last();
}

bool parseId(const QString &s, qint64 *out)
{
    bool okNum = false;
    *out = s.toLongLong(&okNum);
    return okNum && *out > 0;
}

} // namespace hall::server
