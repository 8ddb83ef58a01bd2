#pragma once

// A resident ID card reader at the far end of a pty, speaking the SAM protocol with the
// timing of a real reader: it thinks a few milliseconds per command and its answers take
// their wire time at the configured baud rate. Tests script it: place and remove cards,
// force a status, damage a checksum, prepend garbage, split an answer, stay silent, unplug.

#include "ptydevice.h"

#include <devices/idcard.h>

#include <QHash>

#include <optional>

namespace hall::emulators {

class SamEmulator : public PtyDevice
{
    Q_OBJECT
public:
    SamEmulator(QString linkPath, int baud = 115200, QObject *parent = nullptr);

    void placeCard(const devices::IdCard &card);
    void removeCard();
    QByteArray samId() const { return m_samId; }

    // One-shot faults for the next answer.
    void forceStatus(quint8 command, quint8 sw3) { m_forced.insert(command, sw3); }
    void corruptNextChecksum(int answers = 1) { m_corruptNext = answers; }
    void garbageBeforeNext(const QByteArray &garbage) { m_garbage = garbage; }
    void splitNext(int pieces, int gapMs) { m_splitPieces = pieces; m_splitGapMs = gapMs; }
    void silenceNext() { m_silent = true; }
    // Replies with bytes that are no frame at all.
    void garbageInsteadOfNext(const QByteArray &bytes) { m_instead = bytes; }

    QList<QByteArray> commands; // every command frame received, in order
    int thinkFindMs = 6, thinkSelectMs = 8, thinkReadMs = 40; // a real reader's RF time

protected:
    void onReceived(const QByteArray &bytes) override;

private:
    void answer(quint8 command, quint8 para);
    void reply(QByteArray frame, int thinkMs);

    QByteArray m_in;
    std::optional<devices::IdCard> m_card;
    bool m_readSincePlaced = false;
    QByteArray m_samId;
    QHash<quint8, quint8> m_forced;
    int m_corruptNext = 0;
    QByteArray m_garbage;
    QByteArray m_instead;
    int m_splitPieces = 0;
    int m_splitGapMs = 0;
    bool m_silent = false;
};

// Realistic sample cards of the three types (made-up people, valid numbers).
devices::IdCard sampleResidentCard();
devices::IdCard sampleHkMacauTaiwanCard();
devices::IdCard sampleForeignCard();

} // namespace hall::emulators
