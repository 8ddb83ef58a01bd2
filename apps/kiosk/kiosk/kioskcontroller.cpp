#include "kioskcontroller.h"

#include "kiosksettings.h"
#include "ticketprinting.h"

#include <app/commands.h>
#include <core/clock.h>
#include <core/idnumber.h>
#include <core/logging.h>
#include <core/masking.h>
#include <devices/devicemanager.h>
#include <net/devicereporter.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <netsync/leasekeeper.h>
#include <sync/engine.h>
#include <sync/offline.h>
#include <ui/publictext.h>
#include <voice/announcer.h>

#include <QAction>

namespace hall::kiosk {

KioskController::KioskController(net::HallClient *client, const core::Clock *clock, const KioskConfig &config, KioskSettings *settings,
                                 TicketPrinting *printing, sync::SyncCache *cache, devices::DeviceManager *devices, QObject *parent)
    : QObject(parent), m_client(client), m_clock(clock), m_config(config), m_settings(settings), m_printing(printing), m_cache(cache),
      m_devices(devices), m_businesses(&m_estimator)
{
    m_elderlyAction = new QAction(tr("Elderly mode"), this);
    m_elderlyAction->setCheckable(true);
    connect(m_elderlyAction, &QAction::toggled, this, &KioskController::setElderly);
    m_maintenanceAction = new QAction(tr("Maintenance…"), this);
    connect(m_maintenanceAction, &QAction::triggered, this, &KioskController::maintenanceRequested);
    m_testTicketAction = new QAction(tr("Print a test ticket"), this);
    m_testTicketAction->setEnabled(false);
    connect(m_testTicketAction, &QAction::triggered, this, &KioskController::printTestTicket);

    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &KioskController::resetToAttract);
    m_hoursTimer.setInterval(30000);
    connect(&m_hoursTimer, &QTimer::timeout, this, &KioskController::checkHours);
    m_hoursTimer.start();
    m_offlineGrace.setSingleShot(true);
    m_offlineGrace.setInterval(3000);
    connect(&m_offlineGrace, &QTimer::timeout, this, [this] { setOffline(true); });
    m_voidRetry.setInterval(5000);
    connect(&m_voidRetry, &QTimer::timeout, this, &KioskController::retryVoids);
    if (m_printing) {
        connect(m_printing, &TicketPrinting::paperChanged, this, [this](devices::TicketPrinter::Paper paper) {
            // Reported to whoever reads the kiosk's log and status (the supervisor's tools).
            if (paper == devices::TicketPrinter::Paper::NearEnd || paper == devices::TicketPrinter::Paper::Out)
                qCWarning(lcKiosk, "printer paper %s", paper == devices::TicketPrinter::Paper::Out ? "out" : "near its end");
            reportDevices();
            Q_EMIT changed();
        });
        connect(m_printing, &TicketPrinting::stateChanged, this, &KioskController::changed);
        connect(m_printing, &TicketPrinting::stateChanged, this, &KioskController::reportDevices);
    }

    if (m_cache)
        m_issuer = std::make_unique<sync::OfflineIssuer>(m_cache);
    if (!m_client)
        return;
    m_stream = new net::EventStream(client, this);
    // Paper low or out and a reader unplugged reach the supervisor, not only this screen.
    m_reporter = std::make_unique<net::DeviceReporter>(client, QString());
    if (m_devices)
        connect(m_devices, &devices::DeviceManager::statusChanged, this, &KioskController::reportDevices);
    connect(m_stream, &net::EventStream::snapshot, this, &KioskController::applyState);
    connect(m_stream, &net::EventStream::stateChanged, this, &KioskController::applyState);
    connect(m_stream, &net::EventStream::eventReceived, this, &KioskController::applyEvent);
    connect(m_stream, &net::EventStream::liveChanged, this, [this](bool live) {
        if (live) {
            m_offlineGrace.stop();
            setOffline(false);
        } else if (!m_offline && !m_offlineGrace.isActive()) {
            m_offlineGrace.start();
        }
    });
    if (m_cache) {
        m_transport = std::make_unique<net::HallSyncTransport>(client);
        m_sync = std::make_unique<sync::SyncEngine>(m_cache, m_transport.get());
        m_leases = std::make_unique<net::LeaseKeeper>(client, m_cache);
        m_leaseTimer.setInterval(60000);
        connect(&m_leaseTimer, &QTimer::timeout, this, &KioskController::topUpLeases);
        connect(m_sync.get(), &sync::SyncEngine::statusChanged, this, &KioskController::changed);
        connect(m_sync.get(), &sync::SyncEngine::outcomesArrived, this, &KioskController::voidOfflineFailures);
    }
}

KioskController::~KioskController() = default;

void KioskController::setAnnouncer(voice::Announcer *announcer)
{
    m_announcer = announcer;
}

void KioskController::registerCommands(app::Commands *commands)
{
    commands->registerAction(m_elderlyAction, QLatin1String(Elderly), QLatin1String(Context), QKeySequence(Qt::Key_F5));
    commands->registerAction(m_maintenanceAction, QLatin1String(Maintenance), QLatin1String(Context), QKeySequence(QStringLiteral("Ctrl+Shift+M")));
    commands->registerAction(m_testTicketAction, QLatin1String(TestTicket), QLatin1String(Context), QKeySequence());
    commands->setContextActive(QLatin1String(Context), true);
}

QAction *KioskController::action(const QString &id) const
{
    if (id == QLatin1String(Elderly))
        return m_elderlyAction;
    if (id == QLatin1String(Maintenance))
        return m_maintenanceAction;
    return id == QLatin1String(TestTicket) ? m_testTicketAction : nullptr;
}

void KioskController::setDeviceName(const QString &station)
{
    if (m_client)
        m_reporter = std::make_unique<net::DeviceReporter>(m_client, station);
}

void KioskController::reportDevices()
{
    if (!m_reporter)
        return;
    if (m_printing) {
        const QString reason = m_printing->unavailableReason();
        m_reporter->setPart(QStringLiteral("printer"), m_printing->reportState(), reason);
    }
    if (!m_devices)
        return;
    for (const devices::DeviceStatus &s : m_devices->status()) {
        if (s.config.role != QLatin1String("printer"))
            m_reporter->setPart(s.config.role, devices::reportState(s.state), s.message);
    }
}

void KioskController::start(const QString &hall)
{
    checkHours();
    if (!m_stream)
        return;
    reportDevices();
    m_reporter->start();
    m_stream->subscribe(hall);
    if (m_sync) {
        m_sync->start();
        m_leaseTimer.start();
    }
}

QDateTime KioskController::now() const
{
    return m_clock->now();
}

// --- screens and timers ---

void KioskController::setScreen(Screen screen)
{
    m_screen = screen;
    if (screen != Screen::Message)
        setFailedPrint(std::nullopt);
    m_testTicketAction->setEnabled(screen == Screen::Maintenance);
    restartIdle();
    Q_EMIT screenChanged(screen);
    if (m_elderly)
        speak(guidanceText());
}

void KioskController::showMessage(const QString &title, const QString &text)
{
    setFailedPrint(std::nullopt);
    m_messageTitle = title;
    m_messageText = text;
    setScreen(Screen::Message);
}

void KioskController::restartIdle()
{
    if (m_screen == Screen::Attract || m_screen == Screen::Closed || m_screen == Screen::Printing) {
        m_idle.stop();
        return;
    }
    const int seconds = m_screen == Screen::Done ? m_settings->idleAfterPrintSeconds.value() : m_settings->idleSeconds.value();
    m_idle.start(seconds * m_secondMs);
}

void KioskController::userActivity()
{
    if (m_idle.isActive())
        restartIdle();
}

void KioskController::forgetIdentity()
{
    m_source = Source::Touch;
    m_idNumber.clear();
    m_phone.clear();
    m_pendingBusiness.clear();
    m_entryError.clear();
}

void KioskController::resetToAttract()
{
    if (m_busy)
        return; // a ticket on its way finishes first
    forgetIdentity();
    m_reprintId = 0;
    m_maintenanceNote.clear();
    setScreen(Screen::Attract);
    checkHours();
}

void KioskController::cancel()
{
    resetToAttract();
}

void KioskController::checkHours()
{
    if (m_screen == Screen::Maintenance || m_busy)
        return;
    const bool open = m_config.hours.isOn(now());
    if (!open && m_screen != Screen::Closed) {
        m_closedReason.clear();
        forgetIdentity();
        setScreen(Screen::Closed);
    } else if (open && m_screen == Screen::Closed && m_closedReason.isEmpty()) {
        setScreen(Screen::Attract);
    }
}

QString KioskController::closedText() const
{
    const QDateTime opens = m_config.hours.isOn(now()) ? QDateTime() : m_config.hours.nextChange(now());
    if (!opens.isValid())
        return m_closedReason.isEmpty() ? tr("No tickets are issued now.") : m_closedReason;
    const QString time = opens.time().toString(QStringLiteral("HH:mm"));
    if (opens.date() == now().date())
        return tr("We open again today at %1.").arg(time);
    if (opens.date() == now().date().addDays(1))
        return tr("We open again tomorrow at %1.").arg(time);
    return tr("We open again on %1 at %2.").arg(QLocale().toString(opens.date(), QStringLiteral("M/d dddd")), time);
}

void KioskController::setElderly(bool on)
{
    if (on == m_elderly)
        return;
    m_elderly = on;
    m_elderlyAction->setChecked(on);
    qCInfo(lcKiosk, "elderly mode %s", on ? "on" : "off");
    restartIdle();
    Q_EMIT changed();
    if (on)
        speak(guidanceText());
}

void KioskController::speak(const QString &text)
{
    if (text.isEmpty())
        return;
    Q_EMIT guidance(text);
    if (m_announcer) {
        voice::Announcement a;
        a.text = text;
        a.id = QStringLiteral("guide");
        m_announcer->announce(a);
    }
}

QString KioskController::guidanceText() const
{
    switch (m_screen) {
    case Screen::Attract:
        return tr("Welcome. Touch the screen to take a ticket, or place your ID card on the reader.");
    case Screen::Choose:
        return tr("Please touch the business you came for.");
    case Screen::Identify:
        if (m_entry == Entry::Reminder)
            return tr("To get a text message before you are called, type your mobile number and touch OK. If not, touch \"No, just my ticket\".");
        return m_entry == Entry::Phone ? tr("Please type your mobile number, then touch OK.")
                                       : tr("Please type your code, or hold the QR code under the scanner.");
    case Screen::Printing:
        return tr("Your ticket is being printed.");
    case Screen::Done:
        if (!m_ticket)
            return {};
        return m_ticketReminder.isEmpty() ? tr("Please take your ticket. Your number is %1.").arg(m_ticket->number)
                                          : tr("Please take your ticket. Your number is %1. We will send you a text message before you are called.").arg(m_ticket->number);
    case Screen::Message:
        return QStringList{m_messageTitle, m_messageText, newTicketHint()}.join(u' ').trimmed();
    case Screen::Reprint:
        return m_reprintText;
    case Screen::Closed:
        return closedText();
    case Screen::Maintenance:
        return {};
    }
    return {};
}

// --- the hall ---

void KioskController::setOffline(bool offline)
{
    if (offline == m_offline)
        return;
    m_offline = offline;
    qCInfo(lcKiosk, "%s", offline ? "offline: issuing from leased numbers" : "online");
    if (!offline) {
        topUpLeases();
        retryVoids();
        if (m_sync)
            m_sync->kick();
    }
    Q_EMIT changed();
}

void KioskController::applyState(const net::HallState &state)
{
    m_state = state;
    m_businesses.setState(state);
    Q_EMIT changed();
}

void KioskController::applyEvent(const net::HallEvent &event)
{
    // Live service times: called → finished, per business.
    if (event.type == net::HallEvent::Type::TicketFinished && event.ticket && event.ticket->calledAt.isValid()
        && event.ticket->finishedAt.isValid())
        m_estimator.addService(event.ticket->business, event.ticket->calledAt.secsTo(event.ticket->finishedAt));
}

QString KioskController::hallName() const
{
    return ui::publicText(m_state.name());
}

QString KioskController::statusText() const
{
    QStringList parts;
    if (!m_client)
        parts.append(tr("No hall server is configured for this kiosk"));
    else if (m_offline) {
        parts.append(m_issuer ? tr("Network down: tickets are issued offline and join the queue when the network is back")
                              : tr("Network down: no tickets can be issued now"));
    }
    if (const QString paper = paperWarning(); !paper.isEmpty())
        parts.append(paper);
    return parts.join(QStringLiteral("  ·  "));
}

QString KioskController::paperWarning() const
{
    if (!m_printing)
        return {};
    switch (m_printing->paper()) {
    case devices::TicketPrinter::Paper::Out:
        return tr("Printer out of paper: please call the staff");
    case devices::TicketPrinter::Paper::NearEnd:
        return tr("Printer paper running low");
    default:
        break;
    }
    const int warn = m_settings->paperWarnAfter.value();
    if (warn > 0 && m_settings->ticketsOnRoll.value() >= warn)
        return tr("Printer paper running low");
    return {};
}

QString KioskController::identityText() const
{
    switch (m_source) {
    case Source::IdCard:
        return tr("ID card %1").arg(core::maskIdNumber(m_idNumber));
    case Source::Phone:
        return tr("Mobile %1").arg(core::maskPhone(m_phone));
    case Source::Touch:
        break;
    }
    return {};
}

// --- taking a ticket ---

void KioskController::touchStart()
{
    if (m_screen == Screen::Attract)
        setScreen(Screen::Choose);
}

void KioskController::askFor(Entry entry)
{
    m_entry = entry;
    m_entryError.clear();
    setScreen(Screen::Identify);
}

QString KioskController::ticketReminderText() const
{
    return m_ticketReminder.isEmpty() ? QString() : tr("Text reminder to %1 before you are called").arg(m_ticketReminder);
}

// Asked once per ticket, after the business (one touch more to skip); not when the number is
// the identity already, and not without a server to hand it to, now or after the outage.
bool KioskController::offersReminder() const
{
    return m_config.reminders && m_client && m_phone.isEmpty() && m_source != Source::Phone;
}

bool KioskController::checkPrinter()
{
    const QString reason = m_printing ? m_printing->unavailableReason() : tr("No ticket printer is configured");
    if (reason.isEmpty())
        return true;
    showMessage(tr("No tickets can be printed now"), tr("%1. Please ask the staff.").arg(reason));
    return false;
}

void KioskController::chooseBusiness(const QString &code)
{
    if (m_busy || (m_screen != Screen::Choose && m_screen != Screen::Attract))
        return;
    const int row = m_businesses.rowOf(code);
    if (!m_offline && row >= 0 && !m_businesses.index(row).data(BusinessModel::AvailableRole).toBool()) {
        showMessage(m_businesses.index(row).data().toString(), m_businesses.index(row).data(BusinessModel::ReasonRole).toString());
        return;
    }
    if (!checkPrinter())
        return;
    if (offersReminder()) {
        m_pendingBusiness = code;
        askFor(Entry::Reminder);
        return;
    }
    issue(code);
}

void KioskController::issue(const QString &business)
{
    if (m_offline || !m_client)
        issueOffline(business);
    else
        issueOnline(business);
}

void KioskController::entryEdited()
{
    if (m_entryError.isEmpty())
        return;
    m_entryError.clear();
    Q_EMIT changed();
}

void KioskController::skipReminder()
{
    if (m_busy || m_screen != Screen::Identify || m_entry != Entry::Reminder || m_pendingBusiness.isEmpty())
        return;
    m_phone.clear();
    issue(std::exchange(m_pendingBusiness, QString()));
}

void KioskController::issueOnline(const QString &business)
{
    net::IssueRequest req;
    req.business = business;
    req.source = m_source == Source::IdCard ? core::TicketSource::IdCard
                                             : (m_source == Source::Phone ? core::TicketSource::Phone : core::TicketSource::Touch);
    req.idNumber = m_idNumber;
    req.phone = m_phone;
    m_busy = true;
    setScreen(Screen::Printing);
    m_client->issueTicket(req, this, [this, business](const net::Result<net::TicketInfo> &r) {
        m_busy = false;
        if (r)
            printTicket(*r, false);
        else
            refused(r.error(), business);
    });
}

void KioskController::refused(const net::ApiError &e, const QString &business)
{
    qCInfo(lcKiosk, "no ticket for %s: %s", qPrintable(business), qPrintable(e.code));
    if (e.isTransport()) {
        setOffline(true);
        issueOffline(business);
    } else if (e.code == QLatin1String("duplicate") && e.ticketId > 0) {
        m_reprintId = e.ticketId;
        m_reprintText = tr("You already hold a ticket for this business. Print it again?");
        setScreen(Screen::Reprint);
    } else if (e.code == QLatin1String("closed")) {
        m_closedReason = e.message;
        forgetIdentity();
        setScreen(Screen::Closed);
    } else {
        const int row = m_businesses.rowOf(business);
        showMessage(row >= 0 ? m_businesses.index(row).data().toString() : tr("No ticket"), e.message);
    }
}

void KioskController::issueOffline(const QString &business)
{
    if (!m_issuer) {
        showMessage(tr("No ticket"), tr("The hall server cannot be reached. Please ask the staff."));
        return;
    }
    sync::OfflineRequest req;
    req.business = business;
    req.source = m_source == Source::IdCard ? core::TicketSource::IdCard
                                             : (m_source == Source::Phone ? core::TicketSource::Phone : core::TicketSource::Touch);
    req.idNumber = m_idNumber;
    req.phone = m_phone;
    sync::OfflineTicket t;
    QString error;
    bool issued = m_issuer->issue(req, &t, &error, now());
    if (!issued && m_source != Source::Phone && !req.phone.isEmpty()) {
        // A number for reminders that cannot be kept safely now (no key for the cache) costs the
        // reminders, never the ticket; the done page then promises no text.
        qCWarning(lcKiosk, "offline ticket without its reminder number: %s", qPrintable(error));
        req.phone.clear();
        m_phone.clear();
        issued = m_issuer->issue(req, &t, &error, now());
    }
    if (!issued) {
        showMessage(tr("No ticket"), tr("The hall server cannot be reached and no offline numbers are left for this business (%1). Please ask the staff.").arg(error));
        return;
    }
    if (m_sync)
        m_sync->kick();
    net::TicketInfo info;
    info.number = t.number;
    info.business = business;
    info.businessName = m_state.businesses().value(business).name;
    info.issuedAt = t.issuedAt;
    info.peopleAhead = m_state.businesses().contains(business) ? m_state.businesses().value(business).waiting : -1;
    printTicket(info, false, t.localId);
}

void KioskController::acceptReprint()
{
    if (m_screen != Screen::Reprint || !m_reprintId || !m_client || m_busy)
        return;
    if (!checkPrinter())
        return;
    m_busy = true;
    setScreen(Screen::Printing);
    m_client->reprintTicket(m_reprintId, this, [this](const net::Result<net::TicketInfo> &r) {
        m_busy = false;
        if (r)
            printTicket(*r, true);
        else
            showMessage(tr("No ticket"), r.error().message);
    });
}

void KioskController::setFailedPrint(std::optional<FailedPrint> failed)
{
    if (!failed && !m_failedPrint)
        return;
    m_failedPrint = std::move(failed);
    if (m_printing)
        m_printing->setSomeoneWaiting(m_failedPrint.has_value());
    Q_EMIT changed();
}

bool KioskController::canTakeNewTicket() const
{
    return m_screen == Screen::Message && m_failedPrint && !m_failedPrint->voidPending && !m_busy && m_printing
           && m_printing->unavailableReason().isEmpty();
}

QString KioskController::newTicketHint() const
{
    if (!m_failedPrint || m_screen != Screen::Message)
        return {};
    const QString business = m_state.businesses().value(m_failedPrint->business).name;
    if (canTakeNewTicket())
        return tr("The printer works again: you can take a new ticket for %1 here.").arg(business.isEmpty() ? m_failedPrint->business : business);
    return tr("Please ask the staff: they see the printer's state. Once it works again, a new ticket for %1 can be taken here.")
        .arg(business.isEmpty() ? m_failedPrint->business : business);
}

void KioskController::takeNewTicket()
{
    if (!canTakeNewTicket())
        return;
    const FailedPrint failed = *m_failedPrint;
    setFailedPrint(std::nullopt);
    m_source = failed.source;
    m_idNumber = failed.idNumber;
    m_phone = failed.phone;
    qCInfo(lcKiosk, "a new ticket for %s after a failed print", qPrintable(failed.business));
    issue(failed.business);
}

void KioskController::cardRead(const devices::IdCard &card)
{
    if (m_busy || m_screen == Screen::Maintenance || m_screen == Screen::Closed || m_screen == Screen::Printing)
        return;
    m_source = Source::IdCard;
    m_idNumber = card.idNumber;
    m_phone.clear();
    if (m_offline || !m_client) {
        setScreen(Screen::Choose);
        return;
    }
    // An appointment for today under this card is checked in at once (Q13); else choose.
    m_busy = true;
    m_client->checkInByIdNumber(card.idNumber, this, [this](const net::Result<net::TicketInfo> &r) {
        m_busy = false;
        if (r && checkPrinter())
            printTicket(*r, false);
        else if (!r && r.error().code == QLatin1String("duplicate") && r.error().ticketId > 0)
            refused(r.error(), {});
        else if (!r)
            setScreen(Screen::Choose);
    });
}

void KioskController::codeScanned(const QString &code)
{
    if (m_busy || m_screen == Screen::Maintenance || m_screen == Screen::Closed || m_screen == Screen::Printing)
        return;
    m_entry = Entry::Appointment;
    submitEntry(code);
}

void KioskController::submitEntry(const QString &text)
{
    const QString value = text.trimmed();
    if (m_busy)
        return;
    if (m_entry == Entry::Reminder) {
        if (value.isEmpty()) {
            skipReminder();
        } else if (!core::isValidMobile(value)) {
            // Beside the field: the business stays chosen, the number can be corrected.
            m_entryError = tr("That is not a mainland mobile number (11 digits starting with 1). Correct it, or print the ticket without it.");
            Q_EMIT changed();
            if (m_elderly)
                speak(m_entryError);
        } else if (m_screen == Screen::Identify && !m_pendingBusiness.isEmpty()) {
            m_phone = value;
            issue(std::exchange(m_pendingBusiness, QString()));
        }
        return;
    }
    if (m_entry == Entry::Phone) {
        if (!core::isValidMobile(value)) {
            showMessage(tr("Mobile number"), tr("That is not a mainland mobile number (11 digits starting with 1)."));
            return;
        }
        m_source = Source::Phone;
        m_phone = value;
        m_idNumber.clear();
        setScreen(Screen::Choose);
        return;
    }
    if (value.isEmpty())
        return;
    if (!m_client || m_offline) {
        showMessage(tr("No ticket"), tr("Appointments and release passwords need the hall server, which cannot be reached now. Please take an ordinary ticket or ask the staff."));
        return;
    }
    if (!checkPrinter())
        return;
    m_busy = true;
    setScreen(Screen::Printing);
    auto done = [this](const net::Result<net::TicketInfo> &r) {
        m_busy = false;
        if (r)
            printTicket(*r, false);
        else
            refused(r.error(), {});
    };
    if (m_entry == Entry::Appointment)
        m_client->checkInByCode(value, this, done);
    else
        m_client->issueSpecialTicket(value, this, done);
}

// --- printing ---

void KioskController::printTicket(const net::TicketInfo &ticket, bool reprint, const QString &offlineId)
{
    const bool offline = !offlineId.isEmpty();
    const int windows = m_businesses.openWindows(ticket.business);
    const int wait = m_estimator.waitMinutes(ticket.business, ticket.peopleAhead, windows);
    devices::TicketFields f;
    f.hall = hallName();
    f.number = ticket.number;
    f.business = ui::publicText(ticket.businessName.isEmpty() ? ticket.business : ticket.businessName);
    f.ahead = ticket.peopleAhead;
    f.time = ticket.issuedAt.isValid() ? ticket.issuedAt : now();
    f.qr = QString(m_config.followUrl)
               .replace(QLatin1String("{hall}"), m_state.hall())
               .replace(QLatin1String("{number}"), ticket.number)
               .replace(QLatin1String("{id}"), QString::number(ticket.id));
    if (ticket.peopleAhead > 0)
        f.lines.append(tr("Estimated wait: about %1 min").arg(wait));
    if (offline)
        f.lines.append(tr("Issued offline: joins the queue when the network is back"));
    f.lines.append(ticket.ticketLines);
    m_busy = true;
    setScreen(Screen::Printing);
    m_printing->print(f, [this, ticket, reprint, offline, offlineId, wait](bool printed, const QString &error) {
        m_busy = false;
        if (printed) {
            countPaper();
            m_ticket = ticket;
            m_ticketWait = wait;
            m_ticketOffline = offline;
            // The server keeps the number for reminders only where the hall sends them.
            m_ticketReminder = m_config.reminders && !m_phone.isEmpty() ? core::maskPhone(m_phone) : QString();
            forgetIdentity();
            qCInfo(lcKiosk, "ticket %s %s", qPrintable(ticket.number), reprint ? "reprinted" : "printed");
            setScreen(Screen::Done);
            Q_EMIT ticketPrinted(ticket);
            return;
        }
        FailedPrint failed{ticket.business, m_source, m_idNumber, m_phone, offline ? 0 : ticket.id};
        forgetIdentity();
        // The citizen reads what is wrong in a few words (out of paper, cover open); the
        // driver's full text, with its job id and the staff's instructions, goes to the log
        // and into the void reason.
        const QString why = m_printing->unavailableReason().isEmpty() ? tr("The printer did not print the ticket")
                                                                      : m_printing->unavailableReason();
        if (reprint) {
            showMessage(tr("The ticket could not be printed"),
                        tr("%1. Your ticket %2 is still valid; please ask the staff to print it.").arg(why, ticket.number));
            return;
        }
        if (offline) {
            // Not on the server yet: it is voided as soon as the sync has taken it in.
            m_offlineVoids.insert(offlineId, tr("Not printed at the kiosk: %1").arg(error));
            showMessage(tr("The ticket could not be printed"),
                        tr("%1. Ticket %2 has been cancelled, nobody will call it.").arg(why, ticket.number));
            setFailedPrint(failed);
            voidOfflineFailures();
            return;
        }
        showMessage(tr("The ticket could not be printed"),
                    tr("%1. Ticket %2 has been cancelled, nobody will call it.").arg(why, ticket.number));
        // The citizen need not start again: once the printer is back (staff put in paper, a
        // jam cleared) the message offers a new ticket for the same business.
        setFailedPrint(failed);
        voidTicket(ticket.id, ticket.number, tr("Not printed at the kiosk: %1").arg(error));
    });
}

void KioskController::voidTicket(qint64 id, const QString &number, const QString &reason)
{
    qCWarning(lcKiosk, "voiding ticket %s: not printed", qPrintable(number));
    m_client->voidTicket(id, reason, this, [this, id, number, reason](const net::Result<net::TicketInfo> &r) {
        if (r || !r.error().isTransport()) {
            if (!r) {
                qCWarning(lcKiosk, "ticket %s not voided: %s", qPrintable(number), qPrintable(r.error().code));
                return;
            }
            // A new ticket only once the old one is off the queue (else: "you hold one already").
            if (m_failedPrint && m_failedPrint->voidPending == id) {
                m_failedPrint->voidPending = 0;
                Q_EMIT changed();
            }
            Q_EMIT ticketVoided(id, reason);
            return;
        }
        // The server is away: keep asking until it has heard, so the ticket never waits.
        m_voidsToSend.append({id, reason});
        m_voidRetry.start();
    });
}

void KioskController::retryVoids()
{
    if (m_voidsToSend.isEmpty()) {
        m_voidRetry.stop();
        return;
    }
    const auto voids = std::exchange(m_voidsToSend, {});
    for (const auto &[id, reason] : voids)
        voidTicket(id, QString::number(id), reason);
}

// Leased tickets that did not print reach the server with the sync like any other; each is
// voided as soon as its outcome says it was taken in (rejected ones never joined the queue).
void KioskController::voidOfflineFailures()
{
    if (m_offlineVoids.isEmpty() || !m_cache || !m_client)
        return;
    QList<sync::OutboxEntry> done;
    QString error;
    if (!m_cache->entries(QStringLiteral("done"), 10000, &done, &error))
        return;
    for (const sync::OutboxEntry &e : std::as_const(done)) {
        const QString localId = e.entity.section(u'/', 1);
        const auto it = m_offlineVoids.constFind(localId);
        if (e.kind != QLatin1String(sync::OfflineIssuer::Kind) || it == m_offlineVoids.constEnd())
            continue;
        const qint64 id = e.result.value(QStringLiteral("id")).toInteger();
        if (e.status == QLatin1String("applied") && id > 0)
            voidTicket(id, e.result.value(QStringLiteral("number")).toString(), *it);
        m_offlineVoids.remove(localId);
    }
}

void KioskController::countPaper()
{
    m_settings->ticketsOnRoll.setValue(m_settings->ticketsOnRoll.value() + 1);
}

// --- offline numbers ---

void KioskController::topUpLeases()
{
    if (!m_leases || m_offline)
        return;
    QStringList codes;
    for (const net::BusinessStatus &b : m_state.businessList()) {
        if (b.available)
            codes.append(b.code);
    }
    if (codes.isEmpty())
        return;
    m_leases->topUp(codes, now(), [this](const QStringList &errors) {
        for (const QString &e : errors)
            qCInfo(lcKiosk, "no lease: %s", qPrintable(e));
        Q_EMIT changed();
    });
}

// --- maintenance ---

bool KioskController::unlockMaintenance(const QString &code)
{
    if (code != m_settings->maintenanceCode.value()) {
        qCWarning(lcKiosk, "wrong maintenance code typed");
        return false;
    }
    qCInfo(lcKiosk, "maintenance screen opened");
    m_busy = false;
    forgetIdentity();
    m_maintenanceNote.clear();
    setScreen(Screen::Maintenance);
    return true;
}

void KioskController::leaveMaintenance()
{
    if (m_screen != Screen::Maintenance)
        return;
    m_screen = Screen::Attract; // so that resetToAttract() may check the hours again
    resetToAttract();
}

void KioskController::printTestTicket()
{
    if (m_screen != Screen::Maintenance || !m_printing || m_printing->isBusy())
        return;
    devices::TicketFields f;
    f.hall = hallName();
    f.number = tr("TEST");
    f.business = tr("Test ticket");
    f.time = now();
    f.lines.append(tr("This ticket is not valid."));
    m_maintenanceNote = tr("Printing a test ticket…");
    Q_EMIT changed();
    m_printing->print(f, [this](bool printed, const QString &error) {
        if (printed)
            countPaper();
        m_maintenanceNote = printed ? tr("Test ticket printed.") : tr("Test ticket not printed: %1").arg(error);
        restartIdle();
        Q_EMIT changed();
    });
}

void KioskController::resetPaperCounter()
{
    m_settings->ticketsOnRoll.setValue(0);
    m_maintenanceNote = tr("Paper counter reset: a new roll.");
    qCInfo(lcKiosk, "paper counter reset");
    if (m_printing && m_printing->printer())
        QMetaObject::invokeMethod(m_printing->printer(), &devices::TicketPrinter::queryPaper, Qt::QueuedConnection);
    Q_EMIT changed();
}

QStringList KioskController::deviceLines() const
{
    QStringList lines;
    if (!m_devices)
        return {tr("No devices are configured")};
    for (const devices::DeviceStatus &s : m_devices->status()) {
        QString line = tr("%1 (%2): %3").arg(s.config.role, s.config.driver, devices::stateText(s.state));
        if (!s.message.isEmpty())
            line += u' ' + s.message;
        lines.append(line);
    }
    lines.append(tr("Tickets on this paper roll: %1").arg(m_settings->ticketsOnRoll.value()));
    return lines;
}

QString KioskController::syncText() const
{
    if (!m_sync)
        return tr("No offline cache: tickets only while the server is reachable");
    const sync::SyncStatus s = m_sync->status();
    int leased = 0;
    for (const net::BusinessStatus &b : m_state.businessList())
        leased += m_issuer->available(b.code, now());
    QString text = tr("%1 offline numbers ready; %2 entries waiting to be sent").arg(leased).arg(s.pending);
    if (s.rejected || s.conflicts)
        text += tr("; %1 rejected, %2 conflicts").arg(s.rejected).arg(s.conflicts);
    if (!s.lastError.isEmpty())
        text += tr("; last error: %1").arg(s.lastError);
    return text;
}

} // namespace hall::kiosk
