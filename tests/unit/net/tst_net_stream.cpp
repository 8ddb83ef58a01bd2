// EventStream against a scripted server on loopback (QHttpServer: /health and the WebSocket
// upgrade), so the test decides every message: partial summaries, a gap in seq, a dropped
// subscriber, a refused subscription.

#include <net/eventstream.h>
#include <net/hallclient.h>

#include <QCryptographicHash>
#include <QHttpServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace hall::net;

namespace {

QJsonObject business(const QString &code, int waiting)
{
    return {{QStringLiteral("code"), code}, {QStringLiteral("name"), code}, {QStringLiteral("waiting"), waiting},
            {QStringLiteral("issuedToday"), waiting}, {QStringLiteral("remaining"), -1}, {QStringLiteral("available"), true}};
}

QJsonObject window(const QString &number, const QString &state)
{
    return {{QStringLiteral("number"), number}, {QStringLiteral("state"), state}, {QStringLiteral("waiting"), 0}};
}

QJsonObject summary(const QJsonArray &businesses, const QJsonArray &windows, bool full)
{
    return {{QStringLiteral("hall"), QStringLiteral("swzx")}, {QStringLiteral("name"), QStringLiteral("hall")},
            {QStringLiteral("businesses"), businesses}, {QStringLiteral("windows"), windows}, {QStringLiteral("full"), full}};
}

QJsonObject ticket(qint64 id)
{
    return {{QStringLiteral("id"), id}, {QStringLiteral("number"), QStringLiteral("A%1").arg(id, 3, 10, QLatin1Char('0'))},
            {QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("status"), QStringLiteral("waiting")}};
}

// The hall service, scripted: answers /health, keeps every event subscriber for the test.
class ScriptedServer
{
public:
    ScriptedServer()
    {
        m_http.route(QStringLiteral("/api/v1/health"), [] {
            return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}, {QStringLiteral("version"), QStringLiteral("scripted")}};
        });
        m_http.route(QStringLiteral("/api/v1/events"), [](const QHttpServerRequest &, QHttpServerResponder &&) {});
        QObject::connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, &m_http, [this] {
            while (m_http.hasPendingWebSocketConnections()) {
                QWebSocket *s = m_http.nextPendingWebSocketConnection().release();
                s->setParent(&m_http);
                subscribers.append(s);
            }
        });
    }
    quint16 listen() { return m_http.listen(QHostAddress::LocalHost, 0); }
    QWebSocket *last() const { return subscribers.isEmpty() ? nullptr : subscribers.last(); }
    void send(const QString &type, qint64 seq, const QJsonObject &data)
    {
        last()->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("seq"), seq},
                                                                            {QStringLiteral("data"), data}}).toJson(QJsonDocument::Compact)));
    }

    QList<QWebSocket *> subscribers;

private:
    QHttpServer m_http;
};

// A peer that completes the WebSocket handshake, sends a hello and then says nothing ever
// again — not even a pong: what a client sees when a cable is cut and no FIN ever arrives.
class SilentPeer
{
public:
    SilentPeer()
    {
        QObject::connect(&m_tcp, &QTcpServer::newConnection, &m_tcp, [this] {
            while (QTcpSocket *s = m_tcp.nextPendingConnection())
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] { answer(s); });
        });
    }
    quint16 listen() { return m_tcp.listen(QHostAddress::LocalHost, 0) ? m_tcp.serverPort() : 0; }
    int streams = 0;

private:
    void answer(QTcpSocket *s)
    {
        if (s->property("silent").toBool()) {
            s->readAll(); // pings go unanswered
            return;
        }
        const QByteArray request = s->peek(64 * 1024);
        if (!request.contains("\r\n\r\n"))
            return;
        s->readAll();
        if (request.startsWith("GET /api/v1/health")) {
            const QByteArray body = R"({"status":"ok","version":"silent"})";
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                     + "\r\nConnection: close\r\n\r\n" + body);
            s->disconnectFromHost();
            return;
        }
        QByteArray key;
        for (const QByteArray &line : request.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        const QByteArray accept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), QCryptographicHash::Sha1).toBase64();
        s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n");
        const QByteArray hello = QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("hello")}, {QStringLiteral("seq"), 1},
                                                           {QStringLiteral("data"), summary({}, {}, true)}}).toJson(QJsonDocument::Compact);
        QByteArray frame;
        frame.append(char(0x81)); // FIN, text
        frame.append(char(hello.size() < 126 ? hello.size() : 126));
        if (hello.size() >= 126) {
            frame.append(char(hello.size() >> 8));
            frame.append(char(hello.size() & 0xff));
        }
        s->write(frame + hello);
        s->setProperty("silent", true);
        ++streams;
    }

    QTcpServer m_tcp;
};

} // namespace

class TestNetStream : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<ScriptedServer> m_server;
    std::unique_ptr<HallClient> m_client;
    std::unique_ptr<EventStream> m_stream;
    QStringList m_log; // what the app saw, in order

    void subscribe()
    {
        m_stream->subscribe(QStringLiteral("swzx"));
        QTRY_VERIFY2_WITH_TIMEOUT(m_server->subscribers.size() == 1, "the stream should connect", 5000);
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ScriptedServer>();
        const quint16 port = m_server->listen();
        QVERIFY(port);
        m_client = std::make_unique<HallClient>();
        m_client->setBackoffPolicy(Backoff::Policy{50, 200, 10});
        QString error;
        QVERIFY2(m_client->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, &error), qPrintable(error));
        m_client->setToken(QStringLiteral("t0ken"));
        m_stream = std::make_unique<EventStream>(m_client.get());
        m_log.clear();
        connect(m_stream.get(), &EventStream::snapshot, this, [this](const HallState &s) { m_log.append(QStringLiteral("snapshot %1").arg(s.seq())); });
        connect(m_stream.get(), &EventStream::stateChanged, this, [this](const HallState &s) { m_log.append(QStringLiteral("state %1").arg(s.seq())); });
        connect(m_stream.get(), &EventStream::eventReceived, this, [this](const HallEvent &e) { m_log.append(QStringLiteral("%1 %2").arg(e.typeName).arg(e.seq)); });
    }
    void cleanup()
    {
        m_stream.reset();
        m_client.reset();
        m_server.reset();
    }

    void partialSummariesUpdateByKey()
    {
        subscribe();
        m_server->send(QStringLiteral("hello"), 5, summary({business(QStringLiteral("HJ"), 1), business(QStringLiteral("CRJ"), 2)},
                                                           {window(QStringLiteral("1"), QStringLiteral("idle")), window(QStringLiteral("2"), QStringLiteral("offline"))}, true));
        m_server->send(QStringLiteral("ticket.issued"), 6, ticket(3));
        m_server->send(QStringLiteral("queue.summary"), 7, summary({business(QStringLiteral("CRJ"), 3)}, {}, false));
        m_server->send(QStringLiteral("window.state"), 8, window(QStringLiteral("2"), QStringLiteral("idle")));
        m_server->send(QStringLiteral("queue.summary"), 9, summary({}, {window(QStringLiteral("2"), QStringLiteral("idle"))}, false));
        QTRY_COMPARE_WITH_TIMEOUT(m_log.size(), 5, 5000);
        QCOMPARE(m_log, (QStringList{QStringLiteral("snapshot 5"), QStringLiteral("ticket.issued 6"), QStringLiteral("state 7"),
                                     QStringLiteral("window.state 8"), QStringLiteral("state 9")}));
        const HallState &s = m_stream->state();
        QCOMPARE(s.businesses().size(), 2);
        QCOMPARE(s.businesses().value(QStringLiteral("HJ")).waiting, 1); // untouched by the deltas
        QCOMPARE(s.businesses().value(QStringLiteral("CRJ")).waiting, 3);
        QCOMPARE(s.windows().value(QStringLiteral("1")).state, hall::core::WindowState::Idle);
        QCOMPARE(s.windows().value(QStringLiteral("2")).state, hall::core::WindowState::Idle);
        QVERIFY(m_stream->isLive());
        QCOMPARE(m_client->connectionStatus().state, ConnectionStatus::State::Online);
    }

    void gapInSeqResubscribes()
    {
        subscribe();
        QSignalSpy resubscribing(m_stream.get(), &EventStream::resubscribing);
        m_server->send(QStringLiteral("hello"), 5, summary({business(QStringLiteral("HJ"), 1)}, {window(QStringLiteral("1"), QStringLiteral("idle"))}, true));
        m_server->send(QStringLiteral("ticket.issued"), 6, ticket(3));
        m_server->send(QStringLiteral("ticket.issued"), 8, ticket(5)); // 7 was lost
        QTRY_VERIFY2_WITH_TIMEOUT(m_server->subscribers.size() == 2, "a gap in seq should make the stream subscribe again", 5000);
        QCOMPARE(resubscribing.size(), 1);
        QVERIFY2(!m_stream->isLive(), "between the gap and the new hello the state is not live");
        QVERIFY2(!m_log.contains(QStringLiteral("ticket.issued 8")), "the message after the gap must not be delivered");
        // The new hello replaces everything at once.
        m_server->send(QStringLiteral("hello"), 40, summary({business(QStringLiteral("CRJ"), 9)}, {}, true));
        QTRY_VERIFY_WITH_TIMEOUT(m_log.contains(QStringLiteral("snapshot 40")), 5000);
        QCOMPARE(m_stream->state().businesses().keys(), QStringList{QStringLiteral("CRJ")});
        QVERIFY(m_stream->state().windows().isEmpty());
        QVERIFY(m_stream->isLive());
        // And the stream goes on from there.
        m_server->send(QStringLiteral("ticket.issued"), 41, ticket(6));
        QTRY_VERIFY_WITH_TIMEOUT(m_log.contains(QStringLiteral("ticket.issued 41")), 5000);
    }

    void droppedSubscriberReconnects()
    {
        subscribe();
        m_server->send(QStringLiteral("hello"), 1, summary({business(QStringLiteral("HJ"), 1)}, {}, true));
        QTRY_VERIFY_WITH_TIMEOUT(m_stream->isLive(), 5000);
        // The server drops a subscriber that fell behind; the client comes back by itself.
        m_server->last()->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("too far behind"));
        QTRY_VERIFY2_WITH_TIMEOUT(!m_stream->isLive(), "a closed stream is not live", 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(m_server->subscribers.size() == 2, "the stream should reconnect", 5000);
        m_server->send(QStringLiteral("hello"), 30, summary({business(QStringLiteral("HJ"), 4)}, {}, true));
        QTRY_VERIFY_WITH_TIMEOUT(m_log.contains(QStringLiteral("snapshot 30")), 5000);
        QCOMPARE(m_stream->state().businesses().value(QStringLiteral("HJ")).waiting, 4);
    }

    void refusedSubscriptionIsReported()
    {
        subscribe();
        QSignalSpy refused(m_stream.get(), &EventStream::subscriptionRefused);
        m_server->last()->sendTextMessage(QStringLiteral(R"({"type":"error","message":"令牌无效"})"));
        m_server->last()->close(QWebSocketProtocol::CloseCodePolicyViolated);
        QTRY_COMPARE_WITH_TIMEOUT(refused.size(), 1, 5000);
        const ApiError e = refused.first().first().value<ApiError>();
        QCOMPARE(e.code, QStringLiteral("subscription_refused"));
        QCOMPARE(e.message, QStringLiteral("令牌无效"));
        // It keeps trying (a new token may come), with backoff.
        QTRY_VERIFY_WITH_TIMEOUT(m_server->subscribers.size() >= 2, 5000);
    }

    void messageBeforeHelloIsAProtocolError()
    {
        subscribe();
        m_server->send(QStringLiteral("ticket.issued"), 1, ticket(1));
        QTRY_VERIFY2_WITH_TIMEOUT(m_server->subscribers.size() == 2, "without a hello the stream cannot know the state: it starts over", 5000);
        QVERIFY(m_log.isEmpty());
    }

    void silentConnectionIsGivenUp()
    {
        SilentPeer peer;
        const quint16 port = peer.listen();
        QVERIFY(port);
        HallClient client;
        client.setBackoffPolicy(Backoff::Policy{50, 200, 10});
        QVERIFY(client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
        client.setToken(QStringLiteral("t0ken"));
        EventStream stream(&client);
        stream.setHeartbeat(200, 1000);
        QSignalSpy live(&stream, &EventStream::liveChanged);
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(stream.isLive(), 5000);
        // No pong, no message: after the timeout the stream gives up and connects again.
        QTRY_VERIFY2_WITH_TIMEOUT(peer.streams >= 2, "a silent connection should be dropped and replaced", 6000);
        QVERIFY2(live.size() >= 3, "live, not live, live again"); // true, false, true
        QCOMPARE(live.at(1).first().toBool(), false);
    }

    void unsubscribeStopsEverything()
    {
        subscribe();
        m_server->send(QStringLiteral("hello"), 1, summary({}, {}, true));
        QTRY_VERIFY_WITH_TIMEOUT(m_stream->isLive(), 5000);
        m_stream->unsubscribe();
        QVERIFY(!m_stream->isLive());
        QTest::qWait(500);
        QCOMPARE(m_server->subscribers.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestNetStream)
#include "tst_net_stream.moc"
