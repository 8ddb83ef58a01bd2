// Signed hall reports and service receipts of the real hall-server (issue 11, SEC2): a day of
// the demo hall — served, missed, voided, offline and still waiting tickets, a rating — read
// after a restart, by HTTP and by `hall-server report`; the SM2 signatures checked with the
// openssl command line exactly as docs/security.md says, and a changed byte caught. Reading a
// report or a receipt is audited; officers get receipts of their own cases only; no citizen's
// data in either. On SQLite and PostgreSQL.

#include "serverfixture.h"

#include <QFileInfo>

using namespace hall::test;

namespace {

const QString Hall = QStringLiteral("/api/v1/halls/swzx");
const QString IdNumber = QStringLiteral("11010519491231002X");
const QString Phone = QStringLiteral("13800138000");

} // namespace

class TstServerReports : public QObject
{
    Q_OBJECT

    Server m_server;
    QTemporaryDir m_dir;
    QString m_key;
    QStringList m_serve;
    QHash<QString, qint64> m_ids; // ticket number → id
    qint64 m_officer = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // A shell command (the documented jq/openssl lines), its exit code and output.
    static int shell(const QString &command, QString *out = nullptr)
    {
        QProcess p;
        p.start(QStringLiteral("sh"), {QStringLiteral("-c"), command});
        p.waitForFinished(30000);
        if (out)
            *out = QString::fromUtf8(childStdout(p) + childStderr(p));
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    static QString hallServer(const QStringList &args, int *rc) { return runHallServer(args, rc); }

    // The signature over `file` checked by openssl, as docs/security.md says.
    bool opensslVerifies(const QString &file)
    {
        QString out;
        const int rc = shell(QStringLiteral("openssl dgst -sm3 -verify '%1.pub' -signature '%2.sig' '%2'").arg(m_key, file), &out);
        return rc == 0 && out.contains(QStringLiteral("Verified OK"));
    }

    // An HTTP answer saved as docs/security.md does it: the content and its signature as files.
    bool saveAnswer(const HttpResult &r, const QString &file)
    {
        QFile f(file + QStringLiteral(".answer.json"));
        if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(r.body).toJson()) < 0)
            return false;
        f.close();
        return shell(QStringLiteral("jq -j .content '%1' > '%2' && jq -r .signature '%1' | base64 -d > '%2.sig'").arg(f.fileName(), file)) == 0;
    }

    static bool flipByte(const QString &file, qsizetype at)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadWrite))
            return false;
        QByteArray bytes = f.readAll();
        bytes[at] = bytes.at(at) == '1' ? '2' : '1';
        return f.seek(0) && f.write(bytes) == bytes.size();
    }

    void advance(int minutes)
    {
        const HttpResult r = m_server.call("POST", QStringLiteral("/api/v1/admin/clock"), {{QStringLiteral("advanceSeconds"), minutes * 60}},
                                           m_server.login(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
    }

    qint64 issue(const QString &kiosk, const QJsonObject &extra = {})
    {
        QJsonObject body{{QStringLiteral("business"), QStringLiteral("HJ")}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResult r = m_server.call("POST", Hall + QStringLiteral("/tickets"), body, kiosk);
        const QJsonObject t = r.body.value(QStringLiteral("ticket")).toObject();
        m_ids.insert(t.value(QStringLiteral("number")).toString(), t.value(QStringLiteral("id")).toInteger());
        return r.status == 201 ? t.value(QStringLiteral("id")).toInteger() : 0;
    }

    int window(const QString &op, const QString &officer)
    {
        return m_server.call("POST", Hall + QStringLiteral("/windows/1/") + op, {}, officer).status;
    }

    QString supervisor() { return m_server.login(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")); }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        m_key = path(QStringLiteral("audit.pem"));
        int rc = 0;
        const QString out = hallServer({QStringLiteral("audit"), QStringLiteral("keygen"), m_key}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        m_serve = {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00"), QStringLiteral("--audit-key"), m_key};
        QVERIFY2(m_server.start(&err, m_serve), qPrintable(err));
    }

    // 09:00 four walk-ins (one with an ID card) and one offline ticket; 09:10 A001 called,
    // served until 09:15 and rated 5; 09:20 A002 called and missed, A003 called, served until
    // 09:30; A004 voided; the offline ticket still waits.
    void aDayOfTheHall()
    {
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        const QString officer = m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
        const HttpResult me = m_server.call("GET", QStringLiteral("/api/v1/me"), {}, officer);
        m_officer = me.body.value(QStringLiteral("id")).toInteger();
        QVERIFY2(m_officer > 0, qPrintable(me.describe()));
        QCOMPARE(window(QStringLiteral("login"), officer), 200);
        QVERIFY(issue(kiosk, {{QStringLiteral("source"), QStringLiteral("idcard")}, {QStringLiteral("idNumber"), IdNumber}}));
        for (int i = 0; i < 3; ++i)
            QVERIFY(issue(kiosk));
        // A kiosk cut off: a lease, then a ticket printed from it and pushed later.
        const QString device = QStringLiteral("kiosk-report-test");
        const HttpResult lease = m_server.call("POST", Hall + QStringLiteral("/leases"),
                                               {{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("size"), 5}, {QStringLiteral("device"), device}}, kiosk);
        QVERIFY2(lease.status == 201, qPrintable(lease.describe()));
        const QJsonObject l = lease.body.value(QStringLiteral("lease")).toObject();
        const QJsonObject entry{{QStringLiteral("seq"), 1}, {QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                {QStringLiteral("kind"), QStringLiteral("ticket.offline")},
                                {QStringLiteral("data"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("seq"), l.value(QStringLiteral("from"))},
                                                                     {QStringLiteral("issuedAt"), QStringLiteral("2026-11-23T09:00:30.000")},
                                                                     {QStringLiteral("source"), QStringLiteral("phone")}, {QStringLiteral("phone"), Phone}}}};
        const HttpResult pushed = m_server.call("POST", Hall + QStringLiteral("/sync/push"),
                                                {{QStringLiteral("device"), device}, {QStringLiteral("epoch"), 1}, {QStringLiteral("entries"), QJsonArray{entry}}}, kiosk);
        QVERIFY2(pushed.status == 200 && pushed.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("status")) == QLatin1String("applied"),
                 qPrintable(pushed.describe()));

        advance(10);
        QCOMPARE(window(QStringLiteral("call-next"), officer), 200);
        QCOMPARE(window(QStringLiteral("start"), officer), 200);
        advance(5);
        QCOMPARE(window(QStringLiteral("finish"), officer), 200);
        const QJsonObject rating{{QStringLiteral("seq"), 1}, {QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                 {QStringLiteral("kind"), QStringLiteral("rating")}, {QStringLiteral("at"), QStringLiteral("2026-11-23T09:15:10.000")},
                                 {QStringLiteral("data"), QJsonObject{{QStringLiteral("ticket"), m_ids.value(QStringLiteral("A001"))}, {QStringLiteral("level"), 5},
                                                                      {QStringLiteral("source"), QStringLiteral("evaluator")}}}};
        const HttpResult rated = m_server.call("POST", Hall + QStringLiteral("/sync/push"),
                                               {{QStringLiteral("device"), QStringLiteral("evaluator-1")}, {QStringLiteral("epoch"), 1}, {QStringLiteral("entries"), QJsonArray{rating}}}, officer);
        QVERIFY2(rated.status == 200 && rated.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("status")) == QLatin1String("applied"),
                 qPrintable(rated.describe()));
        advance(5);
        QCOMPARE(window(QStringLiteral("call-next"), officer), 200); // A002
        QCOMPARE(window(QStringLiteral("miss"), officer), 200);
        QCOMPARE(window(QStringLiteral("call-next"), officer), 200); // A003
        QCOMPARE(window(QStringLiteral("start"), officer), 200);
        advance(10);
        QCOMPARE(window(QStringLiteral("finish"), officer), 200);
        const HttpResult voided = m_server.call("POST", Hall + QStringLiteral("/tickets/%1/void").arg(m_ids.value(QStringLiteral("A004"))),
                                                {{QStringLiteral("reason"), QStringLiteral("printer jammed")}}, kiosk);
        QVERIFY2(voided.status == 200, qPrintable(voided.describe()));
    }

    // Without a key nothing unsigned leaves; after the restart (with the key) the report is
    // made from what the database holds.
    void reportAfterARestart()
    {
        m_server.stop();
        QString err;
        QVERIFY2(m_server.start(&err, m_serve.mid(0, 2)), qPrintable(err));
        HttpResult r = m_server.call("GET", Hall + QStringLiteral("/reports/day?date=2026-11-23"), {}, supervisor());
        QVERIFY2(r.status == 503 && r.errorCode() == QLatin1String("not_signing"), qPrintable(r.describe()));
        m_server.stop();
        QVERIFY2(m_server.start(&err, m_serve), qPrintable(err));

        r = m_server.call("GET", Hall + QStringLiteral("/reports/day?date=2026-11-23&format=json"), {}, supervisor());
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("file")) == QLatin1String("report-swzx-2026-11-23.json"), qPrintable(r.describe()));
        const QJsonObject report = QJsonDocument::fromJson(r.body.value(QStringLiteral("content")).toString().toUtf8()).object();
        const QJsonObject totals = report.value(QStringLiteral("totals")).toObject();
        const auto expect = [&totals](const char *key, int value) {
            QVERIFY2(totals.value(QLatin1String(key)).toInteger() == value,
                     qPrintable(QStringLiteral("%1: %2 in %3").arg(QLatin1String(key)).arg(value).arg(QString::fromUtf8(QJsonDocument(totals).toJson(QJsonDocument::Compact)))));
        };
        expect("issued", 5);
        expect("served", 2);
        expect("missed", 1);
        expect("voided", 1);
        expect("open", 1);
        expect("offline", 1);
        expect("averageWaitSeconds", 900); // A001 10 min, A003 20 min
        expect("p90WaitSeconds", 1200);
        expect("averageServiceSeconds", 450); // 5 and 10 min
        const QJsonObject hj = report.value(QStringLiteral("businesses")).toArray().at(0).toObject();
        QCOMPARE(hj.value(QStringLiteral("code")).toString(), QStringLiteral("HJ"));
        QCOMPARE(hj.value(QStringLiteral("served")).toInteger(), 2);
        const QJsonObject windowOne = report.value(QStringLiteral("windows")).toArray().at(0).toObject();
        QCOMPARE(windowOne.value(QStringLiteral("number")).toString(), QStringLiteral("1"));
        QCOMPARE(windowOne.value(QStringLiteral("served")).toInteger(), 2);
        QCOMPARE(windowOne.value(QStringLiteral("serviceSeconds")).toInteger(), 900);
        QCOMPARE(windowOne.value(QStringLiteral("ratings")).toObject().value(QStringLiteral("5")).toInteger(), 1);
        const QJsonArray officers = report.value(QStringLiteral("officers")).toArray();
        QCOMPARE(officers.size(), 1);
        QCOMPARE(officers.at(0).toObject().value(QStringLiteral("officer")).toInteger(), m_officer);
        QCOMPARE(officers.at(0).toObject().value(QStringLiteral("ratings")).toObject().value(QStringLiteral("5")).toInteger(), 1);
        QCOMPARE(report.value(QStringLiteral("keyId")).toString(), r.body.value(QStringLiteral("keyId")).toString());

        // A day without tickets is a report of zeros; bad periods are refused.
        r = m_server.call("GET", Hall + QStringLiteral("/reports/day?date=2026-11-22"), {}, supervisor());
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("content")).toString().contains(QStringLiteral("\"issued\":0")), qPrintable(r.describe()));
        for (const char *query : {"", "?date=23.11.2026", "?date=2026-11-23&to=2026-11-22", "?date=2026-11-01&to=2026-12-15", "?date=2026-11-23&format=xlsx"}) {
            r = m_server.call("GET", Hall + QStringLiteral("/reports/day") + QLatin1String(query), {}, supervisor());
            QVERIFY2(r.status == 400 && r.errorCode() == QLatin1String("invalid_input"), qPrintable(QLatin1String(query) + u' ' + r.describe()));
        }
        // Officers and kiosks do not read the hall's figures.
        r = m_server.call("GET", Hall + QStringLiteral("/reports/day?date=2026-11-23"), {}, m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
        QVERIFY2(r.status == 403 && r.errorCode() == QLatin1String("forbidden"), qPrintable(r.describe()));
    }

    // The CSV by HTTP, saved with the documented jq lines: openssl verifies it, a changed byte
    // fails; it opens in Excel as UTF-8 (BOM) and names no citizen.
    void csvReportVerifiesWithOpenssl()
    {
        const HttpResult r = m_server.call("GET", Hall + QStringLiteral("/reports/day?date=2026-11-23&format=csv"), {}, supervisor());
        QVERIFY2(r.status == 200 && r.body.value(QStringLiteral("algorithm")) == QLatin1String("SM2-SM3"), qPrintable(r.describe()));
        const QString file = path(QStringLiteral("http-report.csv"));
        QVERIFY(saveAnswer(r, file));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray csv = f.readAll();
        f.close();
        QVERIFY(csv.startsWith("\xEF\xBB\xBF"));
        QVERIFY2(csv.contains("\r\nHJ,") && csv.contains(",5,2,1,1,0,1,1,900,1200,450\r\n"), csv.constData());
        QVERIFY(!csv.contains(IdNumber.toUtf8()) && !csv.contains(Phone.toUtf8()));
        QVERIFY(opensslVerifies(file));
        QVERIFY(flipByte(file, csv.indexOf(",5,2,1,1") + 1)); // 5 issued becomes 1
        QVERIFY(!opensslVerifies(file));
    }

    // `hall-server report` writes the file and its signature; `report verify` and openssl agree.
    void commandLineReport()
    {
        const QString file = path(QStringLiteral("report-2026-11-23.csv"));
        int rc = 0;
        QString out = hallServer(QStringList{QStringLiteral("report"), QStringLiteral("--audit-key"), m_key, QStringLiteral("--hall"), QStringLiteral("swzx"),
                                             QStringLiteral("--date"), QStringLiteral("2026-11-23"), file} + m_server.dbArgs(), &rc);
        QVERIFY2(rc == 0 && QFile::exists(file + QStringLiteral(".sig")), qPrintable(out));
        QVERIFY(opensslVerifies(file));
        const auto verify = [&](int *code) {
            return hallServer({QStringLiteral("report"), QStringLiteral("verify"), QStringLiteral("--audit-public-key"), m_key + QStringLiteral(".pub"), file}, code);
        };
        out = verify(&rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("intact")), qPrintable(out));
        // Never overwritten.
        out = hallServer(QStringList{QStringLiteral("report"), QStringLiteral("--audit-key"), m_key, QStringLiteral("--hall"), QStringLiteral("swzx"),
                                     QStringLiteral("--date"), QStringLiteral("2026-11-23"), file} + m_server.dbArgs(), &rc);
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("never overwritten")), qPrintable(out));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray csv = f.readAll();
        f.close();
        QVERIFY(flipByte(file, csv.indexOf(",5,2,1,1") + 1));
        out = verify(&rc);
        QVERIFY2(rc == 2 && out.contains(QStringLiteral("does not match")), qPrintable(out));
        QVERIFY(!opensslVerifies(file));
        // A JSON range, and an unknown hall.
        const QString json = path(QStringLiteral("november.json"));
        out = hallServer(QStringList{QStringLiteral("report"), QStringLiteral("--audit-key"), m_key, QStringLiteral("--hall"), QStringLiteral("swzx"),
                                     QStringLiteral("--date"), QStringLiteral("2026-11-01"), QStringLiteral("--to"), QStringLiteral("2026-11-30"), json} + m_server.dbArgs(), &rc);
        QVERIFY2(rc == 0 && opensslVerifies(json), qPrintable(out));
        QFile j(json);
        QVERIFY(j.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(j.readAll()).object().value(QStringLiteral("totals")).toObject().value(QStringLiteral("served")).toInteger(), 2);
        out = hallServer(QStringList{QStringLiteral("report"), QStringLiteral("--audit-key"), m_key, QStringLiteral("--hall"), QStringLiteral("nowhere"),
                                     QStringLiteral("--date"), QStringLiteral("2026-11-23"), path(QStringLiteral("x.csv"))} + m_server.dbArgs(), &rc);
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("No hall \"nowhere\"")), qPrintable(out));
    }

    // A served ticket's receipt: what the citizen was served, by which window and officer id,
    // when, and the rating; signed; nothing of the citizen.
    void receiptIsSignedAndMasked()
    {
        const QString officer = m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
        const QString a001 = Hall + QStringLiteral("/tickets/%1/receipt").arg(m_ids.value(QStringLiteral("A001")));
        HttpResult r = m_server.call("GET", a001, {}, officer);
        QVERIFY2(r.status == 200, qPrintable(r.describe()));
        const QJsonObject receipt = r.body.value(QStringLiteral("receipt")).toObject();
        QCOMPARE(receipt.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("A001"));
        QCOMPARE(receipt.value(QStringLiteral("business")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("HJ"));
        QCOMPARE(receipt.value(QStringLiteral("window")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("1"));
        QCOMPARE(receipt.value(QStringLiteral("officer")).toInteger(), m_officer);
        QCOMPARE(receipt.value(QStringLiteral("rating")).toInt(), 5);
        QCOMPARE(receipt.value(QStringLiteral("waitSeconds")).toInt(), 600);
        QCOMPARE(receipt.value(QStringLiteral("serviceSeconds")).toInt(), 300);
        QVERIFY2(receipt.value(QStringLiteral("finishedAt")).toString().startsWith(QStringLiteral("2026-11-23T09:15:00")), qPrintable(r.describe()));
        QCOMPARE(QJsonDocument::fromJson(r.body.value(QStringLiteral("content")).toString().toUtf8()).object(), receipt);
        const QString text = QString::fromUtf8(QJsonDocument(r.body).toJson());
        QVERIFY2(!text.contains(IdNumber) && !text.contains(IdNumber.right(4)) && !text.contains(QStringLiteral("identity")), qPrintable(text));
        // The signing key's fingerprint is the first 16 hex digits of SM3 over its public key file.
        QString digest;
        QCOMPARE(shell(QStringLiteral("openssl dgst -sm3 -r '%1.pub' | cut -c1-16").arg(m_key), &digest), 0);
        QCOMPARE(r.body.value(QStringLiteral("keyId")).toString(), digest.trimmed());

        const QString file = path(QStringLiteral("receipt-A001.json"));
        QVERIFY(saveAnswer(r, file));
        QVERIFY(opensslVerifies(file));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        QVERIFY(flipByte(file, bytes.indexOf("\"rating\":5") + 9)); // rated 1 instead
        QVERIFY(!opensslVerifies(file));

        // Another officer's case, a ticket not served, a kiosk.
        r = m_server.call("GET", a001, {}, m_server.login(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")));
        QVERIFY2(r.status == 403 && r.errorCode() == QLatin1String("not_own_case"), qPrintable(r.describe()));
        r = m_server.call("GET", Hall + QStringLiteral("/tickets/%1/receipt").arg(m_ids.value(QStringLiteral("A002"))), {}, supervisor());
        QVERIFY2(r.status == 409 && r.errorCode() == QLatin1String("invalid_state"), qPrintable(r.describe()));
        r = m_server.call("GET", Hall + QStringLiteral("/tickets/999999/receipt"), {}, supervisor());
        QVERIFY2(r.status == 404, qPrintable(r.describe()));
        r = m_server.call("GET", a001, {}, m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        QVERIFY2(r.status == 403 && r.errorCode() == QLatin1String("forbidden"), qPrintable(r.describe()));
    }

    // Who read which report or receipt is in the audit trail.
    void readsAreAudited()
    {
        QString err;
        {
            QSqlDatabase db = m_server.openDatabase(QStringLiteral("audit-read"), &err);
            QVERIFY2(db.isOpen(), qPrintable(err));
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT login, action, status, detail FROM audit_chain ORDER BY hall_id, seq")));
            QStringList rows;
            while (q.next())
                rows << QStringLiteral("%1|%2|%3|%4").arg(q.value(0).toString(), q.value(1).toString()).arg(q.value(2).toInt()).arg(q.value(3).toString());
            const QString all = rows.join(u'\n');
            QVERIFY2(all.contains(QStringLiteral("supervisor|GET /api/v1/halls/{}/reports/day|200|report 2026-11-23..2026-11-23 csv")), qPrintable(all));
            QVERIFY2(all.contains(QStringLiteral("officer01|GET /api/v1/halls/{}/tickets/{}/receipt|200|receipt A001")), qPrintable(all));
            QVERIFY2(all.contains(QStringLiteral("officer02|GET /api/v1/halls/{}/tickets/{}/receipt|403|")), qPrintable(all));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit-read"));
    }
};

QTEST_GUILESS_MAIN(TstServerReports)
#include "tst_server_reports.moc"
