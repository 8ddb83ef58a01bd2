#pragma once

#include <devices/callerbus.h>
#include <devices/transport.h>

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QQueue>
#include <QTimer>

#include <memory>

namespace hall::drivers::callerbus {

struct Frame;

// The bus timing options (docs/protocols/callerbus.md), read and checked once at open; the
// addresses are read by the device itself.
struct CallerBusOptions
{
    int pollMs = 50;
    int replyTimeoutMs = 30;
    int retries = 2;
    int offlineAfter = 3;
    int offlineRetryMs = 1000;

    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, CallerBusOptions *out, QString *error);
};

// A CallerBus on an RS-485/serial line (docs/protocols/callerbus.md). The host is the bus
// master: it polls each configured address in turn, one transaction at a time (half-duplex),
// and slips display and rating-prompt commands in between polls. One transaction per event
// loop turn, so show() calls queued from other threads go out at the next turn.
//
// Options: addresses (list of 1…247, required), pollMs (idle gap after a full poll cycle,
// default 50), replyTimeoutMs (wait for the first byte of an answer after our frame is on the
// wire, default 30), retries (of a display/prompt command, default 2), offlineAfter (missed
// polls until an address counts as silent, default 3), offlineRetryMs (how often a silent
// address is still polled, default 1000), baud (default 9600).
class CallerBusSerial final : public devices::CallerBus
{
    Q_OBJECT
public:
    explicit CallerBusSerial(devices::DeviceConfig config, QObject *parent = nullptr);
    ~CallerBusSerial() override;

    Capabilities capabilities() const override { return Beep | Rating; }
    void show(int address, const devices::CallerDisplay &display) override;
    void promptRating(int address) override;

    // For tests and hall-devices: the last full poll cycle and the number of cycles so far.
    Q_INVOKABLE int lastCycleMs() const { return m_lastCycleMs; }
    Q_INVOKABLE int cycles() const { return m_cycles; }

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    enum class Outcome { Answer, Timeout, Damaged, Lost };
    struct Station
    {
        int address = 0;
        quint8 ackSeq = 0;      // last event accepted; sent back with the next poll
        int misses = 0;         // polls in a row without a valid answer
        bool silent = false;    // past offlineAfter misses: polled only every offlineRetryMs
        qint64 lastTryMs = 0;
    };
    struct Command
    {
        int address = 0;
        quint8 kind = 0;        // cmd::Display or cmd::PromptRating
        devices::CallerDisplay display;
        quint8 seq = 0;         // Display: the same on every attempt
        int attempts = 0;
    };

    bool parseAddresses(QString *error);
    void step();
    void pollStation(Station &s);
    void sendCommand();
    Outcome transact(const QByteArray &request, quint8 address, Frame *answer);
    void missed(Station &s);
    void answered(Station &s);
    Station *station(int address);

    std::unique_ptr<devices::Transport> m_link;
    QList<Station> m_stations;
    QQueue<Command> m_commands;
    QTimer m_step;
    QElapsedTimer m_clock;
    QByteArray m_rx;
    qsizetype m_next = 0;       // index of the next station to poll
    qint64 m_cycleStartMs = -1;
    int m_lastCycleMs = 0;
    int m_cycles = 0;
    quint8 m_displaySeq = 0;
    CallerBusOptions m_options;
};

} // namespace hall::drivers::callerbus
