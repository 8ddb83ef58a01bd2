#pragma once

#include <devices/deviceinfo.h>
#include <devices/scanner.h>

#include <sane/sane.h>

#include <QByteArray>
#include <QHash>
#include <QStringList>
#include <QVariant>

namespace hall::drivers::sane {

// A document scanner through libsane (see docs/protocols/scanner-sane.md).
//  - config.port: the SANE device name ("test:0", "epson2:libusb:001:004"); "auto" or empty
//    takes the first scanner SANE lists.
//  - options.saneOptions: backend options by name set when the device opens, e.g.
//    {"br-x": 215.9, "test-picture": "Color pattern"}; an unknown or refused one is a
//    Configuration error. Options that are inactive until another one is set are retried
//    after the others.
// Scans run on the device's thread and block it while a page is read; cancel() is checked
// between two sane_read() calls (a buffer at most), then sane_cancel() stops the scanner.
// The driver's options, checked once when the device opens: saneOptions (the backend's own
// options by name, set when the device opens), and the common reconnectMs and class.
struct SaneOptions
{
    QVariantMap saneOptions;

    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, SaneOptions *out, QString *error);
};

class SaneScanner final : public devices::Scanner
{
    Q_OBJECT
public:
    explicit SaneScanner(devices::DeviceConfig config, QObject *parent = nullptr);
    ~SaneScanner() override;

    void listDevices() override;
    void scan(const QString &jobId, const devices::ScanSettings &settings) override;
    // The SANE device name in use (what "auto" resolved to); empty while closed.
    Q_INVOKABLE QString deviceName() const { return m_name; }

    // The scanners SANE sees now (sane_get_devices), for DeviceEnumerator: the SANE device name
    // as the port, vendor, model and type. Any thread; takes its own sane_init() reference.
    static QList<devices::DeviceInfo> availableDevices(QString *error);

    // What a SANE status means for the user, and which device error it is.
    static QString statusMessage(SANE_Status status, const QString &device);
    static Error statusError(SANE_Status status);

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Failure
    {
        Error error = Error::NoError;
        QString message;
    };
    enum class PageResult { Page, NoDocuments, Failed };

    bool ensureSession(Failure *failure);
    int optionIndex(const QString &name) const { return m_index.value(name, -1); }
    const SANE_Option_Descriptor *descriptor(int index) const;
    bool setOption(const QString &name, const QVariant &value, Failure *failure);
    QVariant optionValue(const QString &name) const;
    QStringList stringList(const QString &name) const;
    void indexOptions();
    devices::ScannerOptions readOptions() const;
    bool applySettings(const devices::ScanSettings &settings, int *dpi, Failure *failure);
    PageResult readPage(const QString &jobId, int index, int totalPages, int dpi, QImage *page, Failure *failure);
    Failure statusFailure(SANE_Status status) const;
    Failure cancelledFailure(const QString &jobId) const;
    void stopScanner();

    SaneOptions m_options;
    SANE_Handle m_handle = nullptr;
    bool m_session = false; // this device holds a reference on sane_init()
    QString m_name;
    QHash<QString, int> m_index; // option name → number
};

} // namespace hall::drivers::sane
