// hall-display's screens on the offscreen platform, against the real hall-server in this
// process (a seeded SQLite copy per test, real HTTP and WebSocket on loopback; see
// ../unit/server/harness.h): the pushed state, calls arriving together, recalls, masking, the
// offline notice over the last state, reconnecting, the schedule, and a bad layout.
//
// With HALL_SCREENSHOT_DIR set, the wall is saved there at 1920×1080 at each step worth
// looking at (docs/screenshots/ comes from this run under Xvfb with fonts-noto-cjk).

#include "../unit/server/harness.h"
#include "../unit/net/netawait.h"

#include <display/displaycontroller.h>
#include <display/displaysettings.h>
#include <display/wallscreen.h>

#include <core/clock.h>
#include <core/i18n.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <ui/mediaarea.h>
#include <ui/videoplayer.h>

#include <QProcess>
#include <QSignalSpy>
#include <childlog.h>

using namespace hall;
using namespace hall::display;
using hall::test::await;
using hall::test::describe;

namespace {

const QString Hall = QStringLiteral("/api/v1/halls/swzx");

// Whether this process has loaded the library (Linux: its memory map names it).
bool mapped(const QString &library)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    return maps.open(QIODevice::ReadOnly) && QString::fromLocal8Bit(maps.readAll()).contains(library);
}

// The wall as hall-display builds it, at the size of a 1080p screen.
struct Wall
{
    Wall(net::HallClient *client, const core::Clock *clock, const Schedule &schedule = {})
    {
        QString error;
        if (!Layout::load(Layout::defaultFile(), &layout, &error))
            qFatal("%s", qPrintable(error));
        settings.enlargeSeconds.setValue(1);
        controller = std::make_unique<DisplayController>(client, clock, layout, schedule, &settings);
        controller->setOfflineGraceMs(300);
        screen = std::make_unique<WallScreen>(controller.get());
        screen->resize(1920, 1080);
        screen->show();
        QObject::connect(controller->calls(), &CallQueue::shown, controller.get(), [this](const Call &c) {
            shown.append(c);
            // What the enlargement says while this call is on it (the strings it paints).
            overlayLines.append(screen->overlay()->isVisible() ? screen->overlay()->lines() : QStringList());
        });
    }

    void save(const QString &name) const
    {
        const QString dir = qEnvironmentVariable("HALL_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QCoreApplication::processEvents();
        screen->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
    }

    QString windowShows(const QString &window) const
    {
        const int row = controller->windows()->rowOf(window);
        return row < 0 ? QString() : controller->windows()->index(row, WindowsModel::Current).data().toString();
    }

    Layout layout;
    DisplaySettings settings;
    std::unique_ptr<DisplayController> controller;
    std::unique_ptr<WallScreen> screen;
    QList<Call> shown;
    QList<QStringList> overlayLines;
};

bool notBlank(const QImage &image)
{
    QSet<QRgb> colours;
    const QImage small = image.scaled(192, 108);
    for (int y = 0; y < small.height(); ++y) {
        for (int x = 0; x < small.width(); ++x)
            colours.insert(small.pixel(x, y));
    }
    return colours.size() >= 8;
}

} // namespace

class TestDisplayGui : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_staff;
    std::unique_ptr<net::HallClient> m_display;
    core::SystemClock m_clock;

    std::unique_ptr<net::HallClient> displayClient()
    {
        auto c = std::make_unique<net::HallClient>();
        c->setBackoffPolicy(net::Backoff::Policy{100, 800, 20});
        QString error;
        if (!c->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())), {}, &error))
            qWarning() << error;
        const auto r = await<net::Session>([&](QObject *ctx, auto done) {
            c->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done);
        });
        if (!r)
            qWarning() << describe(r.error());
        return c;
    }

    test::Answer staff(const QString &path, const QJsonObject &body = {})
    {
        return m_staff->call("POST", Hall + path, body);
    }

    bool issue(const QString &business, int count)
    {
        for (int i = 0; i < count; ++i) {
            const test::Answer a = staff(QStringLiteral("/tickets"), {{QStringLiteral("business"), business}});
            if (a.status != 201) {
                qWarning() << a.describe();
                return false;
            }
        }
        return true;
    }

    bool openWindows(const QStringList &windows)
    {
        for (const QString &w : windows) {
            const test::Answer a = staff(QStringLiteral("/windows/%1/login").arg(w),
                                         {{QStringLiteral("officer"), QStringLiteral("officer%1").arg(w.toInt(), 2, 10, QLatin1Char('0'))}});
            if (a.status != 200) {
                qWarning() << a.describe();
                return false;
            }
        }
        return true;
    }


    // The hall-display binary in English, its config and data folders in `dir`.
    static void startDisplay(QProcess *p, const QTemporaryDir &dir, const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        p->setProcessEnvironment(env);
        p->start(qEnvironmentVariable("HALL_BIN_DIR") + QStringLiteral("/hall-display"), args);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The pictures for docs/screenshots/ in the language the hall reads.
        if (!qEnvironmentVariableIsEmpty("HALL_SCREENSHOT_DIR"))
            core::installTranslations();
    }
    void init()
    {
        m_server = std::make_unique<test::InProcessServer>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_staff = std::make_unique<test::Client>(m_server->port());
        QVERIFY(m_staff->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
        m_display = displayClient();
        QVERIFY(m_display->hasToken());
    }
    void cleanup()
    {
        m_display.reset();
        m_staff.reset();
        m_server.reset();
    }

    // D1: the wall follows the hall as the server pushes it — windows, their calls, waiting
    // counts — without asking.
    void wallShowsWhatTheServerPushes()
    {
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("7"), QStringLiteral("11")}));
        QVERIFY(issue(QStringLiteral("HJ"), 3));
        QVERIFY(issue(QStringLiteral("SB"), 2));
        Wall wall(m_display.get(), &m_clock);
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->isOffline(), 10000);
        QCOMPARE(wall.controller->windows()->rowCount(), 12);
        QCOMPARE(wall.controller->title(), QStringLiteral("汕尾市政务服务中心"));
        QCOMPARE(wall.screen->headerLines().first(), wall.controller->title());
        QCOMPARE(wall.windowShows(QStringLiteral("11")), WindowsModel::tr("Free"));
        QCOMPARE(wall.windowShows(QStringLiteral("3")), WindowsModel::tr("Closed"));

        const test::Answer a = staff(QStringLiteral("/windows/1/call-next"));
        QVERIFY2(a.status == 200, qPrintable(a.describe()));
        const QString number = a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(wall.windowShows(QStringLiteral("1")), number, 5000);
        QVERIFY(wall.controller->windows()->index(wall.controller->windows()->rowOf(QStringLiteral("1")), 0).data(WindowsModel::CallingRole).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(wall.shown.size(), 1, 5000);
        QCOMPARE(wall.shown.first().number, number);
        QCOMPARE(wall.overlayLines.first().at(1), number);
        QCOMPARE(wall.overlayLines.first().at(2), CallOverlay::tr("Please go to window %1").arg(QStringLiteral("1")));
        wall.save(QStringLiteral("display-call"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.screen->overlay()->isVisible(), 5000);

        const int hj = wall.controller->state().businesses().value(QStringLiteral("HJ")).waiting;
        QCOMPARE(hj, 2);
        const QAbstractItemModel *waiting = wall.controller->waiting();
        QCOMPARE(waiting->index(0, WaitingModel::Business).data().toString(), QStringLiteral("户籍业务"));
        QCOMPARE(waiting->index(0, WaitingModel::Waiting).data(WaitingModel::CountRole).toInt(), 2);
        QVERIFY(issue(QStringLiteral("HJ"), 1));
        QTRY_COMPARE_WITH_TIMEOUT(waiting->index(0, WaitingModel::Waiting).data(WaitingModel::CountRole).toInt(), 3, 5000);
        QVERIFY(notBlank(wall.screen->grab().toImage()));
    }

    // The defect of other hall systems: four windows call at the same moment; each call is
    // enlarged in turn — none skipped — and each names the window that really called it.
    void callsTogetherAreEachShownWithTheirOwnWindow()
    {
        const QStringList windows = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")};
        QVERIFY(openWindows(windows));
        QVERIFY(issue(QStringLiteral("HJ"), 2));
        QVERIFY(issue(QStringLiteral("CRJ"), 2));
        Wall wall(m_display.get(), &m_clock);
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->isOffline(), 10000);

        QStringList paths;
        for (const QString &w : windows)
            paths.append(Hall + QStringLiteral("/windows/%1/call-next").arg(w));
        const QList<test::Answer> answers = m_staff->callAll("POST", paths, QJsonObject());
        QSet<QString> expected;
        for (int i = 0; i < answers.size(); ++i) {
            QVERIFY2(answers.at(i).status == 200, qPrintable(answers.at(i).describe()));
            const QString number = answers.at(i).body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString();
            QVERIFY(!number.isEmpty());
            expected.insert(number + u'@' + windows.at(i));
        }
        QTRY_COMPARE_WITH_TIMEOUT(wall.shown.size(), 4, 10000);
        QSet<QString> seen;
        for (int i = 0; i < wall.shown.size(); ++i) {
            const Call &c = wall.shown.at(i);
            seen.insert(c.announcementId());
            QCOMPARE(wall.overlayLines.at(i).at(1), c.number);
            QCOMPARE(wall.overlayLines.at(i).at(2), CallOverlay::tr("Please go to window %1").arg(c.window));
        }
        QCOMPARE(seen, expected);

        // A recall is enlarged again, as a recall.
        const test::Answer recall = staff(QStringLiteral("/windows/2/recall"));
        QVERIFY2(recall.status == 200, qPrintable(recall.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(wall.shown.size(), 5, 10000);
        QVERIFY(wall.shown.last().isRecall());
        QCOMPARE(wall.shown.last().window, QStringLiteral("2"));
        QCOMPARE(wall.overlayLines.last().first(), CallOverlay::tr("Calling again"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->calls()->current(), 10000);
        wall.save(QStringLiteral("display-wall"));
    }

    // D4: a name is masked and an ID number or mobile number never reaches the wall, whether
    // it comes with an event or is typed into the notice.
    void namesAndIdNumbersAreMasked()
    {
        Wall wall(nullptr, &m_clock);
        QVERIFY(wall.settings.notice.setValue(QStringLiteral("请 11010519491231002X 的市民联系 13812345678")));
        QVERIFY(!wall.controller->notice().contains(QStringLiteral("11010519491231002X")));
        QVERIFY(!wall.controller->notice().contains(QStringLiteral("13812345678")));
        QVERIFY2(wall.controller->notice().contains(QStringLiteral("138****5678")), qPrintable(wall.controller->notice()));

        net::HallEvent e;
        e.type = net::HallEvent::Type::TicketCalled;
        net::TicketInfo t;
        t.number = QStringLiteral("A001");
        t.window = QStringLiteral("3");
        e.ticket = t;
        e.callWindow = QStringLiteral("3");
        e.callWindowName = QStringLiteral("综合窗口 11010519491231002X");
        e.callKind = QStringLiteral("next");
        e.data = QJsonObject{{QStringLiteral("name"), QStringLiteral("张三丰")}, {QStringLiteral("idNumber"), QStringLiteral("11010519491231002X")}};
        wall.controller->applyEvent(e);
        QTRY_COMPARE_WITH_TIMEOUT(wall.shown.size(), 1, 2000);
        const QString shown = wall.overlayLines.first().join(u'\n');
        QVERIFY2(shown.contains(QStringLiteral("张*丰")), qPrintable(shown));
        QVERIFY2(!shown.contains(QStringLiteral("张三丰")), qPrintable(shown));
        QVERIFY2(!shown.contains(QStringLiteral("11010519491231002X")), qPrintable(shown));
        QVERIFY(notBlank(wall.screen->overlay()->grab().toImage()));
    }

    // After a network cut the wall keeps the last good state and says since when; when the
    // server is back it reconnects by itself, and a call made meanwhile is still enlarged.
    void offlineKeepsTheLastStateThenReconnects()
    {
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("2")}));
        QVERIFY(issue(QStringLiteral("HJ"), 4));
        const test::Answer first = staff(QStringLiteral("/windows/1/call-next"));
        QVERIFY2(first.status == 200, qPrintable(first.describe()));
        const QString firstNumber = first.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString();
        m_display->setOfflineAfter(500);
        Wall wall(m_display.get(), &m_clock);
        wall.controller->stream()->setHeartbeat(300, 1500);
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->isOffline(), 10000);
        QCOMPARE(wall.windowShows(QStringLiteral("1")), firstNumber);
        const int waiting = wall.controller->state().businesses().value(QStringLiteral("HJ")).waiting;
        const quint16 port = m_server->port();

        m_server->server.reset();
        QTRY_VERIFY_WITH_TIMEOUT(wall.controller->isOffline(), 5000);
        // The last good state stays on the wall, with the notice in the header.
        QCOMPARE(wall.windowShows(QStringLiteral("1")), firstNumber);
        QCOMPARE(wall.controller->windows()->rowCount(), 12);
        QCOMPARE(wall.controller->state().businesses().value(QStringLiteral("HJ")).waiting, waiting);
        QCOMPARE(wall.screen->headerLines().first(), wall.controller->offlineText());
        QVERIFY2(wall.controller->offlineText().contains(wall.controller->lastUpdate().toString(QStringLiteral("HH:mm"))),
                 qPrintable(wall.controller->offlineText()));
        QVERIFY(notBlank(wall.screen->grab().toImage()));
        wall.save(QStringLiteral("display-offline"));

        // Back on the same port; window 2 calls before the wall has reconnected.
        QString error;
        QVERIFY2(m_server->restart(port, &error), qPrintable(error));
        m_staff = std::make_unique<test::Client>(port);
        QVERIFY(m_staff->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
        const test::Answer second = staff(QStringLiteral("/windows/2/call-next"));
        QVERIFY2(second.status == 200, qPrintable(second.describe()));
        const QString secondNumber = second.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString();
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->isOffline(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(wall.windowShows(QStringLiteral("2")), secondNumber, 5000);
        QCOMPARE(wall.screen->headerLines().first(), wall.controller->title());
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(wall.shown.cbegin(), wall.shown.cend(),
                                             [&](const Call &c) { return c.number == secondNumber && c.window == QStringLiteral("2"); }),
                                 5000);
    }

    // Calls made while the wall had no stream have no events for it; the hello after the
    // reconnect shows them, and the wall enlarges each (none unseen).
    void callsMissedWhileDisconnectedAreShownAfterwards()
    {
        QVERIFY(openWindows({QStringLiteral("5"), QStringLiteral("6")}));
        QVERIFY(issue(QStringLiteral("JG"), 3));
        Wall wall(m_display.get(), &m_clock);
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->isOffline(), 10000);
        wall.controller->stream()->unsubscribe();
        QStringList expected;
        for (const QString &w : {QStringLiteral("5"), QStringLiteral("6")}) {
            const test::Answer a = staff(QStringLiteral("/windows/%1/call-next").arg(w));
            QVERIFY2(a.status == 200, qPrintable(a.describe()));
            expected.append(a.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString() + u'@' + w);
        }
        QTest::qWait(200);
        QVERIFY(wall.shown.isEmpty());
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_COMPARE_WITH_TIMEOUT(wall.shown.size(), 2, 10000);
        QStringList seen;
        for (const Call &c : std::as_const(wall.shown)) {
            seen.append(c.announcementId());
            QCOMPARE(c.kind, QStringLiteral("catch-up"));
        }
        QCOMPARE(seen, expected);
        // A window whose call was already shown is not enlarged again by the next hello.
        wall.controller->stream()->unsubscribe();
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(wall.controller->stream()->isLive(), 10000);
        QTest::qWait(300);
        QCOMPARE(wall.shown.size(), 2);
    }

    // A server that refuses the wall (its account disabled) does not blank it: the last state
    // stays, with the offline notice.
    void aRefusingServerNeverBlanksTheWall()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        QVERIFY(issue(QStringLiteral("HJ"), 1));
        QVERIFY(staff(QStringLiteral("/windows/1/call-next")).status == 200);
        Wall wall(m_display.get(), &m_clock);
        wall.controller->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(!wall.controller->isOffline(), 10000);
        const QString before = wall.windowShows(QStringLiteral("1"));
        test::Client admin(m_server->port());
        QVERIFY(admin.signIn(QStringLiteral("secadmin"), QStringLiteral("demo-security-2026")));
        const test::Answer disabled = admin.call("POST", QStringLiteral("/api/v1/admin/accounts/display1/disable"));
        QVERIFY2(disabled.status == 200, qPrintable(disabled.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(wall.controller->isOffline(), 5000);
        QCOMPARE(wall.windowShows(QStringLiteral("1")), before);
        QVERIFY(notBlank(wall.screen->grab().toImage()));
    }

    // D5: outside its hours the wall is covered black; at the start of the next period it is
    // back, showing the hall.
    void theScheduleBlanksTheWall()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(7, 30))); // a Monday
        Schedule schedule;
        schedule.periods.append({{1, 2, 3, 4, 5}, QTime(8, 0), QTime(18, 0)});
        Wall wall(nullptr, &clock, schedule);
        QVERIFY(!wall.controller->isScreenOn());
        QVERIFY(wall.screen->isBlanked());
        clock.set(QDateTime(QDate(2026, 11, 23), QTime(8, 0)));
        wall.controller->checkSchedule();
        QVERIFY(wall.controller->isScreenOn());
        QVERIFY(!wall.screen->isBlanked());
        clock.set(QDateTime(QDate(2026, 11, 28), QTime(9, 0))); // Saturday
        wall.controller->checkSchedule();
        QVERIFY(wall.screen->isBlanked());
    }

    // A wall that goes dark is the supervisor's business: the wall reports its screen under its
    // station's name (and that the schedule has it off), so its silence shows as unreachable.
    void wallReportsItselfToTheSupervisor()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(7, 30))); // a Monday, before opening
        Schedule schedule;
        schedule.periods.append({{1, 2, 3, 4, 5}, QTime(8, 0), QTime(18, 0)});
        Wall wall(m_display.get(), &clock, schedule);
        wall.controller->setDeviceName(QStringLiteral("wall-east"));
        wall.controller->deviceReporter()->setBackoffPolicy(net::Backoff::Policy{100, 800, 20});
        wall.controller->start(QStringLiteral("swzx"));
        const auto screenPart = [this]() -> QJsonObject {
            for (const QJsonValue &d : m_staff->get(Hall + QStringLiteral("/devices")).body.value(QStringLiteral("devices")).toArray()) {
                if (d.toObject().value(QStringLiteral("device")).toString() == QLatin1String("wall-east"))
                    return d.toObject().value(QStringLiteral("parts")).toArray().at(0).toObject();
            }
            return {};
        };
        QTRY_COMPARE_WITH_TIMEOUT(screenPart().value(QStringLiteral("part")).toString(), QStringLiteral("screen"), 5000);
        QCOMPARE(screenPart().value(QStringLiteral("state")).toString(), QStringLiteral("ok"));
        QVERIFY(!screenPart().value(QStringLiteral("message")).toString().isEmpty()); // off by the schedule
        clock.set(QDateTime(QDate(2026, 11, 23), QTime(8, 0)));
        wall.controller->checkSchedule();
        QTRY_VERIFY_WITH_TIMEOUT(screenPart().value(QStringLiteral("message")).toString().isEmpty(), 5000);
    }

    // F9 (display.testCall) enlarges a test call: the field engineer's check of the wall.
    void testCallCommand()
    {
        Wall wall(nullptr, &m_clock);
        QAction *action = wall.controller->action(QLatin1String(DisplayController::TestCall));
        QVERIFY(action);
        action->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(wall.shown.size(), 1, 2000);
        QCOMPARE(wall.shown.first().kind, QStringLiteral("test"));
        QVERIFY(wall.screen->overlay()->isVisible());
    }

    // The media area plays the folder's pictures in turn, skips a damaged file, and starts
    // again from the top — nothing from the network, so it keeps playing offline.
    void mediaAreaPlaysTheFolder()
    {
        QTemporaryDir dir;
        for (const char *name : {"1-welcome.png", "2-guide.png"}) {
            QImage image(640, 360, QImage::Format_RGB32);
            image.fill(QColor(QString::fromLatin1(name).startsWith(u'1') ? QStringLiteral("#2a9d8f") : QStringLiteral("#e76f51")));
            QVERIFY(image.save(dir.filePath(QString::fromLatin1(name))));
        }
        QFile broken(dir.filePath(QStringLiteral("3-broken.jpg")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a picture");
        broken.close();
        QFile notes(dir.filePath(QStringLiteral("readme.txt")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.close();

        ui::MediaArea media;
        media.resize(680, 250);
        media.setImageSeconds(1);
        QStringList played;
        connect(&media, &ui::MediaArea::currentChanged, this, [&](const QString &file) { played.append(QFileInfo(file).fileName()); });
        media.setFolder(dir.path());
        media.show();
        QCOMPARE(media.playlist().size(), 3); // pictures and videos only
        QTRY_VERIFY_WITH_TIMEOUT(played.size() >= 3, 5000);
        QCOMPARE(played.mid(0, 3), (QStringList{QStringLiteral("1-welcome.png"), QStringLiteral("2-guide.png"), QStringLiteral("1-welcome.png")}));
        const QImage shown = media.grab().toImage();
        QCOMPARE(QColor(shown.pixel(shown.width() / 2, shown.height() / 2)), QColor(QStringLiteral("#2a9d8f")));

        // Pictures need no Qt Multimedia: the video player and its libraries come with the
        // first video (VideoPlayer::create, as the media area calls it).
        QVERIFY(!mapped(QStringLiteral("libQt6Multimedia")));
        QString error;
        std::unique_ptr<ui::VideoPlayer> player(ui::VideoPlayer::create(&media, &error));
        QVERIFY2(player && player->widget() && player->widget()->parent() == &media, qPrintable(error));
        QVERIFY(mapped(QStringLiteral("libQt6Multimedia")));
    }

    // The real binary as a hall installs it: the PC's config names the server, the hall and the
    // device account (password in its own file); hall-display signs in, follows the stream and,
    // with --screenshot-wait, takes its picture once the hall's state is on the wall.
    void theAppSignsInAndShowsTheHall()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        QVERIFY(issue(QStringLiteral("HJ"), 2));
        QVERIFY(staff(QStringLiteral("/windows/1/call-next")).status == 200);
        QTemporaryDir dir;
        QFile secret(dir.filePath(QStringLiteral("display1.secret")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("demo-display-2026\n");
        secret.close();
        QFile config(dir.filePath(QStringLiteral("display.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("{\"server\": \"http://127.0.0.1:%1\", \"hall\": \"swzx\", \"role\": \"wall-test\","
                                    " \"account\": {\"login\": \"display1\", \"passwordFile\": \"display1.secret\", \"tokenStore\": \"memory\"},"
                                    " \"app\": {\"schedule\": [{\"days\": [1, 2, 3, 4, 5, 6, 7], \"on\": \"00:00\", \"off\": \"23:59\"}]}}")
                         .arg(m_server->port()).toUtf8());
        config.close();
        const QString shot = dir.filePath(QStringLiteral("wall.png"));
        QProcess p;
        startDisplay(&p, dir,
                     {QStringLiteral("--config"), config.fileName(), QStringLiteral("--screenshot"), shot, QStringLiteral("--screenshot-wait"),
                      QStringLiteral("20")});
        // The server runs in this thread: keep its event loop going while the app talks to it.
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        const QString err = QString::fromUtf8(hall::test::childStderr(p));
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("signed in as display1")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("hall.display: online")), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("demo-display-2026")), "the password is never logged");
        QVERIFY(notBlank(QImage(shot)));
    }

    // A layout the reader refuses gives the problem screen (saved by --screenshot), never a
    // blank wall, and exit code 2.
    void aBadLayoutShowsTheProblemScreen()
    {
        QTemporaryDir dir;
        const QString shot = dir.filePath(QStringLiteral("problem.png"));
        const QString layout = qEnvironmentVariable("HALL_SOURCE_DIR") + QStringLiteral("/tests/gui/data/bad-wall-layout.json");
        QProcess p;
        startDisplay(&p, dir, {QStringLiteral("--layout"), layout, QStringLiteral("--screenshot"), shot});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(hall::test::childStderr(p));
        QVERIFY2(err.contains(QStringLiteral("areas[1].fontSize: 20 px cannot be read from 10 m")), qPrintable(err));
        const QImage image(shot);
        QVERIFY2(!image.isNull(), "the problem screen is saved");
        QVERIFY(notBlank(image));
    }
};

QTEST_MAIN(TestDisplayGui)
#include "tst_display.moc"
