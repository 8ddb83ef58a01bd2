// Q11 virtual tickets and master/sub tickets (一号联办); Q13 special numbers released with
// one-time release passwords, and the blacklist until a date.

#include "hallfixture.h"

#include <QRegularExpression>

using namespace hallfixture;

class tst_Special : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Q11
    void virtualTicket();
    void virtualTicketRefused_data();
    void virtualTicketRefused();
    void subTickets();
    void subTicketsFollowTheirMaster();
    void subTicketsOfAnAbandonedMaster();
    void subTicketRefused_data();
    void subTicketRefused();
    // Q13
    void releasePasswords();
    void releasePasswordIsOneTime_data();
    void releasePasswordIsOneTime();
    void releasePasswordCount_data();
    void releasePasswordCount();
    void releasePasswordsExpireOvernight();
    void blacklist_data();
    void blacklist();
    void blacklistBlocksBooking_data();
    void blacklistBlocksBooking();
    void blacklistBlocksCheckIn();
    void blacklistRefused_data();
    void blacklistRefused();
    void unblacklist();
};

void tst_Special::virtualTicket()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->quota.daily = 0; // no walk-ins at all today
    Hall h(cfg);
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B001"));
    h->takeChanges();

    const auto v = h->issueVirtual(QStringLiteral("3"), QStringLiteral("HZ"), 7);
    HALL_VERIFY_OK(v);
    QCOMPARE(v->source, TicketSource::Virtual);
    QCOMPARE(v->status, TicketStatus::Serving);
    QCOMPARE(v->number, QStringLiteral("A001"));
    QCOMPARE(v->windowId, Win3);
    QCOMPARE(v->officerId, officerFor(QStringLiteral("3")));
    QCOMPARE(v->calledAt, at(9, 0));
    const WindowStatus w = h->windowStatus(QStringLiteral("3"));
    QCOMPARE(w.runtime.currentTicketId, v->id);
    QCOMPARE(w.runtime.state, WindowState::Serving);
    // The ticket the window held is finished first.
    QCOMPARE(h.status(h->tickets().first().id), TicketStatus::Done);
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.tickets.contains(v->id));
    QVERIFY(c.windows.contains(Win3));
    QVERIFY(c.calls.isEmpty()); // nobody is called to the window
    HALL_VERIFY_OK(h->finish(QStringLiteral("3"), 7));
    QCOMPARE(h.status(v->id), TicketStatus::Done);
}

void tst_Special::virtualTicketRefused_data()
{
    QTest::addColumn<QString>("window");
    QTest::addColumn<QString>("business");
    QTest::addColumn<QString>("situation");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("window does not handle it") << "2" << "HZ" << "" << ErrorCode::WrongWindow;
    QTest::newRow("unknown business") << "1" << "XX" << "" << ErrorCode::NotFound;
    QTest::newRow("unknown window") << "99" << "HZ" << "" << ErrorCode::NotFound;
    QTest::newRow("window paused") << "1" << "HZ" << "paused" << ErrorCode::WindowPaused;
    QTest::newRow("window offline") << "1" << "HZ" << "offline" << ErrorCode::WindowOffline;
    QTest::newRow("range used up") << "1" << "HZ" << "exhausted" << ErrorCode::RangeExhausted;
}

void tst_Special::virtualTicketRefused()
{
    QFETCH(QString, window);
    QFETCH(QString, business);
    QFETCH(QString, situation);
    QFETCH(ErrorCode, code);

    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->rangeEnd = 1;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    if (situation == QLatin1String("paused"))
        HALL_VERIFY_OK(h->pause(window, QStringLiteral("休息"), QString(), 1));
    else if (situation == QLatin1String("offline"))
        HALL_VERIFY_OK(h->logout(window, 1));
    else if (situation == QLatin1String("exhausted"))
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    const int before = h->tickets().size();
    h->takeChanges();
    HALL_VERIFY_ERROR(h->issueVirtual(window, business, 1), code);
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->tickets().size(), before);
}

void tst_Special::subTickets()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto master = h.byIdCard(QStringLiteral("HZ"), Id2);
    HALL_VERIFY_OK(master);
    const auto s1 = h->issueSub(master->id, QStringLiteral("CRJ"), 900);
    HALL_VERIFY_OK(s1);
    const auto s2 = h->issueSub(master->id, QStringLiteral("JJ"), 900);
    HALL_VERIFY_OK(s2);
    QCOMPARE(s1->number, QStringLiteral("A001-1"));
    QCOMPARE(s2->number, QStringLiteral("A001-2"));
    for (const auto *s : {&s1, &s2}) {
        QCOMPARE((*s)->source, TicketSource::Sub);
        QCOMPARE((*s)->masterId, master->id);
        QCOMPARE((*s)->orderKey, master->orderKey);
        QCOMPARE((*s)->identityHash, master->identityHash);
        QCOMPARE((*s)->status, TicketStatus::Waiting);
    }
    QCOMPARE(s1->businessId, BizCRJ);

    // Sub tickets are never called on their own: window 2 (CRJ) and 4 (JJ) have nobody.
    QCOMPARE(h.next(QStringLiteral("2")), QStringLiteral("!queue_empty"));
    QCOMPARE(h.next(QStringLiteral("4")), QStringLiteral("!queue_empty"));
    QCOMPARE(h->windowStatus(QStringLiteral("2")).waiting, 0);
    QCOMPARE(h->peopleAhead(*h->ticket(master->id)), 0);

    // Calling the master calls its sub tickets with it; finishing it finishes them.
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    const auto r = h->callNext(QStringLiteral("1"), 1);
    HALL_VERIFY_OK(r);
    QCOMPARE(r->ticket.id, master->id);
    QCOMPARE(QSet<qint64>(r->subTicketIds.cbegin(), r->subTicketIds.cend()), (QSet<qint64>{s1->id, s2->id}));
    QCOMPARE(h.status(s1->id), TicketStatus::Called);
    QCOMPARE(h->ticket(s1->id)->windowId, Win1);
    const auto s3 = h->issueSub(master->id, QStringLiteral("SB"), 900); // added at the window
    HALL_VERIFY_OK(s3);
    QCOMPARE(s3->number, QStringLiteral("A001-3"));
    QCOMPARE(s3->status, TicketStatus::Called);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A002"));
    for (qint64 id : {master->id, s1->id, s2->id, s3->id})
        QCOMPARE(h.status(id), TicketStatus::Done);
}

// A sub ticket whose master goes back to the queue must not stay "called" at the window.
void tst_Special::subTicketsFollowTheirMaster()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto master = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(master);
    const auto sub = h->issueSub(master->id, QStringLiteral("CRJ"), 900);
    HALL_VERIFY_OK(sub);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->miss(QStringLiteral("1"), 1));
    QCOMPARE(h.status(master->id), TicketStatus::Missed);
    QCOMPARE(h.status(sub->id), TicketStatus::Waiting);
    QCOMPARE(h->ticket(sub->id)->windowId, 0);
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 0); // still never called on its own

    // Called again after the delay: both come back to the window together.
    h.clock.advanceSecs(600);
    const auto r = h->callNext(QStringLiteral("1"), 1);
    HALL_VERIFY_OK(r);
    QCOMPARE(r->ticket.id, master->id);
    QCOMPARE(r->subTicketIds, QList<qint64>{sub->id});
    HALL_VERIFY_OK(h->finish(QStringLiteral("1"), 1));
    QCOMPARE(h.status(sub->id), TicketStatus::Done);
}

void tst_Special::subTicketsOfAnAbandonedMaster()
{
    HallConfig cfg = standardConfig();
    cfg.rules.missedLimit = 0;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto master = h.byPhone(QStringLiteral("HZ"), Phone1);
    HALL_VERIFY_OK(master);
    const auto sub = h->issueSub(master->id, QStringLiteral("CRJ"), 900);
    HALL_VERIFY_OK(sub);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->miss(QStringLiteral("1"), 1));
    QCOMPARE(h.status(master->id), TicketStatus::Abandoned);
    QVERIFY2(!h->ticket(sub->id)->isOpen(), qPrintable(hall::core::ticketStatusName(h.status(sub->id))));
    // The person may take a new ticket for the sub ticket's business.
    HALL_VERIFY_OK(h.byPhone(QStringLiteral("CRJ"), Phone1));
}

void tst_Special::subTicketRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("unknown master") << "unknown" << ErrorCode::NotFound;
    QTest::newRow("master is a sub ticket") << "sub of sub" << ErrorCode::InvalidState;
    QTest::newRow("master finished") << "done" << ErrorCode::InvalidState;
    QTest::newRow("master hung") << "hung" << ErrorCode::InvalidState;
    QTest::newRow("unknown business") << "business" << ErrorCode::NotFound;
}

void tst_Special::subTicketRefused()
{
    QFETCH(QString, situation);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.loginAll());
    const auto master = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(master);
    const auto sub = h->issueSub(master->id, QStringLiteral("CRJ"), 900);
    HALL_VERIFY_OK(sub);
    qint64 id = master->id;
    QString business = QStringLiteral("JJ");
    if (situation == QLatin1String("unknown")) {
        id = 8888;
    } else if (situation == QLatin1String("sub of sub")) {
        id = sub->id;
    } else if (situation == QLatin1String("done")) {
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
        HALL_VERIFY_OK(h->finish(QStringLiteral("1"), 1));
    } else if (situation == QLatin1String("hung")) {
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
        HALL_VERIFY_OK(h->hang(QStringLiteral("1"), 1));
    } else {
        business = QStringLiteral("XX");
    }
    const int before = h->tickets().size();
    h->takeChanges();
    HALL_VERIFY_ERROR(h->issueSub(id, business, 900), code);
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->tickets().size(), before);
}

void tst_Special::releasePasswords()
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->specialPrefix = QStringLiteral("S");
    businessIn(cfg, QStringLiteral("HZ"))->quota.daily = 1;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    h->takeChanges();
    const auto pws = h->createReleasePasswords(QStringLiteral("HZ"), 3, 61);
    HALL_VERIFY_OK(pws);
    QCOMPARE(pws->size(), 3);
    QCOMPARE(QSet<QString>(pws->cbegin(), pws->cend()).size(), 3);
    static const QRegularExpression eightDigits(QStringLiteral("^[0-9]{8}$"));
    for (const QString &pw : pws.value())
        QVERIFY2(eightDigits.match(pw).hasMatch(), qPrintable(pw));

    // Stored hashed, never in clear; creation is logged.
    const ChangeSet c = h->takeChanges();
    QCOMPARE(c.passwords.size(), 3);
    for (const auto &p : c.passwords) {
        QCOMPARE(p.businessId, BizHZ);
        QCOMPARE(p.day, day0());
        QCOMPARE(p.createdBy, 61);
        QCOMPARE(p.ticketId, 0);
        for (const QString &pw : pws.value())
            QVERIFY(!p.passwordHash.contains(pw.toUtf8()));
    }
    QCOMPARE(c.audit.size(), 1);
    QCOMPARE(c.audit.first().action, QStringLiteral("release-passwords"));
    QCOMPARE(c.audit.first().actor, 61);

    // Walk-ins are used up; a special number still goes out.
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::QuotaFull);
    h->takeChanges();
    const auto t = h->issueSpecial(QStringLiteral(" %1 ").arg(pws->at(1)), 62);
    HALL_VERIFY_OK(t);
    QCOMPARE(t->source, TicketSource::Special);
    QCOMPARE(t->number, QStringLiteral("S001"));
    QCOMPARE(t->priority, 2); // the business's top level
    const ChangeSet used = h->takeChanges();
    QVERIFY(used.tickets.contains(t->id));
    QCOMPARE(used.passwords.size(), 1);
    const auto &p = used.passwords.first();
    QCOMPARE(p.ticketId, t->id);
    QCOMPARE(p.usedBy, 62);
    QCOMPARE(p.usedAt, at(9, 0));
    QCOMPARE(used.audit.first().action, QStringLiteral("release"));

    // A special number is served before the walk-ins of its business.
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("S001"));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
}

void tst_Special::releasePasswordIsOneTime_data()
{
    QTest::addColumn<QString>("attempt");
    QTest::newRow("used twice") << "same";
    QTest::newRow("never issued") << "unknown";
}

void tst_Special::releasePasswordIsOneTime()
{
    QFETCH(QString, attempt);

    Hall h;
    QVERIFY(h.loginAll());
    const auto pws = h->createReleasePasswords(QStringLiteral("HZ"), 1, 61);
    HALL_VERIFY_OK(pws);
    const QString pw = pws->first();
    HALL_VERIFY_OK(h->issueSpecial(pw, 62));
    h->takeChanges();

    QString wrong = pw;
    if (attempt == QLatin1String("unknown"))
        wrong = pw == QLatin1String("12345678") ? QStringLiteral("87654321") : QStringLiteral("12345678");
    const auto r = h->issueSpecial(wrong, 63);
    HALL_VERIFY_ERROR(r, ErrorCode::BadPassword);
    QCOMPARE(h->tickets().size(), 1);
    // Every refusal is logged, nothing else changes.
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.tickets.isEmpty());
    QVERIFY(c.passwords.isEmpty());
    QCOMPARE(c.audit.size(), 1);
    QCOMPARE(c.audit.first().action, QStringLiteral("release-refused"));
    QCOMPARE(c.audit.first().actor, 63);
    QCOMPARE(c.audit.first().detail, attempt == QLatin1String("same") ? QStringLiteral("used") : QStringLiteral("unknown"));
}

void tst_Special::releasePasswordCount_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("ok");
    QTest::newRow("0") << 0 << false;
    QTest::newRow("1") << 1 << true;
    QTest::newRow("100") << 100 << true;
    QTest::newRow("101") << 101 << false;
}

void tst_Special::releasePasswordCount()
{
    QFETCH(int, count);
    QFETCH(bool, ok);
    Hall h;
    const auto r = h->createReleasePasswords(QStringLiteral("HZ"), count, 1);
    if (!ok) {
        HALL_VERIFY_ERROR(r, ErrorCode::InvalidInput);
        QVERIFY(h->takeChanges().isEmpty());
        return;
    }
    HALL_VERIFY_OK(r);
    QCOMPARE(r->size(), count);
    QCOMPARE(QSet<QString>(r->cbegin(), r->cend()).size(), count);
    HALL_VERIFY_ERROR(h->createReleasePasswords(QStringLiteral("XX"), 1, 1), ErrorCode::NotFound);
}

void tst_Special::releasePasswordsExpireOvernight()
{
    Hall h(standardConfig(), at(16, 0));
    QVERIFY(h.loginAll());
    const auto pws = h->createReleasePasswords(QStringLiteral("HZ"), 1, 61);
    HALL_VERIFY_OK(pws);
    h.clock.set(at(9, 0, 1));
    QVERIFY(h.loginAll());
    HALL_VERIFY_ERROR(h->issueSpecial(pws->first(), 62), ErrorCode::BadPassword);
}

void tst_Special::blacklist_data()
{
    QTest::addColumn<QString>("who");
    QTest::addColumn<int>("dayOffset");
    QTest::addColumn<bool>("blocked");

    // Blacklisted on day 0 until day 2 inclusive. The rows are named by kind, not by the number:
    // test names land in the suite's logs, which scripts/check-logs keeps free of personal data.
    const std::pair<const char *, QString> people[]{{"ID number", Id2}, {"ID number, lower-case x", Id1.toLower()}, {"phone", Phone1}};
    for (const auto &[kind, who] : people) {
        QTest::addRow("%s, today", kind) << who << 0 << true;
        QTest::addRow("%s, last day", kind) << who << 2 << true;
        QTest::addRow("%s, day after", kind) << who << 3 << false;
    }
}

void tst_Special::blacklist()
{
    QFETCH(QString, who);
    QFETCH(int, dayOffset);
    QFETCH(bool, blocked);

    Hall h;
    QVERIFY(h.loginAll());
    h->takeChanges();
    const auto e = h->blacklist(who, day0().addDays(2), QStringLiteral("多次爽约"), 71);
    HALL_VERIFY_OK(e);
    QCOMPARE(e->until, day0().addDays(2));
    QCOMPARE(e->identityHash, sha256(who.toUpper()));
    QCOMPARE(e->byAccount, 71);
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.blacklist.contains(e->identityHash));
    QCOMPARE(c.audit.first().action, QStringLiteral("blacklist"));

    h.clock.set(at(9, 0, dayOffset));
    QVERIFY(h.loginAll());
    const bool phone = who.size() == 11;
    const auto t = phone ? h.byPhone(QStringLiteral("HZ"), who) : h.byIdCard(QStringLiteral("HZ"), who.toUpper());
    if (blocked) {
        HALL_VERIFY_ERROR(t, ErrorCode::Blacklisted);
        QVERIFY2(t.error().message.contains(day0().addDays(2).toString(Qt::ISODate)), qPrintable(t.error().message));
        // Other people and anonymous tickets are not affected.
        HALL_VERIFY_OK(h.byIdCard(QStringLiteral("HZ"), Id3));
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    } else {
        HALL_VERIFY_OK(t);
    }
}

void tst_Special::blacklistBlocksBooking_data()
{
    QTest::addColumn<int>("slotDay");
    QTest::addColumn<bool>("blocked");
    QTest::newRow("slot today") << 0 << true;
    QTest::newRow("slot on the last day") << 2 << true;
    QTest::newRow("slot after the end") << 3 << false;
}

void tst_Special::blacklistBlocksBooking()
{
    QFETCH(int, slotDay);
    QFETCH(bool, blocked);
    Hall h;
    HALL_VERIFY_OK(h->blacklist(Phone1, day0().addDays(2), QStringLiteral("爽约"), 71));
    const auto a = h->book(QStringLiteral("YY"), QStringLiteral("HZ"), {}, Phone1, at(10, 0, slotDay), at(10, 30, slotDay), 1);
    if (blocked)
        HALL_VERIFY_ERROR(a, ErrorCode::Blacklisted);
    else
        HALL_VERIFY_OK(a);
}

// "Blacklist blocks booking and taking numbers": an appointment booked before the person was
// blacklisted does not give them a ticket while the entry lasts.
void tst_Special::blacklistBlocksCheckIn()
{
    Hall h(standardConfig(), at(9, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->book(QStringLiteral("YY"), QStringLiteral("HZ"), Id2, {}, at(10, 0), at(10, 30), 1));
    HALL_VERIFY_OK(h->blacklist(Id2, day0(), QStringLiteral("冒用他人身份"), 71));
    h->takeChanges();
    HALL_VERIFY_ERROR(h->checkIn(QStringLiteral("YY"), 900), ErrorCode::Blacklisted);
    HALL_VERIFY_ERROR(h->checkInByIdNumber(Id2, 900), ErrorCode::Blacklisted);
    QVERIFY(h->tickets().isEmpty());
    QVERIFY(h->takeChanges().isEmpty());
}

void tst_Special::blacklistRefused_data()
{
    QTest::addColumn<QString>("who");
    QTest::addColumn<QDate>("until");
    QTest::addColumn<QString>("reason");

    QTest::newRow("invalid ID") << "110105194912310021" << day0() << "r";
    QTest::newRow("invalid phone") << "1380013800" << day0() << "r";
    QTest::newRow("date in the past") << Id2 << day0().addDays(-1) << "r";
    QTest::newRow("no date") << Id2 << QDate() << "r";
    QTest::newRow("no reason") << Id2 << day0() << "  ";
}

void tst_Special::blacklistRefused()
{
    QFETCH(QString, who);
    QFETCH(QDate, until);
    QFETCH(QString, reason);
    Hall h;
    HALL_VERIFY_ERROR(h->blacklist(who, until, reason, 1), ErrorCode::InvalidInput);
    QVERIFY(h->takeChanges().isEmpty());
}

void tst_Special::unblacklist()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->blacklist(Id1, day0().addDays(30), QStringLiteral("r"), 71));
    HALL_VERIFY_ERROR(h.byIdCard(QStringLiteral("HZ"), Id1), ErrorCode::Blacklisted);
    h->takeChanges();
    HALL_VERIFY_OK(h->unblacklist(Id1.toLower(), 72));
    const ChangeSet c = h->takeChanges();
    QCOMPARE(c.unblacklisted, QList<QByteArray>{sha256(Id1)});
    QCOMPARE(c.audit.first().action, QStringLiteral("unblacklist"));
    HALL_VERIFY_OK(h.byIdCard(QStringLiteral("HZ"), Id1));
    HALL_VERIFY_ERROR(h->unblacklist(Id1, 72), ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(tst_Special)
#include "tst_special.moc"
