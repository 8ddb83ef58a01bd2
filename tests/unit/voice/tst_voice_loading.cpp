// The voice's engines are loaded when the first one is made: a program linked to the voice's
// rules alone (as the kiosk is) starts without Qt Multimedia, and still gets a working engine.

#include <voice/cliplibrary.h>
#include <voice/enginefactory.h>
#include <voice/speechengine.h>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace hall::voice;

namespace {

bool mapped(const QString &library)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    return maps.open(QIODevice::ReadOnly) && QString::fromLocal8Bit(maps.readAll()).contains(library);
}

} // namespace

class TestVoiceLoading : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/proc/self/maps")))
            QSKIP("needs /proc/self/maps (Linux)");
    }

    void anUnknownEngineLoadsNothing()
    {
        QString error;
        QCOMPARE(createSpeechEngine(QStringLiteral("speakers"), nullptr, this, &error), nullptr);
        QVERIFY2(error.contains(QLatin1String("speakers")), qPrintable(error));
        QVERIFY(!mapped(QStringLiteral("libhall_voice_engines")));
        QVERIFY(!mapped(QStringLiteral("libQt6Multimedia")));
    }

    void theFirstEngineLoadsTheEnginesAndSpeaks()
    {
        QVERIFY2(!mapped(QStringLiteral("libQt6Multimedia")), "Qt Multimedia is loaded before any engine was made");
        ClipLibrary clips;
        QString error;
        QVERIFY2(clips.load(QStringLiteral(":/voice/zh_CN"), &error), qPrintable(error));
        std::unique_ptr<SpeechEngine> engine(createSpeechEngine(QStringLiteral("clips"), &clips, nullptr, &error));
        QVERIFY2(engine, qPrintable(error));
        QCOMPARE(engine->metaObject()->className(), "hall::voice::ClipEngine");
        QVERIFY(mapped(QStringLiteral("libhall_voice_engines")));
        QVERIFY(mapped(QStringLiteral("libQt6Multimedia")));

        // It is the real engine: it writes what it says (the output file is the ClipEngine's
        // own setting, reached here through the meta-object as this test knows no engine type).
        QTemporaryDir dir;
        QSignalSpy done(engine.get(), &SpeechEngine::finished);
        QVERIFY(QMetaObject::invokeMethod(engine.get(), "setOutputFile", Q_ARG(QString, dir.filePath(QStringLiteral("a.wav")))));
        Announcement a;
        a.fields = {{QStringLiteral("number"), QStringLiteral("A001")}, {QStringLiteral("window"), QStringLiteral("3")}};
        QVERIFY2(engine->say(a, 1.0, &error), qPrintable(error));
        QTRY_COMPARE(done.size(), 1);
        QVERIFY(QFile(dir.filePath(QStringLiteral("a.wav"))).size() > 44);

        // A second engine comes from the library already loaded.
        std::unique_ptr<SpeechEngine> second(createSpeechEngine(QStringLiteral("clips"), &clips, nullptr, &error));
        QVERIFY2(second, qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestVoiceLoading)
#include "tst_voice_loading.moc"
