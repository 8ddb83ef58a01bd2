#include "logfile.h"

#include <core/masking.h>

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <atomic>
#include <cstdio>

namespace hall::app {

QString maskPersonalData(const QString &text)
{
    // Digits only, not part of a longer run of digits: an ID number (17 digits and a check
    // digit or X) or a mobile (1[3-9] and 9 digits). Order matters: IDs first.
    static const QRegularExpression id(QStringLiteral("(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"));
    static const QRegularExpression mobile(QStringLiteral("(?<![0-9])1[3-9][0-9]{9}(?![0-9])"));
    if (text.size() < 11)
        return text;
    QString out = text;
    for (const auto &[re, mask] : {std::pair{&id, &core::maskIdNumber}, std::pair{&mobile, &core::maskPhone}}) {
        QString masked;
        qsizetype from = 0;
        for (auto it = re->globalMatch(out); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            masked += QStringView(out).mid(from, m.capturedStart() - from);
            masked += mask(m.captured());
            from = m.capturedEnd();
        }
        if (from > 0) {
            masked += QStringView(out).mid(from);
            out = masked;
        }
    }
    return out;
}

LogFile::LogFile(const QString &path, qint64 maxBytes, int keep)
    : m_path(path), m_maxBytes(maxBytes), m_keep(std::max(1, keep)), m_file(path)
{
}

LogFile::~LogFile() = default;

bool LogFile::open(QString *error)
{
    QMutexLocker lock(&m_mutex);
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        *error = QStringLiteral("%1: %2").arg(m_path, m_file.errorString());
        return false;
    }
    return true;
}

void LogFile::rotate()
{
    m_file.close();
    QFile::remove(QStringLiteral("%1.%2").arg(m_path).arg(m_keep));
    for (int i = m_keep - 1; i >= 1; --i)
        QFile::rename(QStringLiteral("%1.%2").arg(m_path).arg(i), QStringLiteral("%1.%2").arg(m_path).arg(i + 1));
    QFile::rename(m_path, m_path + QLatin1String(".1"));
    m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text);
}

void LogFile::write(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    QMutexLocker lock(&m_mutex);
    if (!m_file.isOpen())
        return;
    if (m_file.size() > 0 && m_file.size() + bytes.size() > m_maxBytes)
        rotate();
    m_file.write(bytes);
    m_file.flush();
}

QString LogFile::format(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    char level = 'D';
    switch (type) {
    case QtDebugMsg: level = 'D'; break;
    case QtInfoMsg: level = 'I'; break;
    case QtWarningMsg: level = 'W'; break;
    case QtCriticalMsg: level = 'C'; break;
    case QtFatalMsg: level = 'F'; break;
    }
    return QStringLiteral("%1 %2 %3: %4")
        .arg(QDateTime::currentDateTime().toString(Qt::ISODateWithMs), QChar::fromLatin1(level),
             QLatin1String(context.category ? context.category : "default"), maskPersonalData(message));
}

namespace {

std::atomic<LogFile *> g_log{nullptr};
QtMessageHandler g_previous = nullptr;

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString line = LogFile::format(type, context, message);
    if (LogFile *log = g_log.load())
        log->write(line);
    // stderr too (the journal, a terminal), masked as well.
    std::fprintf(stderr, "%s\n", line.toLocal8Bit().constData());
    std::fflush(stderr);
}

} // namespace

void LogFile::install(LogFile *log)
{
    if (log) {
        g_log = log;
        QtMessageHandler previous = qInstallMessageHandler(handler);
        if (previous != handler)
            g_previous = previous;
    } else {
        g_log = nullptr;
        qInstallMessageHandler(g_previous);
        g_previous = nullptr;
    }
}

} // namespace hall::app
