#pragma once

#include <display/display_export.h>
#include <display/layout.h>

#include <ui/painting.h>

#include <QTimer>
#include <QWidget>

namespace hall::ui {
class MediaArea;
}

namespace hall::display {

class DisplayController;
struct Call;

// The enlarged call, over the whole wall while the controller's call queue shows one.
class HALL_DISPLAY_EXPORT CallOverlay : public QWidget
{
    Q_OBJECT
public:
    CallOverlay(DisplayController *controller, QWidget *parent);
    // The lines it shows now (tests read them; the same strings are painted).
    QStringList lines() const;

Q_SIGNALS:
    // After each frame that showed this call (Call::announcementId()): the benchmark's mark.
    void painted(const QString &callId);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    DisplayController *m_controller;
};

// The wall (D1): header with the hall and the time, every window's current call, waiting
// people per business, the media area, the scrolling notice — painted from the controller's
// models on geometry computed once per size (a wall runs for weeks: no widgets per event, one
// blit per notice frame). The layout's design coordinates are scaled to the screen keeping
// their proportions. Offline, the header turns into the notice that says so and the last good
// state stays; outside the schedule a black cover hides everything (D5).
class HALL_DISPLAY_EXPORT WallScreen : public QWidget
{
    Q_OBJECT
public:
    explicit WallScreen(DisplayController *controller, QWidget *parent = nullptr);
    ~WallScreen() override;

    CallOverlay *overlay() const { return m_overlay; }
    ui::MediaArea *media() const { return m_media; }
    bool isBlanked() const;
    // The rectangle of an area on this widget (empty when the layout has none).
    QRect areaRect(Area::Kind kind) const;
    int windowsPage() const { return m_windowsPage; }
    // The strings the header shows now, for tests: title or offline notice, then date and time.
    QStringList headerLines() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void relayout();
    void showCurrentCall();
    void updateNotice();
    QFont font(int designPixels, bool bold = false) const;
    void paintHeader(QPainter &p, const Area &area, const QRect &r);
    void paintWindows(QPainter &p, const Area &area, const QRect &r);
    void paintWaiting(QPainter &p, const Area &area, const QRect &r);

    DisplayController *m_controller;
    const Layout &m_layout;
    double m_scale = 1.0;
    QPoint m_origin;
    QList<QRect> m_rects; // per layout area, on this widget
    CallOverlay *m_overlay;
    QWidget *m_blank;
    ui::MediaArea *m_media = nullptr;
    ui::Marquee m_marquee;
    QTimer m_clockTimer;
    QTimer m_noticeTimer;
    QTimer m_pageTimer;
    int m_windowsPage = 0;
    int m_waitingPage = 0;
};

} // namespace hall::display
