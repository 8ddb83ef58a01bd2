// Q12 pause/resume a window with a type and reason; calling on a paused window is refused;
// businesses no open window serves are blocked at the kiosk. Q15 window states and the
// attendance problem; live waiting counts. Q16 scheduled clearing via tick() and day rollover.

#include "hallfixture.h"

using namespace hallfixture;

class tst_Windows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pauseResume_data();
    void pauseResume();
    void pauseRefused_data();
    void pauseRefused();
    void callingOnAPausedWindow_data();
    void callingOnAPausedWindow();
    void unservedBusinessBlocked_data();
    void unservedBusinessBlocked();
    void loginLogout();
    void windowStates_data();
    void windowStates();
    void waitingCounts();
    void scheduledClearing_data();
    void scheduledClearing();
    void clearingRunsOncePerDay();
    void dayRollover();
};

void tst_Windows::pauseResume_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("storedType");
    QTest::addColumn<QString>("storedReason");

    QTest::newRow("rest with reason") << "休息" << "午间用餐" << "休息" << "午间用餐";
    QTest::newRow("meeting, no reason") << "会议" << "" << "会议" << "";
    QTest::newRow("trimmed") << "  外出  " << " 现场核查 " << "外出" << "现场核查";
}

void tst_Windows::pauseResume()
{
    QFETCH(QString, type);
    QFETCH(QString, reason);
    QFETCH(QString, storedType);
    QFETCH(QString, storedReason);

    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    h.clock.advanceSecs(60);
    h->takeChanges();

    const auto p = h->pause(QStringLiteral("1"), type, reason, 81);
    HALL_VERIFY_OK(p);
    QCOMPARE(p->state, WindowState::Paused);
    QCOMPARE(p->pauseType, storedType);
    QCOMPARE(p->pauseReason, storedReason);
    QCOMPARE(p->since, at(9, 1));
    QCOMPARE(p->officerId, officerFor(QStringLiteral("1")));
    const WindowStatus s = h->windowStatus(QStringLiteral("1"));
    QCOMPARE(s.runtime.state, WindowState::Paused);
    QCOMPARE(s.runtime.pauseType, storedType);
    ChangeSet c = h->takeChanges();
    QCOMPARE(c.windows.value(Win1).state, WindowState::Paused);
    QCOMPARE(c.audit.size(), 1);
    QCOMPARE(c.audit.first().action, QStringLiteral("pause"));
    QCOMPARE(c.audit.first().actor, 81);
    QCOMPARE(c.audit.first().detail, storedType + u':' + storedReason);
    QCOMPARE(c.events.size(), 1);
    QCOMPARE(c.events.first().type, QStringLiteral("window.state"));
    QCOMPARE(c.events.first().data.value(QStringLiteral("state")).toString(), hall::core::windowStateName(WindowState::Paused));
    QCOMPARE(c.events.first().data.value(QStringLiteral("pauseReason")).toString(), storedReason);

    HALL_VERIFY_ERROR(h->callNext(QStringLiteral("1"), 1), ErrorCode::WindowPaused);

    h.clock.advanceSecs(600);
    const auto r = h->resume(QStringLiteral("1"), 81);
    HALL_VERIFY_OK(r);
    QCOMPARE(r->state, WindowState::Idle);
    QVERIFY(r->pauseType.isEmpty());
    QVERIFY(r->pauseReason.isEmpty());
    QCOMPARE(r->since, at(9, 11));
    c = h->takeChanges();
    QCOMPARE(c.audit.first().action, QStringLiteral("resume"));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
}

void tst_Windows::pauseRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<QString>("type");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("no type") << "idle" << "  " << ErrorCode::InvalidInput;
    QTest::newRow("already paused") << "paused" << "休息" << ErrorCode::InvalidState;
    QTest::newRow("a ticket is at the window") << "called" << "休息" << ErrorCode::InvalidState;
    QTest::newRow("nobody logged in") << "offline" << "休息" << ErrorCode::WindowOffline;
    QTest::newRow("resume when not paused") << "resume" << "" << ErrorCode::InvalidState;
}

void tst_Windows::pauseRefused()
{
    QFETCH(QString, situation);
    QFETCH(QString, type);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.login(QStringLiteral("1")));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    if (situation == QLatin1String("paused"))
        HALL_VERIFY_OK(h->pause(QStringLiteral("1"), QStringLiteral("会议"), QString(), 1));
    else if (situation == QLatin1String("called"))
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    else if (situation == QLatin1String("offline"))
        HALL_VERIFY_OK(h->logout(QStringLiteral("1"), 1));
    const WindowState before = h->windowStatus(QStringLiteral("1")).runtime.state;
    h->takeChanges();
    if (situation == QLatin1String("resume"))
        HALL_VERIFY_ERROR(h->resume(QStringLiteral("1"), 1), code);
    else
        HALL_VERIFY_ERROR(h->pause(QStringLiteral("1"), type, QStringLiteral("r"), 1), code);
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h->windowStatus(QStringLiteral("1")).runtime.state, before);
}

void tst_Windows::callingOnAPausedWindow_data()
{
    QTest::addColumn<QString>("operation");
    for (const char *op : {"callNext", "recall", "specialCall", "callBack", "start", "miss", "issueVirtual"})
        QTest::newRow(op) << QString::fromLatin1(op);
}

void tst_Windows::callingOnAPausedWindow()
{
    QFETCH(QString, operation);

    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(h->pause(QStringLiteral("1"), QStringLiteral("休息"), QString(), 1));
    h->takeChanges();
    const QString w = QStringLiteral("1");
    ErrorCode code = ErrorCode::NotFound;
    if (operation == QLatin1String("callNext")) {
        const auto r = h->callNext(w, 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    } else if (operation == QLatin1String("recall")) {
        const auto r = h->recall(w, 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    } else if (operation == QLatin1String("specialCall")) {
        const auto r = h->specialCall(w, a1->id, 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    } else if (operation == QLatin1String("callBack")) {
        const auto r = h->callBack(w, a1->id, 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    } else if (operation == QLatin1String("start")) {
        const auto r = h->start(w, 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    } else if (operation == QLatin1String("miss")) {
        const auto r = h->miss(w, 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    } else {
        const auto r = h->issueVirtual(w, QStringLiteral("HZ"), 1);
        QVERIFY(!r.ok());
        code = r.error().code;
    }
    QCOMPARE(code, ErrorCode::WindowPaused);
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h.status(a1->id), TicketStatus::Waiting);
    // Another window may still call it.
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A001"));
}

void tst_Windows::unservedBusinessBlocked_data()
{
    QTest::addColumn<QString>("window2");
    QTest::addColumn<QString>("window3");
    QTest::addColumn<bool>("blockUnserved");
    QTest::addColumn<bool>("available");

    // CRJ is served by windows 2 and 3.
    QTest::newRow("both offline") << "offline" << "offline" << true << false;
    QTest::newRow("both paused") << "paused" << "paused" << true << false;
    QTest::newRow("paused and offline") << "paused" << "offline" << true << false;
    QTest::newRow("one idle") << "idle" << "offline" << true << true;
    QTest::newRow("one serving, one paused") << "paused" << "serving" << true << true;
    QTest::newRow("rule off: both offline") << "offline" << "offline" << false << true;
}

void tst_Windows::unservedBusinessBlocked()
{
    QFETCH(QString, window2);
    QFETCH(QString, window3);
    QFETCH(bool, blockUnserved);
    QFETCH(bool, available);

    HallConfig cfg = standardConfig();
    cfg.rules.blockUnserved = blockUnserved;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    const QStringList windows{u"2"_s, u"3"_s};
    const QStringList states{window2, window3};
    for (int i = 0; i < 2; ++i) {
        if (states[i] == QLatin1String("offline"))
            HALL_VERIFY_OK(h->logout(windows[i], 1));
        else if (states[i] == QLatin1String("paused"))
            HALL_VERIFY_OK(h->pause(windows[i], QStringLiteral("休息"), QString(), 1));
        else if (states[i] == QLatin1String("serving"))
            HALL_VERIFY_OK(h->issueVirtual(windows[i], QStringLiteral("CRJ"), 1));
    }
    h->takeChanges();

    const BusinessStatus s = h.businessStatus(QStringLiteral("CRJ"));
    QCOMPARE(s.available, available);
    const auto t = h.byPhone(QStringLiteral("CRJ"), Phone1);
    if (available) {
        HALL_VERIFY_OK(t);
    } else {
        QCOMPARE(s.blockedBy, ErrorCode::Unserved);
        QVERIFY(!s.blockedReason.isEmpty());
        HALL_VERIFY_ERROR(t, ErrorCode::Unserved);
        QVERIFY(h->takeChanges().isEmpty());
    }
    // HZ is served by window 1 whatever happens to windows 2 and 3.
    QVERIFY(h.businessStatus(QStringLiteral("HZ")).available);
}

void tst_Windows::loginLogout()
{
    Hall h;
    const auto in = h->login(QStringLiteral("1"), 501);
    HALL_VERIFY_OK(in);
    QCOMPARE(in->state, WindowState::Idle);
    QCOMPARE(in->officerId, 501);
    HALL_VERIFY_ERROR(h->login(QStringLiteral("1"), 502), ErrorCode::InvalidState);
    HALL_VERIFY_OK(h->login(QStringLiteral("1"), 501)); // the same officer again
    HALL_VERIFY_ERROR(h->login(QStringLiteral("99"), 501), ErrorCode::NotFound);

    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    h->takeChanges();
    const auto out = h->logout(QStringLiteral("1"), 501);
    HALL_VERIFY_OK(out);
    QCOMPARE(out->state, WindowState::Offline);
    QCOMPARE(out->officerId, 0);
    QCOMPARE(out->currentTicketId, 0);
    QCOMPARE(h.status(a1->id), TicketStatus::Done); // logging out finishes the current ticket
    const ChangeSet c = h->takeChanges();
    QVERIFY(c.tickets.contains(a1->id));
    QCOMPARE(c.windows.value(Win1).state, WindowState::Offline);
    HALL_VERIFY_ERROR(h->logout(QStringLiteral("1"), 501), ErrorCode::WindowOffline);
    HALL_VERIFY_OK(h->login(QStringLiteral("1"), 502)); // free for another officer now
}

void tst_Windows::windowStates_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<QTime>("when");
    QTest::addColumn<WindowState>("state");
    QTest::addColumn<bool>("problem");

    QTest::newRow("not logged in during hours") << "offline" << QTime(9, 0) << WindowState::Offline << true;
    QTest::newRow("not logged in at lunch") << "offline" << QTime(12, 30) << WindowState::Offline << false;
    QTest::newRow("not logged in after hours") << "offline" << QTime(18, 0) << WindowState::Offline << false;
    QTest::newRow("idle") << "idle" << QTime(9, 0) << WindowState::Idle << false;
    QTest::newRow("serving") << "serving" << QTime(9, 0) << WindowState::Serving << false;
    QTest::newRow("paused 30 min") << "paused 30" << QTime(9, 30) << WindowState::Paused << false;
    QTest::newRow("paused 31 min") << "paused 31" << QTime(9, 31) << WindowState::Paused << true;
}

void tst_Windows::windowStates()
{
    QFETCH(QString, situation);
    QFETCH(QTime, when);
    QFETCH(WindowState, state);
    QFETCH(bool, problem);

    Hall h(standardConfig(), at(9, 0));
    if (situation != QLatin1String("offline"))
        QVERIFY(h.login(QStringLiteral("1")));
    if (situation == QLatin1String("serving")) {
        HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
        QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    } else if (situation.startsWith(QLatin1String("paused"))) {
        HALL_VERIFY_OK(h->pause(QStringLiteral("1"), QStringLiteral("休息"), QString(), 1));
    }
    h.clock.set(QDateTime(day0(), when));
    const WindowStatus s = h->windowStatus(QStringLiteral("1"));
    QVERIFY(s.window);
    QCOMPARE(s.window->id, Win1);
    QCOMPARE(s.runtime.state, state);
    QCOMPARE(s.attendanceProblem, problem);
    // The list form agrees.
    const QList<WindowStatus> all = h->windowStatus();
    QCOMPARE(all.size(), 4);
    QCOMPARE(all.first().window->number, QStringLiteral("1"));
    QCOMPARE(all.first().attendanceProblem, problem);
    QCOMPARE(all.first().runtime.state, state);
}

void tst_Windows::waitingCounts()
{
    Hall h;
    QVERIFY(h.loginAll());
    for (const char *b : {"HZ", "HZ", "CRJ", "HZ", "JJ"})
        HALL_VERIFY_OK(h.touch(QString::fromLatin1(b)));
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).waiting, 3);
    QCOMPARE(h.businessStatus(QStringLiteral("CRJ")).waiting, 1);
    QCOMPARE(h.businessStatus(QStringLiteral("SB")).waiting, 0);
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).issuedToday, 3);
    QCOMPARE(h->windowStatus(QStringLiteral("3")).waiting, 4);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).waiting, 2);
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).issuedToday, 3);
    QCOMPARE(h->windowStatus(QStringLiteral("3")).waiting, 3);
    QCOMPARE(h->windowStatus(QStringLiteral("4")).waiting, 1);
}

void tst_Windows::scheduledClearing_data()
{
    QTest::addColumn<QTime>("clearAt");
    QTest::addColumn<QTime>("tickAt");
    QTest::addColumn<bool>("cleared");

    QTest::newRow("18:30 rule, 18:29") << QTime(18, 30) << QTime(18, 29) << false;
    QTest::newRow("18:30 rule, 18:30") << QTime(18, 30) << QTime(18, 30) << true;
    QTest::newRow("18:30 rule, 23:00") << QTime(18, 30) << QTime(23, 0) << true;
    QTest::newRow("17:00 rule, 16:59") << QTime(17, 0) << QTime(16, 59) << false;
    QTest::newRow("17:00 rule, 17:00") << QTime(17, 0) << QTime(17, 0) << true;
}

void tst_Windows::scheduledClearing()
{
    QFETCH(QTime, clearAt);
    QFETCH(QTime, tickAt);
    QFETCH(bool, cleared);

    HallConfig cfg = standardConfig();
    cfg.rules.clearAt = clearAt;
    Hall h(cfg, at(15, 0));
    QVERIFY(h.loginAll());
    QList<qint64> ids;
    for (int i = 0; i < 6; ++i) {
        const auto t = h.touch(QStringLiteral("HZ"));
        HALL_VERIFY_OK(t);
        ids << t->id;
    }
    // A001 done, A002 missed, A003 hung, A004 serving at 1, A005 called at 3, A006 waiting.
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A002"));
    HALL_VERIFY_OK(h->miss(QStringLiteral("1"), 1));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A003"));
    HALL_VERIFY_OK(h->hang(QStringLiteral("1"), 1));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A004"));
    HALL_VERIFY_OK(h->start(QStringLiteral("1"), 1));
    QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A005"));
    QCOMPARE(h.status(ids[0]), TicketStatus::Done);
    h->takeChanges();

    h.clock.set(QDateTime(day0(), tickAt));
    h->tick();
    const ChangeSet c = h->takeChanges();
    if (!cleared) {
        QVERIFY(c.isEmpty());
        QCOMPARE(h.status(ids[5]), TicketStatus::Waiting);
        return;
    }
    QCOMPARE(h.status(ids[0]), TicketStatus::Done);
    for (int i = 1; i < 6; ++i) {
        QCOMPARE(h.status(ids[i]), TicketStatus::Cleared);
        QCOMPARE(h->ticket(ids[i])->finishedAt, QDateTime(day0(), tickAt));
        QVERIFY(c.tickets.contains(ids[i]));
        QCOMPARE(c.tickets.value(ids[i]).status, TicketStatus::Cleared);
    }
    QVERIFY(!c.tickets.contains(ids[0]));
    for (const QString &w : {u"1"_s, u"3"_s}) {
        const WindowStatus s = h->windowStatus(w);
        QCOMPARE(s.runtime.currentTicketId, 0);
        QCOMPARE(s.runtime.state, WindowState::Idle); // still logged in
    }
    QVERIFY(c.windows.contains(Win1));
    QVERIFY(c.windows.contains(Win3));
    bool event = false;
    for (const auto &e : c.events) {
        if (e.type == QLatin1String("queue.cleared")) {
            event = true;
            QCOMPARE(e.data.value(QStringLiteral("count")).toInt(), 5);
        }
    }
    QVERIFY(event);
    QCOMPARE(c.audit.last().action, QStringLiteral("clear"));
    QCOMPARE(h.businessStatus(QStringLiteral("HZ")).waiting, 0);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("!queue_empty"));
}

void tst_Windows::clearingRunsOncePerDay()
{
    HallConfig cfg = standardConfig();
    Business *hz = businessIn(cfg, QStringLiteral("HZ"));
    hz->hours.afternoonEnd = QTime(21, 0); // an evening service after the clearing
    Hall h(cfg, at(17, 0));
    QVERIFY(h.loginAll());
    const auto before = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(before);
    h.clock.set(at(18, 30));
    h->tick();
    QCOMPARE(h.status(before->id), TicketStatus::Cleared);

    h.clock.set(at(19, 0));
    const auto evening = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(evening);
    QCOMPARE(evening->number, QStringLiteral("A002"));
    h.clock.set(at(19, 5));
    h->takeChanges();
    h->tick();
    QVERIFY(h->takeChanges().isEmpty());
    QCOMPARE(h.status(evening->id), TicketStatus::Waiting);

    // The next day's clearing runs again.
    h.clock.set(at(9, 0, 1));
    QVERIFY(h.loginAll());
    const auto next = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(next);
    h.clock.set(at(18, 30, 1));
    h->tick();
    QCOMPARE(h.status(next->id), TicketStatus::Cleared);
}

void tst_Windows::dayRollover()
{
    Hall h(standardConfig(), at(16, 0));
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->pause(QStringLiteral("2"), QStringLiteral("休息"), QString(), 1));
    const auto a1 = h.touch(QStringLiteral("HZ"));
    const auto a2 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    h->takeChanges();

    // The server ran through the night without the scheduled clearing (e.g. it was down).
    h.clock.set(at(7, 0, 1));
    h->tick();
    QCOMPARE(h->day(), day0().addDays(1));
    const ChangeSet c = h->takeChanges();
    QCOMPARE(c.tickets.value(a1->id).status, TicketStatus::Cleared);
    QCOMPARE(c.tickets.value(a2->id).status, TicketStatus::Cleared);
    // Every window that was logged in is logged out, paused or not.
    for (qint64 id : {Win1, Win2, Win3, Win4}) {
        QVERIFY2(c.windows.contains(id), qPrintable(QString::number(id)));
        QCOMPARE(c.windows.value(id).state, WindowState::Offline);
        QCOMPARE(c.windows.value(id).officerId, 0);
    }
    for (const WindowStatus &s : h->windowStatus())
        QCOMPARE(s.runtime.state, WindowState::Offline);
    // Yesterday's tickets are gone from memory; numbering starts again.
    QVERIFY(h->tickets().isEmpty());
    QVERIFY(!h->ticket(a1->id));
    h.clock.set(at(9, 0, 1));
    HALL_VERIFY_ERROR(h.touch(QStringLiteral("HZ")), ErrorCode::Unserved);
    QVERIFY(h.login(QStringLiteral("1")));
    const auto t = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A001"));
    h->tick(); // nothing more to roll over
    h->takeChanges();
    h->tick();
    QVERIFY(h->takeChanges().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Windows)
#include "tst_windows.moc"
