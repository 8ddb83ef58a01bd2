#include "filesource.h"

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
    const QFileInfo info(m_path);
    if (!info.exists()) {
        *error = Device::Error::NotFound;
        *message = tr("No images at %1: the folder or file does not exist.").arg(m_path);
        return false;
    }
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
    return true;
}

void FileFrameSource::close()
{
    m_watch.stop();
    m_preview.stop();
    m_previewImage = QImage();
    m_previewOf = -1;
}

QImage FileFrameSource::readCurrent(const QSize &scaledTo, bool keepAspect, QString *error) const
{
    QImageReader reader(m_files.at(m_current));
    const QSize size = reader.size();
    if (keepAspect) {
        if (size.isValid() && scaledTo.isValid() && size.width() > scaledTo.width())
            reader.setScaledSize(size.scaled(scaledTo, Qt::KeepAspectRatio)); // down only
    } else if (scaledTo.isValid() && size.isValid() && size != scaledTo) {
        reader.setScaledSize(scaledTo);
    }
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
        m_previewImage = readCurrent(QSize(m_previewWidth, m_previewWidth * 4), true, nullptr);
    }
    if (!m_previewImage.isNull())
        Q_EMIT previewFrame(m_previewImage);
}

void FileFrameSource::captureStill(int ticket)
{
    // Later, as a camera answers: never from inside the driver's call.
    QTimer::singleShot(0, this, [this, ticket] {
        if (m_files.isEmpty()) {
            Q_EMIT stillFailed(ticket, Device::Error::ConnectionLost, tr("%1 is closed.").arg(m_path));
            return;
        }
        QString error;
        // A still of another offered size than the file's own: the file scaled to it.
        const QImage image = readCurrent(m_still, false, &error);
        m_current = int((m_current + 1) % m_files.size()); // the next page goes under the camera
        if (image.isNull()) {
            Q_EMIT stillFailed(ticket, Device::Error::DeviceReported, error);
            return;
        }
        Q_EMIT stillCaptured(ticket, image);
    });
}

} // namespace hall::drivers::camerauvc
