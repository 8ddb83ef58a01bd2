#include "hallclient.h"

#include "logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QUrlQuery>

namespace hall::net {

namespace {

QString segment(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

ApiError::Kind transportKind(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::ConnectionRefusedError: return ApiError::Kind::Refused;
    case QNetworkReply::HostNotFoundError: return ApiError::Kind::HostNotFound;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: return ApiError::Kind::Timeout; // setTransferTimeout cancels
    case QNetworkReply::SslHandshakeFailedError: return ApiError::Kind::Tls;
    default: return ApiError::Kind::Network;
    }
}

// The reply's `error` object as an ApiError; the status alone when the body has none.
ApiError httpError(int status, const QByteArray &body)
{
    const QJsonObject e = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    const QString code = e.value(QStringLiteral("code")).toString();
    if (code.isEmpty()) {
        ApiError err = ApiError::http(status, QStringLiteral("http_%1").arg(status),
                                      ApiError::tr("The hall service refused the request (HTTP %1).").arg(status));
        err.detail = QStringLiteral("no error object in the body");
        return err;
    }
    ApiError err = ApiError::http(status, code, e.value(QStringLiteral("message")).toString());
    err.errorObject = e;
    err.ticketId = e.value(QStringLiteral("ticketId")).toInteger();
    if (e.contains(QStringLiteral("retryAfterSeconds")))
        err.retryAfterSeconds = e.value(QStringLiteral("retryAfterSeconds")).toInt();
    return err;
}

// "{key: {...}}" parsed with one of the item parsers.
template<typename T>
std::function<bool(const QJsonObject &, T *, QString *)> member(const QString &key, bool (*parse)(const QJsonObject &, T *, QString *, const QString &))
{
    return [key, parse](const QJsonObject &o, T *out, QString *error) {
        if (!o.value(key).isObject()) {
            *error = key + QStringLiteral(": missing or not an object");
            return false;
        }
        return parse(o.value(key).toObject(), out, error, key);
    };
}

template<typename T>
std::function<bool(const QJsonObject &, QList<T> *, QString *)> listOf(const QString &key, bool (*parse)(const QJsonObject &, T *, QString *, const QString &))
{
    return [key, parse](const QJsonObject &o, QList<T> *out, QString *error) {
        if (!o.value(key).isArray()) {
            *error = key + QStringLiteral(": missing or not an array");
            return false;
        }
        const QJsonArray a = o.value(key).toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            T item;
            const QString path = QStringLiteral("%1[%2]").arg(key).arg(i);
            if (!a.at(i).isObject()) {
                *error = path + QStringLiteral(": not an object");
                return false;
            }
            if (!parse(a.at(i).toObject(), &item, error, path))
                return false;
            out->append(item);
        }
        return true;
    };
}

template<typename T>
std::function<bool(const QJsonObject &, T *, QString *)> whole(bool (*parse)(const QJsonObject &, T *, QString *))
{
    return [parse](const QJsonObject &o, T *out, QString *error) { return parse(o, out, error); };
}

std::function<bool(const QJsonObject &, bool *, QString *)> flag(const QString &key)
{
    return [key](const QJsonObject &o, bool *out, QString *error) {
        if (!o.value(key).isBool()) {
            *error = key + QStringLiteral(": missing or not a boolean");
            return false;
        }
        *out = o.value(key).toBool();
        return true;
    };
}

} // namespace

HallClient::HallClient(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ConnectionStatus>();
    m_nam.setAutoDeleteReplies(true);
    m_probeTimer.setSingleShot(true);
    connect(&m_probeTimer, &QTimer::timeout, this, &HallClient::probe);
    m_offlineTimer.setSingleShot(true);
    connect(&m_offlineTimer, &QTimer::timeout, this, [this] {
        if (m_status.state == ConnectionStatus::State::Reconnecting) {
            ConnectionStatus s = m_status;
            s.state = ConnectionStatus::State::Offline;
            setStatus(s);
        }
    });
    m_probeBackoff = Backoff(m_backoffPolicy, m_backoffRandom);
}

HallClient::~HallClient()
{
    // Replies still running must never finish into a half-destroyed client (the QNAM member
    // outlives the timers): they are cut loose first, and their callbacks never run.
    const QList<QNetworkReply *> replies = m_nam.findChildren<QNetworkReply *>();
    for (QNetworkReply *r : replies) {
        disconnect(r, nullptr, this, nullptr);
        r->abort();
    }
}

bool HallClient::setServer(const QUrl &url, const TlsOptions &tls, QString *error)
{
    QString err;
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty()) {
        err = ApiError::tr("The server address \"%1\" is not http(s)://HOST:PORT.").arg(url.toString());
    } else if (url.scheme() == QLatin1String("https") && !Tls::configuration(tls, &m_ssl, &err)) {
        // err set
    } else if (url.scheme() == QLatin1String("http") && (!tls.caFile.isEmpty() || !tls.publicKeySha256.isEmpty())) {
        err = ApiError::tr("A hall CA file or a certificate pin needs an https:// server address.");
    }
    if (!err.isEmpty()) {
        if (error)
            *error = err;
        return false;
    }
    m_base = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_pin = tls.publicKeySha256;
    m_nam.clearConnectionCache();
    return true;
}

void HallClient::setBackoffPolicy(Backoff::Policy policy, Backoff::Random random)
{
    m_backoffPolicy = policy;
    m_backoffRandom = std::move(random);
    m_probeBackoff = Backoff(m_backoffPolicy, m_backoffRandom);
}

void HallClient::setToken(const QString &token)
{
    if (token == m_token)
        return;
    m_token = token;
    Q_EMIT tokenChanged();
}

QString HallClient::hallPath(const QString &rest) const
{
    return QStringLiteral("/halls/") + segment(m_hall) + u'/' + rest;
}

QString HallClient::windowPath(const QString &window, const QString &op) const
{
    return hallPath(QStringLiteral("windows/") + segment(window) + u'/' + op);
}

bool HallClient::checkPeer(const QSslCertificate &certificate) const
{
    return m_pin.isEmpty() || Tls::publicKeySha256(certificate) == m_pin;
}

std::optional<QNetworkRequest> HallClient::request(const QString &path, const QList<std::pair<QString, QString>> &query) const
{
    if (m_base.isEmpty())
        return std::nullopt;
    QUrl url = m_base;
    url.setPath(QStringLiteral("/api/v1") + path, QUrl::StrictMode);
    if (!query.isEmpty()) {
        QUrlQuery q;
        for (const auto &[k, v] : query)
            q.addQueryItem(k, QString::fromLatin1(QUrl::toPercentEncoding(v)));
        url.setQuery(q);
    }
    QNetworkRequest req(url);
    req.setTransferTimeout(m_timeoutMs);
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    if (url.scheme() == QLatin1String("https"))
        req.setSslConfiguration(m_ssl);
    return req;
}

void HallClient::notConfigured(QObject *context, JsonDone done)
{
    QPointer<QObject> ctx(context);
    ApiError e = ApiError::transport(ApiError::Kind::HostNotFound, QStringLiteral("no server configured"));
    QTimer::singleShot(0, this, [ctx, done, e] {
        if (ctx)
            done(e);
    });
}

void HallClient::send(const QByteArray &method, const QString &path, const QJsonObject *body, QObject *context, JsonDone done,
                      const QList<std::pair<QString, QString>> &query, bool probe)
{
    std::optional<QNetworkRequest> req = request(path, query);
    if (!req)
        return notConfigured(context, std::move(done));
    QByteArray payload;
    if (body) {
        payload = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        req->setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    watch(m_nam.sendCustomRequest(*req, method, payload), QString::fromLatin1(method) + u' ' + path, context, std::move(done), probe);
}

// The answer of `reply` as JSON or an ApiError, the link state and the token's fate updated.
// `what` names the request in the log: never its query or body. `sink`, when given, takes a
// successful reply's bytes as they come (a download), and the answer is then {"bytes": n}.
void HallClient::watch(QNetworkReply *reply, const QString &what, QObject *context, JsonDone done, bool probe, QIODevice *sink)
{
    QPointer<QObject> ctx(context);
    auto pinRefused = std::make_shared<bool>(false);
    if (!m_pin.isEmpty()) {
        // encrypted() comes after the handshake and before anything (the token) is sent.
        connect(reply, &QNetworkReply::encrypted, this, [this, reply, pinRefused] {
            if (!checkPeer(reply->sslConfiguration().peerCertificate())) {
                *pinRefused = true;
                reply->abort();
            }
        });
    }
    auto sunk = std::make_shared<qint64>(0);
    auto sinkFailed = std::make_shared<bool>(false);
    if (sink) {
        connect(reply, &QNetworkReply::readyRead, this, [reply, sink, sunk, sinkFailed] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200 || *sinkFailed)
                return; // an error's JSON body stays in the reply
            const QByteArray piece = reply->readAll();
            if (sink->write(piece) != piece.size()) {
                *sinkFailed = true;
                reply->abort();
            }
            *sunk += piece.size();
        });
    }
    const bool withToken = reply->request().hasRawHeader("Authorization");
    connect(reply, &QNetworkReply::finished, this, [=, this] {
        if (probe)
            m_probeInFlight = false; // before linkDown(), which schedules the next probe
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        std::optional<Result<QJsonObject>> result;
        if (*pinRefused) {
            result = ApiError::transport(ApiError::Kind::PinMismatch, QStringLiteral("server key does not match the pin"));
        } else if (*sinkFailed) {
            result = ApiError::transport(ApiError::Kind::Canceled, QStringLiteral("the download could not be written: ") + sink->errorString());
        } else if (status == 0) {
            result = ApiError::transport(transportKind(reply->error()), reply->errorString());
        } else if (status >= 200 && status < 300 && sink) {
            const QByteArray rest = reply->readAll();
            if (!rest.isEmpty() && sink->write(rest) != rest.size())
                result = ApiError::transport(ApiError::Kind::Canceled, QStringLiteral("the download could not be written: ") + sink->errorString());
            else
                result = QJsonObject{{QStringLiteral("bytes"), *sunk + rest.size()}};
        } else if (status >= 200 && status < 300) {
            QJsonParseError pe;
            const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll(), &pe);
            if (!doc.isObject())
                result = ApiError::protocol(what + QStringLiteral(": the body is not a JSON object"));
            else
                result = doc.object();
        } else {
            result = httpError(status, reply->readAll());
        }
        if (!result->ok()) {
            const ApiError &e = result->error();
            if (probe) // every few seconds while the server is away: not a warning each time
                qCInfo(lcNet).noquote() << "probe" << what << "failed:" << ApiError::kindName(e.kind) << e.detail;
            else
                qCWarning(lcNet).noquote() << what << "failed:" << ApiError::kindName(e.kind) << e.httpStatus << e.code << e.detail;
            if (e.isTransport())
                linkDown(e);
            else
                linkUp();
            if (withToken && e.httpStatus == 401 && e.code == QLatin1String("unauthenticated"))
                Q_EMIT tokenRejected();
        } else {
            linkUp();
        }
        if (ctx)
            done(*result);
    });
}

template<typename T>
void HallClient::call(const QByteArray &method, const QString &path, const QJsonObject *body, QObject *context, Callback<T> done,
                      std::function<bool(const QJsonObject &, T *, QString *)> parse, const QList<std::pair<QString, QString>> &query)
{
    send(method, path, body, context, [done, parse, path](const Result<QJsonObject> &r) {
        if (!r)
            return done(r.error());
        T value;
        QString error;
        if (!parse(r.value(), &value, &error)) {
            qCWarning(lcNet).noquote() << path << "answered in an unexpected form:" << error;
            return done(ApiError::protocol(error));
        }
        done(value);
    }, query);
}

// --- the API ---

void HallClient::health(QObject *context, Callback<Health> done)
{
    call<Health>("GET", QStringLiteral("/health"), nullptr, context, std::move(done), whole(&parseHealth));
}

void HallClient::signIn(const QString &login, const QString &password, QObject *context, Callback<Session> done)
{
    QJsonObject body{{QStringLiteral("login"), login}, {QStringLiteral("password"), password}};
    // The hall this PC serves: where it takes certificates only, the server says so first.
    if (!m_hall.isEmpty())
        body.insert(QStringLiteral("hall"), m_hall);
    startSession(QStringLiteral("/auth/login"), body, context, std::move(done));
}

void HallClient::signInWithCertificate(QObject *context, Callback<Session> done)
{
    startSession(QStringLiteral("/auth/certificate"), QJsonObject(), context, std::move(done));
}

void HallClient::setClientIdentity(const ClientIdentity &identity)
{
    m_ssl.setLocalCertificateChain(identity.isNull() ? QList<QSslCertificate>()
                                                     : QList<QSslCertificate>{identity.certificate} + identity.chain);
    m_ssl.setPrivateKey(identity.key);
    m_nam.clearConnectionCache();
}

void HallClient::signInWays(const QString &hall, QObject *context, Callback<SignInWays> done)
{
    QList<std::pair<QString, QString>> query;
    if (!hall.isEmpty())
        query.append({QStringLiteral("hall"), hall});
    call<SignInWays>("GET", QStringLiteral("/auth/ways"), nullptr, context, std::move(done), whole(&parseSignInWays), query);
}

void HallClient::startSession(const QString &path, const QJsonObject &body, QObject *context, Callback<Session> done)
{
    setToken({}); // a sign-in never carries an older token along
    call<Session>("POST", path, &body, this, [this, ctx = QPointer<QObject>(context), done](const Result<Session> &r) {
        if (r) {
            setToken(r->token);
            if (!r->hall.isEmpty())
                m_hall = r->hall;
        }
        if (ctx)
            done(r);
    }, whole(&parseSession));
}

void HallClient::changePassword(const QString &login, const QString &password, const QString &newPassword, QObject *context,
                                Callback<bool> done)
{
    const QJsonObject body{{QStringLiteral("login"), login}, {QStringLiteral("password"), password}, {QStringLiteral("newPassword"), newPassword}};
    call<bool>("POST", QStringLiteral("/auth/password"), &body, context, std::move(done), flag(QStringLiteral("changed")));
}

void HallClient::signOut(QObject *context, Callback<bool> done)
{
    const QJsonObject body;
    call<bool>("POST", QStringLiteral("/auth/logout"), &body, context, std::move(done), flag(QStringLiteral("signedOut")));
    setToken({}); // the request above already carries it
}

void HallClient::me(QObject *context, Callback<Account> done)
{
    call<Account>("GET", QStringLiteral("/me"), nullptr, context, std::move(done), whole(&parseAccount));
}

void HallClient::halls(QObject *context, Callback<QList<HallInfo>> done)
{
    call<QList<HallInfo>>("GET", QStringLiteral("/halls"), nullptr, context, std::move(done), listOf(QStringLiteral("halls"), &parseHallInfo));
}

void HallClient::hallConfig(QObject *context, Callback<core::HallConfig> done)
{
    call<core::HallConfig>("GET", hallPath(QStringLiteral("config")), nullptr, context, std::move(done),
                           [](const QJsonObject &o, core::HallConfig *out, QString *error) { return core::HallConfig::fromJson(o, out, error); });
}

void HallClient::putHallConfig(const core::HallConfig &config, QObject *context, Callback<core::HallConfig> done)
{
    const QJsonObject body = config.toJson();
    call<core::HallConfig>("PUT", hallPath(QStringLiteral("config")), &body, context, std::move(done),
                           [](const QJsonObject &o, core::HallConfig *out, QString *error) { return core::HallConfig::fromJson(o, out, error); });
}

void HallClient::businesses(QObject *context, Callback<QList<BusinessStatus>> done)
{
    call<QList<BusinessStatus>>("GET", hallPath(QStringLiteral("businesses")), nullptr, context, std::move(done),
                                listOf(QStringLiteral("businesses"), &parseBusiness));
}

void HallClient::windows(QObject *context, Callback<QList<WindowStatus>> done)
{
    call<QList<WindowStatus>>("GET", hallPath(QStringLiteral("windows")), nullptr, context, std::move(done),
                              listOf(QStringLiteral("windows"), &parseWindow));
}

void HallClient::issueTicket(const IssueRequest &request, QObject *context, Callback<TicketInfo> done)
{
    QJsonObject body{{QStringLiteral("business"), request.business}, {QStringLiteral("source"), core::ticketSourceName(request.source)}};
    if (!request.idNumber.isEmpty())
        body.insert(QStringLiteral("idNumber"), request.idNumber);
    if (!request.phone.isEmpty())
        body.insert(QStringLiteral("phone"), request.phone);
    if (!request.priority.isEmpty())
        body.insert(QStringLiteral("priority"), request.priority);
    if (request.green)
        body.insert(QStringLiteral("green"), true);
    call<TicketInfo>("POST", hallPath(QStringLiteral("tickets")), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::ticket(qint64 id, QObject *context, Callback<TicketInfo> done)
{
    call<TicketInfo>("GET", hallPath(QStringLiteral("tickets/%1").arg(id)), nullptr, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::tickets(const TicketFilter &filter, QObject *context, Callback<QList<TicketInfo>> done)
{
    QList<std::pair<QString, QString>> query;
    if (filter.status)
        query.append({QStringLiteral("status"), core::ticketStatusName(*filter.status)});
    if (!filter.business.isEmpty())
        query.append({QStringLiteral("business"), filter.business});
    call<QList<TicketInfo>>("GET", hallPath(QStringLiteral("tickets")), nullptr, context, std::move(done),
                            listOf(QStringLiteral("tickets"), &parseTicket), query);
}

void HallClient::reprintTicket(qint64 id, QObject *context, Callback<TicketInfo> done)
{
    const QJsonObject body;
    call<TicketInfo>("POST", hallPath(QStringLiteral("tickets/%1/reprint").arg(id)), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::voidTicket(qint64 id, const QString &reason, QObject *context, Callback<TicketInfo> done)
{
    const QJsonObject body{{QStringLiteral("reason"), reason}};
    call<TicketInfo>("POST", hallPath(QStringLiteral("tickets/%1/void").arg(id)), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::issueSubTicket(qint64 masterId, const QString &business, QObject *context, Callback<TicketInfo> done)
{
    const QJsonObject body{{QStringLiteral("business"), business}};
    call<TicketInfo>("POST", hallPath(QStringLiteral("tickets/%1/subs").arg(masterId)), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::bookAppointment(const AppointmentRequest &request, QObject *context, Callback<Appointment> done)
{
    QJsonObject body{{QStringLiteral("code"), request.code}, {QStringLiteral("business"), request.business},
                     {QStringLiteral("slotStart"), request.slotStart.toString(Qt::ISODate)},
                     {QStringLiteral("slotEnd"), request.slotEnd.toString(Qt::ISODate)}};
    if (!request.idNumber.isEmpty())
        body.insert(QStringLiteral("idNumber"), request.idNumber);
    if (!request.phone.isEmpty())
        body.insert(QStringLiteral("phone"), request.phone);
    call<Appointment>("POST", hallPath(QStringLiteral("appointments")), &body, context, std::move(done),
                      [](const QJsonObject &o, Appointment *out, QString *error) {
                          if (!o.value(QStringLiteral("appointment")).isObject()) {
                              *error = QStringLiteral("appointment: missing or not an object");
                              return false;
                          }
                          return parseAppointment(o.value(QStringLiteral("appointment")).toObject(), out, error);
                      });
}

void HallClient::checkInByCode(const QString &code, QObject *context, Callback<TicketInfo> done)
{
    const QJsonObject body{{QStringLiteral("code"), code}};
    call<TicketInfo>("POST", hallPath(QStringLiteral("appointments/checkin")), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::checkInByIdNumber(const QString &idNumber, QObject *context, Callback<TicketInfo> done)
{
    const QJsonObject body{{QStringLiteral("idNumber"), idNumber}};
    call<TicketInfo>("POST", hallPath(QStringLiteral("appointments/checkin")), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::releasePasswords(const QString &business, int count, QObject *context, Callback<QStringList> done)
{
    const QJsonObject body{{QStringLiteral("business"), business}, {QStringLiteral("count"), count}};
    call<QStringList>("POST", hallPath(QStringLiteral("release-passwords")), &body, context, std::move(done),
                      [](const QJsonObject &o, QStringList *out, QString *error) {
                          const QJsonValue v = o.value(QStringLiteral("passwords"));
                          if (!v.isArray()) {
                              *error = QStringLiteral("passwords: missing or not an array");
                              return false;
                          }
                          for (const QJsonValue &p : v.toArray()) {
                              if (!p.isString()) {
                                  *error = QStringLiteral("passwords: not a string");
                                  return false;
                              }
                              out->append(p.toString());
                          }
                          return true;
                      });
}

void HallClient::issueSpecialTicket(const QString &password, QObject *context, Callback<TicketInfo> done)
{
    const QJsonObject body{{QStringLiteral("password"), password}};
    call<TicketInfo>("POST", hallPath(QStringLiteral("special-tickets")), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::blacklistAdd(const BlacklistRequest &request, QObject *context, Callback<BlacklistEntry> done)
{
    QJsonObject body{{QStringLiteral("until"), request.until.toString(Qt::ISODate)}, {QStringLiteral("reason"), request.reason}};
    if (!request.idNumber.isEmpty())
        body.insert(QStringLiteral("idNumber"), request.idNumber);
    if (!request.phone.isEmpty())
        body.insert(QStringLiteral("phone"), request.phone);
    call<BlacklistEntry>("POST", hallPath(QStringLiteral("blacklist")), &body, context, std::move(done),
                         [](const QJsonObject &o, BlacklistEntry *out, QString *error) {
                             out->until = QDate::fromString(o.value(QStringLiteral("until")).toString(), Qt::ISODate);
                             out->reason = o.value(QStringLiteral("reason")).toString();
                             if (!out->until.isValid())
                                 *error = QStringLiteral("until: missing or not a date");
                             return out->until.isValid();
                         });
}

void HallClient::blacklistRemove(const QString &idNumber, const QString &phone, QObject *context, Callback<bool> done)
{
    QJsonObject body;
    if (!idNumber.isEmpty())
        body.insert(QStringLiteral("idNumber"), idNumber);
    if (!phone.isEmpty())
        body.insert(QStringLiteral("phone"), phone);
    call<bool>("POST", hallPath(QStringLiteral("blacklist/remove")), &body, context, std::move(done), flag(QStringLiteral("removed")));
}

void HallClient::clearQueue(const QString &reason, QObject *context, Callback<int> done)
{
    const QJsonObject body{{QStringLiteral("reason"), reason}};
    call<int>("POST", hallPath(QStringLiteral("clear")), &body, context, std::move(done),
              [](const QJsonObject &o, int *out, QString *error) {
                  if (!o.value(QStringLiteral("cleared")).isDouble()) {
                      *error = QStringLiteral("cleared: missing or not a number");
                      return false;
                  }
                  *out = o.value(QStringLiteral("cleared")).toInt();
                  return true;
              });
}

void HallClient::calls(int limit, QObject *context, Callback<QList<CallRecord>> done)
{
    call<QList<CallRecord>>("GET", hallPath(QStringLiteral("calls")), nullptr, context, std::move(done),
                            listOf(QStringLiteral("calls"), &parseCallRecord), {{QStringLiteral("limit"), QString::number(limit)}});
}

void HallClient::windowOp(const QString &window, const char *op, const QJsonObject &body, QObject *context, Callback<WindowStatus> done)
{
    call<WindowStatus>("POST", windowPath(window, QLatin1String(op)), &body, context, std::move(done), member(QStringLiteral("window"), &parseWindow));
}

void HallClient::callOp(const QString &window, const char *op, const QJsonObject &body, QObject *context, Callback<CallResult> done)
{
    call<CallResult>("POST", windowPath(window, QLatin1String(op)), &body, context, std::move(done), whole(&parseCallResult));
}

void HallClient::ticketOp(const QString &window, const char *op, const QJsonObject &body, QObject *context, Callback<TicketInfo> done)
{
    call<TicketInfo>("POST", windowPath(window, QLatin1String(op)), &body, context, std::move(done), member(QStringLiteral("ticket"), &parseTicket));
}

void HallClient::windowLogin(const QString &window, const QString &officer, QObject *context, Callback<WindowStatus> done)
{
    windowOp(window, "login", officer.isEmpty() ? QJsonObject() : QJsonObject{{QStringLiteral("officer"), officer}}, context, std::move(done));
}
void HallClient::windowLogout(const QString &window, QObject *context, Callback<WindowStatus> done) { windowOp(window, "logout", {}, context, std::move(done)); }
void HallClient::pause(const QString &window, const QString &type, const QString &reason, QObject *context, Callback<WindowStatus> done)
{
    QJsonObject body{{QStringLiteral("type"), type}};
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    windowOp(window, "pause", body, context, std::move(done));
}
void HallClient::resume(const QString &window, QObject *context, Callback<WindowStatus> done) { windowOp(window, "resume", {}, context, std::move(done)); }
void HallClient::callNext(const QString &window, QObject *context, Callback<CallResult> done) { callOp(window, "call-next", {}, context, std::move(done)); }
void HallClient::recall(const QString &window, QObject *context, Callback<CallResult> done) { callOp(window, "recall", {}, context, std::move(done)); }
void HallClient::specialCall(const QString &window, qint64 ticketId, QObject *context, Callback<CallResult> done)
{
    callOp(window, "special-call", {{QStringLiteral("ticket"), ticketId}}, context, std::move(done));
}
void HallClient::callBack(const QString &window, qint64 ticketId, QObject *context, Callback<CallResult> done)
{
    callOp(window, "call-back", {{QStringLiteral("ticket"), ticketId}}, context, std::move(done));
}
void HallClient::start(const QString &window, QObject *context, Callback<TicketInfo> done) { ticketOp(window, "start", {}, context, std::move(done)); }
void HallClient::finish(const QString &window, QObject *context, Callback<TicketInfo> done) { ticketOp(window, "finish", {}, context, std::move(done)); }
void HallClient::miss(const QString &window, QObject *context, Callback<TicketInfo> done) { ticketOp(window, "miss", {}, context, std::move(done)); }
void HallClient::transfer(const QString &window, const TransferRequest &request, QObject *context, Callback<TicketInfo> done)
{
    QJsonObject body;
    if (!request.window.isEmpty())
        body.insert(QStringLiteral("window"), request.window);
    if (!request.business.isEmpty())
        body.insert(QStringLiteral("business"), request.business);
    if (request.ticket)
        body.insert(QStringLiteral("ticket"), request.ticket);
    ticketOp(window, "transfer", body, context, std::move(done));
}
void HallClient::hang(const QString &window, QObject *context, Callback<TicketInfo> done) { ticketOp(window, "hang", {}, context, std::move(done)); }
void HallClient::virtualTicket(const QString &window, const QString &business, QObject *context, Callback<TicketInfo> done)
{
    ticketOp(window, "virtual", {{QStringLiteral("business"), business}}, context, std::move(done));
}

void HallClient::requestLease(const QString &business, int size, const QString &device, QObject *context, Callback<Lease> done)
{
    const QJsonObject body{{QStringLiteral("business"), business}, {QStringLiteral("size"), size}, {QStringLiteral("device"), device}};
    call<Lease>("POST", hallPath(QStringLiteral("leases")), &body, context, std::move(done), member(QStringLiteral("lease"), &parseLease));
}

void HallClient::leases(QObject *context, Callback<QList<Lease>> done)
{
    call<QList<Lease>>("GET", hallPath(QStringLiteral("leases")), nullptr, context, std::move(done), listOf(QStringLiteral("leases"), &parseLease));
}

void HallClient::returnLease(qint64 id, const QString &device, int used, QObject *context, Callback<Lease> done)
{
    const QJsonObject body{{QStringLiteral("device"), device}, {QStringLiteral("used"), used}};
    call<Lease>("POST", hallPath(QStringLiteral("leases/%1/return").arg(id)), &body, context, std::move(done), member(QStringLiteral("lease"), &parseLease));
}

void HallClient::reportDeviceStatus(const QString &device, const DeviceReport &report, QObject *context, Callback<DeviceStatusInfo> done)
{
    QJsonArray parts;
    for (const DevicePart &p : report.parts) {
        QJsonObject o{{QStringLiteral("part"), p.part}, {QStringLiteral("state"), p.state}};
        if (!p.message.isEmpty())
            o.insert(QStringLiteral("message"), p.message);
        parts.append(o);
    }
    QJsonObject body{{QStringLiteral("parts"), parts}, {QStringLiteral("every"), report.everySeconds}};
    if (report.ageSeconds > 0)
        body.insert(QStringLiteral("age"), report.ageSeconds);
    call<DeviceStatusInfo>("PUT", hallPath(QStringLiteral("devices/%1/status").arg(segment(device))), &body,
                           context, std::move(done), member(QStringLiteral("device"), &parseDeviceStatus));
}

void HallClient::devices(QObject *context, Callback<QList<DeviceStatusInfo>> done)
{
    call<QList<DeviceStatusInfo>>("GET", hallPath(QStringLiteral("devices")), nullptr, context, std::move(done),
                                  listOf(QStringLiteral("devices"), &parseDeviceStatus));
}

void HallClient::reportAnnouncement(const QString &call, bool finished, QObject *context, Callback<bool> done)
{
    const QJsonObject body{{QStringLiteral("call"), call}, {QStringLiteral("state"), finished ? QStringLiteral("finished") : QStringLiteral("started")}};
    this->call<bool>("POST", hallPath(QStringLiteral("announcements")), &body, context, std::move(done),
                     [](const QJsonObject &o, bool *out, QString *) { *out = o.contains(QStringLiteral("call")); return true; });
}

void HallClient::syncPush(const QJsonObject &body, QObject *context, Callback<QJsonObject> done)
{
    call<QJsonObject>("POST", hallPath(QStringLiteral("sync/push")), &body, context, std::move(done),
                      [](const QJsonObject &o, QJsonObject *out, QString *) { *out = o; return true; });
}

void HallClient::syncPull(const QUrlQuery &query, QObject *context, Callback<QJsonObject> done)
{
    QList<std::pair<QString, QString>> items;
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded))
        items.append({k, v});
    call<QJsonObject>("GET", hallPath(QStringLiteral("sync/pull")), nullptr, context, std::move(done),
                      [](const QJsonObject &o, QJsonObject *out, QString *) { *out = o; return true; }, items);
}

void HallClient::blobUploadStart(const BlobUploadRequest &blob, QObject *context, Callback<BlobUpload> done)
{
    const QJsonObject body{{QStringLiteral("algorithm"), blob.algorithm}, {QStringLiteral("hash"), blob.hash}, {QStringLiteral("size"), blob.size}};
    call<BlobUpload>("POST", hallPath(QStringLiteral("blobs/uploads")), &body, context, std::move(done), whole(&parseBlobUpload));
}

void HallClient::blobUploadChunk(const BlobUploadRequest &blob, qint64 offset, QIODevice *source, qint64 length, QObject *context,
                                 Callback<BlobUpload> done)
{
    const QString path = hallPath(QStringLiteral("blobs/%1/%2").arg(segment(blob.algorithm), segment(blob.hash)));
    JsonDone parsed = [done](const Result<QJsonObject> &r) {
        if (!r)
            return done(r.error());
        BlobUpload b;
        QString error;
        if (!parseBlobUpload(r.value(), &b, &error))
            return done(ApiError::protocol(error));
        done(b);
    };
    std::optional<QNetworkRequest> req = request(path, {{QStringLiteral("size"), QString::number(blob.size)},
                                                        {QStringLiteral("offset"), QString::number(offset)}});
    if (!req)
        return notConfigured(context, std::move(parsed));
    // The length is told up front, so QNetworkAccessManager reads the device as it sends
    // instead of buffering it first.
    req->setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    req->setHeader(QNetworkRequest::ContentLengthHeader, length);
    watch(m_nam.sendCustomRequest(*req, "PUT", source), QStringLiteral("PUT ") + path, context, std::move(parsed));
}

void HallClient::blobDownload(const QString &algorithm, const QString &hash, const QString &record, QIODevice *sink, QObject *context,
                              Callback<qint64> done)
{
    const QString path = hallPath(QStringLiteral("blobs/%1/%2").arg(segment(algorithm), segment(hash)));
    JsonDone counted = [done](const Result<QJsonObject> &r) {
        if (!r)
            return done(r.error());
        done(r.value().value(QStringLiteral("bytes")).toInteger());
    };
    std::optional<QNetworkRequest> req = request(path, {{QStringLiteral("record"), record}});
    if (!req)
        return notConfigured(context, std::move(counted));
    QNetworkReply *reply = m_nam.get(*req);
    reply->setReadBufferSize(256 * 1024); // the socket waits while the sink is slow
    watch(reply, QStringLiteral("GET ") + path, context, std::move(counted), false, sink);
}

// --- the event stream's address ---

QNetworkRequest HallClient::eventStreamRequest(const QString &hall) const
{
    QUrl url = m_base;
    url.setScheme(m_base.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setPath(QStringLiteral("/api/v1/events"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("hall"), QString::fromLatin1(QUrl::toPercentEncoding(hall)));
    url.setQuery(q);
    QNetworkRequest req(url);
    req.setRawHeader("Authorization", "Bearer " + m_token.toLatin1()); // never in the URL
    return req;
}

// --- the link ---

void HallClient::setStatus(const ConnectionStatus &status)
{
    const bool changed = status.state != m_status.state || status.attempt != m_status.attempt
                         || status.nextAttemptAt != m_status.nextAttemptAt || status.since != m_status.since;
    m_status = status;
    if (changed) {
        qCInfo(lcNet).noquote() << "connection" << ConnectionStatus::stateName(status.state) << "attempt" << status.attempt;
        Q_EMIT connectionStatusChanged(m_status);
    }
}

void HallClient::linkUp()
{
    m_probeTimer.stop();
    m_offlineTimer.stop();
    m_probeBackoff.reset();
    if (m_status.state == ConnectionStatus::State::Online)
        return;
    ConnectionStatus s;
    s.state = ConnectionStatus::State::Online;
    s.since = QDateTime::currentDateTime();
    setStatus(s);
}

void HallClient::linkDown(const ApiError &error)
{
    ConnectionStatus s = m_status;
    s.lastError = error;
    if (s.state == ConnectionStatus::State::Online || !s.since.isValid()) {
        s.state = ConnectionStatus::State::Reconnecting;
        s.since = QDateTime::currentDateTime();
        s.attempt = 0;
        m_offlineTimer.start(m_offlineAfterMs);
    }
    m_status.lastError = error;
    setStatus(s);
    if (m_activeStreams == 0)
        scheduleProbe();
}

void HallClient::scheduleProbe()
{
    if (m_probeTimer.isActive() || m_probeInFlight)
        return;
    const int delay = m_probeBackoff.nextDelayMs();
    ConnectionStatus s = m_status;
    s.attempt = m_probeBackoff.attempt();
    s.nextAttemptAt = QDateTime::currentDateTime().addMSecs(delay);
    setStatus(s);
    m_probeTimer.start(delay);
}

void HallClient::probe()
{
    if (m_activeStreams > 0 || m_status.state == ConnectionStatus::State::Online)
        return;
    m_probeInFlight = true;
    ConnectionStatus s = m_status;
    s.nextAttemptAt = {};
    setStatus(s);
    send("GET", QStringLiteral("/health"), nullptr, this, [](const Result<QJsonObject> &) {}, {}, true);
}

void HallClient::reportLinkUp()
{
    linkUp();
}

void HallClient::reportLinkDown(const ApiError &error, int attempt, int nextDelayMs)
{
    linkDown(error);
    ConnectionStatus s = m_status;
    s.attempt = attempt;
    s.nextAttemptAt = QDateTime::currentDateTime().addMSecs(nextDelayMs);
    setStatus(s);
}

void HallClient::setStreamActive(bool active)
{
    m_activeStreams += active ? 1 : -1;
    if (m_activeStreams > 0)
        m_probeTimer.stop();
    else if (m_status.state != ConnectionStatus::State::Online && m_status.since.isValid())
        scheduleProbe();
}

} // namespace hall::net
