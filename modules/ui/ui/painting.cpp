#include "painting.h"

#include "style.h"

#include <QFontMetricsF>
#include <QPainter>

namespace hall::ui {

QFont fittedFont(const QFont &font, const QString &text, const QSize &box)
{
    // One measurement at the given size, then one step: text width grows with the pixel size,
    // and every size tried would cost a font engine of its own (glyphs at wall sizes are big).
    const QSizeF size = QFontMetricsF(font).size(Qt::TextSingleLine, text);
    const double factor = std::min(box.width() / std::max(1.0, size.width()), box.height() * 1.25 / std::max(1.0, size.height()));
    if (factor >= 1.0)
        return font;
    return scaledFont(font, std::max(0.2, factor * 0.98));
}

void drawFittedText(QPainter &p, const QRect &box, int flags, const QString &text, const QFont &font)
{
    p.setFont(fittedFont(font, text, box.size()));
    p.drawText(box, flags | Qt::TextSingleLine, text);
}

void Marquee::setText(const QString &text, const QFont &font, const QColor &color, qreal devicePixelRatio)
{
    m_text = text;
    const QFontMetrics fm(font);
    const QSize size(std::max(1, fm.horizontalAdvance(text)), fm.height());
    m_pixmap = QPixmap(size * devicePixelRatio);
    m_pixmap.setDevicePixelRatio(devicePixelRatio);
    m_pixmap.fill(Qt::transparent);
    QPainter p(&m_pixmap);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.setFont(font);
    p.setPen(color);
    p.drawText(QRect(QPoint(0, 0), size), Qt::AlignLeft | Qt::AlignVCenter, text);
    m_clock.start();
}

void Marquee::paint(QPainter &p, const QRect &box)
{
    if (m_text.isEmpty())
        return;
    const QSize size = m_pixmap.deviceIndependentSize().toSize();
    const int y = box.y() + (box.height() - size.height()) / 2;
    p.save();
    p.setClipRect(box);
    if (size.width() <= box.width()) {
        p.drawPixmap(box.x() + (box.width() - size.width()) / 2, y, m_pixmap);
    } else {
        // In from the right edge, out at the left, then again.
        const qint64 travel = box.width() + size.width();
        const qint64 offset = (m_clock.elapsed() * m_speed / 1000) % travel;
        p.drawPixmap(int(box.right() - offset), y, m_pixmap);
    }
    p.restore();
}

} // namespace hall::ui
