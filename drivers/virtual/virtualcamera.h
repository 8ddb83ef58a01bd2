#pragma once

#include <devices/documentcamera.h>

#include <imaging/synthetic.h>

#include <QFutureWatcher>
#include <QHash>
#include <QQueue>
#include <QTimer>

namespace hall::drivers::virt {

// A simulated document camera (高拍仪) for the demo, GUI tests and training. It looks at an A4
// form lying on a desk (imaging::photographPage: perspective, light fall-off, shadow, noise),
// the page along the sensor's long side as a camera head sees it, slightly tilted and turned,
// a little differently for each page number.
//  - Preview: 800×600 frames at previewFps, each a little different (light flicker, a
//    sub-pixel shake) so it looks live.
//  - Stills: 4160×3120 (13 MP), 3264×2448, 2592×1944 or 1600×1200, the largest unless options
//    or setStillResolution() say otherwise. The frame's long side covers FieldMm of the desk, so
//    every still carries the dpi its A4 page truly has (about 320 dpi at 13 MP).
//    A 13 MP synthetic photo takes seconds to make, so the still of the current page is made
//    ahead, off the device thread, whenever the page or the resolution changes, and kept.
// Options:
//   delayMs:    shutter time of a capture (default 200)
//   previewFps: 1…30 (default 12)
//   resolution: "WxH", one of the stills (default the largest)
//   page:       the page lying under the camera when it opens (default 1)
// Scriptable at run time: placePage(n), nextPage(), failNext(message).
// Needs a QGuiApplication (fonts); in a console application open() fails with NotSupported.
class VirtualDocumentCamera final : public devices::DocumentCamera
{
    Q_OBJECT
public:
    static constexpr double FieldMm = 330; // what the frame's long side covers on the desk
    static constexpr QSize PreviewSize{800, 600};

    explicit VirtualDocumentCamera(devices::DeviceConfig config, QObject *parent = nullptr);
    ~VirtualDocumentCamera() override;

    void startPreview() override;
    void stopPreview() override;
    void capture(const QString &jobId) override;
    void setStillResolution(const QSize &size) override;

    Q_INVOKABLE void placePage(int number);
    Q_INVOKABLE void nextPage() { placePage(m_page + 1); }
    Q_INVOKABLE int page() const { return m_page; }
    Q_INVOKABLE QSize stillResolution() const { return m_still; }
    Q_INVOKABLE void failNext(const QString &message) { m_failNext = message; }

    // What the simulated camera sees of page `number` in a frame of `frame` pixels.
    static imaging::SyntheticSpec sceneOf(int number, const QSize &frame);
    static QList<QSize> stillSizes();

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    struct Key
    {
        int page;
        QSize size;
        bool operator==(const Key &o) const { return page == o.page && size == o.size; }
    };
    friend size_t qHash(const Key &k, size_t seed) { return qHashMulti(seed, k.page, k.size.width(), k.size.height()); }

    void prepareStill(const Key &key);
    void nextCapture();
    void deliver(const QString &jobId, const QImage &still);
    void finishJob(); // the job in front is done: the next one's shutter, or ready
    void previewTick();

    int m_page = 1;
    QSize m_still;
    int m_delayMs = 200;
    int m_previewFps = 12;
    QString m_failNext;
    bool m_previewing = false;
    QTimer m_preview;
    QImage m_previewBase; // the preview scene of m_page
    int m_frame = 0;
    // Stills: made off the device thread, kept for the current page.
    QHash<Key, QImage> m_stills;
    QHash<Key, QFutureWatcher<QImage> *> m_rendering;
    struct Job
    {
        QString id;
        Key key; // the page under the camera and the resolution when the shutter was pressed
    };
    QQueue<Job> m_jobs;      // captures waiting, the first one in progress
    QTimer m_shutter;
    bool m_exposed = false;  // the first job's shutter time is over
};

} // namespace hall::drivers::virt
