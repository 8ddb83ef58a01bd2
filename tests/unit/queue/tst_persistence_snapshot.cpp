// What takeChanges() reports, and Q16 "the queue survives a server restart": an Engine
// restored from a Snapshot built from the changed tickets/windows/... continues numbering,
// quotas and queue order exactly as the engine that kept running.

#include "hallfixture.h"

#include <QJsonDocument>

using namespace hallfixture;
using hall::core::CallPolicy;

class tst_PersistenceSnapshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changesOfAnIssue();
    void changesOfACall();
    void changesAccumulateUntilTaken();
    void eventsCarryNoIdentity();
    void failedOperationsChangeNothing_data();
    void failedOperationsChangeNothing();
    void restoreContinues_data();
    void restoreContinues();
    void restoreOnTheNextDay();
    void restoreClearsOnlyEarlierDays();
};

namespace {

QStringList eventTypes(const ChangeSet &c)
{
    QStringList out;
    for (const auto &e : c.events)
        out << e.type;
    return out;
}

QStringList auditActions(const ChangeSet &c)
{
    QStringList out;
    for (const auto &a : c.audit)
        out << a.action;
    return out;
}

} // namespace

void tst_PersistenceSnapshot::changesOfAnIssue()
{
    Hall h;
    QVERIFY(h.loginAll());
    h->takeChanges();
    const auto t = h.byIdCard(QStringLiteral("HZ"), Id2);
    HALL_VERIFY_OK(t);
    const ChangeSet c = h->takeChanges();
    QCOMPARE(c.tickets.keys(), QList<qint64>{t->id});
    const Ticket &stored = c.tickets.first();
    QCOMPARE(stored.number, QStringLiteral("A001"));
    QCOMPARE(stored.status, TicketStatus::Waiting);
    QCOMPARE(stored.identityHash, sha256(Id2));
    QCOMPARE(stored.orderKey, t->orderKey);
    QVERIFY(c.windows.isEmpty());
    QVERIFY(c.calls.isEmpty());
    QCOMPARE(auditActions(c), QStringList{u"issue"_s});
    QCOMPARE(c.audit.first().ticketId, t->id);
    QCOMPARE(c.audit.first().actor, 900);
    QCOMPARE(c.audit.first().at, at(9, 0));
    QCOMPARE(eventTypes(c), QStringList{u"ticket.issued"_s});
    QCOMPARE(c.events.first().data.value(QStringLiteral("number")).toString(), QStringLiteral("A001"));
    QCOMPARE(c.events.first().data.value(QStringLiteral("business")).toString(), QStringLiteral("HZ"));
    QVERIFY(h->takeChanges().isEmpty());
}

void tst_PersistenceSnapshot::changesOfACall()
{
    Hall h;
    QVERIFY(h.loginAll());
    const auto a1 = h.touch(QStringLiteral("HZ"));
    const auto a2 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    h.clock.advanceSecs(120);
    h->takeChanges();

    const auto r = h->callNext(QStringLiteral("1"), 33);
    HALL_VERIFY_OK(r);
    const ChangeSet c = h->takeChanges();
    // Both tickets changed: A001 finished, A002 called.
    QCOMPARE(c.tickets.value(a1->id).status, TicketStatus::Done);
    QCOMPARE(c.tickets.value(a1->id).finishedAt, at(9, 2));
    QCOMPARE(c.tickets.value(a2->id).status, TicketStatus::Called);
    QCOMPARE(c.tickets.value(a2->id).windowId, Win1);
    QCOMPARE(c.tickets.value(a2->id).officerId, officerFor(QStringLiteral("1")));
    QCOMPARE(c.windows.keys(), QList<qint64>{Win1});
    QCOMPARE(c.windows.value(Win1).currentTicketId, a2->id);
    QCOMPARE(c.windows.value(Win1).state, WindowState::Serving);
    QCOMPARE(c.calls.size(), 1);
    QCOMPARE(c.calls.first().ticketId, a2->id);
    QCOMPARE(c.calls.first().windowId, Win1);
    QCOMPARE(c.calls.first().kind, CallKind::Next);
    QCOMPARE(c.calls.first().at, at(9, 2));
    QCOMPARE(auditActions(c), (QStringList{u"finish"_s, u"call-next"_s}));
    QCOMPARE(c.audit.last().actor, 33);
    QVERIFY(eventTypes(c).contains(QStringLiteral("ticket.finished")));
    QVERIFY(eventTypes(c).contains(QStringLiteral("ticket.called")));
    QVERIFY(eventTypes(c).contains(QStringLiteral("window.state")));
}

void tst_PersistenceSnapshot::changesAccumulateUntilTaken()
{
    Hall h;
    QVERIFY(h.loginAll());
    h->takeChanges();
    const auto a1 = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->start(QStringLiteral("1"), 1));
    const ChangeSet c = h->takeChanges();
    // One entry per object, holding its latest state; the log keeps every step.
    QCOMPARE(c.tickets.size(), 1);
    QCOMPARE(c.tickets.value(a1->id).status, TicketStatus::Serving);
    QCOMPARE(auditActions(c), (QStringList{u"issue"_s, u"call-next"_s, u"start"_s}));
    QCOMPARE(eventTypes(c).first(), QStringLiteral("ticket.issued"));
    QCOMPARE(eventTypes(c).last(), QStringLiteral("ticket.serving"));
}

void tst_PersistenceSnapshot::eventsCarryNoIdentity()
{
    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h.byIdCard(QStringLiteral("HZ"), Id2));
    HALL_VERIFY_OK(h.byPhone(QStringLiteral("HZ"), Phone1));
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(h->miss(QStringLiteral("1"), 1));
    const ChangeSet c = h->takeChanges();
    QVERIFY(!c.events.isEmpty());
    for (const auto &e : c.events) {
        const QByteArray json = QJsonDocument(e.data).toJson(QJsonDocument::Compact);
        for (const QString &secret : {Id2, Phone1}) {
            QVERIFY2(!json.contains(secret.toUtf8()), json.constData());
            QVERIFY2(!json.contains(sha256(secret).toHex()), json.constData());
            QVERIFY2(!json.contains(sha256(secret).toBase64()), json.constData());
        }
    }
}

void tst_PersistenceSnapshot::failedOperationsChangeNothing_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("issue: unknown business") << "issue-unknown" << ErrorCode::NotFound;
    QTest::newRow("issue: invalid ID") << "issue-invalid" << ErrorCode::InvalidInput;
    QTest::newRow("issue: duplicate") << "issue-duplicate" << ErrorCode::Duplicate;
    QTest::newRow("issue: unserved") << "issue-unserved" << ErrorCode::Unserved;
    QTest::newRow("call next: window offline") << "next-offline" << ErrorCode::WindowOffline;
    QTest::newRow("call next: queue empty") << "next-empty" << ErrorCode::QueueEmpty;
    QTest::newRow("recall: nothing called") << "recall" << ErrorCode::InvalidState;
    QTest::newRow("special call: unknown ticket") << "special" << ErrorCode::NotFound;
    QTest::newRow("call back: not hung") << "callback" << ErrorCode::InvalidState;
    QTest::newRow("start: nothing called") << "start" << ErrorCode::InvalidState;
    QTest::newRow("finish: nothing at the window") << "finish" << ErrorCode::InvalidState;
    QTest::newRow("miss: nothing called") << "miss" << ErrorCode::InvalidState;
    QTest::newRow("transfer: nothing at the window") << "transfer" << ErrorCode::InvalidState;
    QTest::newRow("hang: nothing at the window") << "hang" << ErrorCode::InvalidState;
    QTest::newRow("pause: no type") << "pause" << ErrorCode::InvalidInput;
    QTest::newRow("resume: not paused") << "resume" << ErrorCode::InvalidState;
    QTest::newRow("login: another officer") << "login" << ErrorCode::InvalidState;
    QTest::newRow("book: invalid slot") << "book" << ErrorCode::InvalidInput;
    QTest::newRow("check in: unknown code") << "checkin" << ErrorCode::NotFound;
    QTest::newRow("reprint: unknown ticket") << "reprint" << ErrorCode::NotFound;
    QTest::newRow("sub ticket: unknown master") << "sub" << ErrorCode::NotFound;
    QTest::newRow("virtual: wrong window") << "virtual" << ErrorCode::WrongWindow;
    QTest::newRow("release passwords: count 0") << "passwords" << ErrorCode::InvalidInput;
    QTest::newRow("blacklist: no reason") << "blacklist" << ErrorCode::InvalidInput;
    QTest::newRow("unblacklist: not listed") << "unblacklist" << ErrorCode::NotFound;
}

void tst_PersistenceSnapshot::failedOperationsChangeNothing()
{
    QFETCH(QString, operation);
    QFETCH(ErrorCode, code);

    Hall h;
    QVERIFY(h.loginAll());
    HALL_VERIFY_OK(h->logout(QStringLiteral("4"), 1));
    const auto a1 = h.byIdCard(QStringLiteral("HZ"), Id2);
    HALL_VERIFY_OK(a1);
    const QList<Ticket> before = h->tickets();
    h->takeChanges();

    const QString op = operation;
    auto codeOf = [](const auto &r) { return r.ok() ? ErrorCode::QueueEmpty : r.error().code; };
    ErrorCode got = ErrorCode::QueueEmpty;
    if (op == QLatin1String("issue-unknown"))
        got = codeOf(h.touch(QStringLiteral("XX")));
    else if (op == QLatin1String("issue-invalid"))
        got = codeOf(h.byIdCard(QStringLiteral("HZ"), QStringLiteral("440106202302300019")));
    else if (op == QLatin1String("issue-duplicate"))
        got = codeOf(h.byIdCard(QStringLiteral("HZ"), Id2));
    else if (op == QLatin1String("issue-unserved"))
        got = codeOf(h.touch(QStringLiteral("JJ")));
    else if (op == QLatin1String("next-offline"))
        got = codeOf(h->callNext(QStringLiteral("4"), 1));
    else if (op == QLatin1String("next-empty"))
        got = codeOf(h->callNext(QStringLiteral("2"), 1));
    else if (op == QLatin1String("recall"))
        got = codeOf(h->recall(QStringLiteral("1"), 1));
    else if (op == QLatin1String("special"))
        got = codeOf(h->specialCall(QStringLiteral("1"), 777, 1));
    else if (op == QLatin1String("callback"))
        got = codeOf(h->callBack(QStringLiteral("1"), a1->id, 1));
    else if (op == QLatin1String("start"))
        got = codeOf(h->start(QStringLiteral("1"), 1));
    else if (op == QLatin1String("finish"))
        got = codeOf(h->finish(QStringLiteral("1"), 1));
    else if (op == QLatin1String("miss"))
        got = codeOf(h->miss(QStringLiteral("1"), 1));
    else if (op == QLatin1String("transfer"))
        got = codeOf(h->transfer(QStringLiteral("1"), 0, QStringLiteral("2"), QString(), 1));
    else if (op == QLatin1String("hang"))
        got = codeOf(h->hang(QStringLiteral("1"), 1));
    else if (op == QLatin1String("pause"))
        got = codeOf(h->pause(QStringLiteral("1"), QString(), QStringLiteral("r"), 1));
    else if (op == QLatin1String("resume"))
        got = codeOf(h->resume(QStringLiteral("1"), 1));
    else if (op == QLatin1String("login"))
        got = codeOf(h->login(QStringLiteral("1"), 4242));
    else if (op == QLatin1String("book"))
        got = codeOf(h->book(QStringLiteral("YY"), QStringLiteral("HZ"), Id3, {}, at(11, 0), at(10, 0), 1));
    else if (op == QLatin1String("checkin"))
        got = codeOf(h->checkIn(QStringLiteral("YY"), 1));
    else if (op == QLatin1String("reprint"))
        got = codeOf(h->reprint(777, 1));
    else if (op == QLatin1String("sub"))
        got = codeOf(h->issueSub(777, QStringLiteral("CRJ"), 1));
    else if (op == QLatin1String("virtual"))
        got = codeOf(h->issueVirtual(QStringLiteral("2"), QStringLiteral("HZ"), 1));
    else if (op == QLatin1String("passwords"))
        got = codeOf(h->createReleasePasswords(QStringLiteral("HZ"), 0, 1));
    else if (op == QLatin1String("blacklist"))
        got = codeOf(h->blacklist(Id3, day0(), QString(), 1));
    else if (op == QLatin1String("unblacklist"))
        got = codeOf(h->unblacklist(Id3, 1));
    else
        QFAIL("unknown operation");

    QCOMPARE(got, code);
    const ChangeSet c = h->takeChanges();
    QVERIFY2(c.isEmpty(), qPrintable(auditActions(c).join(u',') + u' ' + eventTypes(c).join(u',')));
    const QList<Ticket> after = h->tickets();
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i].id, before[i].id);
        QCOMPARE(after[i].status, before[i].status);
        QCOMPARE(after[i].printCount, before[i].printCount);
    }
}

// ---------------------------------------------------------------------------------------
// Restart: a history runs on one engine while a Store absorbs its changes; a second engine
// restores from the Store's Snapshot; then the same future runs on both and must give the
// same log.

namespace {

HallConfig scenarioConfig(const QString &scenario)
{
    HallConfig cfg = standardConfig();
    businessIn(cfg, QStringLiteral("HZ"))->appointmentPrefix = QStringLiteral("Y");
    businessIn(cfg, QStringLiteral("HZ"))->quota.daily = 12;
    cfg.groups.first().quota.morning = 6;
    Window *w3 = windowIn(cfg, QStringLiteral("3"));
    if (scenario.contains(QLatin1String("weight"))) {
        w3->policy = CallPolicy::Weight;
        w3->bindings[0].weight = scenario == QLatin1String("weight 2:1") ? 2 : 1;
    } else if (scenario == QLatin1String("order")) {
        w3->policy = CallPolicy::Order;
        w3->bindings[0].order = 2;
        w3->bindings[1].order = 1;
    }
    return cfg;
}

struct Scenario
{
    QString spare; // an unused release password, for the future
    QString used;  // a used one
};

// The history before the restart. Returns what went wrong, or an empty string.
QString runHistory(Hall &h, const QString &scenario, Scenario *out)
{
    auto need = [](bool ok, const char *what) { return ok ? QString() : QString::fromLatin1(what); };
    if (!h.loginAll())
        return QStringLiteral("login");
    QString e;
    auto issue = [&](const QString &b, const QString &prio = {}, bool green = false) {
        if (e.isEmpty() && !h.touch(b, prio, green).ok())
            e = QStringLiteral("issue ") + b;
    };
    auto call = [&](const QString &w, const QString &expected) {
        const QString got = h.next(w);
        if (e.isEmpty() && got != expected)
            e = QStringLiteral("window %1 called %2, expected %3").arg(w, got, expected);
    };

    for (const char *b : {"HZ", "CRJ", "HZ", "JJ", "SB", "HZ", "CRJ"})
        issue(QString::fromLatin1(b));
    h.clock.advanceSecs(120);
    if (scenario == QLatin1String("plain")) {
        call(QStringLiteral("1"), QStringLiteral("A001"));
        e += need(h->start(QStringLiteral("1"), 1).ok(), "start");
        call(QStringLiteral("2"), QStringLiteral("B001"));
        call(QStringLiteral("4"), QStringLiteral("C001"));
        call(QStringLiteral("4"), QStringLiteral("D001"));
    } else if (scenario == QLatin1String("priorities and appointments")) {
        issue(QStringLiteral("HZ"), elderly());
        issue(QStringLiteral("CRJ"), QString(), true);
        e += need(h->book(QStringLiteral("AP1"), QStringLiteral("HZ"), Id1, {}, at(9, 30), at(10, 0), 1).ok(), "book");
        e += need(h->book(QStringLiteral("AP2"), QStringLiteral("HZ"), Id2, {}, at(9, 10), at(9, 40), 1).ok(), "book");
        e += need(h->checkIn(QStringLiteral("AP1"), 1).ok(), "check in");
        e += need(h->checkIn(QStringLiteral("AP2"), 1).ok(), "check in");
        call(QStringLiteral("3"), QStringLiteral("B003"));
        call(QStringLiteral("1"), QStringLiteral("A004"));
    } else if (scenario == QLatin1String("missed, hung and recalled")) {
        call(QStringLiteral("1"), QStringLiteral("A001"));
        e += need(h->miss(QStringLiteral("1"), 1).ok(), "miss");
        call(QStringLiteral("2"), QStringLiteral("B001"));
        e += need(h->recall(QStringLiteral("2"), 1).ok(), "recall");
        call(QStringLiteral("3"), QStringLiteral("A002"));
        e += need(h->hang(QStringLiteral("3"), 1).ok(), "hang");
        call(QStringLiteral("1"), QStringLiteral("A003"));
    } else if (scenario.startsWith(QLatin1String("weight")) || scenario == QLatin1String("order")) {
        for (int i = 0; i < 3; ++i) {
            if (h.next(QStringLiteral("3")).startsWith(u'!'))
                e = QStringLiteral("window 3 called nobody");
        }
        if (scenario == QLatin1String("weight with a virtual ticket")) {
            e += need(h->issueVirtual(QStringLiteral("3"), QStringLiteral("HZ"), 1).ok(), "virtual");
            e += need(h->finish(QStringLiteral("3"), 1).ok(), "finish");
            // Window 3 alone calls HZ and CRJ from now on, so its weights decide every call.
            e += need(h->logout(QStringLiteral("1"), 1).ok(), "logout");
            e += need(h->logout(QStringLiteral("2"), 1).ok(), "logout");
        }
    } else if (scenario == QLatin1String("sub tickets at a weighted window")) {
        const qint64 master = h->tickets().first().id; // A001
        e += need(h->issueSub(master, QStringLiteral("CRJ"), 1).ok(), "sub");
        e += need(h->issueSub(master, QStringLiteral("CRJ"), 1).ok(), "sub");
        call(QStringLiteral("3"), QStringLiteral("A001"));
        call(QStringLiteral("3"), QStringLiteral("B001"));
    } else if (scenario == QLatin1String("transfer to another business")) {
        call(QStringLiteral("1"), QStringLiteral("A001"));
        call(QStringLiteral("1"), QStringLiteral("A002"));
        call(QStringLiteral("1"), QStringLiteral("A003"));
        // The last HZ number now belongs to CRJ.
        e += need(h->transfer(QStringLiteral("1"), 0, QString(), QStringLiteral("CRJ"), 1).ok(), "transfer");
        call(QStringLiteral("4"), QStringLiteral("C001"));
        e += need(h->transfer(QStringLiteral("4"), 0, QString(), QStringLiteral("HZ"), 1).ok(), "transfer");
    } else if (scenario == QLatin1String("passwords and blacklist")) {
        const auto pws = h->createReleasePasswords(QStringLiteral("HZ"), 2, 1);
        e += need(pws.ok(), "passwords");
        if (pws.ok()) {
            out->used = pws->at(0);
            out->spare = pws->at(1);
            e += need(h->issueSpecial(out->used, 1).ok(), "special");
        }
        e += need(h->blacklist(Phone2, day0().addDays(1), QStringLiteral("爽约"), 1).ok(), "blacklist");
        e += need(h->blacklist(Id3, day0().addDays(1), QStringLiteral("爽约"), 1).ok(), "blacklist");
        e += need(h->unblacklist(Id3, 1).ok(), "unblacklist");
        e += need(h->pause(QStringLiteral("2"), QStringLiteral("会议"), QStringLiteral("例会"), 1).ok(), "pause");
    }
    return e;
}

// The same future on either engine; everything observable goes to the log.
QStringList runFuture(Hall &h, const Scenario &s)
{
    QStringList log;
    auto issued = [&](const QString &what, const hall::queue::Result<Ticket> &r) {
        log << what + QStringLiteral(" → ") + (r.ok() ? r->number : describe(r));
    };
    h.clock.advanceSecs(60);
    issued(QStringLiteral("HZ"), h.touch(QStringLiteral("HZ")));
    issued(QStringLiteral("HZ 老年人"), h.touch(QStringLiteral("HZ"), elderly()));
    issued(QStringLiteral("CRJ"), h.touch(QStringLiteral("CRJ")));
    issued(QStringLiteral("CRJ green"), h.touch(QStringLiteral("CRJ"), {}, true));
    issued(QStringLiteral("JJ"), h.touch(QStringLiteral("JJ")));
    issued(QStringLiteral("SB"), h.touch(QStringLiteral("SB")));
    issued(QStringLiteral("HZ by ID 1"), h.byIdCard(QStringLiteral("HZ"), Id1));
    issued(QStringLiteral("HZ by ID 3"), h.byIdCard(QStringLiteral("HZ"), Id3));
    issued(QStringLiteral("HZ by phone 2"), h.byPhone(QStringLiteral("HZ"), Phone2));
    issued(QStringLiteral("HZ"), h.touch(QStringLiteral("HZ")));
    issued(QStringLiteral("HZ"), h.touch(QStringLiteral("HZ")));
    if (!s.used.isEmpty()) {
        issued(QStringLiteral("used password"), h->issueSpecial(s.used, 1));
        issued(QStringLiteral("spare password"), h->issueSpecial(s.spare, 1));
    }
    const auto booked = h->book(QStringLiteral("F1"), QStringLiteral("HZ"), Id4, {}, at(9, 0), at(9, 30), 1);
    log << QStringLiteral("book F1 → ") + describe(booked);
    issued(QStringLiteral("check in AP1 again"), h->checkIn(QStringLiteral("AP1"), 1));

    for (const BusinessStatus &b : h->businessStatus()) {
        log << QStringLiteral("%1: waiting %2, issued %3, remaining %4, %5")
                   .arg(b.business->code).arg(b.waiting).arg(b.issuedToday).arg(b.remaining)
                   .arg(b.available ? QStringLiteral("available") : hall::queue::errorCodeName(b.blockedBy));
    }
    for (const WindowStatus &w : h->windowStatus()) {
        log << QStringLiteral("window %1: %2, current %3, waiting %4")
                   .arg(w.window->number, hall::core::windowStateName(w.runtime.state))
                   .arg(w.runtime.currentTicketId).arg(w.waiting);
    }
    for (const Ticket &t : h->tickets([](const Ticket &t) { return t.isQueued(); }))
        log << QStringLiteral("%1 ahead: %2").arg(t.number).arg(h->peopleAhead(t));

    for (int round = 0; round < 16; ++round) {
        h.clock.advanceSecs(60);
        for (const char *w : {"1", "2", "3", "4"}) {
            const QString window = QString::fromLatin1(w);
            if (round == 2 && window == QLatin1String("1")) {
                const auto r = h->recall(window, 1);
                log << QStringLiteral("recall 1 → ") + (r.ok() ? r->ticket.number : describe(r));
            } else if (round == 3 && window == QLatin1String("2")) {
                const auto r = h->miss(window, 1);
                log << QStringLiteral("miss 2 → ") + (r.ok() ? r->number : describe(r));
            } else {
                log << window + QStringLiteral(" → ") + h.next(window);
            }
        }
    }
    return log;
}

} // namespace

void tst_PersistenceSnapshot::restoreContinues_data()
{
    QTest::addColumn<QString>("scenario");
    for (const char *s : {"plain", "priorities and appointments", "missed, hung and recalled", "order",
                          "weight 1:1", "weight 2:1", "weight with a virtual ticket",
                          "sub tickets at a weighted window", "transfer to another business",
                          "passwords and blacklist"})
        QTest::newRow(s) << QString::fromLatin1(s);
}

void tst_PersistenceSnapshot::restoreContinues()
{
    QFETCH(QString, scenario);

    Hall running(scenarioConfig(scenario), at(9, 0));
    Scenario s;
    const QString failure = runHistory(running, scenario, &s);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    Store store;
    store.absorb(running->takeChanges());
    const QDateTime restartAt = running.clock.now();

    Hall restored(scenarioConfig(scenario), restartAt, running.nextId);
    restored->restore(store.snapshot());
    QVERIFY2(restored->takeChanges().isEmpty(), "a same-day restore has nothing to write back");
    QCOMPARE(restored->day(), running->day());
    QCOMPARE(restored->tickets().size(), running->tickets().size());

    const QStringList expected = runFuture(running, s);
    const QStringList actual = runFuture(restored, s);
    if (actual != expected) {
        for (qsizetype i = 0; i < std::min(actual.size(), expected.size()); ++i) {
            if (actual[i] != expected[i]) {
                qWarning("first difference at %lld: restored \"%s\", running \"%s\"", qlonglong(i),
                         qPrintable(actual[i]), qPrintable(expected[i]));
                break;
            }
        }
    }
    QCOMPARE(actual, expected);
    // The future did something worth comparing.
    QVERIFY(expected.filter(QStringLiteral(" → ")).size() > 20);
}

// The server was down over night: yesterday's snapshot is restored the next morning. The
// result must be what a running engine does at the rollover.
void tst_PersistenceSnapshot::restoreOnTheNextDay()
{
    Hall running(standardConfig(), at(16, 0));
    QVERIFY(running.loginAll());
    HALL_VERIFY_OK(running->pause(QStringLiteral("2"), QStringLiteral("会议"), QString(), 1));
    const auto a1 = running.touch(QStringLiteral("HZ"));
    const auto a2 = running.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    QCOMPARE(running.next(QStringLiteral("1")), QStringLiteral("A001"));
    HALL_VERIFY_OK(running->finish(QStringLiteral("1"), 1));
    QCOMPARE(running.next(QStringLiteral("3")), QStringLiteral("A002"));
    Store store;
    store.absorb(running->takeChanges());

    const QDateTime morning = at(8, 45, 1);
    running.clock.set(morning);
    running->tick();
    Hall restored(standardConfig(), morning, running.nextId);
    restored->restore(store.snapshot());
    restored->tick();

    const ChangeSet c = restored->takeChanges();
    QCOMPARE(restored->day(), day0().addDays(1));
    // The open ticket is closed and written back; yesterday's tickets leave memory.
    QCOMPARE(c.tickets.value(a2->id).status, TicketStatus::Cleared);
    QVERIFY(restored->tickets().isEmpty());
    QCOMPARE(restored->tickets().size(), running->tickets().size());
    // Yesterday's logins do not count today.
    for (const QString &w : {u"1"_s, u"2"_s, u"3"_s, u"4"_s}) {
        QCOMPARE(restored->windowStatus(w).runtime.state, WindowState::Offline);
        QCOMPARE(restored->windowStatus(w).runtime.state, running->windowStatus(w).runtime.state);
        QCOMPARE(restored->windowStatus(w).runtime.currentTicketId, 0);
    }
    for (qint64 id : {Win1, Win2, Win3, Win4}) {
        QVERIFY(c.windows.contains(id));
        QCOMPARE(c.windows.value(id).state, WindowState::Offline);
    }
    HALL_VERIFY_ERROR(restored.touch(QStringLiteral("HZ")), ErrorCode::Unserved);
    HALL_VERIFY_ERROR(running.touch(QStringLiteral("HZ")), ErrorCode::Unserved);
    QVERIFY(restored.login(QStringLiteral("1")));
    const auto t = restored.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A001"));
}

// A snapshot may hold an older ticket still open next to today's queue: only the older one
// is cleared.
void tst_PersistenceSnapshot::restoreClearsOnlyEarlierDays()
{
    Hall running(standardConfig(), at(10, 0));
    QVERIFY(running.loginAll());
    const auto a1 = running.touch(QStringLiteral("HZ"));
    const auto a2 = running.touch(QStringLiteral("HZ"));
    const auto a3 = running.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a1);
    HALL_VERIFY_OK(a2);
    HALL_VERIFY_OK(a3);
    QCOMPARE(running.next(QStringLiteral("1")), QStringLiteral("A001"));
    Store store;
    store.absorb(running->takeChanges());

    Ticket old;
    old.id = 17;
    old.hallId = HallId;
    old.businessId = BizHZ;
    old.day = day0().addDays(-1);
    old.prefix = QStringLiteral("A");
    old.seq = 99;
    old.number = QStringLiteral("A099");
    old.status = TicketStatus::Waiting;
    old.issuedAt = at(16, 0, -1);
    old.orderKey = 99;
    hall::queue::Snapshot snap = store.snapshot();
    snap.tickets.prepend(old);

    Hall restored(standardConfig(), at(10, 5), running.nextId);
    restored->restore(snap);
    const ChangeSet c = restored->takeChanges();
    QCOMPARE(c.tickets.keys(), QList<qint64>{17});
    QCOMPARE(c.tickets.value(17).status, TicketStatus::Cleared);
    QCOMPARE(restored.status(a1->id), TicketStatus::Called);
    QCOMPARE(restored.status(a2->id), TicketStatus::Waiting);
    QCOMPARE(restored.status(a3->id), TicketStatus::Waiting);
    QCOMPARE(restored->windowStatus(QStringLiteral("1")).runtime.currentTicketId, a1->id);
    QCOMPARE(restored.next(QStringLiteral("1")), QStringLiteral("A002"));
    const auto t = restored.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(t);
    QCOMPARE(t->number, QStringLiteral("A004"));
}

QTEST_GUILESS_MAIN(tst_PersistenceSnapshot)
#include "tst_persistence_snapshot.moc"
