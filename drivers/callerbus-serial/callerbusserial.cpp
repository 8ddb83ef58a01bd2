#include "callerbusserial.h"

#include "callerprotocol.h"

#include <core/logging.h>
#include <devices/options.h>

#include <QDeadlineTimer>

namespace hall::drivers::callerbus {

using devices::CallerDisplay;

CallerBusSerial::CallerBusSerial(devices::DeviceConfig config, QObject *parent)
    : CallerBus(std::move(config), parent), m_step(this)
{
    m_step.setSingleShot(true);
    m_step.setTimerType(Qt::PreciseTimer);
    connect(&m_step, &QTimer::timeout, this, &CallerBusSerial::step);
}

CallerBusSerial::~CallerBusSerial() = default;

bool CallerBusOptions::parse(const QVariantMap &options, CallerBusOptions *out, QString *error)
{
    CallerBusOptions o;
    devices::OptionReader r(options);
    r.integer(QStringLiteral("pollMs"), 0, 60000, &o.pollMs)
        .integer(QStringLiteral("replyTimeoutMs"), 1, 10000, &o.replyTimeoutMs)
        .integer(QStringLiteral("retries"), 0, 10, &o.retries)
        .integer(QStringLiteral("offlineAfter"), 1, 1000, &o.offlineAfter)
        .integer(QStringLiteral("offlineRetryMs"), 0, 600000, &o.offlineRetryMs)
        .allow({QStringLiteral("addresses")});
    if (!r.finish(QStringLiteral("callerbus-serial"), devices::linkOptionKeys())) {
        *error = r.error();
        return false;
    }
    *out = o;
    return true;
}

bool CallerBusSerial::parseAddresses(QString *error)
{
    const QVariant v = config().options.value(QStringLiteral("addresses"));
    // A JSON list, "1,2,3" from a command line, or a single address.
    QVariantList list;
    if (v.typeId() == QMetaType::QString) {
        for (const QString &s : v.toString().split(u',', Qt::SkipEmptyParts))
            list.append(s.trimmed());
    } else if (v.canConvert<QVariantList>() && v.typeId() != QMetaType::Int && v.typeId() != QMetaType::Double
               && v.typeId() != QMetaType::LongLong) {
        list = v.toList();
    } else if (v.isValid()) {
        list.append(v);
    }
    m_stations.clear();
    if (list.isEmpty()) {
        *error = tr("options.addresses: list the bus addresses of the callers and evaluators, like [1, 2, 3].");
        return false;
    }
    for (const QVariant &a : list) {
        bool ok = false;
        const int address = a.toString().toInt(&ok);
        if (!ok || address < MinAddress || address > MaxAddress) {
            *error = tr("options.addresses: \"%1\" is not a bus address (%2 to %3).").arg(a.toString()).arg(MinAddress).arg(MaxAddress);
            return false;
        }
        if (station(address)) {
            *error = tr("options.addresses: address %1 is listed twice.").arg(address);
            return false;
        }
        Station s;
        s.address = address;
        m_stations.append(s);
    }
    return true;
}

CallerBusSerial::Station *CallerBusSerial::station(int address)
{
    for (Station &s : m_stations) {
        if (s.address == address)
            return &s;
    }
    return nullptr;
}

bool CallerBusSerial::openDevice()
{
    QString error;
    if (!parseAddresses(&error) || !CallerBusOptions::parse(config().options, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    m_link = openLink(9600);
    if (!m_link)
        return false;
    m_rx.clear();
    m_next = 0;
    m_cycleStartMs = -1;
    m_clock.start();
    m_step.start(0);
    return true;
}

void CallerBusSerial::closeDevice()
{
    m_step.stop();
    m_commands.clear();
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
        m_link.reset();
    }
}

void CallerBusSerial::show(int address, const CallerDisplay &display)
{
    if (!station(address)) {
        setError(Error::Configuration, tr("Address %1 is not on this caller bus.").arg(address));
        return;
    }
    // A newer display replaces one still waiting for the bus; a beep asked for is kept.
    for (Command &c : m_commands) {
        if (c.address == address && c.kind == cmd::Display && c.attempts == 0) {
            const bool beep = c.display.beep || display.beep;
            c.display = display;
            c.display.beep = beep;
            return;
        }
    }
    Command c;
    c.address = address;
    c.kind = cmd::Display;
    c.display = display;
    m_commands.enqueue(c);
    if (isOpen() && m_step.remainingTime() > 0)
        m_step.start(0); // do not wait out the idle gap
}

void CallerBusSerial::promptRating(int address)
{
    if (!station(address)) {
        setError(Error::Configuration, tr("Address %1 is not on this caller bus.").arg(address));
        return;
    }
    Command c;
    c.address = address;
    c.kind = cmd::PromptRating;
    m_commands.enqueue(c);
    if (isOpen() && m_step.remainingTime() > 0)
        m_step.start(0);
}

// One transaction per call; the next one is scheduled through the event loop.
void CallerBusSerial::step()
{
    if (!isOpen() || !m_link)
        return;
    if (!m_commands.isEmpty()) {
        sendCommand();
        if (isOpen())
            m_step.start(0);
        return;
    }
    const qint64 now = m_clock.elapsed();
    if (m_cycleStartMs < 0)
        m_cycleStartMs = now;
    while (m_next < m_stations.size()) {
        Station &s = m_stations[m_next++];
        // A silent address costs a full reply timeout; ask it only now and then, so one
        // switched-off caller does not slow down every other window.
        if (s.silent && now - s.lastTryMs < m_options.offlineRetryMs)
            continue;
        pollStation(s);
        if (isOpen())
            m_step.start(0);
        return;
    }
    m_lastCycleMs = int(now - m_cycleStartMs);
    ++m_cycles;
    m_cycleStartMs = -1;
    m_next = 0;
    m_step.start(m_options.pollMs);
}

void CallerBusSerial::pollStation(Station &s)
{
    s.lastTryMs = m_clock.elapsed();
    Frame f;
    const Outcome o = transact(poll(quint8(s.address), s.ackSeq), quint8(s.address), &f);
    if (o == Outcome::Lost)
        return;
    if (o != Outcome::Answer) {
        if (o == Outcome::Damaged)
            qCDebug(lcDriverCallerBus) << "damaged answer from" << s.address;
        missed(s);
        return;
    }
    Reply r;
    QString error;
    if (!decodeReply(f, &r, &error)) {
        // The device is there but said something we cannot use; an event in it will be sent
        // again, since it was not acknowledged.
        qCWarning(lcDriverCallerBus) << error;
        answered(s);
        return;
    }
    answered(s);
    switch (r.type) {
    case Reply::Type::Ack:
        s.ackSeq = 0; // the device has nothing pending: our last acknowledgement arrived
        break;
    case Reply::Type::Nak:
        qCWarning(lcDriverCallerBus) << "device" << s.address << "refused a poll, reason" << r.nakReason;
        break;
    case Reply::Type::Event:
        if (r.seq == s.ackSeq)
            break; // sent again because our acknowledgement was lost: already delivered
        s.ackSeq = r.seq;
        qCDebug(lcDriverCallerBus) << "address" << s.address << "key" << int(r.event.key) << r.event.argument << r.event.rating;
        Q_EMIT keyPressed(r.event);
        break;
    }
}

void CallerBusSerial::sendCommand()
{
    Command &c = m_commands.head();
    Station *s = station(c.address);
    if (c.attempts == 0 && c.kind == cmd::Display) {
        // A retried display keeps its sequence number, so the caller beeps only once.
        m_displaySeq = quint8(m_displaySeq == 255 ? 1 : m_displaySeq + 1);
        c.seq = m_displaySeq;
    }
    ++c.attempts;
    const QByteArray request = c.kind == cmd::Display ? callerbus::display(quint8(c.address), c.seq, c.display)
                                                      : callerbus::promptRating(quint8(c.address));
    Frame f;
    const Outcome o = transact(request, quint8(c.address), &f);
    if (o == Outcome::Lost)
        return;
    Reply r;
    QString error;
    if (o == Outcome::Answer && decodeReply(f, &r, &error)) {
        const Command done = m_commands.dequeue();
        if (s)
            answered(*s);
        if (r.type == Reply::Type::Nak)
            setError(Error::DeviceReported, tr("Device %1 refused the command (reason %2); is it a caller with a display?")
                                                .arg(done.address).arg(r.nakReason));
        return;
    }
    // No usable answer. A silent device gets one try; a live one gets its retries.
    if (c.attempts <= m_options.retries && !(s && s->silent))
        return; // at the head of the queue: sent again at the next step
    const Command failed = m_commands.dequeue();
    setError(Error::Timeout, failed.kind == cmd::Display
                                 ? tr("Caller %1 did not confirm what it should show (%2 attempts); check its cable and address.")
                                       .arg(failed.address).arg(failed.attempts)
                                 : tr("Evaluator %1 did not confirm the rating prompt (%2 attempts); check its cable and address.")
                                       .arg(failed.address).arg(failed.attempts));
    if (s)
        missed(*s);
}

CallerBusSerial::Outcome CallerBusSerial::transact(const QByteArray &request, quint8 address, Frame *answer)
{
    QIODevice *io = m_link->io();
    if (!io->isOpen())
        return Outcome::Lost; // dropped; connectionLost() is on its way
    io->readAll(); // a late answer to an earlier transaction, or noise: nobody waits for it now
    m_rx.clear();
    if (!m_link->writeAll(request, 1000)) {
        QMetaObject::invokeMethod(this, [this] {
            if (m_link)
                connectionLost(tr("Cannot write to the caller bus."));
        }, Qt::QueuedConnection);
        return Outcome::Lost;
    }
    const int baud = m_link->baudRate();
    // Our frame's own wire time, then the device's turnaround; once its answer has begun,
    // the wire time of the longest frame.
    QDeadlineTimer deadline(wireMs(request.size(), baud) + m_options.replyTimeoutMs, Qt::PreciseTimer);
    bool started = false;
    bool damaged = false;
    for (;;) {
        if (!io->isOpen() || !m_link)
            return Outcome::Lost;
        const QByteArray got = io->readAll();
        if (!got.isEmpty() && !started) {
            started = true;
            deadline = QDeadlineTimer(wireMs(MaxFrame, baud) + m_options.replyTimeoutMs, Qt::PreciseTimer);
        }
        m_rx += got;
        for (;;) {
            Frame f;
            const Parse p = takeFrame(m_rx, &f);
            if (p == Parse::NeedMore)
                break;
            if (p == Parse::BadChecksum) {
                damaged = true;
                continue;
            }
            if (p == Parse::BadFrame)
                continue;
            // Our own frame (adapters that echo what they send) or another device talking
            // out of turn: not the answer.
            if (f.address != address || f.command == cmd::Poll || f.command == cmd::Display || f.command == cmd::PromptRating)
                continue;
            *answer = f;
            return Outcome::Answer;
        }
        if (damaged && m_rx.isEmpty())
            return Outcome::Damaged; // the answer came and was broken; nothing else will
        const qint64 left = deadline.remainingTime();
        if (left <= 0)
            return damaged ? Outcome::Damaged : Outcome::Timeout;
        io->waitForReadyRead(int(left));
    }
}

void CallerBusSerial::missed(Station &s)
{
    ++s.misses;
    if (s.silent || s.misses < m_options.offlineAfter)
        return;
    s.silent = true;
    setError(Error::Timeout, tr("Caller or evaluator %1 does not answer; check its cable, power and address switch.").arg(s.address));
    Q_EMIT addressStatusChanged(s.address, false);
}

void CallerBusSerial::answered(Station &s)
{
    s.misses = 0;
    if (!s.silent)
        return;
    s.silent = false;
    qCInfo(lcDriverCallerBus) << "address" << s.address << "answers again";
    Q_EMIT addressStatusChanged(s.address, true);
}

} // namespace hall::drivers::callerbus
