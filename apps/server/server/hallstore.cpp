#include "hallstore.h"

#include "accountstore.h"
#include "http.h"

#include <storage/transaction.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace hall::server {

bool HallStore::loadHalls(QList<core::HallConfig> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT id, config FROM halls ORDER BY id"));
    if (!exec(q, error))
        return false;
    while (q.next()) {
        core::HallConfig cfg;
        QString err;
        const QJsonObject json = QJsonDocument::fromJson(q.value(1).toByteArray()).object();
        if (!core::HallConfig::fromJson(json, &cfg, &err)) {
            *error = tr("The stored configuration of hall %1 is not valid: %2").arg(q.value(0).toString(), err);
            return false;
        }
        cfg.id = q.value(0).toLongLong();
        auto ids = [&](const QString &sql, auto assign) {
            QSqlQuery r = query(sql);
            r.addBindValue(cfg.id);
            if (!exec(r, error))
                return false;
            while (r.next())
                assign(r.value(0).toString(), r.value(1).toLongLong());
            return true;
        };
        if (!ids(QStringLiteral("SELECT code, id FROM businesses WHERE hall_id = ?"), [&](const QString &code, qint64 id) {
                for (core::Business &b : cfg.businesses) {
                    if (b.code == code)
                        b.id = id;
                }
            }))
            return false;
        if (!ids(QStringLiteral("SELECT number, id FROM windows WHERE hall_id = ?"), [&](const QString &number, qint64 id) {
                for (core::Window &w : cfg.windows) {
                    if (w.number == number)
                        w.id = id;
                }
            }))
            return false;
        out->append(cfg);
    }
    return true;
}

bool HallStore::writeHall(core::HallConfig *cfg, QString *error)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QByteArray config = QJsonDocument(cfg->toJson()).toJson(QJsonDocument::Compact);
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO halls (code, name, config, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, config = excluded.config, "
        "updated_at = excluded.updated_at RETURNING id"));
    q.addBindValue(cfg->code);
    q.addBindValue(cfg->name);
    q.addBindValue(QString::fromUtf8(config));
    q.addBindValue(now);
    if (!exec(q, error) || !q.next())
        return false;
    cfg->id = q.value(0).toLongLong();
    q.finish(); // an unfinished RETURNING statement would block the commit

    for (core::Business &b : cfg->businesses) {
        QSqlQuery bq = query(QStringLiteral(
            "INSERT INTO businesses (hall_id, code, name) VALUES (?, ?, ?) "
            "ON CONFLICT (hall_id, code) DO UPDATE SET name = excluded.name RETURNING id"));
        bq.addBindValue(cfg->id);
        bq.addBindValue(b.code);
        bq.addBindValue(b.name);
        if (!exec(bq, error) || !bq.next())
            return false;
        b.id = bq.value(0).toLongLong();
        bq.finish();
    }
    for (core::Window &w : cfg->windows) {
        QSqlQuery wq = query(QStringLiteral(
            "INSERT INTO windows (hall_id, number, name) VALUES (?, ?, ?) "
            "ON CONFLICT (hall_id, number) DO UPDATE SET name = excluded.name RETURNING id"));
        wq.addBindValue(cfg->id);
        wq.addBindValue(w.number);
        wq.addBindValue(w.name);
        if (!exec(wq, error) || !wq.next())
            return false;
        w.id = wq.value(0).toLongLong();
        wq.finish();
    }
    return true;
}

bool HallStore::saveHall(core::HallConfig *cfg, QString *error)
{
    storage::Transaction tx(m_db->connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (!writeHall(cfg, error))
        return false;
    for (const core::Account &a : std::as_const(cfg->accounts)) {
        if (m_accounts->account(a.login))
            continue; // a seed never overwrites a password someone has changed
        AccountRecord r;
        r.hallId = roles::isServerWide(a.role) ? 0 : cfg->id;
        r.login = a.login;
        r.name = a.name;
        r.role = a.role;
        if (!m_accounts->addAccount(r, a.password, error))
            return false;
    }
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

std::optional<bool> HallStore::passwordSignIn(const QString &hallCode, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT password_sign_in FROM halls WHERE code = ?"));
    q.addBindValue(hallCode);
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    return q.value(0).toInt() != 0;
}

std::optional<bool> HallStore::passwordSignIn(qint64 hallId, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT password_sign_in FROM halls WHERE id = ?"));
    q.addBindValue(hallId);
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    return q.value(0).toInt() != 0;
}

bool HallStore::setPasswordSignIn(const QString &hallCode, bool allowed, QString *error)
{
    QSqlQuery q = query(QStringLiteral("UPDATE halls SET password_sign_in = ? WHERE code = ?"));
    q.addBindValue(allowed ? 1 : 0);
    q.addBindValue(hallCode);
    if (!exec(q, error))
        return false;
    if (q.numRowsAffected() != 1) {
        *error = tr("There is no hall \"%1\".").arg(hallCode);
        return false;
    }
    return true;
}

} // namespace hall::server
