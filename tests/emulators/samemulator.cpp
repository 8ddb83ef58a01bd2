#include "samemulator.h"

#include <samprotocol.h>

#include <devices/samplecards.h>

#include <QTimer>

namespace hall::emulators {

using namespace hall::drivers;

SamEmulator::SamEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent)
{
    // SAM id 05.01-20201012-0000123456-2000001234
    m_samId = QByteArray::fromHex("05000100" "343E3401" "40E20100" "D2983577");
}

void SamEmulator::placeCard(const devices::IdCard &card)
{
    m_card = card;
    m_readSincePlaced = false;
}

void SamEmulator::removeCard()
{
    m_card.reset();
}

void SamEmulator::onReceived(const QByteArray &bytes)
{
    m_in += bytes;
    for (;;) {
        QByteArray payload;
        const sam::Parse r = sam::takeFrame(m_in, &payload);
        if (r == sam::Parse::NeedMore)
            return;
        if (r == sam::Parse::BadChecksum) {
            reply(sam::response(sam::status::ChecksumError), 2);
            continue;
        }
        if (r != sam::Parse::Frame || payload.size() < 2) {
            reply(sam::response(sam::status::LengthError), 2);
            continue;
        }
        commands.append(payload);
        answer(quint8(payload.at(0)), quint8(payload.at(1)));
    }
}

void SamEmulator::answer(quint8 command, quint8 para)
{
    if (m_forced.contains(command)) {
        reply(sam::response(m_forced.take(command)), 3);
        return;
    }
    switch (command) {
    case sam::cmd::ResetSam:
    case sam::cmd::SamStatus:
        reply(sam::response(sam::status::Ok), 20);
        return;
    case sam::cmd::SamId:
        reply(sam::response(sam::status::Ok, m_samId), 5);
        return;
    case sam::cmd::Card:
        if (para == sam::cmd::FindCard) {
            // As real readers do: a card already read is not "found" again until replaced.
            const bool found = m_card && !m_readSincePlaced;
            reply(found ? sam::response(sam::status::CardFound, QByteArray(4, '\0')) : sam::response(sam::status::FindFailed), thinkFindMs);
        } else if (para == sam::cmd::SelectCard) {
            reply(m_card ? sam::response(sam::status::Ok, QByteArray(8, '\0')) : sam::response(sam::status::SelectFailed), thinkSelectMs);
        } else {
            reply(sam::response(sam::status::CommandError), 2);
        }
        return;
    case sam::cmd::Read:
        if (!m_card) {
            reply(sam::response(sam::status::ReadFailed), thinkReadMs);
            return;
        }
        if (para != sam::cmd::ReadText && para != sam::cmd::ReadWithFingerprint) {
            reply(sam::response(sam::status::CommandError), 2);
            return;
        }
        m_readSincePlaced = true;
        reply(sam::response(sam::status::Ok, sam::encodeRead(*m_card, para == sam::cmd::ReadWithFingerprint)), thinkReadMs);
        return;
    case sam::cmd::SetBaud: {
        const int baud = sam::baudOfCode(para);
        if (baud < 0) {
            reply(sam::response(sam::status::CommandError), 2);
            return;
        }
        reply(sam::response(sam::status::Ok), 2);
        // The answer goes out at the old speed; the reader switches once it has left.
        QTimer::singleShot(50, this, [this, baud] { setBaud(baud); });
        return;
    }
    default:
        reply(sam::response(sam::status::CommandError), 2);
    }
}

void SamEmulator::reply(QByteArray frame, int thinkMs)
{
    if (m_silent) {
        m_silent = false;
        return;
    }
    if (!m_instead.isEmpty()) {
        send(std::exchange(m_instead, {}), thinkMs);
        return;
    }
    if (m_corruptNext > 0) {
        --m_corruptNext;
        frame[frame.size() - 1] = char(frame.at(frame.size() - 1) ^ 0x5A);
    }
    frame.prepend(std::exchange(m_garbage, {}));
    if (m_splitPieces > 1) {
        const int pieces = std::exchange(m_splitPieces, 0);
        const qsizetype step = (frame.size() + pieces - 1) / pieces;
        for (int i = 0; i < pieces; ++i)
            send(frame.mid(i * step, step), thinkMs + i * m_splitGapMs);
        return;
    }
    send(frame, thinkMs);
}

devices::IdCard sampleResidentCard()
{
    return devices::sampleCard(devices::IdCard::Type::Resident);
}

devices::IdCard sampleHkMacauTaiwanCard()
{
    return devices::sampleCard(devices::IdCard::Type::HkMacauTaiwan);
}

devices::IdCard sampleForeignCard()
{
    return devices::sampleCard(devices::IdCard::Type::ForeignPermanent);
}

} // namespace hall::emulators
