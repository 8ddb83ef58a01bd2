#pragma once

// The sync engine's transport as plain HTTP against an in-process hall-server (HallClient
// provides it in the apps), with switches to lose replies and hold pushes.

#include <sync/transport.h>

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace hall::test {

class HttpTransport : public sync::SyncTransport
{
public:
    QString base;
    QString token;
    bool dropNextPushReply = false; // the push reaches the server, its answer is lost
    bool holdPushes = false;        // pushes are not sent at all (a cable pulled for the push only)
    int pullDelayMs = 0;            // pull answers come this much later (a slow query on the server)
    int pushes = 0;
    int pulls = 0;

    void push(const QJsonObject &body, Done done) override
    {
        if (holdPushes) {
            QTimer::singleShot(50, [done] { done(sync::TransportResult::fromHttp(0, {}, QStringLiteral("held"))); });
            return;
        }
        ++pushes;
        QNetworkRequest req(QUrl(base + QStringLiteral("/api/v1/halls/swzx/sync/push")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        finish(m_nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact)), done, std::exchange(dropNextPushReply, false));
    }
    void pull(const QUrlQuery &query, Done done) override
    {
        ++pulls;
        QUrl url(base + QStringLiteral("/api/v1/halls/swzx/sync/pull"));
        url.setQuery(query);
        QNetworkRequest req(url);
        req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        if (pullDelayMs > 0) {
            done = [done, ms = pullDelayMs](const sync::TransportResult &r) { QTimer::singleShot(ms, [done, r] { done(r); }); };
        }
        finish(m_nam.get(req), done, false);
    }

private:
    void finish(QNetworkReply *reply, Done done, bool drop)
    {
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done, drop] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            done(drop ? sync::TransportResult::fromHttp(0, {}, QStringLiteral("reply lost"))
                      : sync::TransportResult::fromHttp(status, body, reply->errorString()));
        });
    }
    QNetworkAccessManager m_nam;
};

} // namespace hall::test
