// Offline numbering: leases of walk-in numbers for kiosks and the offline tickets issued from
// them (issue 9). Leases come from the top of the number range (A800…) and online numbering
// from 001; leases never overlap, quotas count them, a new day voids them, and an offline
// ticket joins the queue at its original time.

#include "hallfixture.h"

using namespace hallfixture;
using hall::queue::Lease;
using hall::queue::OfflineTicketRequest;

namespace {

const QString Kiosk3 = QStringLiteral("kiosk-3-device");
const QString Kiosk4 = QStringLiteral("kiosk-4-device");

OfflineTicketRequest offline(const Lease &l, int offset, const QDateTime &issuedAt, const QString &device = Kiosk3)
{
    OfflineTicketRequest r;
    r.businessCode = QStringLiteral("HZ");
    r.seq = l.from + offset;
    r.device = device;
    r.issuedAt = issuedAt;
    r.actor = 900;
    return r;
}

hall::core::Quota morningQuota(int n)
{
    hall::core::Quota q;
    q.morning = n;
    return q;
}

} // namespace

class tst_Leases : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void leasesComeFromTheTopOfTheRangeAndOnlineStartsAt001()
    {
        Hall h;
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 30, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        QCOMPARE(l->from, 800); // the top fifth of 001–999
        QCOMPARE(l->to, 829);
        QCOMPARE(l->half, QStringLiteral("am"));
        QCOMPARE(l->until, at(12, 0));
        // The day's online numbers start at 001, whatever was leased before the doors opened.
        QCOMPARE(h.touch(QStringLiteral("HZ"))->number, QStringLiteral("A001"));
        // Another device's lease follows the first one.
        const auto l2 = h->lease(QStringLiteral("HZ"), 10, Kiosk4, 900);
        HALL_VERIFY_OK(l2);
        QCOMPARE(l2->from, 830);
        QCOMPARE(h.touch(QStringLiteral("HZ"))->number, QStringLiteral("A002"));
        // An offline ticket taken in does not move online numbering.
        HALL_VERIFY_OK(h->importOffline(offline(l.value(), 0, at(9, 1))));
        QCOMPARE(h.touch(QStringLiteral("HZ"))->number, QStringLiteral("A003"));
    }

    void theLeaseRangeIsConfigurable()
    {
        HallConfig c = standardConfig();
        businessIn(c, QStringLiteral("HZ"))->leaseFrom = 500;
        businessIn(c, QStringLiteral("CRJ"))->rangeEnd = 99;
        Hall h(c);
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 5, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        QCOMPARE(l->from, 500);
        const auto crj = h->lease(QStringLiteral("CRJ"), 5, Kiosk3, 900);
        HALL_VERIFY_OK(crj);
        QCOMPARE(crj->from, 80); // the top fifth of 01–99
    }

    void onlineNumbersPastTheLeaseStartFollowTheLeases()
    {
        HallConfig c = standardConfig();
        businessIn(c, QStringLiteral("HZ"))->rangeEnd = 20; // leases from 17
        Hall h(c);
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 2, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        QCOMPARE(l->from, 17);
        for (int n = 1; n <= 16; ++n)
            QCOMPARE(h.touch(QStringLiteral("HZ"))->seq, n);
        // A busy day: online numbering goes on after the leased block, and the next lease after it.
        QCOMPARE(h.touch(QStringLiteral("HZ"))->seq, 19);
        const auto l2 = h->lease(QStringLiteral("HZ"), 5, Kiosk4, 900);
        HALL_VERIFY_OK(l2);
        QCOMPARE(l2->from, 20);
        QCOMPARE(l2->to, 20);
        HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::RangeExhausted);
    }

    void whenTheTopIsGivenOutLeasesComeDownToTheOnlineNumbers()
    {
        HallConfig c = standardConfig();
        businessIn(c, QStringLiteral("HZ"))->rangeEnd = 20; // leases from 17
        Hall h(c);
        QVERIFY(h.loginAll());
        const auto top = h->lease(QStringLiteral("HZ"), 30, Kiosk3, 900);
        HALL_VERIFY_OK(top);
        QCOMPARE(top->from, 17);
        QCOMPARE(top->to, 20);
        QCOMPARE(h.touch(QStringLiteral("HZ"))->number, QStringLiteral("A001"));
        // The next block lies just below the lease start, then below that one.
        const auto below = h->lease(QStringLiteral("HZ"), 5, Kiosk4, 900);
        HALL_VERIFY_OK(below);
        QCOMPARE(below->from, 12);
        QCOMPARE(below->to, 16);
        HALL_VERIFY_OK(h->importOffline(offline(below.value(), 4, at(9, 1), Kiosk4)));
        const auto lower = h->lease(QStringLiteral("HZ"), 5, Kiosk4, 900);
        HALL_VERIFY_OK(lower);
        QCOMPARE(lower->from, 7);
        QCOMPARE(lower->to, 11);
        // Online numbering goes on below them (an offline ticket taken in does not move it) …
        for (int n = 2; n <= 6; ++n)
            QCOMPARE(h.touch(QStringLiteral("HZ"))->seq, n);
        // … and when they meet, nothing is left: a clear refusal for both.
        const auto refused = h->lease(QStringLiteral("HZ"), 1, QStringLiteral("kiosk-5-device"), 900);
        HALL_VERIFY_ERROR(refused, ErrorCode::RangeExhausted);
        QVERIFY2(refused.error().message.contains(QStringLiteral("A001")) && refused.error().message.contains(QStringLiteral("A020")),
                 qPrintable(refused.error().message));
        HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::RangeExhausted);
    }

    void blocksBelowTheLeaseStartSurviveARestart()
    {
        HallConfig c = standardConfig();
        businessIn(c, QStringLiteral("HZ"))->rangeEnd = 20;
        Store store;
        int below = 0;
        {
            Hall h(c);
            QVERIFY(h.loginAll());
            HALL_VERIFY_OK(h->lease(QStringLiteral("HZ"), 4, Kiosk3, 900));
            HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
            const auto l = h->lease(QStringLiteral("HZ"), 5, Kiosk4, 900);
            HALL_VERIFY_OK(l);
            below = l->from;
            HALL_VERIFY_OK(h->importOffline(offline(l.value(), 4, at(9, 1), Kiosk4)));
            store.absorb(h->takeChanges());
        }
        Hall h(c, at(9, 30), 5000);
        h->restore(store.snapshot());
        QVERIFY(h.loginAll());
        QCOMPARE(below, 12);
        QCOMPARE(h.touch(QStringLiteral("HZ"))->seq, 2); // not after the offline A016
        const auto next = h->lease(QStringLiteral("HZ"), 5, QStringLiteral("kiosk-5-device"), 900);
        HALL_VERIFY_OK(next);
        QCOMPARE(next->to, below - 1);
    }

    void leaseIsLimitedByTheQuotaAndQuotasCountIt()
    {
        HallConfig c = standardConfig();
        businessIn(c, QStringLiteral("HZ"))->quota = morningQuota(5);
        Hall h(c);
        QVERIFY(h.loginAll());
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
        const auto l = h->lease(QStringLiteral("HZ"), 30, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        QCOMPARE(l->size(), 3); // what the quota has left
        // The leased numbers hold the quota: nothing is left online, and no second lease.
        QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 0);
        HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::QuotaFull);
        HALL_VERIFY_ERROR(h->lease(QStringLiteral("HZ"), 1, Kiosk4, 900), ErrorCode::QuotaFull);
        // Every offline ticket of the lease still joins, and the quota ends exactly full.
        h.clock.set(at(9, 30));
        for (int i = 0; i < l->size(); ++i)
            HALL_VERIFY_OK(h->importOffline(offline(l.value(), i, at(9, 10 + i))));
        QCOMPARE(h.businessStatus(QStringLiteral("HZ")).issuedToday, 5);
        QCOMPARE(h.businessStatus(QStringLiteral("HZ")).remaining, 0);
        QCOMPARE(h->leaseUsed(l->id), 3);
        HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::QuotaFull);
    }

    void groupQuotaCountsLeases()
    {
        HallConfig c = standardConfig();
        c.groups.first().quota = morningQuota(4); // JJ and SB share it
        Hall h(c);
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("JJ"), 3, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        HALL_VERIFY_OK(h.touch(QStringLiteral("SB")));
        HALL_VERIFY_ERROR(h.touch(QStringLiteral("SB")), ErrorCode::QuotaFull);
    }

    void aNewDayVoidsLeases()
    {
        Hall h;
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        h.clock.set(at(9, 0, 1));
        h->tick();
        QVERIFY(h->leases().isEmpty());
        // Yesterday's block is void, whatever time the kiosk claims.
        HALL_VERIFY_ERROR(h->importOffline(offline(l.value(), 0, at(9, 5))), ErrorCode::LeaseExpired);
        HALL_VERIFY_ERROR(h->importOffline(offline(l.value(), 0, at(9, 5, 1))), ErrorCode::OutsideLease);
        QVERIFY(h.loginAll());
        QCOMPARE(h.touch(QStringLiteral("HZ"))->number, QStringLiteral("A001"));
        const auto today = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        HALL_VERIFY_OK(today);
        QCOMPARE(today->from, 800);
    }

    void aLeaseEndsWithItsHalfDay()
    {
        Hall h(standardConfig(), at(11, 50));
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        h.clock.set(at(13, 40));
        HALL_VERIFY_ERROR(h->importOffline(offline(l.value(), 0, at(12, 10))), ErrorCode::LeaseExpired);
        HALL_VERIFY_OK(h->importOffline(offline(l.value(), 1, at(11, 55))));
        h.clock.set(at(12, 30));
        HALL_VERIFY_ERROR(h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900), ErrorCode::Closed);
    }

    void offlineTicketsJoinInArrivalOrder()
    {
        Hall h;
        QVERIFY(h.login(QStringLiteral("1")));
        const auto l = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        h.clock.set(at(9, 5));
        const auto first = h.touch(QStringLiteral("HZ"));   // A001 at 09:05
        h.clock.set(at(9, 15));
        const auto second = h.touch(QStringLiteral("HZ"));  // A002 at 09:15
        HALL_VERIFY_OK(second);
        h.clock.set(at(9, 30));
        // Issued while the kiosk was cut off, taken in now, in the wrong order of arrival.
        const auto late = h->importOffline(offline(l.value(), 1, at(9, 10)));
        const auto early = h->importOffline(offline(l.value(), 0, at(9, 2)));
        HALL_VERIFY_OK(late);
        HALL_VERIFY_OK(early);
        QCOMPARE(early->issuedAt, at(9, 2));
        QCOMPARE(early->source, TicketSource::Touch);
        QCOMPARE(h->peopleAhead(*h->ticket(first->id)), 1);
        QCOMPARE(h->peopleAhead(*h->ticket(second->id)), 3);
        QCOMPARE(first->number, QStringLiteral("A001"));
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A800")); // 09:02, offline
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001")); // 09:05
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A801")); // 09:10, offline
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A002")); // 09:15
    }

    void aNumberIsTakenInOnce()
    {
        Hall h;
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        h.clock.set(at(9, 30));
        const auto t = h->importOffline(offline(l.value(), 3, at(9, 1)));
        HALL_VERIFY_OK(t);
        h->takeChanges();
        // The same ticket again (sent once more after a reset): the ticket already in, nothing new.
        const auto again = h->importOffline(offline(l.value(), 3, at(9, 1)));
        HALL_VERIFY_OK(again);
        QCOMPARE(again->id, t->id);
        QVERIFY(h->takeChanges().tickets.isEmpty());
        // Another ticket with a used number: refused, naming the ticket that has it.
        const auto other = h->importOffline(offline(l.value(), 3, at(9, 2)));
        HALL_VERIFY_ERROR(other, ErrorCode::NumberUsed);
        QCOMPARE(other.error().ticketId, t->id);
        QCOMPARE(h->leaseUsed(l->id), 1);
    }

    void numbersOutsideTheDevicesLeaseAreRefused()
    {
        Hall h;
        QVERIFY(h.loginAll());
        const auto mine = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        const auto theirs = h->lease(QStringLiteral("HZ"), 10, Kiosk4, 900);
        HALL_VERIFY_OK(mine);
        HALL_VERIFY_OK(theirs);
        HALL_VERIFY_ERROR(h->importOffline(offline(theirs.value(), 0, at(9, 1))), ErrorCode::OutsideLease);
        HALL_VERIFY_ERROR(h->importOffline(offline(mine.value(), 10, at(9, 1))), ErrorCode::OutsideLease);
        auto r = offline(mine.value(), 0, at(9, 1));
        r.businessCode = QStringLiteral("CRJ");
        HALL_VERIFY_ERROR(h->importOffline(r), ErrorCode::OutsideLease);
        // Before the lease existed, or in the future: the kiosk's clock is wrong.
        HALL_VERIFY_ERROR(h->importOffline(offline(mine.value(), 0, at(8, 40))), ErrorCode::OutsideLease);
        HALL_VERIFY_ERROR(h->importOffline(offline(mine.value(), 0, at(10, 0))), ErrorCode::InvalidInput);
        QCOMPARE(h->leaseUsed(mine->id), 0);
    }

    void identityRulesHoldForOfflineTickets()
    {
        Hall h;
        QVERIFY(h.loginAll());
        const auto l = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
        HALL_VERIFY_OK(l);
        const auto online = h.byIdCard(QStringLiteral("HZ"), Id1);
        HALL_VERIFY_OK(online);
        auto dup = offline(l.value(), 0, at(9, 0));
        dup.source = TicketSource::IdCard;
        dup.idNumber = Id1;
        const auto refused = h->importOffline(dup);
        HALL_VERIFY_ERROR(refused, ErrorCode::Duplicate);
        QCOMPARE(refused.error().ticketId, online->id);
        HALL_VERIFY_OK(h->blacklist(Id2, day0().addDays(3), QStringLiteral("rowdy"), 1));
        auto blocked = offline(l.value(), 1, at(9, 0));
        blocked.source = TicketSource::IdCard;
        blocked.idNumber = Id2;
        HALL_VERIFY_ERROR(h->importOffline(blocked), ErrorCode::Blacklisted);
        auto bad = offline(l.value(), 2, at(9, 0));
        bad.source = TicketSource::IdCard;
        bad.idNumber = QStringLiteral("123");
        HALL_VERIFY_ERROR(h->importOffline(bad), ErrorCode::InvalidInput);
        QCOMPARE(h->leaseUsed(l->id), 0);
    }

    void leasesSurviveARestart()
    {
        Store store;
        qint64 leaseId = 0;
        int to = 0;
        {
            Hall h;
            QVERIFY(h.loginAll());
            const auto l = h->lease(QStringLiteral("HZ"), 10, Kiosk3, 900);
            HALL_VERIFY_OK(l);
            leaseId = l->id;
            to = l->to;
            HALL_VERIFY_OK(h->importOffline(offline(l.value(), 0, at(9, 1))));
            store.absorb(h->takeChanges());
        }
        Hall h(standardConfig(), at(9, 30), 5000);
        h->restore(store.snapshot());
        QCOMPARE(h->leases().size(), 1);
        QCOMPARE(h->leaseUsed(leaseId), 1);
        QVERIFY(h.loginAll());
        QCOMPARE(h.touch(QStringLiteral("HZ"))->seq, 1);
        const auto next = h->lease(QStringLiteral("HZ"), 5, Kiosk4, 900);
        HALL_VERIFY_OK(next);
        QCOMPARE(next->from, to + 1);
        const Lease l = h->leases().first();
        HALL_VERIFY_ERROR(h->importOffline(offline(l, 0, at(9, 20))), ErrorCode::NumberUsed);
        HALL_VERIFY_OK(h->importOffline(offline(l, 1, at(9, 20))));
    }

    void aDeviceHoldsFewOpenLeases()
    {
        Hall h;
        QVERIFY(h.loginAll());
        const auto a = h->lease(QStringLiteral("HZ"), 1, Kiosk3, 900);
        HALL_VERIFY_OK(a);
        HALL_VERIFY_OK(h->lease(QStringLiteral("HZ"), 5, Kiosk3, 900));
        HALL_VERIFY_ERROR(h->lease(QStringLiteral("HZ"), 5, Kiosk3, 900), ErrorCode::InvalidState);
        HALL_VERIFY_OK(h->lease(QStringLiteral("CRJ"), 5, Kiosk3, 900));
        HALL_VERIFY_ERROR(h->lease(QStringLiteral("HZ"), 0, Kiosk4, 900), ErrorCode::InvalidInput);
        HALL_VERIFY_ERROR(h->lease(QStringLiteral("HZ"), Engine::MaxLeaseSize + 1, Kiosk4, 900), ErrorCode::InvalidInput);
        // A used-up lease no longer counts.
        HALL_VERIFY_OK(h->importOffline(offline(a.value(), 0, at(9, 0))));
        HALL_VERIFY_OK(h->lease(QStringLiteral("HZ"), 5, Kiosk3, 900));
    }
};

QTEST_GUILESS_MAIN(tst_Leases)
#include "tst_leases.moc"
