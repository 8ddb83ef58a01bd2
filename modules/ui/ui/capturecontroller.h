#pragma once

#include <ui/pagelist.h>
#include <ui_capture/ui_capture_export.h>

#include <app/aspects.h>
#include <devices/device.h>
#include <devices/scanner.h>
#include <imaging/output.h>

#include <QFutureWatcher>
#include <QPersistentModelIndex>
#include <QPointer>
#include <QQueue>

#include <functional>
#include <optional>

QT_BEGIN_NAMESPACE
class QAction;
QT_END_NAMESPACE

namespace hall::app {
class Commands;
}

namespace hall::devices {
class DocumentCamera;
} // namespace hall::devices

namespace hall::ui {

// The capture settings of a PC, with their page.
class HALL_UI_CAPTURE_EXPORT CaptureSettings : public app::AspectContainer
{
    Q_OBJECT
public:
    explicit CaptureSettings(QObject *parent = nullptr);

    // Quarter turns clockwise given to every new photo: how the camera head sees a page
    // depends on how it is mounted and how officers lay the paper, so it is set once per PC.
    app::ChoiceAspect photoRotation;
    app::BoolAspect autoCrop; // find and straighten the page in each photo
};

// What capturing the pages of one paper material does, without widgets: the device wiring
// (a DocumentCamera's preview and stills, a Scanner's jobs; devices live on their own threads
// and get only queued calls, except Scanner::cancel), the processing queue off the UI thread,
// the PageList model, the current page and crop, the PDF export, and the commands
// ("capture.shoot" …) whose actions it enables. Desk and touch views show it; several views
// may show one controller.
class HALL_UI_CAPTURE_EXPORT CaptureController : public QObject
{
    Q_OBJECT
public:
    explicit CaptureController(QObject *parent = nullptr);
    ~CaptureController() override;

    // The command ids, for keymaps.
    static constexpr const char *Shoot = "capture.shoot"; // photo or scan, by the source; F12, foot pedal
    static constexpr const char *CancelScan = "capture.cancelScan";
    static constexpr const char *Live = "capture.live";
    static constexpr const char *RotateLeft = "capture.rotateLeft";
    static constexpr const char *RotateRight = "capture.rotateRight";
    static constexpr const char *Mirror = "capture.mirror";
    static constexpr const char *Crop = "capture.crop";
    static constexpr const char *ApplyCrop = "capture.applyCrop";
    static constexpr const char *CancelCrop = "capture.cancelCrop";
    static constexpr const char *MoveEarlier = "capture.moveEarlier";
    static constexpr const char *MoveLater = "capture.moveLater";
    static constexpr const char *DeletePage = "capture.deletePage";
    static QStringList commandIds();

    // The controller's action for a command id (enabled by the controller; views use it for
    // their buttons).
    QAction *action(const char *id) const;
    // Registers every action under `context` (unique per controller: context()); a pedal
    // photo is taken into this material only while its shoot command is the active one.
    void registerCommands(app::Commands *commands);
    app::Commands *commands() const { return m_commands; }
    QString context() const { return m_context; }

    CaptureSettings *settings() { return &m_settings; }

    void setCamera(devices::DocumentCamera *camera);
    void setScanner(devices::Scanner *scanner);
    devices::DocumentCamera *camera() const;
    devices::Scanner *scanner() const { return m_scanner; }
    // The material being captured: its name is shown and is the PDF's title, and its size cap
    // is what exportPdf checks (0: no cap).
    void setMaterial(const QString &name, qint64 maxBytes);
    QString materialName() const { return m_materialName; }
    qint64 maxBytes() const { return m_maxBytes; }

    void setPhotoRotation(int degrees); // any multiple of 90, normalised
    int photoRotation() const { return m_settings.photoRotation.variant().toInt(); }
    bool autoCrop() const { return m_settings.autoCrop.value(); }
    void setAutoCrop(bool on) { m_settings.autoCrop.setValue(on); }
    PageEdit::Tone tone() const { return m_tone; }
    void setTone(PageEdit::Tone tone) { m_tone = tone; }

    enum class Source { Camera, Scanner };
    Source source() const { return m_source; }
    void setSource(Source source);
    QList<Source> sources() const;

    // Scanner choices, from what the opened scanner offers.
    QList<int> scanResolutions() const { return m_dpis; }
    int scanResolution() const { return m_dpi; }
    void setScanResolution(int dpi);
    QList<devices::ScanSettings::Source> scanSources() const { return m_feeds; }
    devices::ScanSettings::Source scanSource() const { return m_feed; }
    void setScanSource(devices::ScanSettings::Source source);
    int scanProgress() const { return m_progress; }

    // The state of the device of the current source, for the views.
    QString deviceStateText() const;
    bool isDeviceGood() const;

    PageList *pages() { return &m_pages; }
    bool isLive() const { return m_live; }
    // A photo or scan is under way, or its pages are still being processed, or a PDF is made.
    bool isBusy() const { return m_busy; }
    bool isScanning() const { return m_jobKind == JobKind::Scan; }
    bool hasJob() const { return m_jobKind != JobKind::None; }
    int currentPage() const { return m_current.isValid() ? m_current.row() : -1; }
    void selectPage(int row);

    // Cropping: the page's original with corners (its crop, or none: the whole image).
    bool isCropping() const { return m_cropPage.isValid(); }
    int cropRow() const { return isCropping() ? m_cropPage.row() : -1; }
    std::optional<imaging::Quad> cropStart() const { return m_cropStart; }
    void setCropQuad(const imaging::Quad &quad) { m_cropQuad = quad; }

    // The newest preview frame and the page outline auto-crop would take in it.
    QImage previewImage() const { return m_preview; }
    std::optional<imaging::Quad> previewOutline() const { return m_outline; }
    // Views that show the live picture hold the preview; the camera previews while any does.
    void acquirePreview();
    void releasePreview();

    QString lastMessage() const { return m_message; }
    bool lastMessageIsError() const { return m_messageIsError; }

    // The pages as one PDF within the material's size cap, or a message saying what to do.
    bool exportPdf(QByteArray *pdf, QString *error) const;
    // The same off the UI thread; pdfMade or pdfFailed follows, busy meanwhile.
    void makePdf();

public Q_SLOTS:
    void shoot();      // camera: one still
    void scan();       // scanner: one job with the chosen settings
    void cancelScan();
    // Image files as pages, in the order given; one that cannot be read is named in a message
    // and the others are still added.
    void addFiles(const QStringList &files);
    void showLive();
    void beginCrop();
    void applyCrop();
    void cancelCrop();
    void rotate(int degrees);
    void mirror();
    void setPageTone(PageEdit::Tone tone);
    void moveCurrent(int delta);
    void deleteCurrent();

Q_SIGNALS:
    void pagesChanged(int count);
    void busyChanged(bool busy);
    void photoRotationChanged(int degrees);
    void pdfMade(const QByteArray &pdf);
    void pdfFailed(const QString &message);
    void message(const QString &text, bool isError);
    // Something the views show changed: source, live, current page, crop, job, device state.
    void stateChanged();
    void currentPageChanged(int row);
    void previewChanged();
    void scannerOptionsChanged();
    void progressChanged(int percent);

private:
    void shootCommand();
    void updateActions();
    void changed();
    void updateBusy();
    void endJob();
    void updatePreview();
    bool acceptsPedal(const QString &job);
    enum class PageKind { Photo, Scan, File };
    void enqueue(const QImage &image, PageKind kind, const QString &file = {});
    void processNext();
    void processed();
    void say(const QString &text, bool isError = false);
    void previewFrame(const QImage &frame);
    void captured(const QString &job, const QImage &image);
    void captureFailed(const QString &job, devices::Device::Error error, const QString &message);
    void scannerOptions();
    void scanPage(const QString &job, int index, const QImage &page);
    void scanEnded(const QString &job, bool ok, devices::Device::Error error, const QString &message);
    void startPreview();
    void stopPreview();
    void setCurrent(int row, bool leaveLive);
    imaging::PdfOptions pdfOptions() const;

    PageList m_pages;
    CaptureSettings m_settings;
    QPointer<devices::DocumentCamera> m_camera;
    QPointer<devices::Scanner> m_scanner;
    QString m_materialName;
    qint64 m_maxBytes = 0;
    Source m_source = Source::Camera;
    PageEdit::Tone m_tone = PageEdit::Tone::Colour;
    QList<int> m_dpis;
    int m_dpi = 300;
    QList<devices::ScanSettings::Source> m_feeds;
    devices::ScanSettings::Source m_feed = devices::ScanSettings::Source::Flatbed;
    int m_progress = 0;
    bool m_live = true;
    int m_previewHolders = 0;
    bool m_previewing = false;
    bool m_busy = false;
    int m_jobs = 0;
    // Job ids are unique to this controller, so another material's photos and a late cancel of
    // a finished job never touch this one.
    QString m_jobPrefix;
    QString m_context;
    QString m_job; // the capture or scan under way
    enum class JobKind { None, Photo, Scan } m_jobKind = JobKind::None;
    QStringList m_pedalJobs; // stills the camera takes on a pedal press, claimed by this material
    int m_frames = 0;
    QImage m_preview;
    std::optional<imaging::Quad> m_outline;
    QPersistentModelIndex m_current;
    QPersistentModelIndex m_cropPage; // the page being cropped, wherever new pages land meanwhile
    std::optional<imaging::Quad> m_cropStart;
    imaging::Quad m_cropQuad{};
    QString m_message;
    bool m_messageIsError = false;

    app::Commands *m_commands = nullptr;
    QHash<QString, QAction *> m_actions;

    // Pages wait here, in arrival order, to be processed one at a time off the UI thread.
    struct Pending
    {
        QImage image;
        QString file;
        PageKind kind = PageKind::Photo;
        bool autoCrop = true;
        PageEdit::Tone tone = PageEdit::Tone::Colour;
        int rotation = 0;
    };
    QQueue<Pending> m_pending;
    struct Prepared
    {
        QList<Page> pages; // one, or a PDF file's
        QString error;     // why a file could not become pages
    };
    QFutureWatcher<Prepared> m_processing;
    // From processNext() until processed() has added the page: the future's own "running"
    // ends before its result reaches the model.
    bool m_inProcessing = false;
    struct MadePdf
    {
        QByteArray pdf;
        QString error;
    };
    QFutureWatcher<MadePdf> m_pdf;
    bool m_makingPdf = false; // from makePdf() until pdfMade/pdfFailed
    std::function<void()> m_afterProcessing; // the scan's closing message, once its pages are in
};

} // namespace hall::ui
