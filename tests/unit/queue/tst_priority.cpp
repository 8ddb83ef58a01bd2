// Q5 priority levels and the green channel; Q6 call next per window across its businesses:
// priority, then appointment time, then the window's policy (arrival, order, weight).

#include "hallfixture.h"

using namespace hallfixture;
using hall::core::CallPolicy;

class tst_Priority : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void order_data();
    void order();
    void policies_data();
    void policies();
    void recallsDoNotCountTowardsWeights();
    void windowOnlyCallsItsBusinesses();
};

namespace {

// "A" / "B": a walk-in for HZ / CRJ; ":e" elderly (level 2), ":s" soldier (1), ":g" green channel.
QString issueSpec(Hall &h, const QString &spec)
{
    const QStringList parts = spec.split(u':');
    const QString business = parts.at(0) == QLatin1String("A") ? QStringLiteral("HZ") : QStringLiteral("CRJ");
    QString priority;
    bool green = false;
    for (const QChar flag : parts.value(1)) {
        if (flag == u'e')
            priority = elderly();
        else if (flag == u's')
            priority = soldier();
        else if (flag == u'g')
            green = true;
    }
    const auto t = h.touch(business, priority, green);
    return t.ok() ? t->number : describe(t);
}

} // namespace

void tst_Priority::order_data()
{
    QTest::addColumn<QStringList>("issue");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("equals by arrival") << QStringList{u"A"_s, u"A"_s, u"A"_s} << QStringList{u"A001"_s, u"A002"_s, u"A003"_s};
    QTest::newRow("higher level first")
        << QStringList{u"A"_s, u"A:s"_s, u"A:e"_s, u"A"_s} << QStringList{u"A003"_s, u"A002"_s, u"A001"_s, u"A004"_s};
    QTest::newRow("same level by arrival")
        << QStringList{u"A:e"_s, u"A"_s, u"A:e"_s} << QStringList{u"A001"_s, u"A003"_s, u"A002"_s};
    QTest::newRow("green channel pinned first")
        << QStringList{u"A:e"_s, u"A"_s, u"A:g"_s} << QStringList{u"A003"_s, u"A001"_s, u"A002"_s};
    QTest::newRow("green channel tickets by level")
        << QStringList{u"A:g"_s, u"A:ge"_s, u"A:e"_s} << QStringList{u"A002"_s, u"A001"_s, u"A003"_s};
}

void tst_Priority::order()
{
    QFETCH(QStringList, issue);
    QFETCH(QStringList, expected);

    Hall h;
    QVERIFY(h.loginAll());
    QHash<QString, qint64> ids;
    for (const QString &spec : issue) {
        const QString number = issueSpec(h, spec);
        QVERIFY2(number.startsWith(u'A'), qPrintable(number));
        ids.insert(number, h->tickets().last().id);
    }
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ"), elderly())); // another business: ahead of nobody here

    // Q14 people ahead agrees with the call order.
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const Ticket *t = h->ticket(ids.value(expected.at(i)));
        QVERIFY(t);
        QCOMPARE(h->peopleAhead(*t), int(i));
    }
    QStringList called;
    for (qsizetype i = 0; i < expected.size(); ++i)
        called << h.next(QStringLiteral("1"));
    QCOMPARE(called, expected);
}

void tst_Priority::policies_data()
{
    QTest::addColumn<CallPolicy>("policy");
    QTest::addColumn<QList<int>>("orders");  // HZ, CRJ
    QTest::addColumn<QList<int>>("weights"); // HZ, CRJ
    QTest::addColumn<QStringList>("issue");
    QTest::addColumn<QStringList>("expected");

    const QList<int> ones{1, 1};
    QTest::newRow("arrival") << CallPolicy::Arrival << QList<int>{1, 2} << ones
                             << QStringList{u"B"_s, u"A"_s, u"A"_s, u"B"_s}
                             << QStringList{u"B001"_s, u"A001"_s, u"A002"_s, u"B002"_s};
    QTest::newRow("arrival ignores weights") << CallPolicy::Arrival << ones << QList<int>{1, 1}
                                             << QStringList{u"A"_s, u"A"_s, u"A"_s, u"B"_s, u"B"_s, u"B"_s}
                                             << QStringList{u"A001"_s, u"A002"_s, u"A003"_s, u"B001"_s, u"B002"_s, u"B003"_s};
    QTest::newRow("order: HZ first") << CallPolicy::Order << QList<int>{1, 2} << ones
                                     << QStringList{u"B"_s, u"B"_s, u"A"_s, u"A"_s}
                                     << QStringList{u"A001"_s, u"A002"_s, u"B001"_s, u"B002"_s};
    QTest::newRow("order: CRJ first") << CallPolicy::Order << QList<int>{5, 2} << ones
                                      << QStringList{u"A"_s, u"A"_s, u"B"_s, u"B"_s}
                                      << QStringList{u"B001"_s, u"B002"_s, u"A001"_s, u"A002"_s};
    QTest::newRow("weight 1:1 alternates") << CallPolicy::Weight << ones << QList<int>{1, 1}
                                           << QStringList{u"A"_s, u"A"_s, u"A"_s, u"B"_s, u"B"_s, u"B"_s}
                                           << QStringList{u"A001"_s, u"B001"_s, u"A002"_s, u"B002"_s, u"A003"_s, u"B003"_s};
    QTest::newRow("weight 2:1") << CallPolicy::Weight << ones << QList<int>{2, 1}
                                << QStringList{u"A"_s, u"A"_s, u"A"_s, u"A"_s, u"A"_s, u"A"_s, u"B"_s, u"B"_s, u"B"_s}
                                << QStringList{u"A001"_s, u"B001"_s, u"A002"_s, u"A003"_s, u"B002"_s,
                                               u"A004"_s, u"A005"_s, u"B003"_s, u"A006"_s};
    QTest::newRow("weight 1:3") << CallPolicy::Weight << ones << QList<int>{1, 3}
                                << QStringList{u"A"_s, u"A"_s, u"A"_s, u"A"_s, u"B"_s, u"B"_s, u"B"_s, u"B"_s}
                                << QStringList{u"A001"_s, u"B001"_s, u"B002"_s, u"B003"_s, u"A002"_s,
                                               u"B004"_s, u"A003"_s, u"A004"_s};
    QTest::newRow("priority before order") << CallPolicy::Order << QList<int>{1, 2} << ones
                                           << QStringList{u"A"_s, u"B:e"_s, u"A"_s}
                                           << QStringList{u"B001"_s, u"A001"_s, u"A002"_s};
    QTest::newRow("green before weight") << CallPolicy::Weight << ones << QList<int>{5, 1}
                                         << QStringList{u"A"_s, u"B"_s, u"B:g"_s, u"A:e"_s}
                                         << QStringList{u"B002"_s, u"A002"_s, u"A001"_s, u"B001"_s};
}

void tst_Priority::policies()
{
    QFETCH(CallPolicy, policy);
    QFETCH(QList<int>, orders);
    QFETCH(QList<int>, weights);
    QFETCH(QStringList, issue);
    QFETCH(QStringList, expected);

    HallConfig cfg = standardConfig();
    Window *w3 = windowIn(cfg, QStringLiteral("3"));
    w3->policy = policy;
    for (int i = 0; i < 2; ++i) {
        w3->bindings[i].order = orders[i];
        w3->bindings[i].weight = weights[i];
    }
    Hall h(cfg);
    QVERIFY(h.login(QStringLiteral("3")));
    for (const QString &spec : issue) {
        const QString number = issueSpec(h, spec);
        QVERIFY2(number.size() == 4, qPrintable(number));
    }
    QStringList called;
    for (qsizetype i = 0; i < expected.size(); ++i)
        called << h.next(QStringLiteral("3"));
    QCOMPARE(called, expected);
    QCOMPARE(h.next(QStringLiteral("3")), QString()); // finishes the last one
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("!queue_empty"));
}

void tst_Priority::recallsDoNotCountTowardsWeights()
{
    HallConfig cfg = standardConfig();
    Window *w3 = windowIn(cfg, QStringLiteral("3"));
    w3->policy = CallPolicy::Weight;
    w3->bindings[0].weight = 2; // HZ
    w3->bindings[1].weight = 1; // CRJ
    cfg.rules.recallLimit = 5;
    Hall h(cfg);
    QVERIFY(h.login(QStringLiteral("3")));
    for (const QString &spec : {u"B"_s, u"A"_s, u"A"_s, u"A"_s, u"B"_s})
        issueSpec(h, spec);
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B001"));
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A001"));
    for (int i = 0; i < 2; ++i) {
        const auto r = h->recall(QStringLiteral("3"), 1);
        HALL_VERIFY_OK(r);
        QCOMPARE(r->ticket.number, QStringLiteral("A001"));
    }
    // HZ has had 1 call of its 2 shares, CRJ 1 of 1: HZ again (with the recalls counted, HZ
    // would be at 3 of 2 and CRJ would come first).
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A002"));
    // Now both are at their share: arrival decides.
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A003"));
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B002"));
}

void tst_Priority::windowOnlyCallsItsBusinesses()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ"), elderly()));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("JJ"), QString(), true));
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 1);
    QCOMPARE(h->windowStatus(QStringLiteral("2")).waiting, 1);
    QCOMPARE(h->windowStatus(QStringLiteral("3")).waiting, 2);
    QCOMPARE(h->windowStatus(QStringLiteral("4")).waiting, 1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    QCOMPARE(h.next(QStringLiteral("1")), QString());
    QCOMPARE(h.next(QStringLiteral("4")), QStringLiteral("C001"));
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B001"));
}

QTEST_GUILESS_MAIN(tst_Priority)
#include "tst_priority.moc"
