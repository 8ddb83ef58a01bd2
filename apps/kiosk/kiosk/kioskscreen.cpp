#include "kioskscreen.h"

#include <core/logging.h>

#include <QApplication>
#include <QCloseEvent>
#include <QEvent>
#include <QScreen>
#include <QShowEvent>
#include <QFontMetrics>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace hall::kiosk {

namespace {

QLabel *label(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setObjectName(objectName);
    l->setAlignment(Qt::AlignCenter);
    l->setWordWrap(true);
    return l;
}

} // namespace

KioskScreen::KioskScreen(KioskController *controller, QWidget *parent) : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("kiosk"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(40, 30, 40, 30);
    layout->setSpacing(20);
    auto *top = new QHBoxLayout;
    m_title = label(QString(), QStringLiteral("title"), this);
    m_title->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_elderly = new QPushButton(this);
    m_elderly->setObjectName(QStringLiteral("elderlyButton"));
    m_elderly->setFocusPolicy(Qt::NoFocus);
    connect(m_elderly, &QPushButton::clicked, m_controller, [this] { m_controller->setElderly(!m_controller->isElderly()); });
    top->addWidget(m_title, 1);
    top->addWidget(m_elderly);
    layout->addLayout(top);
    m_banner = label(QString(), QStringLiteral("banner"), this);
    layout->addWidget(m_banner);

    m_stack = new QStackedWidget(this);
    // A stack is as tall as its tallest page: the businesses' grid under the keyboard made the
    // window taller than a 1080-pixel landscape screen. The page shown takes what is left.
    m_stack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    layout->addWidget(m_stack, 1);
    // Only the page shown first is made now; the others, the keyboard and its pinyin engine
    // after the first frame: see makePages().

    connect(m_controller, &KioskController::screenChanged, this, &KioskScreen::showScreen);
    connect(m_controller, &KioskController::changed, this, &KioskScreen::refresh);
    connect(m_controller->businesses(), &QAbstractItemModel::modelReset, this, &KioskScreen::rebuildBusinesses);
    connect(m_controller, &KioskController::maintenanceRequested, this, [this] {
        m_stack->setCurrentWidget(codePrompt());
        m_code->clear();
        m_codeError->clear();
        showKeyboardFor(m_code, KeyboardMode::Digits);
    });
    // Every touch anywhere keeps the citizen's session alive.
    qApp->installEventFilter(this);
    showScreen(m_controller->screen());
}

// The pages nobody sees on the start page, the maintenance code's prompt and the keyboard are
// made a moment after the start page's first frame, or at once when one is needed first: the
// pages' widgets, their fonts and style are a third of the kiosk's start-up, and starting the
// pinyin engine was a quarter of it (docs/performance.md).
void KioskScreen::makePages()
{
    using S = KioskController::Screen;
    for (S s : {S::Attract, S::Choose, S::Identify, S::Printing, S::Done, S::Message, S::Reprint, S::Closed, S::Maintenance})
        page(s);
    codePrompt();
    keyboard();
}

QWidget *KioskScreen::page(KioskController::Screen screen)
{
    if (QWidget *w = m_pages.value(int(screen)))
        return w;
    QWidget *w = makePage(screen);
    m_pages.insert(int(screen), w);
    m_stack->addWidget(w);
    // Styled now: a page made under the elderly style sheet and left unpolished made the stack,
    // which is as wide as its widest page, wider than a portrait screen until it was shown.
    w->ensurePolished();
    if (screen == KioskController::Screen::Choose)
        rebuildBusinesses();
    refresh();
    return w;
}

QWidget *KioskScreen::makePage(KioskController::Screen screen)
{
    using S = KioskController::Screen;
    switch (screen) {
    case S::Attract: return makeAttract();
    case S::Choose: return makeChoose();
    case S::Identify: return makeIdentify();
    case S::Printing: return makePrinting();
    case S::Done: return makeDone();
    case S::Message: return makeMessage();
    case S::Reprint: return makeReprint();
    case S::Closed: return makeClosed();
    case S::Maintenance: return makeMaintenance();
    }
    Q_UNREACHABLE();
    return nullptr;
}

QWidget *KioskScreen::codePrompt()
{
    if (!m_codePrompt) {
        m_codePrompt = makeCodePrompt();
        m_stack->addWidget(m_codePrompt);
        m_codePrompt->ensurePolished();
    }
    return m_codePrompt;
}

QLineEdit *KioskScreen::entryField()
{
    page(KioskController::Screen::Identify);
    return m_entry;
}

QLineEdit *KioskScreen::maintenanceCodeField()
{
    codePrompt();
    return m_code;
}

ui::TouchKeyboard *KioskScreen::keyboard()
{
    if (m_keyboard)
        return m_keyboard;
    m_keyboard = new ui::TouchKeyboard(this);
    m_keyboard->setObjectName(QStringLiteral("keyboard"));
    m_keyboard->hide();
    layout()->addWidget(m_keyboard);
    connect(m_keyboard, &ui::TouchKeyboard::accepted, this, [this] {
        // 确定 on the keyboard does what the OK button of the field's page does.
        if (QLineEdit *field = m_keyboard->target())
            Q_EMIT field->returnPressed();
    });
    return m_keyboard;
}

void KioskScreen::showKeyboardFor(QLineEdit *field, KeyboardMode mode)
{
    keyboard()->attach(field);
    m_keyboard->setMode(mode);
    m_keyboard->show();
    field->setFocus();
}

bool KioskScreen::eventFilter(QObject *watched, QEvent *event)
{
    // QCoreApplication::quit() reaches the application as a Quit event before Qt closes its
    // windows (and a window that refuses cancels the quit): this close is the app's own.
    if (event->type() == QEvent::Quit && watched == qApp)
        m_quitting = true;
    if (watched == this && event->type() == QEvent::Paint && !m_pagesDue) {
        m_pagesDue = true;
        QTimer::singleShot(250, this, &KioskScreen::makePages);
    }
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::KeyPress || event->type() == QEvent::TouchBegin)
        m_controller->userActivity();
    return QWidget::eventFilter(watched, event);
}

// Five touches in the top-right corner ask for the maintenance code (besides Ctrl+Shift+M).
void KioskScreen::mousePressEvent(QMouseEvent *event)
{
    if (event->position().x() > width() - 120 && event->position().y() < 120) {
        if (++m_cornerTaps >= 5) {
            m_cornerTaps = 0;
            Q_EMIT m_controller->maintenanceRequested();
        }
    } else {
        m_cornerTaps = 0;
    }
    QWidget::mousePressEvent(event);
}

void KioskScreen::closeEvent(QCloseEvent *event)
{
    if (m_quitting)
        event->accept();
    else
        event->ignore();
}

void KioskScreen::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!event->spontaneous())
        fitToScreen();
}

bool KioskScreen::fitToScreen()
{
    if (!isWindow() || isFullScreen() || isMaximized() || QGuiApplication::platformName() == QLatin1String("offscreen") || !screen())
        return false;
    const QRect free = screen()->availableGeometry();
    // The frame is known once a window manager has decorated the window; until then, room
    // for a usual title bar.
    const QSize frame = frameGeometry().size() - size();
    const QSize room = free.size() - QSize(std::max(frame.width(), 8), std::max(frame.height(), 40));
    if (width() <= room.width() && height() <= room.height())
        return false;
    // The same proportion, but never narrower than the pages need (their type does not shrink).
    const QSize fitted = size().scaled(room, Qt::KeepAspectRatio).expandedTo(minimumSizeHint()).boundedTo(room);
    qCInfo(lcKiosk, "window %dx%d does not fit the screen's %dx%d: shown at %dx%d", width(), height(), free.width(), free.height(),
           fitted.width(), fitted.height());
    resize(fitted); // where: the window manager's choice, or Qt's -qwindowgeometry +X+Y
    return true;
}

QPushButton *KioskScreen::businessButton(const QString &code)
{
    page(KioskController::Screen::Choose);
    return m_businessButtons.value(code);
}

QString KioskScreen::bannerText() const
{
    return m_banner->isVisible() ? m_banner->text() : QString();
}

QPushButton *KioskScreen::bigButton(const QString &text, const QString &objectName)
{
    auto *b = new QPushButton(text);
    b->setObjectName(objectName);
    b->setFocusPolicy(Qt::NoFocus);
    b->setMinimumHeight(140);
    b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    return b;
}

QWidget *KioskScreen::makeAttract()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->setSpacing(36); // room between greeting, the one big button and the other ways in
    l->addStretch(1);
    l->addWidget(label(tr("Welcome"), QStringLiteral("welcome"), w));
    auto *take = bigButton(tr("Touch here to take a ticket"), QStringLiteral("takeTicket"));
    take->setMinimumHeight(360);
    connect(take, &QPushButton::clicked, m_controller, &KioskController::touchStart);
    l->addWidget(take);
    l->addWidget(label(tr("Or place your ID card on the reader, or hold your appointment QR code under the scanner"), QStringLiteral("hint"), w));
    auto *row = new QHBoxLayout;
    auto *phone = bigButton(tr("Mobile number"), QStringLiteral("byPhone"));
    auto *appointment = bigButton(tr("Appointment code"), QStringLiteral("byAppointment"));
    auto *password = bigButton(tr("Release password"), QStringLiteral("byPassword"));
    connect(phone, &QPushButton::clicked, m_controller, [this] { m_controller->askFor(KioskController::Entry::Phone); });
    connect(appointment, &QPushButton::clicked, m_controller, [this] { m_controller->askFor(KioskController::Entry::Appointment); });
    connect(password, &QPushButton::clicked, m_controller, [this] { m_controller->askFor(KioskController::Entry::ReleasePassword); });
    for (QPushButton *b : {phone, appointment, password}) {
        // The three share the width: in English their texts together are wider than a portrait screen.
        b->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
        row->addWidget(b);
    }
    l->addLayout(row);
    l->addStretch(1);
    return w;
}

QWidget *KioskScreen::makeChoose()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addWidget(label(tr("Please choose your business"), QStringLiteral("heading"), w));
    m_identity = label(QString(), QStringLiteral("identity"), w);
    l->addWidget(m_identity);
    m_businessGrid = new QGridLayout;
    m_businessGrid->setSpacing(20);
    l->addLayout(m_businessGrid, 1);
    auto *back = bigButton(tr("Back"), QStringLiteral("back"));
    back->setMinimumHeight(100);
    back->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(back, &QPushButton::clicked, m_controller, &KioskController::cancel);
    l->addWidget(back);
    return w;
}

void KioskScreen::rebuildBusinesses()
{
    if (!m_businessGrid)
        return; // the page is not made yet: it is filled when it is
    for (QPushButton *b : std::as_const(m_businessButtons)) {
        m_businessGrid->removeWidget(b);
        b->hide();
        b->deleteLater();
    }
    m_businessButtons.clear();
    const BusinessModel *model = m_controller->businesses();
    const bool elderly = m_controller->isElderly();
    // Elderly mode: fewer, larger choices — only what can be taken now, one per row.
    const bool portrait = m_controller->config().orientation == KioskConfig::Orientation::Portrait;
    const int columns = elderly ? (portrait ? 1 : 2) : (portrait ? 2 : 3);
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex i = model->index(row);
        const bool available = i.data(BusinessModel::AvailableRole).toBool();
        if (elderly && !available)
            continue;
        const QString code = i.data(BusinessModel::CodeRole).toString();
        auto *b = bigButton(i.data().toString() + u'\n' + fitted(i.data(BusinessModel::DetailRole).toString(), columns),
                            QStringLiteral("business-") + code);
        b->setProperty("available", available);
        // The text decides nothing about the width: the columns share the screen.
        b->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
        connect(b, &QPushButton::clicked, m_controller, [this, code] { m_controller->chooseBusiness(code); });
        m_businessGrid->addWidget(b, n / columns, n % columns);
        m_businessButtons.insert(code, b);
        ++n;
    }
    applyStyle();
}

// A QPushButton does not wrap: a line wider than its column (the server's reason a business
// cannot be taken) is broken in two, at a comma near the middle if there is one, so it is
// readable whole instead of cut at both ends.
QString KioskScreen::fitted(const QString &line, int columns) const
{
    QFont f = font();
    f.setPixelSize(basePx(m_controller->isElderly()));
    const QFontMetrics fm(f);
    // The page's margins and the grid's spacing, then the button's border, padding and a little air.
    const int width = (this->width() - 80 - 20 * (columns - 1)) / columns - 2 * (3 + 16) - 12;
    if (line.size() < 2 || fm.horizontalAdvance(line) <= width)
        return line;
    qsizetype cut = line.size() / 2;
    for (qsizetype d = 0; d <= line.size() / 4; ++d) {
        if (line.at(cut + d - 1) == u'，' || line.at(cut + d - 1) == u',') {
            cut += d;
            break;
        }
        if (line.at(cut - d - 1) == u'，' || line.at(cut - d - 1) == u',') {
            cut -= d;
            break;
        }
    }
    return line.left(cut) + u'\n' + line.mid(cut);
}

QWidget *KioskScreen::makeIdentify()
{
    auto *w = new QWidget;
    auto *outer = new QVBoxLayout(w);
    outer->addStretch(1);
    // No wider than a portrait screen, centred: an 11-digit number needs no 1,840-pixel field.
    auto *form = new QWidget(w);
    form->setMaximumWidth(1000);
    auto *centred = new QHBoxLayout;
    centred->addStretch(1);
    centred->addWidget(form, 100);
    centred->addStretch(1);
    outer->addLayout(centred);
    outer->addStretch(2);
    auto *l = new QVBoxLayout(form);
    l->setContentsMargins(0, 0, 0, 0);
    m_entryPrompt = label(QString(), QStringLiteral("heading"), form);
    l->addWidget(m_entryPrompt);
    m_entry = new QLineEdit(form);
    m_entry->setObjectName(QStringLiteral("entry"));
    m_entry->setAlignment(Qt::AlignCenter);
    m_entry->setMinimumHeight(120);
    connect(m_entry, &QLineEdit::returnPressed, m_controller, [this] { m_controller->submitEntry(m_entry->text()); });
    connect(m_entry, &QLineEdit::textChanged, m_controller, &KioskController::entryEdited);
    l->addWidget(m_entry);
    m_entryError = label(QString(), QStringLiteral("entryError"), w);
    l->addWidget(m_entryError);
    auto *row = new QHBoxLayout;
    m_entryBack = bigButton(tr("Back"), QStringLiteral("back"));
    // The reminder's number is optional: one touch prints the ticket without it.
    m_skipReminder = bigButton(tr("No, just my ticket"), QStringLiteral("skipReminder"));
    auto *ok = bigButton(tr("OK"), QStringLiteral("ok"));
    connect(m_entryBack, &QPushButton::clicked, m_controller, &KioskController::cancel);
    connect(m_skipReminder, &QPushButton::clicked, m_controller, &KioskController::skipReminder);
    connect(ok, &QPushButton::clicked, m_controller, [this] { m_controller->submitEntry(m_entry->text()); });
    row->addWidget(m_entryBack);
    row->addWidget(m_skipReminder);
    row->addWidget(ok);
    l->addLayout(row);
    return w;
}

QWidget *KioskScreen::makePrinting()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addWidget(label(tr("Printing your ticket…"), QStringLiteral("heading"), w));
    return w;
}

QWidget *KioskScreen::makeDone()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addStretch(1);
    l->addWidget(label(tr("Please take your ticket"), QStringLiteral("heading"), w));
    m_doneNumber = label(QString(), QStringLiteral("ticketNumber"), w);
    l->addWidget(m_doneNumber);
    m_doneDetail = label(QString(), QStringLiteral("ticketDetail"), w);
    l->addWidget(m_doneDetail);
    l->addWidget(label(tr("Please wait in the hall and listen for your number; the wall screen shows it too."), QStringLiteral("hint"), w));
    auto *ok = bigButton(tr("Done"), QStringLiteral("done"));
    connect(ok, &QPushButton::clicked, m_controller, &KioskController::cancel);
    l->addWidget(ok);
    l->addStretch(1);
    return w;
}

QWidget *KioskScreen::makeMessage()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addStretch(1);
    m_messageTitle = label(QString(), QStringLiteral("heading"), w);
    m_messageText = label(QString(), QStringLiteral("messageText"), w);
    l->addWidget(m_messageTitle);
    l->addWidget(m_messageText);
    // After a failed print: when the printer works again, a new ticket for the same business.
    m_newTicketHint = label(QString(), QStringLiteral("hint"), w);
    l->addWidget(m_newTicketHint);
    m_newTicket = bigButton(tr("Take a new ticket"), QStringLiteral("newTicket"));
    connect(m_newTicket, &QPushButton::clicked, m_controller, &KioskController::takeNewTicket);
    l->addWidget(m_newTicket);
    auto *ok = bigButton(tr("Back to the start"), QStringLiteral("back"));
    connect(ok, &QPushButton::clicked, m_controller, &KioskController::cancel);
    l->addWidget(ok);
    l->addStretch(1);
    return w;
}

QWidget *KioskScreen::makeReprint()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addStretch(1);
    m_reprintText = label(QString(), QStringLiteral("heading"), w);
    l->addWidget(m_reprintText);
    auto *row = new QHBoxLayout;
    auto *no = bigButton(tr("No, thank you"), QStringLiteral("back"));
    auto *yes = bigButton(tr("Print it again"), QStringLiteral("reprint"));
    connect(no, &QPushButton::clicked, m_controller, &KioskController::cancel);
    connect(yes, &QPushButton::clicked, m_controller, &KioskController::acceptReprint);
    row->addWidget(no);
    row->addWidget(yes);
    l->addLayout(row);
    l->addStretch(1);
    return w;
}

QWidget *KioskScreen::makeClosed()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addStretch(1);
    l->addWidget(label(tr("We are closed"), QStringLiteral("welcome"), w));
    m_closedText = label(QString(), QStringLiteral("heading"), w);
    l->addWidget(m_closedText);
    l->addStretch(1);
    return w;
}

QWidget *KioskScreen::makeMaintenance()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addWidget(label(tr("Maintenance"), QStringLiteral("heading"), w));
    m_devices = label(QString(), QStringLiteral("devices"), w);
    m_devices->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_sync = label(QString(), QStringLiteral("sync"), w);
    m_sync->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_note = label(QString(), QStringLiteral("note"), w);
    l->addWidget(m_devices);
    l->addWidget(m_sync);
    l->addWidget(m_note);
    auto *grid = new QGridLayout;
    auto *test = bigButton(tr("Print a test ticket"), QStringLiteral("testTicket"));
    auto *paper = bigButton(tr("New paper roll: reset the counter"), QStringLiteral("resetPaper"));
    auto *back = bigButton(tr("Back to tickets"), QStringLiteral("leaveMaintenance"));
    auto *quit = bigButton(tr("Close the kiosk program"), QStringLiteral("quit"));
    connect(test, &QPushButton::clicked, m_controller, &KioskController::printTestTicket);
    connect(paper, &QPushButton::clicked, m_controller, &KioskController::resetPaperCounter);
    connect(back, &QPushButton::clicked, m_controller, &KioskController::leaveMaintenance);
    connect(quit, &QPushButton::clicked, qApp, &QCoreApplication::quit);
    grid->addWidget(test, 0, 0);
    grid->addWidget(paper, 0, 1);
    grid->addWidget(back, 1, 0);
    grid->addWidget(quit, 1, 1);
    l->addLayout(grid, 1);
    return w;
}

QWidget *KioskScreen::makeCodePrompt()
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    l->addStretch(1);
    l->addWidget(label(tr("Maintenance code"), QStringLiteral("heading"), w));
    m_code = new QLineEdit(w);
    m_code->setObjectName(QStringLiteral("maintenanceCode"));
    m_code->setEchoMode(QLineEdit::Password);
    m_code->setAlignment(Qt::AlignCenter);
    m_code->setMinimumHeight(120);
    m_codeError = label(QString(), QStringLiteral("messageText"), w);
    auto submit = [this] {
        if (!m_controller->unlockMaintenance(m_code->text()))
            m_codeError->setText(tr("Wrong code"));
        m_code->clear();
    };
    connect(m_code, &QLineEdit::returnPressed, this, submit);
    l->addWidget(m_code);
    l->addWidget(m_codeError);
    auto *row = new QHBoxLayout;
    auto *back = bigButton(tr("Back"), QStringLiteral("back"));
    auto *ok = bigButton(tr("OK"), QStringLiteral("ok"));
    connect(back, &QPushButton::clicked, this, [this] { showScreen(m_controller->screen()); });
    connect(ok, &QPushButton::clicked, this, submit);
    row->addWidget(back);
    row->addWidget(ok);
    l->addLayout(row);
    l->addStretch(2);
    return w;
}

void KioskScreen::showScreen(KioskController::Screen screen)
{
    using S = KioskController::Screen;
    QWidget *shown = page(screen);
    if (screen != S::Identify && m_keyboard) {
        m_keyboard->attach(nullptr);
        m_keyboard->hide();
        if (m_entry)
            m_entry->clear(); // a typed number stays nowhere once its page is left
    }
    if (screen == S::Identify) {
        using E = KioskController::Entry;
        const E e = m_controller->entry();
        m_entry->clear();
        m_entry->setMaxLength(e == E::Phone || e == E::Reminder ? 11 : 64);
        m_entryPrompt->setText(e == E::Phone         ? tr("Your mobile number")
                               : e == E::Reminder    ? tr("Leave your mobile number and we will text you before you are called")
                               : e == E::Appointment ? tr("Your appointment code")
                                                     : tr("Your release password"));
        showKeyboardFor(m_entry, e == E::Appointment ? KeyboardMode::Letters : KeyboardMode::Digits);
    }
    m_stack->setCurrentWidget(shown);
    refresh();
}

void KioskScreen::refresh()
{
    using S = KioskController::Screen;
    const QString hall = m_controller->hallName();
    // Elderly mode: the hall's name alone, so it stays on one line in the larger type.
    m_title->setText(hall.isEmpty() ? tr("Self-service tickets")
                                    : (m_controller->isElderly() ? hall : tr("%1 · Self-service tickets").arg(hall)));
    m_elderly->setText(m_controller->isElderly() ? tr("Standard mode") : tr("Elderly mode 长者模式"));
    const QString status = m_controller->statusText();
    m_banner->setText(status);
    m_banner->setVisible(!status.isEmpty());
    // Each page's part only once the page is made (it is refreshed then).
    if (m_identity) {
        m_identity->setText(m_controller->identityText());
        m_identity->setVisible(!m_identity->text().isEmpty());
    }
    if (m_entryError) {
        m_entryError->setText(m_controller->entryError());
        m_entryError->setVisible(!m_entryError->text().isEmpty());
        // Elderly mode keeps the reminder to two choices: the number, or the ticket without it.
        const bool reminder = m_controller->entry() == KioskController::Entry::Reminder;
        m_skipReminder->setVisible(reminder);
        m_entryBack->setVisible(!reminder || !m_controller->isElderly());
    }
    if (const auto t = m_controller->ticket(); t && m_doneNumber) {
        m_doneNumber->setText(t->number);
        QStringList detail{t->businessName};
        if (t->peopleAhead >= 0)
            detail.append(tr("%n people ahead of you", nullptr, t->peopleAhead));
        if (t->peopleAhead > 0)
            detail.append(tr("Estimated wait: about %1 min").arg(m_controller->ticketWaitMinutes()));
        if (m_controller->ticketFromLease())
            detail.append(tr("Issued offline: joins the queue when the network is back"));
        if (const QString reminder = m_controller->ticketReminderText(); !reminder.isEmpty())
            detail.append(reminder);
        m_doneDetail->setText(detail.join(u'\n'));
    }
    if (m_messageTitle) {
        m_messageTitle->setText(m_controller->messageTitle());
        m_messageText->setText(m_controller->messageText());
        m_newTicketHint->setText(m_controller->newTicketHint());
        m_newTicketHint->setVisible(!m_newTicketHint->text().isEmpty());
        m_newTicket->setVisible(m_controller->canTakeNewTicket());
    }
    if (m_reprintText)
        m_reprintText->setText(m_controller->reprintText());
    if (m_closedText)
        m_closedText->setText(m_controller->closedText());
    if (m_controller->screen() == S::Maintenance && m_devices) {
        m_devices->setText(m_controller->deviceLines().join(u'\n'));
        m_sync->setText(m_controller->syncText());
        m_note->setText(m_controller->maintenanceNote());
    }
    applyStyle();
}

// Touch mode: big type everywhere; elderly mode: larger still, white and yellow on black.
void KioskScreen::applyStyle()
{
    const bool elderly = m_controller->isElderly();
    const bool wasElderly = property("elderly").toBool();
    const int base = basePx(elderly);
    const QString sheet = QStringLiteral(
        "#kiosk { background: %1; }"
        "QLabel { color: %2; font-size: %3px; }"
        "#title { font-size: %4px; font-weight: bold; }"
        "#welcome { font-size: %5px; font-weight: bold; color: %6; }"
        "#heading { font-size: %4px; font-weight: bold; }"
        "#ticketNumber { font-size: %7px; font-weight: bold; color: %6; }"
        "#banner { background: #b3261e; color: white; padding: 12px; border-radius: 8px; }"
        "#identity { color: %6; }"
        "#entryError { color: %14; font-weight: bold; }"
        "QPushButton { font-size: %3px; color: %2; background: %8; border: 3px solid %9; border-radius: 18px; padding: 16px; }"
        "QPushButton:pressed { background: %9; }"
        "QPushButton#takeTicket { font-size: %4px; font-weight: bold; background: %10; color: white; }"
        "QPushButton#byPhone, QPushButton#byAppointment, QPushButton#byPassword { padding: 16px 4px; }"
        "QPushButton[available=\"false\"] { color: %11; background: %12; border-color: %12; }"
        "QPushButton#elderlyButton { font-size: %13px; padding: 10px 24px; }"
        "QLineEdit { font-size: %4px; color: %2; background: %8; border: 3px solid %9; border-radius: 12px; }")
        .arg(elderly ? QStringLiteral("#000000") : QStringLiteral("#eef3f8"))
        .arg(elderly ? QStringLiteral("#ffffff") : QStringLiteral("#14213d"))
        .arg(base)
        .arg(base + 12)
        .arg(base * 2 + 8)
        .arg(elderly ? QStringLiteral("#ffd400") : QStringLiteral("#0b5cad"))
        .arg(elderly ? 260 : 200)
        .arg(elderly ? QStringLiteral("#1a1a1a") : QStringLiteral("#ffffff"))
        .arg(elderly ? QStringLiteral("#ffd400") : QStringLiteral("#0b5cad"))
        .arg(elderly ? QStringLiteral("#005a9c") : QStringLiteral("#0b5cad"))
        .arg(elderly ? QStringLiteral("#bbbbbb") : QStringLiteral("#6b7280"))
        .arg(elderly ? QStringLiteral("#333333") : QStringLiteral("#dde3ea"))
        .arg(base - 4)
        .arg(elderly ? QStringLiteral("#ff8a80") : QStringLiteral("#b3261e"));
    if (sheet != styleSheet())
        setStyleSheet(sheet);
    if (elderly != wasElderly) {
        setProperty("elderly", elderly);
        rebuildBusinesses();
    }
}

} // namespace hall::kiosk
