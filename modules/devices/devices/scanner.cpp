#include "scanner.h"

namespace hall::devices {

void Scanner::cancel(const QString &jobId)
{
    QMutexLocker lock(&m_mutex);
    m_cancelled.insert(jobId);
}

ScannerOptions Scanner::options() const
{
    QMutexLocker lock(&m_mutex);
    return m_options;
}

void Scanner::setOptions(const ScannerOptions &options)
{
    {
        QMutexLocker lock(&m_mutex);
        m_options = options;
    }
    Q_EMIT optionsReported(options);
}

bool Scanner::cancelRequested(const QString &jobId) const
{
    QMutexLocker lock(&m_mutex);
    return m_cancelled.contains(jobId);
}

void Scanner::forgetCancel(const QString &jobId)
{
    QMutexLocker lock(&m_mutex);
    m_cancelled.remove(jobId);
}

} // namespace hall::devices
