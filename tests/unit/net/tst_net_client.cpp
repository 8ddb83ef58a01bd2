// HallClient, EventStream and DeviceSignIn against the real HallServer in this process (a
// seeded SQLite copy per test, real HTTP and WebSocket on loopback; see ../server/harness.h).

#include "../server/harness.h"
#include "netawait.h"

#include <net/devicereporter.h>
#include <net/devicesignin.h>
#include <net/eventstream.h>
#include <net/hallclient.h>

#include <QLoggingCategory>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QUuid>

using namespace hall;
using namespace hall::net;
using hall::test::await;
using hall::test::describe;

namespace {

const QString Id1 = QStringLiteral("11010519491231002X");

// Evaluates its argument once (it is often the request itself).
#define VERIFY_OK(expr) \
    do { \
        const auto &r_ = (expr); \
        QVERIFY2(r_.ok(), qPrintable(describe(r_.error()))); \
    } while (false)

// Captures hall.net messages (turned up to debug) to check that nothing secret is logged.
QStringList *g_log = nullptr;
void captureLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    if (g_log)
        g_log->append(message);
}

} // namespace

class TestNetClient : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::InProcessServer> m_server;

    std::unique_ptr<HallClient> client(quint16 port = 0)
    {
        auto c = std::make_unique<HallClient>();
        c->setBackoffPolicy(Backoff::Policy{100, 800, 20});
        c->setRequestTimeout(10000);
        QString error;
        if (!c->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port ? port : m_server->port())), {}, &error))
            qWarning() << error;
        return c;
    }
    bool signIn(HallClient *c, const QString &login, const QString &password)
    {
        const auto r = await<Session>([&](QObject *ctx, auto done) { c->signIn(login, password, ctx, done); });
        if (!r)
            qWarning() << describe(r.error());
        return r.ok();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<test::InProcessServer>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        // Tickets are issued only for businesses some window serves: window 2 (HJ, CRJ) is open.
        test::Client officer(m_server->port());
        QVERIFY(officer.signIn(QStringLiteral("officer02"), QStringLiteral("demo-officer-2026")));
        const test::Answer a = officer.call("POST", QStringLiteral("/api/v1/halls/swzx/windows/2/login"), QJsonObject());
        QVERIFY2(a.status == 200, qPrintable(a.describe()));
    }
    void cleanup() { m_server.reset(); }

    void typedCalls()
    {
        auto kiosk = client();
        const auto health = await<Health>([&](QObject *ctx, auto done) { kiosk->health(ctx, done); });
        VERIFY_OK(health);
        QCOMPARE(health->status, QStringLiteral("ok"));
        QVERIFY(health->halls.contains(QStringLiteral("swzx")));
        QCOMPARE(kiosk->connectionStatus().state, ConnectionStatus::State::Online);

        QVERIFY(signIn(kiosk.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        QCOMPARE(kiosk->hall(), QStringLiteral("swzx")); // from the sign-in reply
        const auto me = await<Account>([&](QObject *ctx, auto done) { kiosk->me(ctx, done); });
        VERIFY_OK(me);
        QCOMPARE(me->login, QStringLiteral("kiosk1"));
        QCOMPARE(me->role, QStringLiteral("kiosk"));

        IssueRequest req;
        req.business = QStringLiteral("HJ");
        req.source = core::TicketSource::IdCard;
        req.idNumber = Id1;
        const auto t1 = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueTicket(req, ctx, done); });
        VERIFY_OK(t1);
        QCOMPARE(t1->number, QStringLiteral("A001"));
        QCOMPARE(t1->status, core::TicketStatus::Waiting);
        QCOMPARE(t1->source, core::TicketSource::IdCard);
        QCOMPARE(t1->peopleAhead, 0);
        QVERIFY(!t1->ticketLines.isEmpty());

        // The server's refusal arrives as its status, code, message and ticket.
        const auto dup = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueTicket(req, ctx, done); });
        QVERIFY(!dup);
        QCOMPARE(dup.error().kind, ApiError::Kind::Http);
        QCOMPARE(dup.error().httpStatus, 409);
        QCOMPARE(dup.error().code, QStringLiteral("duplicate"));
        QVERIFY2(dup.error().message.contains(QStringLiteral("A001")), qPrintable(dup.error().message));
        QCOMPARE(dup.error().ticketId, t1->id);
        QCOMPARE(kiosk->connectionStatus().state, ConnectionStatus::State::Online); // a refusal is not an outage

        IssueRequest touch;
        touch.business = QStringLiteral("HJ");
        const auto t2 = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueTicket(touch, ctx, done); });
        VERIFY_OK(t2);
        QCOMPARE(t2->peopleAhead, 1);
        const auto again = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->ticket(t2->id, ctx, done); });
        VERIFY_OK(again);
        QCOMPARE(again->number, t2->number);
        const auto reprint = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->reprintTicket(t2->id, ctx, done); });
        VERIFY_OK(reprint);
        QCOMPARE(reprint->number, t2->number);
        QCOMPARE(reprint->printCount, t2->printCount + 1);
        const auto missing = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->ticket(9999, ctx, done); });
        QVERIFY(!missing);
        QCOMPARE(missing.error().httpStatus, 404);
        QCOMPARE(missing.error().code, QStringLiteral("not_found"));

        const auto businesses = await<QList<BusinessStatus>>([&](QObject *ctx, auto done) { kiosk->businesses(ctx, done); });
        VERIFY_OK(businesses);
        const auto hj = std::find_if(businesses->cbegin(), businesses->cend(), [](const BusinessStatus &b) { return b.code == QLatin1String("HJ"); });
        QVERIFY(hj != businesses->cend());
        QCOMPARE(hj->waiting, 2);
        QCOMPARE(hj->issuedToday, 2);

        // A role the kiosk does not have.
        const auto cfgAsKiosk = await<core::HallConfig>([&](QObject *ctx, auto done) { kiosk->hallConfig(ctx, done); });
        QVERIFY(!cfgAsKiosk);
        QCOMPARE(cfgAsKiosk.error().httpStatus, 403);
        QCOMPARE(cfgAsKiosk.error().code, QStringLiteral("forbidden"));

        // The officer's day at window 1.
        auto officer = client();
        QVERIFY(signIn(officer.get(), QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
        const auto login = await<WindowStatus>([&](QObject *ctx, auto done) { officer->windowLogin(QStringLiteral("1"), {}, ctx, done); });
        VERIFY_OK(login);
        QCOMPARE(login->state, core::WindowState::Idle);
        const auto call = await<CallResult>([&](QObject *ctx, auto done) { officer->callNext(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(call);
        QVERIFY(call->ticket);
        QCOMPARE(call->ticket->id, t1->id);
        QCOMPARE(call->ticket->status, core::TicketStatus::Called);
        QVERIFY(call->countdownUntil.isValid());
        const auto recall = await<CallResult>([&](QObject *ctx, auto done) { officer->recall(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(recall);
        QCOMPARE(recall->ticket->callCount, 2);
        const auto serving = await<TicketInfo>([&](QObject *ctx, auto done) { officer->start(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(serving);
        QCOMPARE(serving->status, core::TicketStatus::Serving);
        const auto sub = await<TicketInfo>([&](QObject *ctx, auto done) { officer->issueSubTicket(t1->id, QStringLiteral("CRJ"), ctx, done); });
        VERIFY_OK(sub);
        QCOMPARE(sub->masterId, t1->id);
        const auto hung = await<TicketInfo>([&](QObject *ctx, auto done) { officer->hang(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(hung);
        QCOMPARE(hung->status, core::TicketStatus::Hung);
        const auto back = await<CallResult>([&](QObject *ctx, auto done) { officer->callBack(QStringLiteral("1"), t1->id, ctx, done); });
        VERIFY_OK(back);
        QCOMPARE(back->ticket->id, t1->id);
        const auto done1 = await<TicketInfo>([&](QObject *ctx, auto done) { officer->finish(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(done1);
        QCOMPARE(done1->status, core::TicketStatus::Done);
        const auto special = await<CallResult>([&](QObject *ctx, auto done) { officer->specialCall(QStringLiteral("1"), t2->id, ctx, done); });
        VERIFY_OK(special);
        QCOMPARE(special->ticket->id, t2->id);
        const auto missed = await<TicketInfo>([&](QObject *ctx, auto done) { officer->miss(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(missed);
        QCOMPARE(missed->status, core::TicketStatus::Missed);
        const auto virt = await<TicketInfo>([&](QObject *ctx, auto done) { officer->virtualTicket(QStringLiteral("1"), QStringLiteral("HJ"), ctx, done); });
        VERIFY_OK(virt);
        QCOMPARE(virt->source, core::TicketSource::Virtual);
        const auto moved = await<TicketInfo>([&](QObject *ctx, auto done) { officer->transfer(QStringLiteral("1"), TransferRequest{QStringLiteral("2"), {}, 0}, ctx, done); });
        VERIFY_OK(moved);
        QCOMPARE(moved->targetWindow, QStringLiteral("2"));
        const auto paused = await<WindowStatus>([&](QObject *ctx, auto done) { officer->pause(QStringLiteral("1"), QStringLiteral("break"), QStringLiteral("午休"), ctx, done); });
        VERIFY_OK(paused);
        QCOMPARE(paused->state, core::WindowState::Paused);
        QCOMPARE(paused->pauseReason, QStringLiteral("午休"));
        const auto next = await<CallResult>([&](QObject *ctx, auto done) { officer->callNext(QStringLiteral("1"), ctx, done); });
        QVERIFY(!next);
        QCOMPARE(next.error().code, QStringLiteral("window_paused"));
        const auto resumed = await<WindowStatus>([&](QObject *ctx, auto done) { officer->resume(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(resumed);
        QCOMPARE(resumed->state, core::WindowState::Idle);
        const auto calls = await<QList<CallRecord>>([&](QObject *ctx, auto done) { officer->calls(10, ctx, done); });
        VERIFY_OK(calls);
        QVERIFY2(calls->size() >= 4, qPrintable(QString::number(calls->size())));
        TicketFilter doneFilter;
        doneFilter.status = core::TicketStatus::Done;
        const auto doneTickets = await<QList<TicketInfo>>([&](QObject *ctx, auto done) { officer->tickets(doneFilter, ctx, done); });
        VERIFY_OK(doneTickets);
        QVERIFY2(std::any_of(doneTickets->cbegin(), doneTickets->cend(), [&](const TicketInfo &t) { return t.id == t1->id; }), "A001 is done");
        for (const TicketInfo &t : *doneTickets)
            QVERIFY2(t.status == core::TicketStatus::Done, qPrintable(t.number)); // the filter reached the server
        TicketFilter crj;
        crj.business = QStringLiteral("CRJ");
        const auto crjTickets = await<QList<TicketInfo>>([&](QObject *ctx, auto done) { officer->tickets(crj, ctx, done); });
        VERIFY_OK(crjTickets);
        QCOMPARE(crjTickets->size(), 1);
        QCOMPARE(crjTickets->first().id, sub->id);
        const auto out = await<WindowStatus>([&](QObject *ctx, auto done) { officer->windowLogout(QStringLiteral("1"), ctx, done); });
        VERIFY_OK(out);
        QCOMPARE(out->state, core::WindowState::Offline);
        const auto signedOut = await<bool>([&](QObject *ctx, auto done) { officer->signOut(ctx, done); });
        VERIFY_OK(signedOut);
        QVERIFY(!officer->hasToken());
    }

    void leaseCalls()
    {
        auto kiosk = client();
        QVERIFY(signIn(kiosk.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        const auto lease = await<Lease>([&](QObject *ctx, auto done) { kiosk->requestLease(QStringLiteral("HJ"), 20, QStringLiteral("net-test-device"), ctx, done); });
        VERIFY_OK(lease);
        QCOMPARE(lease->business, QStringLiteral("HJ"));
        // Leases come from the business's high range (leaseFrom: the top fifth, 800 of 001–999).
        QCOMPARE(lease->from, 800);
        QCOMPARE(lease->to, 819);
        QCOMPARE(lease->toNumber, QStringLiteral("A819"));
        QCOMPARE(lease->digits, 3);
        QCOMPARE(lease->day, QDate(2026, 11, 23));
        QCOMPARE(lease->until, QDateTime(QDate(2026, 11, 23), QTime(12, 0)));
        const auto list = await<QList<Lease>>([&](QObject *ctx, auto done) { kiosk->leases(ctx, done); });
        VERIFY_OK(list);
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->first().id, lease->id);
        // Refusals come back with the server's code and message.
        const auto tooBig = await<Lease>([&](QObject *ctx, auto done) { kiosk->requestLease(QStringLiteral("HJ"), 500, QStringLiteral("net-test-device"), ctx, done); });
        QVERIFY(!tooBig);
        QCOMPARE(tooBig.error().code, QStringLiteral("invalid_input"));
        auto officer = client();
        QVERIFY(signIn(officer.get(), QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
        const auto forbidden = await<Lease>([&](QObject *ctx, auto done) { officer->requestLease(QStringLiteral("HJ"), 5, QStringLiteral("officer-device"), ctx, done); });
        QVERIFY(!forbidden);
        QCOMPARE(forbidden.error().httpStatus, 403);
    }

    void supervisorCalls()
    {
        auto sup = client();
        QVERIFY(signIn(sup.get(), QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
        const auto halls = await<QList<HallInfo>>([&](QObject *ctx, auto done) { sup->halls(ctx, done); });
        VERIFY_OK(halls);
        QCOMPARE(halls->size(), 1);
        QCOMPARE(halls->first().code, QStringLiteral("swzx"));
        const auto cfg = await<core::HallConfig>([&](QObject *ctx, auto done) { sup->hallConfig(ctx, done); });
        VERIFY_OK(cfg);
        QCOMPARE(cfg->code, QStringLiteral("swzx"));
        QVERIFY(cfg->business(QStringLiteral("HJ")));
        const auto put = await<core::HallConfig>([&](QObject *ctx, auto done) { sup->putHallConfig(*cfg, ctx, done); });
        QVERIFY(!put);
        QCOMPARE(put.error().httpStatus, 403); // admins only

        const auto pw = await<QStringList>([&](QObject *ctx, auto done) { sup->releasePasswords(QStringLiteral("HJ"), 2, ctx, done); });
        VERIFY_OK(pw);
        QCOMPARE(pw->size(), 2);
        auto kiosk = client();
        QVERIFY(signIn(kiosk.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        const auto special = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueSpecialTicket(pw->first(), ctx, done); });
        VERIFY_OK(special);
        QCOMPARE(special->source, core::TicketSource::Special);
        const auto reused = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueSpecialTicket(pw->first(), ctx, done); });
        QVERIFY(!reused);
        QCOMPARE(reused.error().httpStatus, 403);
        QCOMPARE(reused.error().code, QStringLiteral("bad_password"));

        const auto listed = await<BlacklistEntry>([&](QObject *ctx, auto done) {
            sup->blacklistAdd(BlacklistRequest{Id1, {}, QDate(2026, 12, 31), QStringLiteral("test")}, ctx, done);
        });
        VERIFY_OK(listed);
        QCOMPARE(listed->until, QDate(2026, 12, 31));
        IssueRequest req;
        req.business = QStringLiteral("HJ");
        req.source = core::TicketSource::IdCard;
        req.idNumber = Id1;
        const auto refused = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueTicket(req, ctx, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("blacklisted"));
        const auto removed = await<bool>([&](QObject *ctx, auto done) { sup->blacklistRemove(Id1, {}, ctx, done); });
        VERIFY_OK(removed);
        QVERIFY(removed.value());

        const QDateTime slot(QDate(2026, 11, 23), QTime(9, 0));
        const auto booked = await<Appointment>([&](QObject *ctx, auto done) {
            sup->bookAppointment(AppointmentRequest{QStringLiteral("YY0001"), QStringLiteral("HJ"), Id1, {}, slot, slot.addSecs(1800)}, ctx, done);
        });
        VERIFY_OK(booked);
        QCOMPARE(booked->code, QStringLiteral("YY0001"));
        const auto checkedIn = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->checkInByCode(QStringLiteral("YY0001"), ctx, done); });
        VERIFY_OK(checkedIn);
        QCOMPARE(checkedIn->appointmentCode, QStringLiteral("YY0001"));
        const auto twice = await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->checkInByIdNumber(Id1, ctx, done); });
        QVERIFY2(!twice, "the appointment was used already");
        QVERIFY2(twice.error().httpStatus >= 400 && twice.error().httpStatus < 500, qPrintable(describe(twice.error())));

        const auto cleared = await<int>([&](QObject *ctx, auto done) { sup->clearQueue(QStringLiteral("test"), ctx, done); });
        VERIFY_OK(cleared);
        QCOMPARE(cleared.value(), 2); // the special ticket and the appointment's
    }

    void syncCalls()
    {
        auto kiosk = client();
        QVERIFY(signIn(kiosk.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        const QString device = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("device"), device);
        q.addQueryItem(QStringLiteral("epoch"), QStringLiteral("1"));
        q.addQueryItem(QStringLiteral("since"), QStringLiteral("0"));
        const auto pulled = await<QJsonObject>([&](QObject *ctx, auto done) { kiosk->syncPull(q, ctx, done); });
        VERIFY_OK(pulled);
        QVERIFY2(pulled->value(QStringLiteral("changes")).toArray().size() > 0, "since=0 is a full snapshot of the reference data");
        QVERIFY(pulled->contains(QStringLiteral("checkpoint")));
        // A first push that does not start at 1: refused, with what the server expects.
        const QJsonObject entry{{QStringLiteral("seq"), 2}, {QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                {QStringLiteral("kind"), QStringLiteral("rating")}, {QStringLiteral("at"), QStringLiteral("2026-11-23T09:00:00.000")},
                                {QStringLiteral("data"), QJsonObject{{QStringLiteral("ticket"), 1}, {QStringLiteral("level"), 5}, {QStringLiteral("source"), QStringLiteral("evaluator")}}}};
        const QJsonObject push{{QStringLiteral("device"), device}, {QStringLiteral("epoch"), 1}, {QStringLiteral("entries"), QJsonArray{entry}}};
        const auto gap = await<QJsonObject>([&](QObject *ctx, auto done) { kiosk->syncPush(push, ctx, done); });
        QVERIFY(!gap);
        QVERIFY2(gap.error().httpStatus == 409 && gap.error().code == QLatin1String("sequence_gap"), qPrintable(describe(gap.error())));
        QCOMPARE(gap.error().errorObject.value(QStringLiteral("expectedSeq")).toInt(), 1);
    }

    void authenticationErrors()
    {
        auto c = client();
        QSignalSpy rejected(c.get(), &HallClient::tokenRejected);
        c->setToken(QStringLiteral("not-a-token"));
        const auto me = await<Account>([&](QObject *ctx, auto done) { c->me(ctx, done); });
        QVERIFY(!me);
        QCOMPARE(me.error().httpStatus, 401);
        QCOMPARE(me.error().code, QStringLiteral("unauthenticated"));
        QVERIFY(!me.error().message.isEmpty());
        QCOMPARE(rejected.size(), 1);

        const auto bad = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("officer05"), QStringLiteral("wrong"), ctx, done); });
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, QStringLiteral("bad_credentials"));
        QVERIFY(!c->hasToken());
        // The server throttles after 5 attempts per login: the answer says how long to wait.
        Result<Session> last = bad;
        for (int i = 0; i < 5 && last.error().httpStatus != 429; ++i)
            last = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("officer05"), QStringLiteral("wrong"), ctx, done); });
        QVERIFY(!last);
        QVERIFY2(last.error().httpStatus == 429, qPrintable(describe(last.error())));
        QCOMPARE(last.error().code, QStringLiteral("too_many_attempts"));
        QVERIFY2(last.error().retryAfterSeconds >= 1, qPrintable(QString::number(last.error().retryAfterSeconds)));
    }

    void transportErrorsAndProbing()
    {
        // A port nobody listens on.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 dead = probe.serverPort();
        probe.close();
        auto c = client(dead);
        QSignalSpy status(c.get(), &HallClient::connectionStatusChanged);
        const auto h = await<Health>([&](QObject *ctx, auto done) { c->health(ctx, done); });
        QVERIFY(!h);
        QCOMPARE(h.error().kind, ApiError::Kind::Refused);
        QVERIFY(h.error().isTransport());
        QVERIFY(!h.error().message.isEmpty());
        QCOMPARE(c->connectionStatus().state, ConnectionStatus::State::Reconnecting);
        // The client probes /health by itself with growing delays.
        QTRY_VERIFY_WITH_TIMEOUT(c->connectionStatus().attempt >= 3, 5000);
        QCOMPARE(c->connectionStatus().lastError.kind, ApiError::Kind::Refused);
        // The server appears there: the probing finds it without anyone asking.
        QString error;
        QVERIFY2(m_server->restart(dead, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(c->connectionStatus().state, ConnectionStatus::State::Online, 5000);
        QVERIFY(c->connectionStatus().since.isValid());
        QVERIFY(!status.isEmpty());
    }

    void offlineAfterAWhile()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 dead = probe.serverPort();
        probe.close();
        auto c = client(dead);
        c->setOfflineAfter(400);
        const QDateTime before = QDateTime::currentDateTime();
        const auto h = await<Health>([&](QObject *ctx, auto done) { c->health(ctx, done); });
        QVERIFY(!h);
        QCOMPARE(c->connectionStatus().state, ConnectionStatus::State::Reconnecting);
        QTRY_COMPARE_WITH_TIMEOUT(c->connectionStatus().state, ConnectionStatus::State::Offline, 3000);
        QVERIFY2(c->connectionStatus().since >= before.addMSecs(-1000), "offline since the loss");
        QVERIFY2(c->connectionStatus().describe().startsWith(QStringLiteral("Offline since")), qPrintable(c->connectionStatus().describe()));
    }

    void callbackDroppedWithItsContext()
    {
        auto c = client();
        bool called = false;
        auto *context = new QObject;
        c->health(context, [&called](const Result<Health> &) { called = true; });
        delete context;
        // Another call on the same client finishes after the first one.
        const auto h = await<Health>([&](QObject *ctx, auto done) { c->health(ctx, done); });
        VERIFY_OK(h);
        QTest::qWait(100);
        QVERIFY2(!called, "the callback of a destroyed context must not run");
    }

    void eventStreamFollowsTheHall()
    {
        auto display = client();
        QVERIFY(signIn(display.get(), QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
        EventStream stream(display.get());
        QStringList order;
        QList<qint64> seqs;
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        QSignalSpy states(&stream, &EventStream::stateChanged);
        connect(&stream, &EventStream::eventReceived, this, [&](const HallEvent &e) {
            order.append(e.typeName);
            seqs.append(e.seq);
        });
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        QVERIFY(stream.isLive());
        QCOMPARE(stream.state().hall(), QStringLiteral("swzx"));
        QCOMPARE(stream.state().windows().size(), int(m_server->server->halls().engine(m_server->server->halls().ids().first())->config().windows.size()));

        auto kiosk = client();
        QVERIFY(signIn(kiosk.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        auto officer = client();
        QVERIFY(signIn(officer.get(), QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
        IssueRequest req;
        req.business = QStringLiteral("HJ");
        for (int i = 0; i < 3; ++i)
            VERIFY_OK(await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueTicket(req, ctx, done); }));
        req.business = QStringLiteral("CRJ");
        VERIFY_OK(await<TicketInfo>([&](QObject *ctx, auto done) { kiosk->issueTicket(req, ctx, done); }));
        VERIFY_OK(await<WindowStatus>([&](QObject *ctx, auto done) { officer->windowLogin(QStringLiteral("1"), {}, ctx, done); }));
        VERIFY_OK(await<CallResult>([&](QObject *ctx, auto done) { officer->callNext(QStringLiteral("1"), ctx, done); }));
        // The call's reply may come before its events: wait for the commit's summary.
        QTRY_VERIFY_WITH_TIMEOUT(stream.state().windows().value(QStringLiteral("1")).state == core::WindowState::Serving, 10000);
        QVERIFY2(states.size() >= 6, qPrintable(QString::number(states.size()))); // a summary per commit
        QCOMPARE(order.mid(0, 4), (QStringList(4, QStringLiteral("ticket.issued"))));
        QVERIFY2(order.contains(QStringLiteral("ticket.called")), qPrintable(order.join(u',')));
        QVERIFY2(order.contains(QStringLiteral("window.state")), qPrintable(order.join(u',')));
        for (int i = 1; i < seqs.size(); ++i)
            QVERIFY2(seqs.at(i) > seqs.at(i - 1), "events arrive in order");

        // The state built from hello and the summaries is what the service says now.
        const auto businesses = await<QList<BusinessStatus>>([&](QObject *ctx, auto done) { display->businesses(ctx, done); });
        const auto windows = await<QList<WindowStatus>>([&](QObject *ctx, auto done) { display->windows(ctx, done); });
        VERIFY_OK(businesses);
        VERIFY_OK(windows);
        QVERIFY2(stream.state().businessList() == businesses.value(), "HallState businesses differ from GET /businesses");
        QVERIFY2(stream.state().windowList() == windows.value(), "HallState windows differ from GET /windows");
        QCOMPARE(stream.state().businesses().value(QStringLiteral("HJ")).waiting, 2);
        QCOMPARE(stream.state().windows().value(QStringLiteral("1")).state, core::WindowState::Serving);
        QCOMPARE(snapshots.size(), 1);
    }

    void streamWaitsAsTheServerSays()
    {
        // One new stream per 3 s for the account, and none left in its bucket after the first.
        server::EventHubOptions o;
        o.reconnectBurst = 1;
        o.reconnectRefillMs = 3000;
        server::EventHub &hub = m_server->server->http().events();
        hub.setOptions(o);
        auto display = client(); // backoff 100 ms .. 800 ms: far sooner than the server allows
        QVERIFY(signIn(display.get(), QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
        EventStream stream(display.get());
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        QSignalSpy refused(&stream, &EventStream::subscriptionRefused);
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        // The stream is cut (as by a network hiccup): the client comes back at once, is told to
        // wait, and waits as long as it was told, not its own 100-800 ms.
        const qint64 account = server::AccountStore(m_server->db.get()).account(QStringLiteral("display1"))->id;
        QElapsedTimer t;
        t.start();
        hub.endAccount(account, QStringLiteral("cut"));
        QTRY_COMPARE_WITH_TIMEOUT(hub.stats().refusedReconnects, 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 10000);
        QVERIFY2(t.elapsed() >= 2500, qPrintable(QStringLiteral("back after %1 ms").arg(t.elapsed())));
        // One refusal and no more: no attempt before the time, none refused from its head.
        QCOMPARE(hub.stats().refusedReconnects, 1);
        QVERIFY(refused.isEmpty()); // being told to wait is not a refusal
        QVERIFY(stream.isLive());
    }

    void reconnectAfterServerRestart()
    {
        auto display = client();
        QVERIFY(signIn(display.get(), QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
        EventStream stream(display.get());
        stream.setHeartbeat(500, 2000);
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        QList<ConnectionStatus::State> seen;
        connect(display.get(), &HallClient::connectionStatusChanged, this, [&seen](const ConnectionStatus &s) {
            if (seen.isEmpty() || seen.last() != s.state)
                seen.append(s.state);
        });
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        QCOMPARE(display->connectionStatus().state, ConnectionStatus::State::Online);
        const quint16 port = m_server->port();

        // The server goes away …
        m_server->server.reset();
        QTRY_VERIFY2_WITH_TIMEOUT(!stream.isLive(), "the stream should notice the server is gone", 5000);
        QTRY_COMPARE_WITH_TIMEOUT(display->connectionStatus().state, ConnectionStatus::State::Reconnecting, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(display->connectionStatus().attempt >= 2, 5000);
        QVERIFY(!display->connectionStatus().lastError.message.isEmpty());
        // … and comes back on the same port, with a ticket issued meanwhile.
        QString error;
        QVERIFY2(m_server->restart(port, &error), qPrintable(error));
        test::Client kioskHttp(port);
        QVERIFY(kioskHttp.signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        // Nothing to do for the app: the stream resubscribes and a fresh snapshot arrives.
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 10000);
        QVERIFY(stream.isLive());
        QCOMPARE(display->connectionStatus().state, ConnectionStatus::State::Online);
        QCOMPARE(seen.mid(seen.indexOf(ConnectionStatus::State::Reconnecting)),
                 (QList<ConnectionStatus::State>{ConnectionStatus::State::Reconnecting, ConnectionStatus::State::Online}));
        const test::Answer issued = kioskHttp.call("POST", QStringLiteral("/api/v1/halls/swzx/tickets"), QJsonObject{{QStringLiteral("business"), QStringLiteral("HJ")}});
        QVERIFY2(issued.status == 201, qPrintable(issued.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(stream.state().businesses().value(QStringLiteral("HJ")).waiting, 1, 5000);
        const auto businesses = await<QList<BusinessStatus>>([&](QObject *ctx, auto done) { display->businesses(ctx, done); });
        VERIFY_OK(businesses);
        QVERIFY2(stream.state().businessList() == businesses.value(), "after the restart the state is the new server's");
    }

    // DeviceReporter: changes of one turn go as one report, the typed reply is the server's
    // view, a heartbeat changes nothing, a refused state is not sent again until it changes,
    // and supervisors read it back through HallClient::devices.
    void deviceReporterReportsChangesOnce()
    {
        auto kiosk = client();
        QVERIFY(signIn(kiosk.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        DeviceReporter reporter(kiosk.get(), QStringLiteral("kiosk 01/东门"));
        QCOMPARE(reporter.device(), QStringLiteral("kiosk-01---")); // what the server takes
        QSignalSpy reported(&reporter, &DeviceReporter::reported);
        QSignalSpy failed(&reporter, &DeviceReporter::failed);
        reporter.setPart(QStringLiteral("printer"), QStringLiteral("ok"));
        reporter.setPart(QStringLiteral("idcard"), QStringLiteral("offline"), QStringLiteral("unplugged"));
        reporter.start();
        QVERIFY(reported.wait(5000));
        QCOMPARE(reported.size(), 1);
        const DeviceStatusInfo info = reported.at(0).at(0).value<DeviceStatusInfo>();
        QCOMPARE(info.condition, QStringLiteral("fault"));
        QCOMPARE(info.parts.size(), 2);
        QCOMPARE(info.parts.at(1).message, QStringLiteral("unplugged"));
        QVERIFY(!reporter.isPending());

        reporter.setPart(QStringLiteral("printer"), QStringLiteral("ok")); // no change: nothing sent
        QTest::qWait(300);
        QCOMPARE(reported.size(), 1);
        reporter.setPart(QStringLiteral("printer"), QStringLiteral("sideways")); // the server refuses it
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.at(0).at(0).value<ApiError>().code, QStringLiteral("invalid_input"));
        reporter.setEverySeconds(5);
        QTest::qWait(5500); // a heartbeat came and went
        QCOMPARE(failed.size(), 1); // the refused state is not sent again and again
        QCOMPARE(reported.size(), 1);
        reporter.setPart(QStringLiteral("printer"), QStringLiteral("paper_low"));
        QTRY_COMPARE_WITH_TIMEOUT(reported.size(), 2, 5000);

        auto supervisor = client();
        QVERIFY(signIn(supervisor.get(), QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
        const auto devices = await<QList<DeviceStatusInfo>>([&](QObject *ctx, auto done) { supervisor->devices(ctx, done); });
        QVERIFY2(devices, qPrintable(describe(devices.error())));
        QCOMPARE(devices->size(), 1);
        QCOMPARE(devices->at(0).device, QStringLiteral("kiosk-01---"));
        QCOMPARE(devices->at(0).parts.at(0).state, QStringLiteral("paper_low"));
        QVERIFY(devices->at(0).reachable);
    }

    void deviceSignInKeepsItsToken()
    {
        MemoryTokenStore store;
        // First start: nothing stored, signs in with the provisioning password and stores the token.
        auto c1 = client();
        DeviceSignIn first(c1.get(), &store, QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        QSignalSpy firstDone(&first, &DeviceSignIn::signedIn);
        first.start();
        QTRY_COMPARE_WITH_TIMEOUT(firstDone.size(), 1, 10000);
        QCOMPARE(firstDone.first().first().value<DeviceSignIn::Outcome>(), DeviceSignIn::Outcome::SignedIn);
        QCOMPARE(store.writes, 1);
        const QByteArray token = store.tokens.value(first.storeKey());
        QVERIFY(!token.isEmpty());
        QCOMPARE(c1->token().toLatin1(), token);

        // Next start: the stored token works; the password is not used (a wrong one proves it).
        auto c2 = client();
        DeviceSignIn second(c2.get(), &store, QStringLiteral("kiosk1"), QStringLiteral("wrong password"));
        QSignalSpy secondDone(&second, &DeviceSignIn::signedIn);
        second.start();
        QTRY_COMPARE_WITH_TIMEOUT(secondDone.size(), 1, 10000);
        QCOMPARE(secondDone.first().first().value<DeviceSignIn::Outcome>(), DeviceSignIn::Outcome::StoredToken);
        QCOMPARE(store.writes, 1);
        QCOMPARE(c2->token().toLatin1(), token);

        // The token is revoked: the next start signs in again and stores the new token.
        VERIFY_OK(await<bool>([&](QObject *ctx, auto done) { c1->signOut(ctx, done); }));
        auto c3 = client();
        DeviceSignIn third(c3.get(), &store, QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
        QSignalSpy thirdDone(&third, &DeviceSignIn::signedIn);
        third.start();
        QTRY_COMPARE_WITH_TIMEOUT(thirdDone.size(), 1, 10000);
        QCOMPARE(thirdDone.first().first().value<DeviceSignIn::Outcome>(), DeviceSignIn::Outcome::SignedIn);
        QCOMPARE(store.writes, 2);
        QVERIFY(store.tokens.value(third.storeKey()) != token);

        // Revoked while running: the first refused request starts the sign-in by itself.
        test::Client other(m_server->port());
        other.token = c3->token();
        QCOMPARE(other.call("POST", QStringLiteral("/api/v1/auth/logout"), QJsonObject()).status, 200);
        const auto refused = await<Account>([&](QObject *ctx, auto done) { c3->me(ctx, done); });
        QCOMPARE(refused.error().code, QStringLiteral("unauthenticated"));
        QTRY_COMPARE_WITH_TIMEOUT(thirdDone.size(), 2, 10000);
        QCOMPARE(store.writes, 3);
        VERIFY_OK(await<Account>([&](QObject *ctx, auto done) { c3->me(ctx, done); }));
    }

    void deviceStartsOfflineWithItsToken()
    {
        MemoryTokenStore store;
        store.tokens.insert(QStringLiteral("token/display1"), "stored-token");
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 dead = probe.serverPort();
        probe.close();
        auto c = client(dead);
        DeviceSignIn d(c.get(), &store, QStringLiteral("display1"), QStringLiteral("demo-display-2026"));
        QSignalSpy done(&d, &DeviceSignIn::signedIn);
        d.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
        QCOMPARE(done.first().first().value<DeviceSignIn::Outcome>(), DeviceSignIn::Outcome::Offline);
        QCOMPARE(c->token(), QStringLiteral("stored-token"));
        QCOMPARE(store.writes, 0);
    }

    void nothingSecretIsLogged()
    {
        QStringList log;
        g_log = &log;
        QLoggingCategory::setFilterRules(QStringLiteral("hall.net.debug=true"));
        const QtMessageHandler previous = qInstallMessageHandler(captureLog);
        auto c = client();
        QVERIFY(signIn(c.get(), QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
        const QString token = c->token();
        IssueRequest req;
        req.business = QStringLiteral("HJ");
        req.source = core::TicketSource::IdCard;
        req.idNumber = Id1;
        VERIFY_OK(await<TicketInfo>([&](QObject *ctx, auto done) { c->issueTicket(req, ctx, done); }));
        QVERIFY(!await<TicketInfo>([&](QObject *ctx, auto done) { c->issueTicket(req, ctx, done); })); // refused: logged
        EventStream stream(c.get());
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        m_server->server.reset(); // reconnect messages too
        QTRY_VERIFY_WITH_TIMEOUT(!stream.isLive(), 5000);
        QTest::qWait(300);
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(QString());
        g_log = nullptr;
        QVERIFY2(!log.isEmpty(), "the test must see the client's messages to prove anything");
        for (const QString &line : std::as_const(log)) {
            QVERIFY2(!line.contains(token), qPrintable(QStringLiteral("token in the log: ") + line));
            QVERIFY2(!line.contains(Id1), qPrintable(QStringLiteral("ID number in the log: ") + line));
            QVERIFY2(!line.contains(QStringLiteral("demo-kiosk-2026")), qPrintable(line));
        }
    }
};

QTEST_GUILESS_MAIN(TestNetClient)
#include "tst_net_client.moc"
