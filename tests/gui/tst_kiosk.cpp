// hall-kiosk's flows on the offscreen platform, against the real hall-server in this process
// (real HTTP and WebSocket on loopback) and a real ticket printer: the printer-escpos driver,
// loaded by the DeviceManager, talking through a real QSerialPort to the ESC/POS emulator on a
// pty. Touch, mobile number with the reprint offer, quota full, a failed print voided on the
// server, offline issuing from a lease that joins the queue when the server is back, elderly
// mode, the number for text reminders (the server with its log-only gateway).
//
// With HALL_SCREENSHOT_DIR set, the kiosk is saved there at 1080×1920 at each step worth
// looking at, and by pagesFitTheScreen at 1080×1920 and 1920×1080 (docs/screenshots/kiosk-*.png
// come from this run under Xvfb with fonts-noto-cjk).

#include "../unit/server/harness.h"
#include "../unit/net/netawait.h"

#include <escposemulator.h>

#include <kiosk/kioskcontroller.h>
#include <kiosk/kioskscreen.h>
#include <kiosk/kiosksettings.h>
#include <kiosk/ticketprinting.h>

#include <core/i18n.h>
#include <devices/devicemanager.h>
#include <devices/pluginloader.h>
#include <net/devicereporter.h>
#include <net/eventstream.h>
#include <net/hallclient.h>
#include <sync/cache.h>
#include <sync/engine.h>
#include <sync/offline.h>

#include <security/crypto.h>
#include <security/keymanager.h>

#include <QFontMetrics>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QWebSocket>

using namespace hall;
using namespace hall::kiosk;
using hall::test::await;
using hall::test::describe;
using Screen = KioskController::Screen;

namespace {

const QString Hall = QStringLiteral("/api/v1/halls/swzx");

QString printedText(const emulators::EscPosEmulator &emu)
{
    QStringList texts;
    for (const devices::PrintElement &e : emu.printedElements())
        texts.append(e.kind == devices::PrintElement::Kind::Qr ? QStringLiteral("[QR %1]").arg(e.text) : e.text);
    return texts.join(u'\n');
}

} // namespace

class TestKioskGui : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_staff;
    std::unique_ptr<net::HallClient> m_client;
    QTemporaryDir m_dir;
    std::unique_ptr<emulators::EscPosEmulator> m_emu;
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_devices;
    std::unique_ptr<sync::SyncCache> m_cache;
    std::unique_ptr<KioskSettings> m_settings;
    std::unique_ptr<TicketPrinting> m_printing;
    std::unique_ptr<KioskController> m_kiosk;
    std::unique_ptr<KioskScreen> m_screen;
    int m_run = 0;

    test::Answer staff(const QString &path, const QJsonObject &body = {})
    {
        return m_staff->call("POST", Hall + path, body);
    }

    bool openWindows(const QStringList &windows)
    {
        for (const QString &w : windows) {
            const test::Answer a = staff(QStringLiteral("/windows/%1/login").arg(w),
                                         {{QStringLiteral("officer"), QStringLiteral("officer%1").arg(w.toInt(), 2, 10, QLatin1Char('0'))}});
            if (a.status != 200) {
                qWarning() << a.describe();
                return false;
            }
        }
        return true;
    }

    void save(const QString &name) const
    {
        const QString dir = qEnvironmentVariable("HALL_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QCoreApplication::processEvents();
        m_screen->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
    }

    void click(const QString &objectName)
    {
        QList<QPushButton *> buttons = m_screen->findChildren<QPushButton *>(objectName);
        QPushButton *visible = nullptr;
        for (QPushButton *b : buttons) {
            if (b->isVisible())
                visible = b;
        }
        QVERIFY2(visible, qPrintable(QStringLiteral("no visible button %1").arg(objectName)));
        QTest::mouseClick(visible, Qt::LeftButton);
    }

    // What does not fit on the page shown: a widget reaching outside the screen, a button or
    // field lower than its text needs, a wrapped label cut short (empty: everything fits).
    QStringList layoutProblems() const
    {
        QCoreApplication::processEvents();
        QStringList problems;
        if (m_screen->size() != m_kiosk->config().screenSize())
            problems.append(QStringLiteral("the window grew to %1×%2").arg(m_screen->width()).arg(m_screen->height()));
        const QRect screen(QPoint(0, 0), m_kiosk->config().screenSize());
        for (QWidget *w : m_screen->findChildren<QWidget *>()) {
            if (!w->isVisible() || !(qobject_cast<QPushButton *>(w) || qobject_cast<QLabel *>(w) || qobject_cast<QLineEdit *>(w)))
                continue;
            const QRect r(w->mapTo(m_screen.get(), QPoint(0, 0)), w->size());
            const QString name = w->objectName() + u' ' + QString::fromLatin1(w->metaObject()->className());
            if (!screen.contains(r))
                problems.append(QStringLiteral("%1 outside the screen (%2,%3 %4×%5)").arg(name).arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height()));
            else if (auto *l = qobject_cast<QLabel *>(w); l && l->wordWrap() && !l->text().isEmpty() && l->heightForWidth(l->width()) > l->height())
                problems.append(QStringLiteral("%1 \"%2\" cut: %3 of %4 px high").arg(name, l->text()).arg(l->height()).arg(l->heightForWidth(l->width())));
            else if (!qobject_cast<QLabel *>(w) && w->height() < w->minimumSizeHint().height())
                problems.append(QStringLiteral("%1 too low: %2 of %3 px").arg(name).arg(w->height()).arg(w->minimumSizeHint().height()));
        }
        return problems;
    }

    QJsonObject ticketOnServer(const QString &number)
    {
        const test::Answer a = m_staff->get(Hall + QStringLiteral("/tickets"));
        for (const QJsonValue &v : a.body.value(QStringLiteral("tickets")).toArray()) {
            if (v.toObject().value(QStringLiteral("number")).toString() == number)
                return v.toObject();
        }
        return {};
    }

    // Everything the kiosk shows as text now (labels, buttons, fields).
    QString screenText() const
    {
        QStringList texts;
        for (const QLabel *l : m_screen->findChildren<QLabel *>())
            texts.append(l->text());
        for (const QPushButton *b : m_screen->findChildren<QPushButton *>())
            texts.append(b->text());
        for (const QLineEdit *e : m_screen->findChildren<QLineEdit *>())
            texts.append(e->text());
        return texts.join(u'\n');
    }

    // The server's reminders of one ticket, as supervisors see them.
    QJsonArray notificationsOf(const QString &number, const QString &status)
    {
        QJsonArray out;
        for (const QJsonValue &v : m_staff->get(Hall + QStringLiteral("/notifications?status=") + status).body.value(QStringLiteral("notifications")).toArray()) {
            if (v.toObject().value(QStringLiteral("number")).toString() == number)
                out.append(v);
        }
        return out;
    }

    // Rows of ticket_phones for a ticket (sealed phone, masked).
    std::pair<QByteArray, QString> keptPhone(qint64 ticketId)
    {
        QSqlQuery q(m_server->db->connection());
        q.prepare(QStringLiteral("SELECT phone, masked FROM ticket_phones WHERE ticket_id = ?"));
        q.addBindValue(ticketId);
        if (!q.exec() || !q.next())
            return {};
        return {q.value(0).toByteArray(), q.value(1).toString()};
    }

    void typeOnKeyboard(const QString &digits)
    {
        for (const QChar c : digits)
            QTest::mouseClick(m_screen->keyboard()->findChild<QPushButton *>(QStringLiteral("digits-") + c), Qt::LeftButton);
    }

    // Leased numbers on the kiosk, then the server gone: the kiosk is offline. Its port, for back().
    quint16 takeServerAway()
    {
        m_kiosk->topUpLeases();
        sync::OfflineIssuer issuer(m_cache.get());
        if (!QTest::qWaitFor([&] { return issuer.available(QStringLiteral("HJ"), m_server->clock.now()) > 0; }, 5000))
            return 0;
        const quint16 port = m_server->port();
        m_server->server.reset();
        return QTest::qWaitFor([&] { return m_kiosk->isOffline(); }, 5000) ? port : 0;
    }

    // The server again on its port and database, the supervisor signed in again.
    bool bringServerBack(quint16 port)
    {
        QString error;
        if (!m_server->restart(port, &error)) {
            qWarning() << error;
            return false;
        }
        m_staff = std::make_unique<test::Client>(port);
        return m_staff->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"));
    }

    // cacheKey: the key that seals personal fields in the offline cache (false: none, as
    // without a keychain).
    void startKiosk(bool reminders = false, bool cacheKey = true,
                    KioskConfig::Orientation orientation = KioskConfig::Orientation::Portrait)
    {
        m_client = std::make_unique<net::HallClient>();
        m_client->setBackoffPolicy(net::Backoff::Policy{100, 800, 20});
        m_client->setRequestTimeout(3000);
        QString error;
        QVERIFY2(m_client->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())), {}, &error), qPrintable(error));
        const auto r = await<net::Session>([&](QObject *ctx, auto done) {
            m_client->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), ctx, done);
        });
        QVERIFY2(r, qPrintable(describe(r.error())));

        m_emu = std::make_unique<emulators::EscPosEmulator>(m_dir.filePath(QStringLiteral("ttyPRN%1").arg(++m_run)));
        QVERIFY(m_emu->plug());
        m_loader = std::make_unique<devices::PluginLoader>();
        m_devices = std::make_unique<devices::DeviceManager>(m_loader.get());
        QVariantMap options{{QStringLiteral("baud"), m_emu->baud()}, {QStringLiteral("timeoutMs"), 500}, {QStringLiteral("settleMs"), 20},
                            {QStringLiteral("reconnectMs"), 200}};
        QVERIFY2(m_devices->add({QStringLiteral("printer"), QStringLiteral("printer-escpos"), m_emu->path(), options}, &error), qPrintable(error));
        auto *printer = m_devices->device<devices::TicketPrinter>(QStringLiteral("printer"));
        QVERIFY(printer);
        QVERIFY(QTest::qWaitFor([printer] { return printer->state() == devices::Device::State::Ready; }, 5000));

        QVERIFY(sync::SyncCache::open(m_dir.filePath(QStringLiteral("kiosk%1.db").arg(m_run)), &m_cache, &error) == storage::OpenResult::Ok);
        // The key the keychain would give hall-kiosk: offline tickets may carry a phone, sealed.
        if (cacheKey)
            m_cache->attachPersonalData(security::KeyManager::fromKey(security::crypto::randomBytes(32), security::CipherMode::Sm4CbcHmacSm3,
                                                                      QStringLiteral("the kiosk cache key")));
        m_settings = std::make_unique<KioskSettings>();
        m_printing = std::make_unique<TicketPrinting>(printer);
        m_printing->setTimeoutMs(5000);
        KioskConfig config;
        config.followUrl = QStringLiteral("https://hall.example/q/{hall}/{number}");
        config.reminders = reminders;
        config.orientation = orientation;
        m_kiosk = std::make_unique<KioskController>(m_client.get(), &m_server->clock, config, m_settings.get(), m_printing.get(), m_cache.get(),
                                                    m_devices.get());
        m_kiosk->setOfflineGraceMs(300);
        m_kiosk->stream()->setHeartbeat(300, 1500);
        m_kiosk->setDeviceName(QStringLiteral("kiosk-01"));
        m_kiosk->deviceReporter()->setBackoffPolicy(net::Backoff::Policy{100, 800, 20});
        m_screen = std::make_unique<KioskScreen>(m_kiosk.get());
        m_screen->resize(config.screenSize());
        m_screen->show();
        m_kiosk->start(QStringLiteral("swzx"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->isOffline(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->businesses()->rowCount() > 0, 5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!qEnvironmentVariableIsEmpty("HALL_SCREENSHOT_DIR"))
            core::installTranslations();
    }
    void init()
    {
        m_server = std::make_unique<test::InProcessServer>();
        QString error;
        // Reminders through the log-only gateway (it logs the template and ticket, no phone).
        const QJsonObject notify{{QStringLiteral("gateway"),
                                  QJsonObject{{QStringLiteral("type"), QStringLiteral("log")},
                                              {QStringLiteral("templates"), QJsonObject{{QStringLiteral("ahead"), QStringLiteral("T_AHEAD")},
                                                                                        {QStringLiteral("called"), QStringLiteral("T_CALLED")},
                                                                                        {QStringLiteral("recallable"), QStringLiteral("T_RECALL")}}}}}};
        QVERIFY2(server::NotifyConfig::parse(notify, &m_server->notify, &error), qPrintable(error));
        m_server->personalKey = security::crypto::randomBytes(32);
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_staff = std::make_unique<test::Client>(m_server->port());
        QVERIFY(m_staff->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
    }
    void cleanup()
    {
        m_screen.reset();
        m_kiosk.reset();
        m_printing.reset();
        m_settings.reset();
        m_cache.reset();
        m_devices.reset();
        m_loader.reset();
        m_emu.reset();
        m_client.reset();
        m_staff.reset();
        m_server.reset();
    }

    // Q2: touch the screen, touch a business: the ticket comes out of the printer with its
    // number, business, people ahead, time, QR code and the business's own lines.
    void touchTicketIsPrinted()
    {
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("2")}));
        QVERIFY(staff(QStringLiteral("/tickets"), {{QStringLiteral("business"), QStringLiteral("HJ")}}).status == 201);
        startKiosk();
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->businesses()->business(QStringLiteral("HJ")).available, 5000);
        save(QStringLiteral("kiosk-attract"));
        click(QStringLiteral("takeTicket"));
        QCOMPARE(m_kiosk->screen(), Screen::Choose);
        QTRY_VERIFY(m_screen->businessButton(QStringLiteral("HJ")));
        save(QStringLiteral("kiosk-businesses"));
        QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        const net::TicketInfo t = *m_kiosk->ticket();
        QCOMPARE(t.number, QStringLiteral("A002"));
        QCOMPARE(t.peopleAhead, 1);
        const QString paper = printedText(*m_emu);
        QVERIFY2(paper.contains(QStringLiteral("A002")), qPrintable(paper));
        QVERIFY2(paper.contains(QStringLiteral("户籍业务")), qPrintable(paper));
        QVERIFY2(paper.contains(QStringLiteral("[QR https://hall.example/q/swzx/A002]")), qPrintable(paper));
        for (const QString &line : t.ticketLines)
            QVERIFY2(paper.contains(line), qPrintable(paper));
        QCOMPARE(m_settings->ticketsOnRoll.value(), 1);
        save(QStringLiteral("kiosk-ticket"));
        QCOMPARE(ticketOnServer(QStringLiteral("A002")).value(QStringLiteral("status")).toString(), QStringLiteral("waiting"));
    }

    // A business no window serves is shown unavailable with the reason, and gives no ticket.
    void unservedBusinessIsUnavailable()
    {
        startKiosk();
        const net::BusinessStatus hj = m_kiosk->businesses()->business(QStringLiteral("HJ"));
        QVERIFY(!hj.available);
        click(QStringLiteral("takeTicket"));
        QTRY_VERIFY(m_screen->businessButton(QStringLiteral("HJ")));
        QVERIFY(!m_screen->businessButton(QStringLiteral("HJ"))->property("available").toBool());
        // The reason whole, each line within the button (a long one is broken, never cut off).
        QPushButton *button = m_screen->businessButton(QStringLiteral("HJ"));
        QVERIFY2(button->text().remove(u'\n').contains(hj.blockedReason), qPrintable(button->text()));
        button->ensurePolished();
        for (const QString &line : button->text().split(u'\n'))
            QVERIFY2(QFontMetrics(button->font()).horizontalAdvance(line) <= button->width() - 2 * (3 + 16), qPrintable(line));
        QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
        QCOMPARE(m_kiosk->screen(), Screen::Message);
        QCOMPARE(m_kiosk->messageText(), hj.blockedReason);
        QVERIFY(printedText(*m_emu).isEmpty());
    }

    // Q3: a business whose quota is used up says "当前业务取号数量已满".
    void quotaFullIsSaid()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        test::Client admin(m_server->port());
        QVERIFY(admin.signIn(QStringLiteral("admin"), QStringLiteral("demo-admin-2026")));
        QJsonObject config = admin.get(Hall + QStringLiteral("/config")).body;
        QJsonArray businesses = config.value(QStringLiteral("businesses")).toArray();
        for (int i = 0; i < businesses.size(); ++i) {
            QJsonObject b = businesses.at(i).toObject();
            if (b.value(QStringLiteral("code")).toString() == QLatin1String("HJ"))
                b.insert(QStringLiteral("quota"), QJsonObject{{QStringLiteral("morning"), 1}});
            businesses.replace(i, b);
        }
        config.insert(QStringLiteral("businesses"), businesses);
        const test::Answer put = admin.call("PUT", Hall + QStringLiteral("/config"), config);
        QVERIFY2(put.status == 200, qPrintable(put.describe()));
        startKiosk();
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        m_kiosk->cancel();
        m_kiosk->touchStart();
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->businesses()->business(QStringLiteral("HJ")).available, 5000);
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Message, 5000);
        QCOMPARE(m_kiosk->messageText(), QStringLiteral("当前业务取号数量已满"));
    }

    // Q14: by mobile number (typed into the field); the same person again is offered a reprint
    // of the ticket they hold — same number, printed again.
    void samePersonIsOfferedAReprint()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        for (int round = 0; round < 2; ++round) {
            click(QStringLiteral("byPhone"));
            QCOMPARE(m_kiosk->screen(), Screen::Identify);
            QLineEdit *field = m_screen->entryField();
            QVERIFY(field->isVisible());
            // The on-screen keyboard opens with its digit pad for the number (K5).
            ui::TouchKeyboard *keyboard = m_screen->keyboard();
            QVERIFY(keyboard->isVisible());
            QCOMPARE(keyboard->mode(), ui::TouchKeyboard::Mode::Digits);
            QCOMPARE(keyboard->target(), field);
            if (round == 0) {
                QTest::keyClicks(field, QStringLiteral("13812345678"));
                click(QStringLiteral("ok"));
            } else {
                // The second time touched on the screen's keyboard, 确定 included.
                for (const QChar c : QStringLiteral("13812345678"))
                    QTest::mouseClick(keyboard->findChild<QPushButton *>(QStringLiteral("digits-") + c), Qt::LeftButton);
                QCOMPARE(field->text(), QStringLiteral("13812345678"));
                QTest::mouseClick(keyboard->findChild<QPushButton *>(QStringLiteral("digits-ok")), Qt::LeftButton);
            }
            QCOMPARE(m_kiosk->screen(), Screen::Choose);
            QVERIFY(!keyboard->isVisible());
            QVERIFY(m_screen->bannerText().isEmpty());
            QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
            if (round == 0) {
                QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
                QCOMPARE(m_kiosk->ticket()->number, QStringLiteral("A001"));
                click(QStringLiteral("done"));
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Reprint, 5000);
        click(QStringLiteral("reprint"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QCOMPARE(m_kiosk->ticket()->number, QStringLiteral("A001"));
        QCOMPARE(m_kiosk->ticket()->printCount, 2);
        QCOMPARE(printedText(*m_emu).count(QStringLiteral("[QR https://hall.example/q/swzx/A001]")), 2);
        // The mobile number is never printed and never stays on the kiosk.
        QVERIFY(!printedText(*m_emu).contains(QStringLiteral("13812345678")));
        QVERIFY(m_kiosk->identityText().isEmpty());
    }

    // Q2, Q13: an ID card on the reader without an appointment offers the businesses with the
    // card (masked) as the identity; an appointment code from the code scanner checks in at
    // once; a release password gives its special ticket.
    void idCardAppointmentCodeAndReleasePassword()
    {
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("2")}));
        const test::Answer booked = staff(QStringLiteral("/appointments"),
                                          {{QStringLiteral("code"), QStringLiteral("YY20261123")},
                                           {QStringLiteral("business"), QStringLiteral("HJ")},
                                           {QStringLiteral("phone"), QStringLiteral("13912345678")},
                                           {QStringLiteral("slotStart"), QStringLiteral("2026-11-23T09:00:00")},
                                           {QStringLiteral("slotEnd"), QStringLiteral("2026-11-23T09:30:00")}});
        QVERIFY2(booked.status == 201, qPrintable(booked.describe()));
        const test::Answer passwords = staff(QStringLiteral("/release-passwords"), {{QStringLiteral("business"), QStringLiteral("HJ")}, {QStringLiteral("count"), 1}});
        QVERIFY2(passwords.status == 201 || passwords.status == 200, qPrintable(passwords.describe()));
        const QString password = passwords.body.value(QStringLiteral("passwords")).toArray().first().toString();
        startKiosk();

        devices::IdCard card;
        card.name = QStringLiteral("张三丰");
        card.idNumber = QStringLiteral("11010519491231002X");
        m_kiosk->cardRead(card);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Choose, 5000);
        QCOMPARE(m_kiosk->identityText(), KioskController::tr("ID card %1").arg(QStringLiteral("1101**********002X")));
        QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        const QString byCard = m_kiosk->ticket()->number;
        QCOMPARE(ticketOnServer(byCard).value(QStringLiteral("source")).toString(), QStringLiteral("idcard"));
        QVERIFY(!printedText(*m_emu).contains(QStringLiteral("张三丰")));
        QVERIFY(!printedText(*m_emu).contains(card.idNumber));
        m_kiosk->cancel();

        m_kiosk->codeScanned(QStringLiteral("YY20261123"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QCOMPARE(ticketOnServer(m_kiosk->ticket()->number).value(QStringLiteral("source")).toString(), QStringLiteral("appointment"));
        m_kiosk->cancel();

        click(QStringLiteral("byPassword"));
        QTest::keyClicks(m_screen->entryField(), password);
        click(QStringLiteral("ok"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QCOMPARE(ticketOnServer(m_kiosk->ticket()->number).value(QStringLiteral("source")).toString(), QStringLiteral("special"));
        m_kiosk->cancel();

        // The same card again: the reprint offer.
        m_kiosk->cardRead(card);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Choose, 5000);
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Reprint, 5000);
    }

    // The known defect of other systems: the paper runs out mid-ticket. The citizen is told,
    // and the ticket is voided on the server with the reason — nobody will be called for it.
    void printFailureVoidsTheTicket()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        QSignalSpy voided(m_kiosk.get(), &KioskController::ticketVoided);
        m_emu->paperOutAfter(40);
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Message, 10000);
        QCOMPARE(m_kiosk->messageTitle(), KioskController::tr("The ticket could not be printed"));
        QVERIFY2(m_kiosk->messageText().contains(QStringLiteral("A001")), qPrintable(m_kiosk->messageText()));
        // In a citizen's words: what is wrong, not the driver's job id and instructions for staff.
        QVERIFY2(m_kiosk->messageText().startsWith(TicketPrinting::tr("The printer is out of paper")), qPrintable(m_kiosk->messageText()));
        QVERIFY2(!m_kiosk->messageText().contains(u'#'), qPrintable(m_kiosk->messageText()));
        QTRY_COMPARE_WITH_TIMEOUT(voided.size(), 1, 5000);
        const QJsonObject t = ticketOnServer(QStringLiteral("A001"));
        QCOMPARE(t.value(QStringLiteral("status")).toString(), QStringLiteral("voided"));
        QCOMPARE(staff(QStringLiteral("/windows/1/call-next")).body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(),
                 QString());
        QCOMPARE(m_settings->ticketsOnRoll.value(), 0);
        // Paper out is shown, and no further ticket is issued until the paper is changed.
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->paperWarning().isEmpty(), 5000);
        QVERIFY(m_screen->bannerText().contains(m_kiosk->paperWarning()));
        m_kiosk->cancel();
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QCOMPARE(m_kiosk->screen(), Screen::Message);
        QVERIFY(ticketOnServer(QStringLiteral("A002")).isEmpty());
    }

    // After the failed print the citizen is not sent back to the start: the message says the
    // staff see the printer, and once it works again (a new roll, seen within seconds) it offers
    // a new ticket for the same business and person — the voided one never comes back.
    void printFailureOffersANewTicketOnceThePrinterIsBack()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        QSignalSpy voided(m_kiosk.get(), &KioskController::ticketVoided);
        m_emu->paperOutAfter(40);
        devices::IdCard card;
        card.name = QStringLiteral("张三丰");
        card.idNumber = QStringLiteral("11010519491231002X");
        m_kiosk->cardRead(card);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Choose, 5000);
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Message, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(voided.size(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->paperWarning().isEmpty(), 5000);
        // Out of paper: no new ticket yet, but the page says what will happen.
        QVERIFY(!m_kiosk->canTakeNewTicket());
        QVERIFY2(m_kiosk->newTicketHint().contains(QStringLiteral("户籍业务")), qPrintable(m_kiosk->newTicketHint()));
        QVERIFY(!m_screen->findChild<QPushButton *>(QStringLiteral("newTicket"))->isVisible());
        QVERIFY2(screenText().contains(m_kiosk->newTicketHint()), qPrintable(screenText()));
        save(QStringLiteral("kiosk-print-failed"));
        m_kiosk->takeNewTicket(); // a stray touch does nothing
        QCOMPARE(m_kiosk->screen(), Screen::Message);

        // Staff put in a new roll; the kiosk asks the printer every few seconds meanwhile.
        m_emu->status = {};
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->canTakeNewTicket(), 3 * TicketPrinting::WaitingPollMs + 2000);
        QCOMPARE(m_kiosk->screen(), Screen::Message);
        save(QStringLiteral("kiosk-print-failed-printer-back"));
        click(QStringLiteral("newTicket"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        const net::TicketInfo t = *m_kiosk->ticket();
        QCOMPARE(t.number, QStringLiteral("A002"));
        QVERIFY2(printedText(*m_emu).contains(QStringLiteral("A002")), qPrintable(printedText(*m_emu)));
        // The same person's ticket (the ID card was kept for it), and the old one stays voided.
        const QJsonObject fresh = ticketOnServer(QStringLiteral("A002"));
        QCOMPARE(fresh.value(QStringLiteral("status")).toString(), QStringLiteral("waiting"));
        QCOMPARE(fresh.value(QStringLiteral("source")).toString(), QStringLiteral("idcard"));
        QCOMPARE(ticketOnServer(QStringLiteral("A001")).value(QStringLiteral("status")).toString(), QStringLiteral("voided"));
        QVERIFY(!m_kiosk->canTakeNewTicket());
        QVERIFY(m_kiosk->newTicketHint().isEmpty());
    }

    // S1: the server goes away; the kiosk says so and keeps issuing from its leased numbers;
    // when the server is back the ticket is in the queue at its place.
    void offlineTicketJoinsTheQueueLater()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        const quint16 port = takeServerAway();
        QVERIFY(port);
        QCOMPARE(m_screen->bannerText(), m_kiosk->statusText());
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QVERIFY(m_kiosk->ticketFromLease());
        const QString number = m_kiosk->ticket()->number;
        QVERIFY2(printedText(*m_emu).contains(number), qPrintable(printedText(*m_emu)));
        save(QStringLiteral("kiosk-offline"));

        QVERIFY(bringServerBack(port));
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->isOffline(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(ticketOnServer(number).value(QStringLiteral("status")).toString(), QStringLiteral("waiting"), 15000);
    }

    // A leased ticket that did not print is not on the server yet: it is voided as soon as the
    // sync has taken it in, so it never waits in the queue either.
    void offlinePrintFailureIsVoidedWhenTheServerIsBack()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        m_kiosk->topUpLeases();
        sync::OfflineIssuer issuer(m_cache.get());
        QTRY_VERIFY_WITH_TIMEOUT(issuer.available(QStringLiteral("HJ"), m_server->clock.now()) > 0, 5000);
        const sync::LocalLease lease = issuer.leases(QStringLiteral("HJ")).first();
        const QString number = lease.number(lease.from + lease.used);
        const quint16 port = m_server->port();
        m_server->server.reset();
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->isOffline(), 5000);
        m_emu->paperOutAfter(40);
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Message, 10000);
        QVERIFY2(m_kiosk->messageText().contains(number), qPrintable(m_kiosk->messageText()));

        QSignalSpy voided(m_kiosk.get(), &KioskController::ticketVoided);
        QVERIFY(bringServerBack(port));
        QTRY_COMPARE_WITH_TIMEOUT(voided.size(), 1, 20000);
        QCOMPARE(ticketOnServer(number).value(QStringLiteral("status")).toString(), QStringLiteral("voided"));
    }

    // Q8, Q14: with reminders on, a touch ticket asks after the business for a mobile number
    // (the digit pad; a wrong one is said beside the field, the business stays chosen). The
    // number is masked once typed, never printed or logged, arrives sealed on the server, and
    // the 'called' reminder goes out when the ticket is called.
    void reminderNumberAfterTheBusiness()
    {
        static QStringList logged;
        logged.clear();
        const QtMessageHandler previous = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &msg) { logged.append(msg); });
        QLoggingCategory::setFilterRules(QStringLiteral("hall.*.info=true"));
        const auto restore = qScopeGuard([previous] {
            QLoggingCategory::setFilterRules(QString());
            qInstallMessageHandler(previous);
        });
        const QString phone = QStringLiteral("13812345678");
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->businesses()->business(QStringLiteral("HJ")).available, 5000);
        click(QStringLiteral("takeTicket"));
        QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
        QCOMPARE(m_kiosk->screen(), Screen::Identify);
        QCOMPARE(m_kiosk->entry(), KioskController::Entry::Reminder);
        QCOMPARE(m_screen->keyboard()->mode(), ui::TouchKeyboard::Mode::Digits);
        QVERIFY(m_screen->keyboard()->isVisible());
        QVERIFY(m_screen->findChild<QPushButton *>(QStringLiteral("skipReminder"))->isVisible());
        QVERIFY(printedText(*m_emu).isEmpty()); // nothing issued yet

        typeOnKeyboard(QStringLiteral("2381234567"));
        QTest::mouseClick(m_screen->keyboard()->findChild<QPushButton *>(QStringLiteral("digits-ok")), Qt::LeftButton);
        QCOMPARE(m_kiosk->screen(), Screen::Identify);
        QLabel *error = m_screen->findChild<QLabel *>(QStringLiteral("entryError"));
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), m_kiosk->entryError());
        QVERIFY(!m_kiosk->entryError().isEmpty());

        m_screen->entryField()->clear(); // correcting it takes the error away
        QVERIFY(m_kiosk->entryError().isEmpty());
        QVERIFY(!error->isVisible());
        typeOnKeyboard(phone + QStringLiteral("9")); // the 12th digit does not go in
        QCOMPARE(m_screen->entryField()->text(), phone);
        save(QStringLiteral("kiosk-reminder"));
        QTest::mouseClick(m_screen->keyboard()->findChild<QPushButton *>(QStringLiteral("digits-ok")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        const net::TicketInfo t = *m_kiosk->ticket();
        QCOMPARE(m_kiosk->ticketReminderText(), KioskController::tr("Text reminder to %1 before you are called").arg(QStringLiteral("138****5678")));
        QVERIFY2(screenText().contains(QStringLiteral("138****5678")), qPrintable(screenText()));
        QVERIFY2(!screenText().contains(phone), qPrintable(screenText()));
        save(QStringLiteral("kiosk-reminder-ticket"));
        QVERIFY(!printedText(*m_emu).contains(phone));

        // On the server: a touch ticket, its phone sealed, shown masked.
        QCOMPARE(ticketOnServer(t.number).value(QStringLiteral("source")).toString(), QStringLiteral("touch"));
        const auto [sealed, masked] = keptPhone(t.id);
        QVERIFY(!sealed.isEmpty());
        QVERIFY(!sealed.contains(phone.toLatin1()));
        QCOMPARE(masked, QStringLiteral("138****5678"));

        const test::Answer called = staff(QStringLiteral("/windows/1/call-next"));
        QCOMPARE(called.body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), t.number);
        QTRY_COMPARE_WITH_TIMEOUT(notificationsOf(t.number, QStringLiteral("sent")).size(), 1, 5000);
        const QJsonObject sent = notificationsOf(t.number, QStringLiteral("sent")).at(0).toObject();
        QCOMPARE(sent.value(QStringLiteral("reminder")).toString(), QStringLiteral("called"));
        QCOMPARE(sent.value(QStringLiteral("phone")).toString(), QStringLiteral("138****5678"));
        QVERIFY(logged.join(u'\n').contains(QStringLiteral("T_CALLED")));
        QVERIFY(!logged.join(u'\n').contains(phone));
    }

    // The step is one touch to skip, also in elderly mode (two choices there: no Back); an ID
    // card's ticket is asked too, a mobile number's is not (it has one). Off by default: the
    // other tests take their tickets without the step.
    void reminderIsSkippedWithOneTouch()
    {
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("2")}));
        startKiosk(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->businesses()->business(QStringLiteral("HJ")).available, 5000);
        click(QStringLiteral("elderlyButton"));
        QSignalSpy said(m_kiosk.get(), &KioskController::guidance);
        devices::IdCard card;
        card.name = QStringLiteral("张三丰");
        card.idNumber = QStringLiteral("11010519491231002X");
        m_kiosk->cardRead(card);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Choose, 5000);
        QTRY_VERIFY(m_screen->businessButton(QStringLiteral("HJ")));
        QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
        QCOMPARE(m_kiosk->entry(), KioskController::Entry::Reminder);
        QCOMPARE(said.last().at(0).toString(), m_kiosk->guidanceText());
        QList<QPushButton *> visible;
        for (QPushButton *b : m_screen->page(Screen::Identify)->findChildren<QPushButton *>()) {
            if (b->isVisible())
                visible.append(b);
        }
        QCOMPARE(visible.size(), 2); // no thanks, OK
        save(QStringLiteral("kiosk-reminder-elderly"));
        click(QStringLiteral("skipReminder"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        const net::TicketInfo byCard = *m_kiosk->ticket();
        QCOMPARE(ticketOnServer(byCard.number).value(QStringLiteral("source")).toString(), QStringLiteral("idcard"));
        QVERIFY(keptPhone(byCard.id).second.isEmpty());
        QVERIFY(m_kiosk->ticketReminderText().isEmpty());
        click(QStringLiteral("elderlyButton"));
        m_kiosk->cancel();

        // By mobile number: no second question; the server reminds on that number.
        m_kiosk->askFor(KioskController::Entry::Phone);
        m_kiosk->submitEntry(QStringLiteral("13912345678"));
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QCOMPARE(keptPhone(m_kiosk->ticket()->id).second, QStringLiteral("139****5678"));
        QVERIFY(m_kiosk->ticketReminderText().contains(QStringLiteral("139****5678")));
    }

    // Offline tickets are reminded too: the number goes into the outbox sealed with the ticket,
    // and once the server has taken the ticket in, calling it sends the reminder.
    void offlineTicketKeepsItsReminder()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk(true);
        const quint16 port = takeServerAway();
        QVERIFY(port);
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QCOMPARE(m_kiosk->entry(), KioskController::Entry::Reminder);
        m_kiosk->submitEntry(QStringLiteral("13812345678"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QVERIFY(m_kiosk->ticketFromLease());
        const QString number = m_kiosk->ticket()->number;
        // Sealed in the kiosk's cache: no digit string of the phone in its file or WAL.
        const QString cacheFile = m_dir.filePath(QStringLiteral("kiosk%1.db").arg(m_run));
        for (const QString &f : QStringList{cacheFile, cacheFile + QStringLiteral("-wal")}) {
            QFile file(f);
            if (file.open(QIODevice::ReadOnly))
                QVERIFY2(!file.readAll().contains("13812345678"), qPrintable(f));
        }

        QVERIFY(bringServerBack(port));
        QTRY_COMPARE_WITH_TIMEOUT(ticketOnServer(number).value(QStringLiteral("status")).toString(), QStringLiteral("waiting"), 15000);
        QCOMPARE(keptPhone(ticketOnServer(number).value(QStringLiteral("id")).toInteger()).second, QStringLiteral("138****5678"));
        QVERIFY(openWindows({QStringLiteral("1")}));
        QCOMPARE(staff(QStringLiteral("/windows/1/call-next")).body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("number")).toString(), number);
        QTRY_COMPARE_WITH_TIMEOUT(notificationsOf(number, QStringLiteral("sent")).size(), 1, 5000);
    }

    // Offline without a key for the cache, the number cannot be kept safely: the ticket is
    // printed all the same, without the promise of a text.
    void offlineWithoutACacheKeyTheTicketStillPrints()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk(true, false);
        QVERIFY(takeServerAway());
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        m_kiosk->submitEntry(QStringLiteral("13812345678"));
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QVERIFY(m_kiosk->ticketFromLease());
        QVERIFY(m_kiosk->ticketReminderText().isEmpty());
    }

    // K1: one touch switches to elderly mode: larger, high contrast, only what can be taken,
    // and the guidance spoken.
    void elderlyModeIsOneTouch()
    {
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("5")}));
        startKiosk();
        QSignalSpy said(m_kiosk.get(), &KioskController::guidance);
        click(QStringLiteral("elderlyButton"));
        QVERIFY(m_kiosk->isElderly());
        QCOMPARE(said.size(), 1);
        click(QStringLiteral("takeTicket"));
        QCOMPARE(said.size(), 2);
        int shown = 0;
        for (int row = 0; row < m_kiosk->businesses()->rowCount(); ++row) {
            const QModelIndex i = m_kiosk->businesses()->index(row);
            QPushButton *b = m_screen->businessButton(i.data(BusinessModel::CodeRole).toString());
            QCOMPARE(b != nullptr, i.data(BusinessModel::AvailableRole).toBool());
            shown += b ? 1 : 0;
        }
        QVERIFY(shown > 0);
        save(QStringLiteral("kiosk-elderly"));
        click(QStringLiteral("elderlyButton"));
        QVERIFY(!m_kiosk->isElderly());
    }
    // The kiosk on a 1080×1920 and on a 1920×1080 touch screen: every page a citizen goes
    // through fits it — start, businesses, mobile number with the keyboard, the ticket, elderly
    // mode. (HALL_SCREENSHOT_DIR: kiosk-portrait-*.png, kiosk-landscape-*.png.)
    void pagesFitTheScreen_data()
    {
        QTest::addColumn<bool>("landscape");
        QTest::newRow("portrait") << false;
        QTest::newRow("landscape") << true;
    }
    void pagesFitTheScreen()
    {
        QFETCH(bool, landscape);
        QVERIFY(openWindows({QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("5")}));
        startKiosk(false, true, landscape ? KioskConfig::Orientation::Landscape : KioskConfig::Orientation::Portrait);
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->businesses()->business(QStringLiteral("HJ")).available, 5000);
        const QString prefix = QStringLiteral("kiosk-%1-").arg(QString::fromLatin1(QTest::currentDataTag()));
        auto fits = [this, prefix](const QString &page) {
            save(prefix + page);
            const QStringList problems = layoutProblems();
            return problems.isEmpty() ? true : (qWarning("%s: %s", qPrintable(page), qPrintable(problems.join(QStringLiteral("; ")))), false);
        };
        QVERIFY(fits(QStringLiteral("attract")));
        click(QStringLiteral("takeTicket"));
        QTRY_VERIFY(m_screen->businessButton(QStringLiteral("HJ")));
        QVERIFY(fits(QStringLiteral("businesses")));
        click(QStringLiteral("back"));
        click(QStringLiteral("byPhone"));
        QVERIFY(m_screen->keyboard()->isVisible());
        QTest::keyClicks(m_screen->entryField(), QStringLiteral("138"));
        QVERIFY(fits(QStringLiteral("phone")));
        click(QStringLiteral("back"));
        click(QStringLiteral("takeTicket"));
        QTest::mouseClick(m_screen->businessButton(QStringLiteral("HJ")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_kiosk->screen(), Screen::Done, 10000);
        QVERIFY(fits(QStringLiteral("ticket")));
        click(QStringLiteral("done"));
        click(QStringLiteral("elderlyButton"));
        QVERIFY(fits(QStringLiteral("elderly-attract")));
        click(QStringLiteral("takeTicket"));
        QVERIFY(fits(QStringLiteral("elderly")));
        click(QStringLiteral("back"));
        click(QStringLiteral("byPhone"));
        QVERIFY(fits(QStringLiteral("elderly-phone")));
    }

    // The printer's paper is the supervisor's business too: the ESC/POS printer runs out and the
    // supervisor's event stream hears `device.status` with the printer paper_out; the list on
    // the server says so; paper near its end, seen between citizens, is a warning.
    void paperOutReachesTheSupervisor()
    {
        QWebSocket supervisor;
        QList<QJsonObject> statuses;
        connect(&supervisor, &QWebSocket::textMessageReceived, this, [&statuses](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("device.status"))
                statuses.append(m.value(QStringLiteral("data")).toObject());
        });
        supervisor.open(test::eventRequest(m_server->port(), m_staff->token));
        QVERIFY(QTest::qWaitFor([&] { return supervisor.state() == QAbstractSocket::ConnectedState; }, 5000));
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        const auto printerState = [](const QJsonObject &device) {
            for (const QJsonValue &p : device.value(QStringLiteral("parts")).toArray()) {
                if (p.toObject().value(QStringLiteral("part")).toString() == QLatin1String("printer"))
                    return p.toObject().value(QStringLiteral("state")).toString();
            }
            return QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!statuses.isEmpty() && printerState(statuses.last()) == QLatin1String("ok"), 5000);
        QCOMPARE(statuses.last().value(QStringLiteral("device")).toString(), QStringLiteral("kiosk-01"));

        m_emu->status.paperNearEnd = true;
        m_printing->setPaperPollMs(100);
        QTRY_COMPARE_WITH_TIMEOUT(printerState(statuses.last()), QStringLiteral("paper_low"), 5000);
        QCOMPARE(statuses.last().value(QStringLiteral("condition")).toString(), QStringLiteral("warning"));
        m_printing->setPaperPollMs(0);

        m_emu->paperOutAfter(40);
        m_kiosk->touchStart();
        m_kiosk->chooseBusiness(QStringLiteral("HJ"));
        QTRY_COMPARE_WITH_TIMEOUT(printerState(statuses.last()), QStringLiteral("paper_out"), 10000);
        QCOMPARE(statuses.last().value(QStringLiteral("condition")).toString(), QStringLiteral("fault"));
        const test::Answer listed = m_staff->get(Hall + QStringLiteral("/devices"));
        QCOMPARE(printerState(listed.body.value(QStringLiteral("devices")).toArray().at(0).toObject()), QStringLiteral("paper_out"));
    }

    // A paper-out while the server is away is not lost: the kiosk keeps the state with the
    // time it was seen and reports it as soon as the server is back.
    void paperOutDuringAnOutageArrivesLater()
    {
        QVERIFY(openWindows({QStringLiteral("1")}));
        startKiosk();
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->deviceReporter()->isPending(), 5000);
        const quint16 port = m_server->port();
        m_server->server.reset();
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->isOffline(), 5000);
        m_emu->status.paperOut = true;
        m_printing->setPaperPollMs(100);
        QTRY_COMPARE_WITH_TIMEOUT(m_printing->reportState(), QStringLiteral("paper_out"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_kiosk->deviceReporter()->isPending(), 5000);
        QTest::qWait(2500); // reports fail meanwhile

        QString error;
        QVERIFY2(m_server->restart(port, &error), qPrintable(error));
        m_staff = std::make_unique<test::Client>(port);
        QVERIFY(m_staff->signIn(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_kiosk->deviceReporter()->isPending(), 10000);
        const QJsonObject device = m_staff->get(Hall + QStringLiteral("/devices")).body.value(QStringLiteral("devices")).toArray().at(0).toObject();
        QCOMPARE(device.value(QStringLiteral("condition")).toString(), QStringLiteral("fault"));
        QCOMPARE(device.value(QStringLiteral("parts")).toArray().at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("paper_out"));
        // Seen before the server was back, and said so (the server's clock stands still here).
        const QDateTime observed = QDateTime::fromString(device.value(QStringLiteral("observedAt")).toString(), Qt::ISODateWithMs);
        const QDateTime reported = QDateTime::fromString(device.value(QStringLiteral("reportedAt")).toString(), Qt::ISODateWithMs);
        QVERIFY2(observed.secsTo(reported) >= 2, qPrintable(device.value(QStringLiteral("observedAt")).toString()));
    }
};

QTEST_MAIN(TestKioskGui)
#include "tst_kiosk.moc"
