#include "samemulator.h"

#include <samprotocol.h>

#include <QTimer>

namespace hall::emulators {

using namespace hall::drivers;

SamEmulator::SamEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent)
{
    // SAM id 05.01-20201012-0000123456-2000001234
    m_samId = QByteArray::fromHex("05000100" "1C4C3401" "40E20100" "D2043577");
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
    devices::IdCard c;
    c.type = devices::IdCard::Type::Resident;
    c.name = QStringLiteral("陈晓梅");
    c.genderCode = QStringLiteral("2");
    c.nationCode = QStringLiteral("01");
    c.birthDate = QDate(1986, 3, 14);
    c.address = QStringLiteral("广东省汕尾市城区香洲街道二马路东十巷8号");
    c.idNumber = QStringLiteral("441502198603140027");
    c.authority = QStringLiteral("汕尾市公安局城区分局");
    c.validFrom = QDate(2016, 5, 20);
    c.validUntil = QDate(2036, 5, 20);
    QByteArray photo(1024, '\0');
    for (int i = 0; i < photo.size(); ++i)
        photo[i] = char((i * 37 + 11) & 0xFF); // stands for the encrypted WLT image
    c.photoWlt = photo;
    c.fingerprint = QByteArray(1024, '\x5C');
    return c;
}

devices::IdCard sampleHkMacauTaiwanCard()
{
    devices::IdCard c;
    c.type = devices::IdCard::Type::HkMacauTaiwan;
    c.name = QStringLiteral("黄家明");
    c.genderCode = QStringLiteral("1");
    c.birthDate = QDate(1979, 11, 2);
    c.address = QStringLiteral("广东省深圳市福田区福华三路88号");
    c.idNumber = QStringLiteral("810000197911020019");
    c.authority = QStringLiteral("深圳市公安局");
    c.validFrom = QDate(2019, 1, 8);
    c.validUntil = QDate(2024, 1, 8);
    c.passNumber = QStringLiteral("H12345678");
    c.issueCount = 2;
    c.photoWlt = QByteArray(1024, '\x21');
    return c;
}

devices::IdCard sampleForeignCard()
{
    devices::IdCard c;
    c.type = devices::IdCard::Type::ForeignPermanent;
    c.englishName = QStringLiteral("MUELLER, ANNA MARIA");
    c.name = QStringLiteral("安娜");
    c.genderCode = QStringLiteral("2");
    c.idNumber = QStringLiteral("DEU440519850712");
    c.nationCode = QStringLiteral("DEU");
    c.birthDate = QDate(1985, 7, 12);
    c.validFrom = QDate(2018, 9, 1);
    c.longTerm = false;
    c.validUntil = QDate(2028, 9, 1);
    c.cardVersion = QStringLiteral("01");
    c.authority = QStringLiteral("1500");
    c.photoWlt = QByteArray(1024, '\x33');
    return c;
}

} // namespace hall::emulators
