#pragma once

#include <kiosk/kioskconfig.h>
#include <kiosk/kioskmodels.h>

#include <devices/idcard.h>
#include <devices/ticketprinter.h>
#include <net/apierror.h>
#include <net/hallstate.h>
#include <net/types.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QAction;
QT_END_NAMESPACE

namespace hall::app {
class Commands;
}
namespace hall::core {
class Clock;
}
namespace hall::devices {
class DeviceManager;
}
namespace hall::net {
class DeviceReporter;
class EventStream;
class HallClient;
class HallSyncTransport;
class LeaseKeeper;
} // namespace hall::net
namespace hall::sync {
class OfflineIssuer;
class SyncCache;
class SyncEngine;
} // namespace hall::sync
namespace hall::voice {
class Announcer;
}

namespace hall::kiosk {

class KioskSettings;
class TicketPrinting;

// What the kiosk does, without a window: a small state machine over the screens (attract →
// choose → identify → printing → done → attract; closed outside the hall's hours; maintenance
// behind the code), one idle timer, the ways to take a ticket (touch, ID card, mobile number,
// appointment code or QR, release password), printing with the ticket voided on the server
// when the print fails, and offline issuing from leased numbers while the server is away.
// With KioskConfig::reminders, a touch or ID-card ticket first offers the identify screen once
// more (Entry::Reminder: a mobile number for text reminders, skippable) after the business.
// KioskScreen shows it; tests drive it directly or through the screen's widgets.
class HALL_KIOSK_EXPORT KioskController : public QObject
{
    Q_OBJECT
public:
    enum class Screen { Attract, Choose, Identify, Printing, Done, Message, Reprint, Closed, Maintenance };
    Q_ENUM(Screen)
    enum class Entry { Phone, Appointment, ReleasePassword, Reminder };
    Q_ENUM(Entry)

    // client, cache and devices may be null (no server, no offline numbers, no devices).
    KioskController(net::HallClient *client, const core::Clock *clock, const KioskConfig &config, KioskSettings *settings,
                    TicketPrinting *printing, sync::SyncCache *cache, devices::DeviceManager *devices, QObject *parent = nullptr);
    ~KioskController() override;

    void start(const QString &hall);

    // The kiosk's commands (context "kiosk"): kiosk.elderly (F5) switches elderly mode,
    // kiosk.maintenance (Ctrl+Shift+M) asks for the code, kiosk.testTicket prints a test ticket
    // (on the maintenance screen only).
    static constexpr char Elderly[] = "kiosk.elderly";
    static constexpr char Maintenance[] = "kiosk.maintenance";
    static constexpr char TestTicket[] = "kiosk.testTicket";
    static constexpr char Context[] = "kiosk";
    void registerCommands(app::Commands *commands);
    QAction *action(const QString &id) const;

    // --- what a citizen does ---
    void touchStart();                       // attract → the businesses
    void chooseBusiness(const QString &code); // takes the ticket (with the identity given, if any)
    void askFor(Entry entry);                // the identify screen for a number or code
    void submitEntry(const QString &text);   // Reminder: empty skips, like skipReminder()
    void skipReminder();                      // the ticket without a number for reminders
    void entryEdited();                       // the field changed: its error is no longer true
    void cardRead(const devices::IdCard &card);
    void codeScanned(const QString &code);
    void acceptReprint();
    // After a failed print (its ticket voided): a new ticket for the same business and person,
    // once the printer works again. Does nothing unless canTakeNewTicket().
    void takeNewTicket();
    void cancel();                           // back to the start, forgetting who it was
    void setElderly(bool on);
    void userActivity();                     // a touch: the idle timer starts again

    // --- staff ---
    bool unlockMaintenance(const QString &code);
    void leaveMaintenance();
    void printTestTicket();
    void resetPaperCounter();

    // --- what the screen shows ---
    Screen screen() const { return m_screen; }
    Entry entry() const { return m_entry; }
    bool isElderly() const { return m_elderly; }
    bool isOffline() const { return m_offline; }
    QString hallName() const;
    QString statusText() const;   // offline / printer warnings for the banner; empty: none
    QString identityText() const; // masked: who is taking the ticket
    QString entryError() const { return m_entryError; } // beside the field: what is wrong with it
    QString messageTitle() const { return m_messageTitle; }
    QString messageText() const { return m_messageText; }
    QString reprintText() const { return m_reprintText; }
    bool canTakeNewTicket() const;
    QString newTicketHint() const; // on a failed print's message: when a new ticket can be taken
    QString closedText() const;
    QString guidanceText() const; // what elderly mode says on this screen
    // The ticket just printed, and its estimated wait in minutes.
    std::optional<net::TicketInfo> ticket() const { return m_ticket; }
    int ticketWaitMinutes() const { return m_ticketWait; }
    bool ticketFromLease() const { return m_ticketOffline; }
    QString ticketReminderText() const; // masked: where its text reminders go; empty: none
    QString paperWarning() const;
    QStringList deviceLines() const;
    QString syncText() const;
    QString maintenanceNote() const { return m_maintenanceNote; }
    const KioskConfig &config() const { return m_config; }
    BusinessModel *businesses() { return &m_businesses; }
    const WaitEstimator &estimator() const { return m_estimator; }
    net::EventStream *stream() const { return m_stream; }
    sync::SyncEngine *syncEngine() const { return m_sync.get(); }
    QDateTime now() const;

    void setAnnouncer(voice::Announcer *announcer);
    // The name this kiosk reports its devices under (the PC's station, e.g. "kiosk-01"; empty
    // or "default": the host name). Before start().
    void setDeviceName(const QString &station);
    // Tells hall-server how the printer and the other devices are (null without a server).
    net::DeviceReporter *deviceReporter() const { return m_reporter.get(); }
    // Tests: the idle and grace timers in this many ms per second (default 1000).
    void setSecondMs(int ms) { m_secondMs = ms; }
    void setOfflineGraceMs(int ms) { m_offlineGrace.setInterval(ms); }
    // Checks the opening hours now (also every 30 s).
    void checkHours();
    // Asks for number leases of the businesses below the low-water mark now (also every minute).
    void topUpLeases();
    // The stream's signals arrive here; public for tests without a server.
    void applyState(const net::HallState &state);
    void applyEvent(const net::HallEvent &event);

Q_SIGNALS:
    void screenChanged(hall::kiosk::KioskController::Screen screen);
    void changed();  // anything else shown changed (state, offline, elderly, warnings)
    void guidance(const QString &text);
    void ticketPrinted(const hall::net::TicketInfo &ticket);
    void ticketVoided(qint64 id, const QString &reason);
    void maintenanceRequested(); // the screen asks for the code

private:
    enum class Source { Touch, IdCard, Phone };
    void setScreen(Screen screen);
    void showMessage(const QString &title, const QString &text);
    void restartIdle();
    void resetToAttract();
    void forgetIdentity();
    void setOffline(bool offline);
    bool checkPrinter();
    bool offersReminder() const;
    void issue(const QString &business);
    void issueOnline(const QString &business);
    void issueOffline(const QString &business);
    void refused(const net::ApiError &error, const QString &business);
    // offlineId: the local id of a ticket issued from a lease (empty: the server issued it).
    void printTicket(const net::TicketInfo &ticket, bool reprint, const QString &offlineId = {});
    void voidTicket(qint64 id, const QString &number, const QString &reason);
    struct FailedPrint;
    void setFailedPrint(std::optional<FailedPrint> failed);
    void retryVoids();
    void voidOfflineFailures();
    void countPaper();
    void reportDevices();
    void speak(const QString &text);

    net::HallClient *m_client;
    const core::Clock *m_clock;
    KioskConfig m_config;
    KioskSettings *m_settings;
    TicketPrinting *m_printing;
    sync::SyncCache *m_cache;
    devices::DeviceManager *m_devices;
    QPointer<voice::Announcer> m_announcer;
    net::EventStream *m_stream = nullptr;
    std::unique_ptr<sync::OfflineIssuer> m_issuer;
    std::unique_ptr<net::HallSyncTransport> m_transport;
    std::unique_ptr<sync::SyncEngine> m_sync;
    std::unique_ptr<net::LeaseKeeper> m_leases;
    std::unique_ptr<net::DeviceReporter> m_reporter;
    net::HallState m_state;
    WaitEstimator m_estimator;
    BusinessModel m_businesses;

    Screen m_screen = Screen::Attract;
    Entry m_entry = Entry::Phone;
    bool m_elderly = false;
    bool m_offline = true;
    bool m_busy = false;
    Source m_source = Source::Touch;
    QString m_idNumber; // personal data: held only until the ticket is taken or the kiosk resets
    QString m_phone; // the identity (Source::Phone) or, with another source, for reminders only
    QString m_pendingBusiness; // chosen, while the reminder number is asked for
    QString m_entryError;
    QString m_messageTitle;
    QString m_messageText;
    QString m_reprintText;
    qint64 m_reprintId = 0;
    // A print that failed, while its message is shown: who asked for which business (personal
    // data, forgotten with the message), and the voided ticket the server has not confirmed yet.
    struct FailedPrint
    {
        QString business;
        Source source = Source::Touch;
        QString idNumber;
        QString phone;
        qint64 voidPending = 0;
    };
    std::optional<FailedPrint> m_failedPrint;
    QString m_closedReason;
    std::optional<net::TicketInfo> m_ticket;
    int m_ticketWait = 0;
    bool m_ticketOffline = false;
    QString m_ticketReminder; // masked
    QString m_maintenanceNote;
    QList<std::pair<qint64, QString>> m_voidsToSend; // print failures the server has not heard of yet
    QHash<QString, QString> m_offlineVoids; // leased tickets not printed (local id → reason), voided once taken in
    int m_secondMs = 1000;
    QTimer m_idle;
    QTimer m_hoursTimer;
    QTimer m_leaseTimer;
    QTimer m_offlineGrace;
    QTimer m_voidRetry;
    QAction *m_elderlyAction;
    QAction *m_maintenanceAction;
    QAction *m_testTicketAction;
};

} // namespace hall::kiosk
