// The parts of modules/net that need no server: backoff, HallState, strict parsing, pins,
// the connection status line.

#include <net/backoff.h>
#include <net/connectionstatus.h>
#include <net/hallstate.h>
#include <net/tls.h>
#include <net/types.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace hall::net;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

BusinessStatus business(const QString &code, int waiting)
{
    BusinessStatus b;
    b.code = code;
    b.name = code;
    b.waiting = waiting;
    return b;
}

WindowStatus window(const QString &number, hall::core::WindowState state)
{
    WindowStatus w;
    w.number = number;
    w.state = state;
    return w;
}

} // namespace

class TestNetParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backoffGrowsAndIsCapped()
    {
        // The dice at their top: every delay is its ceiling.
        Backoff b(Backoff::Policy{500, 30000, 50}, [] { return 1.0; });
        const QList<int> expected{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (int i = 0; i < expected.size(); ++i) {
            const int d = b.nextDelayMs();
            QVERIFY2(d == expected.at(i), qPrintable(QStringLiteral("attempt %1: %2 ms, expected %3").arg(i + 1).arg(d).arg(expected.at(i))));
        }
        QCOMPARE(b.attempt(), expected.size());
        // Far past any doubling that fits in an int, still the cap.
        for (int i = 0; i < 100; ++i)
            b.nextDelayMs();
        QCOMPARE(b.nextDelayMs(), 30000);
        b.reset();
        QCOMPARE(b.nextDelayMs(), 500);
    }

    void backoffJitterIsFull()
    {
        // Full jitter: the delay is the random fraction of the ceiling (with a small floor).
        double r = 0.25;
        Backoff b(Backoff::Policy{500, 30000, 50}, [&r] { return r; });
        QCOMPARE(b.nextDelayMs(), 125);   // 0.25 · 500
        QCOMPARE(b.nextDelayMs(), 250);   // 0.25 · 1000
        r = 0.0;
        QCOMPARE(b.nextDelayMs(), 50);    // never 0: no busy loop
        r = 0.5;
        for (int i = 0; i < 10; ++i)
            b.nextDelayMs();
        QCOMPARE(b.nextDelayMs(), 15000); // 0.5 · cap
        // The real random source spreads the delays within [floor, ceiling].
        Backoff real(Backoff::Policy{500, 30000, 50});
        QSet<int> seen;
        for (int i = 0; i < 8; ++i)
            real.nextDelayMs();
        for (int i = 0; i < 20; ++i) {
            const int d = real.nextDelayMs();
            QVERIFY2(d >= 50 && d <= 30000, qPrintable(QString::number(d)));
            seen.insert(d);
        }
        QVERIFY2(seen.size() > 10, "twenty capped delays should hardly ever repeat");
    }

    void hallStateHelloReplacesWholesale()
    {
        HallState s;
        HallSummary first{QStringLiteral("swzx"), QStringLiteral("hall"), {business(QStringLiteral("HJ"), 1), business(QStringLiteral("CRJ"), 2)},
                          {window(QStringLiteral("1"), hall::core::WindowState::Idle)}, true};
        s.replace(first, 10);
        HallSummary second{QStringLiteral("swzx"), QStringLiteral("hall"), {business(QStringLiteral("JG"), 5)}, {}, true};
        s.replace(second, 3); // after a reconnect seq may restart: the hello is the truth
        QCOMPARE(s.seq(), 3);
        QCOMPARE(s.businesses().keys(), QStringList{QStringLiteral("JG")});
        QVERIFY2(s.windows().isEmpty(), "nothing of the old picture may survive a hello");
    }

    void hallStateSummaryUpdatesByKey()
    {
        HallState s;
        s.replace(HallSummary{QStringLiteral("swzx"), QStringLiteral("hall"),
                              {business(QStringLiteral("HJ"), 1), business(QStringLiteral("CRJ"), 2)},
                              {window(QStringLiteral("1"), hall::core::WindowState::Idle), window(QStringLiteral("2"), hall::core::WindowState::Offline)}, true},
                  10);
        // A partial summary: only CRJ and window 2 changed.
        QVERIFY(s.apply(HallSummary{QStringLiteral("swzx"), {}, {business(QStringLiteral("CRJ"), 7)},
                                    {window(QStringLiteral("2"), hall::core::WindowState::Serving)}, false},
                        11));
        QCOMPARE(s.businesses().value(QStringLiteral("HJ")).waiting, 1);
        QCOMPARE(s.businesses().value(QStringLiteral("CRJ")).waiting, 7);
        QCOMPARE(s.windows().value(QStringLiteral("1")).state, hall::core::WindowState::Idle);
        QCOMPARE(s.windows().value(QStringLiteral("2")).state, hall::core::WindowState::Serving);
        QCOMPARE(s.name(), QStringLiteral("hall"));
        QCOMPARE(s.seq(), 11);
        // The hall's order is kept; something new goes at the end.
        QVERIFY(s.apply(HallSummary{QStringLiteral("swzx"), {}, {business(QStringLiteral("AA"), 0)}, {}, false}, 12));
        QStringList order;
        for (const BusinessStatus &b : s.businessList())
            order.append(b.code);
        QCOMPARE(order, (QStringList{QStringLiteral("HJ"), QStringLiteral("CRJ"), QStringLiteral("AA")}));
        // A full summary (today's server, or a delta that could not say what vanished) replaces.
        QVERIFY(s.apply(HallSummary{QStringLiteral("swzx"), QStringLiteral("hall"), {business(QStringLiteral("HJ"), 0)}, {}, true}, 13));
        QCOMPARE(s.businesses().size(), 1);
        QVERIFY(s.windows().isEmpty());
        // Another hall's summary is refused and changes nothing.
        QVERIFY(!s.apply(HallSummary{QStringLiteral("other"), {}, {business(QStringLiteral("X"), 0)}, {}, false}, 14));
        QCOMPARE(s.seq(), 13);
    }

    void parsingIsStrict_data()
    {
        QTest::addColumn<QByteArray>("ticket");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("minimal") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"waiting"})") << QString();
        QTest::newRow("unknown field ignored") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"waiting","newField":3})") << QString();
        QTest::newRow("null time") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"waiting","calledAt":null})") << QString();
        QTest::newRow("missing number") << QByteArray(R"({"id":1,"business":"HJ","status":"waiting"})") << QStringLiteral("t.number: missing");
        QTest::newRow("id as string") << QByteArray(R"({"id":"1","number":"A001","business":"HJ","status":"waiting"})") << QStringLiteral("t.id: not an integer");
        QTest::newRow("fractional count") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"waiting","callCount":1.5})") << QStringLiteral("t.callCount: not an integer");
        QTest::newRow("unknown status") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"lost"})") << QStringLiteral("t.status: unknown value \"lost\"");
        QTest::newRow("bad time") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"waiting","issuedAt":"yesterday"})") << QStringLiteral("t.issuedAt: not an ISO 8601 time");
        QTest::newRow("lines not strings") << QByteArray(R"({"id":1,"number":"A001","business":"HJ","status":"waiting","ticketLines":[1]})") << QStringLiteral("t.ticketLines[0]: not a string");
    }
    void parsingIsStrict()
    {
        QFETCH(QByteArray, ticket);
        QFETCH(QString, error);
        TicketInfo t;
        QString err;
        const bool ok = parseTicket(QJsonDocument::fromJson(ticket).object(), &t, &err, QStringLiteral("t"));
        QVERIFY2(ok == error.isEmpty(), qPrintable(err));
        QCOMPARE(err, error);
    }

    void summaryPathsNameTheItem()
    {
        HallSummary s;
        QString err;
        QVERIFY(!parseSummary(json(R"({"hall":"swzx","businesses":[],"windows":[{"number":"1","state":"idle","waiting":0},{"number":"2","state":"sleeping","waiting":0}]})"), &s, &err));
        QCOMPARE(err, QStringLiteral("data.windows[1].state: unknown value \"sleeping\""));
        QVERIFY2(parseSummary(json(R"({"hall":"swzx","businesses":[],"windows":[],"full":false})"), &s, &err), qPrintable(err));
        QVERIFY(!s.full);
    }

    void eventsAreTyped()
    {
        HallEvent e;
        QString err;
        QVERIFY2(parseEvent(json(R"({"type":"ticket.called","seq":7,"at":"2026-11-23T09:00:00.000","data":{"id":3,"number":"A003","business":"HJ","status":"called","window":"2","windowName":"2号窗口","kind":"recall","countdownUntil":"2026-11-23T09:01:00.000"}})"), &e, &err), qPrintable(err));
        QCOMPARE(e.type, HallEvent::Type::TicketCalled);
        QCOMPARE(e.seq, 7);
        QVERIFY(e.ticket);
        QCOMPARE(e.ticket->number, QStringLiteral("A003"));
        QCOMPARE(e.callWindow, QStringLiteral("2"));
        QCOMPARE(e.callKind, QStringLiteral("recall"));
        QVERIFY(e.countdownUntil.isValid());
        QVERIFY(!parseEvent(json(R"({"type":"ticket.called","seq":7,"data":{"id":3,"number":"A003","business":"HJ","status":"called"}})"), &e, &err));
        QCOMPARE(err, QStringLiteral("data.window: missing"));
        HallEvent future;
        QVERIFY2(parseEvent(json(R"({"type":"ticket.teleported","seq":8,"data":{"x":1}})"), &future, &err), "an unknown event type is passed on, not an error");
        QCOMPARE(future.type, HallEvent::Type::Other);
        QCOMPARE(future.data.value(QStringLiteral("x")).toInt(), 1);
    }

    void pins()
    {
        QByteArray pin;
        QString err;
        const QByteArray raw = QByteArray(32, '\x5a');
        QVERIFY2(Tls::parsePin(QStringLiteral("sha256//") + QString::fromLatin1(raw.toBase64()), &pin, &err), qPrintable(err));
        QCOMPARE(pin, raw);
        QVERIFY2(Tls::parsePin(QString::fromLatin1(raw.toHex()), &pin, &err), qPrintable(err));
        QCOMPARE(pin, raw);
        QVERIFY(!Tls::parsePin(QStringLiteral("sha256//abc"), &pin, &err));
        QVERIFY2(err.contains(QStringLiteral("sha256//abc")), qPrintable(err));
        QSslConfiguration ssl;
        QVERIFY(!Tls::configuration(TlsOptions{QStringLiteral("/nonexistent/ca.pem"), {}}, &ssl, &err));
        QVERIFY2(err.contains(QStringLiteral("/nonexistent/ca.pem")), qPrintable(err));
    }

    void statusLine()
    {
        const QDateTime now(QDate(2026, 11, 23), QTime(10, 0, 0));
        ConnectionStatus s;
        s.state = ConnectionStatus::State::Reconnecting;
        s.attempt = 3;
        s.nextAttemptAt = now.addMSecs(3500);
        QCOMPARE(s.describe(now), QStringLiteral("Reconnecting (attempt 3, next try in 4 s)"));
        s.state = ConnectionStatus::State::Offline;
        s.since = QDateTime(QDate(2026, 11, 23), QTime(9, 58, 7));
        QCOMPARE(s.describe(now), QStringLiteral("Offline since 09:58:07"));
        s.state = ConnectionStatus::State::Online;
        QCOMPARE(s.describe(now), QStringLiteral("Online"));
    }
};

QTEST_GUILESS_MAIN(TestNetParts)
#include "tst_net_parts.moc"
