#include "bridgecontroller.h"

#include <core/logging.h>
#include <devices/devicemanager.h>
#include <net/devicereporter.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <storage/transaction.h>
#include <sync/cache.h>
#include <sync/engine.h>
#include <voice/announcer.h>
#include <voice/clipengine.h>
#include <voice/enginefactory.h>

#include <QDir>
#include <QFileInfo>

namespace hall::bridge {

namespace {

bool sameContent(const devices::ScreenContent &a, const devices::ScreenContent &b)
{
    return a.mode == b.mode && a.number == b.number && a.text == b.text && a.window == b.window && a.colour == b.colour;
}

bool sameDisplay(const devices::CallerDisplay &a, const devices::CallerDisplay &b)
{
    return a.number == b.number && a.waiting == b.waiting;
}

// "A001" → 1, "007" → 7: keypads send digits only, so a ticket is found by its number's digits.
int digitsValue(const QString &text)
{
    QString digits;
    for (QChar c : text) {
        if (c.isDigit())
            digits.append(c);
    }
    bool ok = false;
    const int n = digits.toInt(&ok);
    return ok ? n : -1;
}

} // namespace

voice::Announcer *createAnnouncer(const BridgeConfig::Voice &config, const voice::ClipLibrary *clips, const core::Clock *clock,
                                  QObject *parent, QString *error)
{
    voice::SpeechEngine *engine = voice::createSpeechEngine(config.engine, clips, nullptr, error);
    if (!engine)
        return nullptr;
    if (auto *clipEngine = qobject_cast<voice::ClipEngine *>(engine); clipEngine && !config.wavFiles.isEmpty()) {
        QDir().mkpath(QFileInfo(config.wavFiles).absolutePath());
        clipEngine->setOutputFile(config.wavFiles);
    }
    auto *announcer = new voice::Announcer(engine, clock, parent);
    engine->setParent(announcer);
    announcer->setVolume(config.volumePercent / 100.0);
    announcer->setQuietHours(config.quietFrom, config.quietTo);
    return announcer;
}

BridgeController::BridgeController(net::HallClient *client, devices::DeviceManager *devices, voice::Announcer *announcer,
                                   sync::SyncCache *outbox, sync::SyncEngine *sync, const BridgeConfig &config, QObject *parent)
    : QObject(parent), m_client(client), m_devices(devices), m_announcer(announcer), m_outbox(outbox), m_sync(sync),
      m_config(config), m_texts(config.effectiveTexts())
{
    // Bars: each screen device is heard once, whatever number of windows it shows.
    QSet<QString> screens;
    for (const BridgeConfig::Bar &bar : std::as_const(m_config.bars)) {
        BarStatus status;
        status.bar = bar;
        auto *screen = m_devices ? m_devices->device<devices::WindowScreen>(bar.device) : nullptr;
        if (!screen)
            status.problem = tr("There is no window screen \"%1\" in the device configuration.").arg(bar.device);
        m_bars.append(status);
        if (!screen || screens.contains(bar.device))
            continue;
        screens.insert(bar.device);
        const QString device = bar.device;
        connect(screen, &devices::WindowScreen::shown, this, [this, device](int address) { onScreenShown(device, address); });
        connect(screen, &devices::WindowScreen::showFailed, this,
                [this, device](int address, devices::Device::Error, const QString &message) { onScreenFailed(device, address, message); });
    }
    for (const BarStatus &b : std::as_const(m_bars)) {
        if (!b.problem.isEmpty())
            qCWarning(lcBridge, "bar of window %s: %s", qPrintable(b.bar.window), qPrintable(b.problem));
    }

    if (m_devices && (!m_config.callers.isEmpty() || !m_config.evaluators.isEmpty())) {
        m_bus = m_devices->device<devices::CallerBus>(m_config.callerBus);
        if (m_bus)
            connect(m_bus, &devices::CallerBus::keyPressed, this, &BridgeController::handleKey);
        else
            qCWarning(lcBridge, "there is no caller bus \"%s\" in the device configuration", qPrintable(m_config.callerBus));
    }
    if (m_devices) {
        // Status reported: a bar or bus unplugged is logged (the DeviceManager retries it and the
        // driver restores what it showed); the others carry on, each on its own thread.
        connect(m_devices, &devices::DeviceManager::statusChanged, this, [this](const QString &role) {
            const devices::Device *d = m_devices->device(role);
            if (!d || d->state() == devices::Device::State::Busy || m_deviceStates.value(role) == d->state())
                return; // busy is every write: only the changes between ready and not are news
            m_deviceStates.insert(role, d->state());
            qCInfo(lcBridge, "device %s: %s %s", qPrintable(role), qPrintable(devices::stateName(d->state())), qPrintable(d->errorString()));
            reportDevices();
        });
    }

    if (m_announcer) {
        connect(m_announcer, &voice::Announcer::started, this, [this](const voice::Announcement &a) { Q_EMIT announcementStarted(a.id); });
        connect(m_announcer, &voice::Announcer::said, this, [this](const voice::Announcement &a) { Q_EMIT announced(a.id); });
        connect(m_announcer, &voice::Announcer::failed, this, [this](const voice::Announcement &a) { Q_EMIT announced(a.id); });
        connect(m_announcer, &voice::Announcer::suppressed, this, [this](const voice::Announcement &a) {
            qCInfo(lcBridge, "quiet hours: %s shown, not said", qPrintable(a.id));
            Q_EMIT announced(a.id);
        });
    }

    if (!client)
        return;
    // The wall may wait for each announcement before its next enlargement; it is in another
    // process, so the server relays what the voice says (announcement.started / .finished).
    if (m_announcer) {
        const auto tell = [this](const QString &id, bool finished) {
            m_client->reportAnnouncement(id, finished, this, [id](const net::Result<bool> &r) {
                if (!r) // the wall then falls back to its own time limit
                    qCInfo(lcBridge, "announcement of %s not relayed: %s", qPrintable(id), qPrintable(r.error().code));
            });
        };
        connect(this, &BridgeController::announcementStarted, this, [tell](const QString &id) { tell(id, false); });
        connect(this, &BridgeController::announced, this, [tell](const QString &id) { tell(id, true); });
    }
    // Bars and the caller bus that fail reach the supervisor (device.status).
    m_reporter = std::make_unique<net::DeviceReporter>(client, QString());
    connect(this, &BridgeController::barChanged, this, &BridgeController::reportDevices);
    m_stream = new net::EventStream(client, this);
    connect(m_stream, &net::EventStream::snapshot, this, &BridgeController::applySnapshot);
    connect(m_stream, &net::EventStream::stateChanged, this, &BridgeController::applyState);
    connect(m_stream, &net::EventStream::eventReceived, this, &BridgeController::applyEvent);
}

BridgeController::~BridgeController() = default;

void BridgeController::start(const QString &hall)
{
    if (!m_stream)
        return;
    reportDevices();
    m_reporter->start();
    m_stream->subscribe(hall);
}

void BridgeController::setDeviceName(const QString &station)
{
    if (m_client)
        m_reporter = std::make_unique<net::DeviceReporter>(m_client, station);
}

void BridgeController::reportDevices()
{
    if (!m_reporter)
        return;
    // Each window's bar as its screen confirmed it (a bar may fail while its card answers for
    // others), then every device of the PC as the device manager sees it.
    for (const BarStatus &b : std::as_const(m_bars))
        m_reporter->setPart(QStringLiteral("ledbar:") + b.bar.window.toLower(), b.problem.isEmpty() ? QStringLiteral("ok") : QStringLiteral("error"),
                            b.problem);
    if (!m_devices)
        return;
    for (const devices::DeviceStatus &s : m_devices->status())
        m_reporter->setPart(s.config.role.toLower(), devices::reportState(s.state), s.message);
}

devices::ScreenContent BridgeController::barContent(const net::WindowStatus &window) const
{
    using Mode = devices::ScreenContent::Mode;
    devices::ScreenContent c;
    c.window = window.number;
    if (window.current && (window.current->status == core::TicketStatus::Called || window.current->status == core::TicketStatus::Serving)) {
        c.mode = Mode::Serving;
        c.number = window.current->number;
        c.text = m_texts.serving;
    } else if (window.state == core::WindowState::Paused) {
        c.mode = Mode::Paused;
        c.text = m_texts.paused;
    } else if (window.state == core::WindowState::Offline) {
        c.mode = Mode::Paused; // the paused colour: nobody serves here
        c.text = m_texts.closed;
    } else {
        c.mode = Mode::Idle;
        c.text = m_texts.idle;
    }
    return c;
}

voice::Announcement BridgeController::announcement(const QString &number, const QString &window, bool recall) const
{
    voice::Announcement a;
    if (!m_config.voice.text.isEmpty())
        a.text = m_config.voice.text;
    a.fields = {{QStringLiteral("number"), number}, {QStringLiteral("window"), window}};
    a.repeat = m_config.voice.repeat;
    a.recall = recall;
    a.id = announcementId(number, window);
    return a;
}

void BridgeController::applySnapshot(const net::HallState &state)
{
    // Calls made while the stream was down have no events: a window whose called ticket is not
    // the one we knew is announced now, so no call goes unsaid after a reconnect (as the wall
    // enlarges them).
    for (const net::WindowStatus &w : m_state.callsMissedBy(state))
        announce(w.current->number, w.number, w.current->callCount > 1);
    applyState(state);
}

void BridgeController::applyState(const net::HallState &state)
{
    m_state = state;
    for (const net::WindowStatus &w : state.windowList()) {
        if (w.current)
            m_lastServed.insert(w.number, w.current->id);
    }
    updateBars();
    updateCallers();
}

void BridgeController::applyEvent(const net::HallEvent &event)
{
    if (!event.ticket)
        return;
    if (event.type == net::HallEvent::Type::TicketCalled) {
        const QString window = event.callWindow.isEmpty() ? event.ticket->window : event.callWindow;
        qCDebug(lcBridge, "call %s at window %s (%s)", qPrintable(event.ticket->number), qPrintable(window), qPrintable(event.callKind));
        announce(event.ticket->number, window, event.callKind == QLatin1String("recall"));
        // The bar changes now, not after the commit's summary: the call is on the wire at once.
        for (qsizetype i = 0; i < m_bars.size(); ++i) {
            if (m_bars.at(i).bar.window != window)
                continue;
            devices::ScreenContent c;
            c.mode = devices::ScreenContent::Mode::Serving;
            c.window = window;
            c.number = event.ticket->number;
            c.text = m_texts.serving;
            showBar(int(i), c);
        }
    } else if (event.type == net::HallEvent::Type::TicketIssued) {
        beepCallers(event.ticket->business);
    }
}

// ---------------------------------------------------------------------------------------
// bars (D2)

void BridgeController::updateBars()
{
    for (qsizetype i = 0; i < m_bars.size(); ++i) {
        const auto it = m_state.windows().constFind(m_bars.at(i).bar.window);
        if (it != m_state.windows().constEnd())
            showBar(int(i), barContent(*it));
    }
}

void BridgeController::showBar(int index, const devices::ScreenContent &content)
{
    const auto sent = m_sent.constFind(index);
    if (sent != m_sent.constEnd() && sameContent(*sent, content))
        return;
    BarStatus &status = m_bars[index];
    auto *screen = m_devices ? m_devices->device<devices::WindowScreen>(status.bar.device) : nullptr;
    if (!screen)
        return;
    m_sent.insert(index, content);
    const int address = status.bar.address;
    status.text = devices::WindowScreen::standardText(content, address, {});
    status.shown = false;
    qCDebug(lcBridge, "bar %s (%s %d): %s", qPrintable(status.bar.window), qPrintable(status.bar.device), address, qPrintable(status.text));
    QMetaObject::invokeMethod(screen, [screen, address, content] { screen->show(address, content); }, Qt::QueuedConnection);
    Q_EMIT barChanged(status.bar.window);
}

void BridgeController::onScreenShown(const QString &device, int address)
{
    for (BarStatus &b : m_bars) {
        if (b.bar.device != device || b.bar.address != address)
            continue;
        if (!b.problem.isEmpty())
            qCInfo(lcBridge, "bar of window %s shows again", qPrintable(b.bar.window));
        b.shown = true;
        b.problem.clear();
        Q_EMIT barChanged(b.bar.window);
    }
}

void BridgeController::onScreenFailed(const QString &device, int address, const QString &message)
{
    for (BarStatus &b : m_bars) {
        if (b.bar.device != device || b.bar.address != address)
            continue;
        // The driver keeps the text and shows it when the screen is back (its reconnect).
        if (b.problem != message)
            qCWarning(lcBridge, "bar of window %s: %s", qPrintable(b.bar.window), qPrintable(message));
        b.shown = false;
        b.problem = message;
        Q_EMIT barChanged(b.bar.window);
    }
}

// ---------------------------------------------------------------------------------------
// voice (D3)

void BridgeController::announce(const QString &number, const QString &window, bool recall)
{
    if (m_announcer)
        m_announcer->announce(announcement(number, window, recall));
}

// ---------------------------------------------------------------------------------------
// callers (Q17)

devices::CallerDisplay BridgeController::callerDisplay(const QString &window) const
{
    devices::CallerDisplay d;
    const auto it = m_state.windows().constFind(window);
    if (it == m_state.windows().constEnd())
        return d;
    if (it->current)
        d.number = it->current->number;
    d.waiting = it->waiting;
    return d;
}

void BridgeController::updateCallers(bool force)
{
    for (const BridgeConfig::Station &s : std::as_const(m_config.callers)) {
        const devices::CallerDisplay d = callerDisplay(s.window);
        const auto shown = m_callerShown.constFind(s.address);
        if (force || shown == m_callerShown.constEnd() || !sameDisplay(*shown, d))
            showCaller(s.address, d);
    }
}

void BridgeController::showCaller(int address, const devices::CallerDisplay &display)
{
    if (!m_bus)
        return;
    m_callerShown.insert(address, display);
    QPointer<devices::CallerBus> bus = m_bus;
    QMetaObject::invokeMethod(bus, [bus, address, display] { bus->show(address, display); }, Qt::QueuedConnection);
}

void BridgeController::beepCallers(const QString &business)
{
    // Q17: the buzzer of every open window that serves the new ticket's business.
    for (const BridgeConfig::Station &s : std::as_const(m_config.callers)) {
        const auto it = m_state.windows().constFind(s.window);
        if (it == m_state.windows().constEnd() || it->state == core::WindowState::Offline || !it->businesses.contains(business))
            continue;
        devices::CallerDisplay d = callerDisplay(s.window);
        d.beep = true;
        showCaller(s.address, d);
    }
}

void BridgeController::handleKey(const devices::CallerEvent &event)
{
    const BridgeConfig::Station *station = m_config.caller(event.address);
    if (!station)
        station = m_config.evaluator(event.address);
    if (!station) {
        qCWarning(lcBridge, "key %s from bus address %d, which the bridge file does not list", qPrintable(devices::callerKeyName(event.key)),
                  event.address);
        return;
    }
    devices::CallerContext context;
    context.window = station->window;
    context.paused = m_state.windows().value(station->window).state == core::WindowState::Paused;
    context.loginMode = m_config.windowLogin ? devices::CallerContext::LoginMode::Window : devices::CallerContext::LoginMode::StaffId;
    context.officer = station->officer;
    const devices::QueueCommand command = devices::queueCommand(event, context);
    qCInfo(lcBridge, "address %d key %s: %s at window %s", event.address, qPrintable(devices::callerKeyName(event.key)),
           qPrintable(command.operation), qPrintable(command.window));
    if (!command.isValid()) {
        Q_EMIT commandDone(event.address, command.operation, command.error);
        return;
    }
    run(event.address, command);
}

// The callback of a caller's command: says so, and on a refusal shows the caller its state again.
template<typename T>
auto BridgeController::answered(int address, const QString &operation)
{
    return [this, address, operation](const net::Result<T> &r) {
        const QString error = r ? QString() : r.error().message;
        if (!r)
            qCWarning(lcBridge, "address %d: %s refused: %s", address, qPrintable(operation), qPrintable(error));
        Q_EMIT commandDone(address, operation, error);
    };
}

void BridgeController::run(int address, const devices::QueueCommand &command)
{
    const QString &op = command.operation;
    const QString &window = command.window;
    if (command.local) {
        if (op == QLatin1String("prompt-rating")) {
            const BridgeConfig::Station *evaluator = m_config.evaluatorOf(window);
            if (!evaluator || !m_bus) {
                Q_EMIT commandDone(address, op, tr("Window %1 has no evaluator.").arg(window));
                return;
            }
            QPointer<devices::CallerBus> bus = m_bus;
            const int at = evaluator->address;
            QMetaObject::invokeMethod(bus, [bus, at] { bus->promptRating(at); }, Qt::QueuedConnection);
        } else if (op == QLatin1String("query")) {
            showCaller(address, callerDisplay(window));
        } else if (op == QLatin1String("rate")) {
            keepRating(address, window, command.arguments.value(QStringLiteral("rating")).toInt());
            return;
        }
        Q_EMIT commandDone(address, op, {});
        return;
    }
    if (!m_client) {
        Q_EMIT commandDone(address, op, tr("No hall server is configured."));
        return;
    }
    if (op == QLatin1String("call-next"))
        m_client->callNext(window, this, answered<net::CallResult>(address, op));
    else if (op == QLatin1String("recall"))
        m_client->recall(window, this, answered<net::CallResult>(address, op));
    else if (op == QLatin1String("special-call"))
        specialCall(address, command);
    else if (op == QLatin1String("pause"))
        m_client->pause(window, command.arguments.value(QStringLiteral("type")).toString(),
                        command.arguments.value(QStringLiteral("reason")).toString(), this, answered<net::WindowStatus>(address, op));
    else if (op == QLatin1String("resume"))
        m_client->resume(window, this, answered<net::WindowStatus>(address, op));
    else if (op == QLatin1String("transfer")) {
        net::TransferRequest request;
        request.window = command.arguments.value(QStringLiteral("window")).toString();
        m_client->transfer(window, request, this, answered<net::TicketInfo>(address, op));
    } else if (op == QLatin1String("login"))
        m_client->windowLogin(window, command.arguments.value(QStringLiteral("officer")).toString(), this,
                              answered<net::WindowStatus>(address, op));
    else
        Q_EMIT commandDone(address, op, tr("The caller's %1 is not a queue command.").arg(op));
}

void BridgeController::specialCall(int address, const devices::QueueCommand &command)
{
    // The keypad gives digits; the API takes a ticket id: find the waiting ticket with those
    // digits, among this window's businesses when several match (A001 and B001).
    net::TicketFilter filter;
    filter.status = core::TicketStatus::Waiting;
    const QString window = command.window;
    const int wanted = digitsValue(command.ticketNumber);
    m_client->tickets(filter, this, [this, address, window, wanted, typed = command.ticketNumber](const net::Result<QList<net::TicketInfo>> &r) {
        const QString op = QStringLiteral("special-call");
        if (!r) {
            Q_EMIT commandDone(address, op, r.error().message);
            return;
        }
        QList<net::TicketInfo> found;
        for (const net::TicketInfo &t : *r) {
            if (digitsValue(t.number) == wanted)
                found.append(t);
        }
        if (found.size() > 1) {
            const QStringList mine = m_state.windows().value(window).businesses;
            found.removeIf([&mine](const net::TicketInfo &t) { return !mine.contains(t.business); });
        }
        if (found.size() != 1) {
            Q_EMIT commandDone(address, op, found.isEmpty() ? tr("No waiting ticket has the number %1.").arg(typed)
                                                            : tr("Several waiting tickets have the number %1.").arg(typed));
            return;
        }
        m_client->specialCall(window, found.first().id, this, answered<net::CallResult>(address, op));
    });
}

// ---------------------------------------------------------------------------------------
// ratings (E1–E3)

void BridgeController::keepRating(int address, const QString &window, int level)
{
    const qint64 ticket = m_lastServed.value(window);
    QString error;
    if (!m_outbox)
        error = tr("This bridge keeps no ratings (no outbox in its file).");
    else if (!ticket)
        error = tr("Window %1 has served nobody to rate yet.").arg(window);
    else if (m_rated.contains(ticket))
        error = tr("Ticket %1 has been rated already.").arg(ticket);
    if (error.isEmpty()) {
        // Into the outbox in its own transaction: kept across a restart and sent when the server
        // is there (store-and-forward); the sync engine delivers it exactly once.
        storage::Transaction tx(m_outbox->connection());
        sync::OutboxEntry made;
        const QJsonObject data{{QStringLiteral("ticket"), ticket}, {QStringLiteral("level"), level},
                               {QStringLiteral("source"), QStringLiteral("evaluator")}};
        if (!tx.isActive())
            error = tx.error();
        else if (m_outbox->enqueue(QStringLiteral("rating"), data, QStringLiteral("rating/%1").arg(ticket), &made, &error) && !tx.commit())
            error = tx.error();
    }
    if (!error.isEmpty()) {
        qCWarning(lcBridge, "rating from address %d not kept: %s", address, qPrintable(error));
        Q_EMIT ratingRefused(address, error);
        Q_EMIT commandDone(address, QStringLiteral("rate"), error);
        return;
    }
    m_rated.insert(ticket);
    qCInfo(lcBridge, "rating %d for ticket %lld of window %s kept", level, ticket, qPrintable(window));
    if (m_sync)
        m_sync->kick();
    Q_EMIT ratingKept(ticket, level);
    Q_EMIT commandDone(address, QStringLiteral("rate"), {});
}

} // namespace hall::bridge
