#include "filesource.h"

#include "cameraoptions.h"

#include <QDir>
#include <QFileInfo>
#include <QImageReader>

namespace hall::drivers::camerauvc {

using devices::Device;

FileFrameSource::FileFrameSource(QString path, QObject *parent)
    : FrameSource(parent), m_path(std::move(path)), m_preview(this), m_watch(this)
{
    connect(&m_preview, &QTimer::timeout, this, &FileFrameSource::emitPreview);
    m_watch.setInterval(250);
    connect(&m_watch, &QTimer::timeout, this, [this] {
        if (!QFileInfo::exists(m_path)) {
            m_watch.stop();
            Q_EMIT lost(tr("%1 is gone (the image folder was removed or unmounted).").arg(m_path));
        }
    });
}

bool FileFrameSource::open(Device::Error *error, QString *message)
{
    m_files.clear();
    m_sizes.clear();
    m_current = 0;
    m_previewOf = -1;
    m_stalled.clear();
    m_cancelled.clear();
    const QFileInfo info(m_path);
    if (!info.exists()) {
        *error = Device::Error::NotFound;
        *message = tr("No images at %1: the folder or file does not exist.").arg(m_path);
        return false;
    }
    m_folder = info.isDir() ? info.filePath() : info.path();
    if (info.isDir()) {
        const QStringList names = QDir(m_path).entryList({QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"),
                                                          QStringLiteral("*.bmp"), QStringLiteral("*.tif"), QStringLiteral("*.tiff")},
                                                         QDir::Files | QDir::Readable, QDir::Name | QDir::IgnoreCase);
        for (const QString &n : names)
            m_files.append(QDir(m_path).filePath(n));
    } else {
        m_files.append(m_path);
    }
    for (const QString &f : std::as_const(m_files)) {
        const QSize s = QImageReader(f).size(); // the header only
        if (s.isValid() && !m_sizes.contains(s))
            m_sizes.append(s);
    }
    if (m_sizes.isEmpty()) {
        *error = Device::Error::NotFound;
        *message = tr("No readable images (JPEG, PNG, BMP, TIFF) at %1.").arg(m_path);
        return false;
    }
    m_watch.start();
    if (hasMarker(QStringLiteral(".hall-busy"))) {
        // As a camera held by another program: it opens, then its stream fails to start.
        QTimer::singleShot(0, this, [this] {
            Q_EMIT lost(classifyCameraError(m_path, QStringLiteral("Device '%1' is busy").arg(m_path)).message);
        });
    }
    return true;
}

bool FileFrameSource::hasMarker(const QString &name) const
{
    return QFileInfo::exists(QDir(m_folder).filePath(name));
}

void FileFrameSource::close()
{
    m_watch.stop();
    m_preview.stop();
    m_previewImage = QImage();
    m_previewOf = -1;
}

QImage FileFrameSource::readCurrent(const QSize &box, QString *error) const
{
    // Down only, aspect kept: a smaller or portrait photo is never stretched to the box.
    QImageReader reader(m_files.at(m_current));
    const QSize size = reader.size();
    if (size.isValid() && box.isValid() && (size.width() > box.width() || size.height() > box.height()))
        reader.setScaledSize(size.scaled(box, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull() && error)
        *error = tr("Cannot read %1: %2").arg(m_files.at(m_current), reader.errorString());
    return image;
}

void FileFrameSource::setPreview(bool on, int fps, int maxWidth)
{
    m_previewWidth = maxWidth;
    m_previewOf = -1;
    if (!on) {
        m_preview.stop();
        return;
    }
    m_preview.start(1000 / std::max(1, fps));
}

void FileFrameSource::emitPreview()
{
    if (m_previewOf != m_current) {
        m_previewOf = m_current;
        m_previewImage = readCurrent(QSize(m_previewWidth, m_previewWidth * 4), nullptr);
    }
    if (!m_previewImage.isNull())
        Q_EMIT previewFrame(m_previewImage);
}

void FileFrameSource::captureStill(int ticket)
{
    // Later, as a camera answers: never from inside the driver's call.
    QTimer::singleShot(0, this, [this, ticket] {
        if (m_cancelled.remove(ticket))
            return;
        if (m_files.isEmpty()) {
            Q_EMIT stillFailed(ticket, Device::Error::ConnectionLost, tr("%1 is closed.").arg(m_path));
            return;
        }
        if (hasMarker(QStringLiteral(".hall-stall"))) {
            m_stalled.insert(ticket); // never answered, as by a capture pipeline that hangs
            return;
        }
        QString error;
        // The chosen size turned with a portrait file, as the camera turned for a portrait page.
        QSize box = m_still;
        const QSize own = QImageReader(m_files.at(m_current)).size();
        if (box.isValid() && own.isValid() && (own.width() < own.height()) != (box.width() < box.height()))
            box.transpose();
        const QImage image = readCurrent(box, &error);
        m_current = int((m_current + 1) % m_files.size()); // the next page goes under the camera
        if (image.isNull()) {
            Q_EMIT stillFailed(ticket, Device::Error::DeviceReported, error);
            return;
        }
        Q_EMIT stillCaptured(ticket, image);
    });
}

bool FileFrameSource::cancelStill(int ticket)
{
    if (m_stalled.remove(ticket))
        return false; // stuck like a camera whose pipeline swallowed the request
    m_cancelled.insert(ticket);
    return true;
}

} // namespace hall::drivers::camerauvc
