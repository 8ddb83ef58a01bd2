// Q1 ticket numbers: per-business prefix + zero-padded sequence, per-kind prefixes, number
// ranges (RangeExhausted), daily reset.

#include "hallfixture.h"

using namespace hallfixture;

class tst_Numbering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void format_data();
    void format();
    void businessesHaveTheirOwnSequence();
    void range_data();
    void range();
    void rangeIsPerPrefix();
    void kindPrefixes_data();
    void kindPrefixes();
    void emptyKindPrefixMeansBusinessPrefix();
    void failedIssueDoesNotConsumeANumber();
    void staffTicketsShareTheSequence();
    void dailyReset_data();
    void dailyReset();
    void exhaustedRangeResetsNextDay();
};

void tst_Numbering::format_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("digits");
    QTest::addColumn<int>("rangeStart");
    QTest::addColumn<int>("rangeEnd");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("A, 3 digits") << "A" << 3 << 1 << 999 << 3 << QStringList{u"A001"_s, u"A002"_s, u"A003"_s};
    QTest::newRow("three-letter prefix, 4 digits") << "VIP" << 4 << 1 << 9999 << 2 << QStringList{u"VIP0001"_s, u"VIP0002"_s};
    QTest::newRow("2 digits past 9") << "B" << 2 << 9 << 99 << 3 << QStringList{u"B09"_s, u"B10"_s, u"B11"_s};
    QTest::newRow("range starts at 500") << "A" << 3 << 500 << 999 << 2 << QStringList{u"A500"_s, u"A501"_s};
    QTest::newRow("no prefix") << "" << 3 << 1 << 999 << 2 << QStringList{u"001"_s, u"002"_s};
}

void tst_Numbering::format()
{
    QFETCH(QString, prefix);
    QFETCH(int, digits);
    QFETCH(int, rangeStart);
    QFETCH(int, rangeEnd);
    QFETCH(int, count);
    QFETCH(QStringList, expected);

    HallConfig cfg = standardConfig();
    Business *b = businessIn(cfg, QStringLiteral("HZ"));
    b->prefix = b->appointmentPrefix = b->greenPrefix = b->specialPrefix = prefix;
    b->digits = digits;
    b->rangeStart = rangeStart;
    b->rangeEnd = rangeEnd;
    Hall h(cfg);
    QVERIFY(h.loginAll());

    QStringList numbers;
    for (int i = 0; i < count; ++i) {
        const auto t = h.touch(QStringLiteral("HZ"));
        HALL_VERIFY_OK(t);
        QCOMPARE(t->prefix, prefix);
        QCOMPARE(t->day, day0());
        numbers << t->number;
    }
    QCOMPARE(numbers, expected);
}

void tst_Numbering::businessesHaveTheirOwnSequence()
{
    Hall h;
    QVERIFY(h.loginAll());
    QStringList numbers;
    for (const char *code : {"HZ", "CRJ", "HZ", "JJ", "CRJ", "HZ"}) {
        const auto t = h.touch(QString::fromLatin1(code));
        HALL_VERIFY_OK(t);
        numbers << t->number;
    }
    QCOMPARE(numbers, (QStringList{u"A001"_s, u"B001"_s, u"A002"_s, u"C001"_s, u"B002"_s, u"A003"_s}));
}

void tst_Numbering::range_data()
{
    QTest::addColumn<int>("rangeStart");
    QTest::addColumn<int>("rangeEnd");
    QTest::addColumn<QString>("last");

    QTest::newRow("A001-A003") << 1 << 3 << "A003";
    QTest::newRow("A497-A499 (end of A001-A499)") << 497 << 499 << "A499";
    QTest::newRow("a single number") << 7 << 7 << "A007";
    QTest::newRow("A998-A999 (all digits)") << 998 << 999 << "A999";
}

void tst_Numbering::range()
{
    QFETCH(int, rangeStart);
    QFETCH(int, rangeEnd);
    QFETCH(QString, last);

    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->rangeStart = rangeStart;
    businessIn(cfg, QStringLiteral("HZ"))->rangeEnd = rangeEnd;
    Hall h(cfg);
    QVERIFY(h.loginAll());

    QString number;
    for (int seq = rangeStart; seq <= rangeEnd; ++seq) {
        const auto t = h.touch(QStringLiteral("HZ"));
        HALL_VERIFY_OK(t);
        QCOMPARE(t->seq, seq);
        number = t->number;
    }
    QCOMPARE(number, last);
    h->takeChanges();

    const auto over = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_ERROR(over, ErrorCode::RangeExhausted);
    QVERIFY2(over.error().message.contains(last), qPrintable(over.error().message));
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->tickets().size(), rangeEnd - rangeStart + 1);
    // Still exhausted on the next try, whatever the source.
    HALL_VERIFY_ERROR(h.byPhone(QStringLiteral("HZ"), Phone1), ErrorCode::RangeExhausted);
}

void tst_Numbering::rangeIsPerPrefix()
{
    HallConfig cfg = standardConfig();
    Business *hz = businessIn(cfg, QStringLiteral("HZ"));
    hz->rangeEnd = 2;
    hz->greenPrefix = QStringLiteral("V");
    Hall h(cfg);
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::RangeExhausted);
    // Another business and another prefix of the same business still have numbers.
    const auto b = h.touch(QStringLiteral("CRJ"));
    HALL_VERIFY_OK(b);
    QCOMPARE(b->number, QStringLiteral("B001"));
    const auto g = h.touch(QStringLiteral("HZ"), {}, true);
    HALL_VERIFY_OK(g);
    QCOMPARE(g->number, QStringLiteral("V001"));
}

void tst_Numbering::kindPrefixes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");

    // The walk-in sequence has A001 and A002 issued before; each kind prefix counts on its own.
    QTest::newRow("green channel (VIP prefix)") << "green" << "V001";
    QTest::newRow("appointment") << "appointment" << "Y001";
    QTest::newRow("special (release password)") << "special" << "S001";
    QTest::newRow("walk-in continues") << "walkin" << "A003";
}

void tst_Numbering::kindPrefixes()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);

    HallConfig cfg = standardConfig();
    Business *hz = businessIn(cfg, QStringLiteral("HZ"));
    hz->greenPrefix = QStringLiteral("V");
    hz->appointmentPrefix = QStringLiteral("Y");
    hz->specialPrefix = QStringLiteral("S");
    Hall h(cfg, at(9, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));

    hall::queue::Result<Ticket> t = hall::queue::Error{ErrorCode::NotFound, {}};
    if (kind == QLatin1String("green")) {
        t = h.touch(QStringLiteral("HZ"), {}, true);
    } else if (kind == QLatin1String("appointment")) {
        HALL_VERIFY_OK(h->book(QStringLiteral("YY1"), QStringLiteral("HZ"), Id1, {}, at(9, 30), at(10, 0), 1));
        t = h->checkIn(QStringLiteral("YY1"), 900);
    } else if (kind == QLatin1String("special")) {
        const auto pw = h->createReleasePasswords(QStringLiteral("HZ"), 1, 1);
        HALL_VERIFY_OK(pw);
        t = h->issueSpecial(pw->first(), 900);
    } else {
        t = h.touch(QStringLiteral("HZ"));
    }
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, expected);
    // The walk-in sequence is untouched by the other kinds.
    if (kind != QLatin1String("walkin")) {
        const auto w = h.touch(QStringLiteral("HZ"));
        HALL_VERIFY_OK(w);
        QCOMPARE(w->number, QStringLiteral("A003"));
    }
}

// Business documents "empty = same as prefix" for the appointment, green and special prefixes.
void tst_Numbering::emptyKindPrefixMeansBusinessPrefix()
{
    HallConfig cfg = standardConfig();
    Business *hz = businessIn(cfg, QStringLiteral("HZ"));
    hz->appointmentPrefix.clear();
    hz->greenPrefix.clear();
    hz->specialPrefix.clear();
    Hall h(cfg, at(9, 0));
    QVERIFY(h.loginAll());

    QStringList numbers;
    auto walkIn = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(walkIn);
    numbers << walkIn->number;
    auto green = h.touch(QStringLiteral("HZ"), {}, true);
    HALL_VERIFY_OK(green);
    numbers << green->number;
    HALL_VERIFY_OK(h->book(QStringLiteral("YY1"), QStringLiteral("HZ"), Id1, {}, at(9, 30), at(10, 0), 1));
    auto appt = h->checkIn(QStringLiteral("YY1"), 900);
    HALL_VERIFY_OK(appt);
    numbers << appt->number;
    const auto pw = h->createReleasePasswords(QStringLiteral("HZ"), 1, 1);
    HALL_VERIFY_OK(pw);
    auto special = h->issueSpecial(pw->first(), 900);
    HALL_VERIFY_OK(special);
    numbers << special->number;

    QCOMPARE(numbers, (QStringList{u"A001"_s, u"A002"_s, u"A003"_s, u"A004"_s}));
}

void tst_Numbering::failedIssueDoesNotConsumeANumber()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_ERROR(h.byIdCard(QStringLiteral("HZ"), QStringLiteral("110105194912310021")), ErrorCode::InvalidInput);
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ"), QStringLiteral("no such level")), ErrorCode::InvalidInput);
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A002"));
}

// Virtual tickets take the next walk-in number; sub tickets hang off their master's number.
void tst_Numbering::staffTicketsShareTheSequence()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    const auto v = h->issueVirtual(QStringLiteral("1"), QStringLiteral("HZ"), officerFor(QStringLiteral("1")));
    HALL_VERIFY_OK(v);
    QCOMPARE(v->number, QStringLiteral("A002"));
    const auto sub = h->issueSub(a1->id, QStringLiteral("CRJ"), 900);
    HALL_VERIFY_OK(sub);
    QCOMPARE(sub->number, QStringLiteral("A001-1"));
    const auto a3 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a3);
    QCOMPARE(a3->number, QStringLiteral("A003"));
    const auto b1 = h.touch(QStringLiteral("CRJ"));
    HALL_VERIFY_OK(b1);
    QCOMPARE(b1->number, QStringLiteral("B001")); // the sub ticket did not use a B number
}

void tst_Numbering::dailyReset_data()
{
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("hour");

    QTest::newRow("next morning") << 1 << 9;
    QTest::newRow("just after midnight, before opening") << 1 << 0;
    QTest::newRow("after a weekend") << 3 << 9;
}

void tst_Numbering::dailyReset()
{
    QFETCH(int, days);
    QFETCH(int, hour);

    HallConfig cfg = standardConfig();
    cfg.rules.blockUnserved = false; // windows are logged out by the rollover
    // Opening hours that include the hour tested.
    businessIn(cfg, QStringLiteral("HZ"))->hours.morningStart = QTime(0, 0);
    businessIn(cfg, QStringLiteral("CRJ"))->hours.morningStart = QTime(0, 0);
    Hall h(cfg, at(9, 0));
    for (int i = 0; i < 3; ++i)
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));

    h.clock.set(at(hour, 0, days));
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A001"));
    QCOMPARE(t->day, day0().addDays(days));
    QCOMPARE(h->day(), day0().addDays(days));
    const auto b = h.touch(QStringLiteral("CRJ"));
    HALL_VERIFY_OK(b);
    QCOMPARE(b->number, QStringLiteral("B001"));
    // Only today's tickets are left in the engine.
    for (const Ticket &x : h->tickets())
        QCOMPARE(x.day, day0().addDays(days));
    QCOMPARE(h->tickets().size(), 2);
}

void tst_Numbering::exhaustedRangeResetsNextDay()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->rangeEnd = 1;
    Hall h(cfg, at(16, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::RangeExhausted);

    h.clock.set(at(9, 0, 1));
    QVERIFY(h.loginAll());
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A001"));
}

QTEST_GUILESS_MAIN(tst_Numbering)
#include "tst_numbering.moc"
