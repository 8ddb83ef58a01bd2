// The audit trail of the real hall-server (issue 11, SEC4): who, what, when and from where for
// every change, denial and read of personal data, in an SM3 chain per hall with SM2-signed
// heads; `hall-server audit verify` names each changed, removed or reordered entry and a
// rewritten chain. On SQLite and PostgreSQL.

#include "serverfixture.h"

#include <server/audit.h>

#include <QFileInfo>
#include <QScopeGuard>
#include <QUuid>

using namespace hall::test;

class TstServerAudit : public QObject
{
    Q_OBJECT

    Server m_server;
    QTemporaryDir m_dir;
    QString m_key;

    static QString hallServer(const QStringList &args, int *rc) { return runHallServer(args, rc); }

    QString verify(int *rc, const QString &publicKey = {})
    {
        return hallServer(QStringList{QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--audit-public-key"),
                                      publicKey.isEmpty() ? m_key + QStringLiteral(".pub") : publicKey}
                              + m_server.dbArgs(), rc);
    }

    bool exec(const QString &sql)
    {
        QString err;
        {
            QSqlDatabase db = m_server.openDatabase(QStringLiteral("tamper"), &err, false);
            QSqlQuery q(db);
            if (!db.isOpen() || !q.exec(sql)) {
                qWarning() << sql << err << q.lastError().text();
                return false;
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        m_key = m_dir.filePath(QStringLiteral("audit.pem"));
        int rc = 0;
        QString out = hallServer({QStringLiteral("audit"), QStringLiteral("keygen"), m_key}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        QCOMPARE(QFileInfo(m_key).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        // A key is never overwritten: heads signed with it would no longer verify.
        out = hallServer({QStringLiteral("audit"), QStringLiteral("keygen"), m_key}, &rc);
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("never overwritten")), qPrintable(out));
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00"), QStringLiteral("--audit-key"), m_key,
                                       QStringLiteral("--audit-sign-seconds"), QStringLiteral("1")}),
                 qPrintable(err));
    }

    void operationsAreRecorded()
    {
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/auth/login"),
                               {{QStringLiteral("login"), QStringLiteral("officer01")}, {QStringLiteral("password"), QStringLiteral("guess")}}).status, 401);
        const QString officer = m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        const QString supervisor = m_server.login(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"));
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), {}, officer).status, 200);
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}, kiosk).status, 201);
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), {}, officer).status, 200);
        QCOMPARE(m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/businesses"), {}, kiosk).status, 200);     // a plain read: not recorded
        QCOMPARE(m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/config"), {}, supervisor).status, 200);    // names staff: recorded
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/clear"), {}, kiosk).status, 403);         // a denial: recorded
        QTest::qWait(2500); // a signed head

        QString err;
        {
        QSqlDatabase db = m_server.openDatabase(QStringLiteral("audit-read"), &err);
        QVERIFY2(db.isOpen(), qPrintable(err));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT login, role, peer, action, target, status, detail FROM audit_chain ORDER BY hall_id, seq")));
        QStringList rows;
        while (q.next()) {
            QCOMPARE(q.value(2).toString(), QStringLiteral("127.0.0.1"));
            rows << QStringLiteral("%1|%2|%3|%4|%5").arg(q.value(0).toString(), q.value(3).toString(), q.value(4).toString())
                        .arg(q.value(5).toInt()).arg(q.value(6).toString());
        }
        const QString all = rows.join(u'\n');
        QVERIFY2(all.contains(QStringLiteral("|POST /api/v1/auth/login|/api/v1/auth/login|401|login officer01")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("|POST /api/v1/auth/login|/api/v1/auth/login|200|login officer01")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("kiosk1|POST /api/v1/halls/{}/tickets|/api/v1/halls/swzx/tickets|201|")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("officer01|POST /api/v1/halls/{}/windows/{}/call-next|/api/v1/halls/swzx/windows/1/call-next|200|")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("supervisor|GET /api/v1/halls/{}/config|/api/v1/halls/swzx/config|200|")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("kiosk1|POST /api/v1/halls/{}/clear|/api/v1/halls/swzx/clear|403|forbidden")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("businesses")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("demo-")), qPrintable(all)); // never a password, never a body
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM audit_heads")) && q.next());
        QVERIFY(q.value(0).toInt() >= 2); // the server's chain and the hall's
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit-read"));
        m_server.stop();

        int rc = 0;
        const QString out = verify(&rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("intact")) && out.contains(QStringLiteral("0 entries after the last signed head")), qPrintable(out));
    }

    // Started by systemd (installer/hall-server.service), hall-server takes its secrets from the
    // credentials the unit passes ($CREDENTIALS_DIRECTORY): the audit key that signs the heads,
    // the TLS key, the personal-data key and the notify configuration, each under its option's
    // name. Their mode shows group read (the ACL systemd grants the service's user): accepted
    // there, as nobody else reaches that folder.
    void secretsComeFromSystemdCredentials()
    {
        QTemporaryDir credentials;
        const auto put = [&credentials](const QString &id, const QByteArray &bytes) {
            QFile f(credentials.filePath(id));
            return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size()
                && f.setPermissions(QFileDevice::ReadOwner | QFileDevice::ReadGroup);
        };
        QFile key(m_key);
        QVERIFY(key.open(QIODevice::ReadOnly));
        QVERIFY(put(QStringLiteral("audit-key"), key.readAll()));
        QVERIFY(put(QStringLiteral("personal-key"), QByteArray(32, 'k').toBase64()));
        QVERIFY(put(QStringLiteral("notify"), R"({"gateway": {"type": "log", "templates": {"ahead": "A", "called": "C", "recallable": "R"}}})"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                                                  QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                                                  QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                                  QStringLiteral("-keyout"), credentials.filePath(QStringLiteral("tls-key")),
                                                  QStringLiteral("-out"), m_dir.filePath(QStringLiteral("server.pem"))});
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);

        Server server;
        server.shareDatabase(m_server);
        server.scheme = QStringLiteral("https");
        qputenv("CREDENTIALS_DIRECTORY", QFile::encodeName(credentials.path()));
        const auto unset = qScopeGuard([] { qunsetenv("CREDENTIALS_DIRECTORY"); });
        QString err;
        // No --audit-key, --tls-key, --personal-key or --notify: with --notify and no personal
        // key the server would refuse to start.
        QVERIFY2(server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T10:00:00"), QStringLiteral("--tls-cert"),
                                     m_dir.filePath(QStringLiteral("server.pem")), QStringLiteral("--audit-sign-seconds"), QStringLiteral("1")}),
                 qPrintable(err));
        QVERIFY2(server.output().contains("(TLS)"), server.output().constData());
        QVERIFY(!server.login(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")).isEmpty());
        QTest::qWait(2500); // a signed head, by the credential's key
        server.stop();
        int rc = 0;
        QString out = verify(&rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("0 entries after the last signed head")), qPrintable(out));

        // A credential is read, not just found: a wrong one stops the server with its name.
        QVERIFY(QFile::remove(credentials.filePath(QStringLiteral("notify"))));
        QVERIFY(put(QStringLiteral("notify"), R"({"gateway": {"type": "carrier pigeon"}})"));
        out = hallServer(m_server.dbArgs() + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}, &rc);
        QVERIFY2(rc == 1 && out.contains(QStringLiteral("gateway.type")), qPrintable(out));
        // And outside that folder, the same mode is refused.
        const QString copy = m_dir.filePath(QStringLiteral("audit-copy.pem"));
        QVERIFY(QFile::copy(credentials.filePath(QStringLiteral("audit-key")), copy));
        QVERIFY(QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::ReadGroup));
        out = hallServer(m_server.dbArgs() + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--audit-key"), copy}, &rc);
        QVERIFY2(rc == 1 && out.contains(QStringLiteral("chmod 600")), qPrintable(out));
    }

    // The database takes no change or removal of the trail (migration 0009), even from its
    // owner, until the owner drops the guard, as the tampering below does first.
    void trailIsAppendOnly()
    {
        for (const char *sql : {"UPDATE audit_chain SET status = 200 WHERE status = 403", "DELETE FROM audit_chain WHERE seq = 1",
                                "UPDATE audit_heads SET hash = 'x'", "DELETE FROM audit_heads"})
            QVERIFY2(!exec(QString::fromLatin1(sql)), sql);
        if (backend() == QLatin1String("postgres")) {
            QVERIFY(exec(QStringLiteral("DROP FUNCTION audit_append_only() CASCADE")));
        } else {
            for (const char *t : {"audit_chain_no_update", "audit_chain_no_delete", "audit_heads_no_update", "audit_heads_no_delete"})
                QVERIFY(exec(QStringLiteral("DROP TRIGGER %1").arg(QString::fromLatin1(t))));
        }
    }

    // An export is JSON lines with a detached SM2 signature that hall-server and the openssl
    // command line both check; a changed or a removed line breaks it.
    void signedExportVerifies()
    {
        const QString file = m_dir.filePath(QStringLiteral("audit.jsonl"));
        int rc = 0;
        QString out = hallServer(QStringList{QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--audit-key"), m_key,
                                             QStringLiteral("--from"), QStringLiteral("2026-11-01"), QStringLiteral("--to"), QStringLiteral("2026-12-01"), file}
                                     + m_server.dbArgs(), &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("entries exported")), qPrintable(out));
        const auto verifyExport = [&](int *code) {
            return hallServer({QStringLiteral("audit"), QStringLiteral("verify-export"), QStringLiteral("--audit-public-key"), m_key + QStringLiteral(".pub"), file}, code);
        };
        const auto openssl = [&] {
            QProcess p;
            p.start(QStringLiteral("openssl"), {QStringLiteral("dgst"), QStringLiteral("-sm3"), QStringLiteral("-verify"), m_key + QStringLiteral(".pub"),
                                                QStringLiteral("-signature"), file + QStringLiteral(".sig"), file});
            return p.waitForFinished(30000) && p.exitCode() == 0 && childStdout(p).contains("Verified OK");
        };
        out = verifyExport(&rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("intact")), qPrintable(out));
        QVERIFY(openssl());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray original = f.readAll();
        f.close();
        QVERIFY(original.contains("/clear") && original.contains("\"status\":403"));
        // Never overwritten.
        out = hallServer(QStringList{QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--audit-key"), m_key, QStringLiteral("--from"),
                                     QStringLiteral("2026-11-01"), QStringLiteral("--to"), QStringLiteral("2026-12-01"), file} + m_server.dbArgs(), &rc);
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("never overwritten")), qPrintable(out));

        const auto rewrite = [&](const QByteArray &bytes) {
            QFile w(file);
            return w.open(QIODevice::WriteOnly | QIODevice::Truncate) && w.write(bytes) == bytes.size();
        };
        // The kiosk's refused clearing "succeeded", says the changed file.
        QVERIFY(rewrite(QByteArray(original).replace("\"status\":403", "\"status\":200")));
        out = verifyExport(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("signature does not match")) && out.contains(QStringLiteral("was changed")), qPrintable(out));
        QVERIFY(!openssl());
        // A line taken out.
        QList<QByteArray> lines = original.split('\n');
        lines.removeAt(3);
        QVERIFY(rewrite(lines.join('\n')));
        out = verifyExport(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("signature does not match")) && out.contains(QStringLiteral("does not follow")), qPrintable(out));
        QVERIFY(!openssl());
        QVERIFY(rewrite(original));
        QCOMPARE((verifyExport(&rc), rc), 0);
    }

    // The key kept in the OS keychain instead of a file: made there, or moved there from a file,
    // never overwritten, and it signs as the file did.
    void keyInTheKeychain()
    {
        const QString entry = QStringLiteral("audit-test-%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
        const QString pub = m_dir.filePath(entry + QStringLiteral(".pub"));
        int rc = 0;
        QString out = hallServer({QStringLiteral("audit"), QStringLiteral("keygen"), QStringLiteral("--keychain"), QStringLiteral("--keychain-entry"), entry, pub}, &rc);
        QVERIFY2(rc == 0 && QFile::exists(pub), qPrintable(out));
        out = hallServer({QStringLiteral("audit"), QStringLiteral("import-key"), QStringLiteral("--keychain-entry"), entry, m_key}, &rc);
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("never overwritten")), qPrintable(out));
        const auto exportWith = [&](const QString &keyEntry, const QString &file) {
            return hallServer(QStringList{QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--audit-keychain"), QStringLiteral("--keychain-entry"),
                                          keyEntry, QStringLiteral("--from"), QStringLiteral("2026-11-01"), QStringLiteral("--to"), QStringLiteral("2026-12-01"), file}
                                  + m_server.dbArgs(), &rc);
        };
        const QString made = m_dir.filePath(QStringLiteral("made.jsonl"));
        out = exportWith(entry, made);
        QVERIFY2(rc == 0, qPrintable(out));
        out = hallServer({QStringLiteral("audit"), QStringLiteral("verify-export"), QStringLiteral("--audit-public-key"), pub, made}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        // The server's key file moved into the keychain: the file can go, its public key still checks.
        const QString moved = entry + QStringLiteral("-moved");
        out = hallServer({QStringLiteral("audit"), QStringLiteral("import-key"), QStringLiteral("--keychain-entry"), moved, m_key}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("remove the file")), qPrintable(out));
        const QString signedByMoved = m_dir.filePath(QStringLiteral("moved.jsonl"));
        out = exportWith(moved, signedByMoved);
        QVERIFY2(rc == 0, qPrintable(out));
        out = hallServer({QStringLiteral("audit"), QStringLiteral("verify-export"), QStringLiteral("--audit-public-key"), m_key + QStringLiteral(".pub"), signedByMoved}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        // An entry that is not there is named.
        out = exportWith(QStringLiteral("no-such-entry"), m_dir.filePath(QStringLiteral("none.jsonl")));
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("holds no audit key")), qPrintable(out));
    }

    void changedEntryIsNamed()
    {
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET status = 200 WHERE status = 403")));
        int rc = 0;
        const QString out = verify(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("was changed")) && out.contains(QStringLiteral("POST /api/v1/halls/{}/clear")), qPrintable(out));
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET status = 403 WHERE action LIKE '%/clear'")));
        QCOMPARE((verify(&rc), rc), 0);
    }

    void removedEntryIsNamed()
    {
        QVERIFY(exec(QStringLiteral("CREATE TABLE saved AS SELECT * FROM audit_chain WHERE hall_id <> 0 AND seq = 2")));
        QVERIFY(exec(QStringLiteral("DELETE FROM audit_chain WHERE hall_id <> 0 AND seq = 2")));
        int rc = 0;
        const QString out = verify(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("hall swzx: entry 2 was removed")), qPrintable(out));
        QVERIFY(exec(QStringLiteral("INSERT INTO audit_chain SELECT * FROM saved")));
        QVERIFY(exec(QStringLiteral("DROP TABLE saved")));
        QCOMPARE((verify(&rc), rc), 0);
    }

    void reorderedEntriesAreNamed()
    {
        // Entries 2 and 3 of the hall swap places.
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET seq = -2 WHERE hall_id <> 0 AND seq = 2")));
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET seq = 2 WHERE hall_id <> 0 AND seq = 3")));
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET seq = 3 WHERE hall_id <> 0 AND seq = -2")));
        int rc = 0;
        const QString out = verify(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("out of order: it was written after entry 2")), qPrintable(out));
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET seq = -2 WHERE hall_id <> 0 AND seq = 2")));
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET seq = 2 WHERE hall_id <> 0 AND seq = 3")));
        QVERIFY(exec(QStringLiteral("UPDATE audit_chain SET seq = 3 WHERE hall_id <> 0 AND seq = -2")));
        QCOMPARE((verify(&rc), rc), 0);
    }

    // Someone with the database but not the key changes an entry and recomputes every hash after
    // it: the chain is consistent again, but no longer matches the heads signed before.
    void rewrittenChainShowsAtTheSignedHead()
    {
        QString err;
        {
            QSqlDatabase db = m_server.openDatabase(QStringLiteral("rewrite"), &err, false);
            QVERIFY2(db.isOpen(), qPrintable(err));
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT hall_id, seq, at, actor, login, role, peer, action, target, status, detail FROM audit_chain "
                                          "WHERE hall_id = 0 ORDER BY seq")));
            QList<hall::server::AuditRecord> chain;
            while (q.next()) {
                hall::server::AuditRecord r;
                r.hallId = q.value(0).toLongLong();
                r.seq = q.value(1).toLongLong();
                r.at = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong());
                r.actor = q.value(3).toLongLong();
                r.login = q.value(4).toString();
                r.role = q.value(5).toString();
                r.peer = q.value(6).toString();
                r.action = q.value(7).toString();
                r.target = q.value(8).toString();
                r.status = q.value(9).toInt();
                r.detail = q.value(10).toString();
                chain << r;
            }
            QVERIFY(chain.size() >= 2);
            chain[0].peer = QStringLiteral("10.9.9.9"); // the sign-in came from somewhere else, says the rewrite
            QByteArray prev;
            QSqlQuery u(db);
            QVERIFY(u.prepare(QStringLiteral("UPDATE audit_chain SET peer = ?, prev_hash = ?, hash = ? WHERE hall_id = 0 AND seq = ?")));
            for (hall::server::AuditRecord &r : chain) {
                r.prevHash = prev;
                r.hash = r.computeHash();
                prev = r.hash;
                u.addBindValue(r.peer);
                u.addBindValue(r.prevHash.isEmpty() ? QStringLiteral("") : QString::fromLatin1(r.prevHash));
                u.addBindValue(QString::fromLatin1(r.hash));
                u.addBindValue(r.seq);
                QVERIFY2(u.exec(), qPrintable(u.lastError().text()));
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("rewrite"));
        int rc = 0;
        QString out = verify(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("server: the chain up to entry")) && out.contains(QStringLiteral("rewritten")), qPrintable(out));
        QVERIFY2(!out.contains(QStringLiteral("was changed")), qPrintable(out)); // the links alone look fine

        // And a key that is not the server's does not vouch for any head.
        const QString other = m_dir.filePath(QStringLiteral("other.pem"));
        QCOMPARE((hallServer({QStringLiteral("audit"), QStringLiteral("keygen"), other}, &rc), rc), 0);
        out = verify(&rc, other + QStringLiteral(".pub"));
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("not signed by this key")), qPrintable(out));
    }

    void keyReadableByOthersIsRefused()
    {
        QFile::setPermissions(m_key, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
        int rc = 0;
        const QString out = hallServer(m_server.dbArgs() + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                                                      QStringLiteral("--audit-key"), m_key}, &rc);
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("chmod 600")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TstServerAudit)
#include "tst_server_audit.moc"
