#include "callerbusemulator.h"

#include <callerprotocol.h>

namespace hall::emulators {

namespace cb = hall::drivers::callerbus;

CallerBusEmulator::CallerBusEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent)
{
    m_clock.start();
}

void CallerBusEmulator::addCaller(int address)
{
    m_stations[address].evaluator = false;
}

void CallerBusEmulator::addEvaluator(int address)
{
    m_stations[address].evaluator = true;
}

void CallerBusEmulator::setDead(int address, bool dead)
{
    m_stations[address].dead = dead;
}

quint8 CallerBusEmulator::takeSeq(Station &s)
{
    const quint8 seq = s.nextSeq;
    s.nextSeq = quint8(s.nextSeq == 255 ? 1 : s.nextSeq + 1); // 0 means "nothing" on the wire
    return seq;
}

void CallerBusEmulator::press(int address, devices::CallerEvent::Key key, const QString &digits)
{
    Station &s = m_stations[address];
    Event e;
    e.seq = takeSeq(s);
    e.key = key;
    e.digits = digits.toLatin1();
    s.pending.enqueue(e);
}

void CallerBusEmulator::rate(int address, int rating)
{
    Station &s = m_stations[address];
    Event e;
    e.seq = takeSeq(s);
    e.isRating = true;
    e.rating = rating;
    s.pending.enqueue(e);
}

bool CallerBusEmulator::plug()
{
    m_in.clear();
    return PtyDevice::plug();
}

void CallerBusEmulator::unplug()
{
    PtyDevice::unplug();
    m_in.clear();
}

void CallerBusEmulator::onReceived(const QByteArray &bytes)
{
    m_in += bytes;
    for (;;) {
        cb::Frame f;
        const qsizetype before = m_in.size();
        const cb::Parse r = cb::takeFrame(m_in, &f);
        if (r == cb::Parse::NeedMore)
            return;
        if (r == cb::Parse::BadChecksum) {
            ++damagedFromHost;
            continue;
        }
        if (r != cb::Parse::Frame)
            continue;
        handle(f.address, f.command, f.data, before - m_in.size());
    }
}

void CallerBusEmulator::handle(int address, quint8 command, const QByteArray &data, qsizetype requestBytes)
{
    if (command == cb::cmd::Poll)
        polls.append({address, m_clock.elapsed()});
    auto it = m_stations.find(address);
    if (it == m_stations.end() || it->dead)
        return; // nobody at this address
    Station &s = *it;
    // A device may answer only once the request has been on the wire entirely.
    const int delay = cb::wireMs(requestBytes, baud()) + turnaroundMs;
    const cb::DeviceType type = s.evaluator ? cb::DeviceType::Evaluator : cb::DeviceType::Caller;
    switch (command) {
    case cb::cmd::Poll: {
        quint8 ackSeq = 0;
        if (!cb::decodePoll(data, &ackSeq)) {
            reply(address, cb::nakFrame(quint8(address), cb::nak::BadData), delay);
            return;
        }
        if (!s.pending.isEmpty() && ackSeq != 0 && s.pending.head().seq == ackSeq)
            s.pending.dequeue();
        if (s.pending.isEmpty()) {
            reply(address, cb::ack(quint8(address), type), delay);
            return;
        }
        const Event &e = s.pending.head();
        ++s.eventFrames;
        reply(address, e.isRating ? cb::ratingReport(quint8(address), e.seq, e.rating)
                                  : cb::keyReport(quint8(address), e.seq, e.key, e.digits), delay);
        return;
    }
    case cb::cmd::Display: {
        if (s.evaluator) {
            reply(address, cb::nakFrame(quint8(address), cb::nak::NotSupported), delay);
            return;
        }
        devices::CallerDisplay d;
        quint8 seq = 0;
        if (!cb::decodeDisplay(data, &d, &seq)) {
            reply(address, cb::nakFrame(quint8(address), cb::nak::BadData), delay);
            return;
        }
        s.display.number = d.number;
        s.display.waiting = d.waiting;
        ++s.display.updates;
        // The same display sent again (our ACK was lost) must not buzz twice.
        if (d.beep && seq != s.lastDisplaySeq)
            ++s.display.beeps;
        s.lastDisplaySeq = seq;
        reply(address, cb::ack(quint8(address), type), delay);
        return;
    }
    case cb::cmd::PromptRating:
        if (!s.evaluator) {
            reply(address, cb::nakFrame(quint8(address), cb::nak::NotSupported), delay);
            return;
        }
        ++s.prompts;
        reply(address, cb::ack(quint8(address), type), delay);
        return;
    default:
        reply(address, cb::nakFrame(quint8(address), cb::nak::UnknownCommand), delay);
    }
}

void CallerBusEmulator::reply(int address, QByteArray frame, int delayMs)
{
    Station &s = m_stations[address];
    if (s.silence > 0) {
        --s.silence;
        ++faultsApplied;
        return;
    }
    if (s.corrupt > 0) {
        --s.corrupt;
        ++faultsApplied;
        // Byte 5: the key code of a KEY report (Transfer would read as Evaluate), the rating's
        // seq, or the CRC of a short answer. Only the CRC can tell.
        frame[5] = char(frame.at(5) ^ 0x03);
    }
    if (!s.garbage.isEmpty()) {
        ++faultsApplied;
        frame.prepend(std::exchange(s.garbage, {}));
    }
    if (s.split.first > 1) {
        ++faultsApplied;
        const auto [pieces, gapMs] = std::exchange(s.split, {0, 0});
        const qsizetype step = (frame.size() + pieces - 1) / pieces;
        for (int i = 0; i < pieces; ++i)
            send(frame.mid(i * step, step), delayMs + i * gapMs);
        return;
    }
    send(frame, delayMs);
}

} // namespace hall::emulators
