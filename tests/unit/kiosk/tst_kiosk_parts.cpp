// hall-kiosk's parts without a window or a server (the flows against the real server and the
// ESC/POS emulator are in tests/gui/tst_kiosk.cpp).

#include <kiosk/kioskconfig.h>
#include <kiosk/kioskcontroller.h>
#include <kiosk/kioskmodels.h>
#include <kiosk/kiosksettings.h>

#include <core/clock.h>

#include <QAction>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace hall;
using namespace hall::kiosk;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

net::HallState hallWith(const QList<net::BusinessStatus> &businesses, const QList<net::WindowStatus> &windows)
{
    net::HallSummary s;
    s.hall = QStringLiteral("swzx");
    s.name = QStringLiteral("汕尾市政务服务中心");
    s.businesses = businesses;
    s.windows = windows;
    net::HallState state;
    state.replace(s, 1);
    return state;
}

net::BusinessStatus business(const QString &code, int waiting, bool available = true, const QString &reason = {})
{
    net::BusinessStatus b;
    b.code = code;
    b.name = code + QStringLiteral("业务");
    b.waiting = waiting;
    b.available = available;
    b.blockedReason = reason;
    return b;
}

net::WindowStatus window(const QString &number, core::WindowState state, const QStringList &businesses)
{
    net::WindowStatus w;
    w.number = number;
    w.state = state;
    w.businesses = businesses;
    return w;
}

} // namespace

class TestKioskParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void configReadsTheAppSection()
    {
        KioskConfig c;
        QString error;
        QVERIFY2(KioskConfig::read(json(R"({"orientation": "landscape", "hours": [{"days": [1,2,3,4,5], "on": "08:30", "off": "17:30"}],
                                            "cache": "k.db", "voice": "off", "reminders": true})"),
                                   QStringLiteral("/etc/hallsuite/kiosk.json"), &c, &error),
                 qPrintable(error));
        QCOMPARE(c.orientation, KioskConfig::Orientation::Landscape);
        QCOMPARE(c.screenSize(), QSize(1920, 1080));
        QCOMPARE(c.cacheFile, QStringLiteral("/etc/hallsuite/k.db"));
        QCOMPARE(c.voice, QStringLiteral("off"));
        QVERIFY(c.reminders);
        QVERIFY(c.hours.isOn(QDateTime(QDate(2026, 12, 7), QTime(9, 0))));
        QVERIFY(!c.hours.isOn(QDateTime(QDate(2026, 12, 6), QTime(9, 0))));
        QVERIFY(KioskConfig::read({}, {}, &c, &error));
        QCOMPARE(c.screenSize(), QSize(1080, 1920));
        QVERIFY(!c.reminders); // off unless the hall's server sends texts
    }

    void configRefusesWhatItDoesNotKnow_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("orientation") << R"({"orientation": "sideways"})" << "app.orientation";
        QTest::newRow("unknown field") << R"({"colour": "red"})" << "colour";
        QTest::newRow("reminders") << R"({"reminders": "yes"})" << "app.reminders";
        QTest::newRow("hours") << R"({"hours": [{"days": [8], "on": "08:00", "off": "12:00"}]})" << "app.hours[0].days";
    }
    void configRefusesWhatItDoesNotKnow()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        KioskConfig c;
        QString error;
        QVERIFY(!KioskConfig::read(json(text.toUtf8().constData()), QStringLiteral("kiosk.json"), &c, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    // The estimated wait comes from the services seen, shared among the open windows.
    void waitFromLiveServiceTimes()
    {
        WaitEstimator e;
        QCOMPARE(e.serviceSeconds(QStringLiteral("HJ")), WaitEstimator::DefaultServiceSeconds);
        QCOMPARE(e.waitMinutes(QStringLiteral("HJ"), 0, 1), 0);
        e.addService(QStringLiteral("HJ"), 120);
        e.addService(QStringLiteral("HJ"), 240);
        e.addService(QStringLiteral("HJ"), -5);        // nonsense is ignored
        e.addService(QStringLiteral("HJ"), 9 * 3600); // so is a ticket left open all day
        QCOMPARE(e.serviceSeconds(QStringLiteral("HJ")), 180);
        QCOMPARE(e.waitMinutes(QStringLiteral("HJ"), 4, 1), 12);
        QCOMPARE(e.waitMinutes(QStringLiteral("HJ"), 4, 2), 6);
        QCOMPARE(e.waitMinutes(QStringLiteral("HJ"), 4, 0), 12);
        for (int i = 0; i < WaitEstimator::Window; ++i)
            e.addService(QStringLiteral("HJ"), 60);
        QCOMPARE(e.serviceSeconds(QStringLiteral("HJ")), 60);
    }

    // Businesses no window serves, or paused, are shown unavailable with the server's reason.
    void businessesShowWaitOrWhyNot()
    {
        WaitEstimator e;
        e.addService(QStringLiteral("HJ"), 600);
        BusinessModel m(&e);
        m.setState(hallWith({business(QStringLiteral("HJ"), 3), business(QStringLiteral("JG"), 0, false, QStringLiteral("暂无窗口办理此业务"))},
                            {window(QStringLiteral("1"), core::WindowState::Idle, {QStringLiteral("HJ")}),
                             window(QStringLiteral("2"), core::WindowState::Paused, {QStringLiteral("HJ")}),
                             window(QStringLiteral("3"), core::WindowState::Serving, {QStringLiteral("HJ"), QStringLiteral("JG")})}));
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.openWindows(QStringLiteral("HJ")), 2);
        const QModelIndex hj = m.index(m.rowOf(QStringLiteral("HJ")));
        QVERIFY(hj.data(BusinessModel::AvailableRole).toBool());
        QCOMPARE(hj.data(BusinessModel::WaitMinutesRole).toInt(), 15);
        QCOMPARE(hj.data(BusinessModel::DetailRole).toString(), BusinessModel::tr("%n waiting, about %1 min", nullptr, 3).arg(15));
        const QModelIndex jg = m.index(m.rowOf(QStringLiteral("JG")));
        QVERIFY(!jg.data(BusinessModel::AvailableRole).toBool());
        QCOMPARE(jg.data(BusinessModel::DetailRole).toString(), QStringLiteral("暂无窗口办理此业务"));
    }

    // Outside the hall's hours the kiosk shows the closed screen saying when it opens; at
    // opening time it is back on the start screen.
    void closedOutsideTheHours()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 12, 7), QTime(7, 45))); // a Monday
        KioskConfig config;
        QString error;
        QVERIFY(core::WeekSchedule::read(QJsonDocument::fromJson(R"([{"days": [1,2,3,4,5], "on": "08:30", "off": "17:30"}])").array(),
                                         QStringLiteral("hours"), &config.hours, &error));
        KioskSettings settings;
        KioskController c(nullptr, &clock, config, &settings, nullptr, nullptr, nullptr);
        c.start(QString());
        QCOMPARE(c.screen(), KioskController::Screen::Closed);
        QCOMPARE(c.closedText(), KioskController::tr("We open again today at %1.").arg(QStringLiteral("08:30")));
        clock.set(QDateTime(QDate(2026, 12, 7), QTime(8, 30)));
        c.checkHours();
        QCOMPARE(c.screen(), KioskController::Screen::Attract);
        clock.set(QDateTime(QDate(2026, 12, 11), QTime(18, 0))); // Friday evening
        c.checkHours();
        QCOMPARE(c.screen(), KioskController::Screen::Closed);
        QVERIFY2(c.closedText().contains(QStringLiteral("08:30")) && c.closedText().contains(QStringLiteral("12/14")), qPrintable(c.closedText()));
    }

    // Whatever a citizen left open goes back to the start after the idle time — the identity
    // forgotten — and a touch starts the time again.
    void idleResetForgetsTheCitizen()
    {
        core::SystemClock clock;
        KioskSettings settings;
        KioskController c(nullptr, &clock, KioskConfig(), &settings, nullptr, nullptr, nullptr);
        c.setSecondMs(10); // idleSeconds 30 → 300 ms
        c.askFor(KioskController::Entry::Phone);
        c.submitEntry(QStringLiteral("13812345678"));
        QCOMPARE(c.screen(), KioskController::Screen::Choose);
        QCOMPARE(c.identityText(), KioskController::tr("Mobile %1").arg(QStringLiteral("138****5678")));
        QTest::qWait(200);
        c.userActivity();
        QTest::qWait(200);
        QCOMPARE(c.screen(), KioskController::Screen::Choose);
        QTRY_COMPARE_WITH_TIMEOUT(c.screen(), KioskController::Screen::Attract, 1000);
        QVERIFY(c.identityText().isEmpty());
    }

    void wrongPhoneNumberIsSaid()
    {
        core::SystemClock clock;
        KioskSettings settings;
        KioskController c(nullptr, &clock, KioskConfig(), &settings, nullptr, nullptr, nullptr);
        c.askFor(KioskController::Entry::Phone);
        c.submitEntry(QStringLiteral("12345"));
        QCOMPARE(c.screen(), KioskController::Screen::Message);
        QVERIFY(c.identityText().isEmpty());
    }

    // No printer, no ticket: the kiosk says so instead of issuing one nobody can hold.
    void noPrinterNoTicket()
    {
        core::SystemClock clock;
        KioskSettings settings;
        KioskController c(nullptr, &clock, KioskConfig(), &settings, nullptr, nullptr, nullptr);
        c.touchStart();
        c.chooseBusiness(QStringLiteral("HJ"));
        QCOMPARE(c.screen(), KioskController::Screen::Message);
        QVERIFY2(c.messageText().contains(KioskController::tr("No ticket printer is configured")), qPrintable(c.messageText()));
    }

    // The maintenance screen only with the code; elderly mode speaks its guidance.
    void maintenanceNeedsTheCodeAndElderlyModeSpeaks()
    {
        core::SystemClock clock;
        KioskSettings settings;
        QVERIFY(settings.maintenanceCode.setValue(QStringLiteral("246810")));
        KioskController c(nullptr, &clock, KioskConfig(), &settings, nullptr, nullptr, nullptr);
        QVERIFY(!c.unlockMaintenance(QStringLiteral("000000")));
        QCOMPARE(c.screen(), KioskController::Screen::Attract);
        QVERIFY(c.unlockMaintenance(QStringLiteral("246810")));
        QCOMPARE(c.screen(), KioskController::Screen::Maintenance);
        QVERIFY(c.action(QLatin1String(KioskController::TestTicket))->isEnabled());
        c.leaveMaintenance();
        QCOMPARE(c.screen(), KioskController::Screen::Attract);
        QVERIFY(!c.action(QLatin1String(KioskController::TestTicket))->isEnabled());

        QSignalSpy said(&c, &KioskController::guidance);
        c.action(QLatin1String(KioskController::Elderly))->trigger();
        QVERIFY(c.isElderly());
        c.touchStart();
        QCOMPARE(said.size(), 2);
        QCOMPARE(said.last().first().toString(), KioskController::tr("Please touch the business you came for."));
    }
};

QTEST_MAIN(TestKioskParts)
#include "tst_kiosk_parts.moc"
