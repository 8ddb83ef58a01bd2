// hall-demo: a scripted hall morning against a running hall-server (started with
// --fake-clock on the demo hall). Kiosks issue tickets by touch, ID card and phone, people
// check in for appointments, windows call, recall, miss, transfer, hang up and pause, and the
// clock moves a minute at a time from 08:30 to 12:00. Everything goes through the public HTTP
// API; the summary at the end is read back from the server.
//
// With --whole-hall it plays the start of the morning through the hall's real apps instead
// (hall-kiosk, hall-display, hall-bridge and the emulated devices; hallday.cpp).

#include "democlient.h"
#include "hallday.h"

#include <core/i18n.h>
#include <core/idnumber.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QGuiApplication>
#include <QScreen>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTextStream>

#include <algorithm>
#include <memory>
#include <numeric>

namespace {

using hall::demo::Client;
using hall::demo::Result;

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallDemo)
};

// A made-up but valid resident ID number (region 441502, Shanwei), so ID-card tickets and
// duplicate checks run on realistic input.
QString fakeIdNumber(QRandomGenerator &rng)
{
    const QDate birth = QDate(1945, 1, 1).addDays(rng.bounded(365 * 60));
    const QString first17 = QStringLiteral("441502") + birth.toString(QStringLiteral("yyyyMMdd"))
        + QString::number(rng.bounded(1000)).rightJustified(3, u'0');
    return first17 + hall::core::idNumberCheckChar(first17);
}

// Pads to a console width where a Chinese character takes two columns.
QString padColumns(const QString &text, int columns)
{
    int width = 0;
    for (QChar c : text)
        width += c.unicode() >= 0x1100 ? 2 : 1;
    return text + QString(std::max(0, columns - width), u' ');
}

QString stateLabel(const QString &state)
{
    if (state == QLatin1String("offline"))
        return Tr::tr("offline");
    if (state == QLatin1String("idle"))
        return Tr::tr("idle");
    if (state == QLatin1String("serving"))
        return Tr::tr("serving");
    if (state == QLatin1String("paused"))
        return Tr::tr("paused");
    return state;
}

QString refusalLabel(const QString &code)
{
    if (code == QLatin1String("blacklisted"))
        return Tr::tr("blacklisted person");
    if (code == QLatin1String("quota_full"))
        return Tr::tr("quota used up");
    if (code == QLatin1String("unserved"))
        return Tr::tr("no window serving the business yet");
    if (code == QLatin1String("duplicate"))
        return Tr::tr("already holds a ticket (reprint offered)");
    if (code == QLatin1String("closed"))
        return Tr::tr("outside business hours");
    return code;
}

struct WindowSim
{
    QString number;
    QString officer;
    QString token;
    QDateTime busyUntil;   // service of the current ticket ends
    int noShowCalls = 0;   // >0: the called person has not come yet
    qint64 hungTicket = 0;
    QDateTime callBackAt;
    bool paused = false;
};

} // namespace

// The whole hall on a desktop (a display, no --screenshots): the apps' windows are laid out
// on its screen (hallday.cpp), so hall-demo asks the screen's size through a GUI application.
bool onADesktop(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        return false;
    bool wholeHall = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a.startsWith("--screenshots"))
            return false;
        wholeHall = wholeHall || a == "--whole-hall";
    }
    return wholeHall;
}

int main(int argc, char *argv[])
{
    const bool desktop = onADesktop(argc, argv);
    std::unique_ptr<QCoreApplication> application = desktop ? std::make_unique<QGuiApplication>(argc, argv)
                                                            : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *application;
    hall::core::installTranslations();
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("Runs a scripted hall morning against hall-server --fake-clock."));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("url"), Tr::tr("Server base URL."), QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8080")},
        {QStringLiteral("day"), Tr::tr("The day to simulate (yyyy-MM-dd)."), QStringLiteral("date"), QDate::currentDate().toString(Qt::ISODate)},
        {QStringLiteral("seed"), Tr::tr("Random seed: the same seed gives the same morning."), QStringLiteral("n"), QStringLiteral("20261123")},
        {QStringLiteral("from"), Tr::tr("Start the simulation at this time (the windows open then)."), QStringLiteral("HH:mm"), QStringLiteral("08:30")},
        {QStringLiteral("until"), Tr::tr("Stop the simulation at this time."), QStringLiteral("HH:mm"), QStringLiteral("12:00")},
        {QStringLiteral("whole-hall"), Tr::tr("Play the start of the morning through hall-kiosk, hall-display and hall-bridge with emulated devices.")},
        {QStringLiteral("bin"), Tr::tr("--whole-hall: the folder of the apps."), QStringLiteral("dir"), QCoreApplication::applicationDirPath()},
        {QStringLiteral("work"), Tr::tr("--whole-hall: the folder for the apps' configuration, data and logs."), QStringLiteral("dir")},
        {QStringLiteral("screenshots"), Tr::tr("--whole-hall: save pictures of the apps at each moment in this folder."), QStringLiteral("dir")},
        {QStringLiteral("pace"), Tr::tr("--whole-hall: the pause after each step for people watching."), QStringLiteral("ms"), QStringLiteral("0")},
        {QStringLiteral("enlarge-seconds"), Tr::tr("--whole-hall: how long the wall shows each call enlarged (default: its setting, 8 s)."),
         QStringLiteral("s"), QStringLiteral("0")},
    });
    p.process(app);
    if (p.isSet(QStringLiteral("whole-hall"))) {
        hall::demo::HallDayOptions o;
        o.url = p.value(QStringLiteral("url"));
        o.bin = p.value(QStringLiteral("bin"));
        o.work = p.value(QStringLiteral("work"));
        o.shots = p.value(QStringLiteral("screenshots"));
        o.paceMs = p.value(QStringLiteral("pace")).toInt();
        o.enlargeSeconds = p.value(QStringLiteral("enlarge-seconds")).toInt();
        if (desktop && QGuiApplication::platformName() != QLatin1String("offscreen") && QGuiApplication::primaryScreen())
            o.desktop = QGuiApplication::primaryScreen()->availableGeometry();
        if (o.work.isEmpty()) {
            QTextStream(stderr) << Tr::tr("hall-demo: --whole-hall needs --work DIR") << Qt::endl;
            return 2;
        }
        return hall::demo::runHallDay(o);
    }

    QTextStream out(stdout);
    Client c(QUrl(p.value(QStringLiteral("url"))));
    QRandomGenerator rng(p.value(QStringLiteral("seed")).toUInt());
    const QDate day = QDate::fromString(p.value(QStringLiteral("day")), Qt::ISODate);
    const QTime from = QTime::fromString(p.value(QStringLiteral("from")), QStringLiteral("HH:mm"));
    const QTime until = QTime::fromString(p.value(QStringLiteral("until")), QStringLiteral("HH:mm"));
    const QString hall = QStringLiteral("/api/v1/halls/swzx");

    const QString admin = c.login(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"));
    const QString supervisor = c.login(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"));
    const QString kiosk = c.login(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"));
    if (admin.isEmpty() || supervisor.isEmpty() || kiosk.isEmpty()) {
        QTextStream(stderr) << Tr::tr("hall-demo: cannot sign in; is hall-server running on the demo hall?") << Qt::endl;
        return 1;
    }
    QDateTime now(day, from.addSecs(-5 * 60));
    auto setClock = [&] {
        const Result r = c.call("POST", QStringLiteral("/api/v1/admin/clock"), admin, {{QStringLiteral("set"), now.toString(Qt::ISODate)}});
        if (r.status != 200) {
            QTextStream(stderr) << Tr::tr("hall-demo: the server does not accept a clock; start it with --fake-clock.") << Qt::endl;
            ::exit(1);
        }
    };
    setClock();

    QMap<QString, int> refusals; // error code → count
    auto note = [&](const Result &r) {
        if (r.status >= 400)
            ++refusals[r.code()];
        return r;
    };

    // Windows open; windows 11 and 12 open at nine.
    QList<WindowSim> windows;
    for (int w = 1; w <= 12; ++w) {
        WindowSim s;
        s.number = QString::number(w);
        s.officer = QStringLiteral("officer%1").arg(w, 2, 10, QLatin1Char('0'));
        s.token = c.login(s.officer, QStringLiteral("demo-officer-2026"));
        windows.append(s);
    }
    auto openWindow = [&](WindowSim &w) { note(c.call("POST", hall + QStringLiteral("/windows/%1/login").arg(w.number), w.token)); };
    for (int i = 0; i < 10; ++i)
        openWindow(windows[i]);
    if (from >= QTime(9, 0)) {
        openWindow(windows[10]);
        openWindow(windows[11]);
    }

    // Appointments booked yesterday, for slots across the morning.
    const QStringList apptBusinesses{QStringLiteral("HJ"), QStringLiteral("CRJ"), QStringLiteral("BDC"), QStringLiteral("SB")};
    QList<QPair<QDateTime, QString>> appointments;
    for (int i = 0; i < 24; ++i) {
        const QDateTime slot(day, QTime(9, 0).addSecs(15 * 60 * (i / 2)));
        const QString code = QStringLiteral("YY%1").arg(i + 1, 4, 10, QLatin1Char('0'));
        note(c.call("POST", hall + QStringLiteral("/appointments"), supervisor,
                    {{QStringLiteral("code"), code}, {QStringLiteral("business"), apptBusinesses.at(i % apptBusinesses.size())},
                     {QStringLiteral("idNumber"), fakeIdNumber(rng)}, {QStringLiteral("slotStart"), slot.toString(Qt::ISODate)},
                     {QStringLiteral("slotEnd"), slot.addSecs(30 * 60).toString(Qt::ISODate)}}));
        appointments.append({slot.addSecs(-60 * rng.bounded(5, 40)), code}); // when the person arrives
    }
    // Two release passwords for the guide desk, and one person blacklisted for no-shows.
    const QJsonArray passwords = note(c.call("POST", hall + QStringLiteral("/release-passwords"), supervisor,
                                             {{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("count"), 2}}))
                                     .body.value(QStringLiteral("passwords")).toArray();
    const QString banned = fakeIdNumber(rng);
    note(c.call("POST", hall + QStringLiteral("/blacklist"), supervisor,
                {{QStringLiteral("idNumber"), banned}, {QStringLiteral("until"), day.addDays(30).toString(Qt::ISODate)},
                 {QStringLiteral("reason"), Tr::tr("Booked and did not come three times")}}));

    // Business mix of a morning: household registration and social insurance are the busiest.
    const QList<QPair<QString, int>> mix{{QStringLiteral("HJ"), 26}, {QStringLiteral("CRJ"), 16}, {QStringLiteral("JG"), 14},
                                         {QStringLiteral("SB"), 18}, {QStringLiteral("BDC"), 8}, {QStringLiteral("GJJ"), 6},
                                         {QStringLiteral("SW"), 8}, {QStringLiteral("ZX"), 4}};
    const int mixTotal = std::accumulate(mix.cbegin(), mix.cend(), 0, [](int a, const auto &m) { return a + m.second; });
    auto pickBusiness = [&] {
        int x = rng.bounded(mixTotal);
        for (const auto &[code, weight] : mix) {
            if ((x -= weight) < 0)
                return code;
        }
        return mix.first().first;
    };
    QStringList idCardsUsed;
    int issued = 0, calls = 0, recalls = 0, misses = 0, transfers = 0, hangs = 0;

    now = QDateTime(day, from);
    while (now.time() < until) {
        setClock();
        const QTime t = now.time();
        // Arrivals: busier from nine to half past ten.
        const int arrivals = rng.bounded(t >= QTime(9, 0) && t < QTime(10, 30) ? 6 : 4);
        for (int a = 0; a < arrivals; ++a) {
            QJsonObject body{{QStringLiteral("business"), pickBusiness()}};
            const int how = rng.bounded(100);
            if (how < 35) {
                QString id = fakeIdNumber(rng);
                if (how < 2 && !idCardsUsed.isEmpty())
                    id = idCardsUsed.at(rng.bounded(idCardsUsed.size())); // swipes the card again
                if (how == 2)
                    id = banned;
                idCardsUsed.append(id);
                body.insert(QStringLiteral("source"), QStringLiteral("idcard"));
                body.insert(QStringLiteral("idNumber"), id);
            } else if (how < 45) {
                body.insert(QStringLiteral("source"), QStringLiteral("phone"));
                body.insert(QStringLiteral("phone"), QStringLiteral("13%1").arg(rng.bounded(1000000000), 9, 10, QLatin1Char('0')));
            }
            if (rng.bounded(100) < 8 && body.value(QStringLiteral("business")) != QLatin1String("ZX"))
                body.insert(QStringLiteral("priority"), QStringLiteral("老年人"));
            if (note(c.call("POST", hall + QStringLiteral("/tickets"), kiosk, body)).status == 201)
                ++issued;
        }
        for (auto &[arrival, code] : appointments) {
            if (arrival.isValid() && arrival <= now) {
                note(c.call("POST", hall + QStringLiteral("/appointments/checkin"), kiosk, {{QStringLiteral("code"), code}}));
                arrival = QDateTime();
            }
        }
        if (t == QTime(9, 30) && !passwords.isEmpty())
            note(c.call("POST", hall + QStringLiteral("/special-tickets"), kiosk, {{QStringLiteral("password"), passwords.at(0).toString()}}));
        if (t == QTime(9, 0) && from < QTime(9, 0)) {
            openWindow(windows[10]);
            openWindow(windows[11]);
        }

        for (WindowSim &w : windows) {
            if (t < QTime(9, 0) && w.number.toInt() > 10)
                continue;
            const QString base = hall + QStringLiteral("/windows/%1/").arg(w.number);
            // Window 5 goes to a meeting from ten to a quarter past.
            if (w.number == QLatin1String("5") && t == QTime(10, 0) && !w.busyUntil.isValid()) {
                w.paused = note(c.call("POST", base + QStringLiteral("pause"), w.token,
                                       {{QStringLiteral("type"), QStringLiteral("meeting")}, {QStringLiteral("reason"), Tr::tr("Business meeting")}})).status == 200;
            }
            if (w.paused) {
                if (t >= QTime(10, 15) && note(c.call("POST", base + QStringLiteral("resume"), w.token)).status == 200)
                    w.paused = false;
                continue;
            }
            if (w.noShowCalls > 0) {
                // The called person has not come: recall, and after the second recall mark missed.
                if (w.noShowCalls < 3) {
                    ++w.noShowCalls;
                    ++recalls;
                    note(c.call("POST", base + QStringLiteral("recall"), w.token));
                } else {
                    w.noShowCalls = 0;
                    ++misses;
                    note(c.call("POST", base + QStringLiteral("miss"), w.token));
                }
                continue;
            }
            if (w.hungTicket && w.callBackAt <= now && !w.busyUntil.isValid()) {
                if (note(c.call("POST", base + QStringLiteral("call-back"), w.token, {{QStringLiteral("ticket"), w.hungTicket}})).status == 200)
                    w.busyUntil = now.addSecs(60 * rng.bounded(3, 8));
                w.hungTicket = 0;
                continue;
            }
            if (w.busyUntil.isValid() && w.busyUntil > now)
                continue;
            if (w.busyUntil.isValid()) {
                const int fate = rng.bounded(100);
                if (fate < 4) { // needs another department
                    const QString to = w.number == QLatin1String("12") ? QStringLiteral("HJ") : QStringLiteral("ZX");
                    if (note(c.call("POST", base + QStringLiteral("transfer"), w.token, {{QStringLiteral("business"), to}})).status == 200)
                        ++transfers;
                } else if (fate < 7 && !w.hungTicket) { // fetches a missing document
                    const Result r = note(c.call("POST", base + QStringLiteral("hang"), w.token));
                    if (r.status == 200) {
                        ++hangs;
                        w.hungTicket = r.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
                        w.callBackAt = now.addSecs(60 * rng.bounded(10, 25));
                    }
                }
                w.busyUntil = QDateTime();
            }
            const Result r = c.call("POST", base + QStringLiteral("call-next"), w.token);
            if (r.status == 200 && !r.body.value(QStringLiteral("ticket")).isNull()) {
                ++calls;
                if (rng.bounded(100) < 5)
                    w.noShowCalls = 1;
                else
                    w.busyUntil = now.addSecs(60 * rng.bounded(2, 11));
            } else if (r.status != 200 && r.code() != QLatin1String("queue_empty")) {
                note(r);
            }
        }
        now = now.addSecs(60);
    }
    setClock();

    // ---- summary, read back from the server -------------------------------------------
    const QJsonArray tickets = c.call("GET", hall + QStringLiteral("/tickets"), supervisor).body.value(QStringLiteral("tickets")).toArray();
    const QJsonArray businesses = c.call("GET", hall + QStringLiteral("/businesses"), supervisor).body.value(QStringLiteral("businesses")).toArray();
    const QJsonArray windowList = c.call("GET", hall + QStringLiteral("/windows"), supervisor).body.value(QStringLiteral("windows")).toArray();
    struct Row { int issued = 0, done = 0, waiting = 0, missed = 0, abandoned = 0; qint64 waitSecs = 0; int waited = 0; };
    QMap<QString, Row> rows;
    QMap<QString, int> served;
    for (const QJsonValue &v : tickets) {
        const QJsonObject o = v.toObject();
        Row &row = rows[o.value(QStringLiteral("business")).toString()];
        ++row.issued;
        const QString st = o.value(QStringLiteral("status")).toString();
        row.done += st == QLatin1String("done");
        row.waiting += st == QLatin1String("waiting");
        row.missed += st == QLatin1String("missed");
        row.abandoned += st == QLatin1String("abandoned");
        if (o.contains(QStringLiteral("calledAt"))) {
            row.waitSecs += QDateTime::fromString(o.value(QStringLiteral("issuedAt")).toString(), Qt::ISODateWithMs)
                                .secsTo(QDateTime::fromString(o.value(QStringLiteral("calledAt")).toString(), Qt::ISODateWithMs));
            ++row.waited;
        }
        if (st == QLatin1String("done"))
            ++served[o.value(QStringLiteral("window")).toString()];
    }
    out << Qt::endl << Tr::tr("=== %1, morning of %2, simulated %3–%4 ===").arg(QStringLiteral("汕尾市政务服务中心"), day.toString(Qt::ISODate), from.toString(QStringLiteral("HH:mm")), until.toString(QStringLiteral("HH:mm"))) << Qt::endl;
    out << Tr::tr("%1 tickets in the hall (%2 issued at the kiosk, the rest appointments, special and transfers); %3 calls, %4 recalls, %5 marked missed, %6 transferred, %7 hung up and called back.")
               .arg(tickets.size()).arg(issued).arg(calls).arg(recalls).arg(misses).arg(transfers).arg(hangs) << Qt::endl << Qt::endl;
    out << Tr::tr("Business          issued  done  waiting  missed  abandoned  avg wait (min)  remaining quota") << Qt::endl;
    for (const QJsonValue &v : businesses) {
        const QJsonObject b = v.toObject();
        const Row row = rows.value(b.value(QStringLiteral("code")).toString());
        const int remaining = b.value(QStringLiteral("remaining")).toInt();
        const bool closed = b.value(QStringLiteral("blockedBy")).toString() == QLatin1String("closed");
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                   .arg(b.value(QStringLiteral("name")).toString().leftJustified(10, QChar(0x3000)))
                   .arg(row.issued, 6).arg(row.done, 5).arg(row.waiting, 8).arg(row.missed, 7).arg(row.abandoned, 10)
                   .arg(row.waited ? row.waitSecs / 60.0 / row.waited : 0.0, 15, 'f', 1)
                   .arg(closed ? Tr::tr("closed now") : remaining < 0 ? Tr::tr("unlimited") : QString::number(remaining), 16)
            << Qt::endl;
    }
    out << Qt::endl << Tr::tr("Window  state    served") << Qt::endl;
    for (const QJsonValue &v : windowList) {
        const QJsonObject w = v.toObject();
        out << QStringLiteral("%1  %2 %3").arg(w.value(QStringLiteral("number")).toString(), 6)
                   .arg(padColumns(stateLabel(w.value(QStringLiteral("state")).toString()), 8)).arg(served.value(w.value(QStringLiteral("number")).toString()), 6)
            << Qt::endl;
    }
    out << Qt::endl << Tr::tr("Refused at the kiosk or window (the server said no, nothing changed):") << Qt::endl;
    for (auto it = refusals.cbegin(); it != refusals.cend(); ++it)
        out << QStringLiteral("  %1 (%2): %3").arg(refusalLabel(it.key()), it.key()).arg(it.value()) << Qt::endl;
    return 0;
}
