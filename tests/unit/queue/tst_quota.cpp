// Q3 quotas: morning/afternoon/daily per business and per window group, business hours
// (Closed), the pause flag, "当前业务取号数量已满", remaining counts in businessStatus.

#include "hallfixture.h"

using namespace hallfixture;

class tst_Quota : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void businessQuota_data();
    void businessQuota();
    void quotaFullMessage();
    void groupQuota_data();
    void groupQuota();
    void remaining_data();
    void remaining();
    void hours_data();
    void hours();
    void pausedBusiness();
    void staffAndAppointmentTicketsAreNotCounted();
    void lateCheckInIsAWalkInAndCounts();
};

namespace {

const QString QuotaFullText = QStringLiteral("当前业务取号数量已满");

hall::core::Quota quota(int morning, int afternoon, int daily)
{
    hall::core::Quota q;
    q.morning = morning;
    q.afternoon = afternoon;
    q.daily = daily;
    return q;
}

// Runs a plan of issues: "HH:MM BIZ+" must succeed, "HH:MM BIZ-" must fail with QuotaFull.
// Returns an empty string or what went wrong.
QString runPlan(Hall &h, const QStringList &plan)
{
    for (const QString &step : plan) {
        const QStringList parts = step.split(u' ');
        const QTime time = QTime::fromString(parts.at(0), QStringLiteral("HH:mm"));
        const QString business = parts.at(1).chopped(1);
        const bool expectOk = parts.at(1).endsWith(u'+');
        h.clock.set(QDateTime(day0(), time));
        const auto r = h.touch(business);
        if (r.ok() != expectOk)
            return step + QStringLiteral(" → ") + describe(r);
        if (!expectOk && (r.error().code != ErrorCode::QuotaFull || r.error().message != QuotaFullText))
            return step + QStringLiteral(" → ") + describe(r);
    }
    return {};
}

} // namespace

void tst_Quota::businessQuota_data()
{
    QTest::addColumn<int>("morning");
    QTest::addColumn<int>("afternoon");
    QTest::addColumn<int>("daily");
    QTest::addColumn<QStringList>("plan");

    QTest::newRow("unlimited")
        << -1 << -1 << -1 << QStringList{u"09:00 HZ+"_s, u"09:01 HZ+"_s, u"09:02 HZ+"_s, u"14:00 HZ+"_s};
    QTest::newRow("morning 2; afternoon unlimited")
        << 2 << -1 << -1
        << QStringList{u"09:00 HZ+"_s, u"09:01 HZ+"_s, u"09:02 HZ-"_s, u"11:59 HZ-"_s, u"13:30 HZ+"_s, u"14:00 HZ+"_s, u"15:00 HZ+"_s};
    QTest::newRow("afternoon 1; morning unlimited")
        << -1 << 1 << -1 << QStringList{u"09:00 HZ+"_s, u"09:01 HZ+"_s, u"09:02 HZ+"_s, u"14:00 HZ+"_s, u"14:01 HZ-"_s};
    QTest::newRow("morning 2, afternoon 2")
        << 2 << 2 << -1
        << QStringList{u"09:00 HZ+"_s, u"09:01 HZ+"_s, u"09:02 HZ-"_s, u"14:00 HZ+"_s, u"14:01 HZ+"_s, u"14:02 HZ-"_s};
    QTest::newRow("daily 3 spans both halves")
        << -1 << -1 << 3 << QStringList{u"09:00 HZ+"_s, u"09:01 HZ+"_s, u"14:00 HZ+"_s, u"14:01 HZ-"_s};
    QTest::newRow("daily below the halves")
        << 5 << 5 << 4
        << QStringList{u"09:00 HZ+"_s, u"09:01 HZ+"_s, u"09:02 HZ+"_s, u"09:03 HZ+"_s, u"09:04 HZ-"_s, u"14:00 HZ-"_s};
    QTest::newRow("no afternoon tickets") << -1 << 0 << -1 << QStringList{u"09:00 HZ+"_s, u"14:00 HZ-"_s};
    QTest::newRow("other business unaffected")
        << 1 << 1 << 1 << QStringList{u"09:00 HZ+"_s, u"09:01 HZ-"_s, u"09:02 CRJ+"_s, u"09:03 CRJ+"_s};
}

void tst_Quota::businessQuota()
{
    QFETCH(int, morning);
    QFETCH(int, afternoon);
    QFETCH(int, daily);
    QFETCH(QStringList, plan);

    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->quota = quota(morning, afternoon, daily);
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const QString failure = runPlan(h, plan);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void tst_Quota::quotaFullMessage()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->quota = quota(1, -1, -1);
    Hall h(cfg);
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.byIdCard(QStringLiteral("HZ"), Id2));
    h->takeChanges();

    // Every source refuses the same way, and nothing changes.
    const auto touch = h.touch(QStringLiteral("HZ"));
    const auto card = h.byIdCard(QStringLiteral("HZ"), Id3);
    const auto phone = h.byPhone(QStringLiteral("HZ"), Phone1);
    for (const auto *r : {&touch, &card, &phone}) {
        HALL_VERIFY_ERROR(*r, ErrorCode::QuotaFull);
        QCOMPARE(r->error().message, QuotaFullText);
    }
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->tickets().size(), 1);

    const BusinessStatus s = h.businessStatus(QStringLiteral("HZ"));
    QCOMPARE(s.remaining, 0);
    QCOMPARE(s.available, false);
    QCOMPARE(s.blockedBy, ErrorCode::QuotaFull);
    QCOMPARE(s.blockedReason, QuotaFullText);
    QCOMPARE(s.issuedToday, 1);
}

void tst_Quota::groupQuota_data()
{
    QTest::addColumn<int>("groupMorning");
    QTest::addColumn<int>("groupAfternoon");
    QTest::addColumn<int>("groupDaily");
    QTest::addColumn<int>("jjMorning");
    QTest::addColumn<QStringList>("plan");

    // JJ and SB belong to group G1; HZ does not.
    QTest::newRow("group morning 3 shared by JJ and SB")
        << 3 << -1 << -1 << -1
        << QStringList{u"09:00 JJ+"_s, u"09:01 SB+"_s, u"09:02 JJ+"_s, u"09:03 SB-"_s, u"09:04 JJ-"_s,
                       u"09:05 HZ+"_s, u"14:00 SB+"_s};
    QTest::newRow("group afternoon 1")
        << -1 << 1 << -1 << -1 << QStringList{u"09:00 JJ+"_s, u"09:01 SB+"_s, u"14:00 SB+"_s, u"14:01 JJ-"_s};
    QTest::newRow("group daily 2 across halves")
        << -1 << -1 << 2 << -1 << QStringList{u"09:00 JJ+"_s, u"14:00 SB+"_s, u"14:01 JJ-"_s, u"14:02 SB-"_s};
    QTest::newRow("business quota below the group's")
        << 5 << -1 << -1 << 1 << QStringList{u"09:00 JJ+"_s, u"09:01 JJ-"_s, u"09:02 SB+"_s, u"09:03 SB+"_s};
    QTest::newRow("group quota below the business's")
        << 2 << -1 << -1 << 5 << QStringList{u"09:00 SB+"_s, u"09:01 JJ+"_s, u"09:02 JJ-"_s};
}

void tst_Quota::groupQuota()
{
    QFETCH(int, groupMorning);
    QFETCH(int, groupAfternoon);
    QFETCH(int, groupDaily);
    QFETCH(int, jjMorning);
    QFETCH(QStringList, plan);

    HallConfig cfg = standardConfig();
    cfg.groups.first().quota = quota(groupMorning, groupAfternoon, groupDaily);
    businessIn(cfg, QStringLiteral("JJ"))->quota = quota(jjMorning, -1, -1);
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const QString failure = runPlan(h, plan);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void tst_Quota::remaining_data()
{
    QTest::addColumn<QList<int>>("business"); // JJ morning, afternoon, daily
    QTest::addColumn<QList<int>>("group");    // G1 morning, afternoon, daily
    QTest::addColumn<QStringList>("plan");
    QTest::addColumn<QTime>("when");
    QTest::addColumn<int>("remaining");
    QTest::addColumn<ErrorCode>("blockedBy"); // QueueEmpty = available

    const QList<int> none{-1, -1, -1};
    const ErrorCode available = ErrorCode::QueueEmpty;
    QTest::newRow("unlimited") << none << none << QStringList{u"09:00 JJ+"_s} << QTime(9, 30) << -1 << available;
    QTest::newRow("daily 5, 2 used") << QList<int>{-1, -1, 5} << none << QStringList{u"09:00 JJ+"_s, u"09:01 JJ+"_s}
                                     << QTime(9, 30) << 3 << available;
    QTest::newRow("morning 2 used up") << QList<int>{2, 3, -1} << none << QStringList{u"09:00 JJ+"_s, u"09:01 JJ+"_s}
                                       << QTime(9, 30) << 0 << ErrorCode::QuotaFull;
    QTest::newRow("afternoon quota after a full morning")
        << QList<int>{2, 3, -1} << none << QStringList{u"09:00 JJ+"_s, u"09:01 JJ+"_s} << QTime(14, 0) << 3 << available;
    QTest::newRow("daily caps the afternoon")
        << QList<int>{2, -1, 3} << none << QStringList{u"09:00 JJ+"_s, u"09:01 JJ+"_s} << QTime(14, 0) << 1 << available;
    QTest::newRow("group counts the other business")
        << QList<int>{5, -1, -1} << QList<int>{3, -1, -1} << QStringList{u"09:00 SB+"_s, u"09:01 SB+"_s}
        << QTime(9, 30) << 1 << available;
    QTest::newRow("group used up by the other business")
        << none << QList<int>{-1, -1, 2} << QStringList{u"09:00 SB+"_s, u"14:00 SB+"_s} << QTime(14, 30) << 0
        << ErrorCode::QuotaFull;
    QTest::newRow("lunch break") << QList<int>{-1, -1, 5} << none << QStringList{} << QTime(12, 30) << 0 << ErrorCode::Closed;
    QTest::newRow("after hours") << none << none << QStringList{} << QTime(18, 0) << 0 << ErrorCode::Closed;
}

void tst_Quota::remaining()
{
    QFETCH(QList<int>, business);
    QFETCH(QList<int>, group);
    QFETCH(QStringList, plan);
    QFETCH(QTime, when);
    QFETCH(int, remaining);
    QFETCH(ErrorCode, blockedBy);

    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("JJ"))->quota = quota(business[0], business[1], business[2]);
    cfg.groups.first().quota = quota(group[0], group[1], group[2]);
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const QString failure = runPlan(h, plan);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    h.clock.set(QDateTime(day0(), when));
    const BusinessStatus s = h.businessStatus(QStringLiteral("JJ"));
    QVERIFY(s.business);
    QCOMPARE(s.remaining, remaining);
    const bool available = blockedBy == ErrorCode::QueueEmpty;
    QCOMPARE(s.available, available);
    if (!available) {
        QCOMPARE(s.blockedBy, blockedBy);
        QVERIFY(!s.blockedReason.isEmpty());
    }
    // What the kiosk is told matches what issuing does.
    const auto r = h.touch(QStringLiteral("JJ"));
    if (available)
        HALL_VERIFY_OK(r);
    else
        HALL_VERIFY_ERROR(r, blockedBy);
}

void tst_Quota::hours_data()
{
    QTest::addColumn<QTime>("when");
    QTest::addColumn<bool>("morningOnly");
    QTest::addColumn<bool>("open");

    // Hours 08:30–12:00 and 13:30–17:30; an end time is exclusive.
    QTest::newRow("08:29 before opening") << QTime(8, 29) << false << false;
    QTest::newRow("08:30 opening") << QTime(8, 30) << false << true;
    QTest::newRow("11:59") << QTime(11, 59) << false << true;
    QTest::newRow("12:00 lunch") << QTime(12, 0) << false << false;
    QTest::newRow("13:29 lunch") << QTime(13, 29) << false << false;
    QTest::newRow("13:30 afternoon") << QTime(13, 30) << false << true;
    QTest::newRow("17:29") << QTime(17, 29) << false << true;
    QTest::newRow("17:30 closed") << QTime(17, 30) << false << false;
    QTest::newRow("morning-only business, 10:00") << QTime(10, 0) << true << true;
    QTest::newRow("morning-only business, 14:00") << QTime(14, 0) << true << false;
}

void tst_Quota::hours()
{
    QFETCH(QTime, when);
    QFETCH(bool, morningOnly);
    QFETCH(bool, open);

    HallConfig cfg = standardConfig();
    if (morningOnly) {
        Business *hz = businessIn(cfg, QStringLiteral("HZ"));
        hz->hours.afternoonStart = QTime();
        hz->hours.afternoonEnd = QTime();
    }
    Hall h(cfg, QDateTime(day0(), when));
    QVERIFY(h.loginAll());
    const auto r = h.touch(QStringLiteral("HZ"));
    const BusinessStatus s = h.businessStatus(QStringLiteral("HZ"));
    if (open) {
        HALL_VERIFY_OK(r);
        QVERIFY(s.available);
    } else {
        HALL_VERIFY_ERROR(r, ErrorCode::Closed);
        QVERIFY(!s.available);
        QCOMPARE(s.blockedBy, ErrorCode::Closed);
        QVERIFY(h->tickets().isEmpty());
    }
}

void tst_Quota::pausedBusiness()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->paused = true;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::BusinessPaused);
    HALL_VERIFY_ERROR(h.byIdCard(QStringLiteral("HZ"), Id2), ErrorCode::BusinessPaused);
    BusinessStatus s = h.businessStatus(QStringLiteral("HZ"));
    QVERIFY(!s.available);
    QCOMPARE(s.blockedBy, ErrorCode::BusinessPaused);
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));

    // Lifting the flag through setConfig keeps the queue.
    businessIn(cfg, QStringLiteral("HZ"))->paused = false;
    h->setConfig(cfg);
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A001"));
    QCOMPARE(h->tickets().size(), 2);
    QVERIFY(h.businessStatus(QStringLiteral("HZ")).available);
}

// Appointments were budgeted when booked; virtual, special and sub tickets are made by staff.
void tst_Quota::staffAndAppointmentTicketsAreNotCounted()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->quota = quota(-1, -1, 1);
    Hall h(cfg, at(9, 0));
    QVERIFY(h.loginAll());

    HALL_VERIFY_OK(h->issueVirtual(QStringLiteral("1"), QStringLiteral("HZ"), 1));
    HALL_VERIFY_OK(h->book(QStringLiteral("YY1"), QStringLiteral("HZ"), Id1, {}, at(9, 30), at(10, 0), 1));
    HALL_VERIFY_OK(h->checkIn(QStringLiteral("YY1"), 900));
    const auto pw = h->createReleasePasswords(QStringLiteral("HZ"), 1, 1);
    HALL_VERIFY_OK(pw);
    HALL_VERIFY_OK(h->issueSpecial(pw->first(), 900));
    const auto crj = h.touch(QStringLiteral("CRJ"));
    HALL_VERIFY_OK(crj);
    HALL_VERIFY_OK(h->issueSub(crj->id, QStringLiteral("HZ"), 900));

    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 1);
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 0);
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::QuotaFull);

    // An appointment on time is still honoured when the walk-in quota is used up.
    HALL_VERIFY_OK(h->book(QStringLiteral("YY2"), QStringLiteral("HZ"), Id2, {}, at(9, 30), at(10, 0), 1));
    const auto late = h->checkIn(QStringLiteral("YY2"), 900);
    HALL_VERIFY_OK(late);
    QCOMPARE(late->source, TicketSource::Appointment);
}

void tst_Quota::lateCheckInIsAWalkInAndCounts()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->quota = quota(-1, -1, 2);
    Hall h(cfg, at(8, 30));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->book(QStringLiteral("YY1"), QStringLiteral("HZ"), Id1, {}, at(9, 0), at(9, 30), 1));
    HALL_VERIFY_OK(h->book(QStringLiteral("YY2"), QStringLiteral("HZ"), Id2, {}, at(9, 0), at(9, 30), 1));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));

    h.clock.set(at(10, 0)); // after the slot and its 15 minutes of grace
    const auto late = h->checkIn(QStringLiteral("YY1"), 900);
    HALL_VERIFY_OK(late);
    QCOMPARE(late->source, TicketSource::Touch);
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 0);
    const auto refused = h->checkIn(QStringLiteral("YY2"), 900);
    HALL_VERIFY_ERROR(refused, ErrorCode::QuotaFull);
    QCOMPARE(refused.error().message, QuotaFullText);
}

QTEST_GUILESS_MAIN(tst_Quota)
#include "tst_quota.moc"
