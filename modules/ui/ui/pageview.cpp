#include "pageview.h"
#include "style.h"

#include <QGraphicsEllipseItem>
#include <QGraphicsPixmapItem>
#include <QGraphicsPolygonItem>
#include <QPainter>
#include <QResizeEvent>
#include <QWheelEvent>

#include <cmath>

namespace hall::ui {

namespace {
constexpr double ZoomStep = 1.25;
constexpr double MinZoom = 0.02;
constexpr double MaxZoom = 8.0;
constexpr qreal HandleRadius = 11; // screen pixels: big enough for a finger on a kiosk
} // namespace

// A corner of the crop: a round handle that keeps its size at any zoom and stays on the image.
class CornerHandle : public QGraphicsEllipseItem
{
public:
    explicit CornerHandle(PageView *view)
        : QGraphicsEllipseItem(-HandleRadius, -HandleRadius, 2 * HandleRadius, 2 * HandleRadius)
        , m_view(view)
    {
        setFlags(ItemIsMovable | ItemIgnoresTransformations | ItemSendsGeometryChanges);
        setBrush(QColor(0, 150, 255, 120));
        setPen(QPen(QColor(0, 110, 220), 2));
        setCursor(Qt::SizeAllCursor);
        setZValue(3);
    }

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override
    {
        if (change == ItemPositionChange && m_view->m_pixmap) {
            const QRectF bounds = m_view->m_pixmap->boundingRect();
            QPointF p = value.toPointF();
            p.setX(std::clamp(p.x(), bounds.left(), bounds.right() - 1));
            p.setY(std::clamp(p.y(), bounds.top(), bounds.bottom() - 1));
            return p;
        }
        if (change == ItemPositionHasChanged)
            m_view->cornerMoved();
        return QGraphicsEllipseItem::itemChange(change, value);
    }

private:
    PageView *m_view;
};

PageView::PageView(QWidget *parent)
    : QGraphicsView(parent)
{
    setScene(&m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setBackgroundBrush(QColor(0x3a, 0x3f, 0x44));
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(320, 240);

    m_pixmap = m_scene.addPixmap({});
    m_pixmap->setTransformationMode(Qt::SmoothTransformation);
    m_outline = m_scene.addPolygon({}, QPen(QColor(40, 220, 90), 3), Qt::NoBrush);
    m_outline->setZValue(1);
    m_outline->setVisible(false);
    QPen cropPen(QColor(0, 150, 255), 2, Qt::DashLine);
    cropPen.setCosmetic(true);
    m_cropOutline = m_scene.addPolygon({}, cropPen, QColor(0, 150, 255, 30));
    m_cropOutline->setZValue(2);
    m_cropOutline->setVisible(false);
    QPen outlinePen = m_outline->pen();
    outlinePen.setCosmetic(true);
    m_outline->setPen(outlinePen);
    for (auto &handle : m_handles) {
        handle = new CornerHandle(this);
        handle->setVisible(false);
        m_scene.addItem(handle);
    }
}

PageView::~PageView() = default;

void PageView::setImage(const QImage &image)
{
    const bool sameSize = image.size() == m_image.size();
    m_image = image;
    m_pixmap->setPixmap(QPixmap::fromImage(image));
    m_scene.setSceneRect(m_pixmap->boundingRect());
    if (m_fit || !sameSize)
        fitToWindow();
    viewport()->update();
}

void PageView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

void PageView::setOutline(const std::optional<imaging::Quad> &quad)
{
    if (!quad) {
        m_outline->setVisible(false);
        return;
    }
    m_outline->setPolygon(QPolygonF({(*quad)[0], (*quad)[1], (*quad)[2], (*quad)[3]}));
    m_outline->setVisible(true);
}

void PageView::beginCrop(const std::optional<imaging::Quad> &quad)
{
    const QRectF r = m_pixmap->boundingRect();
    const imaging::Quad q = quad.value_or(imaging::Quad{r.topLeft(), QPointF(r.right() - 1, r.top()),
                                                        QPointF(r.right() - 1, r.bottom() - 1),
                                                        QPointF(r.left(), r.bottom() - 1)});
    m_cropping = true;
    for (int i = 0; i < 4; ++i) {
        m_handles[i]->setPos(q[i]);
        m_handles[i]->setVisible(true);
    }
    m_cropOutline->setVisible(true);
    m_outline->setVisible(false);
    setDragMode(NoDrag);
    cornerMoved();
}

imaging::Quad PageView::cropQuad() const
{
    imaging::Quad q{};
    for (int i = 0; i < 4; ++i)
        q[i] = m_handles[i]->pos();
    return q;
}

void PageView::endCrop()
{
    m_cropping = false;
    for (auto *handle : m_handles)
        handle->setVisible(false);
    m_cropOutline->setVisible(false);
    setDragMode(ScrollHandDrag);
}

void PageView::cornerMoved()
{
    if (!m_cropping)
        return;
    const imaging::Quad q = cropQuad();
    m_cropOutline->setPolygon(QPolygonF({q[0], q[1], q[2], q[3]}));
    Q_EMIT cropChanged();
}

double PageView::zoom() const
{
    return transform().m11();
}

void PageView::setZoom(double zoom)
{
    zoom = std::clamp(zoom, MinZoom, MaxZoom);
    setTransform(QTransform::fromScale(zoom, zoom));
    Q_EMIT zoomChanged(zoom);
}

void PageView::zoomIn()
{
    m_fit = false;
    setZoom(zoom() * ZoomStep);
}

void PageView::zoomOut()
{
    m_fit = false;
    setZoom(zoom() / ZoomStep);
}

void PageView::actualSize()
{
    m_fit = false;
    setZoom(1.0);
}

void PageView::fitToWindow()
{
    m_fit = true;
    if (m_image.isNull()) {
        setZoom(1.0);
        return;
    }
    const QSizeF area = viewport()->size() - QSizeF(8, 8);
    setZoom(std::min(area.width() / m_image.width(), area.height() / m_image.height()));
    centerOn(m_pixmap);
}

void PageView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fit)
        fitToWindow();
}

void PageView::wheelEvent(QWheelEvent *event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    m_fit = false;
    setZoom(zoom() * std::pow(ZoomStep, event->angleDelta().y() / 120.0));
    event->accept();
}

void PageView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QGraphicsView::drawForeground(painter, rect);
    if (!m_image.isNull() || m_placeholder.isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setPen(QColor(0xdd, 0xdd, 0xdd));
    painter->setFont(scaledFont(font(), 1.4));
    painter->drawText(viewport()->rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                      m_placeholder);
    painter->restore();
}

} // namespace hall::ui
