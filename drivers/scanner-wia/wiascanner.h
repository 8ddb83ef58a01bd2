#pragma once

#include <devices/scanner.h>

#include <QList>
#include <QString>

#include <memory>

namespace hall::drivers::wia {

class WiaSession;

// A document scanner through WIA 2.0, the Windows Image Acquisition service (see
// docs/protocols/scanner-wia.md). The Windows twin of scanner-sane: same behaviour, errors and
// option names where they apply.
//  - config.port: the WIA device id ("{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\0001") or the
//    scanner's name as Windows shows it; "auto" or empty takes the first scanner WIA lists.
//  - options.wiaProperties: item properties by WIA property id set when the device opens, e.g.
//    {"6154": 100} (WIA_IPS_BRIGHTNESS); an unknown or refused one is a Configuration error.
// COM is initialised (apartment-threaded) on the device's thread, where all WIA calls run.
// Scans block that thread while IWiaTransfer::Download runs; cancel() is polled from WIA's
// transfer callbacks and the page stream's writes, which then stop the transfer.
class WiaScanner final : public devices::Scanner
{
    Q_OBJECT
public:
    explicit WiaScanner(devices::DeviceConfig config, QObject *parent = nullptr);
    ~WiaScanner() override;

    void listDevices() override;
    void scan(const QString &jobId, const devices::ScanSettings &settings) override;
    // The WIA device id in use (what "auto" resolved to); empty while closed.
    Q_INVOKABLE QString deviceName() const { return m_name; }

    // What a WIA result (HRESULT) means for the user, and which device error it is.
    static QString statusMessage(long hr, const QString &device);
    static Error statusError(long hr);

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Failure
    {
        Error error = Error::NoError;
        QString message;
    };

    WiaSession &session();
    bool applyProperties(Failure *failure);
    devices::ScannerOptions readOptions() const;
    bool checkSettings(const devices::ScanSettings &settings, Failure *failure) const;
    Failure statusFailure(long hr) const;
    Failure cancelledFailure(const QString &jobId) const;

    std::unique_ptr<WiaSession> m_session; // made on the device's thread, on first use
    QString m_name;  // WIA device id
    QString m_label; // the scanner's name, for messages
    QList<devices::ScannerInfo> m_lastList;
    bool m_scanning = false;     // Download is on the stack
    bool m_closePending = false; // close() arrived during the scan (see closeDevice)
};

} // namespace hall::drivers::wia
