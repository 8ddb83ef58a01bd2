#pragma once

#include <devices/ticketprinter.h>
#include <devices/transport.h>

#include <memory>
#include <optional>

namespace hall::drivers::escpos {

struct PrinterStatus;

// The printer's options (see EscPosPrinter), read and checked once when the device opens.
struct EscPosOptions
{
    int timeoutMs = 1000;
    int settleMs = 200;
    bool checkBefore = true;
    bool chineseMode = true;

    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, EscPosOptions *out, QString *error);
};

// A TicketPrinter speaking ESC/POS over a serial port, TCP (port 9100) or a device node
// (file:/dev/usb/lp0). Every ticket ends with a DLE EOT status check: printed() only when the
// printer took the whole job and then reported no paper-out, open cover or error.
//
// Options: baud (serial, default 9600; below 57600 a ticket misses the kiosk's 500 ms and the
// log says so), timeoutMs (for a status answer, on top of the wire
// time, default 1000), settleMs (wait after sending a ticket before asking how it went, so
// paper running out mid-ticket is seen; default 200), checkBefore (ask before sending, so a
// printer without paper gets no half ticket; default true), chineseMode (FS &, GB18030 text;
// default true), reconnectMs, and the serial options of Transport.
class EscPosPrinter final : public devices::TicketPrinter
{
    Q_OBJECT
public:
    explicit EscPosPrinter(devices::DeviceConfig config, QObject *parent = nullptr);
    ~EscPosPrinter() override;

    Capabilities capabilities() const override { return PrintQr | PrintCut | PaperStatus; }
    void print(const hall::devices::PrintJob &job) override;
    void queryPaper() override;

    // The options this driver understands; anything else in the configuration is refused.
    static QStringList knownOptions();

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    // DLE EOT 1, 2, 4 (and 3 when an error is reported). nullopt with the device error set
    // (Timeout, Protocol, ConnectionLost) when there is no usable answer.
    std::optional<PrinterStatus> queryStatus(int extraWaitMs);
    void fail(const QString &jobId, Error error, const QString &message);
    int wireMs(qsizetype bytes) const;

    std::unique_ptr<devices::Transport> m_link;
    EscPosOptions m_options;
};

} // namespace hall::drivers::escpos
