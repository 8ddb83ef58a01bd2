// Q4 appointment check-in: early / too early / late (→ on-site walk-in ticket); appointment
// tickets are callable from the slot start and are called ahead of walk-ins.

#include "hallfixture.h"

using namespace hallfixture;

class tst_Appointments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkIn_data();
    void checkIn();
    void checkInOnAnotherDay();
    void checkInTwice();
    void checkInUnknownCode();
    void book_data();
    void book();
    void checkInByIdNumber();
    void callableFromSlotStart();
    void callOrder_data();
    void callOrder();
};

namespace {

HallConfig appointmentConfig()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->appointmentPrefix = QStringLiteral("Y");
    return cfg;
}

} // namespace

void tst_Appointments::checkIn_data()
{
    QTest::addColumn<int>("early");
    QTest::addColumn<int>("grace");
    QTest::addColumn<QTime>("when");
    QTest::addColumn<QString>("expected"); // "too early", or the ticket number

    // Slot 10:00–10:30; A001 is a walk-in issued before.
    QTest::newRow("08:59, 61 min early") << 60 << 15 << QTime(8, 59) << "too early";
    QTest::newRow("09:00, 60 min early") << 60 << 15 << QTime(9, 0) << "Y001";
    QTest::newRow("10:10 in the slot") << 60 << 15 << QTime(10, 10) << "Y001";
    QTest::newRow("10:45 end of grace") << 60 << 15 << QTime(10, 45) << "Y001";
    QTest::newRow("10:46 late → walk-in") << 60 << 15 << QTime(10, 46) << "A002";
    QTest::newRow("09:29 with 30 min early") << 30 << 15 << QTime(9, 29) << "too early";
    QTest::newRow("09:30 with 30 min early") << 30 << 15 << QTime(9, 30) << "Y001";
    QTest::newRow("10:31 with no grace → walk-in") << 60 << 0 << QTime(10, 31) << "A002";
    QTest::newRow("10:30 with no grace") << 60 << 0 << QTime(10, 30) << "Y001";
}

void tst_Appointments::checkIn()
{
    QFETCH(int, early);
    QFETCH(int, grace);
    QFETCH(QTime, when);
    QFETCH(QString, expected);

    HallConfig cfg = appointmentConfig();
    cfg.rules.appointmentEarlyMinutes = early;
    cfg.rules.appointmentGraceMinutes = grace;
    Hall h(cfg, at(8, 30));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    const auto a = h->book(QStringLiteral("YY-1"), QStringLiteral("HZ"), Id2, {}, at(10, 0), at(10, 30), 1);
    HALL_VERIFY_OK(a);
    QCOMPARE(a->identityHash, sha256(Id2));
    h->takeChanges();

    h.clock.set(QDateTime(day0(), when));
    const auto t = h->checkIn(QStringLiteral("YY-1"), 900);
    if (expected == QLatin1String("too early")) {
        HALL_VERIFY_ERROR(t, ErrorCode::TooEarly);
        const QString opens = at(10, 0).addSecs(-60 * early).time().toString(QStringLiteral("HH:mm"));
        QVERIFY2(t.error().message.contains(opens), qPrintable(t.error().message));
        QVERIFY(h->takeChanges().isEmpty());
        QCOMPARE(h->tickets().size(), 1);
        return;
    }
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, expected);
    QCOMPARE(t->identityHash, sha256(Id2));
    QCOMPARE(t->appointmentCode, QStringLiteral("YY-1"));
    QCOMPARE(t->status, TicketStatus::Waiting);
    if (expected.startsWith(u'Y')) {
        QCOMPARE(t->source, TicketSource::Appointment);
        QCOMPARE(t->appointmentAt, at(10, 0));
    } else {
        QCOMPARE(t->source, TicketSource::Touch);
        QVERIFY(!t->appointmentAt.isValid());
    }
    const auto changes = h->takeChanges();
    QVERIFY(changes.tickets.contains(t->id));
    QVERIFY(changes.appointments.contains(QStringLiteral("YY-1")));
    QCOMPARE(changes.appointments.value(QStringLiteral("YY-1")).ticketId, t->id);
}

void tst_Appointments::checkInOnAnotherDay()
{
    Hall h(appointmentConfig(), at(9, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->book(QStringLiteral("YY-1"), QStringLiteral("HZ"), Id2, {}, at(9, 30, 1), at(10, 0, 1), 1));
    HALL_VERIFY_ERROR(h->checkIn(QStringLiteral("YY-1"), 900), ErrorCode::TooEarly);
    QVERIFY(h->tickets().isEmpty());

    h.clock.set(at(9, 0, 1));
    QVERIFY(h.loginAll());
    const auto t = h->checkIn(QStringLiteral("YY-1"), 900);
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("Y001"));
    QCOMPARE(t->day, day0().addDays(1));
}

void tst_Appointments::checkInTwice()
{
    Hall h(appointmentConfig(), at(9, 50));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->book(QStringLiteral("YY-1"), QStringLiteral("HZ"), Id2, {}, at(10, 0), at(10, 30), 1));
    const auto first = h->checkIn(QStringLiteral("YY-1"), 900);
    HALL_VERIFY_OK(first);
    h->takeChanges();
    const auto second = h->checkIn(QStringLiteral("YY-1"), 900);
    HALL_VERIFY_ERROR(second, ErrorCode::Duplicate);
    QCOMPARE(second.error().ticketId, first->id);
    QVERIFY2(second.error().message.contains(first->number), qPrintable(second.error().message));
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->tickets().size(), 1);
}

void tst_Appointments::checkInUnknownCode()
{
    Hall h(appointmentConfig(), at(9, 50));
    QVERIFY(h.loginAll());
    HALL_VERIFY_ERROR(h->checkIn(QStringLiteral("nope"), 900), ErrorCode::NotFound);
}

void tst_Appointments::book_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("business");
    QTest::addColumn<QString>("idNumber");
    QTest::addColumn<QString>("phone");
    QTest::addColumn<QDateTime>("start");
    QTest::addColumn<QDateTime>("end");
    QTest::addColumn<ErrorCode>("error"); // QueueEmpty = accepted

    const ErrorCode ok = ErrorCode::QueueEmpty;
    const QDateTime s = at(10, 0), e = at(10, 30);
    QTest::newRow("by ID") << "YY-2" << "HZ" << Id2 << "" << s << e << ok;
    QTest::newRow("by phone") << "YY-2" << "HZ" << "" << Phone1 << s << e << ok;
    QTest::newRow("anonymous") << "YY-2" << "HZ" << "" << "" << s << e << ok;
    QTest::newRow("another day") << "YY-2" << "HZ" << Id2 << "" << at(10, 0, 7) << at(10, 30, 7) << ok;
    QTest::newRow("slot running now") << "YY-2" << "HZ" << Id2 << "" << at(8, 30) << at(9, 30) << ok;
    QTest::newRow("empty code") << "" << "HZ" << Id2 << "" << s << e << ErrorCode::InvalidInput;
    QTest::newRow("33-character code") << QString(33, u'Z') << "HZ" << Id2 << "" << s << e << ErrorCode::InvalidInput;
    QTest::newRow("code already booked") << "YY-1" << "HZ" << Id3 << "" << s << e << ErrorCode::Duplicate;
    QTest::newRow("unknown business") << "YY-2" << "XX" << Id2 << "" << s << e << ErrorCode::NotFound;
    QTest::newRow("end before start") << "YY-2" << "HZ" << Id2 << "" << e << s << ErrorCode::InvalidInput;
    QTest::newRow("empty slot") << "YY-2" << "HZ" << Id2 << "" << s << s << ErrorCode::InvalidInput;
    QTest::newRow("slot already over") << "YY-2" << "HZ" << Id2 << "" << at(8, 0) << at(8, 30) << ErrorCode::InvalidInput;
    QTest::newRow("invalid ID") << "YY-2" << "HZ" << "110105194912310021" << "" << s << e << ErrorCode::InvalidInput;
    QTest::newRow("invalid phone") << "YY-2" << "HZ" << "" << "1234" << s << e << ErrorCode::InvalidInput;
}

void tst_Appointments::book()
{
    QFETCH(QString, code);
    QFETCH(QString, business);
    QFETCH(QString, idNumber);
    QFETCH(QString, phone);
    QFETCH(QDateTime, start);
    QFETCH(QDateTime, end);
    QFETCH(ErrorCode, error);

    Hall h(appointmentConfig(), at(9, 0));
    HALL_VERIFY_OK(h->book(QStringLiteral("YY-1"), QStringLiteral("HZ"), Id4, {}, at(11, 0), at(11, 30), 1));
    h->takeChanges();
    const auto a = h->book(code, business, idNumber, phone, start, end, 7);
    if (error != ErrorCode::QueueEmpty) {
        HALL_VERIFY_ERROR(a, error);
        QVERIFY(h->takeChanges().isEmpty());
        return;
    }
    HALL_VERIFY_OK(a);
    QCOMPARE(a->code, code);
    QCOMPARE(a->businessId, BizHZ);
    QCOMPARE(a->slotStart, start);
    QCOMPARE(a->slotEnd, end);
    QCOMPARE(a->ticketId, 0);
    QCOMPARE(a->identityHash, idNumber.isEmpty() ? (phone.isEmpty() ? QByteArray() : sha256(phone)) : sha256(idNumber));
    const auto changes = h->takeChanges();
    QVERIFY(changes.appointments.contains(code));
    QCOMPARE(changes.audit.size(), 1);
    QCOMPARE(changes.audit.first().action, QStringLiteral("book"));
}

void tst_Appointments::checkInByIdNumber()
{
    Hall h(appointmentConfig(), at(9, 0));
    QVERIFY(h.loginAll());
    // Booked out of order; tomorrow's must not be picked today.
    HALL_VERIFY_OK(h->book(QStringLiteral("PM"), QStringLiteral("CRJ"), Id1, {}, at(14, 0), at(14, 30), 1));
    HALL_VERIFY_OK(h->book(QStringLiteral("TOMORROW"), QStringLiteral("HZ"), Id1, {}, at(9, 30, 1), at(10, 0, 1), 1));
    HALL_VERIFY_OK(h->book(QStringLiteral("AM"), QStringLiteral("HZ"), Id1, {}, at(9, 30), at(10, 0), 1));
    HALL_VERIFY_OK(h->book(QStringLiteral("OTHER"), QStringLiteral("HZ"), Id2, {}, at(9, 0), at(9, 30), 1));

    const auto first = h->checkInByIdNumber(Id1.toLower(), 900);
    HALL_VERIFY_OK(first);
    QCOMPARE(first->appointmentCode, QStringLiteral("AM"));
    QCOMPARE(first->number, QStringLiteral("Y001"));

    h.clock.set(at(13, 30));
    const auto second = h->checkInByIdNumber(Id1, 900);
    HALL_VERIFY_OK(second);
    QCOMPARE(second->appointmentCode, QStringLiteral("PM"));
    QCOMPARE(second->businessId, BizCRJ);

    HALL_VERIFY_ERROR(h->checkInByIdNumber(Id1, 900), ErrorCode::NotFound);
    HALL_VERIFY_ERROR(h->checkInByIdNumber(Id3, 900), ErrorCode::NotFound);
    HALL_VERIFY_ERROR(h->checkInByIdNumber(QStringLiteral("110105194912310021"), 900), ErrorCode::InvalidInput);
}

void tst_Appointments::callableFromSlotStart()
{
    Hall h(appointmentConfig(), at(9, 30));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->book(QStringLiteral("YY-1"), QStringLiteral("HZ"), Id2, {}, at(10, 0), at(10, 30), 1));
    const auto t = h->checkIn(QStringLiteral("YY-1"), 900);
    HALL_VERIFY_OK(t);

    h.clock.set(at(9, 59));
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 0);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("!queue_empty"));
    HALL_VERIFY_ERROR(h->callNext(QStringLiteral("3"), 1), ErrorCode::QueueEmpty);
    QCOMPARE(h.status(t->id), TicketStatus::Waiting);

    h.clock.set(at(10, 0));
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("Y001"));
    QCOMPARE(h.status(t->id), TicketStatus::Called);
}

void tst_Appointments::callOrder_data()
{
    QTest::addColumn<QTime>("when");
    QTest::addColumn<bool>("elderlyWalkIn");
    QTest::addColumn<QStringList>("expected");

    // Walk-ins A001, A002 at 09:00; Y001 (slot 10:00) checked in at 09:10, Y002 (slot 09:30)
    // checked in at 09:20.
    QTest::newRow("before both slots") << QTime(9, 25) << false << QStringList{u"A001"_s, u"A002"_s, u""_s, u"!queue_empty"_s};
    QTest::newRow("between the slots") << QTime(9, 45) << false
                                       << QStringList{u"Y002"_s, u"A001"_s, u"A002"_s, u""_s};
    QTest::newRow("after both slots: slot time, not check-in order")
        << QTime(10, 5) << false << QStringList{u"Y002"_s, u"Y001"_s, u"A001"_s, u"A002"_s};
    QTest::newRow("priority comes before appointments")
        << QTime(10, 5) << true << QStringList{u"A003"_s, u"Y002"_s, u"Y001"_s, u"A001"_s, u"A002"_s};
}

void tst_Appointments::callOrder()
{
    QFETCH(QTime, when);
    QFETCH(bool, elderlyWalkIn);
    QFETCH(QStringList, expected);

    Hall h(appointmentConfig(), at(9, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_OK(h->book(QStringLiteral("S10"), QStringLiteral("HZ"), Id1, {}, at(10, 0), at(10, 30), 1));
    HALL_VERIFY_OK(h->book(QStringLiteral("S930"), QStringLiteral("HZ"), Id2, {}, at(9, 30), at(10, 0), 1));
    h.clock.set(at(9, 10));
    HALL_VERIFY_OK(h->checkIn(QStringLiteral("S10"), 900));
    h.clock.set(at(9, 20));
    HALL_VERIFY_OK(h->checkIn(QStringLiteral("S930"), 900));
    if (elderlyWalkIn)
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ"), elderly()));

    h.clock.set(QDateTime(day0(), when));
    QStringList called;
    for (qsizetype i = 0; i < expected.size(); ++i)
        called << h.next(QStringLiteral("1"));
    QCOMPARE(called, expected);
}

QTEST_GUILESS_MAIN(tst_Appointments)
#include "tst_appointments.moc"
