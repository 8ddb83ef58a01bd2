#include "admin.h"

#include "certificates.h"

#include "hallserver.h"
#include "hallstore.h"
#include "passwords.h"

#include <core/clock.h>
#include <storage/transaction.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

namespace hall::server {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallServerMain)
};

} // namespace

storage::OpenResult openServerDatabase(const QString &location, std::unique_ptr<storage::Database> *db, QString *error)
{
    const QString migrations = storage::Database::backendOf(location) == storage::Backend::Sqlite
        ? QStringLiteral(":/sql/server/sqlite") : QStringLiteral(":/sql/server/postgres");
    return storage::Database::open(location, migrations, db, error);
}

bool seedHall(storage::Database *db, const QString &file, QString *summary, QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = Tr::tr("Cannot read %1: %2").arg(file, f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = Tr::tr("%1 is not valid JSON: %2 at offset %3").arg(file, pe.errorString()).arg(pe.offset);
        return false;
    }
    core::HallConfig cfg;
    QString err;
    if (!core::HallConfig::fromJson(doc.object(), &cfg, &err)) {
        *error = Tr::tr("%1: %2").arg(file, err);
        return false;
    }
    AccountStore accounts(db);
    HallStore halls(db, &accounts);
    if (!halls.saveHall(&cfg, &err)) {
        *error = Tr::tr("Cannot save hall %1: %2").arg(cfg.code, err);
        return false;
    }
    *summary = Tr::tr("Hall %1 (%2): %3 businesses, %4 windows, %5 accounts in the seed.")
                   .arg(cfg.code, cfg.name).arg(cfg.businesses.size()).arg(cfg.windows.size()).arg(cfg.accounts.size());
    return true;
}

bool addAccount(storage::Database *db, AccountRecord a, const QString &hallCode, const std::function<QString()> &readPassword,
                QString *error)
{
    if (a.login.isEmpty() || a.role.isEmpty()) {
        *error = Tr::tr("account add needs --login, --role and --name.");
        return false;
    }
    if (!roles::All.contains(a.role)) {
        *error = Tr::tr("--role must be one of %1.").arg(roles::All.join(QStringLiteral(", ")));
        return false;
    }
    AccountStore accounts(db);
    if (!roles::isServerWide(a.role)) {
        QList<core::HallConfig> halls;
        QString err;
        HallStore(db, &accounts).loadHalls(&halls, &err);
        for (const core::HallConfig &h : std::as_const(halls)) {
            if (h.code == hallCode)
                a.hallId = h.id;
        }
        if (!a.hallId) {
            *error = Tr::tr("--hall must name a seeded hall for a %1 account.").arg(a.role);
            return false;
        }
    }
    if (accounts.account(a.login)) {
        *error = Tr::tr("An account %1 already exists.").arg(a.login);
        return false;
    }
    const QString password = readPassword();
    const QString weakness = Passwords::weakness(PasswordPolicy(), a.login, password);
    if (!weakness.isEmpty()) {
        *error = weakness;
        return false;
    }
    return accounts.addAccount(a, password, error);
}

bool resetPassword(storage::Database *db, const QString &login, const std::function<QString()> &readPassword, QString *error)
{
    AccountStore accounts(db);
    const auto a = accounts.account(login);
    if (!a) {
        *error = Tr::tr("There is no account \"%1\".").arg(login);
        return false;
    }
    const QString password = readPassword();
    const QString weakness = Passwords::weakness(PasswordPolicy(), login, password);
    if (!weakness.isEmpty()) {
        *error = weakness;
        return false;
    }
    storage::Transaction tx(db->connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    // Set by an administrator: its person chooses their own at the next sign-in.
    if (!accounts.setPassword(a->id, AccountStore::hashPassword(password), 0, PasswordPolicy().history - 1, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

bool setAccountDisabled(storage::Database *db, const QString &login, bool disabled, QString *error)
{
    AccountStore accounts(db);
    const auto a = accounts.account(login);
    if (!a) {
        *error = login.isEmpty() ? Tr::tr("account disable/enable needs --login.") : Tr::tr("There is no account \"%1\".").arg(login);
        return false;
    }
    return accounts.setDisabled(a->id, disabled, error);
}

bool accountCertificate(storage::Database *db, CertificateCommand command, const QString &login, const QString &certificateFile,
                        QString *summary, QString *error)
{
    AccountStore accounts(db);
    CertificateStore certificates(db);
    std::optional<AccountRecord> account;
    if (!login.isEmpty() || command != CertificateCommand::List) {
        account = accounts.account(login);
        if (!account) {
            *error = login.isEmpty() ? Tr::tr("account certificate needs --login.") : Tr::tr("There is no account \"%1\".").arg(login);
            return false;
        }
    }
    if (command == CertificateCommand::List) {
        QList<CertificateStore::Mapping> list;
        if (!certificates.list(account ? account->id : 0, &list, error))
            return false;
        QStringList lines;
        for (const CertificateStore::Mapping &m : std::as_const(list))
            lines.append(Tr::tr("%1\tsubject %2\tissuer %3\tsince %4").arg(m.login, m.subject, m.issuer, m.addedAt.toString(Qt::ISODate)));
        *summary = lines.isEmpty() ? Tr::tr("No certificate is assigned.") : lines.join(u'\n');
        return true;
    }
    QFile f(certificateFile);
    if (certificateFile.isEmpty() || !f.open(QIODevice::ReadOnly)) {
        *error = Tr::tr("account certificate add/remove needs the certificate file: hall-server account certificate add --login L officer.pem (%1)")
                     .arg(f.errorString());
        return false;
    }
    const QByteArray bytes = f.readAll();
    QList<QSslCertificate> found = QSslCertificate::fromData(bytes, QSsl::Pem);
    if (found.isEmpty())
        found = QSslCertificate::fromData(bytes, QSsl::Der);
    const std::optional<CertificateNames> names = found.isEmpty() ? std::nullopt : CertificateNames::of(found.first());
    if (!names || names->subject.isEmpty()) {
        *error = Tr::tr("%1 holds no certificate (PEM or DER) with a subject.").arg(certificateFile);
        return false;
    }
    if (command == CertificateCommand::Remove) {
        storage::Transaction tx(db->connection());
        int removed = 0;
        QList<QByteArray> ended;
        if (!tx.isActive() || !certificates.removeWithSessions(account->id, names->issuer, names->subject, &removed, &ended, error)) {
            if (error->isEmpty())
                *error = tx.error();
            return false;
        }
        if (removed == 0) {
            *error = Tr::tr("The certificate subject %1 was not assigned to %2.").arg(names->subject, login);
            return false;
        }
        if (!tx.commit()) {
            *error = tx.error();
            return false;
        }
        // A running hall-server finds the tokens gone at its next tick and ends those sessions
        // and their event streams (AuthController::endSessionsEndedElsewhere).
        *summary = Tr::tr("%1 no longer signs in with the certificate subject %2; %n session(s) signed in with it ended "
                          "(a running hall-server ends them within a second).",
                          nullptr, int(ended.size()))
                       .arg(login, names->subject);
        return true;
    }
    QString err;
    const QString holder = certificates.loginFor(names->issuer, names->subject, &err);
    if (!holder.isEmpty()) {
        *error = Tr::tr("The certificate subject %1 is assigned to %2 already; remove it there first.").arg(names->subject, holder);
        return false;
    }
    if (!certificates.add(account->id, names->issuer, names->subject, error))
        return false;
    *summary = Tr::tr("%1 signs in with certificates of subject %2 issued by %3.").arg(login, names->subject, names->issuer);
    return true;
}

bool hallPasswordSignIn(storage::Database *db, const QString &hallCode, bool allowed, QString *error)
{
    AccountStore accounts(db);
    return HallStore(db, &accounts).setPasswordSignIn(hallCode, allowed, error);
}

bool selfTest(const QString &demoHall, QString *error)
{
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir dir;
    std::unique_ptr<storage::Database> db;
    if (openServerDatabase(dir.filePath(QStringLiteral("hall.db")), &db, error) != storage::OpenResult::Ok)
        return false;
    QString summary;
    if (!seedHall(db.get(), demoHall, &summary, error))
        return false;
    core::SystemClock clock;
    ServerOptions options;
    options.port = 0;
    options.blobFolder = dir.filePath(QStringLiteral("blobs"));
    HallServer srv(db.get(), &clock, options);
    if (!srv.loadHalls(error) || !srv.start(error))
        return false;
    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/health").arg(srv.port()))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject health = QJsonDocument::fromJson(reply->readAll()).object();
    delete reply;
    if (health.value(QStringLiteral("status")).toString() != QLatin1String("ok")) {
        *error = Tr::tr("self-test: /api/v1/health did not answer ok");
        return false;
    }
    return true;
}

} // namespace hall::server
