#pragma once

// A whole caller bus at the far end of a pty: hardware callers and key evaluators at their
// addresses, answering the host's polls as real ones do (docs/protocols/callerbus.md). Each
// device answers only after the host's frame has had its wire time and a short turnaround,
// and its answer takes its own wire time (PtyDevice paces it). Tests script it: press keys
// with typed digits, give ratings, read what each caller displays, switch an address off,
// and damage the line: noise, broken checksums, split answers, unplug and replug.

#include "ptydevice.h"

#include <devices/callerbus.h>

#include <QElapsedTimer>
#include <QHash>
#include <QQueue>

namespace hall::emulators {

class CallerBusEmulator : public PtyDevice
{
    Q_OBJECT
public:
    struct Display
    {
        QString number;
        int waiting = -1;
        int beeps = 0;    // how often it has buzzed
        int updates = 0;  // display commands applied (a retry counts again; it does not beep again)
    };
    struct Poll
    {
        int address = 0;
        qint64 atMs = 0;
    };

    CallerBusEmulator(QString linkPath, int baud = 9600, QObject *parent = nullptr);

    void addCaller(int address);
    void addEvaluator(int address);
    // A switched-off device, or one set to another address: it never answers.
    void setDead(int address, bool dead);

    // A caller key, with the digits typed on the keypad before it; kept until acknowledged.
    void press(int address, devices::CallerEvent::Key key, const QString &digits = {});
    void rate(int address, int rating);

    Display display(int address) const { return m_stations.value(address).display; }
    int ratingPrompts(int address) const { return m_stations.value(address).prompts; }
    int pendingEvents(int address) const { return int(m_stations.value(address).pending.size()); }
    int eventTransmissions(int address) const { return m_stations.value(address).eventFrames; }

    // One-shot faults for the next answer(s) of one address.
    void corruptNextReply(int address, int answers = 1) { m_stations[address].corrupt = answers; }
    void garbageBeforeNextReply(int address, const QByteArray &garbage) { m_stations[address].garbage = garbage; }
    void splitNextReply(int address, int pieces, int gapMs) { m_stations[address].split = {pieces, gapMs}; }
    void silenceNextReply(int address, int answers = 1) { m_stations[address].silence = answers; }
    // Line noise, on the wire now (between frames: the bus is half-duplex).
    void noise(const QByteArray &bytes) { send(bytes); }

    bool plug();
    void unplug();
    qint64 nowMs() const { return m_clock.elapsed(); }

    QList<Poll> polls;        // every poll addressed to any device, with its time
    int faultsApplied = 0;    // faults of the calls above that have hit an answer
    int damagedFromHost = 0;  // host frames with a broken CRC (ignored, as devices do)
    int turnaroundMs = 2;     // a device's time between the end of a request and its answer

protected:
    void onReceived(const QByteArray &bytes) override;

private:
    struct Event
    {
        quint8 seq = 0;
        bool isRating = false;
        devices::CallerEvent::Key key = devices::CallerEvent::Key::Next;
        QByteArray digits;
        int rating = 0;
    };
    struct Station
    {
        bool evaluator = false;
        bool dead = false;
        QQueue<Event> pending;
        quint8 nextSeq = 1;
        quint8 lastDisplaySeq = 0;
        Display display;
        int prompts = 0;
        int eventFrames = 0;
        // faults
        int corrupt = 0;
        QByteArray garbage;
        QPair<int, int> split{0, 0};
        int silence = 0;
    };

    void handle(int address, quint8 command, const QByteArray &data, qsizetype requestBytes);
    void reply(int address, QByteArray frame, int delayMs);
    quint8 takeSeq(Station &s);

    QHash<int, Station> m_stations;
    QByteArray m_in;
    QElapsedTimer m_clock;
};

} // namespace hall::emulators
