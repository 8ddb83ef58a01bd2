#pragma once

#include <kiosk/kioskcontroller.h>

#include <ui/touchkeyboard.h>

#include <QWidget>

QT_BEGIN_NAMESPACE
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
QT_END_NAMESPACE

namespace hall::kiosk {

// The kiosk's touch screen: one page per controller screen in a QStackedWidget, large touch
// targets, the offline / paper banner on every page, elderly mode as larger type in high
// contrast with fewer businesses per row. Layout and input only; KioskController decides.
class HALL_KIOSK_EXPORT KioskScreen : public QWidget
{
    Q_OBJECT
public:
    using KeyboardMode = ui::TouchKeyboard::Mode;

    explicit KioskScreen(KioskController *controller, QWidget *parent = nullptr);

    // The page of a screen, made now if it was not yet (see makePages()).
    QWidget *page(KioskController::Screen screen);
    QPushButton *businessButton(const QString &code);
    QLineEdit *entryField();
    QLineEdit *maintenanceCodeField();
    QString bannerText() const;

    ui::TouchKeyboard *keyboard();

    // The on-screen keyboard (modules/ui, K5) below the page, typing into `field` (digits for
    // numbers and passwords, letters for appointment codes); its 确定 is the page's OK.
    void showKeyboardFor(QLineEdit *field, KeyboardMode mode);

    // A window (not full screen) on a desktop smaller than the kiosk's screen, e.g. the portrait
    // 1080×1920 on a 1080p desktop: the largest size of the same proportion that fits the
    // screen's free area with the window's title bar, widened to what the pages need. True if
    // it changed the size. A real kiosk (full screen) and the offscreen platform (tests,
    // screenshots) keep their size.
    bool fitToScreen();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    // Locked down (issue 10): a close from outside (the window manager's button, Alt+F4) is
    // refused; the kiosk ends only when the application quits (the maintenance screen's exit,
    // the automation's quit) or by a signal.
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void showScreen(KioskController::Screen screen);
    void refresh();
    void rebuildBusinesses();
    QString fitted(const QString &line, int columns) const;
    static int basePx(bool elderly) { return elderly ? 44 : 32; } // the text size of labels and buttons
    void applyStyle();
    QWidget *makePage(KioskController::Screen screen);
    void makePages();
    QWidget *codePrompt();
    QWidget *makeAttract();
    QWidget *makeChoose();
    QWidget *makeIdentify();
    QWidget *makePrinting();
    QWidget *makeDone();
    QWidget *makeMessage();
    QWidget *makeReprint();
    QWidget *makeClosed();
    QWidget *makeMaintenance();
    QWidget *makeCodePrompt();
    QPushButton *bigButton(const QString &text, const QString &objectName);

    KioskController *m_controller;
    QStackedWidget *m_stack;
    QLabel *m_title;
    QLabel *m_banner;
    QPushButton *m_elderly;
    QHash<int, QWidget *> m_pages;
    QWidget *m_codePrompt = nullptr;
    QGridLayout *m_businessGrid = nullptr;
    QHash<QString, QPushButton *> m_businessButtons;
    QLabel *m_identity = nullptr;
    QLabel *m_entryPrompt = nullptr;
    QLineEdit *m_entry = nullptr;
    QLabel *m_entryError = nullptr;
    QPushButton *m_entryBack = nullptr;
    QPushButton *m_skipReminder = nullptr;
    QLineEdit *m_code = nullptr;
    ui::TouchKeyboard *m_keyboard = nullptr;
    bool m_pagesDue = false;
    QLabel *m_codeError = nullptr;
    QLabel *m_doneNumber = nullptr;
    QLabel *m_doneDetail = nullptr;
    QLabel *m_messageTitle = nullptr;
    QLabel *m_messageText = nullptr;
    QLabel *m_newTicketHint = nullptr;
    QPushButton *m_newTicket = nullptr;
    QLabel *m_reprintText = nullptr;
    QLabel *m_closedText = nullptr;
    QLabel *m_devices = nullptr;
    QLabel *m_sync = nullptr;
    QLabel *m_note = nullptr;
    int m_cornerTaps = 0;
    bool m_quitting = false;
};

} // namespace hall::kiosk
