// Personal data at rest: fields written through PersonalData into a real SQLite cache made with
// modules/storage must not appear in the bytes of the database, its WAL or its rollback journal,
// nor in an sqlite3 dump; the same rows written in clear must be found by the same scan.
#include "cachefixture.h"

#include <security/keychain.h>
#include <security/keymanager.h>
#include <security/personaldata.h>
#include <storage/database.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <childlog.h>

#include <optional>

using namespace hall::security;
using namespace hall::security::test;
using hall::storage::Database;
using hall::storage::OpenResult;

namespace {

const QString Migrations = QStringLiteral(":/security-test/migrations");

QString uniqueService()
{
    return QStringLiteral("HallSuite-test/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
}

struct Needle
{
    QString what;
    QByteArray bytes;
};

QList<Needle> needlesOf(const QList<Visitor> &visitors)
{
    QList<Needle> out;
    for (const Visitor &v : visitors) {
        out.append({v.id + QStringLiteral(" name"), v.name.toUtf8()});
        out.append({v.id + QStringLiteral(" id number"), v.idNumber.toUtf8()});
        out.append({v.id + QStringLiteral(" phone"), v.phone.toUtf8()});
        out.append({v.id + QStringLiteral(" address"), v.address.toUtf8()});
        out.append({v.id + QStringLiteral(" photo"), v.photo.left(v.photo.indexOf('v') + v.id.size())});
    }
    return out;
}

// Printable runs as strings(1) prints them (ASCII, at least 4 long) plus every UTF-8 sequence,
// so digits and Chinese text are caught whatever surrounds them.
QList<QByteArray> printableRuns(const QByteArray &bytes)
{
    QList<QByteArray> runs;
    QByteArray cur;
    for (char ch : bytes) {
        const uchar c = uchar(ch);
        if ((c >= 0x20 && c < 0x7f) || c >= 0x80) {
            cur.append(ch);
        } else {
            if (cur.size() >= 4)
                runs.append(cur);
            cur.clear();
        }
    }
    if (cur.size() >= 4)
        runs.append(cur);
    return runs;
}

// Where each needle is found: "<file>: <what>".
QStringList scanFiles(const QStringList &paths, const QList<Needle> &needles)
{
    QStringList found;
    for (const QString &path : paths) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = f.readAll();
        const QList<QByteArray> runs = printableRuns(bytes);
        for (const Needle &n : needles) {
            bool hit = bytes.contains(n.bytes);
            for (qsizetype i = 0; !hit && i < runs.size(); ++i)
                hit = runs.at(i).contains(n.bytes);
            // UTF-16 too, in case a value ever went in as a UTF-16 text.
            const QString asText = QString::fromUtf8(n.bytes);
            if (!hit && asText.size() >= 4)
                hit = bytes.contains(QByteArray(reinterpret_cast<const char *>(asText.utf16()), asText.size() * 2));
            if (hit)
                found.append(QFileInfo(path).fileName() + QStringLiteral(": ") + n.what);
        }
    }
    return found;
}

QStringList scanDump(const QString &dbPath, const QList<Needle> &needles, QString *error)
{
    QProcess p;
    p.start(QStringLiteral("sqlite3"), {QStringLiteral("-readonly"), dbPath, QStringLiteral(".dump")});
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        *error = QStringLiteral("sqlite3 .dump failed: %1 %2").arg(p.errorString(), QString::fromUtf8(p.readAllStandardError()));
        return {};
    }
    const QByteArray dump = p.readAllStandardOutput();
    if (!dump.contains("CREATE TABLE visitor")) {
        *error = QStringLiteral("the dump has no visitor table: ") + QString::fromUtf8(dump.left(500));
        return {};
    }
    const QByteArray lower = dump.toLower();
    QStringList found;
    for (const Needle &n : needles) {
        // Text appears as itself, blobs as X'hex'.
        if (dump.contains(n.bytes) || lower.contains(n.bytes.toHex()))
            found.append(QStringLiteral("dump: ") + n.what);
    }
    return found;
}

QStringList dbFiles(const QString &db)
{
    return {db, db + QStringLiteral("-wal"), db + QStringLiteral("-journal")};
}

} // namespace

class TestAtRest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void personalFieldsNeverReachTheDisk_data();
    void personalFieldsNeverReachTheDisk();
    void blindIndexFindsTheRow();
    void blobCopiedToAnotherRowDoesNotOpen();
    void keyCheckValue();
    void lostKeychainEntryIsRecognised();
    void noKeyStoresNothing();
    void noDbusSessionStoresNothing();
    void lockedKeychainStoresNothing();

private:
    struct Probe
    {
        QString all;
        QString value(const QString &key) const;
    };
    Probe runProbe(const QString &program, const QStringList &args, const QProcessEnvironment &env);

    QString m_probe;
};

QString TestAtRest::Probe::value(const QString &key) const
{
    for (const QString &l : all.split(u'\n')) {
        if (l.startsWith(key + u'='))
            return l.mid(key.size() + 1);
    }
    return {};
}

TestAtRest::Probe TestAtRest::runProbe(const QString &program, const QStringList &args, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Probe r;
    if (!p.waitForFinished(60000))
        r.all = QStringLiteral("did not finish");
    r.all += QString::fromUtf8(hall::test::childStdout(p)) + QString::fromUtf8(hall::test::childStderr(p));
    return r;
}

void TestAtRest::initTestCase()
{
    m_probe = qEnvironmentVariable("HALL_SECURITY_PROBE");
    QVERIFY2(QFile::exists(m_probe), "HALL_SECURITY_PROBE must name the built hall-security-probe");
    const KeyResult k = KeyManager(uniqueService(), QStringLiteral("k"), CipherMode::Aes256Gcm).loadOrCreateNow();
    QVERIFY2(k.ok(), qPrintable(QStringLiteral("these tests need an unlocked Secret Service (scripts/test): %1").arg(k.message)));
}

void TestAtRest::personalFieldsNeverReachTheDisk_data()
{
    QTest::addColumn<QString>("mode"); // "sm4", "aes-gcm" or "clear"
    QTest::addColumn<QString>("journal");
    for (const char *mode : {"sm4", "aes-gcm", "clear"}) {
        QTest::addRow("%s wal", mode) << QString::fromLatin1(mode) << QStringLiteral("wal");
        QTest::addRow("%s rollback", mode) << QString::fromLatin1(mode) << QStringLiteral("persist");
    }
}

void TestAtRest::personalFieldsNeverReachTheDisk()
{
    QFETCH(QString, mode);
    QFETCH(QString, journal);
    const bool clear = mode == QLatin1String("clear");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cache.db"));
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(Database::open(path, Migrations, &db, &error), OpenResult::Ok);
    QSqlDatabase conn = db->connection();

    if (journal == QLatin1String("persist")) {
        // PERSIST keeps the journal file, old page images included, after each commit: the
        // bytes most likely to be forgotten.
        QSqlQuery q(conn);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode=PERSIST")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("persist"));
    }

    std::optional<PersonalData> pd;
    if (!clear) {
        const KeyResult key = KeyManager(uniqueService(), QStringLiteral("cache-data-key"), *cipherModeFromName(mode)).loadOrCreateNow();
        QVERIFY2(key.ok(), qPrintable(key.message));
        pd = PersonalData::attach(conn, key);
        QVERIFY2(pd->isReady(), qPrintable(pd->message()));
    }

    const QList<Visitor> visitors = sampleVisitors(40);
    {
        QSqlQuery begin(conn);
        QVERIFY(begin.exec(QStringLiteral("BEGIN IMMEDIATE")));
        for (const Visitor &v : visitors) {
            const bool ok = clear ? writeVisitorInClear(conn, v, &error) : writeVisitor(conn, *pd, v, &error);
            QVERIFY2(ok, qPrintable(error));
        }
        QVERIFY(QSqlQuery(conn).exec(QStringLiteral("COMMIT")));
    }
    // A second transaction touches every row, so the rollback journal holds the first version
    // of every page.
    QVERIFY(QSqlQuery(conn).exec(QStringLiteral("UPDATE visitor SET ticket = ticket || '-called'")));

    if (journal == QLatin1String("wal"))
        QVERIFY2(QFileInfo(path + QStringLiteral("-wal")).size() > 0, "the rows must still be in the WAL");
    else
        QVERIFY2(QFileInfo(path + QStringLiteral("-journal")).size() > 0, "the journal must be kept (PERSIST)");

    const QList<Needle> needles = needlesOf(visitors);
    QStringList found = scanFiles(dbFiles(path), needles);
    const QStringList inDump = scanDump(path, needles, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    found += inDump;

    if (clear) {
        // The scan can fail: in clear every field is found in the file that holds it now…
        const QString live = journal == QLatin1String("wal") ? QStringLiteral("cache.db-wal") : QStringLiteral("cache.db");
        for (const Needle &n : needles) {
            QVERIFY2(found.contains(live + QStringLiteral(": ") + n.what), qPrintable(live + QStringLiteral(" lacks ") + n.what));
            QVERIFY2(found.contains(QStringLiteral("dump: ") + n.what), qPrintable(QStringLiteral("dump lacks ") + n.what));
        }
        // …and the rollback journal, scanned the same way, holds the old page images in clear.
        if (journal == QLatin1String("persist"))
            QVERIFY2(found.contains(QStringLiteral("cache.db-journal: ") + needles.first().what), qPrintable(found.join(u'\n')));
        return;
    }

    QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("personal data in clear:\n") + found.join(u'\n')));

    // The cache is still usable: every field reads back.
    QSqlQuery q(conn);
    QVERIFY(q.exec(QStringLiteral("SELECT id, name, id_number, phone, address, photo FROM visitor ORDER BY id")));
    int rows = 0;
    while (q.next()) {
        const QString id = q.value(0).toString();
        const auto it = std::find_if(visitors.begin(), visitors.end(), [&id](const Visitor &v) { return v.id == id; });
        QVERIFY(it != visitors.end());
        const QString t = QStringLiteral("visitor");
        QCOMPARE(pd->open(t, QStringLiteral("name"), id, q.value(1).toByteArray()).text(), it->name);
        QCOMPARE(pd->open(t, QStringLiteral("id_number"), id, q.value(2).toByteArray()).text(), it->idNumber);
        QCOMPARE(pd->open(t, QStringLiteral("phone"), id, q.value(3).toByteArray()).text(), it->phone);
        QCOMPARE(pd->open(t, QStringLiteral("address"), id, q.value(4).toByteArray()).text(), it->address);
        QCOMPARE(pd->open(t, QStringLiteral("photo"), id, q.value(5).toByteArray()).data, it->photo);
        ++rows;
    }
    QCOMPARE(rows, visitors.size());

    // After a checkpoint and close only the main file is left: scan it again.
    q.finish();
    QVERIFY(QSqlQuery(conn).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
    conn = QSqlDatabase();
    db.reset();
    found = scanFiles(dbFiles(path), needles) + scanDump(path, needles, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("after close:\n") + found.join(u'\n')));
}

void TestAtRest::blindIndexFindsTheRow()
{
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(Database::open(dir.filePath(QStringLiteral("cache.db")), Migrations, &db, &error), OpenResult::Ok);
    const PersonalData pd = PersonalData::attach(
        db->connection(), KeyManager(uniqueService(), QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3).loadOrCreateNow());
    QVERIFY2(pd.isReady(), qPrintable(pd.message()));
    const QList<Visitor> visitors = sampleVisitors(20);
    for (const Visitor &v : visitors)
        QVERIFY2(writeVisitor(db->connection(), pd, v, &error), qPrintable(error));
    // "Which ticket belongs to this ID number?" without the ID number in clear anywhere.
    const Visitor &wanted = visitors.at(13);
    QSqlQuery q(db->connection());
    q.prepare(QStringLiteral("SELECT ticket, id_number, id FROM visitor WHERE id_number_index = ?"));
    q.addBindValue(*pd.index(QStringLiteral("visitor"), QStringLiteral("id_number"), wanted.idNumber));
    QVERIFY(q.exec());
    QVERIFY2(q.next(), "the blind index must find the row");
    QCOMPARE(q.value(0).toString(), wanted.ticket);
    QCOMPARE(pd.open(QStringLiteral("visitor"), QStringLiteral("id_number"), q.value(2).toString(), q.value(1).toByteArray()).text(),
             wanted.idNumber);
    QVERIFY2(!q.next(), "exactly one row");
    q.addBindValue(*pd.index(QStringLiteral("visitor"), QStringLiteral("id_number"), QStringLiteral("440301197001011234")));
    QVERIFY(q.exec());
    QVERIFY2(!q.next(), "an unknown ID number finds nothing");
}

void TestAtRest::blobCopiedToAnotherRowDoesNotOpen()
{
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(Database::open(dir.filePath(QStringLiteral("cache.db")), Migrations, &db, &error), OpenResult::Ok);
    const PersonalData pd = PersonalData::attach(
        db->connection(), KeyManager(uniqueService(), QStringLiteral("cache-data-key"), CipherMode::Aes256Gcm).loadOrCreateNow());
    QVERIFY2(pd.isReady(), qPrintable(pd.message()));
    for (const Visitor &v : sampleVisitors(2))
        QVERIFY2(writeVisitor(db->connection(), pd, v, &error), qPrintable(error));
    // Someone with write access to the file moves v0's name onto v1, and v1's phone into its name.
    QSqlQuery q(db->connection());
    QVERIFY(q.exec(QStringLiteral("UPDATE visitor SET name = (SELECT name FROM visitor WHERE id = 'v0') WHERE id = 'v1'")));
    QVERIFY(q.exec(QStringLiteral("UPDATE visitor SET address = phone WHERE id = 'v0'")));
    QVERIFY(q.exec(QStringLiteral("SELECT id, name, address FROM visitor ORDER BY id")));
    QVERIFY(q.next());
    FieldCipher::Opened o = pd.open(QStringLiteral("visitor"), QStringLiteral("address"), QStringLiteral("v0"), q.value(2).toByteArray());
    QCOMPARE(FieldCipher::errorName(o.error), QStringLiteral("authentication-failed"));
    QVERIFY(q.next());
    o = pd.open(QStringLiteral("visitor"), QStringLiteral("name"), QStringLiteral("v1"), q.value(1).toByteArray());
    QCOMPARE(FieldCipher::errorName(o.error), QStringLiteral("authentication-failed"));
    QVERIFY(o.data.isEmpty());
}

void TestAtRest::keyCheckValue()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cache.db"));
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(Database::open(path, Migrations, &db, &error), OpenResult::Ok);
    const QString service = uniqueService();
    const KeyResult mine = KeyManager(service, QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3).loadOrCreateNow();
    QVERIFY2(mine.ok(), qPrintable(mine.message));

    const PersonalData first = PersonalData::attach(db->connection(), mine);
    QVERIFY2(first.isReady(), qPrintable(first.message()));
    QCOMPARE(first.cipher(), mine.cipher); // the key fetched once serves the cache's blobs too
    QSqlQuery q(db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT key_id, check_blob FROM hall_key_check")));
    QVERIFY2(q.next(), "attach must store the key check value");
    QCOMPARE(q.value(0).toByteArray().toHex(), mine.cipher->keyId().toHex());
    const QByteArray check = q.value(1).toByteArray();
    QVERIFY2(!check.contains("HallSuite key check"), "the check constant is stored sealed");
    QVERIFY(!q.next());
    q.finish();

    // Attaching again with the same key, even in the other mode, is fine and leaves it alone.
    QVERIFY(PersonalData::attach(db->connection(), mine).isReady());
    const KeyResult sameOtherMode = KeyManager(service, QStringLiteral("cache-data-key"), CipherMode::Aes256Gcm).loadOrCreateNow();
    QVERIFY(sameOtherMode.ok() && !sameOtherMode.created);
    QVERIFY(PersonalData::attach(db->connection(), sameOtherMode).isReady());

    // Another key: refused with a message that says so; nothing can be sealed.
    const KeyResult other = KeyManager(uniqueService(), QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3).loadOrCreateNow();
    QVERIFY(other.ok());
    const PersonalData wrong = PersonalData::attach(db->connection(), other);
    QCOMPARE(PersonalData::statusName(wrong.status()), QStringLiteral("wrong-key"));
    QVERIFY2(wrong.message().contains(QLatin1String("written with another key")), qPrintable(wrong.message()));
    QVERIFY2(wrong.message().contains(QString::fromLatin1(mine.cipher->keyId().toHex())), qPrintable(wrong.message()));
    QString sealError;
    QVERIFY(!wrong.seal(QStringLiteral("visitor"), QStringLiteral("name"), QStringLiteral("v0"), QStringLiteral("钱七"), &sealError));
    QCOMPARE(sealError, wrong.message());
    QVERIFY(!wrong.index(QStringLiteral("visitor"), QStringLiteral("id_number"), QStringLiteral("x")));
    QVERIFY2(!wrong.cipher(), "no cipher for blobs under a key the cache refuses");
    const Visitor v = sampleVisitors(1).first();
    QVERIFY(!writeVisitor(db->connection(), wrong, v, &error));
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM visitor")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    // The key check value was not replaced by the other key's.
    QVERIFY(q.exec(QStringLiteral("SELECT check_blob FROM hall_key_check")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toByteArray(), check);

    // A tampered key check value is refused too.
    QByteArray tampered = check;
    tampered[tampered.size() - 1] = char(tampered.at(tampered.size() - 1) ^ 1);
    q.prepare(QStringLiteral("UPDATE hall_key_check SET check_blob = ?"));
    q.addBindValue(tampered);
    QVERIFY(q.exec());
    const PersonalData damaged = PersonalData::attach(db->connection(), mine);
    QCOMPARE(PersonalData::statusName(damaged.status()), QStringLiteral("key-check-damaged"));
    QVERIFY2(damaged.message().contains(QLatin1String("damaged")), qPrintable(damaged.message()));
    QVERIFY(!damaged.seal(QStringLiteral("visitor"), QStringLiteral("name"), QStringLiteral("v0"), QStringLiteral("钱七")));
    QVERIFY(!damaged.cipher());
}

void TestAtRest::lostKeychainEntryIsRecognised()
{
    // The PC's keychain entry is lost (reinstall, other user): a new key is made on the next
    // start, and the cache written with the old one says so instead of giving garbage.
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(Database::open(dir.filePath(QStringLiteral("cache.db")), Migrations, &db, &error), OpenResult::Ok);
    const QString service = uniqueService();
    const KeyManager km(service, QStringLiteral("cache-data-key"), CipherMode::Aes256Gcm);
    const KeyResult before = km.loadOrCreateNow();
    QVERIFY2(before.ok(), qPrintable(before.message));
    QVERIFY(PersonalData::attach(db->connection(), before).isReady());
    QVERIFY(Keychain(service).removeNow(QStringLiteral("cache-data-key")).ok());
    const KeyResult after = km.loadOrCreateNow();
    QVERIFY(after.ok());
    QVERIFY(after.created);
    const PersonalData pd = PersonalData::attach(db->connection(), after);
    QCOMPARE(pd.status(), PersonalData::Status::WrongKey);
    QVERIFY2(pd.message().contains(QLatin1String("another key")), qPrintable(pd.message()));
}

void TestAtRest::noKeyStoresNothing()
{
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(Database::open(dir.filePath(QStringLiteral("cache.db")), Migrations, &db, &error), OpenResult::Ok);
    KeyResult failed;
    failed.status = KeyStatus::NoKeychain;
    failed.message = QStringLiteral("no keychain here");
    const PersonalData pd = PersonalData::attach(db->connection(), failed);
    QCOMPARE(pd.status(), PersonalData::Status::NoKey);
    QCOMPARE(pd.message(), QStringLiteral("no keychain here"));
    QVERIFY(pd.keyId().isEmpty());
    QVERIFY(!pd.cipher());
    const Visitor v = sampleVisitors(1).first();
    QVERIFY(!writeVisitor(db->connection(), pd, v, &error));
    QCOMPARE(error, QStringLiteral("no keychain here"));
    QVERIFY(!pd.open(QStringLiteral("visitor"), QStringLiteral("name"), v.id, QByteArrayLiteral("x")).ok());
    QSqlQuery q(db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM visitor")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    // A failed key leaves no key check value either: the first real key will set it.
    QVERIFY(!q.exec(QStringLiteral("SELECT COUNT(*) FROM hall_key_check")) || (q.next() && q.value(0).toInt() == 0));
}

void TestAtRest::noDbusSessionStoresNothing()
{
    QTemporaryDir dir;
    QTemporaryDir runtime;
    const QString path = dir.filePath(QStringLiteral("cache.db"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    const Probe p = runProbe(m_probe, {QStringLiteral("store-visitor"), path, uniqueService(), QStringLiteral("sm4")}, env);
    QVERIFY2(p.value(QStringLiteral("key")) == QLatin1String("no-keychain"), qPrintable(p.all));
    QVERIFY2(p.value(QStringLiteral("personal-data")) == QLatin1String("no-key"), qPrintable(p.all));
    QVERIFY2(p.value(QStringLiteral("stored")) == QLatin1String("0"), qPrintable(p.all));
    QVERIFY2(p.value(QStringLiteral("message")).contains(QLatin1String("personal data is not stored")), qPrintable(p.all));
    QVERIFY2(p.value(QStringLiteral("message")).contains(QLatin1String("No keychain is available")), qPrintable(p.all));
    QString error;
    const QList<Needle> needles = needlesOf(sampleVisitors(1));
    QVERIFY2(QFile::exists(path), "the probe opens the cache itself");
    const QStringList found = scanFiles(dbFiles(path), needles) + scanDump(path, needles, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

void TestAtRest::lockedKeychainStoresNothing()
{
    QTemporaryDir dir;
    QTemporaryDir data;
    QTemporaryDir runtime;
    const QString path = dir.filePath(QStringLiteral("cache.db"));
    // A keyring of its own, unlocked once (so the login collection exists) and then locked.
    const QString script = QStringLiteral(
        "export XDG_DATA_HOME=\"$1\" XDG_RUNTIME_DIR=\"$2\"; "
        "echo -n lockpw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 90; "
        // The daemon claims its bus name a moment after it returns: until then a call would
        // activate a second daemon, one without the login collection.
        "for i in $(seq 50); do dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "
        "org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break; sleep 0.1; done; "
        "dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets "
        "org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 92; "
        "exec \"$3\" store-visitor \"$4\" HallSuite-locked aes-gcm");
    // No display: on a desktop gnome-keyring would otherwise show its unlock prompt and wait.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    const Probe p = runProbe(QStringLiteral("dbus-run-session"),
                             {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"), script, QStringLiteral("sh"),
                              data.path(), runtime.path(), m_probe, path},
                             env);
    QVERIFY2(p.value(QStringLiteral("key")) == QLatin1String("keychain-locked"), qPrintable(p.all));
    QVERIFY2(p.value(QStringLiteral("stored")) == QLatin1String("0"), qPrintable(p.all));
    QVERIFY2(p.value(QStringLiteral("message")).contains(QLatin1String("locked")), qPrintable(p.all));
    QString error;
    const QList<Needle> needles = needlesOf(sampleVisitors(1));
    const QStringList found = scanFiles(dbFiles(path), needles) + scanDump(path, needles, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestAtRest)
#include "tst_atrest.moc"
