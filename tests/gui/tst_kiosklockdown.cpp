// hall-kiosk stays on its screen (issue 10): a close from outside — the window manager's close
// button or Alt+F4, which reach the window as a close from the platform — is refused, while the
// maintenance screen's exit and a quit of the application (the automation's quit) still end the
// program. The app's event loop really runs here (QCoreApplication::exec), as in hall-kiosk.

#include <kiosk/kioskcontroller.h>
#include <kiosk/kioskscreen.h>
#include <kiosk/kiosksettings.h>

#include <core/clock.h>

#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QWindow>
#include <QtTest>

using namespace hall;
using namespace hall::kiosk;

class TestKioskLockDown : public QObject
{
    Q_OBJECT
private:
    core::ManualClock m_clock{QDateTime(QDate(2026, 12, 7), QTime(9, 30))};
    std::unique_ptr<KioskSettings> m_settings;
    std::unique_ptr<KioskController> m_kiosk;
    std::unique_ptr<KioskScreen> m_screen;

    // Runs the application's event loop until the app quits (its exit code), or gives up after
    // five seconds with -1.
    static int runUntilQuit()
    {
        QTimer giveUp;
        giveUp.setSingleShot(true);
        QObject::connect(&giveUp, &QTimer::timeout, qApp, [] { QCoreApplication::exit(-1); });
        giveUp.start(5000);
        return QCoreApplication::exec();
    }

private Q_SLOTS:
    void init()
    {
        m_settings = std::make_unique<KioskSettings>();
        m_kiosk = std::make_unique<KioskController>(nullptr, &m_clock, KioskConfig(), m_settings.get(), nullptr, nullptr, nullptr);
        m_screen = std::make_unique<KioskScreen>(m_kiosk.get());
        m_screen->resize(m_kiosk->config().screenSize());
        m_screen->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
    }
    void cleanup()
    {
        m_screen.reset();
        m_kiosk.reset();
        m_settings.reset();
    }

    void closeFromOutsideIsRefused()
    {
        // What the window manager does (X11 WM_DELETE_WINDOW, Alt+F4): a close of the platform
        // window, delivered as a spontaneous close event.
        QVERIFY(!m_screen->windowHandle()->close());
        // And a close of the widget itself.
        QVERIFY(!m_screen->close());
        QTest::qWait(50);
        QVERIFY(m_screen->isVisible());
        QCOMPARE(m_kiosk->screen(), KioskController::Screen::Attract);
    }

    void maintenanceExitEndsTheProgram()
    {
        Q_EMIT m_kiosk->maintenanceRequested();
        m_screen->maintenanceCodeField()->setText(m_settings->maintenanceCode.value());
        Q_EMIT m_screen->maintenanceCodeField()->returnPressed();
        QCOMPARE(m_kiosk->screen(), KioskController::Screen::Maintenance);
        QPushButton *quit = m_screen->page(KioskController::Screen::Maintenance)->findChild<QPushButton *>(QStringLiteral("quit"));
        QVERIFY(quit && quit->isVisible());

        QTimer::singleShot(0, quit, [quit] { QTest::mouseClick(quit, Qt::LeftButton); });
        QCOMPARE(runUntilQuit(), 0);
        QVERIFY(!m_screen->isVisible());
    }

    void quitOfTheApplicationEndsTheProgram()
    {
        // hall-kiosk --automation's "quit", and any other QCoreApplication::quit().
        QTimer::singleShot(0, qApp, &QCoreApplication::quit);
        QCOMPARE(runUntilQuit(), 0);
        QVERIFY(!m_screen->isVisible());
    }
};

QTEST_MAIN(TestKioskLockDown)
#include "tst_kiosklockdown.moc"
