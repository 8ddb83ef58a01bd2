#pragma once

#include <QByteArray>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <utility>

namespace hall::demo {

// hall-server's HTTP API as the demo's scripts drive it (supervisor's and admin's calls, one at a
// time, waiting for each answer): the demo shows the API itself, so it does not use HallClient.
struct Result
{
    int status = 0;
    QJsonObject body;
    QString code() const { return body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
};

class Client
{
public:
    explicit Client(QUrl base) : m_base(std::move(base)) {}

    Result call(const QByteArray &method, const QString &path, const QString &token, const QJsonObject &body = {})
    {
        QNetworkRequest req(m_base.resolved(QUrl(path)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        QNetworkReply *r = m_nam.sendCustomRequest(req, method, method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
        QEventLoop loop;
        QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Result res{r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), QJsonDocument::fromJson(r->readAll()).object()};
        r->deleteLater();
        return res;
    }

    QString login(const QString &user, const QString &password)
    {
        return call("POST", QStringLiteral("/api/v1/auth/login"), {},
                    {{QStringLiteral("login"), user}, {QStringLiteral("password"), password}})
            .body.value(QStringLiteral("token")).toString();
    }

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
};

} // namespace hall::demo
