#pragma once

#include <ui/pagelist.h>
#include <ui/ui_export.h>

#include <devices/device.h>
#include <imaging/output.h>

#include <QFutureWatcher>
#include <QKeySequence>
#include <QPersistentModelIndex>
#include <QPointer>
#include <QQueue>
#include <QWidget>

#include <functional>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QShortcut;
class QToolButton;
QT_END_NAMESPACE

namespace hall::devices {
class DocumentCamera;
class Scanner;
} // namespace hall::devices

namespace hall::ui {

class PageView;

// Captures the pages of one paper material with a document camera (live preview, shoot by
// button, key or foot pedal, auto-crop) or a scanner (resolution, colour, flatbed or feeder,
// progress and cancel), then lets the officer check and fix every page: rotate, perspective
// crop, zoom, tone, reorder, delete. Used by the window workbench and, in touch mode with
// fewer tools, by the kiosk. The devices live on their own threads; the widget only sends them
// queued calls and reacts to their signals.
class HALL_UI_EXPORT CaptureWidget : public QWidget
{
    Q_OBJECT
public:
    explicit CaptureWidget(QWidget *parent = nullptr);
    ~CaptureWidget() override;

    void setCamera(devices::DocumentCamera *camera);
    void setScanner(devices::Scanner *scanner);
    // The material being captured: its name is shown, and its size cap is what exportPdf
    // checks (0: no cap).
    void setMaterial(const QString &name, qint64 maxBytes);
    // The key that shoots (F12 by default); foot pedals that type a key are set up here.
    void setShootKey(const QKeySequence &key);
    // Quarter turns clockwise given to every new photo: how the camera head sees a page
    // depends on how it is mounted and how officers lay the paper, so it is set once per PC.
    void setPhotoRotation(int degrees);
    int photoRotation() const;
    // Kiosk: large touch targets, only shoot/scan, rotate, delete and retake.
    void setTouchMode(bool touch);

    PageList *pages() { return &m_pages; }
    // The pages as one PDF within the material's size cap, or a message saying what to do.
    bool exportPdf(QByteArray *pdf, QString *error) const;
    // The same off the UI thread (ten 13 MP pages take about a second): pdfMade or pdfFailed
    // follows; the widget is busy meanwhile.
    void makePdf();

    enum class Source { Camera, Scanner };
    Source source() const;
    void setSource(Source source);
    bool isLive() const { return m_live; }
    // A photo or scan is under way, or its pages are still being processed.
    bool isBusy() const { return m_busy; }
    bool isCropping() const;
    int currentPage() const;
    void selectPage(int row);

public Q_SLOTS:
    void shoot();       // camera: one still
    void scan();        // scanner: one job with the chosen settings
    void cancelScan();
    // Image files as pages, in the order given; one that cannot be read is named in a message
    // and the others are still added.
    void addFiles(const QStringList &files);
    void chooseFiles(); // asks for the files
    void showLive();    // back to the camera's live preview
    void beginCrop();   // corner handles on the current page's original
    void applyCrop();
    void cancelCrop();

Q_SIGNALS:
    void pagesChanged(int count);
    void busyChanged(bool busy); // a capture or scan is under way
    void photoRotationChanged(int degrees);
    void pdfMade(const QByteArray &pdf);
    void pdfFailed(const QString &message);
    void message(const QString &text, bool isError);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void buildUi();
    void updateControls();
    void showPage(int row);
    void updateBusy();
    void endJob();
    enum class PageKind { Photo, Scan, File };
    void enqueue(const QImage &image, PageKind kind, const QString &file = {});
    void processNext();
    void processed();
    void say(const QString &text, bool isError = false);
    void deviceState(const QString &what, devices::Device::State state);
    void previewFrame(const QImage &frame);
    void captured(const QString &job, const QImage &image);
    void captureFailed(const QString &job, devices::Device::Error error, const QString &message);
    void scannerOptions();
    void scanPage(const QString &job, int index, const QImage &page);
    void scanEnded(const QString &job, bool ok, devices::Device::Error error, const QString &message);
    void startPreview();
    void stopPreview();
    void moveCurrent(int delta);
    void deleteCurrent();
    PageEdit::Tone tone() const;
    imaging::PdfOptions pdfOptions() const;

    PageList m_pages;
    QPointer<devices::DocumentCamera> m_camera;
    QPointer<devices::Scanner> m_scanner;
    QString m_materialName;
    qint64 m_maxBytes = 0;
    bool m_live = true;
    bool m_previewing = false;
    bool m_busy = false;
    int m_jobs = 0;
    // Job ids are unique to this widget, so another widget's photos and a late cancel of a
    // finished job never touch this material.
    QString m_jobPrefix;
    QString m_job;          // the capture or scan under way
    enum class JobKind { None, Photo, Scan } m_jobKind = JobKind::None;
    int m_frames = 0;       // preview frames seen, to look for the page on every few
    bool m_selectingQuietly = false; // selecting a new photo's thumbnail without leaving the preview
    QPersistentModelIndex m_cropPage; // the page being cropped, wherever new pages land meanwhile

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
    std::function<void()> m_afterProcessing; // the scan's closing message, once its pages are in

    QComboBox *m_source = nullptr;
    QLabel *m_deviceState = nullptr;
    QLabel *m_material = nullptr;
    QCheckBox *m_autoCrop = nullptr;
    QComboBox *m_tone = nullptr;
    QComboBox *m_turn = nullptr;
    QLabel *m_turnLabel = nullptr;
    QComboBox *m_dpi = nullptr;
    QComboBox *m_feed = nullptr;
    QLabel *m_dpiLabel = nullptr;
    QLabel *m_feedLabel = nullptr;
    QPushButton *m_shoot = nullptr;
    QPushButton *m_scan = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_addFiles = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_title = nullptr;
    PageView *m_view = nullptr;
    QToolButton *m_liveButton = nullptr;
    QToolButton *m_rotateLeft = nullptr;
    QToolButton *m_rotateRight = nullptr;
    QToolButton *m_mirror = nullptr;
    QToolButton *m_crop = nullptr;
    QToolButton *m_applyCrop = nullptr;
    QToolButton *m_cancelCrop = nullptr;
    QToolButton *m_zoomIn = nullptr;
    QToolButton *m_zoomOut = nullptr;
    QToolButton *m_fit = nullptr;
    QToolButton *m_moveLeft = nullptr;
    QToolButton *m_moveRight = nullptr;
    QToolButton *m_delete = nullptr;
    QComboBox *m_pageTone = nullptr;
    QListView *m_strip = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_count = nullptr;
    QShortcut *m_shootKey = nullptr;
};

} // namespace hall::ui
