#pragma once

#include <ui_capture/ui_capture_export.h>

#include <imaging/pageprocessing.h>

#include <QGraphicsView>

#include <array>
#include <optional>

QT_BEGIN_NAMESPACE
class QGraphicsPixmapItem;
class QGraphicsPolygonItem;
QT_END_NAMESPACE

namespace hall::ui {

class CornerHandle;

// Shows one image — a live camera preview or a captured page — fitted to the widget or zoomed,
// and in crop mode four corner handles the user drags onto the page's corners (a perspective
// crop, as document-camera software does). Ctrl + wheel zooms, dragging pans when zoomed.
class HALL_UI_CAPTURE_EXPORT PageView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit PageView(QWidget *parent = nullptr);
    ~PageView() override;

    // A new image; the zoom stays fitted unless the user zoomed and the size is unchanged.
    void setImage(const QImage &image);
    QImage image() const { return m_image; }
    // Text shown instead of an image (no camera, nothing captured yet…).
    void setPlaceholder(const QString &text);

    // A non-editable outline drawn over the image (the page auto-crop would take).
    void setOutline(const std::optional<imaging::Quad> &quad);

    // Crop mode: handles at `quad` (image pixels), or at the image's corners when empty.
    void beginCrop(const std::optional<imaging::Quad> &quad);
    imaging::Quad cropQuad() const;
    void endCrop();
    bool isCropping() const { return m_cropping; }

    double zoom() const; // 1.0: one image pixel per screen pixel
    bool isFitted() const { return m_fit; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void actualSize();

Q_SIGNALS:
    void cropChanged();
    void zoomChanged(double zoom);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    friend class CornerHandle;
    void setZoom(double zoom);
    void cornerMoved();

    QGraphicsScene m_scene;
    QGraphicsPixmapItem *m_pixmap = nullptr;
    QGraphicsPolygonItem *m_outline = nullptr;
    QGraphicsPolygonItem *m_cropOutline = nullptr;
    std::array<CornerHandle *, 4> m_handles{};
    QImage m_image;
    QString m_placeholder;
    bool m_fit = true;
    bool m_cropping = false;
};

} // namespace hall::ui
