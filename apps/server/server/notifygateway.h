#pragma once

#include <server/server_export.h>

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
QT_END_NAMESPACE

namespace hall::server {

// What a reminder (Q8, Q14) tells a citizen: few people ahead, called to a window, a missed
// ticket callable again.
enum class Reminder { Ahead, Called, Recallable };
HALL_SERVER_EXPORT QString reminderName(Reminder r); // "ahead", "called", "recallable"
HALL_SERVER_EXPORT bool reminderFromName(const QString &name, Reminder *out);

// How one hall (or the whole server) sends texts: the notify configuration file's "gateway"
// (docs/operations.md, "Reminders"). `http` renders a request for an SMS platform from
// templates; `log` only logs the template id and ticket number (tests and demos).
struct HALL_SERVER_EXPORT GatewayConfig
{
    enum class Kind { Http, Log };
    enum class Encoding { Json, Form, Raw }; // how placeholders in the body are escaped

    Kind kind = Kind::Log;
    QString url;              // template: placeholders are percent-encoded when rendered
    QByteArray method = "POST";
    QList<std::pair<QByteArray, QString>> headers; // values may hold placeholders
    QString body;             // template, e.g. {"PhoneNumbers":"{phone}","TemplateParam":{params}}
    Encoding encoding = Encoding::Json;
    QString successMatch;     // text the answer must contain to count as sent (e.g. "Code":"OK")
    QString signName;         // 短信签名 {sign}
    QString appKey;           // {appKey}
    QString appSecret;        // keys {hmac}; never logged, never in an error
    QHash<int, QString> templates; // by int(Reminder): the platform's template id {template}
    int timeoutMs = 10000;
    int maxAttempts = 5;      // then the notification is failed
    int retrySeconds = 30;    // first retry; doubles each time, at most an hour

    static std::optional<GatewayConfig> fromJson(const QJsonObject &o, const QString &path, QString *error);
};

// The server's notify configuration: a gateway for every hall and/or one per hall code.
struct HALL_SERVER_EXPORT NotifyConfig
{
    Q_DECLARE_TR_FUNCTIONS(NotifyConfig)
public:
    std::optional<GatewayConfig> server;
    QHash<QString, GatewayConfig> halls;
    // Sent, failed and dropped notifications (ticket number, masked phone) are deleted after
    // this many days; the ticket's phone itself goes when the ticket closes.
    int retentionDays = 90;

    bool isEmpty() const { return !server && halls.isEmpty(); }
    const GatewayConfig *forHall(const QString &code) const
    {
        const auto it = halls.constFind(code);
        return it != halls.constEnd() ? &*it : (server ? &*server : nullptr);
    }
    static bool parse(const QJsonObject &o, NotifyConfig *out, QString *error);
    // The file holds secrets: it must be readable by its owner only.
    static bool readFile(const QString &path, NotifyConfig *out, QString *error);
};

// The personal-data key of hall-server (phones kept for reminders): a file of its owner only
// holding 32 random bytes, raw or as base64/hex text.
HALL_SERVER_EXPORT bool readPersonalKey(const QString &path, QByteArray *key, QString *error);

// One text to send. `phone` is clear only here, in memory, for the gateway.
struct SmsMessage
{
    Reminder reminder = Reminder::Called;
    QString templateId;
    QString phone;
    QString number;
    QString window;
    int ahead = 0;
    QString business;
    QString hall;
};

// Placeholders a template may use; anything else in braces made of letters is a config error.
HALL_SERVER_EXPORT const QStringList &placeholderNames();
// `tpl` with each {name} replaced by values[name], escaped for `encoding` ({params}, already
// JSON, goes in as it is in a JSON body).
HALL_SERVER_EXPORT QString renderTemplate(const QString &tpl, const QHash<QString, QString> &values, GatewayConfig::Encoding encoding);

// Sends texts. Asynchronous: send() returns at once, `done` runs later on the caller's thread
// with an error that names no phone (HTTP status or network error kind).
class HALL_SERVER_EXPORT Gateway
{
public:
    using Done = std::function<void(bool sent, const QString &error)>;
    virtual ~Gateway();
    virtual void send(const SmsMessage &message, Done done) = 0;
};

HALL_SERVER_EXPORT std::unique_ptr<Gateway> makeGateway(const GatewayConfig &config, QNetworkAccessManager *nam);

} // namespace hall::server
