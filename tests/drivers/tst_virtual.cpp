// The virtual driver: the simulator the demo and GUI tests rely on must behave like a reader.

#include <devices/callerbus.h>
#include <devices/codescanner.h>
#include <devices/ticketprinter.h>
#include <devices/tickettemplate.h>
#include <devices/devicemanager.h>
#include <devices/windowscreen.h>
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

    void callerBusSimulatesKeysAndDisplays()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("callerbus"), QStringLiteral("virtual"), {}, {}}, &error), qPrintable(error));
        auto *bus = m_manager->device<CallerBus>(QStringLiteral("callerbus"));
        QTRY_COMPARE(bus->state(), Device::State::Ready);
        QSignalSpy keys(bus, &CallerBus::keyPressed);
        bool ok = false;
        QMetaObject::invokeMethod(bus, "press", Qt::BlockingQueuedConnection, Q_RETURN_ARG(bool, ok), Q_ARG(int, 3),
                                  Q_ARG(QString, QStringLiteral("special-call")), Q_ARG(QString, QStringLiteral("12")));
        QVERIFY(ok);
        QMetaObject::invokeMethod(bus, "rate", Qt::BlockingQueuedConnection, Q_ARG(int, 3), Q_ARG(int, 5));
        QTRY_COMPARE(keys.size(), 2);
        const CallerEvent press = keys.at(0).first().value<CallerEvent>();
        QCOMPARE(press.address, 3);
        QCOMPARE(press.key, CallerEvent::Key::SpecialCall);
        QCOMPARE(press.argument, QStringLiteral("12"));
        QCOMPARE(keys.at(1).first().value<CallerEvent>().rating, 5);
        QMetaObject::invokeMethod(bus, [bus] { bus->show(3, CallerDisplay{QStringLiteral("A012"), 7, true}); }, Qt::BlockingQueuedConnection);
        QString shown;
        QMetaObject::invokeMethod(bus, "display", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QString, shown), Q_ARG(int, 3));
        QCOMPARE(shown, QStringLiteral("A012 (7)"));
        QMetaObject::invokeMethod(bus, "press", Qt::BlockingQueuedConnection, Q_RETURN_ARG(bool, ok), Q_ARG(int, 3),
                                  Q_ARG(QString, QStringLiteral("coffee")), Q_ARG(QString, QString()));
        QVERIFY(!ok);
    }

    void screenShowsTheStandardWords()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("screen"), QStringLiteral("virtual"), {}, {}}, &error), qPrintable(error));
        auto *screen = m_manager->device<WindowScreen>(QStringLiteral("screen"));
        QTRY_COMPARE(screen->state(), Device::State::Ready);
        auto text = [screen](int address) {
            QString t;
            QMetaObject::invokeMethod(screen, "text", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QString, t), Q_ARG(int, address));
            return t;
        };
        QMetaObject::invokeMethod(screen, [screen] {
            ScreenContent c;
            c.mode = ScreenContent::Mode::Serving;
            c.number = QStringLiteral("A023");
            screen->show(3, c);
            c.mode = ScreenContent::Mode::Paused;
            screen->show(4, c);
        }, Qt::BlockingQueuedConnection);
        QCOMPARE(text(3), QStringLiteral("请A023到3号窗口"));
        QCOMPARE(text(4), QStringLiteral("暂停服务"));
    }

    void scannerDeliversOneEventPerScan()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("scanner"), QStringLiteral("virtual"), {}, {}}, &error), qPrintable(error));
        auto *scanner = m_manager->device<CodeScanner>(QStringLiteral("scanner"));
        QTRY_COMPARE(scanner->state(), Device::State::Ready);
        QSignalSpy plain(scanner, &CodeScanner::scanned);
        QSignalSpy withAim(scanner, &CodeScanner::scannedWithSymbology);
        QMetaObject::invokeMethod(scanner, "scan", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("YY0001")), Q_ARG(QString, QStringLiteral("]Q1")));
        QTRY_COMPARE(plain.size(), 1);
        QCOMPARE(withAim.size(), 1);
        QCOMPARE(withAim.first().at(1).toString(), QStringLiteral("]Q1"));
    }

    void printerPrintsOnlyWithPaper()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("printer"), QStringLiteral("virtual"), {}, {{QStringLiteral("delayMs"), 10}}}, &error), qPrintable(error));
        auto *printer = m_manager->device<TicketPrinter>(QStringLiteral("printer"));
        QTRY_COMPARE(printer->state(), Device::State::Ready);
        TicketFields f;
        f.hall = QStringLiteral("汕尾市政务服务中心");
        f.number = QStringLiteral("A023");
        f.business = QStringLiteral("户籍业务");
        f.ahead = 5;
        f.time = QDateTime(QDate(2026, 11, 23), QTime(9, 5));
        f.qr = QStringLiteral("https://hall.example/q/A023");
        TicketTemplate tpl;
        QVERIFY2(tpl.parse(TicketTemplate::defaultText(), &error), qPrintable(error));
        const PrintJob job = tpl.render(f);
        QSignalSpy ok(printer, &TicketPrinter::printed);
        QSignalSpy failed(printer, &TicketPrinter::printFailed);
        QMetaObject::invokeMethod(printer, [printer, job] { printer->print(job); }, Qt::QueuedConnection);
        QTRY_COMPARE(ok.size(), 1);
        QStringList text;
        QMetaObject::invokeMethod(printer, "printedText", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QStringList, text));
        QVERIFY2(text.join(u'\n').contains(QLatin1String("A023")) && text.contains(QStringLiteral("[QR] https://hall.example/q/A023")),
                 qPrintable(text.join(u'|')));
        bool set = false;
        QMetaObject::invokeMethod(printer, "setPaper", Qt::BlockingQueuedConnection, Q_RETURN_ARG(bool, set), Q_ARG(QString, QStringLiteral("out")));
        QVERIFY(set);
        QMetaObject::invokeMethod(printer, [printer, job] { printer->print(job); }, Qt::QueuedConnection);
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(ok.size(), 1); // no ticket counted as printed without paper
    }
};

QTEST_GUILESS_MAIN(TestVirtual)
#include "tst_virtual.moc"
