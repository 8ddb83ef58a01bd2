#pragma once

#include <display/callqueue.h>
#include <display/displayconfig.h>
#include <display/layout.h>
#include <display/wallmodels.h>

#include <net/connectionstatus.h>
#include <net/devicereporter.h>
#include <net/hallstate.h>
#include <net/types.h>

#include <QObject>
#include <QTimer>

#include <memory>

QT_BEGIN_NAMESPACE
class QAction;
QT_END_NAMESPACE

namespace hall::app {
class Commands;
}
namespace hall::core {
class Clock;
}
namespace hall::net {
class EventStream;
class HallClient;
} // namespace hall::net

namespace hall::display {

class DisplaySettings;

// What the wall does, without a window: follows the hall's event stream (pushed, never polled;
// it reconnects by itself), keeps the last good state while the link is down and says since
// when, queues every call for its enlargement with the window that made it, masks what the
// public must not read (D4), and switches the screen on and off by the schedule (D5).
// WallScreen paints it; tests and benchmarks drive it through the real EventStream or through
// applySnapshot()/applyEvent().
class HALL_DISPLAY_EXPORT DisplayController : public QObject
{
    Q_OBJECT
public:
    // client may be null (no server configured: the wall says so and shows its layout).
    DisplayController(net::HallClient *client, const core::Clock *clock, const Layout &layout, const Schedule &schedule,
                      DisplaySettings *settings, QObject *parent = nullptr);
    ~DisplayController() override;

    void start(const QString &hall);
    // The name the wall reports its state under (GET /halls/{hall}/devices), e.g. the PC's role;
    // before start(). Without it the host name is used.
    void setDeviceName(const QString &station);
    net::DeviceReporter *deviceReporter() const { return m_reporter.get(); }

    // The wall's commands (context "display", always active): display.testCall (F9) enlarges a
    // test call, so a field engineer sees the wall and the voice hook work without a citizen.
    static constexpr char TestCall[] = "display.testCall";
    static constexpr char Context[] = "display";
    void registerCommands(app::Commands *commands);
    QAction *action(const QString &id) const;

    const Layout &layout() const { return m_layout; }
    const net::HallState &state() const { return m_state; }
    QString title() const;
    WindowsModel *windows() { return &m_windows; }
    WaitingModel *waiting() { return &m_waiting; }
    CallQueue *calls() { return &m_calls; }
    net::EventStream *stream() const { return m_stream; }
    QString notice() const;

    // Live: the stream is up and the state current. Offline shows after a short grace, so a
    // resubscribe does not flash the notice.
    bool isOffline() const { return m_offline; }
    QDateTime lastUpdate() const { return m_lastUpdate; } // of the state shown
    QString offlineText() const;
    bool isScreenOn() const { return m_screenOn; }
    QDateTime now() const;

    // The stream's signals arrive here; public for tests and benchmarks without a server.
    void applySnapshot(const net::HallState &state);
    void applyState(const net::HallState &state);
    void applyEvent(const net::HallEvent &event);

    void setOfflineGraceMs(int ms) { m_offlineGrace.setInterval(ms); }
    // Checks the schedule now (it is also checked at each edge and every minute).
    void checkSchedule();

Q_SIGNALS:
    void stateChanged();
    void offlineChanged(bool offline);
    void screenOnChanged(bool on);
    void noticeChanged();

private:
    void setOffline(bool offline);
    void applySettings();
    void reportScreen();

    const core::Clock *m_clock;
    Layout m_layout;
    Schedule m_schedule;
    DisplaySettings *m_settings;
    net::HallClient *m_client;
    net::EventStream *m_stream = nullptr;
    // A wall that goes dark or freezes is noticed by the supervisor: it says how its screen is,
    // and its silence counts as unreachable.
    std::unique_ptr<net::DeviceReporter> m_reporter;
    net::HallState m_state;
    WindowsModel m_windows;
    WaitingModel m_waiting;
    CallQueue m_calls;
    bool m_offline = true;
    bool m_screenOn = true;
    QDateTime m_lastUpdate;
    QTimer m_offlineGrace;
    QTimer m_scheduleTimer;
    QAction *m_testCall;
};

} // namespace hall::display
