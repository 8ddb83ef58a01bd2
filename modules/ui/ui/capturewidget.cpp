#include "capturewidget.h"

#include "pageview.h"
#include "style.h"

#include <devices/documentcamera.h>
#include <devices/scanner.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QToolButton>
#include <QUuid>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace hall::ui {

using devices::Device;
using devices::ScanSettings;

namespace {

// Look for the page in every few preview frames: enough for a steady outline, cheap enough
// for the UI thread (a preview frame is small).
constexpr int OutlineEveryFrames = 3;

QToolButton *toolButton(const char *name, const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(QLatin1String(name));
    button->setText(text);
    button->setToolTip(tip);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAutoRaise(false);
    return button;
}

} // namespace

CaptureWidget::CaptureWidget(QWidget *parent)
    : QWidget(parent)
    , m_jobPrefix(QUuid::createUuid().toString(QUuid::WithoutBraces).left(8))
{
    buildUi();
    connect(&m_processing, &QFutureWatcher<Prepared>::finished, this, &CaptureWidget::processed);
    connect(&m_pdf, &QFutureWatcher<MadePdf>::finished, this, [this] {
        const MadePdf made = m_pdf.result();
        updateBusy();
        if (made.error.isEmpty())
            Q_EMIT pdfMade(made.pdf);
        else
            Q_EMIT pdfFailed(made.error);
    });
    connect(&m_pages, &QAbstractItemModel::rowsInserted, this, [this] { Q_EMIT pagesChanged(m_pages.count()); updateControls(); });
    connect(&m_pages, &QAbstractItemModel::rowsRemoved, this, [this] { Q_EMIT pagesChanged(m_pages.count()); updateControls(); });
    connect(&m_pages, &QAbstractItemModel::modelReset, this, [this] { Q_EMIT pagesChanged(m_pages.count()); updateControls(); });
    connect(&m_pages, &QAbstractItemModel::rowsMoved, this, [this] { updateControls(); });
    connect(&m_pages, &PageList::pageChanged, this, [this](int row) {
        if (!m_live && row == currentPage())
            showPage(row);
    });
    updateControls();
}

CaptureWidget::~CaptureWidget()
{
    // The feeder must not go on pulling pages for a material that is gone.
    if (m_jobKind == JobKind::Scan && m_scanner)
        m_scanner->cancel(m_job);
    stopPreview();
}

void CaptureWidget::buildUi()
{
    // Top: where the pages come from and how.
    m_source = new QComboBox(this);
    m_deviceState = new QLabel(this);
    m_material = new QLabel(this);
    m_material->setVisible(false);
    m_autoCrop = new QCheckBox(tr("Auto crop and straighten"), this);
    m_autoCrop->setChecked(true);
    m_autoCrop->setToolTip(tr("Find the edges of the page in the photo and straighten it"));
    m_tone = new QComboBox(this);
    m_tone->addItem(tr("Colour"), int(PageEdit::Tone::Colour));
    m_tone->addItem(tr("Gray"), int(PageEdit::Tone::Gray));
    m_tone->addItem(tr("Black and white (text)"), int(PageEdit::Tone::BlackWhite));
    m_turnLabel = new QLabel(tr("Turn photos"), this);
    m_turn = new QComboBox(this);
    m_turn->setObjectName(QStringLiteral("turn"));
    m_turn->addItem(tr("As shot"), 0);
    m_turn->addItem(tr("Right 90°"), 90);
    m_turn->addItem(tr("Left 90°"), 270);
    m_turn->addItem(tr("Upside down"), 180);
    m_turn->setToolTip(tr("How new photos are turned, so the page comes out upright"));
    m_dpiLabel = new QLabel(tr("Resolution"), this);
    m_dpi = new QComboBox(this);
    m_feedLabel = new QLabel(tr("Paper"), this);
    m_feed = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("source"));
    m_tone->setObjectName(QStringLiteral("tone"));
    m_dpi->setObjectName(QStringLiteral("resolution"));
    m_feed->setObjectName(QStringLiteral("paper"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Device"), this));
    top->addWidget(m_source);
    top->addWidget(m_deviceState);
    top->addSpacing(16);
    top->addWidget(m_autoCrop);
    top->addWidget(m_turnLabel);
    top->addWidget(m_turn);
    top->addWidget(new QLabel(tr("Colour mode"), this));
    top->addWidget(m_tone);
    top->addWidget(m_dpiLabel);
    top->addWidget(m_dpi);
    top->addWidget(m_feedLabel);
    top->addWidget(m_feed);
    top->addStretch();
    top->addWidget(m_material);

    // Middle: the view with its title and page tools, and the capture buttons beside it.
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_view = new PageView(this);
    m_liveButton = toolButton("live", tr("Live preview"), tr("Back to the camera's live picture"), this);
    m_rotateLeft = toolButton("rotateLeft", tr("Rotate left"), tr("Turn the page 90° anticlockwise"), this);
    m_rotateRight = toolButton("rotateRight", tr("Rotate right"), tr("Turn the page 90° clockwise"), this);
    m_mirror = toolButton("mirror", tr("Mirror"), tr("Flip the page left to right (a camera that shows it mirrored)"), this);
    m_crop = toolButton("crop", tr("Crop"), tr("Drag the four corners onto the page's corners"), this);
    m_applyCrop = toolButton("applyCrop", tr("Apply crop"), tr("Keep the part inside the corners"), this);
    m_cancelCrop = toolButton("cancelCrop", tr("Cancel crop"), tr("Leave the crop as it was"), this);
    m_zoomIn = toolButton("zoomIn", tr("Zoom in"), tr("Zoom in (Ctrl + wheel)"), this);
    m_zoomOut = toolButton("zoomOut", tr("Zoom out"), tr("Zoom out (Ctrl + wheel)"), this);
    m_fit = toolButton("fit", tr("Fit"), tr("Show the whole page"), this);
    m_pageTone = new QComboBox(this);
    for (int i = 0; i < m_tone->count(); ++i)
        m_pageTone->addItem(m_tone->itemText(i), m_tone->itemData(i));
    m_pageTone->setToolTip(tr("Colour mode of this page"));

    auto *tools = new QHBoxLayout;
    tools->addWidget(m_title);
    tools->addStretch();
    for (QWidget *w : {static_cast<QWidget *>(m_liveButton), static_cast<QWidget *>(m_rotateLeft),
                       static_cast<QWidget *>(m_rotateRight), static_cast<QWidget *>(m_mirror),
                       static_cast<QWidget *>(m_crop),
                       static_cast<QWidget *>(m_applyCrop), static_cast<QWidget *>(m_cancelCrop),
                       static_cast<QWidget *>(m_pageTone), static_cast<QWidget *>(m_zoomOut),
                       static_cast<QWidget *>(m_zoomIn), static_cast<QWidget *>(m_fit)})
        tools->addWidget(w);

    m_shoot = new QPushButton(tr("Shoot"), this);
    m_scan = new QPushButton(tr("Scan"), this);
    m_cancel = new QPushButton(tr("Cancel scan"), this);
    m_shoot->setObjectName(QStringLiteral("shoot"));
    m_scan->setObjectName(QStringLiteral("scan"));
    m_cancel->setObjectName(QStringLiteral("cancelScan"));
    m_addFiles = new QPushButton(tr("Add from file…"), this);
    m_addFiles->setObjectName(QStringLiteral("addFiles"));
    m_addFiles->setToolTip(tr("Add photos or scans saved as files (JPEG, PNG, BMP, TIFF, PDF)"));
    for (QPushButton *b : {m_shoot, m_scan}) {
        b->setMinimumSize(150, 64);
        QFont f = scaledFont(b->font(), 1.3);
        f.setBold(true);
        b->setFont(f);
    }
    m_shoot->setStyleSheet(QStringLiteral("QPushButton { background: #1f6fd1; color: white; border-radius: 6px; }"
                                          "QPushButton:disabled { background: #9fb6d3; }"));
    m_scan->setStyleSheet(m_shoot->styleSheet());
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    m_count = new QLabel(this);
    m_count->setAlignment(Qt::AlignCenter);
    m_count->setFont(scaledFont(m_count->font(), 1.2));

    auto *side = new QVBoxLayout;
    side->addWidget(m_shoot);
    side->addWidget(m_scan);
    side->addWidget(m_progress);
    side->addWidget(m_cancel);
    side->addWidget(m_addFiles);
    side->addSpacing(12);
    side->addWidget(m_count);
    side->addStretch();

    auto *viewColumn = new QVBoxLayout;
    viewColumn->addLayout(tools);
    viewColumn->addWidget(m_view, 1);
    auto *middle = new QHBoxLayout;
    middle->addLayout(viewColumn, 1);
    middle->addLayout(side);

    // Bottom: the page strip with its order tools.
    m_strip = new QListView(this);
    m_strip->setObjectName(QStringLiteral("pageStrip"));
    m_strip->setModel(&m_pages);
    m_strip->setViewMode(QListView::ListMode); // IconMode would move icons around, not pages
    m_strip->setFlow(QListView::LeftToRight);
    m_strip->setWrapping(false);
    m_strip->setIconSize(QSize(PageList::ThumbnailHeight, PageList::ThumbnailHeight));
    m_strip->setSpacing(6);
    m_strip->setUniformItemSizes(true);
    m_strip->setSelectionMode(QAbstractItemView::SingleSelection);
    m_strip->setDragDropMode(QAbstractItemView::InternalMove);
    m_strip->setDefaultDropAction(Qt::MoveAction);
    m_strip->setFixedHeight(PageList::ThumbnailHeight + 60);
    m_strip->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_moveLeft = toolButton("moveEarlier", tr("Move earlier"), tr("Move the page one place earlier"), this);
    m_moveRight = toolButton("moveLater", tr("Move later"), tr("Move the page one place later"), this);
    m_delete = toolButton("deletePage", tr("Delete page"), tr("Remove this page from the material"), this);
    auto *order = new QVBoxLayout;
    order->addWidget(m_moveLeft);
    order->addWidget(m_moveRight);
    order->addWidget(m_delete);
    order->addStretch();
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_strip, 1);
    bottom->addLayout(order);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(middle, 1);
    layout->addLayout(bottom);
    layout->addWidget(m_message);

    m_shootKey = new QShortcut(QKeySequence(Qt::Key_F12), this);
    m_shootKey->setContext(Qt::WindowShortcut);
    connect(m_shootKey, &QShortcut::activated, this, [this] {
        if (source() == Source::Camera)
            shoot();
        else
            scan();
    });
    m_shoot->setToolTip(tr("Take a photo of the page (%1 or the foot pedal)")
                            .arg(m_shootKey->key().toString(QKeySequence::NativeText)));

    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        if (source() == Source::Camera && m_camera)
            deviceState(tr("Document camera"), m_camera->state());
        else if (source() == Source::Scanner && m_scanner)
            deviceState(tr("Scanner"), m_scanner->state());
        m_live = source() == Source::Camera;
        if (m_live)
            startPreview();
        else
            stopPreview();
        if (!m_live)
            showPage(currentPage());
        updateControls();
    });
    connect(m_turn, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT photoRotationChanged(photoRotation()); });
    connect(m_shoot, &QPushButton::clicked, this, &CaptureWidget::shoot);
    connect(m_scan, &QPushButton::clicked, this, &CaptureWidget::scan);
    connect(m_cancel, &QPushButton::clicked, this, &CaptureWidget::cancelScan);
    connect(m_liveButton, &QToolButton::clicked, this, &CaptureWidget::showLive);
    connect(m_rotateLeft, &QToolButton::clicked, this, [this] { m_pages.rotate(currentPage(), -90); });
    connect(m_rotateRight, &QToolButton::clicked, this, [this] { m_pages.rotate(currentPage(), 90); });
    connect(m_mirror, &QToolButton::clicked, this, [this] { m_pages.mirror(currentPage()); });
    connect(m_addFiles, &QPushButton::clicked, this, &CaptureWidget::chooseFiles);
    connect(m_crop, &QToolButton::clicked, this, &CaptureWidget::beginCrop);
    connect(m_applyCrop, &QToolButton::clicked, this, &CaptureWidget::applyCrop);
    connect(m_cancelCrop, &QToolButton::clicked, this, &CaptureWidget::cancelCrop);
    connect(m_zoomIn, &QToolButton::clicked, m_view, &PageView::zoomIn);
    connect(m_zoomOut, &QToolButton::clicked, m_view, &PageView::zoomOut);
    connect(m_fit, &QToolButton::clicked, m_view, &PageView::fitToWindow);
    connect(m_pageTone, &QComboBox::activated, this, [this] {
        m_pages.setTone(currentPage(), PageEdit::Tone(m_pageTone->currentData().toInt()));
    });
    connect(m_moveLeft, &QToolButton::clicked, this, [this] { moveCurrent(-1); });
    connect(m_moveRight, &QToolButton::clicked, this, [this] { moveCurrent(1); });
    connect(m_delete, &QToolButton::clicked, this, &CaptureWidget::deleteCurrent);
    connect(m_strip->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &index) {
        if (index.isValid() && !m_view->isCropping() && !m_selectingQuietly) {
            m_live = false;
            showPage(index.row());
        }
        updateControls();
    });
}

void CaptureWidget::setCamera(devices::DocumentCamera *camera)
{
    if (m_camera)
        m_camera->disconnect(this);
    stopPreview();
    if (m_jobKind == JobKind::Photo)
        endJob(); // the old camera's photo will not come here any more
    m_camera = camera;
    const int at = m_source->findData(int(Source::Camera));
    if (at >= 0)
        m_source->removeItem(at);
    if (camera) {
        m_source->insertItem(0, tr("Document camera"), int(Source::Camera));
        connect(camera, &Device::stateChanged, this, [this](Device::State state) {
            if (source() == Source::Camera)
                deviceState(tr("Document camera"), state);
            if (state == Device::State::Ready && m_previewing) {
                m_previewing = false; // the camera came back: its preview must be started again
                startPreview();
            }
        });
        // Pulled, not pushed: at most one frame waits for the UI thread however busy it is.
        connect(camera, &devices::DocumentCamera::previewFrameReady, this, [this] {
            if (m_camera)
                previewFrame(m_camera->takePreviewFrame());
        });
        connect(camera, &devices::DocumentCamera::captured, this, &CaptureWidget::captured);
        connect(camera, &devices::DocumentCamera::captureFailed, this, &CaptureWidget::captureFailed);
        m_source->setCurrentIndex(0);
    }
    m_live = source() == Source::Camera;
    if (isVisible() && m_live)
        startPreview();
    if (source() == Source::Camera && camera)
        deviceState(tr("Document camera"), camera->state());
    updateControls();
}

void CaptureWidget::setScanner(devices::Scanner *scanner)
{
    if (m_scanner)
        m_scanner->disconnect(this);
    if (m_jobKind == JobKind::Scan) {
        if (m_scanner)
            m_scanner->cancel(m_job);
        endJob();
    }
    m_scanner = scanner;
    const int at = m_source->findData(int(Source::Scanner));
    if (at >= 0)
        m_source->removeItem(at);
    if (scanner) {
        m_source->addItem(tr("Scanner"), int(Source::Scanner));
        connect(scanner, &Device::stateChanged, this, [this](Device::State state) {
            if (source() == Source::Scanner)
                deviceState(tr("Scanner"), state);
        });
        connect(scanner, &devices::Scanner::optionsReported, this, &CaptureWidget::scannerOptions);
        connect(scanner, &devices::Scanner::pageScanned, this, &CaptureWidget::scanPage);
        connect(scanner, &devices::Scanner::progress, this, [this](const QString &job, int percent) {
            if (job == m_job)
                m_progress->setValue(percent);
        });
        connect(scanner, &devices::Scanner::finished, this, [this](const QString &job, int) {
            scanEnded(job, true, Device::Error::NoError, {});
        });
        connect(scanner, &devices::Scanner::failed, this,
                [this](const QString &job, Device::Error error, const QString &message) {
                    scanEnded(job, false, error, message);
                });
        scannerOptions();
        if (source() == Source::Scanner)
            deviceState(tr("Scanner"), scanner->state());
    }
    updateControls();
}

void CaptureWidget::setMaterial(const QString &name, qint64 maxBytes)
{
    m_materialName = name;
    m_maxBytes = maxBytes;
    if (name.isEmpty())
        m_material->setVisible(false);
    else {
        m_material->setText(maxBytes > 0 ? tr("Material: %1 (at most %2)")
                                               .arg(name, QLocale().formattedDataSize(maxBytes, 1, QLocale::DataSizeTraditionalFormat))
                                         : tr("Material: %1").arg(name));
        m_material->setVisible(true);
    }
}

void CaptureWidget::setShootKey(const QKeySequence &key)
{
    m_shootKey->setKey(key);
    m_shoot->setToolTip(tr("Take a photo of the page (%1 or the foot pedal)").arg(key.toString(QKeySequence::NativeText)));
}

void CaptureWidget::setTouchMode(bool touch)
{
    // A kiosk user needs few, large controls: shoot or scan, turn, delete, and the strip.
    for (QWidget *w : {static_cast<QWidget *>(m_crop), static_cast<QWidget *>(m_applyCrop),
                       static_cast<QWidget *>(m_cancelCrop), static_cast<QWidget *>(m_zoomIn),
                       static_cast<QWidget *>(m_zoomOut), static_cast<QWidget *>(m_fit),
                       static_cast<QWidget *>(m_pageTone), static_cast<QWidget *>(m_moveLeft),
                       static_cast<QWidget *>(m_moveRight), static_cast<QWidget *>(m_autoCrop),
                       static_cast<QWidget *>(m_turn), static_cast<QWidget *>(m_turnLabel),
                       static_cast<QWidget *>(m_mirror)})
        w->setProperty("hiddenByTouch", touch);
    setStyleSheet(touch ? QStringLiteral("QWidget { font-size: 20px; } QToolButton { min-height: 48px; min-width: 96px; }"
                                         "QPushButton#shoot, QPushButton#scan { font-size: 28px; font-weight: bold; min-height: 80px; }")
                        : QString());
    updateControls();
}

void CaptureWidget::setPhotoRotation(int degrees)
{
    const int at = m_turn->findData(((degrees % 360) + 360) % 360);
    if (at >= 0)
        m_turn->setCurrentIndex(at);
}

int CaptureWidget::photoRotation() const
{
    return m_turn->currentData().toInt();
}

CaptureWidget::Source CaptureWidget::source() const
{
    return Source(m_source->currentData().toInt());
}

void CaptureWidget::setSource(Source source)
{
    const int at = m_source->findData(int(source));
    if (at >= 0)
        m_source->setCurrentIndex(at);
}

int CaptureWidget::currentPage() const
{
    const QModelIndex i = m_strip->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void CaptureWidget::selectPage(int row)
{
    if (row < 0 || row >= m_pages.count())
        return;
    m_strip->setCurrentIndex(m_pages.index(row));
    m_live = false;
    showPage(row);
    updateControls();
}

PageEdit::Tone CaptureWidget::tone() const
{
    return PageEdit::Tone(m_tone->currentData().toInt());
}

void CaptureWidget::say(const QString &text, bool isError)
{
    m_message->setText(text);
    m_message->setStyleSheet(isError ? QStringLiteral("color: #c0392b; font-weight: bold;") : QString());
    Q_EMIT message(text, isError);
}

void CaptureWidget::deviceState(const QString &what, Device::State state)
{
    const bool good = state == Device::State::Ready || state == Device::State::Busy;
    m_deviceState->setText(tr("%1: %2").arg(what, devices::stateText(state)));
    m_deviceState->setStyleSheet(good ? QStringLiteral("color: #1e8449;") : QStringLiteral("color: #c0392b;"));
}

void CaptureWidget::updateBusy()
{
    const bool busy = !m_job.isEmpty() || !m_pending.isEmpty() || m_inProcessing || m_pdf.isRunning();
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
    updateControls();
}

void CaptureWidget::endJob()
{
    m_job.clear();
    m_jobKind = JobKind::None;
    updateBusy();
}

void CaptureWidget::enqueue(const QImage &image, PageKind kind, const QString &file)
{
    Pending p;
    p.image = image;
    p.file = file;
    p.kind = kind;
    p.autoCrop = m_autoCrop->isChecked();
    p.tone = tone();
    p.rotation = photoRotation();
    m_pending.enqueue(p);
    processNext();
    updateBusy();
}

void CaptureWidget::processNext()
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

void CaptureWidget::processed()
{
    const Prepared prepared = m_processing.result();
    m_inProcessing = false;
    if (!prepared.error.isEmpty() || prepared.pages.isEmpty()) {
        say(prepared.error, true);
        processNext();
        updateBusy();
        updateControls();
        return;
    }
    const Page &page = prepared.pages.first();
    const bool photo = page.origin == Page::Origin::Camera;
    int row = -1;
    for (const Page &p : prepared.pages)
        row = m_pages.addPage(p);
    const Page &added = m_pages.page(row);
    if (photo && m_autoCrop->isChecked() && !added.pageFound)
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
    // A page being cropped keeps the view; the new page just joins the strip.
    if (!m_view->isCropping()) {
        if (photo) {
            m_selectingQuietly = true;
            m_strip->setCurrentIndex(m_pages.index(row));
            m_selectingQuietly = false;
            if (!m_live)
                showLive();
        } else {
            selectPage(row);
        }
    }
    m_strip->scrollTo(m_pages.index(row));
    processNext();
    updateBusy();
    if (m_pending.isEmpty() && !m_inProcessing && m_afterProcessing) {
        const auto after = std::exchange(m_afterProcessing, nullptr);
        after();
    }
    updateControls();
}

void CaptureWidget::updateControls()
{
    const bool camera = source() == Source::Camera && m_camera;
    const bool scanner = source() == Source::Scanner && m_scanner;
    const int row = currentPage();
    const bool page = !m_live && row >= 0;
    const bool cropping = m_view->isCropping();
    auto show = [](QWidget *w, bool visible) { w->setVisible(visible && !w->property("hiddenByTouch").toBool()); };

    show(m_autoCrop, source() == Source::Camera);
    show(m_turnLabel, source() == Source::Camera);
    show(m_turn, source() == Source::Camera);
    show(m_dpiLabel, scanner);
    show(m_dpi, scanner);
    show(m_feedLabel, scanner);
    show(m_feed, scanner);
    show(m_shoot, source() == Source::Camera);
    show(m_scan, source() == Source::Scanner);
    // Shooting goes on while earlier photos are still being processed; one job at a time.
    const bool job = m_jobKind != JobKind::None;
    m_shoot->setEnabled(camera && !job && !cropping);
    m_scan->setEnabled(scanner && !job && !cropping);
    m_progress->setVisible(scanner && m_jobKind == JobKind::Scan);
    m_cancel->setVisible(scanner && m_jobKind == JobKind::Scan);

    show(m_liveButton, camera && !m_live);
    m_liveButton->setEnabled(!cropping);
    show(m_rotateLeft, page && !cropping);
    show(m_rotateRight, page && !cropping);
    show(m_mirror, page && !cropping);
    m_addFiles->setEnabled(!cropping);
    show(m_crop, page && !cropping);
    show(m_applyCrop, cropping);
    show(m_cancelCrop, cropping);
    show(m_pageTone, page && !cropping);
    show(m_zoomIn, !m_live);
    show(m_zoomOut, !m_live);
    show(m_fit, !m_live);
    if (page) {
        const int t = m_pageTone->findData(int(m_pages.page(row).edit.tone));
        m_pageTone->setCurrentIndex(t);
    }
    m_moveLeft->setEnabled(row > 0 && !cropping);
    m_moveRight->setEnabled(row >= 0 && row + 1 < m_pages.count() && !cropping);
    m_delete->setEnabled(row >= 0 && !cropping);
    show(m_moveLeft, true);
    show(m_moveRight, true);
    m_strip->setEnabled(!cropping);
    m_source->setEnabled(!m_busy && !cropping);

    if (m_live)
        m_title->setText(camera ? tr("Live preview") : QString());
    else if (row >= 0)
        m_title->setText(cropping ? tr("Page %1 of %2: drag the corners, then apply").arg(row + 1).arg(m_pages.count())
                                  : tr("Page %1 of %2").arg(row + 1).arg(m_pages.count()));
    else
        m_title->setText(QString());
    m_count->setText(tr("%n page(s)", nullptr, m_pages.count()));

    if (m_live && !m_camera)
        m_view->setPlaceholder(tr("No document camera is set up for this PC."));
    else if (!m_live && m_pages.count() == 0)
        m_view->setPlaceholder(scanner ? tr("Put the pages on the scanner and press Scan.")
                                       : tr("No pages yet."));
}

void CaptureWidget::showPage(int row)
{
    if (m_view->isCropping())
        return; // the crop owns the view until it is applied or cancelled
    m_view->setOutline(std::nullopt);
    if (row < 0 || row >= m_pages.count()) {
        m_view->setImage({});
        updateControls();
        return;
    }
    m_view->setImage(m_pages.page(row).result);
    updateControls();
}

void CaptureWidget::showLive()
{
    if (!m_camera || m_view->isCropping())
        return;
    m_live = true;
    m_view->setImage({});
    if (isVisible())
        startPreview();
    updateControls();
}

void CaptureWidget::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (source() == Source::Camera)
        startPreview();
}

void CaptureWidget::hideEvent(QHideEvent *event)
{
    // A hidden widget has no use for thirty frames a second.
    stopPreview();
    QWidget::hideEvent(event);
}

void CaptureWidget::startPreview()
{
    if (!m_camera || m_previewing)
        return;
    m_previewing = true;
    QMetaObject::invokeMethod(m_camera, &devices::DocumentCamera::startPreview, Qt::QueuedConnection);
}

void CaptureWidget::stopPreview()
{
    if (!m_camera || !m_previewing)
        return;
    m_previewing = false;
    QMetaObject::invokeMethod(m_camera, &devices::DocumentCamera::stopPreview, Qt::QueuedConnection);
}

void CaptureWidget::previewFrame(const QImage &frame)
{
    if (!m_live || source() != Source::Camera)
        return;
    m_view->setImage(frame);
    if (m_autoCrop->isChecked()) {
        if (m_frames++ % OutlineEveryFrames == 0)
            m_view->setOutline(imaging::findPage(frame));
    } else {
        m_view->setOutline(std::nullopt);
    }
}

void CaptureWidget::shoot()
{
    if (!m_camera || m_jobKind != JobKind::None || m_view->isCropping())
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

void CaptureWidget::captured(const QString &job, const QImage &image)
{
    if (job == m_job) {
        endJob();
    } else if (!(job.startsWith(QLatin1String("pedal-")) && isVisible() && isActiveWindow())) {
        // Another widget's photo, or the pedal pressed while this material is not in front.
        return;
    }
    enqueue(image, PageKind::Photo);
}

void CaptureWidget::captureFailed(const QString &job, Device::Error error, const QString &message)
{
    if (job != m_job && !(job.startsWith(QLatin1String("pedal-")) && isVisible() && isActiveWindow()))
        return;
    if (job == m_job)
        endJob();
    say(tr("The photo was not taken: %1 (%2)").arg(message, devices::errorText(error)), true);
}

void CaptureWidget::scannerOptions()
{
    if (!m_scanner)
        return;
    const devices::ScannerOptions options = m_scanner->options();
    const int wanted = m_dpi->currentData().isValid() ? m_dpi->currentData().toInt() : 300;
    m_dpi->clear();
    QList<int> dpis;
    for (int dpi : {150, 200, 300, 400, 600}) {
        if (options.offersDpi(dpi))
            dpis.append(dpi);
    }
    if (dpis.isEmpty())
        dpis = options.resolutions;
    for (int dpi : dpis)
        m_dpi->addItem(tr("%1 dpi").arg(dpi), dpi);
    int at = m_dpi->findData(wanted);
    m_dpi->setCurrentIndex(at >= 0 ? at : m_dpi->count() - 1);

    m_feed->clear();
    for (ScanSettings::Source s : options.sources)
        m_feed->addItem(s == ScanSettings::Source::Adf ? tr("Document feeder (all pages)") : tr("Flatbed (one page)"), int(s));
    updateControls();
}

void CaptureWidget::scan()
{
    if (!m_scanner || m_jobKind != JobKind::None || m_view->isCropping())
        return;
    if (m_scanner->state() != Device::State::Ready) { // a scanner does one job at a time
        say(tr("The scanner is not ready (%1). Check that it is on and connected.")
                .arg(devices::stateText(m_scanner->state())),
            true);
        return;
    }
    if (m_dpi->count() == 0) {
        say(tr("The scanner reported no resolutions; it cannot scan."), true);
        return;
    }
    ScanSettings settings;
    settings.dpi = m_dpi->currentData().toInt();
    // Black and white is made from a gray scan: the adaptive threshold follows uneven paper,
    // and the gray original stays for a later change of mind.
    settings.mode = tone() == PageEdit::Tone::Colour ? ScanSettings::ColourMode::Colour : ScanSettings::ColourMode::Gray;
    settings.source = m_feed->count() ? ScanSettings::Source(m_feed->currentData().toInt()) : ScanSettings::Source::Flatbed;
    m_job = QStringLiteral("%1-scan-%2").arg(m_jobPrefix).arg(++m_jobs);
    m_jobKind = JobKind::Scan;
    m_progress->setValue(0);
    updateBusy();
    say(tr("Scanning…"));
    QMetaObject::invokeMethod(m_scanner, [scanner = m_scanner, job = m_job, settings] {
        if (scanner)
            scanner->scan(job, settings);
    }, Qt::QueuedConnection);
}

void CaptureWidget::cancelScan()
{
    if (m_scanner && m_jobKind == JobKind::Scan)
        m_scanner->cancel(m_job); // direct: thread-safe, and a queued call would wait behind the scan
}

void CaptureWidget::scanPage(const QString &job, int, const QImage &page)
{
    if (job == m_job)
        enqueue(page, PageKind::Scan);
}

void CaptureWidget::scanEnded(const QString &job, bool ok, Device::Error error, const QString &message)
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

void CaptureWidget::addFiles(const QStringList &files)
{
    for (const QString &file : files)
        enqueue({}, PageKind::File, file);
}

void CaptureWidget::chooseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add from file"), QString(), tr("Images and PDF files (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.pdf)"));
    addFiles(files);
}

bool CaptureWidget::isCropping() const
{
    return m_view->isCropping();
}

void CaptureWidget::beginCrop()
{
    const int row = currentPage();
    if (row < 0 || m_live)
        return;
    const Page &page = m_pages.page(row);
    m_cropPage = QPersistentModelIndex(m_pages.index(row));
    // The crop is drawn on the original photo, so a crop can always be redone or widened.
    m_view->setOutline(std::nullopt);
    m_view->setImage(page.original);
    m_view->beginCrop(page.edit.crop);
    updateControls();
}

void CaptureWidget::applyCrop()
{
    if (!m_view->isCropping())
        return;
    const imaging::Quad quad = m_view->cropQuad();
    m_view->endCrop();
    const int row = m_cropPage.isValid() ? m_cropPage.row() : -1;
    m_cropPage = QPersistentModelIndex();
    if (row >= 0) {
        m_pages.setCrop(row, quad);
        selectPage(row);
    } else {
        showPage(currentPage());
    }
}

void CaptureWidget::cancelCrop()
{
    if (!m_view->isCropping())
        return;
    m_view->endCrop();
    const int row = m_cropPage.isValid() ? m_cropPage.row() : currentPage();
    m_cropPage = QPersistentModelIndex();
    selectPage(row);
}

void CaptureWidget::moveCurrent(int delta)
{
    const int row = currentPage();
    if (m_pages.move(row, row + delta))
        selectPage(row + delta);
}

void CaptureWidget::deleteCurrent()
{
    const int row = currentPage();
    if (row < 0)
        return;
    m_pages.remove(row);
    if (m_pages.count() == 0) {
        if (m_camera && source() == Source::Camera)
            showLive();
        else
            showPage(-1);
    } else {
        selectPage(std::min(row, m_pages.count() - 1));
    }
    say(tr("Page %1 deleted.").arg(row + 1));
}

void CaptureWidget::makePdf()
{
    if (m_pdf.isRunning())
        return;
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

bool CaptureWidget::exportPdf(QByteArray *pdf, QString *error) const
{
    if (m_pages.count() == 0) {
        *error = tr("There are no pages to save.");
        return false;
    }
    return imaging::writePdf(m_pages.results(), pdfOptions(), pdf, error);
}

imaging::PdfOptions CaptureWidget::pdfOptions() const
{
    imaging::PdfOptions options;
    options.title = m_materialName;
    options.maxBytes = m_maxBytes;
    return options;
}

} // namespace hall::ui
