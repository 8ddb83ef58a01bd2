// Issue 10: people ahead, the waiting counts and the next ticket of a window come from indexes
// the engine updates on every change (queue/queueindex.h). Randomized operation sequences with
// fixed seeds compare them, after every operation, with a brute-force reading of the tickets
// (the call order of docs/architecture.md "The queue engine"), so any drift of the indexes
// shows up as a failure naming the seed, the step and the operation.

#include "hallfixture.h"

#include <QRandomGenerator>

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

using namespace hallfixture;
using hall::core::CallPolicy;

class tst_QueueIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesBruteForce_data();
    void matchesBruteForce();
    void clockSetBackHidesTicketsAgain();
};

namespace {

constexpr qint64 Win5 = 25;

// Every window policy, windows sharing businesses, a window serving all of them.
HallConfig propertyConfig()
{
    HallConfig c = standardConfig();
    Window *w3 = windowIn(c, QStringLiteral("3"));
    w3->policy = CallPolicy::Weight;
    w3->bindings[0].weight = 2; // HZ twice as often as CRJ
    windowIn(c, QStringLiteral("4"))->policy = CallPolicy::Order;
    Window w5 = makeWindow(Win5, QStringLiteral("5"), {QStringLiteral("SB"), QStringLiteral("HZ"), QStringLiteral("JJ")});
    w5.policy = CallPolicy::Order;
    c.windows.append(w5);
    return c;
}

// The rules read directly off the tickets, the way the engine did before its indexes.
class Reference
{
public:
    explicit Reference(const Engine &engine) : m_engine(engine) {}

    // The engine's tickets as of the last refresh().
    const QList<Ticket> &tickets() const { return m_tickets; }
    void refresh() { m_tickets = m_engine.tickets(); }

    bool callable(const Ticket &t, const Window &w) const
    {
        const QDateTime now = m_engine.clock()->now();
        if (!t.isQueued() || t.masterId || t.day != m_engine.day())
            return false;
        if (t.status == TicketStatus::Missed && t.callableAfter.isValid() && t.callableAfter > now)
            return false;
        if (t.appointmentAt.isValid() && t.appointmentAt > now)
            return false;
        if (t.targetWindowId)
            return t.targetWindowId == w.id;
        const Business *b = m_engine.config().businessById(t.businessId);
        return b && w.serves(b->code);
    }

    static auto classOf(const Ticket &t)
    {
        return std::make_tuple(t.green ? 0 : 1, -t.priority, t.appointmentAt.isValid() ? 0 : 1,
                               t.appointmentAt.isValid() ? t.appointmentAt.toMSecsSinceEpoch() : 0);
    }

    int peopleAhead(const Ticket &t) const
    {
        if (!t.isQueued())
            return 0;
        int n = 0;
        for (const Ticket &o : tickets()) {
            if (o.id == t.id || !o.isQueued() || o.day != m_engine.day() || o.businessId != t.businessId || o.masterId)
                continue;
            if (std::make_tuple(classOf(o), o.orderKey) < std::make_tuple(classOf(t), t.orderKey))
                ++n;
        }
        return n;
    }

    double rank(const Window &w, qint64 businessId) const
    {
        const Business *b = m_engine.config().businessById(businessId);
        const hall::core::Binding *bd = nullptr;
        for (const hall::core::Binding &x : w.bindings) {
            if (b && x.businessCode == b->code)
                bd = &x;
        }
        if (!bd)
            return 0;
        switch (w.policy) {
        case CallPolicy::Arrival: return 0;
        case CallPolicy::Order: return bd->order;
        case CallPolicy::Weight: return double(servedAt.value({w.id, businessId})) / bd->weight;
        }
        return 0;
    }

    // Ties (only a transferred sub ticket shares its master's arrival) go to the lower id.
    std::optional<qint64> next(const Window &w) const
    {
        std::optional<Ticket> best;
        for (const Ticket &t : tickets()) {
            if (!callable(t, w))
                continue;
            auto key = [&](const Ticket &x) { return std::make_tuple(classOf(x), rank(w, x.businessId), x.orderKey, x.id); };
            if (!best || key(t) < key(*best))
                best = t;
        }
        return best ? std::optional(best->id) : std::nullopt;
    }

    // Calls per (window, business) that count for weighted shares, as the engine keeps them:
    // every call but a recall, and after a restore what the tickets show.
    void absorb(const ChangeSet &c)
    {
        for (const hall::queue::CallRecord &r : c.calls) {
            if (r.kind != CallKind::Recall)
                ++servedAt[{r.windowId, c.tickets.value(r.ticketId).businessId}];
        }
    }
    void restored()
    {
        servedAt.clear();
        for (const Ticket &t : tickets()) {
            if (t.day == m_engine.day() && t.windowId && t.calledAt.isValid() && !t.masterId && t.source != TicketSource::Virtual)
                ++servedAt[{t.windowId, t.businessId}];
        }
    }

    QHash<std::pair<qint64, qint64>, int> servedAt;

private:
    const Engine &m_engine;
    QList<Ticket> m_tickets;
};

// A random hall morning: tickets of every kind, calls, recalls, misses, transfers, hangs, sub
// tickets, appointments, pauses, logouts, the clock moving (sometimes back) and restarts.
class Run
{
public:
    Run(quint32 seed) : rng(seed), ref(h.engine) {}

    QString step()
    {
        const QStringList businesses{u"HZ"_s, u"CRJ"_s, u"JJ"_s, u"SB"_s};
        const QStringList windows{u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s};
        const QString biz = businesses.at(rng.bounded(businesses.size()));
        const QString win = windows.at(rng.bounded(windows.size()));
        const qint64 actor = officerFor(win);
        const int op = rng.bounded(100);
        QString what;
        picked.reset();
        ref.refresh();
        if (op < 25) {
            const QStringList levels{QString(), QString(), QString(), elderly(), soldier()};
            const QString level = levels.at(rng.bounded(levels.size()));
            const bool green = rng.bounded(12) == 0;
            what = u"issue %1 %2%3"_s.arg(biz, level, green ? u" green"_s : QString());
            h.touch(biz, level, green);
        } else if (op < 45) {
            what = u"call-next %1"_s.arg(win);
            const qint64 expected = ref.next(*h->config().window(win)).value_or(0);
            const auto r = h->callNext(win, actor);
            if (r.ok())
                picked = {expected, r->ticket.id}; // 0: the window's ticket was finished, nobody next
            else if (r.error().code == ErrorCode::QueueEmpty)
                picked = {expected, 0};
            else if (r.error().code == ErrorCode::WindowPaused) // back to work, so most calls pick
                h->resume(win, actor);
            else
                h.login(win);
        } else if (op < 52) {
            what = u"recall %1"_s.arg(win);
            const qint64 expected = ref.next(*h->config().window(win)).value_or(0);
            const auto r = h->recall(win, actor);
            if (r.ok() && r->skippedTicketId) // called too often: skipped, and the next one called
                picked = {expected, r->ticket.id};
        } else if (op < 58) {
            what = u"miss %1"_s.arg(win);
            h->miss(win, actor);
        } else if (op < 62) {
            what = u"start %1"_s.arg(win);
            h->start(win, actor);
        } else if (op < 66) {
            what = u"finish %1"_s.arg(win);
            h->finish(win, actor);
        } else if (op < 70) {
            const QString to = rng.bounded(2) ? windows.at(rng.bounded(windows.size())) : QString();
            const QString toBiz = to.isEmpty() || rng.bounded(2) ? biz : QString();
            what = u"transfer %1 to window '%2' business '%3'"_s.arg(win, to, toBiz);
            h->transfer(win, 0, to, toBiz, actor);
        } else if (op < 73) {
            what = u"hang %1"_s.arg(win);
            h->hang(win, actor);
        } else if (op < 75) {
            const QList<Ticket> hung = h->tickets([](const Ticket &t) { return t.status == TicketStatus::Hung; });
            const qint64 id = hung.isEmpty() ? 0 : hung.at(rng.bounded(hung.size())).id;
            what = u"call-back %1 %2"_s.arg(win).arg(id);
            h->callBack(win, id, actor);
        } else if (op < 78) {
            const QList<Ticket> queued = h->tickets([](const Ticket &t) { return t.isQueued(); });
            const qint64 id = queued.isEmpty() ? 0 : queued.at(rng.bounded(queued.size())).id;
            what = u"special-call %1 %2"_s.arg(win).arg(id);
            h->specialCall(win, id, actor);
        } else if (op < 81) {
            const QList<Ticket> open = h->tickets([](const Ticket &t) { return t.isOpen() && !t.masterId; });
            const qint64 id = open.isEmpty() ? 0 : open.at(rng.bounded(open.size())).id;
            what = u"sub %1 of %2"_s.arg(biz).arg(id);
            h->issueSub(id, biz, 900);
        } else if (op < 86) {
            const QDateTime slot = h.clock.now().addSecs(60LL * (rng.bounded(90) - 20));
            const QString code = u"AP%1"_s.arg(++appointments);
            what = u"appointment %1 %2 at %3"_s.arg(code, biz, slot.time().toString());
            h->book(code, biz, {}, {}, slot, slot.addSecs(1800), 900);
            h->checkIn(code, 900);
        } else if (op < 88) {
            what = u"pause/resume %1"_s.arg(win);
            if (!h->pause(win, u"rest"_s, {}, actor).ok())
                h->resume(win, actor);
        } else if (op < 90) {
            what = u"logout/login %1"_s.arg(win);
            if (!h->logout(win, actor).ok())
                h.login(win);
        } else if (op < 98) {
            const int secs = rng.bounded(90);
            what = u"clock +%1 s"_s.arg(secs);
            h.clock.advanceSecs(secs);
        } else if (op < 99) {
            const int secs = rng.bounded(600);
            what = u"clock -%1 s"_s.arg(secs);
            h.clock.advanceSecs(-secs);
        } else {
            what = u"restart from the stored state"_s;
            store.absorb(h->takeChanges());
            h->restore(store.snapshot());
            ref.refresh();
            ref.restored();
        }
        const ChangeSet c = h->takeChanges();
        ref.absorb(c);
        store.absorb(c);
        return what;
    }

    // Empty when the engine agrees with the reference; otherwise what differs.
    QString check()
    {
        QStringList diffs;
        if (picked && picked->first != picked->second)
            diffs << u"called ticket %1, expected %2"_s.arg(picked->second).arg(picked->first);
        ref.refresh();
        const QList<Ticket> &all = ref.tickets();
        for (const BusinessStatus &s : h->businessStatus()) {
            int waiting = 0, issued = 0;
            for (const Ticket &t : all) {
                if (t.day != h->day() || t.businessId != s.business->id)
                    continue;
                waiting += t.isQueued();
                issued += t.source != TicketSource::Sub;
            }
            if (s.waiting != waiting || s.issuedToday != issued)
                diffs << u"business %1: waiting %2/%3, issued %4/%5 (engine/reference)"_s.arg(s.business->code)
                             .arg(s.waiting).arg(waiting).arg(s.issuedToday).arg(issued);
        }
        for (const WindowStatus &s : h->windowStatus()) {
            const int waiting = int(std::count_if(all.cbegin(), all.cend(), [&](const Ticket &t) { return ref.callable(t, *s.window); }));
            if (s.waiting != waiting)
                diffs << u"window %1: waiting %2/%3"_s.arg(s.window->number).arg(s.waiting).arg(waiting);
        }
        // People ahead of a sample (all of them now and then: O(n²) in the reference).
        const bool everyone = ++checks % 25 == 0;
        for (qsizetype i = 0; i < all.size(); ++i) {
            const Ticket &t = all.at(everyone ? i : rng.bounded(all.size()));
            if (!everyone && i >= 12)
                break;
            if (h->peopleAhead(t) != ref.peopleAhead(t))
                diffs << u"ticket %1 (%2): %3 ahead, expected %4"_s.arg(t.number, hall::core::ticketStatusName(t.status))
                             .arg(h->peopleAhead(t)).arg(ref.peopleAhead(t));
        }
        return diffs.join(u"; "_s);
    }

    QRandomGenerator rng;
    Hall h{propertyConfig()};
    Reference ref;
    Store store;
    std::optional<std::pair<qint64, qint64>> picked; // (expected, called) when the step picked a next ticket
    int appointments = 0;
    int checks = 0;
};

} // namespace

void tst_QueueIndex::matchesBruteForce_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("steps");
    QTest::newRow("seed 20261207") << 20261207u << 1500;
    QTest::newRow("seed 10") << 10u << 1500;
    QTest::newRow("seed 424242") << 424242u << 1500;
}

void tst_QueueIndex::matchesBruteForce()
{
    QFETCH(quint32, seed);
    QFETCH(int, steps);

    Run run(seed);
    QVERIFY(run.h.loginAll());
    run.store.absorb(run.h->takeChanges());
    int picks = 0, gated = 0, peak = 0;
    for (int i = 0; i < steps; ++i) {
        const QString what = run.step();
        const QString diff = run.check();
        QVERIFY2(diff.isEmpty(), qPrintable(u"step %1 (%2): %3"_s.arg(i).arg(what, diff)));
        picks += run.picked.has_value();
        const QList<Ticket> queued = run.h->tickets([](const Ticket &t) { return t.isQueued(); });
        peak = std::max(peak, int(queued.size()));
        const QDateTime now = run.h.clock.now();
        gated += std::any_of(queued.cbegin(), queued.cend(), [&](const Ticket &t) {
            return (t.appointmentAt.isValid() && t.appointmentAt > now)
                || (t.status == TicketStatus::Missed && t.callableAfter.isValid() && t.callableAfter > now);
        });
    }
    qInfo("%d picks compared, %d steps with time-gated tickets, at most %d queued", picks, gated, peak);
    // The sequence really exercised what the indexes keep: picks, time-gated tickets, a queue.
    QVERIFY2(picks > steps / 10, qPrintable(QString::number(picks)));
    QVERIFY2(gated > steps / 10, qPrintable(QString::number(gated)));
    QVERIFY2(peak > 50, qPrintable(QString::number(peak)));
}

void tst_QueueIndex::clockSetBackHidesTicketsAgain()
{
    Hall h;
    QVERIFY(h.login(QStringLiteral("1")));
    const auto a = h.touch(QStringLiteral("HZ"));
    HALL_VERIFY_OK(a);
    HALL_VERIFY_OK(h->callNext(QStringLiteral("1"), 1));
    HALL_VERIFY_OK(h->miss(QStringLiteral("1"), 1)); // callable again in 10 minutes
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 0);
    h.clock.advanceSecs(11 * 60);
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 1);
    h.clock.advanceSecs(-5 * 60); // a demo clock set back: the delay runs again
    QCOMPARE(h->windowStatus(QStringLiteral("1")).waiting, 0);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("!queue_empty"));
    QCOMPARE(h->peopleAhead(*h->ticket(a->id)), 0);
    h.clock.advanceSecs(5 * 60);
    QCOMPARE(h.next(QStringLiteral("1")), QStringLiteral("A001"));
}

QTEST_GUILESS_MAIN(tst_QueueIndex)
#include "tst_queue_index.moc"
