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

} // namespace hall::devices
