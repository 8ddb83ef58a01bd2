#pragma once

#include <ui/ui_export.h>

#include <QElapsedTimer>
#include <QFont>
#include <QPixmap>
#include <QRect>
#include <QString>

QT_BEGIN_NAMESPACE
class QPainter;
QT_END_NAMESPACE

namespace hall::ui {

// For screens that paint their large elements themselves (the wall display, a kiosk's attract
// screen): text in a box at the largest size up to `font`'s that fits, never cut off.
HALL_UI_EXPORT QFont fittedFont(const QFont &font, const QString &text, const QSize &box);
HALL_UI_EXPORT void drawFittedText(QPainter &p, const QRect &box, int flags, const QString &text, const QFont &font);

// A scrolling line of text (a notice): the text is rendered once into a pixmap and drawn at an
// offset that depends only on the time, so a repaint of its strip costs one blit and the speed
// is the same whatever the frame rate.
class HALL_UI_EXPORT Marquee
{
public:
    void setText(const QString &text, const QFont &font, const QColor &color, qreal devicePixelRatio = 1.0);
    QString text() const { return m_text; }
    void setSpeed(int pixelsPerSecond) { m_speed = pixelsPerSecond; }
    // Text narrower than the box stands still, centred.
    void paint(QPainter &p, const QRect &box);

private:
    QString m_text;
    QPixmap m_pixmap;
    int m_speed = 120;
    QElapsedTimer m_clock;
};

} // namespace hall::ui
