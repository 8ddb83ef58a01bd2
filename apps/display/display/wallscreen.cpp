#include "wallscreen.h"

#include "callqueue.h"
#include "displaycontroller.h"

#include <ui/mediaarea.h>

#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>

namespace hall::display {

namespace {

QLocale wallLocale()
{
    // The language the wall speaks is its translation's: dates follow it.
    return QLocale(WallScreen::tr("en_US", "the locale of this translation (e.g. zh_CN)"));
}

QColor darker(const QColor &c, int factor)
{
    return c.darker(factor);
}

} // namespace

// ---- CallOverlay ----

CallOverlay::CallOverlay(DisplayController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    hide();
}

QStringList CallOverlay::lines() const
{
    const std::optional<Call> &call = m_controller->calls()->current();
    if (!call)
        return {};
    QStringList out;
    out.append(call->isRecall() ? tr("Calling again") : tr("Now calling"));
    out.append(call->number);
    out.append(tr("Please go to window %1").arg(call->window));
    // A window named only by its number ("1号窗口") is said once.
    QString detail = call->windowName == WallScreen::tr("Window %1").arg(call->window) ? QString() : call->windowName;
    if (!call->holderName.isEmpty())
        detail = detail.isEmpty() ? call->holderName : tr("%1 · %2").arg(call->holderName, detail);
    out.append(detail);
    return out;
}

void CallOverlay::paintEvent(QPaintEvent *)
{
    const Layout &layout = m_controller->layout();
    QPainter p(this);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.fillRect(rect(), darker(layout.background, 130));
    const QStringList text = lines();
    if (text.isEmpty())
        return;
    const double scale = std::min(width() / double(layout.design.width()), height() / double(layout.design.height()));
    QFont base;
    if (!layout.fontFamily.isEmpty())
        base.setFamily(layout.fontFamily);
    base.setBold(true);
    const int line = int(layout.enlargedFontSize * scale);
    QFont small = base;
    small.setPixelSize(std::max(1, line / 3));
    QFont big = base;
    big.setPixelSize(std::max(1, line));

    // kind | number (largest) | window | window name: stacked around the middle.
    const int margin = width() / 20;
    const int w = width() - 2 * margin;
    const int h0 = line / 3 + line / 10;
    const int h1 = int(line * 1.15);
    const int h2 = int(line / 2.0 * 1.3);
    const int total = h0 + h1 + h2 + h0;
    int y = (height() - total) / 2;
    p.setPen(layout.muted);
    ui::drawFittedText(p, QRect(margin, y, w, h0), Qt::AlignCenter, text.at(0), small);
    y += h0;
    p.setPen(layout.number);
    ui::drawFittedText(p, QRect(margin, y, w, h1), Qt::AlignCenter, text.at(1), big);
    y += h1;
    QFont mid = base;
    mid.setPixelSize(std::max(1, line / 2));
    p.setPen(layout.text);
    ui::drawFittedText(p, QRect(margin, y, w, h2), Qt::AlignCenter, text.at(2), mid);
    y += h2;
    if (!text.at(3).isEmpty()) {
        p.setPen(layout.muted);
        ui::drawFittedText(p, QRect(margin, y, w, h0), Qt::AlignCenter, text.at(3), small);
    }
    Q_EMIT painted(m_controller->calls()->current()->announcementId());
}

// ---- WallScreen ----

WallScreen::WallScreen(DisplayController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_layout(controller->layout())
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setWindowTitle(tr("Hall display"));
    setCursor(Qt::BlankCursor);
    setMinimumSize(640, 360);

    if (const Area *media = m_layout.area(Area::Kind::Media)) {
        m_media = new ui::MediaArea(this);
        m_media->setBackground(m_layout.panel);
        m_media->setImageSeconds(media->imageSeconds);
        QPalette pal = m_media->palette();
        pal.setColor(QPalette::WindowText, m_layout.muted);
        m_media->setPalette(pal);
        m_media->setFont(font(56, true));
        // An empty or missing folder still shows a greeting, not a hole in the wall.
        m_media->setPlaceholder(tr("Welcome"));
        m_media->setFolder(media->folder);
    }
    m_overlay = new CallOverlay(controller, this);
    m_blank = new QWidget(this);
    m_blank->setObjectName(QStringLiteral("blank"));
    m_blank->setAutoFillBackground(true);
    QPalette black = m_blank->palette();
    black.setColor(QPalette::Window, Qt::black);
    m_blank->setPalette(black);
    m_blank->setVisible(!controller->isScreenOn());

    connect(controller, &DisplayController::stateChanged, this, [this] { update(); });
    connect(controller, &DisplayController::offlineChanged, this, [this] { update(); });
    connect(controller, &DisplayController::noticeChanged, this, &WallScreen::updateNotice);
    connect(controller, &DisplayController::screenOnChanged, this, [this](bool on) {
        m_blank->setVisible(!on);
        m_blank->raise();
        on ? m_noticeTimer.start() : m_noticeTimer.stop();
    });
    connect(controller->calls(), &CallQueue::currentChanged, this, &WallScreen::showCurrentCall);

    m_clockTimer.setInterval(1000);
    connect(&m_clockTimer, &QTimer::timeout, this, [this] {
        update(areaRect(Area::Kind::Header));
    });
    m_clockTimer.start();
    // About 30 frames a second for the notice strip only.
    m_noticeTimer.setInterval(33);
    connect(&m_noticeTimer, &QTimer::timeout, this, [this] { update(areaRect(Area::Kind::Notice)); });
    if (m_layout.area(Area::Kind::Notice) && controller->isScreenOn())
        m_noticeTimer.start();
    const Area *windows = m_layout.area(Area::Kind::Windows);
    m_pageTimer.setInterval(windows->pageSeconds * 1000);
    connect(&m_pageTimer, &QTimer::timeout, this, [this] {
        ++m_windowsPage;
        ++m_waitingPage;
        update();
    });
    m_pageTimer.start();
    relayout();
    showCurrentCall();
}

WallScreen::~WallScreen() = default;

bool WallScreen::isBlanked() const
{
    return m_blank->isVisible();
}

QRect WallScreen::areaRect(Area::Kind kind) const
{
    for (int i = 0; i < m_layout.areas.size(); ++i) {
        if (m_layout.areas.at(i).kind == kind)
            return m_rects.value(i);
    }
    return {};
}

QFont WallScreen::font(int designPixels, bool bold) const
{
    QFont f;
    if (!m_layout.fontFamily.isEmpty())
        f.setFamily(m_layout.fontFamily);
    f.setPixelSize(std::max(1, int(designPixels * m_scale)));
    f.setBold(bold);
    return f;
}

void WallScreen::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void WallScreen::relayout()
{
    m_scale = std::min(width() / double(m_layout.design.width()), height() / double(m_layout.design.height()));
    m_origin = QPoint(int(width() - m_layout.design.width() * m_scale) / 2, int(height() - m_layout.design.height() * m_scale) / 2);
    m_rects.clear();
    for (const Area &a : m_layout.areas) {
        const QRectF r(a.rect.x() * m_scale, a.rect.y() * m_scale, a.rect.width() * m_scale, a.rect.height() * m_scale);
        m_rects.append(r.translated(m_origin).toAlignedRect());
    }
    if (m_media) {
        m_media->setGeometry(areaRect(Area::Kind::Media).adjusted(int(12 * m_scale), int(6 * m_scale), -int(12 * m_scale), -int(6 * m_scale)));
        m_media->setFont(font(56, true));
    }
    m_overlay->setGeometry(rect());
    m_blank->setGeometry(rect());
    m_blank->raise();
    updateNotice();
}

void WallScreen::updateNotice()
{
    if (const Area *notice = m_layout.area(Area::Kind::Notice)) {
        m_marquee.setText(m_controller->notice(), font(notice->fontSize), m_layout.text, devicePixelRatioF());
        m_marquee.setSpeed(int(notice->speed * m_scale));
        update(areaRect(Area::Kind::Notice));
    }
}

void WallScreen::showCurrentCall()
{
    const bool calling = m_controller->calls()->current().has_value();
    m_overlay->setVisible(calling);
    if (calling) {
        m_overlay->raise();
        m_blank->raise();
        m_overlay->update();
    }
}

QStringList WallScreen::headerLines() const
{
    const QDateTime now = m_controller->now();
    const QLocale locale = wallLocale();
    return {m_controller->isOffline() ? m_controller->offlineText() : m_controller->title(),
            locale.toString(now.date(), QLocale::LongFormat), now.toString(QStringLiteral("HH:mm"))};
}

void WallScreen::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(event->rect(), m_layout.background);
    for (int i = 0; i < m_layout.areas.size(); ++i) {
        const Area &a = m_layout.areas.at(i);
        const QRect &r = m_rects.at(i);
        if (!event->rect().intersects(r))
            continue;
        switch (a.kind) {
        case Area::Kind::Header:
            paintHeader(p, a, r);
            break;
        case Area::Kind::Windows:
            paintWindows(p, a, r);
            break;
        case Area::Kind::Waiting:
            paintWaiting(p, a, r);
            break;
        case Area::Kind::Media:
            break; // its own widget
        case Area::Kind::Notice:
            p.fillRect(r, m_layout.panel);
            m_marquee.paint(p, r.adjusted(int(24 * m_scale), 0, -int(24 * m_scale), 0));
            break;
        }
    }
    // Offline with a layout that has no header: the notice goes over the top of the windows.
    if (m_controller->isOffline() && !m_layout.area(Area::Kind::Header)) {
        const QRect band(0, 0, width(), int(72 * m_scale));
        p.fillRect(band, m_layout.offline);
        p.setPen(Qt::white);
        ui::drawFittedText(p, band.adjusted(int(24 * m_scale), 0, -int(24 * m_scale), 0), Qt::AlignCenter,
                           m_controller->offlineText(), font(48, true));
    }
}

void WallScreen::paintHeader(QPainter &p, const Area &area, const QRect &r)
{
    const bool offline = m_controller->isOffline();
    p.fillRect(r, offline ? m_layout.offline : m_layout.panel);
    const QStringList lines = headerLines();
    const int pad = int(32 * m_scale);
    const QRect inner = r.adjusted(pad, 0, -pad, 0);
    // Right: the time large; the date beside it, except offline, when the notice needs the room.
    const QFont timeFont = font(area.fontSize, true);
    const int timeWidth = QFontMetrics(timeFont).horizontalAdvance(lines.at(2));
    const QRect timeRect(inner.right() - timeWidth, inner.y(), timeWidth, inner.height());
    p.setPen(m_layout.text);
    p.setFont(timeFont);
    p.drawText(timeRect, Qt::AlignRight | Qt::AlignVCenter, lines.at(2));
    int left = timeRect.left() - pad;
    if (!offline) {
        const QFont dateFont = font(std::max(Layout::MinimumFontSize, area.fontSize * 2 / 3));
        const int dateWidth = QFontMetrics(dateFont).horizontalAdvance(lines.at(1));
        const QRect dateRect(left - dateWidth, inner.y(), dateWidth, inner.height());
        p.setPen(m_layout.muted);
        p.setFont(dateFont);
        p.drawText(dateRect, Qt::AlignRight | Qt::AlignVCenter, lines.at(1));
        left = dateRect.left() - pad;
    }
    // Left: the hall, or what the wall must say about its link.
    p.setPen(m_layout.text);
    ui::drawFittedText(p, QRect(inner.left(), inner.y(), left - inner.left(), inner.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       lines.at(0), font(area.fontSize, true));
}

void WallScreen::paintWindows(QPainter &p, const Area &area, const QRect &r)
{
    const WindowsModel *model = m_controller->windows();
    const int perPage = area.rows * area.columns;
    const int count = model->rowCount();
    const int pages = std::max(1, (count + perPage - 1) / perPage);
    const int page = m_windowsPage % pages;
    const int gap = int(12 * m_scale);
    const double cellW = r.width() / double(area.columns);
    const double cellH = r.height() / double(area.rows);
    const QFont labelFont = font(area.fontSize, true);
    const QFont numberFont = font(int(area.fontSize * 1.25), true);
    const int nameSize = std::max(Layout::MinimumFontSize, area.fontSize * 2 / 3);
    const bool twoLines = cellH * 1.0 / m_scale >= area.fontSize + nameSize + 16;
    const QFont nameFont = font(nameSize);
    for (int i = 0; i < perPage; ++i) {
        const int row = page * perPage + i;
        if (row >= count)
            break;
        const int cr = i / area.columns, cc = i % area.columns;
        const QRect cell = QRectF(r.x() + cc * cellW, r.y() + cr * cellH, cellW, cellH).toAlignedRect().adjusted(gap, gap / 2, -gap, -gap / 2);
        const auto state = core::WindowState(model->index(row, 0).data(WindowsModel::StateRole).toInt());
        const bool calling = model->index(row, 0).data(WindowsModel::CallingRole).toBool();
        QPainterPath path;
        path.addRoundedRect(cell, 10 * m_scale, 10 * m_scale);
        p.fillPath(path, m_layout.panel);
        if (calling) {
            p.setPen(QPen(m_layout.number, 4 * m_scale));
            p.drawPath(path);
        }
        const int pad = int(20 * m_scale);
        const QRect inner = cell.adjusted(pad, 0, -pad, 0);
        const QRect left(inner.left(), inner.top(), inner.width() * 45 / 100, inner.height());
        const QRect right(left.right() + pad, inner.top(), inner.right() - left.right() - pad, inner.height());
        const QString label = tr("Window %1").arg(model->index(row, WindowsModel::Number).data().toString());
        QString name = model->index(row, WindowsModel::Name).data().toString();
        if (name == label) // "1号窗口" named "1号窗口": once is enough
            name.clear();
        p.setPen(state == core::WindowState::Offline ? m_layout.muted : m_layout.text);
        if (twoLines && !name.isEmpty()) {
            const QRect top(left.x(), left.y(), left.width(), left.height() * 55 / 100);
            const QRect bottom(left.x(), top.bottom(), left.width(), left.height() - top.height());
            ui::drawFittedText(p, top, Qt::AlignLeft | Qt::AlignBottom, label, labelFont);
            p.setPen(m_layout.muted);
            ui::drawFittedText(p, bottom, Qt::AlignLeft | Qt::AlignTop, name, nameFont);
        } else {
            ui::drawFittedText(p, left, Qt::AlignLeft | Qt::AlignVCenter, label, labelFont);
        }
        const QString now = model->index(row, WindowsModel::Current).data().toString();
        QColor color = m_layout.text;
        QFont f = numberFont;
        if (state == core::WindowState::Serving) {
            color = m_layout.number;
        } else {
            color = state == core::WindowState::Paused ? m_layout.paused : m_layout.muted;
            f = labelFont;
        }
        p.setPen(color);
        ui::drawFittedText(p, right, Qt::AlignRight | Qt::AlignVCenter, now, f);
    }
}

void WallScreen::paintWaiting(QPainter &p, const Area &area, const QRect &r)
{
    const WaitingModel *model = m_controller->waiting();
    QPainterPath path;
    const QRect box = r.adjusted(int(12 * m_scale), int(6 * m_scale), -int(12 * m_scale), -int(6 * m_scale));
    path.addRoundedRect(box, 10 * m_scale, 10 * m_scale);
    p.fillPath(path, m_layout.panel);
    const int pad = int(24 * m_scale);
    const int lineH = int(area.fontSize * 1.45 * m_scale);
    const QRect inner = box.adjusted(pad, pad / 2, -pad, -pad / 2);
    p.setPen(m_layout.muted);
    ui::drawFittedText(p, QRect(inner.x(), inner.y(), inner.width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
                       tr("Waiting"), font(area.fontSize, true));
    const int perPage = std::max(1, (inner.height() - lineH) / std::max(1, lineH));
    const int count = model->rowCount();
    const int pages = std::max(1, (count + perPage - 1) / perPage);
    const int page = m_waitingPage % pages;
    const QFont nameFont = font(area.fontSize);
    const QFont countFont = font(area.fontSize, true);
    for (int i = 0; i < perPage; ++i) {
        const int row = page * perPage + i;
        if (row >= count)
            break;
        const QRect line(inner.x(), inner.y() + lineH * (i + 1), inner.width(), lineH);
        const QString count = model->index(row, WaitingModel::Waiting).data().toString();
        const int countWidth = line.width() * 35 / 100;
        const bool available = model->index(row, 0).data(WaitingModel::AvailableRole).toBool();
        p.setPen(available ? m_layout.text : m_layout.muted);
        ui::drawFittedText(p, line.adjusted(0, 0, -countWidth - pad, 0), Qt::AlignLeft | Qt::AlignVCenter,
                           model->index(row, WaitingModel::Business).data().toString(), nameFont);
        p.setPen(available ? m_layout.number : m_layout.muted);
        ui::drawFittedText(p, QRect(line.right() - countWidth, line.y(), countWidth, line.height()), Qt::AlignRight | Qt::AlignVCenter,
                           count, countFont);
    }
}

} // namespace hall::display
