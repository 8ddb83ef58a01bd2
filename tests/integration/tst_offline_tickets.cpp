// Offline tickets end to end over the real binaries (docs/sync.md, "Offline tickets"): a kiosk
// (hall-sync) leases numbers, hall-server goes down, the kiosk keeps issuing from its lease, the
// server comes back, and the tickets join the queue in the order people arrived. The kiosk's
// cache file and WAL never hold an ID number. A reset hands the unused rest of the lease back.
// On SQLite and on PostgreSQL.

#include "serverfixture.h"

#include <QRegularExpression>

using namespace hall::test;

namespace {

const QString IdNumber = QStringLiteral("11010519491231002X");

QString atTime(int h, int m) { return QStringLiteral("2026-11-23T%1:%2:00").arg(h, 2, 10, QLatin1Char('0')).arg(m, 2, 10, QLatin1Char('0')); }

} // namespace

class TstOfflineTickets : public QObject
{
    Q_OBJECT

    Server m_server;
    QTemporaryDir m_dir;

    QString cache() const { return m_dir.filePath(QStringLiteral("kiosk.db")); }

    QString run(const QStringList &args, int *exitCode, const QByteArray &input = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en"));
        p.setProcessEnvironment(env);
        p.start(binDir() + QStringLiteral("/hall-sync"),
                QStringList{QStringLiteral("--cache"), cache(), QStringLiteral("--key-service"), QStringLiteral("HallSuite-test/offline-%1").arg(m_dir.path().section(u'/', -1))}
                    + args);
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return QString::fromUtf8(childStdout(p) + childStderr(p));
    }
    QStringList server() const
    {
        return {QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()), QStringLiteral("--hall"),
                QStringLiteral("swzx"), QStringLiteral("--login"), QStringLiteral("kiosk1")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString err;
        QVERIFY2(m_server.createDatabase(&err), qPrintable(err));
        QVERIFY2(m_server.seed(demoHall(), &err), qPrintable(err));
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), atTime(9, 0)}), qPrintable(err));
    }

    void offlineTicketsJoinInArrivalOrder()
    {
        const QString officer = m_server.login(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"));
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/login"), {}, officer).status, 200);
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        const HttpResult first = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}, kiosk);
        QVERIFY2(first.status == 201, qPrintable(first.describe()));

        // While the server is up, the kiosk stocks a lease.
        int rc = 0;
        QString out = run(server() + QStringList{QStringLiteral("lease"), QStringLiteral("HJ"), QStringLiteral("10"), QStringLiteral("--now"), atTime(9, 0)},
                          &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("HJ A800-A809")), qPrintable(out));

        // The server is gone; the kiosk keeps issuing from its lease.
        m_server.stop();
        out = run({QStringLiteral("issue-offline"), QStringLiteral("HJ"), QStringLiteral("--now"), atTime(9, 5)}, &rc);
        QVERIFY2(rc == 0 && out.startsWith(QStringLiteral("A800")), qPrintable(out));
        out = run({QStringLiteral("issue-offline"), QStringLiteral("HJ"), QStringLiteral("--id-number"), IdNumber, QStringLiteral("--now"), atTime(9, 15)}, &rc);
        QVERIFY2(rc == 0 && out.startsWith(QStringLiteral("A801")), qPrintable(out));
        out = run(server() + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("3"), QStringLiteral("--now"), atTime(9, 16)},
                  &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc != 0 && out.contains(QStringLiteral("cannot sign in")), qPrintable(out));
        out = run({QStringLiteral("pending")}, &rc);
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("1101**********002X")) && !out.contains(IdNumber), qPrintable(out));
        out = run({QStringLiteral("leases"), QStringLiteral("--now"), atTime(9, 16)}, &rc);
        QVERIFY2(out.contains(QStringLiteral("2 used, 8 left")), qPrintable(out));

        // Back at 09:30; someone takes a ticket online before the kiosk has synced.
        QString err;
        QVERIFY2(m_server.start(&err, {QStringLiteral("--fake-clock"), atTime(9, 30)}), qPrintable(err));
        const QString kiosk2 = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        const HttpResult later = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}, kiosk2);
        QVERIFY2(later.status == 201, qPrintable(later.describe()));
        QCOMPARE(later.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("A002"));

        out = run(server() + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("20"), QStringLiteral("--now"), atTime(9, 30)},
                  &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("sync: 0 waiting, 0 rejected, 0 conflicts")), qPrintable(out));
        out = run({QStringLiteral("offline")}, &rc);
        QVERIFY2(out.count(QStringLiteral("applied")) == 2, qPrintable(out));

        // In the queue by arrival: A001 09:00, A800 09:05, A801 09:15, A002 09:30.
        const HttpResult list = m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/tickets?business=HJ&status=waiting"), {}, officer);
        QMap<int, QString> byAhead;
        for (const QJsonValue &v : list.body.value(QStringLiteral("tickets")).toArray())
            byAhead.insert(v.toObject().value(QStringLiteral("peopleAhead")).toInt(), v.toObject().value(QStringLiteral("number")).toString());
        QCOMPARE(byAhead.values(), (QStringList{QStringLiteral("A001"), QStringLiteral("A800"), QStringLiteral("A801"), QStringLiteral("A002")}));
        const HttpResult called = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/1/call-next"), {}, officer);
        QCOMPARE(called.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("A001"));
        // The server took in both numbers of the lease and keeps the lease.
        const HttpResult leases = m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/leases"), {}, kiosk2);
        QCOMPARE(leases.body.value(QStringLiteral("leases")).toArray().at(0).toObject().value(QStringLiteral("used")).toInt(), 2);
    }

    void aResetHandsTheUnusedRestBack()
    {
        // One more ticket from the lease (A800-A809, two taken in), not synced yet.
        int rc = 0;
        QString out = run({QStringLiteral("issue-offline"), QStringLiteral("HJ"), QStringLiteral("--now"), atTime(9, 31)}, &rc);
        QVERIFY2(rc == 0 && out.startsWith(QStringLiteral("A802")), qPrintable(out));
        // Unreachable: the reset still happens, the lease stays the kiosk's, and it says so.
        const QStringList nowhere{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--hall"), QStringLiteral("swzx"),
                                  QStringLiteral("--login"), QStringLiteral("kiosk1")};
        out = run(nowhere + QStringList{QStringLiteral("reset"), m_dir.filePath(QStringLiteral("unsent1.jsonl"))}, &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 6 && out.contains(QStringLiteral("not handed back")), qPrintable(out));
        out = run({QStringLiteral("leases"), QStringLiteral("--now"), atTime(9, 31)}, &rc);
        QVERIFY2(out.contains(QStringLiteral("3 used, 7 left")), qPrintable(out));
        // Reachable: the reset hands back A803-A809.
        out = run(server() + QStringList{QStringLiteral("reset"), m_dir.filePath(QStringLiteral("unsent2.jsonl"))}, &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("handed back")), qPrintable(out));
        out = run({QStringLiteral("leases"), QStringLiteral("--now"), atTime(9, 31)}, &rc);
        QVERIFY2(out.contains(QStringLiteral("3 used, 0 left")), qPrintable(out));
        out = run({QStringLiteral("issue-offline"), QStringLiteral("HJ"), QStringLiteral("--now"), atTime(9, 32)}, &rc);
        QVERIFY2(rc != 0, qPrintable(out));
        const QString kiosk = m_server.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        const QJsonObject lease = m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/leases"), {}, kiosk).body.value(QStringLiteral("leases")).toArray().at(0).toObject();
        QCOMPARE(lease.value(QStringLiteral("returnedFrom")).toInt(), 803);
        // The ticket issued before it still joins the queue; the handed-back numbers are nobody's.
        out = run({QStringLiteral("requeue")}, &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        out = run(server() + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("20"), QStringLiteral("--now"), atTime(9, 32)},
                  &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("sync: 0 waiting, 0 rejected")), qPrintable(out));
        out = run({QStringLiteral("offline")}, &rc);
        QVERIFY2(out.contains(QStringLiteral("A802 HJ 2026-11-23T09:31:00.000 touch done applied")), qPrintable(out));
        // (sync stocked new leases after it, as it does, never below the handed-back block.)
        // Online numbering goes on below them all, from where it was.
        const QJsonArray all = m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/leases"), {}, kiosk).body.value(QStringLiteral("leases")).toArray();
        for (qsizetype i = 1; i < all.size(); ++i)
            QVERIFY2(all.at(i).toObject().value(QStringLiteral("from")).toInt() > 809, QJsonDocument(all.at(i).toObject()).toJson().constData());
        const HttpResult online = m_server.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}, kiosk);
        QCOMPARE(online.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), QStringLiteral("A003"));
        // return-lease hands back those new ones whole; the first one again changes nothing.
        out = run(server() + QStringList{QStringLiteral("return-lease"), QStringLiteral("--now"), atTime(9, 33)}, &rc, "demo-kiosk-2026\n");
        QVERIFY2(rc == 0 && out.contains(QStringLiteral("3 used, 0 left")) && !out.contains(QRegularExpression(QStringLiteral(" [1-9][0-9]* left"))), qPrintable(out));
        for (const QJsonValue &l : m_server.call("GET", QStringLiteral("/api/v1/halls/swzx/leases"), {}, kiosk).body.value(QStringLiteral("leases")).toArray())
            QVERIFY2(l.toObject().contains(QStringLiteral("returnedFrom")), QJsonDocument(l.toObject()).toJson().constData());
    }

    void theCacheHoldsNoIdNumber()
    {
        const QStringList files{cache(), cache() + QStringLiteral("-wal"), cache() + QStringLiteral("-journal")};
        int scanned = 0;
        for (const QString &f : files) {
            QFile file(f);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            ++scanned;
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(IdNumber.toUtf8()) && !bytes.contains(IdNumber.left(10).toUtf8()), qPrintable(f));
        }
        QVERIFY(scanned >= 1);
    }
};

QTEST_GUILESS_MAIN(TstOfflineTickets)
#include "tst_offline_tickets.moc"
