// HallSyncTransport: the sync engine's push and pull through HallClient against the in-process
// HallServer, and how each kind of answer reaches the engine.

#include "../server/harness.h"

#include <netsync/hallsynctransport.h>

#include <QJsonArray>
#include <QTcpServer>
#include <QUuid>

using namespace hall;
using namespace hall::net;

namespace {

sync::TransportResult wait(const std::function<void(sync::SyncTransport::Done)> &start)
{
    std::optional<sync::TransportResult> out;
    start([&out](const sync::TransportResult &r) { out = r; });
    (void)QTest::qWaitFor([&out] { return out.has_value(); }, 15000);
    return out.value_or(sync::TransportResult::fromHttp(0, {}, QStringLiteral("the test gave up waiting")));
}

QString describe(const sync::TransportResult &r)
{
    return QStringLiteral("kind %1, status %2, %3: %4").arg(int(r.kind)).arg(r.status).arg(r.code, r.message);
}

} // namespace

class TestNetSync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void answersReachTheEngineAsTheServerGaveThem()
    {
        test::InProcessServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        HallClient client;
        QVERIFY(client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()))));
        bool signedIn = false;
        client.signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), this, [&](const Result<Session> &r) { signedIn = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(signedIn, 10000);
        HallSyncTransport transport(&client);
        const QString device = QUuid::createUuid().toString(QUuid::WithoutBraces);

        QUrlQuery q;
        q.addQueryItem(QStringLiteral("device"), device);
        q.addQueryItem(QStringLiteral("epoch"), QStringLiteral("1"));
        q.addQueryItem(QStringLiteral("since"), QStringLiteral("0"));
        const sync::TransportResult pulled = wait([&](auto done) { transport.pull(q, done); });
        QVERIFY2(pulled.kind == sync::TransportResult::Kind::Ok, qPrintable(describe(pulled)));
        QVERIFY(!pulled.body.value(QStringLiteral("changes")).toArray().isEmpty());

        const QJsonObject entry{{QStringLiteral("seq"), 3}, {QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                {QStringLiteral("kind"), QStringLiteral("rating")}, {QStringLiteral("at"), QStringLiteral("2026-11-23T09:00:00.000")},
                                {QStringLiteral("data"), QJsonObject{{QStringLiteral("ticket"), 1}, {QStringLiteral("level"), 5}, {QStringLiteral("source"), QStringLiteral("evaluator")}}}};
        const QJsonObject push{{QStringLiteral("device"), device}, {QStringLiteral("epoch"), 1}, {QStringLiteral("entries"), QJsonArray{entry}}};
        const sync::TransportResult gap = wait([&](auto done) { transport.push(push, done); });
        QVERIFY2(gap.kind == sync::TransportResult::Kind::SequenceGap, qPrintable(describe(gap)));
        QCOMPARE(gap.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("expectedSeq")).toInt(), 1);

        QJsonObject bad = push;
        bad.insert(QStringLiteral("surprise"), true);
        const sync::TransportResult refused = wait([&](auto done) { transport.push(bad, done); });
        QVERIFY2(refused.kind == sync::TransportResult::Kind::Refused && refused.status == 400, qPrintable(describe(refused)));

        // The server gone: transient, the engine keeps its entries; the app's status shows it.
        server.server.reset();
        const sync::TransportResult down = wait([&](auto done) { transport.pull(q, done); });
        QVERIFY2(down.kind == sync::TransportResult::Kind::Transient && down.status == 0, qPrintable(describe(down)));
        QVERIFY(!down.message.isEmpty());
        QVERIFY(client.connectionStatus().state != ConnectionStatus::State::Online);
    }
};

QTEST_GUILESS_MAIN(TestNetSync)
#include "tst_net_sync.moc"
