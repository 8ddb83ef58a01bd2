#include "documentcamera.h"

namespace hall::devices {

QList<QSize> DocumentCamera::resolutions() const
{
    QMutexLocker lock(&m_mutex);
    return m_resolutions;
}

void DocumentCamera::setResolutions(const QList<QSize> &resolutions)
{
    {
        QMutexLocker lock(&m_mutex);
        m_resolutions = resolutions;
    }
    Q_EMIT resolutionsReported(resolutions);
}

void DocumentCamera::publishPreviewFrame(const QImage &frame)
{
    {
        QMutexLocker lock(&m_mutex);
        m_latestFrame = frame;
    }
    Q_EMIT previewFrame(frame);
    // After the store: a take that clears the flag before this test has either got this frame
    // or is told again, so the newest frame is never left unannounced (at worst told twice).
    if (!m_frameNotified.exchange(true))
        Q_EMIT previewFrameReady();
}

QImage DocumentCamera::takePreviewFrame()
{
    QMutexLocker lock(&m_mutex);
    m_frameNotified = false;
    return m_latestFrame;
}

} // namespace hall::devices
