#pragma once

// What a test's child processes print (hall-server, hall-sync, the apps, openssl …) is kept in
// HALL_TEST_LOG_DIR/<test>.<program>.log (CTest sets it: build/Testing/child-logs), where
// scripts/check-logs searches every log of the suite for personal data (issue 11, SEC3); a test
// reads the output it needs as before and hands it here too. Bounded: a file starts afresh with
// its test's run, holds each distinct line once (a long chaos run prints the same lines by the
// thousand; a leak shows in the first) and stops at 16 MiB with a line saying so.

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QProcess>
#include <QSet>

#include <map>
#include <memory>

namespace hall::test {

class ChildLogs
{
public:
    static constexpr qint64 MaxBytes = 16 * 1024 * 1024;

    static ChildLogs &instance()
    {
        static ChildLogs logs;
        return logs;
    }

    void keep(const QString &program, const QByteArray &output)
    {
        const QString dir = qEnvironmentVariable("HALL_TEST_LOG_DIR");
        if (dir.isEmpty() || output.isEmpty())
            return;
        QMutexLocker lock(&m_mutex);
        const QString name = QFileInfo(program).fileName();
        std::unique_ptr<Log> &log = m_logs[name];
        if (!log) {
            log = std::make_unique<Log>();
            QDir().mkpath(dir);
            const QString test = qEnvironmentVariable("HALL_TEST_NAME", QCoreApplication::applicationName());
            log->file.setFileName(QDir(dir).filePath(QStringLiteral("%1.%2.log").arg(test, name)));
            if (!log->file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                qWarning("cannot keep the output of %s in %s", qPrintable(name), qPrintable(log->file.fileName()));
        }
        // Whole lines only: a line read in two pieces is one line (an ID number cut in two would
        // hide from the search).
        QByteArray text = log->partial + output;
        const qsizetype end = text.lastIndexOf('\n');
        log->partial = text.mid(end + 1);
        text.truncate(end < 0 ? 0 : end);
        if (log->partial.size() > 65536) // no end of line in sight: as it is
            text += '\n' + std::exchange(log->partial, {});
        if (!text.isEmpty())
            write(*log, text.split('\n'));
    }

    ~ChildLogs()
    {
        for (const auto &[name, log] : m_logs) {
            if (!log->partial.isEmpty())
                write(*log, {log->partial});
        }
    }

private:
    struct Log
    {
        QFile file;
        QSet<QByteArray> lines;
        QByteArray partial;
        bool full = false;
    };

    static void write(Log &log, const QList<QByteArray> &lines)
    {
        if (log.full || !log.file.isOpen())
            return;
        for (const QByteArray &line : lines) {
            if (log.lines.contains(line))
                continue;
            log.lines.insert(line);
            log.file.write(line + '\n');
            if (log.file.size() > MaxBytes) {
                log.file.write("[childlog: 16 MiB kept; the rest of this program's output is not]\n");
                log.full = true;
                break;
            }
        }
        log.file.flush();
    }

    QMutex m_mutex;
    std::map<QString, std::unique_ptr<Log>> m_logs;
};

// Keeps `output` of `program` in the child log; returns it for the caller to read.
inline QByteArray keepChildOutput(const QString &program, const QByteArray &output)
{
    ChildLogs::instance().keep(program, output);
    return output;
}

// What `p` printed so far on standard output, kept in the child log.
inline QByteArray childStdout(QProcess &p) { return keepChildOutput(p.program(), p.readAllStandardOutput()); }
// What `p` printed so far on standard error, kept in the child log.
inline QByteArray childStderr(QProcess &p) { return keepChildOutput(p.program(), p.readAllStandardError()); }

} // namespace hall::test
