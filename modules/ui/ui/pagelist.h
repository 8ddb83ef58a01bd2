#pragma once

#include <ui_capture/ui_capture_export.h>

#include <imaging/pageprocessing.h>

#include <QAbstractListModel>
#include <QImage>

#include <optional>

namespace hall::ui {

// How one captured page is turned into the page that is kept. Edits never touch the original,
// so every one can be changed or undone later: crop, quarter turns, mirror, then tone.
struct PageEdit
{
    enum class Tone { Colour, Gray, BlackWhite };

    std::optional<imaging::Quad> crop; // corners in the original's pixels; none: the whole image
    bool manualCrop = false;           // drawn by hand: made A4 only when it is almost exactly A4
    int rotation = 0;                  // clockwise quarter turns after the crop: 0, 90, 180, 270
    bool mirrored = false;             // flipped left to right after turning (a mirrored camera)
    Tone tone = Tone::Colour;
    int brightness = 0;                // −100…100
    double contrast = 1.0;             // 0.5…2

    bool operator==(const PageEdit &other) const = default;
};

struct Page
{
    enum class Origin { Camera, Scanner, File };

    QImage original;
    PageEdit edit;
    Origin origin = Origin::Camera;
    bool pageFound = false; // a camera photo where auto-crop found the sheet
    QImage result;          // original with edit applied
    QImage thumbnail;
};

// The pages of one material being captured, in order: the model behind the capture widget's
// page strip. It applies the edits (imaging module) so tests reach every rule without a window.
// Rows move with moveRows() (drag and drop in the strip, or the move buttons).
class HALL_UI_CAPTURE_EXPORT PageList : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { ResultRole = Qt::UserRole + 1, OriginalRole, DpiRole, PageFoundRole };

    explicit PageList(QObject *parent = nullptr);

    // A photo from a document camera: auto-cropped and deskewed when autoCrop and a page is
    // found (the corners are kept as an editable crop), else kept whole, then turned by
    // `rotation` (quarter turns, clockwise). Returns the new row.
    int addPhoto(const QImage &photo, bool autoCrop, PageEdit::Tone tone = PageEdit::Tone::Colour, int rotation = 0);
    // A flatbed or feeder page: straightened when its text lines are skewed.
    int addScan(const QImage &scan, bool deskew, PageEdit::Tone tone = PageEdit::Tone::Colour);

    // The same work without the model, safe on any thread (a 13 MP photo takes a third of a
    // second: the capture widget does it off the UI thread), then addPage() on the model's.
    static Page preparePhoto(const QImage &photo, bool autoCrop, PageEdit::Tone tone, int rotation);
    static Page prepareScan(const QImage &scan, bool deskew, PageEdit::Tone tone);
    // The pages of a file: an image (JPEG, PNG, BMP, TIFF …, turned as its EXIF orientation
    // says) or every page of a PDF, rendered at PdfDpi. Empty, with a message saying why, when
    // the file cannot be read.
    static QList<Page> prepareFile(const QString &file, PageEdit::Tone tone, QString *error);
    static constexpr int PdfDpi = 200; // enough for text on A4; a 20-page PDF stays light
    int addPage(Page page);

    int count() const { return int(m_pages.size()); }
    const Page &page(int row) const { return m_pages.at(row); }
    QList<QImage> results() const;

    void setEdit(int row, const PageEdit &edit);
    void rotate(int row, int degrees); // adds a quarter-turn multiple, clockwise positive
    void mirror(int row);              // flips left to right, or back
    void setCrop(int row, const std::optional<imaging::Quad> &crop); // a hand-drawn crop
    void setTone(int row, PageEdit::Tone tone);
    bool move(int from, int to);       // to: the row the page ends up at
    void remove(int row);
    void clear();

    static QImage applyEdit(const QImage &original, const PageEdit &edit);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                  const QModelIndex &destinationParent, int destinationChild) override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

    static constexpr int ThumbnailHeight = 150;

Q_SIGNALS:
    void pageChanged(int row);

private:
    void refresh(int row);

    QList<Page> m_pages;
};

} // namespace hall::ui
