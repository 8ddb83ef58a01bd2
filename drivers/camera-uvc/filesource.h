#pragma once

#include "framesource.h"

#include <QSet>
#include <QStringList>
#include <QTimer>

namespace hall::drivers::camerauvc {

// Image files as a camera (port "file:<folder>" or "file:<image file>"): for tests, training
// and checking the capture path with real photos of documents. The files of a folder (JPEG,
// PNG, BMP, TIFF, by name) lie under the "camera" one after another: preview frames show the
// current one scaled down, a still is the current one at its own size (scaled down, its aspect
// kept, only when it does not fit the chosen size, which turns with a portrait file), and each
// still moves on to the next file, as if the officer placed the next page. The sizes of the
// files are the resolutions offered. A file that cannot be read fails its still; the folder or
// file disappearing is an unplug. For tests, two marker files beside the images make it act up
// like a real camera: ".hall-stall" – stills are never answered (a stuck capture pipeline);
// ".hall-busy" – the camera fails right after opening (held by another program).
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
    bool cancelStill(int ticket) override;

private:
    QImage readCurrent(const QSize &box, QString *error) const;
    bool hasMarker(const QString &name) const;
    void emitPreview();

    QString m_path;
    QString m_folder; // where the images and the test markers are
    QStringList m_files;
    QList<QSize> m_sizes;
    int m_current = 0;
    QSize m_still;
    int m_previewWidth = 1024;
    QImage m_previewImage; // of m_current
    int m_previewOf = -1;
    QTimer m_preview;
    QTimer m_watch;
    QSet<int> m_stalled;   // stills left unanswered (".hall-stall")
    QSet<int> m_cancelled; // stills the driver gave up on before they were read
};

} // namespace hall::drivers::camerauvc
