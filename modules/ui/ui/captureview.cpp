#include "captureview.h"

#include "capturecontroller.h"
#include "pageview.h"
#include "style.h"

#include <app/commands.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace hall::ui {

using Source = CaptureController::Source;

namespace {

constexpr qint64 ShownLive = -1;
constexpr qint64 ShownNone = -2;

} // namespace

// ---- CaptureView ----

CaptureView::CaptureView(CaptureController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller)
{
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("source"));
    m_deviceState = new QLabel(this);
    m_view = new PageView(this);
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_shoot = new QPushButton(tr("Shoot"), this);
    m_scan = new QPushButton(tr("Scan"), this);
    m_cancel = new QPushButton(tr("Cancel scan"), this);
    m_shoot->setObjectName(QStringLiteral("shoot"));
    m_scan->setObjectName(QStringLiteral("scan"));
    m_cancel->setObjectName(QStringLiteral("cancelScan"));
    // One command, "capture.shoot", behind both: a photo or a scan, by the source.
    app::setButtonAction(m_shoot, controller->action(CaptureController::Shoot));
    app::setButtonAction(m_scan, controller->action(CaptureController::Shoot));
    app::setButtonAction(m_cancel, controller->action(CaptureController::CancelScan));
    m_scan->setToolTip(tr("Scan with the chosen resolution and paper source"));
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

    m_strip = new QListView(this);
    m_strip->setObjectName(QStringLiteral("pageStrip"));
    m_strip->setModel(controller->pages());
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

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);

    connect(m_source, &QComboBox::activated, this, [this] {
        m_controller->setSource(Source(m_source->currentData().toInt()));
    });
    connect(m_addFiles, &QPushButton::clicked, this, &CaptureView::chooseFiles);
    connect(m_strip->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &index) {
        if (!m_syncing && index.isValid())
            m_controller->selectPage(index.row());
    });
    connect(m_view, &PageView::cropChanged, this, [this] {
        if (m_view->isCropping())
            m_controller->setCropQuad(m_view->cropQuad());
    });
    connect(controller, &CaptureController::stateChanged, this, [this] {
        syncSources();
        syncStrip();
        refreshImage();
        updateControls();
    });
    connect(controller, &CaptureController::previewChanged, this, &CaptureView::previewChanged);
    connect(controller, &CaptureController::currentPageChanged, this, &CaptureView::syncStrip);
    connect(controller, &CaptureController::progressChanged, m_progress, &QProgressBar::setValue);
    connect(controller, &CaptureController::message, this, &CaptureView::showMessage);
    connect(controller->pages(), &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int, int last) {
        m_strip->scrollTo(m_controller->pages()->index(last));
    });
    if (app::Commands *commands = controller->commands()) {
        commands->addContextWidget(this, controller->context());
        if (app::Command *shoot = commands->command(QLatin1String(CaptureController::Shoot)))
            connect(shoot, &app::Command::keyChanged, this, &CaptureView::updateShootTip);
    }
    updateShootTip();
    if (!controller->lastMessage().isEmpty())
        showMessage(controller->lastMessage(), controller->lastMessageIsError());
}

CaptureView::~CaptureView()
{
    if (m_holdsPreview)
        m_controller->releasePreview();
}

QToolButton *CaptureView::toolButton(const char *id)
{
    auto *button = new QToolButton(this);
    QAction *action = m_controller->action(id);
    // "capture.rotateLeft" → "rotateLeft": the names tests and style sheets know.
    button->setObjectName(QString::fromLatin1(id).section(u'.', 1));
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAutoRaise(false);
    m_toolButtons.append(button);
    return button;
}

void CaptureView::updateShootTip()
{
    QString key;
    if (app::Commands *commands = m_controller->commands()) {
        if (app::Command *shoot = commands->command(QLatin1String(CaptureController::Shoot)))
            key = shoot->keyText();
    }
    m_shoot->setToolTip(key.isEmpty() ? tr("Take a photo of the page (button or foot pedal)")
                                      : tr("Take a photo of the page (%1 or the foot pedal)").arg(key));
}

void CaptureView::chooseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add from file"), QString(), tr("Images and PDF files (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.pdf)"));
    m_controller->addFiles(files);
}

void CaptureView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_holdsPreview) {
        m_holdsPreview = true;
        m_controller->acquirePreview();
    }
    syncSources();
    syncStrip();
    refreshImage();
    updateControls();
}

void CaptureView::hideEvent(QHideEvent *event)
{
    // A hidden view has no use for thirty frames a second.
    if (m_holdsPreview) {
        m_holdsPreview = false;
        m_controller->releasePreview();
    }
    QWidget::hideEvent(event);
}

void CaptureView::syncSources()
{
    const QList<Source> sources = m_controller->sources();
    QList<Source> shown;
    for (int i = 0; i < m_source->count(); ++i)
        shown.append(Source(m_source->itemData(i).toInt()));
    if (shown != sources) {
        m_source->clear();
        for (Source s : sources)
            m_source->addItem(s == Source::Camera ? tr("Document camera") : tr("Scanner"), int(s));
    }
    m_source->setCurrentIndex(m_source->findData(int(m_controller->source())));
}

void CaptureView::syncStrip()
{
    const int row = m_controller->currentPage();
    const QModelIndex current = m_strip->currentIndex();
    if ((current.isValid() ? current.row() : -1) == row)
        return;
    m_syncing = true;
    if (row >= 0)
        m_strip->setCurrentIndex(m_controller->pages()->index(row));
    else
        m_strip->selectionModel()->clearCurrentIndex();
    m_syncing = false;
}

void CaptureView::refreshImage()
{
    CaptureController *c = m_controller;
    if (c->isCropping()) {
        if (!m_view->isCropping()) {
            // The crop is drawn on the original, so a crop can always be redone or widened.
            m_view->setOutline(std::nullopt);
            m_view->setImage(c->pages()->page(c->cropRow()).original);
            m_view->beginCrop(c->cropStart());
            c->setCropQuad(m_view->cropQuad());
            m_shown = ShownNone;
        }
        return; // the crop owns the view until it is applied or cancelled
    }
    if (m_view->isCropping())
        m_view->endCrop();
    if (c->isLive()) {
        if (m_shown != ShownLive) {
            m_shown = ShownLive;
            m_view->setOutline(std::nullopt);
            m_view->setImage(c->previewImage());
        }
        return;
    }
    const int row = c->currentPage();
    const QImage image = row >= 0 ? c->pages()->page(row).result : QImage();
    const qint64 key = image.isNull() ? ShownNone : image.cacheKey();
    if (key != m_shown) {
        m_shown = key;
        m_view->setOutline(std::nullopt);
        m_view->setImage(image);
    }
}

void CaptureView::previewChanged()
{
    if (!m_controller->isLive() || m_controller->isCropping())
        return;
    m_shown = ShownLive;
    m_view->setImage(m_controller->previewImage());
    m_view->setOutline(m_controller->previewOutline());
}

void CaptureView::showMessage(const QString &text, bool isError)
{
    m_message->setText(text);
    m_message->setStyleSheet(isError ? QStringLiteral("color: #c0392b; font-weight: bold;") : QString());
}

void CaptureView::updateControls()
{
    CaptureController *c = m_controller;
    const bool cameraSource = c->source() == Source::Camera;
    const bool camera = cameraSource && c->camera();
    const bool scanner = !cameraSource && c->scanner();
    const int row = c->currentPage();
    const bool live = c->isLive();
    const bool cropping = c->isCropping();

    m_deviceState->setText(c->deviceStateText());
    m_deviceState->setStyleSheet(c->isDeviceGood() ? QStringLiteral("color: #1e8449;") : QStringLiteral("color: #c0392b;"));
    m_source->setEnabled(!c->isBusy() && !cropping);
    m_shoot->setVisible(cameraSource);
    m_scan->setVisible(!cameraSource);
    m_progress->setVisible(scanner && c->isScanning());
    m_cancel->setVisible(scanner && c->isScanning());
    m_addFiles->setEnabled(!cropping);
    m_strip->setEnabled(!cropping);

    if (live)
        m_title->setText(camera ? tr("Live preview") : QString());
    else if (row >= 0)
        m_title->setText(cropping ? tr("Page %1 of %2: drag the corners, then apply").arg(row + 1).arg(c->pages()->count())
                                  : tr("Page %1 of %2").arg(row + 1).arg(c->pages()->count()));
    else
        m_title->setText(QString());
    m_count->setText(tr("%n page(s)", nullptr, c->pages()->count()));

    if (live && !c->camera())
        m_view->setPlaceholder(tr("No document camera is set up for this PC."));
    else if (!live && c->pages()->count() == 0)
        m_view->setPlaceholder(scanner ? tr("Put the pages on the scanner and press Scan.") : tr("No pages yet."));

    // Page tools show while they can act; the controller's actions say whether they may.
    const bool page = !live && row >= 0 && !cropping;
    for (QToolButton *b : std::as_const(m_toolButtons)) {
        const QString id = b->objectName();
        if (id == QLatin1String("live"))
            b->setVisible(camera && !live);
        else if (id == QLatin1String("applyCrop") || id == QLatin1String("cancelCrop"))
            b->setVisible(cropping);
        else if (id == QLatin1String("moveEarlier") || id == QLatin1String("moveLater") || id == QLatin1String("deletePage"))
            b->setVisible(true);
        else
            b->setVisible(page);
    }
}

// ---- CaptureDeskView ----

CaptureDeskView::CaptureDeskView(CaptureController *controller, QWidget *parent)
    : CaptureView(controller, parent)
{
    CaptureSettings *settings = controller->settings();
    m_material = new QLabel(this);
    m_material->setVisible(false);
    m_autoCrop = new QCheckBox(settings->autoCrop.label(), this);
    m_autoCrop->setObjectName(QStringLiteral("autoCrop"));
    m_autoCrop->setToolTip(settings->autoCrop.toolTip());
    m_tone = new QComboBox(this);
    m_tone->setObjectName(QStringLiteral("tone"));
    m_tone->addItem(tr("Colour"), int(PageEdit::Tone::Colour));
    m_tone->addItem(tr("Gray"), int(PageEdit::Tone::Gray));
    m_tone->addItem(tr("Black and white (text)"), int(PageEdit::Tone::BlackWhite));
    m_turnLabel = new QLabel(settings->photoRotation.label(), this);
    m_turn = new QComboBox(this);
    m_turn->setObjectName(QStringLiteral("turn"));
    for (const app::ChoiceAspect::Option &o : settings->photoRotation.options())
        m_turn->addItem(o.label, o.value);
    m_turn->setToolTip(settings->photoRotation.toolTip());
    m_dpiLabel = new QLabel(tr("Resolution"), this);
    m_dpi = new QComboBox(this);
    m_dpi->setObjectName(QStringLiteral("resolution"));
    m_feedLabel = new QLabel(tr("Paper"), this);
    m_feed = new QComboBox(this);
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

    m_zoomIn = new QToolButton(this);
    m_zoomOut = new QToolButton(this);
    m_fit = new QToolButton(this);
    const struct { QToolButton *button; const char *name; QString text; QString tip; } zooms[] = {
        {m_zoomIn, "zoomIn", tr("Zoom in"), tr("Zoom in (Ctrl + wheel)")},
        {m_zoomOut, "zoomOut", tr("Zoom out"), tr("Zoom out (Ctrl + wheel)")},
        {m_fit, "fit", tr("Fit"), tr("Show the whole page")},
    };
    for (const auto &z : zooms) {
        z.button->setObjectName(QLatin1String(z.name));
        z.button->setText(z.text);
        z.button->setToolTip(z.tip);
        z.button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    }
    m_pageTone = new QComboBox(this);
    for (int i = 0; i < m_tone->count(); ++i)
        m_pageTone->addItem(m_tone->itemText(i), m_tone->itemData(i));
    m_pageTone->setToolTip(tr("Colour mode of this page"));

    auto *tools = new QHBoxLayout;
    tools->addWidget(m_title);
    tools->addStretch();
    for (const char *id : {CaptureController::Live, CaptureController::RotateLeft, CaptureController::RotateRight,
                           CaptureController::Mirror, CaptureController::Crop, CaptureController::ApplyCrop,
                           CaptureController::CancelCrop})
        tools->addWidget(toolButton(id));
    for (QWidget *w : {static_cast<QWidget *>(m_pageTone), static_cast<QWidget *>(m_zoomOut),
                       static_cast<QWidget *>(m_zoomIn), static_cast<QWidget *>(m_fit)})
        tools->addWidget(w);

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

    auto *order = new QVBoxLayout;
    for (const char *id : {CaptureController::MoveEarlier, CaptureController::MoveLater, CaptureController::DeletePage})
        order->addWidget(toolButton(id));
    order->addStretch();
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_strip, 1);
    bottom->addLayout(order);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(middle, 1);
    layout->addLayout(bottom);
    layout->addWidget(m_message);

    connect(m_autoCrop, &QCheckBox::toggled, controller, &CaptureController::setAutoCrop);
    connect(m_tone, &QComboBox::currentIndexChanged, this, [this] {
        m_controller->setTone(PageEdit::Tone(m_tone->currentData().toInt()));
    });
    connect(m_turn, &QComboBox::currentIndexChanged, this, [this] {
        m_controller->setPhotoRotation(m_turn->currentData().toInt());
    });
    connect(m_dpi, &QComboBox::currentIndexChanged, this, [this] {
        if (m_dpi->currentIndex() >= 0)
            m_controller->setScanResolution(m_dpi->currentData().toInt());
    });
    connect(m_feed, &QComboBox::currentIndexChanged, this, [this] {
        if (m_feed->currentIndex() >= 0)
            m_controller->setScanSource(devices::ScanSettings::Source(m_feed->currentData().toInt()));
    });
    connect(m_pageTone, &QComboBox::activated, this, [this] {
        m_controller->setPageTone(PageEdit::Tone(m_pageTone->currentData().toInt()));
    });
    connect(m_zoomIn, &QToolButton::clicked, m_view, &PageView::zoomIn);
    connect(m_zoomOut, &QToolButton::clicked, m_view, &PageView::zoomOut);
    connect(m_fit, &QToolButton::clicked, m_view, &PageView::fitToWindow);
    connect(controller, &CaptureController::scannerOptionsChanged, this, &CaptureDeskView::syncScannerOptions);
    syncScannerOptions();
    updateControls();
}

void CaptureDeskView::syncScannerOptions()
{
    const QSignalBlocker dpiBlocker(m_dpi);
    const QSignalBlocker feedBlocker(m_feed);
    m_dpi->clear();
    for (int dpi : m_controller->scanResolutions())
        m_dpi->addItem(tr("%1 dpi").arg(dpi), dpi);
    m_dpi->setCurrentIndex(m_dpi->findData(m_controller->scanResolution()));
    m_feed->clear();
    for (devices::ScanSettings::Source s : m_controller->scanSources())
        m_feed->addItem(s == devices::ScanSettings::Source::Adf ? tr("Document feeder (all pages)") : tr("Flatbed (one page)"), int(s));
    m_feed->setCurrentIndex(m_feed->findData(int(m_controller->scanSource())));
}

void CaptureDeskView::updateControls()
{
    CaptureView::updateControls();
    CaptureController *c = m_controller;
    const bool cameraSource = c->source() == Source::Camera;
    const bool scanner = !cameraSource && c->scanner();
    const int row = c->currentPage();
    const bool page = !c->isLive() && row >= 0 && !c->isCropping();

    m_autoCrop->setVisible(cameraSource);
    m_turnLabel->setVisible(cameraSource);
    m_turn->setVisible(cameraSource);
    m_dpiLabel->setVisible(scanner);
    m_dpi->setVisible(scanner);
    m_feedLabel->setVisible(scanner);
    m_feed->setVisible(scanner);
    {
        const QSignalBlocker a(m_autoCrop);
        const QSignalBlocker t(m_turn);
        m_autoCrop->setChecked(c->autoCrop());
        m_turn->setCurrentIndex(m_turn->findData(c->photoRotation()));
    }
    m_pageTone->setVisible(page);
    if (page)
        m_pageTone->setCurrentIndex(m_pageTone->findData(int(c->pages()->page(row).edit.tone)));
    for (QToolButton *b : {m_zoomIn, m_zoomOut, m_fit})
        b->setVisible(!c->isLive());
    if (c->materialName().isEmpty()) {
        m_material->setVisible(false);
    } else {
        m_material->setText(c->maxBytes() > 0
                                ? tr("Material: %1 (at most %2)")
                                      .arg(c->materialName(), QLocale().formattedDataSize(c->maxBytes(), 1, QLocale::DataSizeTraditionalFormat))
                                : tr("Material: %1").arg(c->materialName()));
        m_material->setVisible(true);
    }
}

// ---- CaptureTouchView ----

CaptureTouchView::CaptureTouchView(CaptureController *controller, QWidget *parent)
    : CaptureView(controller, parent)
{
    setStyleSheet(QStringLiteral("QWidget { font-size: 20px; } QToolButton { min-height: 48px; min-width: 96px; }"
                                 "QPushButton#shoot, QPushButton#scan { font-size: 28px; font-weight: bold; min-height: 80px; }"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_source);
    top->addWidget(m_deviceState);
    top->addStretch();
    top->addWidget(m_title);

    auto *tools = new QVBoxLayout;
    for (const char *id : {CaptureController::Live, CaptureController::RotateLeft, CaptureController::RotateRight,
                           CaptureController::DeletePage})
        tools->addWidget(toolButton(id));
    tools->addStretch();
    tools->addWidget(m_count);

    auto *side = new QVBoxLayout;
    side->addWidget(m_shoot);
    side->addWidget(m_scan);
    side->addWidget(m_progress);
    side->addWidget(m_cancel);
    side->addStretch();

    auto *middle = new QHBoxLayout;
    middle->addLayout(tools);
    middle->addWidget(m_view, 1);
    middle->addLayout(side);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(middle, 1);
    layout->addWidget(m_strip);
    layout->addWidget(m_message);
    m_addFiles->setVisible(false); // a kiosk user has no files to pick from
    updateControls();
}

} // namespace hall::ui
