#pragma once

#include <bridge/bridgeconfig.h>

#include <devices/callerbus.h>
#include <devices/callercommands.h>
#include <devices/windowscreen.h>
#include <net/hallstate.h>
#include <net/types.h>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <memory>

namespace hall::devices {
class DeviceManager;
}
namespace hall::net {
class DeviceReporter;
class EventStream;
class HallClient;
} // namespace hall::net
namespace hall::sync {
class SyncCache;
class SyncEngine;
} // namespace hall::sync
namespace hall::core {
class Clock;
}
namespace hall::voice {
class Announcer;
class ClipLibrary;
struct Announcement;
} // namespace hall::voice

namespace hall::bridge {

// D3: the hall's voice as the bridge file says (engine, WAV files instead of a sound card, volume,
// quiet hours); the engine belongs to the announcer. Null with a translated reason. `clips` must
// outlive it.
HALL_BRIDGE_EXPORT voice::Announcer *createAnnouncer(const BridgeConfig::Voice &config, const voice::ClipLibrary *clips,
                                                     const core::Clock *clock, QObject *parent, QString *error);

// What hall-bridge does, without a window: follows the hall's one event stream and drives the
// hall's hardware from it — each window's LED bar shows its state (D2), each call is announced
// through the Announcer (D3), each caller's display shows its window's number and waiting count
// and buzzes on a new ticket — and turns the caller bus's keys into queue commands on
// hall-server and evaluators' ratings into `rating` entries of the sync outbox (Q17, DEV3, E1–E3).
// Devices run on their own threads (DeviceManager); this object only queues calls to them and
// hears their signals. Tests and benchmarks drive it through the real stream and devices, or
// through applySnapshot()/applyState()/applyEvent()/handleKey().
class HALL_BRIDGE_EXPORT BridgeController : public QObject
{
    Q_OBJECT
public:
    // Any of client, devices, announcer, outbox/sync may be null: that part is off.
    BridgeController(net::HallClient *client, devices::DeviceManager *devices, voice::Announcer *announcer,
                     sync::SyncCache *outbox, sync::SyncEngine *sync, const BridgeConfig &config, QObject *parent = nullptr);
    ~BridgeController() override;

    void start(const QString &hall);
    net::EventStream *stream() const { return m_stream; }
    // The name the bridge reports its LED bars and caller bus under (the PC's station; empty or
    // "default": the host name). Before start().
    void setDeviceName(const QString &station);
    net::DeviceReporter *deviceReporter() const { return m_reporter.get(); }
    const net::HallState &state() const { return m_state; }
    const BridgeConfig &config() const { return m_config; }

    struct BarStatus
    {
        BridgeConfig::Bar bar;
        QString text;    // what it was last asked to show
        bool shown = false; // the screen confirmed it
        QString problem; // the last failure, while it lasts
    };
    QList<BarStatus> bars() const { return m_bars; }
    // The text a bar shows for a window in this state (texts of the config, %number filled in).
    devices::ScreenContent barContent(const net::WindowStatus &window) const;
    // The announcement of a call, as the voice says it.
    voice::Announcement announcement(const QString &number, const QString &window, bool recall) const;
    // hall-display's CallQueue::announced() takes this id (Call::announcementId()).
    static QString announcementId(const QString &number, const QString &window) { return number + u'@' + window; }

    // The stream's signals arrive here; public for tests and benchmarks without a server.
    void applySnapshot(const net::HallState &state);
    void applyState(const net::HallState &state);
    void applyEvent(const net::HallEvent &event);
    // A caller or evaluator key (the bus's keyPressed arrives here).
    void handleKey(const devices::CallerEvent &event);

Q_SIGNALS:
    void barChanged(const QString &window);
    void announcementStarted(const QString &announcementId);
    // Said, broken off or suppressed by quiet hours: the display may enlarge the next call.
    void announced(const QString &announcementId);
    // A caller key's command was answered: `error` empty when hall-server did it.
    void commandDone(int address, const QString &operation, const QString &error);
    void ratingKept(qint64 ticket, int level);
    void ratingRefused(int address, const QString &reason);

private:
    void reportDevices();
    void updateBars();
    void showBar(int index, const devices::ScreenContent &content);
    void onScreenShown(const QString &device, int address);
    void onScreenFailed(const QString &device, int address, const QString &message);
    void updateCallers(bool force = false);
    void showCaller(int address, const devices::CallerDisplay &display);
    devices::CallerDisplay callerDisplay(const QString &window) const;
    void beepCallers(const QString &business);
    void announce(const QString &number, const QString &window, bool recall);
    void run(int address, const devices::QueueCommand &command);
    void specialCall(int address, const devices::QueueCommand &command);
    void keepRating(int address, const QString &window, int level);
    template<typename T>
    auto answered(int address, const QString &operation);

    net::HallClient *m_client;
    devices::DeviceManager *m_devices;
    voice::Announcer *m_announcer;
    sync::SyncCache *m_outbox;
    sync::SyncEngine *m_sync;
    BridgeConfig m_config;
    BridgeConfig::Texts m_texts;
    net::EventStream *m_stream = nullptr;
    std::unique_ptr<net::DeviceReporter> m_reporter;
    net::HallState m_state;
    QList<BarStatus> m_bars;
    QHash<int, devices::ScreenContent> m_sent; // bar index → content last asked for
    QPointer<devices::CallerBus> m_bus;
    QHash<int, devices::CallerDisplay> m_callerShown; // caller address → what it shows
    QHash<QString, qint64> m_lastServed;              // window → its current or last ticket
    QSet<qint64> m_rated;                             // E1: once per ticket
    QHash<QString, devices::Device::State> m_deviceStates; // as last logged
};

} // namespace hall::bridge
