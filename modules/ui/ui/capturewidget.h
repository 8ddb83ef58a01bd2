#pragma once

#include <ui/capturecontroller.h>
#include <ui/captureview.h>
#include <ui/pagelist.h>
#include <ui_capture/ui_capture_export.h>

#include <QKeySequence>
#include <QPointer>
#include <QWidget>

namespace hall::app {
class Commands;
}

namespace hall::ui {


// Captures the pages of one paper material with a document camera (live preview, shoot by
// button, key or foot pedal, auto-crop) or a scanner (resolution, colour, flatbed or feeder,
// progress and cancel), then lets the officer check and fix every page: rotate, perspective
// crop, zoom, tone, reorder, delete. A thin composition of a CaptureController and its desk
// view, or in touch mode (the kiosk) its touch view; apps that want more use those directly.
class HALL_UI_CAPTURE_EXPORT CaptureWidget : public QWidget
{
    Q_OBJECT
public:
    // `commands`: the app's registry (HallApplication::commands()); without one the widget
    // keeps its own, with the shortcuts working in its window.
    explicit CaptureWidget(QWidget *parent = nullptr, app::Commands *commands = nullptr);
    ~CaptureWidget() override;

    CaptureController *controller() { return &m_controller; }
    CaptureView *view() const { return m_view; }

    void setCamera(devices::DocumentCamera *camera);
    void setScanner(devices::Scanner *scanner) { m_controller.setScanner(scanner); }
    void setMaterial(const QString &name, qint64 maxBytes) { m_controller.setMaterial(name, maxBytes); }
    // The key of the "capture.shoot" command (F12 by default); foot pedals that type a key
    // are set up here, or in the PC's keymap.
    void setShootKey(const QKeySequence &key);
    void setPhotoRotation(int degrees) { m_controller.setPhotoRotation(degrees); }
    int photoRotation() const { return m_controller.photoRotation(); }
    // Kiosk: the touch view, with large targets and only shoot/scan, turn, delete and retake.
    void setTouchMode(bool touch);
    bool isTouchMode() const;

    PageList *pages() { return m_controller.pages(); }
    bool exportPdf(QByteArray *pdf, QString *error) const { return m_controller.exportPdf(pdf, error); }
    void makePdf() { m_controller.makePdf(); }

    using Source = CaptureController::Source;
    Source source() const { return m_controller.source(); }
    void setSource(Source source) { m_controller.setSource(source); }
    bool isLive() const { return m_controller.isLive(); }
    bool isBusy() const { return m_controller.isBusy(); }
    bool isCropping() const { return m_controller.isCropping(); }
    int currentPage() const { return m_controller.currentPage(); }
    void selectPage(int row) { m_controller.selectPage(row); }

public Q_SLOTS:
    void shoot() { m_controller.shoot(); }
    void scan() { m_controller.scan(); }
    void cancelScan() { m_controller.cancelScan(); }
    void addFiles(const QStringList &files) { m_controller.addFiles(files); }
    void chooseFiles();
    void showLive() { m_controller.showLive(); }
    void beginCrop() { m_controller.beginCrop(); }
    void applyCrop() { m_controller.applyCrop(); }
    void cancelCrop() { m_controller.cancelCrop(); }

Q_SIGNALS:
    void pagesChanged(int count);
    void busyChanged(bool busy);
    void photoRotationChanged(int degrees);
    void pdfMade(const QByteArray &pdf);
    void pdfFailed(const QString &message);
    void message(const QString &text, bool isError);

private:
    std::unique_ptr<app::Commands> m_ownCommands;
    app::Commands *m_commands;
    CaptureController m_controller;
    QPointer<CaptureView> m_view;
};

} // namespace hall::ui
