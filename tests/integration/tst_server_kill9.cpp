// kill -9 at an arbitrary moment loses nothing that hall-server acknowledged: clients issue,
// call and finish tickets concurrently, the server is killed with SIGKILL mid-way, restarted,
// and every acknowledged operation must be found, with the queue still consistent.

#include "serverfixture.h"

#include <QSet>

using namespace hall::test;

class TestServerKill9 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killDuringLoad_data()
    {
        QTest::addColumn<int>("killAfterMs");
        QTest::newRow("early") << 400;
        QTest::newRow("mid") << 1100;
        QTest::newRow("late") << 2300;
        // scripts/test --slow: many more kills at random moments.
        const int rounds = qEnvironmentVariableIntValue("HALL_KILL9_ROUNDS");
        for (int i = 0; i < rounds; ++i) {
            const int ms = QRandomGenerator::global()->bounded(150, 4000);
            QTest::addRow("random %d at %d ms", i, ms) << ms;
        }
    }

    void killDuringLoad()
    {
        QFETCH(int, killAfterMs);
        Server server;
        QString err;
        QVERIFY2(server.createDatabase(&err), qPrintable(err));
        QVERIFY2(server.seed(sourceDir() + QStringLiteral("/resources/demo/load-hall.json"), &err), qPrintable(err));
        QVERIFY2(server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:00")}), qPrintable(err));
        const QString kiosk = server.login(QStringLiteral("load-kiosk"), QStringLiteral("load-pass-2026"));
        const QString caller = server.login(QStringLiteral("load-caller"), QStringLiteral("load-pass-2026"));
        QVERIFY(!kiosk.isEmpty() && !caller.isEmpty());
        for (const char *w : {"1", "2", "3", "4"}) {
            const HttpResult r = server.call("POST", QStringLiteral("/api/v1/halls/load/windows/%1/login").arg(QLatin1String(w)),
                                             {{QStringLiteral("officer"), QStringLiteral("load-officer0%1").arg(QLatin1String(w))}}, caller);
            QVERIFY2(r.status == 200, qPrintable(r.describe()));
        }

        Acknowledged acked;
        bool killed = false;
        int inFlight = 0;
        // Four kiosks issue and four windows call, each client one request at a time, like
        // the real devices; every acknowledgement is recorded the moment it arrives.
        std::function<void(int)> kioskLoop = [&](int n) {
            if (killed)
                return;
            ++inFlight;
            const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("business"), n % 2 ? QStringLiteral("B00") : QStringLiteral("B01")}}).toJson();
            QNetworkReply *r = server.send("POST", QStringLiteral("/api/v1/halls/load/tickets"), body, kiosk);
            connect(r, &QNetworkReply::finished, this, [&, r, n] {
                --inFlight;
                if (r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 201) {
                    const QJsonObject t = QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("ticket")).toObject();
                    acked.issued.insert(t.value(QStringLiteral("id")).toInteger(), t.value(QStringLiteral("number")).toString());
                }
                kioskLoop(n);
            });
        };
        std::function<void(QString)> windowLoop = [&](const QString &w) {
            if (killed)
                return;
            ++inFlight;
            QNetworkReply *r = server.send("POST", QStringLiteral("/api/v1/halls/load/windows/%1/call-next").arg(w), "{}", caller);
            connect(r, &QNetworkReply::finished, this, [&, r, w] {
                --inFlight;
                if (r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200) {
                    const QJsonObject o = QJsonDocument::fromJson(r->readAll()).object();
                    if (o.contains(QStringLiteral("finished")))
                        acked.finished.insert(o.value(QStringLiteral("finished")).toInteger());
                    const qint64 id = o.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
                    if (id)
                        acked.called.insert(id);
                }
                windowLoop(w);
            });
        };
        for (int k = 0; k < 4; ++k)
            kioskLoop(k);
        for (const char *w : {"1", "2", "3", "4"})
            windowLoop(QLatin1String(w));

        QTest::qWait(killAfterMs);
        server.kill9();
        killed = true;
        QVERIFY(QTest::qWaitFor([&] { return inFlight == 0; }, 10000));
        QVERIFY2(acked.issued.size() > 20, qPrintable(QStringLiteral("only %1 tickets acknowledged before the kill").arg(acked.issued.size())));

        QVERIFY2(server.start(&err, {QStringLiteral("--fake-clock"), QStringLiteral("2026-11-23T09:00:05")}), qPrintable(err));
        const QString supervisor = server.login(QStringLiteral("load-super"), QStringLiteral("load-pass-2026"));
        const HttpResult all = server.call("GET", QStringLiteral("/api/v1/halls/load/tickets"), {}, supervisor);
        QCOMPARE(all.status, 200);
        QSet<QString> numbers;
        const QJsonArray stored = all.body.value(QStringLiteral("tickets")).toArray();
        const QString problem = checkAcknowledged(stored, acked, &numbers);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // The queue goes on: numbering continues after the highest number ever stored.
        const HttpResult next = server.call("POST", QStringLiteral("/api/v1/halls/load/tickets"), {{QStringLiteral("business"), QStringLiteral("B00")}},
                                            server.login(QStringLiteral("load-kiosk"), QStringLiteral("load-pass-2026")));
        QVERIFY2(next.status == 201, qPrintable(next.describe()));
        QVERIFY(!numbers.contains(next.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString()));
        qInfo("acknowledged before kill: %lld issued, %lld called, %lld finished; stored %lld",
              qint64(acked.issued.size()), qint64(acked.called.size()), qint64(acked.finished.size()), qint64(stored.size()));
    }
};

QTEST_GUILESS_MAIN(TestServerKill9)
#include "tst_server_kill9.moc"
