#pragma once

#include <devices/scanner.h>

#include <QTimer>

namespace hall::drivers::virt {

// A simulated document scanner for the demo, GUI tests and training: every page is an A4
// form of Chinese text ("Noto Sans CJK SC") rendered with QPainter at the asked resolution
// and colour mode. Options:
//   pages:   pages in the document feeder for each Adf job (default 3); the flatbed gives one
//   delayMs: how long one page takes (default 200), reported as progress in five steps
// Scriptable at run time: loadFeeder(pages) (0: an empty feeder), failNext(message).
// Needs a QGuiApplication (fonts); in a console application scan() fails with NotSupported.
class VirtualScanner final : public devices::Scanner
{
    Q_OBJECT
public:
    explicit VirtualScanner(devices::DeviceConfig config, QObject *parent = nullptr);

    void listDevices() override;
    void scan(const QString &jobId, const devices::ScanSettings &settings) override;

    Q_INVOKABLE void loadFeeder(int pages) { m_feeder = pages; }
    Q_INVOKABLE void failNext(const QString &message) { m_failNext = message; }

    // The page the simulator scans: A4 at dpi, in the given mode, with the resolution set.
    static QImage renderPage(int number, int count, int dpi, devices::ScanSettings::ColourMode mode);

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    void step();
    void endJob();

    int m_feeder = 3;
    int m_delayMs = 200;
    QString m_optionsError; // a wrong option, reported when the device opens
    QString m_failNext;
    QTimer m_timer;
    // The running job.
    QString m_job;
    devices::ScanSettings m_settings;
    int m_pages = 0;  // pages this job will deliver
    int m_page = 0;   // pages delivered
    int m_tick = 0;   // progress steps within the page
};

} // namespace hall::drivers::virt
