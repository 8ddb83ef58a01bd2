#pragma once

#include <devices/device.h>

#include <QImage>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QSet>

namespace hall::devices {

// How one scan job is to be made.
struct HALL_DEVICES_EXPORT ScanSettings
{
    Q_GADGET
public:
    enum class ColourMode { Colour, Gray, Lineart }; // Lineart: 1 bit per pixel, black text on white
    Q_ENUM(ColourMode)
    enum class Source { Flatbed, Adf };               // Adf: the automatic document feeder
    Q_ENUM(Source)

    int dpi = 300;
    ColourMode mode = ColourMode::Colour;
    Source source = Source::Flatbed;
    int maxPages = 0; // Adf: stop after this many pages; 0: until the feeder is empty
};

// A scanner the backend can reach (Scanner::listDevices()).
struct ScannerInfo
{
    QString name;   // what goes into DeviceConfig::port, e.g. "test:0", "epson2:libusb:001:004"
    QString vendor;
    QString model;
    QString type;   // "flatbed scanner", "sheetfed scanner" …
};

// What the opened scanner offers. Resolutions are either a list (resolutions) or a range
// (minDpi…maxDpi, resolutions empty).
struct ScannerOptions
{
    QList<int> resolutions;
    int minDpi = 0;
    int maxDpi = 0;
    QList<ScanSettings::ColourMode> modes;
    QList<ScanSettings::Source> sources;

    bool offersDpi(int dpi) const
    {
        return resolutions.isEmpty() ? (dpi >= minDpi && dpi <= maxDpi && maxDpi > 0) : resolutions.contains(dpi);
    }
};

// Flatbed and feeder scanners for paper materials. scan() delivers the pages of a job one by
// one (pageScanned, each QImage with its resolution set in dots per metre), reports progress
// and ends with exactly one of finished() or failed(). A job is cancelled with cancel(), which
// is thread-safe: call it directly from the UI thread (a queued call would wait behind the
// scan it is meant to stop); the job then fails with Error::Cancelled and the scanner stays
// usable.
class HALL_DEVICES_EXPORT Scanner : public Device
{
    Q_OBJECT
public:
    using Device::Device;

    // The scanners the backend sees, answered by devicesListed() (works also while closed).
    Q_INVOKABLE virtual void listDevices() = 0;
    Q_INVOKABLE virtual void scan(const QString &jobId, const hall::devices::ScanSettings &settings) = 0;
    Q_INVOKABLE void cancel(const QString &jobId);

    // What the opened device offers (also sent with optionsReported() when it opens);
    // thread-safe, empty while the scanner was never open.
    ScannerOptions options() const;
    QList<ScanSettings::Source> listSources() const { return options().sources; }

Q_SIGNALS:
    void devicesListed(const QList<hall::devices::ScannerInfo> &devices);
    void optionsReported(const hall::devices::ScannerOptions &options);
    void pageScanned(const QString &jobId, int index, const QImage &page);
    // Percent of the job where the number of pages is known (flatbed, or Adf with maxPages),
    // else of the current page; it never goes down within a page.
    void progress(const QString &jobId, int percent);
    void finished(const QString &jobId, int pageCount);
    void failed(const QString &jobId, hall::devices::Device::Error error, const QString &message);

protected:
    void setOptions(const ScannerOptions &options);
    bool cancelRequested(const QString &jobId) const;
    void forgetCancel(const QString &jobId);

private:
    mutable QMutex m_mutex;
    ScannerOptions m_options;
    QSet<QString> m_cancelled;
};

class ScannerFactory
{
public:
    virtual ~ScannerFactory() = default;
    virtual Scanner *createScanner(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

Q_DECLARE_METATYPE(hall::devices::ScanSettings)
Q_DECLARE_METATYPE(hall::devices::ScannerInfo)
Q_DECLARE_METATYPE(hall::devices::ScannerOptions)
#define HallScannerFactory_iid "org.hallsuite.devices.ScannerFactory/1"
Q_DECLARE_INTERFACE(hall::devices::ScannerFactory, HallScannerFactory_iid)
