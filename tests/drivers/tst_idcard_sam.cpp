// The idcard-sam driver, loaded as the real plugin by the DeviceManager on its own thread,
// talking through a real QSerialPort to the SAM reader emulator on a pty.

#include <samemulator.h>
#include <samprotocol.h>

#include <devices/devicemanager.h>
#include <devices/idcard.h>
#include <devices/wltdecoder.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QTest>

using namespace hall;
using devices::Device;
using devices::IdCard;

Q_DECLARE_METATYPE(hall::devices::IdCard::Type)

class TestIdCardSam : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<emulators::SamEmulator> m_emu;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
    devices::IdCardReader *m_reader = nullptr;

    bool waitReady(int ms = 3000)
    {
        return QTest::qWaitFor([this] { return m_reader->state() == Device::State::Ready; }, ms);
    }
    // Reads once; returns the card, or the error in *error.
    std::optional<IdCard> read(QString *error, bool fingerprint = false, int timeoutMs = 5000)
    {
        QSignalSpy got(m_reader, &devices::IdCardReader::cardRead);
        QSignalSpy failed(m_reader, &Device::errorOccurred);
        QMetaObject::invokeMethod(m_reader, [this, fingerprint] { m_reader->readCard(fingerprint); }, Qt::QueuedConnection);
        if (!QTest::qWaitFor([&] { return !got.isEmpty() || !failed.isEmpty(); }, timeoutMs)) {
            *error = QStringLiteral("no answer from the driver");
            return std::nullopt;
        }
        if (!failed.isEmpty()) {
            *error = errorName(failed.first().at(0).value<Device::Error>()) + u':' + failed.first().at(1).toString();
            return std::nullopt;
        }
        return got.first().first().value<IdCard>();
    }

private Q_SLOTS:
    void init()
    {
        m_emu = std::make_unique<emulators::SamEmulator>(m_dir.filePath(QStringLiteral("ttySAM0")));
        QVERIFY(m_emu->plug());
        m_loader = std::make_unique<devices::PluginLoader>();
        m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("idcard"), QStringLiteral("idcard-sam"), m_emu->path(),
                                 {{QStringLiteral("timeoutMs"), 300}, {QStringLiteral("reconnectMs"), 200}}}, &error),
                 qPrintable(error));
        m_reader = m_manager->device<devices::IdCardReader>(QStringLiteral("idcard"));
        QVERIFY(m_reader);
        QVERIFY2(waitReady(), qPrintable(m_reader->errorString()));
    }

    void cleanup()
    {
        m_manager.reset();
        m_reader = nullptr;
        m_emu.reset();
    }

    void readsEveryCardType_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("resident") << 0;
        QTest::newRow("resident, long-term") << 1;
        QTest::newRow("HK/Macau/Taiwan permit (J)") << 2;
        QTest::newRow("foreign permanent resident (I)") << 3;
    }

    void readsEveryCardType()
    {
        QFETCH(int, kind);
        IdCard card = kind == 2 ? emulators::sampleHkMacauTaiwanCard()
                    : kind == 3 ? emulators::sampleForeignCard() : emulators::sampleResidentCard();
        if (kind == 1) {
            card.longTerm = true;
            card.validUntil = QDate();
            card.nationCode = QStringLiteral("08");
        }
        m_emu->placeCard(card);
        QString error;
        const auto got = read(&error);
        QVERIFY2(got, qPrintable(error));
        QCOMPARE(got->type, card.type);
        QCOMPARE(got->name, card.name);
        QCOMPARE(got->idNumber, card.idNumber);
        QCOMPARE(got->birthDate, card.birthDate);
        QCOMPARE(got->validFrom, card.validFrom);
        QCOMPARE(got->validUntil, card.validUntil);
        QCOMPARE(got->longTerm, card.longTerm);
        QCOMPARE(got->photoWlt, card.photoWlt);
        QCOMPARE(got->photoWlt.size(), 1024);
        QCOMPARE(got->gender, card.genderCode == QLatin1String("1") ? QStringLiteral("男") : QStringLiteral("女"));
        switch (kind) {
        case 0:
            QCOMPARE(got->nation, QStringLiteral("汉"));
            QCOMPARE(got->address, card.address);
            QCOMPARE(got->authority, card.authority);
            break;
        case 1:
            QCOMPARE(got->nation, QStringLiteral("壮"));
            break;
        case 2:
            QCOMPARE(got->passNumber, card.passNumber);
            QCOMPARE(got->issueCount, 2);
            QCOMPARE(got->address, card.address);
            break;
        case 3:
            QCOMPARE(got->englishName, card.englishName);
            QCOMPARE(got->nation, QStringLiteral("DEU"));
            QCOMPARE(got->cardVersion, card.cardVersion);
            QCOMPARE(got->authority, card.authority);
            break;
        }
    }

    void aNumberFailingItsCheckDigitIsRefused()
    {
        IdCard card = emulators::sampleResidentCard();
        card.idNumber[17] = card.idNumber.at(17) == u'0' ? u'1' : u'0';
        m_emu->placeCard(card);
        QString error;
        QVERIFY(!read(&error));
        QVERIFY2(error.startsWith(QLatin1String("Protocol:")) && error.contains(QLatin1String("check digit")), qPrintable(error));
    }

    void anUnknownCardTypeIsNamed()
    {
        QByteArray text = drivers::sam::encodeText(emulators::sampleResidentCard());
        text[248] = 'Y'; // a card type this driver does not know
        text[249] = 0;
        IdCard card;
        QString error;
        QVERIFY(!drivers::sam::parseText(text, &card, &error));
        QVERIFY2(error.contains(QLatin1String("\"Y\"")) && error.contains(QLatin1String("does not know")), qPrintable(error));
    }

    void readsWithFingerprint()
    {
        m_emu->placeCard(emulators::sampleResidentCard());
        QString error;
        const auto got = read(&error, true);
        QVERIFY2(got, qPrintable(error));
        QCOMPARE(got->fingerprint, emulators::sampleResidentCard().fingerprint);
        QCOMPARE(quint8(m_emu->commands.last().at(1)), drivers::sam::cmd::ReadWithFingerprint);
    }

    void everyStatusCodeIsReported_data()
    {
        QTest::addColumn<int>("sw3");
        QTest::addColumn<int>("error");
        using namespace drivers::sam::status;
        const QList<QPair<int, Device::Error>> codes{
            {NoContent, Device::Error::DeviceReported}, {ChecksumError, Device::Error::Checksum},
            {LengthError, Device::Error::Protocol}, {CommandError, Device::Error::Protocol},
            {Unauthorized, Device::Error::DeviceReported}, {Unrecognized, Device::Error::DeviceReported},
            {CardAuthFailed, Device::Error::DeviceReported}, {SamAuthFailed, Device::Error::DeviceReported},
            {InfoCheckFailed, Device::Error::DeviceReported}, {UnknownCardType, Device::Error::DeviceReported},
            {ReadFailed, Device::Error::DeviceReported}, {RandomFailed, Device::Error::DeviceReported},
            {SamSelfTestFailed, Device::Error::DeviceReported}, {SamNotAuthorised, Device::Error::DeviceReported},
            {FindFailed, Device::Error::DeviceReported}, {SelectFailed, Device::Error::DeviceReported},
            {0x77, Device::Error::DeviceReported}};
        for (const auto &[code, err] : codes)
            QTest::addRow("0x%02x", code) << code << int(err);
    }

    void everyStatusCodeIsReported()
    {
        QFETCH(int, sw3);
        QFETCH(int, error);
        m_emu->placeCard(emulators::sampleResidentCard());
        // The status comes back on the read itself (after find and select succeed); a
        // checksum complaint is retried once, so force it twice.
        m_emu->forceStatus(drivers::sam::cmd::Read, quint8(sw3));
        QString message;
        if (sw3 == drivers::sam::status::ChecksumError) {
            // The reader says our command arrived damaged: the driver sends it once more.
            const auto got = read(&message);
            QVERIFY2(got, qPrintable(message));
            const qsizetype reads = std::count_if(m_emu->commands.cbegin(), m_emu->commands.cend(),
                                                  [](const QByteArray &c) { return quint8(c.at(0)) == drivers::sam::cmd::Read; });
            QCOMPARE(reads, 2);
            return;
        }
        const auto got = read(&message);
        QVERIFY2(!got, "a read that the reader refused must not deliver a card");
        QVERIFY2(message.startsWith(errorName(Device::Error(error)) + u':'), qPrintable(message));
        const QString expected = drivers::sam::statusOf(quint8(sw3)).message;
        QVERIFY(!expected.isEmpty());
        QVERIFY2(message.endsWith(expected), qPrintable(message));
    }

    void noCardIsAClearError()
    {
        QString error;
        QVERIFY(!read(&error));
        QVERIFY2(error.contains(drivers::sam::statusOf(drivers::sam::status::FindFailed).message), qPrintable(error));
    }

    void damagedAnswersAreRetriedThenReported()
    {
        m_emu->placeCard(emulators::sampleResidentCard());
        m_emu->corruptNextChecksum(1);
        QString error;
        QVERIFY2(read(&error), qPrintable(error)); // one bad checksum: retried, read succeeds
        m_emu->placeCard(emulators::sampleResidentCard());
        m_emu->corruptNextChecksum(2);
        QVERIFY(!read(&error));
        QVERIFY2(error.startsWith(QLatin1String("Checksum:")), qPrintable(error));
    }

    void garbageAndSplitFramesAreHandled_data()
    {
        QTest::addColumn<QByteArray>("garbage");
        QTest::addColumn<int>("pieces");
        QTest::newRow("noise before the answer") << QByteArray("\x00\xFF\x13\xAA\xAA\x42", 6) << 0;
        QTest::newRow("a false preamble before the answer") << QByteArray("\xAA\xAA\xAA\x96\x69\xFF\xFF", 7) << 0;
        QTest::newRow("answer in 7 pieces") << QByteArray() << 7;
        QTest::newRow("noise and pieces") << QByteArray("zz") << 3;
    }

    void garbageAndSplitFramesAreHandled()
    {
        QFETCH(QByteArray, garbage);
        QFETCH(int, pieces);
        m_emu->placeCard(emulators::sampleForeignCard());
        if (!garbage.isEmpty())
            m_emu->garbageBeforeNext(garbage);
        if (pieces)
            m_emu->splitNext(pieces, 20);
        QString error;
        const auto got = read(&error);
        QVERIFY2(got, qPrintable(error));
        QCOMPARE(got->idNumber, emulators::sampleForeignCard().idNumber);
    }

    void silenceIsATimeout()
    {
        m_emu->placeCard(emulators::sampleResidentCard());
        m_emu->silenceNext();
        QString error;
        QElapsedTimer t;
        t.start();
        QVERIFY(!read(&error));
        QVERIFY2(error.startsWith(QLatin1String("Timeout:")), qPrintable(error));
        QVERIFY2(t.elapsed() < 2000, "the timeout must follow the configured timeoutMs, not hang");
        QVERIFY(waitReady()); // the device stays usable
        m_emu->placeCard(emulators::sampleResidentCard());
        QVERIFY2(read(&error), qPrintable(error));
    }

    void garbageInsteadOfAnAnswerIsRetried()
    {
        m_emu->placeCard(emulators::sampleResidentCard());
        m_emu->garbageInsteadOfNext(QByteArray("NOT A FRAME AT ALL"));
        QString error;
        QVERIFY2(read(&error), qPrintable(error));
        QCOMPARE(m_emu->commands.size(), 4); // find (answered with garbage), find again, select, read
        QCOMPARE(m_emu->commands.at(0), m_emu->commands.at(1));
    }

    void garbageTwiceIsReported()
    {
        m_emu->placeCard(emulators::sampleResidentCard());
        m_emu->garbageInsteadOfNext(QByteArray("NOT A FRAME AT ALL"));
        QTimer::singleShot(150, m_emu.get(), [this] { m_emu->garbageInsteadOfNext(QByteArray("STILL NOT A FRAME")); });
        QString error;
        QVERIFY(!read(&error));
        QVERIFY2(error.startsWith(QLatin1String("Timeout:")) && error.contains(QLatin1String("17")), qPrintable(error));
    }

    void unplugAndReplugReconnects()
    {
        QSignalSpy states(m_reader, &Device::stateChanged);
        m_emu->unplug();
        QVERIFY2(QTest::qWaitFor([this] { return m_reader->state() == Device::State::Disconnected; }, 3000),
                 qPrintable(devices::stateName(m_reader->state())));
        QTRY_COMPARE(m_manager->status().first().state, Device::State::Disconnected); // queued to the manager
        QElapsedTimer t;
        t.start();
        QVERIFY(m_emu->plug());
        QVERIFY2(waitReady(2000), "the reader must be back within 2 s of being plugged in");
        qInfo("reconnected %lld ms after replug", t.elapsed());
        m_emu->placeCard(emulators::sampleResidentCard());
        QString error;
        QVERIFY2(read(&error), qPrintable(error));
    }

    // The link goes away while the driver is blocked reading an answer: the loss must be
    // handled after the read returns, never by deleting the port under the read.
    void unplugDuringAReadIsSurvived()
    {
        m_emu->thinkReadMs = 400;
        m_emu->placeCard(emulators::sampleResidentCard());
        QSignalSpy failed(m_reader, &Device::errorOccurred);
        QMetaObject::invokeMethod(m_reader, [this] { m_reader->readCard(false); }, Qt::QueuedConnection);
        QTRY_VERIFY(!m_emu->commands.isEmpty() && quint8(m_emu->commands.last().at(0)) == drivers::sam::cmd::Read);
        m_emu->unplug();
        QVERIFY2(QTest::qWaitFor([this] { return m_reader->state() == Device::State::Disconnected; }, 3000),
                 qPrintable(devices::stateName(m_reader->state())));
        QVERIFY(!failed.isEmpty());
        m_emu->thinkReadMs = 40;
        QVERIFY(m_emu->plug());
        QVERIFY2(waitReady(2000), "back within 2 s");
        m_emu->placeCard(emulators::sampleResidentCard());
        QString error;
        QVERIFY2(read(&error), qPrintable(error));
    }

    void samIdAndBaudChange()
    {
        QSignalSpy sam(m_reader, &devices::IdCardReader::samIdRead);
        QMetaObject::invokeMethod(m_reader, [this] { m_reader->requestSamId(); }, Qt::QueuedConnection);
        QTRY_COMPARE(sam.size(), 1);
        QCOMPARE(sam.first().first().toString(), drivers::sam::samIdString(m_emu->samId()));
        QCOMPARE(sam.first().first().toString(), QStringLiteral("05.01-20201012-0000123456-2000001234"));

        // The emulator lives on this thread: wait for the driver's thread without blocking it.
        auto changeBaud = [this](int baud) {
            auto result = std::make_shared<std::optional<bool>>();
            QMetaObject::invokeMethod(m_reader, [this, baud, result] {
                bool ok = false;
                QMetaObject::invokeMethod(m_reader, "changeBaudRate", Qt::DirectConnection, Q_RETURN_ARG(bool, ok), Q_ARG(int, baud));
                *result = ok;
            }, Qt::QueuedConnection);
            (void)QTest::qWaitFor([&] { return result->has_value(); }, 5000);
            return result->value_or(false);
        };
        QVERIFY2(changeBaud(9600), qPrintable(m_reader->errorString()));
        QTRY_COMPARE(m_emu->baud(), 9600);
        m_emu->placeCard(emulators::sampleResidentCard());
        QElapsedTimer t;
        t.start();
        QString error;
        QVERIFY2(read(&error), qPrintable(error));
        QVERIFY2(t.elapsed() > 1000, "1,295 bytes at 9,600 baud take over a second: the emulator paces the wire");
        QVERIFY(!changeBaud(4800));
        QCOMPARE(m_reader->error(), Device::Error::NotSupported);
    }

    void photoIsDecodedThroughTheConfiguredLibrary()
    {
        m_manager->remove(QStringLiteral("idcard"));
        const QString library = QCoreApplication::applicationDirPath() + QStringLiteral("/testplugins/libfakewlt.so");
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("idcard"), QStringLiteral("idcard-sam"), m_emu->path(),
                                 {{QStringLiteral("photoDecoder"), library}}}, &error), qPrintable(error));
        m_reader = m_manager->device<devices::IdCardReader>(QStringLiteral("idcard"));
        QVERIFY2(waitReady(), qPrintable(m_reader->errorString()));
        m_emu->placeCard(emulators::sampleResidentCard());
        auto got = read(&error);
        QVERIFY2(got, qPrintable(error));
        QVERIFY2(got->photoError.isEmpty(), qPrintable(got->photoError));
        QVERIFY(got->photoBmp.startsWith("BM"));
        QCOMPARE(got->photoBmp.size(), devices::WltDecoder::BmpSize);
        QCOMPARE(quint8(got->photoBmp.at(18)), quint8(102)); // width
        QCOMPARE(quint8(got->photoBmp.at(22)), quint8(126)); // height
        QCOMPARE(got->photoBmp.at(54), got->photoWlt.at(0)); // it really decoded this photo

        // A photo the library rejects: the card still arrives, with the reason.
        IdCard broken = emulators::sampleResidentCard();
        broken.photoWlt[0] = 0;
        broken.photoWlt[1] = 0;
        m_emu->placeCard(broken);
        got = read(&error);
        QVERIFY2(got, qPrintable(error));
        QVERIFY(got->photoBmp.isEmpty());
        QVERIFY2(got->photoError.contains(QLatin1String("-1")), qPrintable(got->photoError));
        QCOMPARE(got->idNumber, broken.idNumber);
    }

    void missingPhotoLibraryIsAConfigurationError()
    {
        m_manager->remove(QStringLiteral("idcard"));
        QString error;
        QVERIFY(m_manager->add({QStringLiteral("idcard"), QStringLiteral("idcard-sam"), m_emu->path(),
                                {{QStringLiteral("photoDecoder"), QStringLiteral("/nonexistent/libwlt.so")}}}, &error));
        m_reader = m_manager->device<devices::IdCardReader>(QStringLiteral("idcard"));
        QVERIFY(QTest::qWaitFor([this] { return m_reader->state() == Device::State::Failed; }, 3000));
        QCOMPARE(m_reader->error(), Device::Error::Configuration);
        QVERIFY2(m_reader->errorString().contains(QLatin1String("/nonexistent/libwlt.so")), qPrintable(m_reader->errorString()));
    }

    void autoReadReadsEachPlacedCardOnce()
    {
        QSignalSpy got(m_reader, &devices::IdCardReader::cardRead);
        QMetaObject::invokeMethod(m_reader, [this] { m_reader->setAutoRead(true, 50); }, Qt::QueuedConnection);
        QTest::qWait(200);
        QCOMPARE(got.size(), 0);
        m_emu->placeCard(emulators::sampleResidentCard());
        QTRY_COMPARE(got.size(), 1);
        QTest::qWait(400); // the card stays on the reader: not read again
        QCOMPARE(got.size(), 1);
        m_emu->removeCard();
        m_emu->placeCard(emulators::sampleHkMacauTaiwanCard());
        QTRY_COMPARE(got.size(), 2);
        QCOMPARE(got.at(1).first().value<IdCard>().type, IdCard::Type::HkMacauTaiwan);
        QMetaObject::invokeMethod(m_reader, [this] { m_reader->setAutoRead(false); }, Qt::QueuedConnection);
    }
};

QTEST_GUILESS_MAIN(TestIdCardSam)
#include "tst_idcard_sam.moc"
