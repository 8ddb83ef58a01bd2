#include "virtualidcard.h"
#include "virtualdevices.h"

#include <devices/samplecards.h>

namespace hall::drivers::virt {

using devices::IdCard;

namespace {
std::optional<IdCard> cardOf(const QString &type)
{
    if (type == QLatin1String("none"))
        return std::nullopt;
    if (type == QLatin1String("J"))
        return devices::sampleCard(IdCard::Type::HkMacauTaiwan);
    if (type == QLatin1String("I"))
        return devices::sampleCard(IdCard::Type::ForeignPermanent);
    return devices::sampleCard(IdCard::Type::Resident);
}
} // namespace

VirtualIdCardReader::VirtualIdCardReader(devices::DeviceConfig config, QObject *parent)
    : IdCardReader(std::move(config), parent), m_auto(this)
{
    VirtualOptions o;
    o.delayMs = m_delayMs;
    VirtualOptions::parse(this->config().options, QStringLiteral("IdCardReader"), &o, &m_optionsError);
    m_card = cardOf(o.card);
    m_delayMs = o.delayMs;
    m_failEvery = o.failEvery;
    connect(&m_auto, &QTimer::timeout, this, [this] {
        if (m_card && !m_readSincePlaced && state() == State::Ready)
            readCard(false);
    });
}

bool VirtualIdCardReader::openDevice()
{
    if (!m_optionsError.isEmpty()) {
        setError(Error::Configuration, m_optionsError);
        return false;
    }
    return true;
}

void VirtualIdCardReader::closeDevice()
{
    m_auto.stop();
}

void VirtualIdCardReader::readCard(bool withFingerprint)
{
    if (state() != State::Ready)
        return;
    setState(State::Busy);
    QTimer::singleShot(m_delayMs, this, [this, withFingerprint] {
        if (state() != State::Busy)
            return;
        setState(State::Ready);
        ++m_reads;
        if (!m_failNext.isEmpty()) {
            setError(Error::DeviceReported, std::exchange(m_failNext, {}));
            return;
        }
        if (!m_card || (m_failEvery > 0 && m_reads % m_failEvery == 0)) {
            setError(Error::DeviceReported, tr("No card on the reader; place the identity card on it."));
            return;
        }
        IdCard c = *m_card;
        if (!withFingerprint)
            c.fingerprint.clear();
        m_readSincePlaced = true;
        Q_EMIT cardRead(c);
    });
}

void VirtualIdCardReader::setAutoRead(bool on, int intervalMs)
{
    if (on)
        m_auto.start(intervalMs);
    else
        m_auto.stop();
}

void VirtualIdCardReader::requestSamId()
{
    Q_EMIT samIdRead(QStringLiteral("05.01-20201012-0000123456-2000001234"));
}

void VirtualIdCardReader::placeCard(const QString &type)
{
    m_card = cardOf(type);
    m_readSincePlaced = false;
}

void VirtualIdCardReader::removeCard()
{
    m_card.reset();
}

void VirtualIdCardReader::failNext(const QString &message)
{
    m_failNext = message;
}

} // namespace hall::drivers::virt
