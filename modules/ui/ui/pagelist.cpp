#include "pagelist.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QImageReader>
#include <QPainter>
#include <QPdfDocument>
#include <QMimeData>

namespace hall::ui {

namespace {

constexpr auto RowsMime = "application/x-hallsuite-page-rows";

QImage thumbnailOf(const QImage &image)
{
    if (image.isNull())
        return {};
    return image.scaledToHeight(PageList::ThumbnailHeight, Qt::SmoothTransformation);
}

} // namespace

PageList::PageList(QObject *parent)
    : QAbstractListModel(parent)
{}

QImage PageList::applyEdit(const QImage &original, const PageEdit &edit)
{
    QImage out = original;
    if (edit.crop) {
        // Auto-crop measures a photographed A4 sheet within a few percent, so it is snapped to
        // A4; a hand-drawn crop is what the officer meant (a 4:3 cut-out must stay 4:3).
        imaging::WarpOptions options;
        if (edit.manualCrop)
            options.a4Tolerance = 0.02;
        out = imaging::warpPage(original, *edit.crop, options);
    }
    if (edit.rotation % 360 != 0)
        out = imaging::rotated(out, edit.rotation);
    if (edit.mirrored)
        out = imaging::flipped(out, Qt::Horizontal);
    if (edit.brightness != 0 || edit.contrast != 1.0)
        out = imaging::adjusted(out, edit.brightness, edit.contrast);
    switch (edit.tone) {
    case PageEdit::Tone::Colour:
        break;
    case PageEdit::Tone::Gray: {
        const int dpi = imaging::dpiOf(out);
        out = out.convertToFormat(QImage::Format_Grayscale8);
        imaging::setDpi(&out, dpi);
        break;
    }
    case PageEdit::Tone::BlackWhite:
        out = imaging::blackAndWhite(out);
        break;
    }
    return out;
}

Page PageList::preparePhoto(const QImage &photo, bool autoCrop, PageEdit::Tone tone, int rotation)
{
    Page page;
    page.original = photo;
    page.origin = Page::Origin::Camera;
    page.edit.tone = tone;
    page.edit.rotation = ((rotation % 360) + 360) % 360;
    if (autoCrop) {
        if (const auto corners = imaging::findPage(photo)) {
            page.edit.crop = *corners;
            page.pageFound = true;
        }
    }
    page.result = applyEdit(page.original, page.edit);
    page.thumbnail = thumbnailOf(page.result);
    return page;
}

Page PageList::prepareScan(const QImage &scan, bool deskew, PageEdit::Tone tone)
{
    Page page;
    // A scan's skew is a property of how the sheet lay, not an edit anyone wants back.
    page.original = deskew ? imaging::deskewed(scan) : scan;
    page.origin = Page::Origin::Scanner;
    page.edit.tone = tone;
    page.result = applyEdit(page.original, page.edit);
    page.thumbnail = thumbnailOf(page.result);
    return page;
}

QList<Page> PageList::prepareFile(const QString &file, PageEdit::Tone tone, QString *error)
{
    const QString name = QFileInfo(file).fileName();
    QList<QImage> images;
    if (file.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
        QPdfDocument pdf; // made and used on this (worker) thread only
        const QPdfDocument::Error loaded = pdf.load(file);
        if (loaded != QPdfDocument::Error::None) {
            *error = loaded == QPdfDocument::Error::IncorrectPassword
                         ? tr("%1 cannot be added: the PDF is protected by a password.").arg(name)
                         : tr("%1 cannot be added: it is not a readable PDF.").arg(name);
            return {};
        }
        for (int i = 0; i < pdf.pageCount(); ++i) {
            const QSizeF points = pdf.pagePointSize(i);
            QImage page = pdf.render(i, (points * PdfDpi / 72.0).toSize());
            if (page.isNull()) {
                *error = tr("%1 cannot be added: page %2 could not be rendered.").arg(name).arg(i + 1);
                return {};
            }
            // Transparent PDF backgrounds are paper.
            QImage paper(page.size(), QImage::Format_RGB32);
            paper.fill(Qt::white);
            QPainter(&paper).drawImage(0, 0, page);
            imaging::setDpi(&paper, PdfDpi);
            images.append(paper);
        }
    } else {
        QImageReader reader(file);
        reader.setAutoTransform(true); // phone photos are stored sideways with an EXIF turn
        const QImage image = reader.read();
        if (image.isNull()) {
            *error = tr("%1 cannot be added: %2").arg(name, reader.errorString());
            return {};
        }
        QImage original = image.format() == QImage::Format_Mono || image.format() == QImage::Format_Indexed8
                              ? image.convertToFormat(QImage::Format_RGB32)
                              : image;
        original.setDotsPerMeterX(image.dotsPerMeterX());
        original.setDotsPerMeterY(image.dotsPerMeterY());
        images.append(original);
    }
    QList<Page> pages;
    for (const QImage &image : std::as_const(images)) {
        Page page;
        page.original = image;
        page.origin = Page::Origin::File;
        page.edit.tone = tone;
        page.result = applyEdit(page.original, page.edit);
        page.thumbnail = thumbnailOf(page.result);
        pages.append(page);
    }
    return pages;
}

int PageList::addPhoto(const QImage &photo, bool autoCrop, PageEdit::Tone tone, int rotation)
{
    return addPage(preparePhoto(photo, autoCrop, tone, rotation));
}

int PageList::addScan(const QImage &scan, bool deskew, PageEdit::Tone tone)
{
    return addPage(prepareScan(scan, deskew, tone));
}

int PageList::addPage(Page page)
{
    if (page.result.isNull() && !page.original.isNull()) {
        page.result = applyEdit(page.original, page.edit);
        page.thumbnail = thumbnailOf(page.result);
    }
    const int row = count();
    beginInsertRows({}, row, row);
    m_pages.append(std::move(page));
    endInsertRows();
    return row;
}

QList<QImage> PageList::results() const
{
    QList<QImage> out;
    out.reserve(m_pages.size());
    for (const Page &page : m_pages)
        out.append(page.result);
    return out;
}

void PageList::refresh(int row)
{
    Page &page = m_pages[row];
    page.result = applyEdit(page.original, page.edit);
    page.thumbnail = thumbnailOf(page.result);
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
    Q_EMIT pageChanged(row);
}

void PageList::setEdit(int row, const PageEdit &edit)
{
    if (row < 0 || row >= count() || m_pages[row].edit == edit)
        return;
    m_pages[row].edit = edit;
    refresh(row);
}

void PageList::rotate(int row, int degrees)
{
    if (row < 0 || row >= count())
        return;
    PageEdit edit = m_pages[row].edit;
    edit.rotation = ((edit.rotation + degrees) % 360 + 360) % 360;
    setEdit(row, edit);
}

void PageList::mirror(int row)
{
    if (row < 0 || row >= count())
        return;
    PageEdit edit = m_pages[row].edit;
    edit.mirrored = !edit.mirrored;
    setEdit(row, edit);
}

void PageList::setCrop(int row, const std::optional<imaging::Quad> &crop)
{
    if (row < 0 || row >= count())
        return;
    PageEdit edit = m_pages[row].edit;
    edit.crop = crop;
    edit.manualCrop = crop.has_value();
    setEdit(row, edit);
}

void PageList::setTone(int row, PageEdit::Tone tone)
{
    if (row < 0 || row >= count())
        return;
    PageEdit edit = m_pages[row].edit;
    edit.tone = tone;
    setEdit(row, edit);
}

bool PageList::move(int from, int to)
{
    if (from < 0 || from >= count() || to < 0 || to >= count() || from == to)
        return false;
    // moveRows counts the destination before the move: moving down lands before row to + 1.
    return moveRows({}, from, 1, {}, to > from ? to + 1 : to);
}

void PageList::remove(int row)
{
    removeRows(row, 1);
}

void PageList::clear()
{
    if (m_pages.isEmpty())
        return;
    beginResetModel();
    m_pages.clear();
    endResetModel();
}

int PageList::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant PageList::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Page &page = m_pages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return tr("Page %1").arg(index.row() + 1);
    case Qt::DecorationRole:
        return page.thumbnail;
    case Qt::ToolTipRole: {
        QString tip = tr("%1 × %2 pixels, %3 dpi")
                          .arg(page.result.width())
                          .arg(page.result.height())
                          .arg(imaging::dpiOf(page.result));
        if (page.origin == Page::Origin::Camera && !page.pageFound && !page.edit.crop)
            tip += QLatin1Char('\n') + tr("No page edge was found: crop it by hand if needed");
        return tip;
    }
    case ResultRole:
        return page.result;
    case OriginalRole:
        return page.original;
    case DpiRole:
        return imaging::dpiOf(page.result);
    case PageFoundRole:
        return page.pageFound;
    default:
        return {};
    }
}

Qt::ItemFlags PageList::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsDragEnabled;
}

bool PageList::moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                        const QModelIndex &destinationParent, int destinationChild)
{
    if (sourceParent.isValid() || destinationParent.isValid() || count < 1 || sourceRow < 0
        || sourceRow + count > this->count() || destinationChild < 0 || destinationChild > this->count()
        || (destinationChild >= sourceRow && destinationChild <= sourceRow + count))
        return false;
    if (!beginMoveRows({}, sourceRow, sourceRow + count - 1, {}, destinationChild))
        return false;
    const QList<Page> moving = m_pages.mid(sourceRow, count);
    m_pages.remove(sourceRow, count);
    const int at = destinationChild > sourceRow ? destinationChild - count : destinationChild;
    for (int i = 0; i < count; ++i)
        m_pages.insert(at + i, moving.at(i));
    endMoveRows();
    return true;
}

bool PageList::removeRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || count < 1 || row + count > this->count())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_pages.remove(row, count);
    endRemoveRows();
    return true;
}

QStringList PageList::mimeTypes() const
{
    return {QString::fromLatin1(RowsMime)};
}

QMimeData *PageList::mimeData(const QModelIndexList &indexes) const
{
    QByteArray rows;
    for (const QModelIndex &i : indexes)
        rows += QByteArray::number(i.row()) + ' ';
    auto *mime = new QMimeData;
    mime->setData(QString::fromLatin1(RowsMime), rows.trimmed());
    return mime;
}

// The strip moves rows itself: QListView turns an internal move into moveRows(). A drop that
// reaches the model is refused, because after a successful move-drop the view removes the
// source rows, which would delete a page.
bool PageList::dropMimeData(const QMimeData *, Qt::DropAction, int, int, const QModelIndex &)
{
    return false;
}

} // namespace hall::ui
