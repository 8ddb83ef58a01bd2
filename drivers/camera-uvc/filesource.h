#pragma once

#include "framesource.h"

#include <QStringList>
#include <QTimer>

namespace hall::drivers::camerauvc {

// Image files as a camera (port "file:<folder>" or "file:<image file>"): for tests, training
// and checking the capture path with real photos of documents. The files of a folder (JPEG,
// PNG, BMP, TIFF, by name) lie under the "camera" one after another: preview frames show the
// current one scaled down, a still is the current one at full size (scaled only when a smaller
// offered size was chosen), and each still moves on to the next file, as if the officer placed
// the next page. The sizes of the files are the resolutions offered. A file that cannot be read
// fails its still; the folder or file disappearing is an unplug.
class FileFrameSource final : public FrameSource
{
    Q_OBJECT
public:
    explicit FileFrameSource(QString path, QObject *parent = nullptr);

    bool open(devices::Device::Error *error, QString *message) override;
    void close() override;
    QString name() const override { return m_path; }
    QList<QSize> resolutions() const override { return m_sizes; }
    void setStillResolution(const QSize &size) override { m_still = size; }
    void setPreview(bool on, int fps, int maxWidth) override;
    void captureStill(int ticket) override;

private:
    QImage readCurrent(const QSize &scaledTo, bool keepAspect, QString *error) const;
    void emitPreview();

    QString m_path;
    QStringList m_files;
    QList<QSize> m_sizes;
    int m_current = 0;
    QSize m_still;
    int m_previewWidth = 1024;
    QImage m_previewImage; // of m_current
    int m_previewOf = -1;
    QTimer m_preview;
    QTimer m_watch;
};

} // namespace hall::drivers::camerauvc
