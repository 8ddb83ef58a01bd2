#include "samreader.h"

#include "samprotocol.h"

#include <core/logging.h>
#include <devices/options.h>

namespace hall::drivers::sam {

using devices::Device;

SamReader::SamReader(devices::DeviceConfig config, QObject *parent)
    : IdCardReader(std::move(config), parent), m_autoRead(this)
{
    connect(&m_autoRead, &QTimer::timeout, this, &SamReader::poll);
}

SamReader::~SamReader() = default;

bool SamOptions::parse(const QVariantMap &options, SamOptions *out, QString *error)
{
    SamOptions o;
    devices::OptionReader r(options);
    r.integer(QStringLiteral("timeoutMs"), 10, 60000, &o.timeoutMs)
        .integer(QStringLiteral("retries"), 0, 10, &o.retries)
        .integer(QStringLiteral("readMs"), 0, 60000, &o.readMs)
        .string(QStringLiteral("photoDecoder"), &o.photoDecoder)
        .string(QStringLiteral("photoDecoderSymbol"), &o.photoDecoderSymbol);
    if (!r.finish(QStringLiteral("idcard-sam"), devices::linkOptionKeys())) {
        *error = r.error();
        return false;
    }
    *out = o;
    return true;
}

bool SamReader::openDevice()
{
    QString error;
    if (!SamOptions::parse(config().options, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    const QString decoder = m_options.photoDecoder;
    if (!decoder.isEmpty() && !m_photos) {
        auto photos = std::make_unique<devices::WltDecoder>();
        if (!photos->load(decoder, m_options.photoDecoderSymbol, &error)) {
            setError(Error::Configuration, error);
            return false;
        }
        m_photos = std::move(photos);
    }
    m_link = openLink(115200);
    return m_link != nullptr;
}

void SamReader::closeDevice()
{
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
        m_link.reset();
    }
}

std::optional<SamReader::Answer> SamReader::transact(quint8 command, quint8 para, int expectedAnswerBytes, bool quietNoCard)
{
    if (!isOpen() || !m_link) {
        setError(Error::ConnectionLost, tr("The ID card reader is not connected."));
        return std::nullopt;
    }
    // Wait for the wire time of the answer at the port's speed, plus the reader's own time.
    const int wireMs = m_link->wireMs(expectedAnswerBytes);
    // Reading the card over the air takes a real reader up to a second before it answers.
    const int budgetMs = m_options.timeoutMs + (command == cmd::Read ? m_options.readMs : 0) + 2 * wireMs;
    const QByteArray request = sam::command(command, para);
    for (int attempt = 0; attempt <= m_options.retries; ++attempt) {
        m_link->io()->readAll(); // drop anything stale from an earlier, abandoned answer
        if (!m_link->writeAll(request, 1000)) {
            connectionLost(tr("Cannot write to the ID card reader."));
            return std::nullopt;
        }
        Parse result = Parse::NeedMore;
        QByteArray payload;
        bool timedOut = false;
        QByteArray pending;
        m_link->readUntil([&](const QByteArray &chunk) {
            pending = chunk;
            QByteArray work = chunk;
            result = takeFrame(work, &payload);
            return result != Parse::NeedMore && result != Parse::BadLength;
        }, budgetMs, &timedOut);
        if (!m_link || !isOpen() || !m_link->io()->isOpen()) {
            // Lost while waiting: the loss itself arrives queued (Device::openLink).
            setError(Error::ConnectionLost, tr("The ID card reader was disconnected during the command."));
            return std::nullopt;
        }
        if (result == Parse::Frame) {
            if (payload.size() < 3) {
                setError(Error::Protocol, tr("The ID card reader sent an answer too short to carry a status."));
                return std::nullopt;
            }
            Answer a{quint8(payload.at(2)), payload.mid(3)};
            if (a.sw3 == status::ChecksumError && attempt < m_options.retries)
                continue; // our command was damaged on the way: send it again
            if (!(quietNoCard && a.sw3 == status::FindFailed))
                qCDebug(lcDriverIdCardSam) << "command" << Qt::hex << command << para << "status" << a.sw3;
            return a;
        }
        if (result == Parse::BadChecksum) {
            if (attempt < m_options.retries)
                continue;
            setError(Error::Checksum, tr("The ID card reader's answer arrived damaged (checksum); check the cable."));
            return std::nullopt;
        }
        if (timedOut && pending.isEmpty()) {
            setError(Error::Timeout, tr("The ID card reader did not answer within %1 ms; check that it is switched on and connected.")
                                         .arg(budgetMs));
            return std::nullopt;
        }
        if (attempt < m_options.retries)
            continue;
        setError(timedOut ? Error::Timeout : Error::Protocol,
                 tr("The ID card reader sent %1 bytes that are not a complete answer.").arg(pending.size()));
        return std::nullopt;
    }
    return std::nullopt;
}

bool SamReader::expectStatus(const Answer &a, std::initializer_list<quint8> ok)
{
    for (quint8 s : ok) {
        if (a.sw3 == s)
            return true;
    }
    const Status st = statusOf(a.sw3);
    setError(st.error, st.message);
    return false;
}

void SamReader::readCard(bool withFingerprint)
{
    if (m_busy)
        return;
    m_busy = true;
    setState(State::Busy);
    auto done = [this] {
        m_busy = false;
        if (isOpen())
            setState(State::Ready);
    };
    // Find, select, read: the card's own protocol needs all three, every time.
    auto found = transact(cmd::Card, cmd::FindCard, 15);
    if (!found || !expectStatus(*found, {status::CardFound}))
        return done();
    auto selected = transact(cmd::Card, cmd::SelectCard, 19);
    if (!selected || !expectStatus(*selected, {status::Ok}))
        return done();
    const quint8 para = withFingerprint ? cmd::ReadWithFingerprint : cmd::ReadText;
    auto read = transact(cmd::Read, para, withFingerprint ? 2321 : 1295);
    if (!read || !expectStatus(*read, {status::Ok}))
        return done();
    devices::IdCard card;
    QString error;
    if (!parseRead(read->data, withFingerprint, &card, &error)) {
        setError(Error::Protocol, error);
        return done();
    }
    done();
    deliver(card);
}

void SamReader::deliver(devices::IdCard card)
{
    if (m_photos) {
        // A photo that will not decode is reported with the card, not instead of it: the
        // officer still has the card's data.
        card.photoBmp = m_photos->decode(card.photoWlt, &card.photoError);
    }
    Q_EMIT cardRead(card);
}

void SamReader::poll()
{
    if (m_busy || !isOpen())
        return;
    // "Find card" answers 0x80 while no (new) card lies on the reader: that is not an error.
    m_busy = true;
    auto found = transact(cmd::Card, cmd::FindCard, 15, true);
    m_busy = false;
    if (found && found->sw3 == status::CardFound) {
        // The card was found: select and read it (readCard repeats find, which is harmless).
        auto selected = transact(cmd::Card, cmd::SelectCard, 19);
        if (!selected || !expectStatus(*selected, {status::Ok}))
            return;
        m_busy = true;
        setState(State::Busy);
        auto read = transact(cmd::Read, cmd::ReadText, 1295);
        m_busy = false;
        if (isOpen())
            setState(State::Ready);
        if (!read || !expectStatus(*read, {status::Ok}))
            return;
        devices::IdCard card;
        QString error;
        if (!parseRead(read->data, false, &card, &error)) {
            setError(Error::Protocol, error);
            return;
        }
        deliver(card);
    }
}

void SamReader::setAutoRead(bool on, int intervalMs)
{
    if (on) {
        m_autoRead.start(intervalMs);
    } else {
        m_autoRead.stop();
    }
}

void SamReader::requestSamId()
{
    auto a = transact(cmd::SamId, cmd::AnyPara, 24);
    if (!a || !expectStatus(*a, {status::Ok}))
        return;
    const QString id = samIdString(a->data);
    if (id.isEmpty()) {
        setError(Error::Protocol, tr("The SAM number in the answer is too short."));
        return;
    }
    Q_EMIT samIdRead(id);
}

bool SamReader::changeBaudRate(int baud)
{
    const int code = baudCode(baud);
    if (code < 0) {
        setError(Error::NotSupported, tr("The reader cannot run at %1 baud (115200, 57600, 38400, 19200 or 9600).").arg(baud));
        return false;
    }
    auto a = transact(cmd::SetBaud, quint8(code), 11);
    if (!a || !expectStatus(*a, {status::Ok}))
        return false;
    // The reader answers at the old speed, then switches.
    if (!m_link->setBaudRate(baud)) {
        setError(Error::Configuration, tr("The serial port cannot be set to %1 baud.").arg(baud));
        return false;
    }
    return true;
}

bool SamReader::resetSam()
{
    auto a = transact(cmd::ResetSam, cmd::AnyPara, 11);
    return a && expectStatus(*a, {status::Ok});
}

} // namespace hall::drivers::sam
