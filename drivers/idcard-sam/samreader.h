#pragma once

#include <devices/idcard.h>
#include <devices/transport.h>
#include <devices/wltdecoder.h>

#include <QTimer>

#include <memory>
#include <optional>

namespace hall::drivers::sam {

// The driver's options, read and checked once when the device opens.
struct SamOptions
{
    int timeoutMs = 500;  // extra time on top of the wire time of an answer
    int retries = 1;      // of a command after a checksum error or no answer
    int readMs = 1000;    // the card's own read time allowed on top of timeoutMs
    QString photoDecoder; // path of the vendor's WLT library; empty: photos stay WLT
    QString photoDecoderSymbol = QStringLiteral("unpack");

    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, SamOptions *out, QString *error);
};

// An IdCardReader speaking the SAM protocol over a serial port (or a USB reader that exposes
// one). Options: baud (default 115200), timeoutMs (extra time on top of the wire time of an
// answer, default 500), readMs (extra time for the card read itself, default 1000), retries of a command after a checksum error (default 1), photoDecoder
// (path of the vendor's WLT library) and photoDecoderSymbol (default "unpack").
class SamReader final : public devices::IdCardReader
{
    Q_OBJECT
public:
    explicit SamReader(devices::DeviceConfig config, QObject *parent = nullptr);
    ~SamReader() override;

    Capabilities capabilities() const override { return IdPhoto | IdFingerprint | SamId | BaudChange; }
    void readCard(bool withFingerprint = false) override;
    void setAutoRead(bool on, int intervalMs = 300) override;
    void requestSamId() override;
    // Optional abilities, reached through the meta-object (hall-devices, tests):
    Q_INVOKABLE bool changeBaudRate(int baud);
    Q_INVOKABLE bool resetSam();

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Answer
    {
        quint8 sw3 = 0;
        QByteArray data;
    };
    // Sends one command and waits for its answer. On failure sets the device error (and
    // handles a lost link) and returns nullopt.
    std::optional<Answer> transact(quint8 command, quint8 para, int expectedAnswerBytes, bool quietNoCard = false);
    bool expectStatus(const Answer &a, std::initializer_list<quint8> ok);
    void poll();
    void deliver(devices::IdCard card);

    std::unique_ptr<devices::Transport> m_link;
    std::unique_ptr<devices::WltDecoder> m_photos; // only when options.photoDecoder names a library
    QTimer m_autoRead;
    SamOptions m_options;
    bool m_busy = false;
};

} // namespace hall::drivers::sam
