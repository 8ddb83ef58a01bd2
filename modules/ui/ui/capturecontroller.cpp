#include "capturecontroller.h"

#include <app/commands.h>
#include <devices/documentcamera.h>
#include <devices/scanner.h>

#include <QAction>
#include <QLocale>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

namespace hall::ui {

using devices::Device;
using devices::ScanSettings;

namespace {

// Look for the page in every few preview frames: enough for a steady outline, cheap enough
// for the UI thread (a preview frame is small).
constexpr int OutlineEveryFrames = 3;

} // namespace

CaptureSettings::CaptureSettings(QObject *parent)
    : app::AspectContainer(QStringLiteral("capture"), tr("Capture"), parent)
    , photoRotation(this, QStringLiteral("photoRotation"), tr("Turn photos"),
                    {{0, tr("As shot")}, {90, tr("Right 90°")}, {270, tr("Left 90°")}, {180, tr("Upside down")}}, 0)
    , autoCrop(this, QStringLiteral("autoCrop"), tr("Auto crop and straighten"), true)
{
    photoRotation.setToolTip(tr("How new photos are turned, so the page comes out upright"));
    autoCrop.setToolTip(tr("Find the edges of the page in the photo and straighten it"));
}

QStringList CaptureController::commandIds()
{
    QStringList ids;
    for (const char *id : {Shoot, CancelScan, Live, RotateLeft, RotateRight, Mirror, Crop, ApplyCrop, CancelCrop,
                           MoveEarlier, MoveLater, DeletePage})
        ids.append(QLatin1String(id));
    return ids;
}

CaptureController::CaptureController(QObject *parent)
    : QObject(parent)
    , m_jobPrefix(QUuid::createUuid().toString(QUuid::WithoutBraces).left(8))
    , m_context(QStringLiteral("capture#") + m_jobPrefix)
{
    auto add = [this](const char *id, const QString &text, const QString &tip, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(QLatin1String(id));
        action->setToolTip(tip);
        connect(action, &QAction::triggered, this, slot);
        m_actions.insert(QLatin1String(id), action);
    };
    add(Shoot, tr("Shoot"), tr("Take a photo of the page, or scan with the scanner"), &CaptureController::shootCommand);
    add(CancelScan, tr("Cancel scan"), tr("Stop the scanner; the pages scanned so far are kept"), &CaptureController::cancelScan);
    add(Live, tr("Live preview"), tr("Back to the camera's live picture"), &CaptureController::showLive);
    add(RotateLeft, tr("Rotate left"), tr("Turn the page 90° anticlockwise"), [this] { rotate(-90); });
    add(RotateRight, tr("Rotate right"), tr("Turn the page 90° clockwise"), [this] { rotate(90); });
    add(Mirror, tr("Mirror"), tr("Flip the page left to right (a camera that shows it mirrored)"), &CaptureController::mirror);
    add(Crop, tr("Crop"), tr("Drag the four corners onto the page's corners"), &CaptureController::beginCrop);
    add(ApplyCrop, tr("Apply crop"), tr("Keep the part inside the corners"), &CaptureController::applyCrop);
    add(CancelCrop, tr("Cancel crop"), tr("Leave the crop as it was"), &CaptureController::cancelCrop);
    add(MoveEarlier, tr("Move earlier"), tr("Move the page one place earlier"), [this] { moveCurrent(-1); });
    add(MoveLater, tr("Move later"), tr("Move the page one place later"), [this] { moveCurrent(1); });
    add(DeletePage, tr("Delete page"), tr("Remove this page from the material"), &CaptureController::deleteCurrent);

    connect(&m_processing, &QFutureWatcher<Prepared>::finished, this, &CaptureController::processed);
    connect(&m_pdf, &QFutureWatcher<MadePdf>::finished, this, [this] {
        const MadePdf made = m_pdf.result();
        m_makingPdf = false;
        updateBusy();
        if (made.error.isEmpty())
            Q_EMIT pdfMade(made.pdf);
        else
            Q_EMIT pdfFailed(made.error);
    });
    auto countChanged = [this] {
        Q_EMIT pagesChanged(m_pages.count());
        changed();
    };
    connect(&m_pages, &QAbstractItemModel::rowsInserted, this, countChanged);
    connect(&m_pages, &QAbstractItemModel::rowsRemoved, this, countChanged);
    connect(&m_pages, &QAbstractItemModel::modelReset, this, countChanged);
    connect(&m_pages, &QAbstractItemModel::rowsMoved, this, [this] {
        Q_EMIT currentPageChanged(currentPage());
        changed();
    });
    connect(&m_pages, &PageList::pageChanged, this, [this] { changed(); });
    connect(&m_settings.photoRotation, &app::Aspect::changed, this, [this] { Q_EMIT photoRotationChanged(photoRotation()); });
    connect(&m_settings.autoCrop, &app::Aspect::changed, this, [this] {
        if (!autoCrop())
            m_outline.reset();
        changed();
    });
    updateActions();
}

CaptureController::~CaptureController()
{
    // The feeder must not go on pulling pages for a material that is gone.
    if (m_jobKind == JobKind::Scan && m_scanner)
        m_scanner->cancel(m_job);
    stopPreview();
}

QAction *CaptureController::action(const char *id) const
{
    return m_actions.value(QLatin1String(id));
}

void CaptureController::registerCommands(app::Commands *commands)
{
    m_commands = commands;
    for (const QString &id : commandIds()) {
        QKeySequence key;
        if (id == QLatin1String(Shoot))
            key = QKeySequence(Qt::Key_F12);
        else if (id == QLatin1String(DeletePage))
            key = QKeySequence(QKeySequence::Delete);
        else if (id == QLatin1String(CancelCrop))
            key = QKeySequence(Qt::Key_Escape);
        commands->registerAction(m_actions.value(id), id, m_context, key);
    }
}

devices::DocumentCamera *CaptureController::camera() const
{
    return m_camera;
}

// ---- devices ----

void CaptureController::setCamera(devices::DocumentCamera *camera)
{
    if (m_camera)
        m_camera->disconnect(this);
    stopPreview();
    if (m_jobKind == JobKind::Photo)
        endJob(); // the old camera's photo will not come here any more
    m_pedalJobs.clear();
    m_camera = camera;
    if (camera) {
        connect(camera, &Device::stateChanged, this, [this](Device::State state) {
            if (state == Device::State::Ready && m_previewing) {
                m_previewing = false; // the camera came back: its preview must be started again
                updatePreview();
            }
            changed();
        });
        // Pulled, not pushed: at most one frame waits for the UI thread however busy it is.
        connect(camera, &devices::DocumentCamera::previewFrameReady, this, [this] {
            if (m_camera)
                previewFrame(m_camera->takePreviewFrame());
        });
        connect(camera, &devices::DocumentCamera::captured, this, &CaptureController::captured);
        connect(camera, &devices::DocumentCamera::captureFailed, this, &CaptureController::captureFailed);
        m_source = Source::Camera;
    } else if (m_scanner) {
        m_source = Source::Scanner;
    }
    m_live = m_source == Source::Camera;
    updatePreview();
    changed();
}

void CaptureController::setScanner(devices::Scanner *scanner)
{
    if (m_scanner)
        m_scanner->disconnect(this);
    if (m_jobKind == JobKind::Scan) {
        if (m_scanner)
            m_scanner->cancel(m_job);
        endJob();
    }
    m_scanner = scanner;
    if (scanner) {
        connect(scanner, &Device::stateChanged, this, [this] { changed(); });
        connect(scanner, &devices::Scanner::optionsReported, this, &CaptureController::scannerOptions);
        connect(scanner, &devices::Scanner::pageScanned, this, &CaptureController::scanPage);
        connect(scanner, &devices::Scanner::progress, this, [this](const QString &job, int percent) {
            if (job == m_job) {
                m_progress = percent;
                Q_EMIT progressChanged(percent);
            }
        });
        connect(scanner, &devices::Scanner::finished, this, [this](const QString &job, int) {
            scanEnded(job, true, Device::Error::NoError, {});
        });
        connect(scanner, &devices::Scanner::failed, this,
                [this](const QString &job, Device::Error error, const QString &message) {
                    scanEnded(job, false, error, message);
                });
        if (!m_camera)
            m_source = Source::Scanner;
        scannerOptions();
    } else if (m_source == Source::Scanner) {
        m_source = Source::Camera;
    }
    m_live = m_source == Source::Camera;
    updatePreview();
    changed();
}

QList<CaptureController::Source> CaptureController::sources() const
{
    QList<Source> out;
    if (m_camera)
        out.append(Source::Camera);
    if (m_scanner)
        out.append(Source::Scanner);
    return out;
}

void CaptureController::setSource(Source source)
{
    if (!sources().contains(source) || source == m_source)
        return;
    m_source = source;
    m_live = source == Source::Camera;
    updatePreview();
    changed();
}

QString CaptureController::deviceStateText() const
{
    if (m_source == Source::Camera && m_camera)
        return tr("%1: %2").arg(tr("Document camera"), devices::stateText(m_camera->state()));
    if (m_source == Source::Scanner && m_scanner)
        return tr("%1: %2").arg(tr("Scanner"), devices::stateText(m_scanner->state()));
    return {};
}

bool CaptureController::isDeviceGood() const
{
    const Device *device = m_source == Source::Camera ? static_cast<const Device *>(m_camera.data())
                                                      : static_cast<const Device *>(m_scanner.data());
    return device && (device->state() == Device::State::Ready || device->state() == Device::State::Busy);
}

void CaptureController::setMaterial(const QString &name, qint64 maxBytes)
{
    m_materialName = name;
    m_maxBytes = maxBytes;
    changed();
}

void CaptureController::setPhotoRotation(int degrees)
{
    m_settings.photoRotation.setVariant(((degrees % 360) + 360) % 360);
}

void CaptureController::setScanResolution(int dpi)
{
    if (m_dpis.contains(dpi))
        m_dpi = dpi;
}

void CaptureController::setScanSource(ScanSettings::Source source)
{
    if (m_feeds.contains(source))
        m_feed = source;
}

void CaptureController::scannerOptions()
{
    if (!m_scanner)
        return;
    const devices::ScannerOptions options = m_scanner->options();
    m_dpis.clear();
    for (int dpi : {150, 200, 300, 400, 600}) {
        if (options.offersDpi(dpi))
            m_dpis.append(dpi);
    }
    if (m_dpis.isEmpty())
        m_dpis = options.resolutions;
    if (!m_dpis.contains(m_dpi) && !m_dpis.isEmpty())
        m_dpi = m_dpis.last();
    m_feeds = options.sources;
    if (!m_feeds.contains(m_feed) && !m_feeds.isEmpty())
        m_feed = m_feeds.first();
    Q_EMIT scannerOptionsChanged();
    changed();
}

// ---- preview ----

void CaptureController::acquirePreview()
{
    ++m_previewHolders;
    updatePreview();
}

void CaptureController::releasePreview()
{
    m_previewHolders = std::max(0, m_previewHolders - 1);
    updatePreview();
}

void CaptureController::updatePreview()
{
    // Only while someone looks at the camera: a hidden view has no use for thirty frames a second.
    if (m_camera && m_previewHolders > 0 && m_source == Source::Camera)
        startPreview();
    else
        stopPreview();
}

void CaptureController::startPreview()
{
    if (!m_camera || m_previewing)
        return;
    m_previewing = true;
    QMetaObject::invokeMethod(m_camera, &devices::DocumentCamera::startPreview, Qt::QueuedConnection);
}

void CaptureController::stopPreview()
{
    if (!m_camera || !m_previewing)
        return;
    m_previewing = false;
    QMetaObject::invokeMethod(m_camera, &devices::DocumentCamera::stopPreview, Qt::QueuedConnection);
}

void CaptureController::previewFrame(const QImage &frame)
{
    if (!m_live || m_source != Source::Camera)
        return;
    m_preview = frame;
    if (autoCrop()) {
        if (m_frames++ % OutlineEveryFrames == 0)
            m_outline = imaging::findPage(frame);
    } else {
        m_outline.reset();
    }
    Q_EMIT previewChanged();
}

// ---- photos ----

void CaptureController::shootCommand()
{
    // A pedal the camera driver reads takes the still itself and says its job id: this
    // material claims that photo instead of asking for another.
    const QVariant argument = m_commands ? m_commands->triggerArgument() : QVariant();
    if (argument.typeId() == QMetaType::QString && argument.toString().startsWith(QLatin1String("pedal-"))) {
        m_pedalJobs.append(argument.toString());
        return;
    }
    if (m_source == Source::Camera)
        shoot();
    else
        scan();
}

bool CaptureController::acceptsPedal(const QString &job)
{
    return m_pedalJobs.removeOne(job);
}

void CaptureController::shoot()
{
    if (!m_camera || m_jobKind != JobKind::None || isCropping())
        return;
    // Busy: the camera is taking another still (its foot pedal); it queues this one.
    const Device::State state = m_camera->state();
    if (state != Device::State::Ready && state != Device::State::Busy) {
        say(tr("The document camera is not ready (%1). Check its cable; it reconnects by itself.")
                .arg(devices::stateText(state)),
            true);
        return;
    }
    m_job = QStringLiteral("%1-photo-%2").arg(m_jobPrefix).arg(++m_jobs);
    m_jobKind = JobKind::Photo;
    updateBusy();
    say(tr("Taking the photo…"));
    QMetaObject::invokeMethod(m_camera, [camera = m_camera, job = m_job] {
        if (camera)
            camera->capture(job);
    }, Qt::QueuedConnection);
}

void CaptureController::captured(const QString &job, const QImage &image)
{
    if (job == m_job)
        endJob();
    else if (!acceptsPedal(job))
        return; // another material's photo, or the pedal pressed while this one is not in front
    enqueue(image, PageKind::Photo);
}

void CaptureController::captureFailed(const QString &job, Device::Error error, const QString &message)
{
    if (job == m_job)
        endJob();
    else if (!acceptsPedal(job))
        return;
    say(tr("The photo was not taken: %1 (%2)").arg(message, devices::errorText(error)), true);
}

// ---- scans ----

void CaptureController::scan()
{
    if (!m_scanner || m_jobKind != JobKind::None || isCropping())
        return;
    if (m_scanner->state() != Device::State::Ready) { // a scanner does one job at a time
        say(tr("The scanner is not ready (%1). Check that it is on and connected.")
                .arg(devices::stateText(m_scanner->state())),
            true);
        return;
    }
    if (m_dpis.isEmpty()) {
        say(tr("The scanner reported no resolutions; it cannot scan."), true);
        return;
    }
    ScanSettings settings;
    settings.dpi = m_dpi;
    // Black and white is made from a gray scan: the adaptive threshold follows uneven paper,
    // and the gray original stays for a later change of mind.
    settings.mode = m_tone == PageEdit::Tone::Colour ? ScanSettings::ColourMode::Colour : ScanSettings::ColourMode::Gray;
    settings.source = m_feeds.isEmpty() ? ScanSettings::Source::Flatbed : m_feed;
    m_job = QStringLiteral("%1-scan-%2").arg(m_jobPrefix).arg(++m_jobs);
    m_jobKind = JobKind::Scan;
    m_progress = 0;
    Q_EMIT progressChanged(0);
    updateBusy();
    say(tr("Scanning…"));
    QMetaObject::invokeMethod(m_scanner, [scanner = m_scanner, job = m_job, settings] {
        if (scanner)
            scanner->scan(job, settings);
    }, Qt::QueuedConnection);
}

void CaptureController::cancelScan()
{
    if (m_scanner && m_jobKind == JobKind::Scan)
        m_scanner->cancel(m_job); // direct: thread-safe, and a queued call would wait behind the scan
}

void CaptureController::scanPage(const QString &job, int, const QImage &page)
{
    if (job == m_job)
        enqueue(page, PageKind::Scan);
}

void CaptureController::scanEnded(const QString &job, bool ok, Device::Error error, const QString &message)
{
    if (job != m_job)
        return;
    endJob();
    // Said once the job's last pages are processed and in the strip.
    m_afterProcessing = [this, ok, error, message] {
        if (ok)
            say(tr("Scan finished: %n page(s) in this material.", nullptr, m_pages.count()));
        else if (error == Device::Error::Cancelled)
            say(tr("Scan cancelled; the pages scanned before are kept."));
        else
            say(tr("The scan failed: %1").arg(message), true);
    };
    if (m_pending.isEmpty() && !m_inProcessing)
        std::exchange(m_afterProcessing, nullptr)();
}

void CaptureController::addFiles(const QStringList &files)
{
    for (const QString &file : files)
        enqueue({}, PageKind::File, file);
}

// ---- processing ----

void CaptureController::enqueue(const QImage &image, PageKind kind, const QString &file)
{
    Pending p;
    p.image = image;
    p.file = file;
    p.kind = kind;
    p.autoCrop = autoCrop();
    p.tone = m_tone;
    p.rotation = photoRotation();
    m_pending.enqueue(p);
    processNext();
    updateBusy();
}

void CaptureController::processNext()
{
    if (m_inProcessing || m_pending.isEmpty())
        return;
    const Pending p = m_pending.dequeue();
    m_inProcessing = true;
    m_processing.setFuture(QtConcurrent::run([p] {
        Prepared out;
        switch (p.kind) {
        case PageKind::Photo:
            out.pages = {PageList::preparePhoto(p.image, p.autoCrop, p.tone, p.rotation)};
            break;
        case PageKind::Scan:
            out.pages = {PageList::prepareScan(p.image, true, p.tone)};
            break;
        case PageKind::File:
            out.pages = PageList::prepareFile(p.file, p.tone, &out.error);
            break;
        }
        return out;
    }));
}

void CaptureController::processed()
{
    const Prepared prepared = m_processing.result();
    m_inProcessing = false;
    if (!prepared.error.isEmpty() || prepared.pages.isEmpty()) {
        say(prepared.error, true);
        processNext();
        updateBusy();
        changed();
        return;
    }
    const Page &page = prepared.pages.first();
    const bool photo = page.origin == Page::Origin::Camera;
    int row = -1;
    for (const Page &p : prepared.pages)
        row = m_pages.addPage(p);
    const Page &added = m_pages.page(row);
    if (photo && autoCrop() && !added.pageFound)
        say(tr("Page %1 added, but its edges were not found: check it and crop by hand if needed.").arg(row + 1), true);
    else if (photo)
        say(tr("Page %1 added (%2 × %3, %4 dpi).")
                .arg(row + 1)
                .arg(added.result.width())
                .arg(added.result.height())
                .arg(imaging::dpiOf(added.result)));
    else if (page.origin == Page::Origin::Scanner)
        say(tr("Page %1 scanned.").arg(row + 1));
    else if (prepared.pages.size() == 1)
        say(tr("Page %1 added from a file.").arg(row + 1));
    else
        say(tr("Pages %1 to %2 added from a file.").arg(row + 2 - prepared.pages.size()).arg(row + 1));
    // A page being cropped keeps the view; the new page just joins the strip. Officers shoot
    // page after page without leaving the live preview.
    if (!isCropping()) {
        if (photo) {
            setCurrent(row, false);
            if (!m_live)
                showLive();
        } else {
            selectPage(row);
        }
    }
    processNext();
    updateBusy();
    if (m_pending.isEmpty() && !m_inProcessing && m_afterProcessing) {
        const auto after = std::exchange(m_afterProcessing, nullptr);
        after();
    }
    changed();
}

// ---- pages ----

void CaptureController::setCurrent(int row, bool leaveLive)
{
    const int before = currentPage();
    m_current = row >= 0 && row < m_pages.count() ? QPersistentModelIndex(m_pages.index(row)) : QPersistentModelIndex();
    if (leaveLive)
        m_live = false;
    if (currentPage() != before)
        Q_EMIT currentPageChanged(currentPage());
    changed();
}

void CaptureController::selectPage(int row)
{
    if (row < 0 || row >= m_pages.count() || isCropping())
        return;
    setCurrent(row, true);
}

void CaptureController::showLive()
{
    if (!m_camera || isCropping())
        return;
    m_live = true;
    updatePreview();
    changed();
}

void CaptureController::rotate(int degrees)
{
    if (!m_live && currentPage() >= 0 && !isCropping())
        m_pages.rotate(currentPage(), degrees);
}

void CaptureController::mirror()
{
    if (!m_live && currentPage() >= 0 && !isCropping())
        m_pages.mirror(currentPage());
}

void CaptureController::setPageTone(PageEdit::Tone tone)
{
    if (currentPage() >= 0 && !isCropping())
        m_pages.setTone(currentPage(), tone);
}

void CaptureController::beginCrop()
{
    const int row = currentPage();
    if (row < 0 || m_live || isCropping())
        return;
    const Page &page = m_pages.page(row);
    m_cropPage = QPersistentModelIndex(m_pages.index(row));
    // The crop is drawn on the original photo, so a crop can always be redone or widened.
    m_cropStart = page.edit.crop;
    const QSizeF s = page.original.size();
    m_cropQuad = page.edit.crop.value_or(imaging::Quad{QPointF(0, 0), QPointF(s.width() - 1, 0),
                                                       QPointF(s.width() - 1, s.height() - 1), QPointF(0, s.height() - 1)});
    changed();
}

void CaptureController::applyCrop()
{
    if (!isCropping())
        return;
    const int row = m_cropPage.row();
    m_cropPage = QPersistentModelIndex();
    m_cropStart.reset();
    m_pages.setCrop(row, m_cropQuad);
    setCurrent(row, true);
}

void CaptureController::cancelCrop()
{
    if (!isCropping())
        return;
    const int row = m_cropPage.row();
    m_cropPage = QPersistentModelIndex();
    m_cropStart.reset();
    setCurrent(row, true);
}

void CaptureController::moveCurrent(int delta)
{
    const int row = currentPage();
    if (isCropping() || row < 0)
        return;
    if (m_pages.move(row, row + delta))
        selectPage(row + delta);
}

void CaptureController::deleteCurrent()
{
    const int row = currentPage();
    if (row < 0 || isCropping())
        return;
    m_pages.remove(row);
    if (m_pages.count() == 0) {
        if (m_camera && m_source == Source::Camera)
            showLive();
        else
            setCurrent(-1, true);
    } else {
        selectPage(std::min(row, m_pages.count() - 1));
    }
    say(tr("Page %1 deleted.").arg(row + 1));
}

// ---- state ----

void CaptureController::updateActions()
{
    const bool camera = m_source == Source::Camera && m_camera;
    const bool scanner = m_source == Source::Scanner && m_scanner;
    const int row = currentPage();
    const bool page = !m_live && row >= 0;
    const bool cropping = isCropping();
    // Shooting goes on while earlier photos are still being processed; one job at a time.
    const bool job = m_jobKind != JobKind::None;
    action(Shoot)->setEnabled((camera || scanner) && !job && !cropping);
    action(CancelScan)->setEnabled(scanner && m_jobKind == JobKind::Scan);
    action(Live)->setEnabled(camera && !m_live && !cropping);
    for (const char *id : {RotateLeft, RotateRight, Mirror, Crop})
        action(id)->setEnabled(page && !cropping);
    action(ApplyCrop)->setEnabled(cropping);
    action(CancelCrop)->setEnabled(cropping);
    action(MoveEarlier)->setEnabled(row > 0 && !cropping);
    action(MoveLater)->setEnabled(row >= 0 && row + 1 < m_pages.count() && !cropping);
    action(DeletePage)->setEnabled(row >= 0 && !cropping);
}

void CaptureController::changed()
{
    updateActions();
    Q_EMIT stateChanged();
}

void CaptureController::say(const QString &text, bool isError)
{
    m_message = text;
    m_messageIsError = isError;
    Q_EMIT message(text, isError);
}

void CaptureController::updateBusy()
{
    const bool busy = !m_job.isEmpty() || !m_pending.isEmpty() || m_inProcessing || m_makingPdf;
    if (m_busy == busy) {
        changed();
        return;
    }
    m_busy = busy;
    Q_EMIT busyChanged(busy);
    changed();
}

void CaptureController::endJob()
{
    m_job.clear();
    m_jobKind = JobKind::None;
    updateBusy();
}

// ---- PDF ----

void CaptureController::makePdf()
{
    if (m_makingPdf)
        return;
    // Busy until its result is delivered: a small PDF can be done before isRunning() is asked.
    m_makingPdf = true;
    const imaging::PdfOptions options = pdfOptions();
    const QList<QImage> pages = m_pages.results(); // shared copies: safe to read on another thread
    m_pdf.setFuture(QtConcurrent::run([pages, options] {
        MadePdf made;
        if (pages.isEmpty())
            made.error = tr("There are no pages to save.");
        else
            imaging::writePdf(pages, options, &made.pdf, &made.error);
        return made;
    }));
    updateBusy();
}

bool CaptureController::exportPdf(QByteArray *pdf, QString *error) const
{
    if (m_pages.count() == 0) {
        *error = tr("There are no pages to save.");
        return false;
    }
    return imaging::writePdf(m_pages.results(), pdfOptions(), pdf, error);
}

imaging::PdfOptions CaptureController::pdfOptions() const
{
    imaging::PdfOptions options;
    options.title = m_materialName;
    options.maxBytes = m_maxBytes;
    return options;
}

} // namespace hall::ui
