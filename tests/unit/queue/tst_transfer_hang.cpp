// Q10 transfer of the current ticket to another window or business, keeping its original
// place in the queue; hang (挂起) and call-back (回呼) the same day.

#include "hallfixture.h"

using namespace hallfixture;

class tst_TransferHang : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transferKeepsPlace_data();
    void transferKeepsPlace();
    void transferFromServing();
    void transferToAWindowOutsideItsBusinesses();
    void transferRefused_data();
    void transferRefused();
    void hangAndCallBack();
    void callBackRefused_data();
    void callBackRefused();
    void hungTicketsAreClearedOvernight();
};

void tst_TransferHang::transferKeepsPlace_data()
{
    QTest::addColumn<QString>("toWindow");
    QTest::addColumn<QString>("toBusiness");
    QTest::addColumn<qint64>("expectedBusiness");
    QTest::addColumn<qint64>("expectedTarget");
    QTest::addColumn<bool>("window3MayCall");

    QTest::newRow("to business CRJ") << "" << "CRJ" << BizCRJ << qint64(0) << true;
    QTest::newRow("to window 2") << "2" << "" << BizHZ << Win2 << false;
    QTest::newRow("to window 2 as CRJ") << "2" << "CRJ" << BizCRJ << Win2 << false;
}

void tst_TransferHang::transferKeepsPlace()
{
    QFETCH(QString, toWindow);
    QFETCH(QString, toBusiness);
    QFETCH(qint64, expectedBusiness);
    QFETCH(qint64, expectedTarget);
    QFETCH(bool, window3MayCall);

    Hall h;
    QVERIFY(h.loginAll());
    // Arrival: B001, A001, B002, B003; window 1 (HZ) calls A001 and transfers it.
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));
    h.clock.advanceSecs(300);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    h->takeChanges();

    const auto t = h->transfer(QStringLiteral("1"), 0, toWindow, toBusiness, 42);
    HALL_VERIFY_OK(t);
    QCOMPARE(t->id, a1->id);
    QCOMPARE(t->number, QStringLiteral("A001"));
    QCOMPARE(t->status, TicketStatus::Waiting);
    QCOMPARE(t->businessId, expectedBusiness);
    QCOMPARE(t->targetWindowId, expectedTarget);
    QCOMPARE(t->windowId, 0);
    QCOMPARE(t->callCount, 0);
    QCOMPARE(t->orderKey, a1->orderKey);
    const WindowStatus w1 = h->windowStatus(QStringLiteral("1"));
    QCOMPARE(w1.runtime.currentTicketId, 0);
    QCOMPARE(w1.runtime.state, WindowState::Idle);
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.tickets.contains(a1->id));
    QVERIFY(c.windows.contains(Win1));
    QCOMPARE(c.audit.size(), 1);
    QCOMPARE(c.audit.first().action, QStringLiteral("transfer"));
    QCOMPARE(c.audit.first().actor, 42);

    // Window 1 no longer calls it.
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("!queue_empty"));
    if (window3MayCall) {
        // Any window serving the new business may call it, in its original place.
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B001"));
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A001"));
    } else {
        // Only the target window calls it; elsewhere it is invisible.
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B001"));
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("B002"));
        QCOMPARE(h.next(QStringLiteral("2")), QStringLiteral("A001"));
        QCOMPARE(h->ticket(a1->id)->targetWindowId, 0); // cleared once called
        QCOMPARE(h->ticket(a1->id)->windowId, Win2);
    }
}

void tst_TransferHang::transferFromServing()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ"), elderly()));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->start(QStringLiteral("1"), 1));
    HALL_VERIFY_OK(h->transfer(QStringLiteral("1"), a1->id, QString(), QStringLiteral("CRJ"), 1));
    // The transferred ticket keeps its place, but priority still comes first.
    QCOMPARE(h.next(QStringLiteral("2")), QStringLiteral("B001"));
    QCOMPARE(h.next(QStringLiteral("2")), QStringLiteral("A001"));
}

// A window can receive a ticket of a business it does not normally serve.
void tst_TransferHang::transferToAWindowOutsideItsBusinesses()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("JJ")));
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->transfer(QStringLiteral("1"), 0, QStringLiteral("4"), QString(), 1));
    QCOMPARE(h->windowStatus(QStringLiteral("4")).waiting, 2);
    QCOMPARE(h->windowStatus(QStringLiteral("3")).waiting, 0);
    QCOMPARE(h.next(QStringLiteral("4")), QStringLiteral("C001"));
    QCOMPARE(h.next(QStringLiteral("4")), QStringLiteral("A001"));
}

void tst_TransferHang::transferRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<QString>("toWindow");
    QTest::addColumn<QString>("toBusiness");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("nothing called at the window") << "idle" << "" << "CRJ" << ErrorCode::InvalidState;
    QTest::newRow("another window's ticket") << "other" << "" << "CRJ" << ErrorCode::InvalidState;
    QTest::newRow("no target") << "called" << "" << "" << ErrorCode::InvalidInput;
    QTest::newRow("its own window") << "called" << "1" << "" << ErrorCode::InvalidInput;
    QTest::newRow("unknown window") << "called" << "99" << "" << ErrorCode::NotFound;
    QTest::newRow("unknown business") << "called" << "" << "XX" << ErrorCode::NotFound;
    QTest::newRow("same business, no other window") << "called-on-2" << "" << "CRJ" << ErrorCode::Unserved;
    QTest::newRow("window offline") << "offline" << "2" << "" << ErrorCode::WindowOffline;
}

void tst_TransferHang::transferRefused()
{
    QFETCH(QString, situation);
    QFETCH(QString, toWindow);
    QFETCH(QString, toBusiness);
    QFETCH(ErrorCode, code);

    HallConfig cfg = standardConfig();
    // Window 3 handles HZ only here, so CRJ is served by window 2 alone.
    windowIn(cfg, QStringLiteral("3"))->bindings.removeLast();
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(h.touch(QStringLiteral("CRJ")));
    QString window = QStringLiteral("1");
    qint64 id = 0;
    if (situation == QLatin1String("called")) {
        QCOMPARE(h.next(window), QStringLiteral("A001"));
    } else if (situation == QLatin1String("other")) {
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A001"));
        id = a1->id;
    } else if (situation == QLatin1String("called-on-2")) {
        window = QStringLiteral("2");
        QCOMPARE(h.next(window), QStringLiteral("B001"));
    } else if (situation == QLatin1String("offline")) {
        HALL_VERIFY_OK(h->logout(window, 1));
    }
    h->takeChanges();
    const auto r = h->transfer(window, id, toWindow, toBusiness, 1);
    HALL_VERIFY_ERROR(r, code);
    QVERIFY(h->takeChanges().isEmpty());
    if (situation == QLatin1String("called"))
        QCOMPARE(h.status(a1->id), TicketStatus::Called);
}

void tst_TransferHang::hangAndCallBack()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    const auto a2 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->start(QStringLiteral("1"), 1));
    h->takeChanges();

    const auto hung = h->hang(QStringLiteral("1"), 1);
    HALL_VERIFY_OK(hung);
    QCOMPARE(hung->status, TicketStatus::Hung);
    QCOMPARE(hung->windowId, Win1);
    QVERIFY(hung->isOpen());
    const WindowStatus w = h->windowStatus(QStringLiteral("1"));
    QCOMPARE(w.runtime.state, WindowState::Idle);
    QCOMPARE(w.runtime.currentTicketId, 0);
    QCOMPARE(w.waiting, 1); // A002 only: a hung ticket is not in the queue
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).waiting, 1);
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.tickets.contains(a1->id));
    QCOMPARE(c.audit.first().action, QStringLiteral("hang"));

    // The next call skips the hung ticket; the window may pause while it is hung.
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A002"));
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("!queue_empty"));
    QCOMPARE(h.status(a1->id), TicketStatus::Hung);

    h.clock.advanceSecs(1800);
    h->takeChanges();
    const auto back = h->callBack(QStringLiteral("1"), a1->id, 1);
    HALL_VERIFY_OK(back);
    QCOMPARE(back->ticket.id, a1->id);
    QCOMPARE(back->ticket.status, TicketStatus::Called);
    QCOMPARE(back->finishedTicketId, a2->id);
    QCOMPARE(h.status(a2->id), TicketStatus::Done);
    QCOMPARE(h->windowStatus(QStringLiteral("1")).runtime.currentTicketId, a1->id);
    const ChangeSet c2 = h->takeChanges();
    QCOMPARE(c2.calls.size(), 1);
    QCOMPARE(c2.calls.first().kind, CallKind::CallBack);
    HALL_VERIFY_OK(h->finish(QStringLiteral("1"), 1));
    QCOMPARE(h.status(a1->id), TicketStatus::Done);
}

void tst_TransferHang::callBackRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("at another window") << "other window" << ErrorCode::WrongWindow;
    QTest::newRow("ticket not hung") << "not hung" << ErrorCode::InvalidState;
    QTest::newRow("unknown ticket") << "unknown" << ErrorCode::NotFound;
    QTest::newRow("window paused") << "paused" << ErrorCode::WindowPaused;
    QTest::newRow("nothing to hang") << "hang idle" << ErrorCode::InvalidState;
}

void tst_TransferHang::callBackRefused()
{
    QFETCH(QString, situation);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    const auto a2 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->hang(QStringLiteral("1"), 1));
    h->takeChanges();
    if (situation == QLatin1String("other window")) {
        HALL_VERIFY_ERROR(h->callBack(QStringLiteral("3"), a1->id, 1), code);
    } else if (situation == QLatin1String("not hung")) {
        HALL_VERIFY_ERROR(h->callBack(QStringLiteral("1"), a2->id, 1), code);
    } else if (situation == QLatin1String("unknown")) {
        HALL_VERIFY_ERROR(h->callBack(QStringLiteral("1"), 5555, 1), code);
    } else if (situation == QLatin1String("paused")) {
        HALL_VERIFY_OK(h->pause(QStringLiteral("1"), QStringLiteral("休息"), QString(), 1));
        h->takeChanges();
        HALL_VERIFY_ERROR(h->callBack(QStringLiteral("1"), a1->id, 1), code);
    } else {
        HALL_VERIFY_ERROR(h->hang(QStringLiteral("1"), 1), code);
    }
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h.status(a1->id), TicketStatus::Hung);
}

// Call-back is for the same day only.
void tst_TransferHang::hungTicketsAreClearedOvernight()
{
    Hall h(standardConfig(), at(16, 0));
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->hang(QStringLiteral("1"), 1));
    h->takeChanges();

    h.clock.set(at(9, 0, 1));
    QVERIFY(h.login(QStringLiteral("1")));
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.tickets.contains(a1->id));
    QCOMPARE(c.tickets.value(a1->id).status, TicketStatus::Cleared);
    HALL_VERIFY_ERROR(h->callBack(QStringLiteral("1"), a1->id, 1), ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(tst_TransferHang)
#include "tst_transfer_hang.moc"
