#pragma once

#include <ui_capture/ui_capture_export.h>

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QToolButton;
QT_END_NAMESPACE

namespace hall::ui {

class CaptureController;
class PageView;

// A view of a CaptureController: layout and user input only. Its buttons use the
// controller's actions (so the controller decides what is possible), and it registers itself
// as the context of the controller's commands (so F12 and the pedal act on the material in
// front). Two layouts: CaptureDeskView for the officer's desk, CaptureTouchView for the kiosk.
// The controller registers its commands before its views are made, and outlives them.
class HALL_UI_CAPTURE_EXPORT CaptureView : public QWidget
{
    Q_OBJECT
public:
    ~CaptureView() override;

    CaptureController *controller() const { return m_controller; }
    PageView *pageView() const { return m_view; }

    // Asks for image and PDF files and adds them.
    void chooseFiles();

protected:
    CaptureView(CaptureController *controller, QWidget *parent);
    // The widgets both layouts have; subclasses place them.
    QToolButton *toolButton(const char *id);
    virtual void updateControls();
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

    CaptureController *m_controller;
    PageView *m_view = nullptr;
    QComboBox *m_source = nullptr;
    QLabel *m_deviceState = nullptr;
    QPushButton *m_shoot = nullptr;
    QPushButton *m_scan = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_addFiles = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_count = nullptr;
    QListView *m_strip = nullptr;
    QList<QToolButton *> m_toolButtons;

private:
    void refreshImage();
    void previewChanged();
    void syncStrip();
    void syncSources();
    void showMessage(const QString &text, bool isError);
    void updateShootTip();

    bool m_syncing = false;
    bool m_holdsPreview = false;
    qint64 m_shown = 0; // cache key of the image shown: a page's, or Live/None
};

// The officer's desk: device and settings bar, page tools (rotate, mirror, crop, tone, zoom),
// order tools and the page strip.
class HALL_UI_CAPTURE_EXPORT CaptureDeskView : public CaptureView
{
    Q_OBJECT
public:
    explicit CaptureDeskView(CaptureController *controller, QWidget *parent = nullptr);

protected:
    void updateControls() override;

private:
    void syncScannerOptions();

    QCheckBox *m_autoCrop = nullptr;
    QComboBox *m_tone = nullptr;
    QLabel *m_turnLabel = nullptr;
    QComboBox *m_turn = nullptr;
    QLabel *m_dpiLabel = nullptr;
    QComboBox *m_dpi = nullptr;
    QLabel *m_feedLabel = nullptr;
    QComboBox *m_feed = nullptr;
    QLabel *m_material = nullptr;
    QComboBox *m_pageTone = nullptr;
    QToolButton *m_zoomIn = nullptr;
    QToolButton *m_zoomOut = nullptr;
    QToolButton *m_fit = nullptr;
};

// The kiosk: few, large controls (shoot or scan, back to the live picture, turn, delete) and
// the strip.
class HALL_UI_CAPTURE_EXPORT CaptureTouchView : public CaptureView
{
    Q_OBJECT
public:
    explicit CaptureTouchView(CaptureController *controller, QWidget *parent = nullptr);
};

} // namespace hall::ui
