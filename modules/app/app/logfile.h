#pragma once

#include <app/app_export.h>

#include <QFile>
#include <QMutex>
#include <QString>

namespace hall::app {

// Personal data never goes into a log. Callers log masked values (core::maskIdNumber,
// maskPhone, maskName) or none; as a safety net every message passes through this filter,
// which masks whatever looks like an 18-character resident ID number or an 11-digit mainland
// mobile number before it is written anywhere.
HALL_APP_EXPORT QString maskPersonalData(const QString &text);

// One app's log: <folder>/<name>.log, at most maxBytes, then renamed to <name>.log.1 (older
// ones shift up to .<keep>, the oldest is dropped). Thread-safe: messages come from device
// threads too.
class HALL_APP_EXPORT LogFile
{
public:
    LogFile(const QString &path, qint64 maxBytes, int keep);
    ~LogFile();

    bool open(QString *error);
    QString path() const { return m_path; }
    // Writes one line (a newline is added), rotating first when it would not fit.
    void write(const QString &line);

    // From now on every qDebug/qInfo/qWarning/… goes, masked, to `log` (and, as before, to
    // stderr). nullptr puts the previous handler back.
    static void install(LogFile *log);
    static QString format(QtMsgType type, const QMessageLogContext &context, const QString &message);

private:
    void rotate();

    QMutex m_mutex;
    QString m_path;
    qint64 m_maxBytes;
    int m_keep;
    QFile m_file;
};

} // namespace hall::app
