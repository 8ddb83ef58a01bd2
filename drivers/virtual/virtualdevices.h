#pragma once

#include <devices/callerbus.h>
#include <devices/codescanner.h>
#include <devices/ticketprinter.h>

#include <QStringList>
#include <devices/windowscreen.h>

#include <QHash>

namespace hall::drivers::virt {

// The options of the simulated devices, one struct for the driver: read and checked once when
// a device is made (a wrong or unknown option fails its open() with a Configuration error).
// Which keys a device takes depends on its class:
//   IdCardReader   card (resident, J, I, none), delayMs, failEvery
//   TicketPrinter  paper (ok, near-end, out, cover-open), delayMs
//   Scanner        pages (sheets in the feeder), delayMs
//   DocumentCamera delayMs, page, previewFps, resolution (the last two checked by the camera)
//   WindowScreen   servingText, pausedText, idleText (WindowScreen::standardText)
//   CallerBus, CodeScanner: none
struct VirtualOptions
{
    int delayMs = 0; // set to the class's default before parse()
    QString card = QStringLiteral("resident");
    int failEvery = 0;
    QString paper = QStringLiteral("ok");
    int pages = 3;
    int page = 1;

    // Reads the options `deviceClass` takes into *out (what is missing keeps its value);
    // false with a translated message naming the wrong (or unknown) option.
    static bool parse(const QVariantMap &options, const QString &deviceClass, VirtualOptions *out, QString *error);
};

// Simulated hardware callers and evaluators. Scripted through the meta-object:
// press(address, key, digits) with key one of next, recall, special-call, pause, evaluate,
// transfer, settings, query, digits, login; rate(address, 1…5). display(address) tells what
// the host last showed on that caller.
class VirtualCallerBus final : public devices::CallerBus
{
    Q_OBJECT
public:
    using CallerBus::CallerBus;
    Capabilities capabilities() const override { return Beep | Rating; }
    void show(int address, const devices::CallerDisplay &display) override;
    void promptRating(int address) override;

    Q_INVOKABLE bool press(int address, const QString &key, const QString &digits = {});
    Q_INVOKABLE void rate(int address, int rating);
    Q_INVOKABLE QString display(int address) const;
    Q_INVOKABLE int beeps(int address) const { return m_beeps.value(address); }
    Q_INVOKABLE int ratingPrompts(int address) const { return m_prompts.value(address); }

protected:
    bool openDevice() override;
    void closeDevice() override {}

private:
    QHash<int, devices::CallerDisplay> m_shown;
    QHash<int, int> m_beeps;
    QHash<int, int> m_prompts;
};

// Simulated LED window bars: show() keeps the words per address (the standard words of
// WindowScreen::standardText, so the simulator says what a real bar would say).
class VirtualWindowScreen final : public devices::WindowScreen
{
    Q_OBJECT
public:
    using WindowScreen::WindowScreen;
    Capabilities capabilities() const override { return ScreenColours; }
    void show(int address, const devices::ScreenContent &content) override;
    Q_INVOKABLE QString text(int address) const { return m_text.value(address); }

protected:
    bool openDevice() override;
    void closeDevice() override {}

private:
    QHash<int, QString> m_text;
};

// A simulated barcode/QR scanner: scan(code, aimId) delivers one scan, as a real one would.
class VirtualCodeScanner final : public devices::CodeScanner
{
    Q_OBJECT
public:
    using CodeScanner::CodeScanner;
    Q_INVOKABLE void scan(const QString &code, const QString &aimId = {})
    {
        Q_EMIT scanned(code);
        Q_EMIT scannedWithSymbology(code, aimId);
    }

protected:
    bool openDevice() override;
    void closeDevice() override {}
};

// A simulated ticket printer. Options: paper ("ok", "near-end", "out", "cover-open"),
// delayMs (default 300). Scripted with setPaper(state); printedText() is what came out, one
// line per text element, so the demo and GUI tests can check a ticket without paper.
class VirtualTicketPrinter final : public devices::TicketPrinter
{
    Q_OBJECT
public:
    explicit VirtualTicketPrinter(devices::DeviceConfig config, QObject *parent = nullptr);
    Capabilities capabilities() const override { return PrintQr | PrintCut | PaperStatus; }
    void print(const devices::PrintJob &job) override;
    void queryPaper() override { Q_EMIT paperStatus(m_paper); }

    Q_INVOKABLE bool setPaper(const QString &state);
    Q_INVOKABLE QStringList printedText() const { return m_printed; }

protected:
    bool openDevice() override;
    void closeDevice() override {}

private:
    Paper m_paper = Paper::Ok;
    int m_delayMs = 300;
    QString m_optionsError;
    QStringList m_printed;
};

} // namespace hall::drivers::virt
