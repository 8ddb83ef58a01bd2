#pragma once

#include <devices/idcard.h>

#include <QQueue>
#include <QTimer>

namespace hall::drivers::virt {

// A simulated ID card reader for the demo, GUI tests and training. Options:
//   card:    "resident" (default), "J", "I", "none" — the card lying on the reader
//   delayMs: how long a read takes (default 400, like a real reader)
//   failEvery: every n-th read fails with "no card" (0 = never)
// Scriptable at run time through the meta-object: placeCard(type), removeCard(), failNext(msg).
class VirtualIdCardReader final : public devices::IdCardReader
{
    Q_OBJECT
public:
    explicit VirtualIdCardReader(devices::DeviceConfig config, QObject *parent = nullptr);

    Capabilities capabilities() const override { return IdPhoto | IdFingerprint | SamId; }
    void readCard(bool withFingerprint = false) override;
    void setAutoRead(bool on, int intervalMs = 300) override;
    void requestSamId() override;

    Q_INVOKABLE void placeCard(const QString &type);
    Q_INVOKABLE void removeCard();
    Q_INVOKABLE void failNext(const QString &message);

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    std::optional<devices::IdCard> m_card;
    bool m_readSincePlaced = false;
    int m_delayMs = 400;
    int m_failEvery = 0;
    QString m_optionsError; // a wrong option, reported when the device opens
    int m_reads = 0;
    QString m_failNext;
    QTimer m_auto;
};

} // namespace hall::drivers::virt
