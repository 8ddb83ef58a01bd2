// tests/childlog.h: what a test's child process prints lands in HALL_TEST_LOG_DIR, where
// scripts/check-logs searches it — whole lines (an ID number read in two pieces is one line),
// each distinct line once, and no more than 16 MiB a file.

#include <childlog.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TstChildLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("HALL_TEST_LOG_DIR", m_dir.path().toLocal8Bit());
        qputenv("HALL_TEST_NAME", "tst_childlog");
    }

    // A child's planted line, read as the tests read it, is in the log check-logs searches.
    void whatAChildPrintsIsKept()
    {
        QProcess p;
        p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("echo issued for 11010519491231002X; echo oops >&2")});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(hall::test::childStdout(p), QByteArray("issued for 11010519491231002X\n"));
        QCOMPARE(hall::test::childStderr(p), QByteArray("oops\n"));
        QCOMPARE(log(QStringLiteral("sh")), QByteArray("issued for 11010519491231002X\noops\n"));
    }

    void linesAreWholeAndKeptOnce()
    {
        hall::test::keepChildOutput(QStringLiteral("/x/hall-sync"), "wrote 1\nphone 138");
        hall::test::keepChildOutput(QStringLiteral("/x/hall-sync"), "00138000\nwrote 1\nwrote 2\n");
        QCOMPARE(log(QStringLiteral("hall-sync")), QByteArray("wrote 1\nphone 13800138000\nwrote 2\n"));
    }

    void aFileStopsAt16MiB()
    {
        for (int round = 0; round < 3; ++round) { // 3 × 9 MB of lines that all differ
            QByteArray chunk;
            for (int i = 0; i < 200000; ++i)
                chunk += "round " + QByteArray::number(round) + " line " + QByteArray::number(i) + " of a long run\n";
            hall::test::keepChildOutput(QStringLiteral("chaos"), chunk);
        }
        const qint64 size = QFileInfo(m_dir.filePath(QStringLiteral("tst_childlog.chaos.log"))).size();
        QVERIFY2(size > 8 * 1024 * 1024 && size < hall::test::ChildLogs::MaxBytes + 4096, qPrintable(QString::number(size)));
        QVERIFY(log(QStringLiteral("chaos")).endsWith("the rest of this program's output is not]\n"));
    }

private:
    QByteArray log(const QString &program) const
    {
        QFile f(m_dir.filePath(QStringLiteral("tst_childlog.%1.log").arg(program)));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(none)");
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TstChildLog)
#include "tst_childlog.moc"
