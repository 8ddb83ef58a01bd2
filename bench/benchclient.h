#pragma once

// What the benchmarks that drive a hall-server binary through HallClient share: a clock in
// microseconds, one asynchronous call run to its end, a signed-in client, percentiles.
// Messages go to stderr prefixed with the program's name.

#include <net/hallclient.h>

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

namespace hall::bench {

inline qint64 nowUs()
{
    static QElapsedTimer t = [] { QElapsedTimer e; e.start(); return e; }();
    return t.nsecsElapsed() / 1000;
}

template<typename T, typename F>
std::optional<T> wait(F start)
{
    std::optional<net::Result<T>> out;
    QObject ctx;
    start(&ctx, [&out](const net::Result<T> &r) { out = r; });
    while (!out)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    if (!*out) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(QCoreApplication::applicationName()),
                     qPrintable(out->error().message + u' ' + out->error().detail));
        return std::nullopt;
    }
    return out->value();
}

inline std::unique_ptr<net::HallClient> client(const QString &url, const QString &login, const QString &password)
{
    auto c = std::make_unique<net::HallClient>();
    QString error;
    if (!c->setServer(QUrl(url), {}, &error)) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(QCoreApplication::applicationName()), qPrintable(error));
        return nullptr;
    }
    if (!wait<net::Session>([&](QObject *ctx, auto done) { c->signIn(login, password, ctx, done); }))
        return nullptr;
    return c;
}

// In milliseconds, from microsecond samples.
inline double percentile(QList<qint64> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * v.size()))) / 1000.0;
}

} // namespace hall::bench
