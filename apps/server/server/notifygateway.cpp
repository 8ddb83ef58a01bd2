#include "notifygateway.h"
#include "secrets.h"

#include <core/jsonreader.h>
#include <core/logging.h>

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace hall::server {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(NotifyConfig)
};

const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression re(QStringLiteral("\\{([A-Za-z]+)\\}"));
    return re;
}

// The names of unknown placeholders in `tpl`, for the configuration's error.
QStringList unknownPlaceholders(const QString &tpl)
{
    QStringList unknown;
    auto it = placeholderPattern().globalMatch(tpl);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!placeholderNames().contains(name))
            unknown.append(name);
    }
    return unknown;
}

} // namespace

QString reminderName(Reminder r)
{
    switch (r) {
    case Reminder::Ahead: return QStringLiteral("ahead");
    case Reminder::Called: return QStringLiteral("called");
    case Reminder::Recallable: return QStringLiteral("recallable");
    }
    return {};
}

bool reminderFromName(const QString &name, Reminder *out)
{
    for (Reminder r : {Reminder::Ahead, Reminder::Called, Reminder::Recallable}) {
        if (reminderName(r) == name) {
            *out = r;
            return true;
        }
    }
    return false;
}

const QStringList &placeholderNames()
{
    static const QStringList names{QStringLiteral("phone"),    QStringLiteral("number"),    QStringLiteral("window"),
                                   QStringLiteral("ahead"),    QStringLiteral("business"),  QStringLiteral("hall"),
                                   QStringLiteral("template"), QStringLiteral("params"),    QStringLiteral("sign"),
                                   QStringLiteral("appKey"),   QStringLiteral("timestamp"), QStringLiteral("nonce"),
                                   QStringLiteral("hmac")};
    return names;
}

QString renderTemplate(const QString &tpl, const QHash<QString, QString> &values, GatewayConfig::Encoding encoding)
{
    QString out;
    qsizetype from = 0;
    auto it = placeholderPattern().globalMatch(tpl);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(tpl).mid(from, m.capturedStart() - from);
        from = m.capturedEnd();
        const QString name = m.captured(1);
        const auto v = values.constFind(name);
        if (v == values.constEnd()) {
            out += m.captured(0);
            continue;
        }
        switch (encoding) {
        case GatewayConfig::Encoding::Json:
            if (name == QLatin1String("params")) {
                out += *v;
            } else {
                // A JSON string's content: the encoder's escaping without its quotes.
                const QByteArray quoted = QJsonDocument(QJsonArray{*v}).toJson(QJsonDocument::Compact);
                out += QString::fromUtf8(quoted.mid(2, quoted.size() - 4));
            }
            break;
        case GatewayConfig::Encoding::Form:
            out += QString::fromLatin1(QUrl::toPercentEncoding(*v));
            break;
        case GatewayConfig::Encoding::Raw:
            out += *v;
            break;
        }
    }
    out += QStringView(tpl).mid(from);
    return out;
}

std::optional<GatewayConfig> GatewayConfig::fromJson(const QJsonObject &o, const QString &path, QString *error)
{
    core::JsonReader r(o, path);
    GatewayConfig g;
    const QString type = r.string(QStringLiteral("type"), true);
    if (r.ok() && type != QLatin1String("http") && type != QLatin1String("log"))
        r.fail(Tr::tr("%1: must be http or log").arg(r.pathOf(QStringLiteral("type"))));
    g.kind = type == QLatin1String("http") ? Kind::Http : Kind::Log;
    const QJsonObject templates = r.object(QStringLiteral("templates"), true);
    for (Reminder rem : {Reminder::Ahead, Reminder::Called, Reminder::Recallable}) {
        const QString id = templates.value(reminderName(rem)).toString();
        if (r.ok() && id.isEmpty())
            r.fail(Tr::tr("%1.%2: the SMS platform's template id for this reminder is missing")
                       .arg(r.pathOf(QStringLiteral("templates")), reminderName(rem)));
        g.templates.insert(int(rem), id);
    }
    for (auto it = templates.constBegin(); r.ok() && it != templates.constEnd(); ++it) {
        Reminder rem;
        if (!reminderFromName(it.key(), &rem))
            r.fail(Tr::tr("%1.%2: unknown reminder (ahead, called or recallable)").arg(r.pathOf(QStringLiteral("templates")), it.key()));
    }
    g.maxAttempts = r.integer(QStringLiteral("maxAttempts"), 5, 1, 20);
    g.retrySeconds = r.integer(QStringLiteral("retrySeconds"), 30, 1, 3600);
    g.timeoutMs = r.integer(QStringLiteral("timeoutMs"), 10000, 100, 120000);
    if (g.kind == Kind::Http) {
        const QString url = r.string(QStringLiteral("url"), true);
        g.url = url;
        QHash<QString, QString> sample;
        for (const QString &name : placeholderNames())
            sample.insert(name, QStringLiteral("0"));
        const QUrl u(renderTemplate(url, sample, Encoding::Form), QUrl::StrictMode);
        if (r.ok() && (!u.isValid() || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")) || u.host().isEmpty()))
            r.fail(Tr::tr("%1: must be an http:// or https:// address").arg(r.pathOf(QStringLiteral("url"))));
        g.method = r.string(QStringLiteral("method"), false, QStringLiteral("POST")).toUpper().toLatin1();
        if (r.ok() && g.method != "POST" && g.method != "GET" && g.method != "PUT")
            r.fail(Tr::tr("%1: must be GET, POST or PUT").arg(r.pathOf(QStringLiteral("method"))));
        const QJsonObject headers = r.object(QStringLiteral("headers"));
        for (auto it = headers.constBegin(); it != headers.constEnd(); ++it) {
            if (r.ok() && (!it->isString() || it.key().isEmpty()))
                r.fail(Tr::tr("%1.%2: a header's value is a text").arg(r.pathOf(QStringLiteral("headers")), it.key()));
            g.headers.append({it.key().toLatin1(), it->toString()});
        }
        g.body = r.string(QStringLiteral("body"), g.method != "GET");
        const QString encoding = r.string(QStringLiteral("encoding"), false, QStringLiteral("json"));
        if (encoding == QLatin1String("json"))
            g.encoding = Encoding::Json;
        else if (encoding == QLatin1String("form"))
            g.encoding = Encoding::Form;
        else if (encoding == QLatin1String("raw"))
            g.encoding = Encoding::Raw;
        else if (r.ok())
            r.fail(Tr::tr("%1: must be json, form or raw").arg(r.pathOf(QStringLiteral("encoding"))));
        g.successMatch = r.string(QStringLiteral("successMatch"));
        g.signName = r.string(QStringLiteral("signName"));
        g.appKey = r.string(QStringLiteral("appKey"));
        g.appSecret = r.string(QStringLiteral("appSecret"));
        // Every template is checked now, so a typo is a clear error at start, not a wrong text.
        QList<std::pair<QString, QString>> tpls{{QStringLiteral("url"), url}, {QStringLiteral("body"), g.body}};
        for (const auto &[name, value] : std::as_const(g.headers))
            tpls.append({QStringLiteral("headers.") + QString::fromLatin1(name), value});
        for (const auto &[field, tpl] : std::as_const(tpls)) {
            const QStringList unknown = unknownPlaceholders(tpl);
            if (r.ok() && !unknown.isEmpty())
                r.fail(Tr::tr("%1: unknown placeholder {%2}; known are {%3}")
                           .arg(r.pathOf(field), unknown.first(), placeholderNames().join(QStringLiteral("} {"))));
        }
        if (r.ok() && !tpls.constFirst().second.contains(QLatin1String("{phone}")) && !g.body.contains(QLatin1String("{phone}")))
            r.fail(Tr::tr("%1: neither the url nor the body says where the phone goes ({phone})").arg(path));
        if (r.ok() && (g.body.contains(QLatin1String("{hmac}")) || url.contains(QLatin1String("{hmac}"))
                       || std::any_of(g.headers.cbegin(), g.headers.cend(), [](const auto &h) { return h.second.contains(QLatin1String("{hmac}")); }))
            && g.appSecret.isEmpty())
            r.fail(Tr::tr("%1: {hmac} needs an appSecret").arg(path));
    }
    r.finish();
    if (!r.ok()) {
        *error = r.error();
        return std::nullopt;
    }
    return g;
}

bool NotifyConfig::parse(const QJsonObject &o, NotifyConfig *out, QString *error)
{
    core::JsonReader r(o);
    NotifyConfig c;
    if (r.has(QStringLiteral("gateway"))) {
        auto g = GatewayConfig::fromJson(r.object(QStringLiteral("gateway")), QStringLiteral("gateway"), error);
        if (!g)
            return false;
        c.server = *g;
    }
    const QJsonObject halls = r.object(QStringLiteral("halls"));
    for (auto it = halls.constBegin(); it != halls.constEnd(); ++it) {
        auto g = GatewayConfig::fromJson(it->toObject(), QStringLiteral("halls.%1").arg(it.key()), error);
        if (!g)
            return false;
        c.halls.insert(it.key(), *g);
    }
    c.retentionDays = r.integer(QStringLiteral("retentionDays"), c.retentionDays, 1, 3650);
    if (!r.finish()) {
        *error = r.error();
        return false;
    }
    if (c.isEmpty()) {
        *error = tr("The notify configuration names no gateway (\"gateway\" or \"halls\").");
        return false;
    }
    *out = std::move(c);
    return true;
}

bool NotifyConfig::readFile(const QString &path, NotifyConfig *out, QString *error)
{
    QFile f(path);
    if (!openSecretFile(f, tr("notify configuration"), error))
        return false;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) {
        *error = tr("%1 is not a JSON object: %2").arg(path, pe.errorString());
        return false;
    }
    if (!parse(doc.object(), out, error)) {
        *error = tr("%1: %2").arg(path, *error);
        return false;
    }
    return true;
}

bool readPersonalKey(const QString &path, QByteArray *key, QString *error)
{
    QFile f(path);
    if (!openSecretFile(f, Tr::tr("personal-data key"), error))
        return false;
    const QByteArray raw = f.readAll();
    QByteArray k = raw;
    if (raw.size() != 32) {
        const QByteArray text = raw.trimmed();
        const auto b64 = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
        k = text.size() == 64 ? QByteArray::fromHex(text) : (b64 ? *b64 : QByteArray());
    }
    if (k.size() != 32) {
        *error = Tr::tr("The personal-data key %1 is not 32 bytes (raw, base64 or hex); make one with: "
                        "head -c 32 /dev/urandom > %1 && chmod 600 %1").arg(path);
        return false;
    }
    *key = k;
    return true;
}

Gateway::~Gateway() = default;

namespace {

// Logs that a text would go out: template id, ticket and hall, never the phone.
class LogGateway final : public Gateway
{
public:
    void send(const SmsMessage &m, Done done) override
    {
        qCInfo(lcServer).noquote() << "reminder" << reminderName(m.reminder) << "template" << m.templateId << "ticket" << m.number
                                   << "hall" << m.hall;
        done(true, {});
    }
};

class HttpGateway final : public Gateway
{
public:
    HttpGateway(GatewayConfig config, QNetworkAccessManager *nam) : m_config(std::move(config)), m_nam(nam) {}

    void send(const SmsMessage &m, Done done) override
    {
        const QString timestamp = QString::number(QDateTime::currentSecsSinceEpoch());
        const QString nonce = QString::number(QRandomGenerator::system()->generate64(), 16);
        QJsonObject params{{QStringLiteral("number"), m.number}};
        if (m.reminder == Reminder::Called)
            params.insert(QStringLiteral("window"), m.window);
        if (m.reminder == Reminder::Ahead)
            params.insert(QStringLiteral("ahead"), QString::number(m.ahead));
        QHash<QString, QString> v{
            {QStringLiteral("phone"), m.phone},
            {QStringLiteral("number"), m.number},
            {QStringLiteral("window"), m.window},
            {QStringLiteral("ahead"), QString::number(m.ahead)},
            {QStringLiteral("business"), m.business},
            {QStringLiteral("hall"), m.hall},
            {QStringLiteral("template"), m.templateId},
            {QStringLiteral("params"), QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact))},
            {QStringLiteral("sign"), m_config.signName},
            {QStringLiteral("appKey"), m_config.appKey},
            {QStringLiteral("timestamp"), timestamp},
            {QStringLiteral("nonce"), nonce},
        };
        if (!m_config.appSecret.isEmpty())
            v.insert(QStringLiteral("hmac"), QString::fromLatin1(QMessageAuthenticationCode::hash((m_config.appKey + timestamp + nonce).toUtf8(),
                                                                                                  m_config.appSecret.toUtf8(), QCryptographicHash::Sha256)
                                                                     .toHex()));
        QNetworkRequest req(QUrl(renderTemplate(m_config.url, v, GatewayConfig::Encoding::Form)));
        req.setTransferTimeout(m_config.timeoutMs);
        req.setHeader(QNetworkRequest::ContentTypeHeader, m_config.encoding == GatewayConfig::Encoding::Form
                                                              ? QByteArray("application/x-www-form-urlencoded")
                                                              : m_config.encoding == GatewayConfig::Encoding::Json ? QByteArray("application/json; charset=utf-8")
                                                                                                                    : QByteArray("text/plain; charset=utf-8"));
        for (const auto &[name, tpl] : std::as_const(m_config.headers)) {
            const QString value = renderTemplate(tpl, v, GatewayConfig::Encoding::Raw);
            if (value.contains(u'\r') || value.contains(u'\n'))
                return done(false, QStringLiteral("header %1 would hold a line break").arg(QString::fromLatin1(name)));
            req.setRawHeader(name, value.toUtf8());
        }
        const QByteArray body = renderTemplate(m_config.body, v, m_config.encoding).toUtf8();
        QNetworkReply *reply = m_nam->sendCustomRequest(req, m_config.method, body);
        const QString match = m_config.successMatch;
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done, match] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            // Never errorString(): it quotes the address, which may carry the phone.
            if (reply->error() != QNetworkReply::NoError && status == 0)
                return done(false, QString::fromLatin1(QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(reply->error())));
            if (status < 200 || status > 299)
                return done(false, QStringLiteral("HTTP %1").arg(status));
            if (!match.isEmpty() && !QString::fromUtf8(reply->readAll()).contains(match))
                return done(false, QStringLiteral("HTTP %1 without \"%2\"").arg(status).arg(match));
            done(true, {});
        });
    }

private:
    GatewayConfig m_config;
    QNetworkAccessManager *m_nam;
};

} // namespace

std::unique_ptr<Gateway> makeGateway(const GatewayConfig &config, QNetworkAccessManager *nam)
{
    if (config.kind == GatewayConfig::Kind::Log)
        return std::make_unique<LogGateway>();
    return std::make_unique<HttpGateway>(config, nam);
}

} // namespace hall::server
