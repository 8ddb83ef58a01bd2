// The module's own logging never prints personal data or keys in clear: every path that logs
// (key created and loaded, seal and open failures, key check failures, keychain errors) runs
// with the hall.security category fully enabled, and every captured message is searched for the
// plaintexts, the raw key and the blobs.
#include "cachefixture.h"

#include <security/keychain.h>
#include <security/keymanager.h>
#include <security/log.h>
#include <security/personaldata.h>
#include <storage/database.h>

#include <QDebug>
#include <QMutex>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <algorithm>

using namespace hall::security;
using namespace hall::security::test;

namespace {

QMutex s_mutex;
QStringList s_messages;
QtMessageHandler s_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&s_mutex);
        s_messages.append(QString::fromLatin1(context.category ? context.category : "default") + u' ' + message);
    }
    if (s_previous && type >= QtWarningMsg)
        s_previous(type, context, message);
}

QString uniqueService()
{
    return QStringLiteral("HallSuite-test/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
}

// Every form a secret could take in a log line.
QStringList formsOf(const QByteArray &secret)
{
    QStringList forms = {QString::fromUtf8(secret), QString::fromLatin1(secret.toHex()),
                         QString::fromLatin1(secret.toHex().toUpper()), QString::fromLatin1(secret.toBase64())};
    // As qDebug() prints a QByteArray ("\xE6\xAC…" escapes) and a QString, without the quotes.
    QString asBytes;
    QDebug(&asBytes) << secret;
    QString asText;
    QDebug(&asText) << QString::fromUtf8(secret);
    forms << asBytes.trimmed().mid(1).chopped(1) << asText.trimmed().mid(1).chopped(1);
    QStringList out;
    for (const QString &f : forms) {
        if (f.size() >= 4)
            out.append(f);
    }
    return out;
}

// "secret label" for each message that holds a secret.
QStringList leaks(const QStringList &messages, const QList<QPair<QString, QByteArray>> &secrets)
{
    QStringList found;
    for (const QString &m : messages) {
        for (const auto &[label, secret] : secrets) {
            const QStringList forms = formsOf(secret);
            if (std::any_of(forms.begin(), forms.end(), [&m](const QString &f) { return m.contains(f); }))
                found.append(label + QStringLiteral(" in: ") + m);
        }
    }
    return found;
}

} // namespace

class TestLogging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void checkerFindsAPlaintext();
    void noPlaintextInTheModulesLogs();
};

void TestLogging::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("hall.security*=true"));
    s_previous = qInstallMessageHandler(capture);
}

void TestLogging::cleanupTestCase()
{
    qInstallMessageHandler(s_previous);
}

void TestLogging::checkerFindsAPlaintext()
{
    // The search below must be able to fail: a line with a name, an ID number or a key in any
    // of its forms is caught.
    const QByteArray key = QByteArray::fromHex("00112233445566778899aabbccddeeff");
    const QList<QPair<QString, QByteArray>> secrets = {{QStringLiteral("name"), QStringLiteral("欧阳春燕").toUtf8()},
                                                        {QStringLiteral("key"), key}};
    QCOMPARE(leaks({QStringLiteral("hall.security opened 欧阳春燕")}, secrets).size(), 1);
    QCOMPARE(leaks({QStringLiteral("key 00112233445566778899aabbccddeeff")}, secrets).size(), 1);
    QCOMPARE(leaks({QStringLiteral("key ") + QString::fromLatin1(key.toBase64())}, secrets).size(), 1);
    QString debugLine;
    QDebug(&debugLine) << "opened" << QStringLiteral("欧阳春燕").toUtf8();
    QVERIFY2(!leaks({debugLine}, secrets).isEmpty(), qPrintable(debugLine));
    QVERIFY(leaks({QStringLiteral("key id 7c6adea9b2c9b87e")}, secrets).isEmpty());
}

void TestLogging::noPlaintextInTheModulesLogs()
{
    {
        QMutexLocker lock(&s_mutex);
        s_messages.clear();
    }
    const QString service = uniqueService();
    const QList<Visitor> visitors = sampleVisitors(3);
    QList<QPair<QString, QByteArray>> secrets;
    for (const Visitor &v : visitors) {
        secrets.append({v.id + QStringLiteral(" name"), v.name.toUtf8()});
        secrets.append({v.id + QStringLiteral(" id number"), v.idNumber.toUtf8()});
        secrets.append({v.id + QStringLiteral(" phone"), v.phone.toUtf8()});
        secrets.append({v.id + QStringLiteral(" address"), v.address.toUtf8()});
    }

    // Key made, then loaded; another key for the wrong-key paths; a bad entry; a missing one.
    const KeyManager km(service, QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3);
    const KeyResult key = km.loadOrCreateNow();
    QVERIFY2(key.ok() && key.created, qPrintable(key.message));
    QVERIFY(km.loadOrCreateNow().ok());
    const KeychainResult raw = Keychain(service).readNow(QStringLiteral("cache-data-key"));
    QVERIFY(raw.ok());
    secrets.append({QStringLiteral("data key"), raw.data});
    const KeyResult other = KeyManager(uniqueService(), QStringLiteral("cache-data-key"), CipherMode::Aes256Gcm).loadOrCreateNow();
    QVERIFY(other.ok());
    QVERIFY(Keychain(service).writeNow(QStringLiteral("bad"), QByteArrayLiteral("not a key")).ok());
    QCOMPARE(KeyManager(service, QStringLiteral("bad"), CipherMode::Aes256Gcm).loadOrCreateNow().status, KeyStatus::BadKeyEntry);
    Keychain(service).readNow(QStringLiteral("missing"));

    // A cache: fields sealed and opened, opened in the wrong place, tampered, cut short, and
    // attached with the wrong key and with none.
    QTemporaryDir dir;
    std::unique_ptr<hall::storage::Database> db;
    QString error;
    QCOMPARE(hall::storage::Database::open(dir.filePath(QStringLiteral("cache.db")), QStringLiteral(":/security-test/migrations"),
                                           &db, &error),
             hall::storage::OpenResult::Ok);
    const PersonalData pd = PersonalData::attach(db->connection(), key);
    QVERIFY2(pd.isReady(), qPrintable(pd.message()));
    for (const Visitor &v : visitors)
        QVERIFY2(writeVisitor(db->connection(), pd, v, &error), qPrintable(error));
    const QString t = QStringLiteral("visitor");
    for (const Visitor &v : visitors) {
        const QByteArray blob = *pd.seal(t, QStringLiteral("name"), v.id, v.name);
        secrets.append({v.id + QStringLiteral(" blob"), blob});
        QCOMPARE(pd.open(t, QStringLiteral("name"), v.id, blob).text(), v.name);
        QVERIFY(!pd.open(t, QStringLiteral("phone"), v.id, blob).ok());
        QByteArray tampered = blob;
        tampered[20] = char(tampered.at(20) ^ 4);
        QVERIFY(!pd.open(t, QStringLiteral("name"), v.id, tampered).ok());
        QVERIFY(!pd.open(t, QStringLiteral("name"), v.id, blob.left(30)).ok());
        QVERIFY(!other.cipher->open(blob, FieldCipher::associatedData(t, QStringLiteral("name"), v.id)).ok());
    }
    QCOMPARE(PersonalData::attach(db->connection(), other).status(), PersonalData::Status::WrongKey);
    QCOMPARE(PersonalData::attach(db->connection(), KeyResult{}).status(), PersonalData::Status::NoKey);
    const PersonalData none = PersonalData::attach(db->connection(), KeyResult{});
    QVERIFY(!writeVisitor(db->connection(), none, visitors.first(), &error));
    QVERIFY(Keychain(service).removeNow(QStringLiteral("cache-data-key")).ok());
    QVERIFY(Keychain(service).removeNow(QStringLiteral("bad")).ok());

    QStringList messages;
    {
        QMutexLocker lock(&s_mutex);
        messages = s_messages;
    }
    // The paths above did log (else this test would prove nothing)…
    const QString all = messages.join(u'\n');
    for (const char *expected : {"data key created", "data key loaded", "cannot open", "key check failed",
                                 "personal data disabled", "wrong size", "open failed"})
        QVERIFY2(all.contains(QLatin1String(expected)), qPrintable(QStringLiteral("no \"%1\" line in:\n%2").arg(QLatin1String(expected), all)));
    // …and none of it in clear.
    const QStringList found = leaks(messages, secrets);
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
