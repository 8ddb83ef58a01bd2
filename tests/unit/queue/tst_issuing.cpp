// Q2 ways to take a ticket: ID card, mobile number, touch choice; invalid input; one open
// ticket per identity per business (Duplicate carries the existing ticket); reprint.

#include "hallfixture.h"

using namespace hallfixture;

class tst_Issuing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sources_data();
    void sources();
    void invalidIdentity_data();
    void invalidIdentity();
    void sourcesNotIssuedAtTheKiosk_data();
    void sourcesNotIssuedAtTheKiosk();
    void unknownBusiness();
    void priorityLevel_data();
    void priorityLevel();
    void duplicate_data();
    void duplicate();
    void duplicateWhileOpen_data();
    void duplicateWhileOpen();
    void duplicateIsPerDay();
    void reprint();
    void reprintRefused_data();
    void reprintRefused();
    void voidedTicketLeavesTheQueue();
    void voidRefusedOnceCalled();
};

namespace {

hall::queue::Result<Ticket> issueAs(Hall &h, const QString &business, TicketSource source, const QString &identity)
{
    switch (source) {
    case TicketSource::IdCard:
        return h.byIdCard(business, identity);
    case TicketSource::Phone:
        return h.byPhone(business, identity);
    default:
        return h.touch(business);
    }
}

} // namespace

void tst_Issuing::sources_data()
{
    QTest::addColumn<TicketSource>("source");
    QTest::addColumn<QString>("identity");
    QTest::addColumn<QString>("hashedAs");

    QTest::newRow("ID card") << TicketSource::IdCard << Id2 << Id2;
    QTest::newRow("ID card ending in X") << TicketSource::IdCard << Id1 << Id1;
    QTest::newRow("ID card, lower-case x") << TicketSource::IdCard << Id1.toLower() << Id1;
    QTest::newRow("mobile number") << TicketSource::Phone << Phone1 << Phone1;
    QTest::newRow("touch") << TicketSource::Touch << QString() << QString();
}

void tst_Issuing::sources()
{
    QFETCH(TicketSource, source);
    QFETCH(QString, identity);
    QFETCH(QString, hashedAs);

    Hall h;
    QVERIFY(h.loginAll());
    const auto t = issueAs(h, QStringLiteral("HZ"), source, identity);
    HALL_VERIFY_OK(t);
    QCOMPARE(t->source, source);
    QCOMPARE(t->status, TicketStatus::Waiting);
    QCOMPARE(t->businessId, BizHZ);
    QCOMPARE(t->hallId, HallId);
    QCOMPARE(t->issuedAt, at(9, 0));
    QCOMPARE(t->printCount, 1);
    QVERIFY(t->id >= 1000);
    QVERIFY(h->ticket(t->id));
    if (hashedAs.isEmpty()) {
        QVERIFY(t->identityHash.isEmpty());
    } else {
        QCOMPARE(t->identityHash, sha256(hashedAs));
        // The clear value is never kept.
        QVERIFY(!t->identityHash.contains(identity.toUtf8()));
    }
}

void tst_Issuing::invalidIdentity_data()
{
    QTest::addColumn<TicketSource>("source");
    QTest::addColumn<QString>("identity");

    QTest::newRow("ID: wrong check character") << TicketSource::IdCard << "110105194912310021";
    QTest::newRow("ID: 17 characters") << TicketSource::IdCard << "11010519491231002";
    QTest::newRow("ID: 19 characters") << TicketSource::IdCard << "11010519491231002X1";
    QTest::newRow("ID: letters") << TicketSource::IdCard << "11010519491231ABCX";
    QTest::newRow("ID: 30 February (check character right)") << TicketSource::IdCard << "440106202302300019";
    QTest::newRow("ID: empty") << TicketSource::IdCard << "";
    QTest::newRow("phone: 10 digits") << TicketSource::Phone << "1380013800";
    QTest::newRow("phone: starts with 12") << TicketSource::Phone << "12800138000";
    QTest::newRow("phone: letters") << TicketSource::Phone << "1380013800a";
    QTest::newRow("phone: empty") << TicketSource::Phone << "";
}

void tst_Issuing::invalidIdentity()
{
    QFETCH(TicketSource, source);
    QFETCH(QString, identity);

    Hall h;
    QVERIFY(h.loginAll());
    h->takeChanges();
    HALL_VERIFY_ERROR(issueAs(h, QStringLiteral("HZ"), source, identity), ErrorCode::InvalidInput);
    QVERIFY(h->tickets().isEmpty());
    QVERIFY(h->takeChanges().isEmpty());
}

void tst_Issuing::sourcesNotIssuedAtTheKiosk_data()
{
    QTest::addColumn<TicketSource>("source");
    QTest::newRow("appointment") << TicketSource::Appointment;
    QTest::newRow("virtual") << TicketSource::Virtual;
    QTest::newRow("special") << TicketSource::Special;
    QTest::newRow("sub") << TicketSource::Sub;
}

void tst_Issuing::sourcesNotIssuedAtTheKiosk()
{
    QFETCH(TicketSource, source);
    Hall h;
    QVERIFY(h.loginAll());
    IssueRequest r;
    r.businessCode = QStringLiteral("HZ");
    r.source = source;
    HALL_VERIFY_ERROR(h->issue(r), ErrorCode::InvalidInput);
    QVERIFY(h->tickets().isEmpty());
}

void tst_Issuing::unknownBusiness()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("NOPE")), ErrorCode::NotFound);
}

void tst_Issuing::priorityLevel_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("level");

    QTest::newRow("normal (empty)") << "" << true << 0;
    QTest::newRow("老年人") << "老年人" << true << 2;
    QTest::newRow("军人") << "军人" << true << 1;
    QTest::newRow("unknown level") << "外宾" << false << 0;
}

void tst_Issuing::priorityLevel()
{
    QFETCH(QString, name);
    QFETCH(bool, ok);
    QFETCH(int, level);

    Hall h;
    QVERIFY(h.loginAll());
    const auto t = h.touch(QStringLiteral("HZ"), name);
    if (!ok) {
        HALL_VERIFY_ERROR(t, ErrorCode::InvalidInput);
        QVERIFY(h->tickets().isEmpty());
        return;
    }
    HALL_VERIFY_OK(t);
    QCOMPARE(t->priority, level);
}

void tst_Issuing::duplicate_data()
{
    QTest::addColumn<TicketSource>("firstSource");
    QTest::addColumn<QString>("firstIdentity");
    QTest::addColumn<QString>("firstBusiness");
    QTest::addColumn<TicketSource>("secondSource");
    QTest::addColumn<QString>("secondIdentity");
    QTest::addColumn<QString>("secondBusiness");
    QTest::addColumn<bool>("duplicate");

    QTest::newRow("same ID, same business") << TicketSource::IdCard << Id2 << "HZ" << TicketSource::IdCard << Id2 << "HZ" << true;
    QTest::newRow("same ID, x vs X") << TicketSource::IdCard << Id1 << "HZ" << TicketSource::IdCard << Id1.toLower() << "HZ" << true;
    QTest::newRow("same ID, other business") << TicketSource::IdCard << Id2 << "HZ" << TicketSource::IdCard << Id2 << "CRJ" << false;
    QTest::newRow("other ID, same business") << TicketSource::IdCard << Id2 << "HZ" << TicketSource::IdCard << Id3 << "HZ" << false;
    QTest::newRow("same phone, same business") << TicketSource::Phone << Phone1 << "HZ" << TicketSource::Phone << Phone1 << "HZ" << true;
    QTest::newRow("same phone, other business") << TicketSource::Phone << Phone1 << "HZ" << TicketSource::Phone << Phone1 << "CRJ" << false;
    QTest::newRow("other phone, same business") << TicketSource::Phone << Phone1 << "HZ" << TicketSource::Phone << Phone2 << "HZ" << false;
    QTest::newRow("touch twice (anonymous)") << TicketSource::Touch << QString() << "HZ" << TicketSource::Touch << QString() << "HZ" << false;
}

void tst_Issuing::duplicate()
{
    QFETCH(TicketSource, firstSource);
    QFETCH(QString, firstIdentity);
    QFETCH(QString, firstBusiness);
    QFETCH(TicketSource, secondSource);
    QFETCH(QString, secondIdentity);
    QFETCH(QString, secondBusiness);
    QFETCH(bool, duplicate);

    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ"))); // somebody else first
    const auto first = issueAs(h, firstBusiness, firstSource, firstIdentity);
    HALL_VERIFY_OK(first);
    h->takeChanges();
    const auto second = issueAs(h, secondBusiness, secondSource, secondIdentity);
    if (!duplicate) {
        HALL_VERIFY_OK(second);
        QVERIFY(second->id != first->id);
        return;
    }
    HALL_VERIFY_ERROR(second, ErrorCode::Duplicate);
    QCOMPARE(second.error().ticketId, first->id);
    QVERIFY2(second.error().message.contains(first->number), qPrintable(second.error().message));
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->tickets().size(), 2);
    // Offered instead: a reprint of the existing ticket, same number.
    const auto again = h->reprint(second.error().ticketId, 900);
    HALL_VERIFY_OK(again);
    QCOMPARE(again->number, first->number);
    QCOMPARE(again->printCount, 2);
}

void tst_Issuing::duplicateWhileOpen_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<bool>("duplicate");

    QTest::newRow("waiting") << "waiting" << true;
    QTest::newRow("called") << "called" << true;
    QTest::newRow("serving") << "serving" << true;
    QTest::newRow("missed") << "missed" << true;
    QTest::newRow("hung") << "hung" << true;
    QTest::newRow("done") << "done" << false;
    QTest::newRow("cleared") << "cleared" << false;
}

void tst_Issuing::duplicateWhileOpen()
{
    QFETCH(QString, state);
    QFETCH(bool, duplicate);

    Hall h;
    QVERIFY(h.loginAll());
    const auto first = h.byIdCard(QStringLiteral("HZ"), Id2);
    HALL_VERIFY_OK(first);
    const QString w = QStringLiteral("1");
    if (state != QLatin1String("waiting") && state != QLatin1String("cleared"))
        QCOMPARE(h.next(w), first->number);
    if (state == QLatin1String("serving"))
        HALL_VERIFY_OK(h->start(w, 1));
    else if (state == QLatin1String("missed"))
        HALL_VERIFY_OK(h->miss(w, 1));
    else if (state == QLatin1String("hung"))
        HALL_VERIFY_OK(h->hang(w, 1));
    else if (state == QLatin1String("done"))
        HALL_VERIFY_OK(h->finish(w, 1));
    else if (state == QLatin1String("cleared"))
        QCOMPARE(h->clearOpenTickets(1, QStringLiteral("test")), 1);

    const auto second = h.byIdCard(QStringLiteral("HZ"), Id2);
    if (duplicate) {
        HALL_VERIFY_ERROR(second, ErrorCode::Duplicate);
        QCOMPARE(second.error().ticketId, first->id);
    } else {
        HALL_VERIFY_OK(second);
        QCOMPARE(second->number, QStringLiteral("A002"));
    }
}

void tst_Issuing::duplicateIsPerDay()
{
    Hall h(standardConfig(), at(16, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.byIdCard(QStringLiteral("HZ"), Id2));
    HALL_VERIFY_ERROR(h.byIdCard(QStringLiteral("HZ"), Id2), ErrorCode::Duplicate);
    h.clock.set(at(9, 0, 1));
    QVERIFY(h.loginAll());
    const auto t = h.byIdCard(QStringLiteral("HZ"), Id2);
    HALL_VERIFY_OK(t);
    QCOMPARE(t->day, day0().addDays(1));
}

void tst_Issuing::reprint()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto t = h.byPhone(QStringLiteral("HZ"), Phone1);
    HALL_VERIFY_OK(t);
    h->takeChanges();
    for (int expected = 2; expected <= 3; ++expected) {
        const auto r = h->reprint(t->id, 901);
        HALL_VERIFY_OK(r);
        QCOMPARE(r->id, t->id);
        QCOMPARE(r->number, t->number);
        QCOMPARE(r->printCount, expected);
        QCOMPARE(h->ticket(t->id)->printCount, expected);
        const auto changes = h->takeChanges();
        QVERIFY(changes.tickets.contains(t->id));
        QCOMPARE(changes.tickets.value(t->id).printCount, expected);
        QCOMPARE(changes.audit.size(), 1);
        QCOMPARE(changes.audit.first().action, QStringLiteral("reprint"));
        QCOMPARE(changes.audit.first().actor, 901);
    }
    // A reprint is not a new ticket and does not use a number.
    QCOMPARE(h->tickets().size(), 1);
    const auto next = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(next);
    QCOMPARE(next->number, QStringLiteral("A002"));
}

void tst_Issuing::reprintRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("unknown ticket") << "unknown" << ErrorCode::NotFound;
    QTest::newRow("finished ticket") << "done" << ErrorCode::InvalidState;
    QTest::newRow("yesterday's ticket") << "yesterday" << ErrorCode::NotFound;
}

void tst_Issuing::reprintRefused()
{
    QFETCH(QString, situation);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.loginAll());
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    qint64 id = t->id;
    if (situation == QLatin1String("unknown")) {
        id = 424242;
    } else if (situation == QLatin1String("done")) {
        QCOMPARE(h.next(QStringLiteral("1")), t->number);
        HALL_VERIFY_OK(h->finish(QStringLiteral("1"), 1));
    } else {
        h.clock.set(at(9, 0, 1));
    }
    h->takeChanges();
    HALL_VERIFY_ERROR(h->reprint(id, 900), code);
    if (situation != QLatin1String("yesterday"))
        QVERIFY(h->takeChanges().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Issuing)
#include "tst_issuing.moc"

// A ticket the kiosk could not print is voided: out of the queue at once (nobody is called for
// it), the reason audited, its quota place given back, its number never given again; the
// person may take a new ticket for the business.
void tst_Issuing::voidedTicketLeavesTheQueue()
{
    HallConfig cfg = standardConfig();
    hall::core::Quota q;
    q.morning = 1;
    businessIn(cfg, QStringLiteral("HZ"))->quota = q;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto t = h.byPhone(QStringLiteral("HZ"), Phone1);
    HALL_VERIFY_OK(t);
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 0);
    Store store;
    store.absorb(h->takeChanges());

    const auto v = h->voidTicket(t->id, QStringLiteral("printer: paper out"), 901);
    HALL_VERIFY_OK(v);
    QCOMPARE(v->status, TicketStatus::Voided);
    QCOMPARE(h.status(t->id), TicketStatus::Voided);
    const auto changes = h->takeChanges();
    store.absorb(changes);
    QCOMPARE(changes.audit.size(), 1);
    QCOMPARE(changes.audit.first().action, QStringLiteral("void"));
    QCOMPARE(changes.audit.first().detail, QStringLiteral("printer: paper out"));
    QCOMPARE(changes.events.size(), 1);
    QCOMPARE(changes.events.first().type, QStringLiteral("ticket.voided"));
    QCOMPARE(changes.events.first().data.value(QStringLiteral("reason")).toString(), QStringLiteral("printer: paper out"));
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).waiting, 0);
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("!queue_empty"));
    // After a restart the voided ticket still holds no quota place.
    Hall restored(cfg);
    restored->restore(store.snapshot());
    QCOMPARE(restored.status(t->id), TicketStatus::Voided);
    QCOMPARE(restored.businessStatus(QStringLiteral("HZ")).remaining, 1);

    // The same person again: a new ticket with the next number, not a duplicate.
    const auto again = h.byPhone(QStringLiteral("HZ"), Phone1);
    HALL_VERIFY_OK(again);
    QCOMPARE(again->number, QStringLiteral("A002"));

}

void tst_Issuing::voidRefusedOnceCalled()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(h.next(QStringLiteral("1")), t->number);
    HALL_VERIFY_ERROR(h->voidTicket(t->id, QStringLiteral("late"), 901), ErrorCode::InvalidState);
    HALL_VERIFY_ERROR(h->voidTicket(999999, QStringLiteral("late"), 901), ErrorCode::NotFound);
    QCOMPARE(h.status(t->id), TicketStatus::Called);
}
