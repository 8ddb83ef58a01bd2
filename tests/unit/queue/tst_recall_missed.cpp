// Q7 recall up to the configured count, then automatic skip; special call; call history.
// Q8 missed tickets: callable again after N minutes at raised priority, abandoned after the
// limit. Q9 countdown after a call.

#include "hallfixture.h"

using namespace hallfixture;

class tst_RecallMissed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recallLimit_data();
    void recallLimit();
    void skipWithNobodyElseWaiting();
    void recallRefused_data();
    void recallRefused();
    void callHistory();
    void missedCallableAfter_data();
    void missedCallableAfter();
    void missedRaisedPriority_data();
    void missedRaisedPriority();
    void abandonAfterLimit_data();
    void abandonAfterLimit();
    void missRefused();
    void missedNotifyFlag_data();
    void missedNotifyFlag();
    void countdown_data();
    void countdown();
    void specialCall();
    void specialCallRefused_data();
    void specialCallRefused();
};

namespace {

const QString W1 = QStringLiteral("1");

QList<CallKind> kindsOf(const ChangeSet &c)
{
    QList<CallKind> out;
    for (const auto &r : c.calls)
        out << r.kind;
    return out;
}

const hall::queue::Event *findEvent(const ChangeSet &c, const QString &type)
{
    for (const auto &e : c.events) {
        if (e.type == type)
            return &e;
    }
    return nullptr;
}

} // namespace

void tst_RecallMissed::recallLimit_data()
{
    QTest::addColumn<int>("limit");
    QTest::newRow("1 (no recall)") << 1;
    QTest::newRow("2") << 2;
    QTest::newRow("3 (default)") << 3;
    QTest::newRow("5") << 5;
}

void tst_RecallMissed::recallLimit()
{
    QFETCH(int, limit);

    HallConfig cfg = standardConfig();
    cfg.rules.recallLimit = limit;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    const auto a2 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    h->takeChanges();

    for (int call = 2; call <= limit; ++call) {
        h.clock.advanceSecs(20);
        const auto r = h->recall(W1, officerFor(W1));
        HALL_VERIFY_OK(r);
        QCOMPARE(r->ticket.id, a1->id);
        QCOMPARE(r->ticket.callCount, call);
        QCOMPARE(r->skippedTicketId, 0);
        QCOMPARE(h.status(a1->id), TicketStatus::Called);
        QCOMPARE(kindsOf(h->takeChanges()), QList<CallKind>{CallKind::Recall});
    }

    // One more: skipped (counts as missed) and the next ticket is called.
    h.clock.advanceSecs(20);
    const auto r = h->recall(W1, officerFor(W1));
    HALL_VERIFY_OK(r);
    QCOMPARE(r->skippedTicketId, a1->id);
    QCOMPARE(r->ticket.id, a2->id);
    QCOMPARE(r->ticket.status, TicketStatus::Called);
    const Ticket *skipped = h->ticket(a1->id);
    QCOMPARE(skipped->status, TicketStatus::Missed);
    QCOMPARE(skipped->missedCount, 1);
    QCOMPARE(h->windowStatus(W1).runtime.currentTicketId, a2->id);
    const ChangeSet c = h->takeChanges();
    QCOMPARE(kindsOf(c), QList<CallKind>{CallKind::Next});
    QVERIFY(findEvent(c, QStringLiteral("ticket.missed")));
}

void tst_RecallMissed::skipWithNobodyElseWaiting()
{
    HallConfig cfg = standardConfig();
    cfg.rules.recallLimit = 2;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->recall(W1, 1));
    const auto r = h->recall(W1, 1);
    HALL_VERIFY_OK(r);
    QCOMPARE(r->skippedTicketId, a1->id);
    QCOMPARE(r->ticket.id, 0);
    const WindowStatus w = h->windowStatus(W1);
    QCOMPARE(w.runtime.currentTicketId, 0);
    QCOMPARE(w.runtime.state, WindowState::Idle);
    HALL_VERIFY_ERROR(h->recall(W1, 1), ErrorCode::InvalidState);
}

void tst_RecallMissed::recallRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("nothing called") << "idle" << ErrorCode::InvalidState;
    QTest::newRow("already being served") << "serving" << ErrorCode::InvalidState;
    QTest::newRow("window paused") << "paused" << ErrorCode::WindowPaused;
    QTest::newRow("window offline") << "offline" << ErrorCode::WindowOffline;
    QTest::newRow("unknown window") << "unknown" << ErrorCode::NotFound;
}

void tst_RecallMissed::recallRefused()
{
    QFETCH(QString, situation);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    QString window = W1;
    if (situation == QLatin1String("serving")) {
        QCOMPARE(h.next(W1), QStringLiteral("A001"));
        HALL_VERIFY_OK(h->start(W1, 1));
    } else if (situation == QLatin1String("paused")) {
        HALL_VERIFY_OK(h->pause(W1, QStringLiteral("休息"), QString(), 1));
    } else if (situation == QLatin1String("offline")) {
        HALL_VERIFY_OK(h->logout(W1, 1));
    } else if (situation == QLatin1String("unknown")) {
        window = QStringLiteral("99");
    }
    h->takeChanges();
    HALL_VERIFY_ERROR(h->recall(window, 1), code);
    QVERIFY(h->takeChanges().isEmpty());
}

void tst_RecallMissed::callHistory()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    h->takeChanges();
    ChangeSet all;
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    all.merge(h->takeChanges());
    h.clock.advanceSecs(30);
    HALL_VERIFY_OK(h->recall(W1, 77));
    all.merge(h->takeChanges());
    h.clock.advanceSecs(30);
    HALL_VERIFY_OK(h->recall(W1, 77));
    all.merge(h->takeChanges());

    QCOMPARE(kindsOf(all), (QList<CallKind>{CallKind::Next, CallKind::Recall, CallKind::Recall}));
    for (int i = 0; i < 3; ++i) {
        const auto &rec = all.calls.at(i);
        QCOMPARE(rec.ticketId, a1->id);
        QCOMPARE(rec.windowId, Win1);
        QCOMPARE(rec.officerId, officerFor(W1));
        QCOMPARE(rec.at, at(9, 0).addSecs(30 * i));
    }
    QStringList actions;
    for (const auto &a : all.audit)
        actions << a.action;
    QCOMPARE(actions, (QStringList{u"call-next"_s, u"call-recall"_s, u"call-recall"_s}));
    QCOMPARE(all.audit.last().actor, 77);
    QCOMPARE(h->ticket(a1->id)->callCount, 3);
}

void tst_RecallMissed::missedCallableAfter_data()
{
    QTest::addColumn<int>("minutes");
    QTest::newRow("10 minutes (default)") << 10;
    QTest::newRow("5 minutes") << 5;
    QTest::newRow("immediately") << 0;
}

void tst_RecallMissed::missedCallableAfter()
{
    QFETCH(int, minutes);

    HallConfig cfg = standardConfig();
    cfg.rules.missedRecallMinutes = minutes;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    h.clock.advanceSecs(60);
    h->takeChanges();
    const auto m = h->miss(W1, 1);
    HALL_VERIFY_OK(m);
    QCOMPARE(m->status, TicketStatus::Missed);
    QCOMPARE(m->missedCount, 1);
    QCOMPARE(m->callCount, 0);
    QCOMPARE(m->callableAfter, at(9, 1).addSecs(60 * minutes));
    const ChangeSet c = h->takeChanges();
    const auto *e = findEvent(c, QStringLiteral("ticket.missed"));
    QVERIFY(e);
    QCOMPARE(h->windowStatus(W1).runtime.state, WindowState::Idle);

    if (minutes > 0) {
        h.clock.set(m->callableAfter.addSecs(-1));
        QCOMPARE(h->windowStatus(W1).waiting, 0);
        QCOMPARE(h.next(W1), QStringLiteral("!queue_empty"));
    }
    h.clock.set(m->callableAfter);
    QCOMPARE(h->windowStatus(W1).waiting, 1);
    const auto again = h->callNext(W1, 1);
    HALL_VERIFY_OK(again);
    QCOMPARE(again->ticket.id, a1->id);
    QCOMPARE(again->ticket.callCount, 1);
    QCOMPARE(again->ticket.missedCount, 1);
}

void tst_RecallMissed::missedRaisedPriority_data()
{
    QTest::addColumn<int>("boost");
    QTest::addColumn<QStringList>("expected");

    // A001 (normal) is missed; A002 军人 (1) and A003 老年人 (2) arrived after it.
    QTest::newRow("no boost") << 0 << QStringList{u"A003"_s, u"A002"_s, u"A001"_s};
    QTest::newRow("boost 1 (default)") << 1 << QStringList{u"A003"_s, u"A001"_s, u"A002"_s};
    QTest::newRow("boost 2") << 2 << QStringList{u"A001"_s, u"A003"_s, u"A002"_s};
}

void tst_RecallMissed::missedRaisedPriority()
{
    QFETCH(int, boost);
    QFETCH(QStringList, expected);

    HallConfig cfg = standardConfig();
    cfg.rules.missedPriorityBoost = boost;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ"), soldier()));
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ"), elderly()));
    const auto m = h->miss(W1, 1);
    HALL_VERIFY_OK(m);
    QCOMPARE(m->priority, boost);

    h.clock.advanceSecs(60 * cfg.rules.missedRecallMinutes);
    QStringList called;
    for (qsizetype i = 0; i < expected.size(); ++i)
        called << h.next(W1);
    QCOMPARE(called, expected);
}

void tst_RecallMissed::abandonAfterLimit_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("viaRecall");

    QTest::newRow("limit 0, marked missed") << 0 << false;
    QTest::newRow("limit 1, marked missed") << 1 << false;
    QTest::newRow("limit 2, marked missed") << 2 << false;
    QTest::newRow("limit 2, skipped by recall") << 2 << true;
    QTest::newRow("limit 3, skipped by recall") << 3 << true;
}

void tst_RecallMissed::abandonAfterLimit()
{
    QFETCH(int, limit);
    QFETCH(bool, viaRecall);

    HallConfig cfg = standardConfig();
    cfg.rules.missedLimit = limit;
    cfg.rules.recallLimit = 2;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto t = h.byPhone(QStringLiteral("HZ"), Phone1);
    HALL_VERIFY_OK(t);

    for (int miss = 1; miss <= limit + 1; ++miss) {
        const auto c = h->callNext(W1, 1);
        HALL_VERIFY_OK(c);
        QCOMPARE(c->ticket.id, t->id);
        h->takeChanges();
        if (viaRecall) {
            HALL_VERIFY_OK(h->recall(W1, 1));
            const auto r = h->recall(W1, 1);
            HALL_VERIFY_OK(r);
            QCOMPARE(r->skippedTicketId, t->id);
        } else {
            HALL_VERIFY_OK(h->miss(W1, 1));
        }
        const Ticket *now = h->ticket(t->id);
        QCOMPARE(now->missedCount, miss);
        const ChangeSet changes = h->takeChanges();
        if (miss <= limit) {
            QCOMPARE(now->status, TicketStatus::Missed);
            QVERIFY(findEvent(changes, QStringLiteral("ticket.missed")));
            h.clock.advanceSecs(60 * cfg.rules.missedRecallMinutes);
        } else {
            QCOMPARE(now->status, TicketStatus::Abandoned);
            QCOMPARE(now->finishedAt, h.clock.now());
            QVERIFY(!now->isOpen());
            QVERIFY(findEvent(changes, QStringLiteral("ticket.abandoned")));
            QVERIFY(changes.tickets.contains(t->id));
        }
    }
    // Abandoned: never called again, and the person may take a new ticket.
    h.clock.advanceSecs(3600);
    QCOMPARE(h.next(W1), QStringLiteral("!queue_empty"));
    const auto fresh = h.byPhone(QStringLiteral("HZ"), Phone1);
    HALL_VERIFY_OK(fresh);
    QCOMPARE(fresh->number, QStringLiteral("A002"));
}

void tst_RecallMissed::missRefused()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    HALL_VERIFY_ERROR(h->miss(W1, 1), ErrorCode::InvalidState); // nothing called
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->start(W1, 1));
    HALL_VERIFY_ERROR(h->miss(W1, 1), ErrorCode::InvalidState); // the person came
}

void tst_RecallMissed::missedNotifyFlag_data()
{
    QTest::addColumn<bool>("byPhone");
    QTest::newRow("mobile number known: notify") << true;
    QTest::newRow("anonymous: nobody to notify") << false;
}

void tst_RecallMissed::missedNotifyFlag()
{
    QFETCH(bool, byPhone);
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(byPhone ? h.byPhone(QStringLiteral("HZ"), Phone1) : h.touch(QStringLiteral("HZ")));
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    h->takeChanges();
    HALL_VERIFY_OK(h->miss(W1, 1));
    const ChangeSet c = h->takeChanges();
    const auto *e = findEvent(c, QStringLiteral("ticket.missed"));
    QVERIFY(e);
    QCOMPARE(e->data.value(QStringLiteral("notify")).toBool(), byPhone);
    QCOMPARE(e->data.value(QStringLiteral("callableAfter")).toString(),
             at(9, 10).toString(Qt::ISODateWithMs));
}

void tst_RecallMissed::countdown_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<CallKind>("kind");

    for (int s : {60, 30, 120}) {
        for (CallKind k : {CallKind::Next, CallKind::Recall, CallKind::Special, CallKind::CallBack}) {
            QTest::addRow("%ds, %s", s, qPrintable(hall::queue::callKindName(k))) << s << k;
        }
    }
}

void tst_RecallMissed::countdown()
{
    QFETCH(int, seconds);
    QFETCH(CallKind, kind);

    HallConfig cfg = standardConfig();
    cfg.rules.countdownSeconds = seconds;
    Hall h(cfg);
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    const auto a2 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    if (kind == CallKind::Recall || kind == CallKind::CallBack)
        QCOMPARE(h.next(W1), QStringLiteral("A001"));
    if (kind == CallKind::CallBack)
        HALL_VERIFY_OK(h->hang(W1, 1));
    h.clock.advanceSecs(123);
    const QDateTime calledAt = h.clock.now();
    h->takeChanges();

    hall::queue::Result<CallResult> r = hall::queue::Error{ErrorCode::NotFound, {}};
    switch (kind) {
    case CallKind::Next: r = h->callNext(W1, 1); break;
    case CallKind::Recall: r = h->recall(W1, 1); break;
    case CallKind::Special: r = h->specialCall(W1, a2->id, 1); break;
    case CallKind::CallBack: r = h->callBack(W1, a1->id, 1); break;
    }
    HALL_VERIFY_OK(r);
    QCOMPARE(r->countdownUntil, calledAt.addSecs(seconds));
    QCOMPARE(r->ticket.calledAt, calledAt);
    const ChangeSet c = h->takeChanges();
    QCOMPARE(kindsOf(c), QList<CallKind>{kind});
    const auto *e = findEvent(c, QStringLiteral("ticket.called"));
    QVERIFY(e);
    QCOMPARE(e->data.value(QStringLiteral("countdownUntil")).toString(),
             calledAt.addSecs(seconds).toString(Qt::ISODateWithMs));
    QCOMPARE(e->data.value(QStringLiteral("window")).toString(), W1);
    QCOMPARE(e->data.value(QStringLiteral("kind")).toString(), hall::queue::callKindName(kind));
}

void tst_RecallMissed::specialCall()
{
    Hall h;
    QVERIFY(h.loginAll());
    QList<qint64> ids;
    for (int i = 0; i < 3; ++i) {
        const auto t = h.touch(QStringLiteral("HZ"));
        HALL_VERIFY_OK(t);
        ids << t->id;
    }
    QCOMPARE(h.next(W1), QStringLiteral("A001"));
    const auto r = h->specialCall(W1, ids[2], 1);
    HALL_VERIFY_OK(r);
    QCOMPARE(r->ticket.number, QStringLiteral("A003"));
    QCOMPARE(r->finishedTicketId, ids[0]);
    QCOMPARE(h.status(ids[0]), TicketStatus::Done);
    QCOMPARE(h.status(ids[2]), TicketStatus::Called);
    QCOMPARE(h.next(W1), QStringLiteral("A002"));

    // A missed ticket can be special-called before its delay is over.
    HALL_VERIFY_OK(h->miss(W1, 1));
    const auto back = h->specialCall(W1, ids[1], 1);
    HALL_VERIFY_OK(back);
    QCOMPARE(back->ticket.id, ids[1]);
}

void tst_RecallMissed::specialCallRefused_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("unknown ticket") << "unknown" << ErrorCode::NotFound;
    QTest::newRow("window does not handle the business") << "wrong window" << ErrorCode::WrongWindow;
    QTest::newRow("ticket already called") << "called" << ErrorCode::InvalidState;
    QTest::newRow("ticket finished") << "done" << ErrorCode::InvalidState;
    QTest::newRow("window paused") << "paused" << ErrorCode::WindowPaused;
}

void tst_RecallMissed::specialCallRefused()
{
    QFETCH(QString, situation);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(h.touch(QStringLiteral("HZ")));
    qint64 id = a1->id;
    QString window = W1;
    if (situation == QLatin1String("unknown")) {
        id = 31337;
    } else if (situation == QLatin1String("wrong window")) {
        window = QStringLiteral("2");
    } else if (situation == QLatin1String("called")) {
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A001"));
    } else if (situation == QLatin1String("done")) {
        QCOMPARE(h.next(QStringLiteral("3")), QStringLiteral("A001"));
        HALL_VERIFY_OK(h->finish(QStringLiteral("3"), 1));
    } else if (situation == QLatin1String("paused")) {
        HALL_VERIFY_OK(h->pause(W1, QStringLiteral("会议"), QStringLiteral("科室例会"), 1));
    }
    h->takeChanges();
    HALL_VERIFY_ERROR(h->specialCall(window, id, 1), code);
    QVERIFY(h->takeChanges().isEmpty());
}

QTEST_GUILESS_MAIN(tst_RecallMissed)
#include "tst_recall_missed.moc"
