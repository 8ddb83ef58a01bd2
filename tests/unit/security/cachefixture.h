#pragma once

// Shared by tst_security_atrest and hall-security-probe: a visitor row with every kind of
// personal field, written to the test cache either through PersonalData or (to prove the scan
// can fail) in clear.
#include <security/personaldata.h>

#include <QByteArray>
#include <QList>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace hall::security::test {

struct Visitor
{
    QString id;
    QString ticket;
    QString name;
    QString idNumber;
    QString phone;
    QString address;
    QByteArray photo;
};

inline QList<Visitor> sampleVisitors(int count)
{
    static const QStringList family = {QStringLiteral("欧阳"), QStringLiteral("司马"), QStringLiteral("诸葛"),
                                       QStringLiteral("上官"), QStringLiteral("慕容")};
    static const QStringList given = {QStringLiteral("春燕"), QStringLiteral("建国"), QStringLiteral("秀英"),
                                      QStringLiteral("志强"), QStringLiteral("海涛"), QStringLiteral("丽娟"),
                                      QStringLiteral("明轩")};
    QList<Visitor> out;
    for (int i = 0; i < count; ++i) {
        Visitor v;
        v.id = QStringLiteral("v%1").arg(i);
        v.ticket = QStringLiteral("A%1").arg(i + 1, 3, 10, QLatin1Char('0'));
        v.name = family.at(i % family.size()) + given.at(i % given.size()) + QString::number(i);
        v.idNumber = QStringLiteral("44030119%1%2%3").arg(70 + i % 30).arg(1010 + i, 4, 10, QLatin1Char('0')).arg(i % 10 * 111 + 1000);
        v.phone = QStringLiteral("139%1").arg(80000000 + i * 7331);
        v.address = QStringLiteral("广东省深圳市福田区莲花路%1号").arg(1000 + i);
        v.photo = QByteArrayLiteral("\xff\xd8\xff\xe0JFIF-PHOTO-") + v.id.toUtf8() + QByteArray(2000, char(i));
        out.append(v);
    }
    return out;
}

// Inserts the row only when every field could be sealed: a missing cipher stores nothing.
inline bool writeVisitor(QSqlDatabase db, const PersonalData &pd, const Visitor &v, QString *error)
{
    const QString t = QStringLiteral("visitor");
    const auto name = pd.seal(t, QStringLiteral("name"), v.id, v.name, error);
    const auto idNumber = pd.seal(t, QStringLiteral("id_number"), v.id, v.idNumber, error);
    const auto index = pd.index(t, QStringLiteral("id_number"), v.idNumber);
    const auto phone = pd.seal(t, QStringLiteral("phone"), v.id, v.phone, error);
    const auto address = pd.seal(t, QStringLiteral("address"), v.id, v.address, error);
    const auto photo = pd.sealBytes(t, QStringLiteral("photo"), v.id, v.photo, error);
    if (!name || !idNumber || !index || !phone || !address || !photo)
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO visitor (id, ticket, name, id_number, id_number_index, phone, "
                             "address, photo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value : {QVariant(v.id), QVariant(v.ticket), QVariant(*name), QVariant(*idNumber),
                                  QVariant(*index), QVariant(*phone), QVariant(*address), QVariant(*photo)})
        q.addBindValue(value);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

// The same row with the personal fields in clear: what the scan must catch.
inline bool writeVisitorInClear(QSqlDatabase db, const Visitor &v, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO visitor (id, ticket, name, id_number, id_number_index, phone, "
                             "address, photo) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)"));
    for (const QVariant &value : {QVariant(v.id), QVariant(v.ticket), QVariant(v.name), QVariant(v.idNumber),
                                  QVariant(v.phone), QVariant(v.address), QVariant(v.photo)})
        q.addBindValue(value);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

} // namespace hall::security::test
