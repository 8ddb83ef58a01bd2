// The virtual driver: the simulator the demo and GUI tests rely on must behave like a reader.

#include <devices/devicemanager.h>
#include <devices/idcard.h>
#include <devices/samplecards.h>

#include <QSignalSpy>
#include <QTest>

using namespace hall::devices;

class TestVirtual : public QObject
{
    Q_OBJECT

    std::unique_ptr<PluginLoader> m_loader;
    std::unique_ptr<DeviceManager> m_manager;

    IdCardReader *reader(const QVariantMap &options)
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        if (!m_manager->add({QStringLiteral("idcard"), QStringLiteral("virtual"), {}, options}, &error))
            qWarning() << error;
        auto *r = m_manager->device<IdCardReader>(QStringLiteral("idcard"));
        if (r)
            (void)QTest::qWaitFor([r] { return r->state() == Device::State::Ready; }, 2000);
        return r;
    }

private Q_SLOTS:
    void cleanup()
    {
        m_manager.reset();
    }

    void readsTheConfiguredCard_data()
    {
        QTest::addColumn<QString>("card");
        QTest::addColumn<int>("type");
        QTest::newRow("resident") << "resident" << int(IdCard::Type::Resident);
        QTest::newRow("J") << "J" << int(IdCard::Type::HkMacauTaiwan);
        QTest::newRow("I") << "I" << int(IdCard::Type::ForeignPermanent);
    }

    void readsTheConfiguredCard()
    {
        QFETCH(QString, card);
        QFETCH(int, type);
        auto *r = reader({{QStringLiteral("card"), card}, {QStringLiteral("delayMs"), 50}});
        QVERIFY(r);
        QSignalSpy got(r, &IdCardReader::cardRead);
        QMetaObject::invokeMethod(r, [r] { r->readCard(false); }, Qt::QueuedConnection);
        QTRY_COMPARE(got.size(), 1);
        const IdCard c = got.first().first().value<IdCard>();
        QCOMPARE(int(c.type), type);
        QCOMPARE(c.idNumber, sampleCard(IdCard::Type(type)).idNumber);
        QVERIFY(c.fingerprint.isEmpty()); // not asked for
    }

    void failuresCanBeScripted()
    {
        auto *r = reader({{QStringLiteral("delayMs"), 20}, {QStringLiteral("failEvery"), 2}});
        QSignalSpy got(r, &IdCardReader::cardRead);
        QSignalSpy failed(r, &Device::errorOccurred);
        for (int i = 0; i < 4; ++i) {
            QMetaObject::invokeMethod(r, [r] { r->readCard(false); }, Qt::QueuedConnection);
            QTRY_COMPARE(got.size() + failed.size(), i + 1);
            QTRY_COMPARE(r->state(), Device::State::Ready);
        }
        QCOMPARE(got.size(), 2);
        QCOMPARE(failed.size(), 2);
        QMetaObject::invokeMethod(r, "failNext", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("读卡失败（测试）")));
        QMetaObject::invokeMethod(r, [r] { r->readCard(false); }, Qt::QueuedConnection);
        QTRY_COMPARE(failed.size(), 3);
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("读卡失败（测试）"));
    }

    void autoReadReadsEachPlacedCardOnce()
    {
        auto *r = reader({{QStringLiteral("delayMs"), 20}, {QStringLiteral("card"), QStringLiteral("none")}});
        QSignalSpy got(r, &IdCardReader::cardRead);
        QMetaObject::invokeMethod(r, [r] { r->setAutoRead(true, 30); }, Qt::QueuedConnection);
        QTest::qWait(150);
        QCOMPARE(got.size(), 0);
        QMetaObject::invokeMethod(r, "placeCard", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("I")));
        QTRY_COMPARE(got.size(), 1);
        QTest::qWait(200);
        QCOMPARE(got.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestVirtual)
#include "tst_virtual.moc"
