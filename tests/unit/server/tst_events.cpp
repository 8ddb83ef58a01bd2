// The event fan-out under subscribers that do not keep up (issue 11), in-process: the real
// HallServer on the demo hall, real HTTP and WebSocket on loopback, and subscribers that stop
// reading for real (a raw TCP socket with a small receive buffer that is never read).

#include "harness.h"

#include <server/events.h>

#include <QJsonArray>
#include <QMap>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtEndian>

using namespace hall;

namespace {

const QString Hall = QStringLiteral("swzx");
const QStringList Businesses{QStringLiteral("HJ"), QStringLiteral("CRJ"), QStringLiteral("JG"), QStringLiteral("SB"),
                             QStringLiteral("BDC"), QStringLiteral("GJJ"), QStringLiteral("SW"), QStringLiteral("ZX")};

QJsonObject parse(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// A display that froze: the WebSocket handshake by hand, then nothing is read, so the kernel
// buffers fill and the server's socket stops draining. resume() reads again and decodes the
// server's frames (unmasked; text, continuation and close).
class RawSubscriber
{
public:
    bool open(quint16 port, const QString &token, QString *error)
    {
        // Bound first so the small receive buffer applies before the connection's window is set.
        m_socket.bind(QHostAddress::LocalHost, 0);
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(5000)) {
            *error = m_socket.errorString();
            return false;
        }
        m_socket.write(QStringLiteral("GET /api/v1/events?hall=%1 HTTP/1.1\r\nHost: 127.0.0.1:%3\r\nAuthorization: Bearer %2\r\n"
                                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                           .arg(Hall, token).arg(port).toLatin1());
        if (!QTest::qWaitFor([this] { m_buffer += m_socket.readAll(); return m_buffer.contains("\r\n\r\n"); }, 5000)) {
            *error = QStringLiteral("no handshake reply");
            return false;
        }
        const qsizetype end = m_buffer.indexOf("\r\n\r\n") + 4;
        if (!m_buffer.startsWith("HTTP/1.1 101")) {
            *error = QString::fromLatin1(m_buffer.left(end));
            return false;
        }
        m_buffer.remove(0, end);
        // From here on Qt takes at most one more byte; the rest stays in the kernel.
        m_socket.setReadBufferSize(1);
        return true;
    }

    void resume()
    {
        m_socket.setReadBufferSize(0);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { read(); });
        read();
    }
    void read()
    {
        m_buffer += m_socket.readAll();
        for (;;) {
            if (m_buffer.size() < 2)
                return;
            const auto *b = reinterpret_cast<const uchar *>(m_buffer.constData());
            const int opcode = b[0] & 0x0f;
            qint64 len = b[1] & 0x7f;
            qsizetype header = 2;
            if (len == 126) {
                if (m_buffer.size() < 4)
                    return;
                len = qFromBigEndian<quint16>(b + 2);
                header = 4;
            } else if (len == 127) {
                if (m_buffer.size() < 10)
                    return;
                len = qint64(qFromBigEndian<quint64>(b + 2));
                header = 10;
            }
            if (m_buffer.size() < header + len)
                return;
            m_fragment += m_buffer.mid(header, len);
            const bool fin = b[0] & 0x80;
            m_buffer.remove(0, header + len);
            if (opcode == 8)
                closed = true;
            else if (fin)
                messages.append(QJsonDocument::fromJson(std::exchange(m_fragment, {})).object());
        }
    }
    QAbstractSocket::SocketState state() const { return m_socket.state(); }

    QList<QJsonObject> messages;
    bool closed = false;

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_fragment;
};

// A display that reads everything.
class Reader : public QObject
{
public:
    void open(quint16 port, const QString &token)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &m) { messages.append(parse(m)); });
        ws.open(test::eventRequest(port, token));
    }
    bool hasHello() const { return !messages.isEmpty() && messages.first().value(QStringLiteral("type")) == QLatin1String("hello"); }

    QList<QJsonObject> messages;
    QWebSocket ws;
};

// What a display knows: the hello's hall, then each queue.summary applied over it (complete
// ones replace, deltas replace items by business code / window number). Written here, not
// taken from the server, so a wrong merge on either side shows.
struct HallState
{
    QMap<QString, QJsonObject> businesses;
    QMap<QString, QJsonObject> windows;

    void apply(const QJsonObject &data, bool whole)
    {
        if (whole) {
            businesses.clear();
            windows.clear();
        }
        for (const QJsonValue &v : data.value(QStringLiteral("businesses")).toArray())
            businesses.insert(v.toObject().value(QStringLiteral("code")).toString(), v.toObject());
        for (const QJsonValue &v : data.value(QStringLiteral("windows")).toArray())
            windows.insert(v.toObject().value(QStringLiteral("number")).toString(), v.toObject());
    }
    static HallState from(const QList<QJsonObject> &messages)
    {
        HallState s;
        for (const QJsonObject &m : messages) {
            const QString type = m.value(QStringLiteral("type")).toString();
            const QJsonObject data = m.value(QStringLiteral("data")).toObject();
            if (type == QLatin1String("hello"))
                s.apply(data, true);
            else if (type == QLatin1String("queue.summary"))
                s.apply(data, data.value(QStringLiteral("full")).toBool());
        }
        return s;
    }
    QString differences(const HallState &o) const
    {
        QStringList out;
        auto compare = [&](const QMap<QString, QJsonObject> &a, const QMap<QString, QJsonObject> &b, const QString &what) {
            for (auto it = b.cbegin(); it != b.cend(); ++it) {
                if (a.value(it.key()) != it.value())
                    out << QStringLiteral("%1 %2: %3 instead of %4").arg(what, it.key(),
                        QString::fromUtf8(QJsonDocument(a.value(it.key())).toJson(QJsonDocument::Compact)),
                        QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact)));
            }
            if (a.size() != b.size())
                out << QStringLiteral("%1: %2 instead of %3").arg(what).arg(a.size()).arg(b.size());
        };
        compare(businesses, o.businesses, QStringLiteral("business"));
        compare(windows, o.windows, QStringLiteral("window"));
        return out.join(u'\n');
    }
};

QList<QJsonObject> ofType(const QList<QJsonObject> &messages, const QString &type)
{
    QList<QJsonObject> out;
    for (const QJsonObject &m : messages) {
        if (m.value(QStringLiteral("type")) == type)
            out.append(m);
    }
    return out;
}

QList<QJsonObject> events(const QList<QJsonObject> &messages)
{
    QList<QJsonObject> out;
    for (const QJsonObject &m : messages) {
        const QString type = m.value(QStringLiteral("type")).toString();
        if (type != QLatin1String("hello") && type != QLatin1String("queue.summary")) {
            QJsonObject e = m;
            e.remove(QStringLiteral("seq")); // each stream numbers its own messages
            out.append(e);
        }
    }
    return out;
}

} // namespace

class TstEvents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void summaryMerge_data();
    void summaryMerge();
    void stalledSubscriberIsDroppedAtTheCap();
    void stalledSubscriberIsDroppedWithoutProgress();
    void droppedSubscriberComesBackFromHello();
    void slowReaderEndsWithTheSameState();
    void accountCapClosesTheOldest();
    void reconnectLoopIsToldToWait();

private:
    server::EventHub &hub() { return m_server->server->http().events(); }
    QString tokenOf(const QString &login, const QString &password)
    {
        test::Client c(m_server->port());
        return c.signIn(login, password) ? c.token : QString();
    }
    // `count` tickets, `batch` at a time so each batch shares one commit; their ids in order.
    QList<qint64> issue(int count, int batch = 10, const std::function<bool()> &stop = {});
    void stallUntilDropped();

    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_kiosk;
    int m_businessTurn = 0;
};

void TstEvents::init()
{
    m_server = std::make_unique<test::InProcessServer>();
    QString err;
    QVERIFY2(m_server->start(&err), qPrintable(err));
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    QVERIFY(m_kiosk->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    m_businessTurn = 0;
    // Every window open, so every business can be issued (the hall blocks unserved ones).
    test::Client super(m_server->port());
    QVERIFY(super.signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    for (int w = 1; w <= 12; ++w) {
        const test::Answer a = super.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/%1/login").arg(w),
                                          QJsonObject{{QStringLiteral("officer"), QStringLiteral("officer%1").arg(w, 2, 10, QLatin1Char('0'))}});
        QVERIFY2(a.status == 200, qPrintable(a.describe()));
    }
}

void TstEvents::cleanup()
{
    m_kiosk.reset();
    m_server.reset();
}

QList<qint64> TstEvents::issue(int count, int batch, const std::function<bool()> &stop)
{
    QList<qint64> ids;
    while (ids.size() < count && !(stop && stop())) {
        // Round the businesses so no daily quota runs out.
        const QString business = Businesses.at(m_businessTurn++ % Businesses.size());
        const QList<test::Answer> answers = m_kiosk->callAll(
            "POST", QList<QString>(batch, QStringLiteral("/api/v1/halls/swzx/tickets")), {{QStringLiteral("business"), business}});
        for (const test::Answer &a : answers) {
            if (a.status != 201) {
                qWarning() << "issue failed:" << a.describe();
                return ids;
            }
            ids.append(a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger());
        }
    }
    return ids;
}

void TstEvents::summaryMerge_data()
{
    QTest::addColumn<QJsonObject>("older");
    QTest::addColumn<QJsonObject>("newer");
    QTest::addColumn<QJsonObject>("merged");
    auto b = [](const char *code, int waiting) { return QJsonObject{{QStringLiteral("code"), QLatin1String(code)}, {QStringLiteral("waiting"), waiting}}; };
    auto w = [](const char *number, const char *state) { return QJsonObject{{QStringLiteral("number"), QLatin1String(number)}, {QStringLiteral("state"), QLatin1String(state)}}; };
    auto sum = [](bool full, QJsonArray businesses, QJsonArray windows) {
        return QJsonObject{{QStringLiteral("hall"), QStringLiteral("swzx")}, {QStringLiteral("full"), full},
                           {QStringLiteral("businesses"), businesses}, {QStringLiteral("windows"), windows}};
    };
    QTest::newRow("newer wins, others kept, new appended")
        << sum(false, {b("HJ", 1), b("CRJ", 2)}, {w("1", "idle")})
        << sum(false, {b("CRJ", 3), b("JG", 1)}, {w("2", "serving")})
        << sum(false, {b("HJ", 1), b("CRJ", 3), b("JG", 1)}, {w("1", "idle"), w("2", "serving")});
    QTest::newRow("complete newer replaces")
        << sum(false, {b("HJ", 1)}, {w("1", "idle")})
        << sum(true, {b("CRJ", 0)}, {})
        << sum(true, {b("CRJ", 0)}, {});
    QTest::newRow("complete older stays complete")
        << sum(true, {b("HJ", 1), b("CRJ", 2)}, {w("1", "idle")})
        << sum(false, {b("HJ", 5)}, {})
        << sum(true, {b("HJ", 5), b("CRJ", 2)}, {w("1", "idle")});
}

void TstEvents::summaryMerge()
{
    QFETCH(QJsonObject, older);
    QFETCH(QJsonObject, newer);
    QFETCH(QJsonObject, merged);
    const QJsonObject got = server::EventHub::mergeSummaries(older, newer);
    QVERIFY2(got == merged, QJsonDocument(got).toJson(QJsonDocument::Compact).constData());
}

void TstEvents::stalledSubscriberIsDroppedAtTheCap()
{
    server::EventHubOptions o;
    o.lowWaterBytes = 8 * 1024;
    o.maxBufferedBytes = 32 * 1024;
    o.stallTimeoutMs = 60 * 1000; // only the cap may drop it here
    hub().setOptions(o);

    Reader reader;
    reader.open(m_server->port(), tokenOf(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    RawSubscriber stalled;
    QString err;
    QVERIFY2(stalled.open(m_server->port(), tokenOf(QStringLiteral("display1"), QStringLiteral("demo-display-2026")), &err), qPrintable(err));
    QTRY_VERIFY_WITH_TIMEOUT(reader.hasHello() && hub().subscriberCount() == 2, 5000);

    // Far more than the kernel buffers and the cap take, unless the stalled one is dropped.
    const QList<qint64> ids = issue(600, 10, [this] { return hub().stats().droppedOverCap > 0; });
    const server::EventHubStats st = hub().stats();
    QVERIFY2(st.droppedOverCap == 1, qPrintable(QStringLiteral("not dropped after %1 tickets").arg(ids.size())));
    QVERIFY2(st.peakSubscriberBytes <= o.maxBufferedBytes,
             qPrintable(QStringLiteral("%1 bytes buffered for one subscriber").arg(st.peakSubscriberBytes)));
    QVERIFY2(st.droppedStalled == 0 && st.subscribers == 1, "the reader was dropped too");

    // Everything, in order, for the one that reads.
    const QList<qint64> more = issue(10);
    QTRY_COMPARE_WITH_TIMEOUT(ofType(reader.messages, QStringLiteral("ticket.issued")).size(), ids.size() + more.size(), 10000);
    QList<qint64> got;
    qint64 lastSeq = reader.messages.first().value(QStringLiteral("seq")).toInteger();
    for (const QJsonObject &m : std::as_const(reader.messages)) {
        const qint64 seq = m.value(QStringLiteral("seq")).toInteger();
        if (&m == &reader.messages.first())
            continue;
        QVERIFY2(seq == lastSeq + 1, "messages out of order or missing");
        lastSeq = seq;
        if (m.value(QStringLiteral("type")).toString() == QLatin1String("ticket.issued"))
            got.append(m.value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toInteger());
    }
    QCOMPARE(got, ids + more);

    // The stalled peer was cut off (aborted), not just forgotten.
    stalled.resume();
    QTRY_VERIFY_WITH_TIMEOUT(stalled.state() == QAbstractSocket::UnconnectedState, 5000);
}

void TstEvents::stallUntilDropped()
{
    server::EventHubOptions o;
    o.lowWaterBytes = 8 * 1024;
    o.maxBufferedBytes = 64 * 1024 * 1024;
    o.stallTimeoutMs = 300;
    hub().setOptions(o);
    RawSubscriber stalled;
    QString err;
    QVERIFY2(stalled.open(m_server->port(), tokenOf(QStringLiteral("display1"), QStringLiteral("demo-display-2026")), &err), qPrintable(err));
    QTRY_VERIFY_WITH_TIMEOUT(hub().subscriberCount() == 2, 5000);
    // Until the kernel buffers are full and the server holds bytes for it.
    const QList<qint64> ids = issue(600, 10, [this] { return hub().stats().bufferedBytes > 16 * 1024 || hub().stats().droppedStalled > 0; });
    QTRY_VERIFY2_WITH_TIMEOUT(hub().stats().droppedStalled == 1, qPrintable(QStringLiteral("not dropped after %1 tickets").arg(ids.size())), 5000);
    QCOMPARE(hub().stats().droppedOverCap, 0);
    QCOMPARE(hub().subscriberCount(), 1); // an idle reader has nothing pending: not stalled
}

void TstEvents::stalledSubscriberIsDroppedWithoutProgress()
{
    Reader reader;
    reader.open(m_server->port(), tokenOf(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QTRY_VERIFY_WITH_TIMEOUT(reader.hasHello(), 5000);
    QTest::qWait(1000); // idle for longer than the timeout
    stallUntilDropped();
    QCOMPARE(reader.ws.state(), QAbstractSocket::ConnectedState);
}

void TstEvents::droppedSubscriberComesBackFromHello()
{
    Reader other;
    other.open(m_server->port(), tokenOf(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QTRY_VERIFY_WITH_TIMEOUT(other.hasHello(), 5000);
    stallUntilDropped();
    if (QTest::currentTestFailed())
        return;
    // The same display, reconnected: the whole hall first, then events again.
    Reader back;
    back.open(m_server->port(), tokenOf(QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
    QTRY_VERIFY_WITH_TIMEOUT(back.hasHello(), 5000);
    const QJsonObject hello = back.messages.first().value(QStringLiteral("data")).toObject();
    QCOMPARE(hello.value(QStringLiteral("windows")).toArray().size(), 12);
    QCOMPARE(hello.value(QStringLiteral("businesses")).toArray().size(), 8);
    const QList<qint64> ids = issue(1, 1);
    QCOMPARE(ids.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!ofType(back.messages, QStringLiteral("queue.summary")).isEmpty(), 5000);
    QCOMPARE(ofType(back.messages, QStringLiteral("ticket.issued")).first().value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toInteger(), ids.first());
}

void TstEvents::slowReaderEndsWithTheSameState()
{
    server::EventHubOptions o;
    o.lowWaterBytes = 1; // a message leaves only when the socket is empty: summaries wait and merge
    o.socketSendBufferBytes = 16 * 1024;
    o.maxBufferedBytes = 64 * 1024 * 1024;
    o.stallTimeoutMs = 60 * 1000;
    hub().setOptions(o);

    const QString super = tokenOf(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"));
    Reader fast;
    fast.open(m_server->port(), super);
    RawSubscriber slow;
    QString err;
    QVERIFY2(slow.open(m_server->port(), tokenOf(QStringLiteral("display1"), QStringLiteral("demo-display-2026")), &err), qPrintable(err));
    QTRY_VERIFY_WITH_TIMEOUT(fast.hasHello() && hub().subscriberCount() == 2, 5000);

    test::Client staff(m_server->port());
    staff.token = super;
    auto op = [&](const QString &window, const QString &what, const QJsonObject &body = {}) {
        const test::Answer a = staff.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/%1/%2").arg(window, what), body);
        QVERIFY2(a.status == 200, qPrintable(what + u' ' + a.describe()));
    };
    // Enough for the slow one's kernel buffers to fill, so the server holds summaries for it.
    // (After a pause, so what the server holds is the slow one's and not the fast one's.)
    issue(400, 5, [this] { QTest::qWait(20); return hub().stats().bufferedBytes > 8 * 1024; });
    QVERIFY2(hub().stats().bufferedBytes > 0, "the slow subscriber never fell behind");
    // Then commits that each change different businesses and windows.
    op(QStringLiteral("1"), QStringLiteral("call-next"));
    op(QStringLiteral("2"), QStringLiteral("call-next"));
    op(QStringLiteral("1"), QStringLiteral("finish"));
    op(QStringLiteral("2"), QStringLiteral("finish"));
    op(QStringLiteral("2"), QStringLiteral("pause"), {{QStringLiteral("type"), QStringLiteral("break")}, {QStringLiteral("reason"), QStringLiteral("午休")}});
    issue(1, 1);
    QVERIFY2(hub().stats().summariesMerged > 0, "no summary was merged");

    slow.resume();
    auto endsWithSummary = [](const QList<QJsonObject> &m) {
        return !m.isEmpty() && m.last().value(QStringLiteral("type")).toString() == QLatin1String("queue.summary");
    };
    QTRY_VERIFY_WITH_TIMEOUT(!events(fast.messages).isEmpty() && events(slow.messages) == events(fast.messages)
                                 && endsWithSummary(fast.messages) && endsWithSummary(slow.messages)
                                 && hub().stats().bufferedBytes == 0, 20000);
    // Each stream numbers its own messages: 1, 2, 3 … with no gap, merged summaries or not.
    for (const QList<QJsonObject> *m : {&fast.messages, &slow.messages}) {
        for (qsizetype i = 0; i < m->size(); ++i)
            QCOMPARE(m->at(i).value(QStringLiteral("seq")).toInteger(), i + 1);
    }

    // Every event reached both; only summaries were merged.
    QCOMPARE(events(slow.messages), events(fast.messages));
    QVERIFY2(ofType(slow.messages, QStringLiteral("queue.summary")).size() < ofType(fast.messages, QStringLiteral("queue.summary")).size(),
             "the slow reader got as many summaries as the fast one");
    // Summaries after a commit carry what changed, not the hall.
    const QList<QJsonObject> sums = ofType(fast.messages, QStringLiteral("queue.summary"));
    QVERIFY2(std::any_of(sums.cbegin(), sums.cend(), [](const QJsonObject &m) {
                 const QJsonObject d = m.value(QStringLiteral("data")).toObject();
                 return !d.value(QStringLiteral("full")).toBool() && d.value(QStringLiteral("windows")).toArray().size() < 12;
             }), "every summary was the whole hall");

    // Both end where the server is.
    HallState truth;
    test::Answer a = staff.get(QStringLiteral("/api/v1/halls/swzx/businesses"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    truth.apply(a.body, false);
    a = staff.get(QStringLiteral("/api/v1/halls/swzx/windows"));
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    truth.apply(a.body, false);
    QCOMPARE(truth.windows.size(), 12);
    const QString fastDiff = HallState::from(fast.messages).differences(truth);
    QVERIFY2(fastDiff.isEmpty(), qPrintable(fastDiff));
    const QString slowDiff = HallState::from(slow.messages).differences(truth);
    QVERIFY2(slowDiff.isEmpty(), qPrintable(slowDiff));
}

void TstEvents::accountCapClosesTheOldest()
{
    server::EventHubOptions o;
    o.maxPerAccount = 2;
    o.closeGraceMs = 300;
    hub().setOptions(o);
    const QString display = tokenOf(QStringLiteral("display1"), QStringLiteral("demo-display-2026"));

    Reader other; // another account: untouched
    other.open(m_server->port(), tokenOf(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QTRY_VERIFY_WITH_TIMEOUT(other.hasHello(), 5000);
    // The display's first stream died with the network: nothing reads it.
    RawSubscriber dead;
    QString err;
    QVERIFY2(dead.open(m_server->port(), display, &err), qPrintable(err));
    Reader second, third, fourth;
    second.open(m_server->port(), display);
    QTRY_VERIFY_WITH_TIMEOUT(second.hasHello(), 5000);
    third.open(m_server->port(), display);
    QTRY_VERIFY_WITH_TIMEOUT(third.hasHello(), 5000);
    QCOMPARE(hub().stats().closedOverAccountCap, 1);
    QCOMPARE(hub().subscriberCount(), 3);
    // The dead one is aborted after the grace time even though it never answers the close.
    dead.resume();
    QTRY_VERIFY_WITH_TIMEOUT(dead.state() == QAbstractSocket::UnconnectedState, 5000);

    // A live oldest one is told why.
    fourth.open(m_server->port(), display);
    QTRY_VERIFY_WITH_TIMEOUT(fourth.hasHello(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(second.ws.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(second.ws.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(third.ws.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(other.ws.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(hub().subscriberCount(), 3);

    // The survivors still get events.
    issue(1, 1);
    QTRY_VERIFY_WITH_TIMEOUT(!ofType(fourth.messages, QStringLiteral("ticket.issued")).isEmpty(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!ofType(third.messages, QStringLiteral("ticket.issued")).isEmpty(), 5000);
    QVERIFY(ofType(second.messages, QStringLiteral("ticket.issued")).isEmpty());
}

void TstEvents::reconnectLoopIsToldToWait()
{
    server::EventHubOptions o;
    o.reconnectBurst = 3;
    o.reconnectRefillMs = 60 * 1000;
    hub().setOptions(o);
    const QString display = tokenOf(QStringLiteral("display1"), QStringLiteral("demo-display-2026"));
    // The burst: three streams of the account.
    std::vector<std::unique_ptr<Reader>> streams;
    for (int i = 0; i < 3; ++i) {
        streams.push_back(std::make_unique<Reader>());
        streams.back()->open(m_server->port(), display);
        QTRY_VERIFY_WITH_TIMEOUT(streams.back()->hasHello(), 5000);
    }
    // The fourth is told when to come back, before any hello; no stream of the account closes.
    QWebSocket fourth;
    QSignalSpy text(&fourth, &QWebSocket::textMessageReceived);
    fourth.open(test::eventRequest(m_server->port(), display));
    QTRY_VERIFY_WITH_TIMEOUT(!text.isEmpty(), 5000);
    const QJsonObject refusal = QJsonDocument::fromJson(text.first().first().toString().toUtf8()).object();
    QCOMPARE(refusal.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(refusal.value(QStringLiteral("code")).toString(), QStringLiteral("too_many_reconnects"));
    QVERIFY(refusal.value(QStringLiteral("retryAfterSeconds")).toInt() >= 50);
    QCOMPARE(text.size(), 1);
    QCOMPARE(hub().subscriberCount(), 3);
    QCOMPARE(hub().stats().refusedReconnects, 1);
    QCOMPARE(hub().stats().closedOverAccountCap, 0);

    // Back before the time it was told: answered 429 from the handshake's head, no handshake.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET /api/v1/events?hall=swzx HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer "
              + display.toLatin1() + "\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += raw.readAll()).contains("\r\n\r\n{"), 5000);
    QVERIFY2(answer.startsWith("HTTP/1.1 429 "), answer.constData());
    QVERIFY2(answer.contains("\r\nRetry-After: "), answer.constData());
    QVERIFY(answer.contains("\"too_many_reconnects\""));
    QCOMPARE(hub().stats().refusedReconnects, 2);
    QCOMPARE(hub().subscriberCount(), 3);

    // Another account is not affected.
    Reader other;
    other.open(m_server->port(), tokenOf(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    QTRY_VERIFY_WITH_TIMEOUT(other.hasHello(), 5000);
}

QTEST_GUILESS_MAIN(TstEvents)
#include "tst_events.moc"
