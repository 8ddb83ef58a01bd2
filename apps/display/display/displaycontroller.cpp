#include "displaycontroller.h"

#include "displaysettings.h"

#include <app/commands.h>
#include <core/clock.h>
#include <core/logging.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <ui/publictext.h>

#include <QAction>

namespace hall::display {

DisplayController::DisplayController(net::HallClient *client, const core::Clock *clock, const Layout &layout,
                                     const Schedule &schedule, DisplaySettings *settings, QObject *parent)
    : QObject(parent), m_clock(clock), m_layout(layout), m_schedule(schedule), m_settings(settings), m_client(client)
{
    if (const Area *w = m_layout.area(Area::Kind::Windows))
        m_windows.setSelection(w->windows);
    if (const Area *b = m_layout.area(Area::Kind::Waiting))
        m_waiting.setSelection(b->businesses);
    m_windows.setState(m_state);

    m_testCall = new QAction(tr("Show a test call"), this);
    connect(m_testCall, &QAction::triggered, this, [this] {
        Call call;
        call.number = tr("TEST");
        call.window = QStringLiteral("0");
        call.windowName = tr("Test of the wall");
        call.kind = QStringLiteral("test");
        call.at = now();
        m_calls.add(call);
    });

    applySettings();
    connect(m_settings, &app::AspectContainer::changed, this, &DisplayController::applySettings);
    connect(&m_settings->notice, &app::Aspect::changed, this, &DisplayController::noticeChanged);

    m_offlineGrace.setSingleShot(true);
    m_offlineGrace.setInterval(3000);
    connect(&m_offlineGrace, &QTimer::timeout, this, [this] { setOffline(true); });

    m_scheduleTimer.setInterval(30000);
    connect(&m_scheduleTimer, &QTimer::timeout, this, &DisplayController::checkSchedule);
    m_scheduleTimer.start();
    m_screenOn = m_schedule.isOn(now());

    if (!client)
        return;
    m_stream = new net::EventStream(client, this);
    m_reporter = std::make_unique<net::DeviceReporter>(client, QString());
    connect(m_stream, &net::EventStream::snapshot, this, &DisplayController::applySnapshot);
    connect(m_stream, &net::EventStream::stateChanged, this, &DisplayController::applyState);
    connect(m_stream, &net::EventStream::eventReceived, this, &DisplayController::applyEvent);
    connect(m_stream, &net::EventStream::liveChanged, this, [this](bool live) {
        if (live) {
            m_offlineGrace.stop();
            setOffline(false);
        } else if (!m_offline && !m_offlineGrace.isActive()) {
            m_offlineGrace.start();
        }
    });
}

DisplayController::~DisplayController() = default;

void DisplayController::registerCommands(app::Commands *commands)
{
    commands->registerAction(m_testCall, QLatin1String(TestCall), QLatin1String(Context), QKeySequence(Qt::Key_F9));
    commands->setContextActive(QLatin1String(Context), true);
}

QAction *DisplayController::action(const QString &id) const
{
    return id == QLatin1String(TestCall) ? m_testCall : nullptr;
}

void DisplayController::setDeviceName(const QString &station)
{
    if (m_client)
        m_reporter = std::make_unique<net::DeviceReporter>(m_client, station);
}

void DisplayController::start(const QString &hall)
{
    if (!m_stream)
        return;
    reportScreen();
    m_reporter->start();
    m_stream->subscribe(hall);
}

void DisplayController::reportScreen()
{
    if (m_reporter)
        m_reporter->setPart(QStringLiteral("screen"), QStringLiteral("ok"), m_screenOn ? QString() : tr("off by the schedule"));
}

QDateTime DisplayController::now() const
{
    return m_clock->now();
}

QString DisplayController::title() const
{
    if (!m_layout.title.isEmpty())
        return ui::publicText(m_layout.title);
    return ui::publicText(m_state.name());
}

QString DisplayController::notice() const
{
    const QString text = m_settings->notice.value().isEmpty() ? (m_layout.area(Area::Kind::Notice) ? m_layout.area(Area::Kind::Notice)->text : QString())
                                                              : m_settings->notice.value();
    return ui::publicText(text);
}

QString DisplayController::offlineText() const
{
    if (!m_client)
        return tr("No hall server is configured for this display");
    if (!m_lastUpdate.isValid())
        return tr("Connecting to the hall server…");
    return tr("Network down: showing %1 state, reconnecting")
        .arg(m_lastUpdate.toString(QStringLiteral("HH:mm")));
}

void DisplayController::setOffline(bool offline)
{
    if (offline == m_offline)
        return;
    m_offline = offline;
    qCInfo(lcDisplay, "%s", offline ? "offline: showing the last state" : "online");
    Q_EMIT offlineChanged(offline);
}

void DisplayController::applySettings()
{
    m_calls.setShowMs(m_settings->enlargeSeconds.value() * 1000);
    m_calls.setWaitForAnnouncement(m_settings->waitForAnnouncement.value(), m_settings->announcementWaitSeconds.value() * 1000);
}

void DisplayController::applySnapshot(const net::HallState &state)
{
    // Calls made while the stream was down have no events here; a window whose called ticket is
    // not the one we knew is enlarged now, so no call goes unseen after a reconnect.
    for (const net::WindowStatus &w : m_state.callsMissedBy(state)) {
        Call call;
        call.number = w.current->number;
        call.window = w.number;
        call.windowName = ui::publicText(w.name);
        call.kind = QStringLiteral("catch-up");
        call.at = w.current->calledAt;
        m_calls.add(call);
    }
    applyState(state);
}

void DisplayController::applyState(const net::HallState &state)
{
    m_state = state;
    m_lastUpdate = now();
    m_windows.setState(m_state);
    m_waiting.setState(m_state);
    Q_EMIT stateChanged();
}

void DisplayController::applyEvent(const net::HallEvent &event)
{
    // The voice in hall-bridge has said (or given up on) a call: the next enlargement may begin.
    // Without a bridge none comes and the queue's own time limit takes over.
    if (event.typeName == QLatin1String("announcement.finished")) {
        m_calls.announced(event.data.value(QStringLiteral("call")).toString());
        return;
    }
    if (event.type != net::HallEvent::Type::TicketCalled || !event.ticket)
        return;
    Call call;
    call.number = event.ticket->number;
    // The window of this call's own event: two windows calling at once each get their own.
    call.window = event.callWindow.isEmpty() ? event.ticket->window : event.callWindow;
    call.windowName = ui::publicText(event.callWindowName);
    call.kind = event.callKind;
    call.at = event.at;
    // Events carry no names today; should a hall's server add one, the wall still masks it.
    const QString name = event.data.value(QStringLiteral("name")).toString();
    if (!name.isEmpty())
        call.holderName = ui::publicName(name);
    qCDebug(lcDisplay, "call %s at window %s (%s)", qPrintable(call.number), qPrintable(call.window), qPrintable(call.kind));
    m_calls.add(call);
}

void DisplayController::checkSchedule()
{
    const bool on = m_schedule.isOn(now());
    if (on == m_screenOn)
        return;
    m_screenOn = on;
    qCInfo(lcDisplay, "screen %s by the schedule", on ? "on" : "off");
    reportScreen();
    Q_EMIT screenOnChanged(on);
}

} // namespace hall::display
