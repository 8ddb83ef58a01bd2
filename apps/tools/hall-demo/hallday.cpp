#include "hallday.h"
#include "democlient.h"

#include <callerbusemulator.h>
#include <escposemulator.h>
#include <ledbaremulator.h>
#include <samemulator.h>

#include <core/masking.h>
#include <devices/ticketprinter.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>

namespace hall::demo {

namespace {

using Key = devices::CallerEvent::Key;

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

// Says a step in the hall's language and in English (the source text), one line each.
template<typename... Args>
void say(const char *english, Args &&...args)
{
    QString zh = QCoreApplication::translate("HallDay", english);
    QString en = QString::fromUtf8(english);
    ((zh = zh.arg(args), en = en.arg(args)), ...);
    out() << QStringLiteral("  ") << zh << Qt::endl;
    if (zh != en)
        out() << QStringLiteral("  ") << en << Qt::endl;
}

// Waits (the event loop running) until `done` holds or `ms` have passed. The predicates read
// what the apps, emulators and server have reported; the tick only looks again.
bool waitUntil(const std::function<bool()> &done, int ms)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        tick.stop(); // a predicate may wait itself (an app's answer): no second look meanwhile
        if (done())
            loop.quit();
        else
            tick.start();
    });
    tick.start(20);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
    return done();
}

void pause(int ms)
{
    if (ms > 0)
        waitUntil([] { return false; }, ms);
}

// The link between the kiosk and hall-server: a TCP relay that can be cut (every connection
// dropped, new ones refused at once, as a pulled cable or a dead switch port looks to the
// kiosk) and mended.
class LinkProxy : public QObject
{
public:
    LinkProxy(QString host, quint16 port) : m_host(std::move(host)), m_port(port)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                if (m_down) {
                    in->abort();
                    in->deleteLater();
                    continue;
                }
                auto *up = new QTcpSocket(this);
                in->setParent(this);
                m_pairs.append(std::pair{in, up});
                connect(in, &QTcpSocket::readyRead, up, [in, up] {
                    if (up->state() == QAbstractSocket::ConnectedState)
                        up->write(in->readAll());
                });
                connect(up, &QTcpSocket::connected, in, [in, up] { up->write(in->readAll()); });
                connect(up, &QTcpSocket::readyRead, in, [in, up] { in->write(up->readAll()); });
                connect(in, &QTcpSocket::disconnected, this, [this, in, up] { drop(in, up); });
                connect(up, &QTcpSocket::disconnected, this, [this, in, up] { drop(in, up); });
                connect(up, &QTcpSocket::errorOccurred, this, [this, in, up] { drop(in, up); });
                up->connectToHost(m_host, m_port);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }
    bool isDown() const { return m_down; }
    void setDown(bool down)
    {
        m_down = down;
        if (!down)
            return;
        const auto pairs = m_pairs;
        for (const auto &[in, up] : pairs)
            drop(in, up);
    }

private:
    void drop(QTcpSocket *in, QTcpSocket *up)
    {
        const auto it = std::find(m_pairs.begin(), m_pairs.end(), std::pair{in, up});
        if (it == m_pairs.end())
            return;
        m_pairs.erase(it);
        in->abort();
        up->abort();
        in->deleteLater();
        up->deleteLater();
    }

    QTcpServer m_server;
    QString m_host;
    quint16 m_port;
    bool m_down = false;
    QList<std::pair<QTcpSocket *, QTcpSocket *>> m_pairs;
};

// One app of the hall, started as in a hall (its own config, devices and data folders) and
// reached through its --automation socket: commands answered "ok"/"error", events kept in order.
class App : public QObject
{
public:
    App(QString name, QString work) : m_name(std::move(name)), m_work(std::move(work)) {}
    void setClockOffset(qint64 ms) { m_clockOffsetMs = ms; }
    // On a desktop: where the app's window goes (Qt's -qwindowgeometry; an empty size: only the
    // place; null: where it likes).
    void placeWindow(const QRect &geometry) { m_geometry = geometry; }
    ~App() override { stop(); }

    QString name() const { return m_name; }
    QString logFile() const { return QDir(m_work).filePath(m_name + QStringLiteral(".log")); }
    QString socketName() const { return QDir(m_work).filePath(m_name + QStringLiteral(".sock")); }

    bool start(const QString &program, QStringList args, bool automation, QString *error)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // The app's settings, logs and instance lock in the demo's folder, not the user's.
        env.insert(QStringLiteral("HALL_DEMO_CLOCK_OFFSET_MS"), QString::number(m_clockOffsetMs));
        for (const char *var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
            env.insert(QLatin1String(var), QDir(m_work).filePath(QStringLiteral("home/") + QString::fromLatin1(var).toLower()));
        if (!m_geometry.isNull()) {
            const QString size = m_geometry.isEmpty() ? QString() : QStringLiteral("%1x%2").arg(m_geometry.width()).arg(m_geometry.height());
            args << QStringLiteral("-qwindowgeometry") << QStringLiteral("%1+%2+%3").arg(size).arg(m_geometry.x()).arg(m_geometry.y());
        }
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(logFile());
        if (automation)
            args << QStringLiteral("--automation") << socketName();
        m_process.start(program, args);
        if (!m_process.waitForStarted(10000)) {
            *error = QStringLiteral("%1: %2").arg(program, m_process.errorString());
            return false;
        }
        if (!automation)
            return true;
        // The app listens once it has read its options; until then the socket is not there.
        connect(&m_socket, &QLocalSocket::readyRead, this, [this] {
            while (m_socket.canReadLine()) {
                const QString line = QString::fromUtf8(m_socket.readLine()).trimmed();
                if (line.startsWith(QLatin1String("event ")))
                    m_events.append(line.mid(6));
                else
                    m_replies.append(line);
            }
        });
        const bool connected = waitUntil([this] {
            if (m_socket.state() == QLocalSocket::ConnectedState || m_process.state() != QProcess::Running)
                return true;
            m_socket.abort();
            m_socket.connectToServer(socketName());
            return m_socket.waitForConnected(100);
        }, 20000) && m_socket.state() == QLocalSocket::ConnectedState;
        // Ready: the main window has shown its first frame (the app's commands are all there).
        if (!connected || waitEvent(QStringLiteral("ready"), 0, 30000).isEmpty()) {
            *error = QStringLiteral("%1 (%2)").arg(m_name, logFile());
            return false;
        }
        return true;
    }

    // The app follows hall-server live (its status says offline=0, or it reports "online").
    bool waitOnline(int ms)
    {
        const int since = mark();
        return status().contains(QLatin1String("offline=0")) || !waitEvent(QStringLiteral("online"), since, ms).isEmpty();
    }

    // A command and its answer; *reply gets the text after "ok" or "error".
    bool command(const QString &line, QString *reply = nullptr)
    {
        m_replies.clear();
        m_socket.write(line.toUtf8() + '\n');
        const bool answered = waitUntil([this] { return !m_replies.isEmpty() || m_socket.state() != QLocalSocket::ConnectedState; }, 15000);
        const QString answer = answered && !m_replies.isEmpty() ? m_replies.takeFirst() : QStringLiteral("error no answer");
        if (reply)
            *reply = answer.section(u' ', 1);
        if (!answer.startsWith(QLatin1String("ok")))
            qWarning("%s: %s: %s", qPrintable(m_name), qPrintable(line), qPrintable(answer));
        return answer.startsWith(QLatin1String("ok"));
    }

    // Events from now on: mark() and then wait for one that starts with `prefix`.
    int mark() const { return int(m_events.size()); }
    QString waitEvent(const QString &prefix, int since, int ms = 20000)
    {
        QString found;
        waitUntil([&] {
            for (int i = since; i < m_events.size(); ++i) {
                if (m_events.at(i).startsWith(prefix)) {
                    found = m_events.at(i);
                    return true;
                }
            }
            return false;
        }, ms);
        return found;
    }
    QString status()
    {
        QString reply;
        command(QStringLiteral("status"), &reply);
        return reply;
    }
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        if (m_socket.state() == QLocalSocket::ConnectedState) {
            m_socket.write("quit\n");
            m_socket.flush();
        } else {
            m_process.terminate();
        }
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
    void terminate()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }

private:
    QString m_name;
    QString m_work;
    qint64 m_clockOffsetMs = 0;
    QRect m_geometry;
    QProcess m_process;
    QLocalSocket m_socket;
    QStringList m_events;
    QStringList m_replies;
};

bool writeJson(const QString &file, const QJsonObject &o)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly) && f.write(QJsonDocument(o).toJson()) > 0;
}

bool writeSecret(const QString &file, const QByteArray &secret)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly) && f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) && f.write(secret + '\n') > 0;
}

const QString Hall = QStringLiteral("/api/v1/halls/swzx");

class HallDay
{
public:
    explicit HallDay(const HallDayOptions &o)
        : m_o(o)
        , m_work(o.work)
        , m_api(QUrl(o.url))
        , m_kiosk(QStringLiteral("kiosk"), o.work)
        , m_display(QStringLiteral("display"), o.work)
        , m_bridge(QStringLiteral("bridge"), o.work)
        , m_sam(m_work.filePath(QStringLiteral("ttyIDCARD")))
        , m_printer(m_work.filePath(QStringLiteral("ttyPRINTER")))
        , m_callers(m_work.filePath(QStringLiteral("ttyCALLERS")))
        , m_bars(m_work.filePath(QStringLiteral("ttyLEDBARS")))
        , m_link(QUrl(o.url).host(), quint16(QUrl(o.url).port()))
    {
    }

    int run()
    {
        if (!setUp())
            return fail();
        if (!morning())
            return fail();
        summary();
        stopApps();
        return 0;
    }

private:
    // ---- the hall before opening ------------------------------------------------------
    bool setUp()
    {
        m_admin = m_api.login(QStringLiteral("admin"), QStringLiteral("demo-admin-2026"));
        m_supervisor = m_api.login(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"));
        if (m_admin.isEmpty() || m_supervisor.isEmpty())
            return problem(QStringLiteral("cannot sign in at %1: is hall-server running on the demo hall?").arg(m_o.url));
        // The hall's morning at any hour: hall-server's demo clock and every app's clock run
        // from 08:30 today, at the pace of real time.
        m_clockOffsetMs = QDateTime::currentDateTime().msecsTo(QDateTime(QDate::currentDate(), QTime(8, 30)));
        if (!syncClock())
            return problem(QStringLiteral("hall-server takes no clock: start it with --fake-clock"));
        heading(QT_TRANSLATE_NOOP("HallDay", "The hall opens"));
        // Officers sign in at windows 1–4 (household registration and exit-entry) and 7 (social insurance).
        for (const int w : {1, 2, 3, 4, 7}) {
            const int status = m_api.call("POST", Hall + QStringLiteral("/windows/%1/login").arg(w), m_supervisor,
                                          {{QStringLiteral("officer"), QStringLiteral("officer%1").arg(w, 2, 10, QLatin1Char('0'))}})
                                   .status;
            if (status != 200)
                return problem(QStringLiteral("window %1 does not open (HTTP %2)").arg(w).arg(status));
        }
        say(QT_TRANSLATE_NOOP("HallDay", "Officers sign in at windows 1, 2, 3, 4 and 7."));

        // The devices, each behind its own pty: the kiosk's ID card reader and ticket printer,
        // the bridge's caller bus (callers at windows 1–3, an evaluator at window 1) and LED bars.
        m_callers.addCaller(1);
        m_callers.addCaller(2);
        m_callers.addCaller(3);
        m_callers.addEvaluator(101);
        m_bars.addresses = {1, 2, 3, 4};
        for (emulators::PtyDevice *d : std::initializer_list<emulators::PtyDevice *>{&m_sam, &m_printer, &m_callers, &m_bars}) {
            if (!d->plug())
                return problem(QStringLiteral("cannot create the emulated device %1").arg(d->path()));
        }
        if (!m_link.listen())
            return problem(QStringLiteral("cannot open the kiosk's network link"));
        say(QT_TRANSLATE_NOOP("HallDay", "Emulated devices: ID card reader %1, ticket printer %2, caller bus %3 (callers 1–3, evaluator 101), LED bars %4."),
            m_sam.path(), m_printer.path(), m_callers.path(), m_bars.path());
        if (!writeConfigs())
            return problem(QStringLiteral("cannot write the apps' configuration in %1").arg(m_work.path()));

        QString error;
        for (App *app : {&m_kiosk, &m_display, &m_bridge})
            app->setClockOffset(m_clockOffsetMs);
        layOutWindows();
        const QString windowed = QStringLiteral("--windowed");
        if (!m_bridge.start(bin(QStringLiteral("hall-bridge")), {QStringLiteral("--config"), m_work.filePath(QStringLiteral("bridge-pc.json")),
                                                                 QStringLiteral("--devices"), m_work.filePath(QStringLiteral("bridge-devices.json"))},
                            false, &error)
            || !m_display.start(bin(QStringLiteral("hall-display")), {QStringLiteral("--config"), m_work.filePath(QStringLiteral("display.json")), windowed},
                                true, &error)
            || !m_kiosk.start(bin(QStringLiteral("hall-kiosk")), {QStringLiteral("--config"), m_work.filePath(QStringLiteral("kiosk.json")),
                                                                 QStringLiteral("--devices"), m_work.filePath(QStringLiteral("kiosk-devices.json")), windowed},
                              true, &error))
            return problem(QStringLiteral("an app did not start: %1").arg(error));

        // Ready means: the kiosk and the wall follow the hall live, and the bridge has put each
        // window's state on its bar and the waiting count on its caller.
        if (!m_kiosk.waitOnline(30000))
            return problem(QStringLiteral("the kiosk does not reach hall-server"), &m_kiosk);
        if (!m_display.waitOnline(30000))
            return problem(QStringLiteral("the wall does not reach hall-server"), &m_display);
        if (!waitUntil([this] { return m_bars.text(1) == QStringLiteral("为您服务") && m_bars.text(4) == QStringLiteral("为您服务"); }, 30000))
            return problem(QStringLiteral("the bridge does not show the windows on their LED bars"), nullptr, true);
        say(QT_TRANSLATE_NOOP("HallDay", "hall-kiosk, hall-display and hall-bridge are running; the LED bars of windows 1–4 say \"%1\"."), m_bars.text(1));
        shoot(QStringLiteral("01-kiosk-start"), &m_kiosk);
        shoot(QStringLiteral("01-wall-start"), &m_display);
        return true;
    }

    // On a desktop both screens are seen at once, whole: the portrait kiosk on the right (it
    // fits itself to the desktop's height, keeping its proportion but never narrower than its
    // pages need: KioskScreen::fitToScreen), the wall on the left in the rest, in 16:9 (it draws
    // to any size). A real hall shows each full screen on its own monitor.
    void layOutWindows()
    {
        const QRect d = m_o.desktop;
        if (d.isEmpty())
            return;
        constexpr int titleBar = 40, gap = 16;
        // Room for the kiosk's pages at their real type size (about 700–850 px wide).
        const int kioskWidth = std::max((d.height() - titleBar) * 1080 / 1920, d.width() * 45 / 100);
        const QSize wall = QSize(1920, 1080).scaled(QSize(d.width() - kioskWidth - 2 * gap, d.height() - titleBar), Qt::KeepAspectRatio);
        m_display.placeWindow(QRect(d.topLeft() + QPoint(gap / 2, 0), wall));
        m_kiosk.placeWindow(QRect(d.topLeft() + QPoint(d.width() - kioskWidth, 0), QSize()));
        say(QT_TRANSLATE_NOOP("HallDay", "On this desktop (%1×%2): the wall at %3×%4 on the left, the kiosk on the right."),
            QString::number(d.width()), QString::number(d.height()), QString::number(wall.width()), QString::number(wall.height()));
    }

    bool writeConfigs()
    {
        const QString server = m_o.url;
        const QString viaLink = QStringLiteral("http://127.0.0.1:%1").arg(m_link.port());
        auto account = [](const QString &login, const QString &secret) {
            return QJsonObject{{QStringLiteral("login"), login}, {QStringLiteral("passwordFile"), secret}, {QStringLiteral("tokenStore"), QStringLiteral("memory")}};
        };
        auto device = [](const QString &role, const QString &driver, const QString &port, const QJsonObject &options) {
            return QJsonObject{{QStringLiteral("role"), role}, {QStringLiteral("driver"), driver}, {QStringLiteral("port"), port}, {QStringLiteral("options"), options}};
        };
        const QJsonObject kiosk{
            {QStringLiteral("server"), viaLink}, {QStringLiteral("hall"), QStringLiteral("swzx")}, {QStringLiteral("role"), QStringLiteral("demo-kiosk")},
            {QStringLiteral("layout"), QStringLiteral("touch")}, {QStringLiteral("account"), account(QStringLiteral("kiosk1"), QStringLiteral("kiosk1.secret"))},
            {QStringLiteral("app"), QJsonObject{{QStringLiteral("orientation"), QStringLiteral("portrait")}, {QStringLiteral("voice"), QStringLiteral("off")},
                                                {QStringLiteral("cache"), QStringLiteral("kiosk-cache.db")},
                                                {QStringLiteral("followUrl"), QStringLiteral("https://zwfw.shanwei.gov.cn/q/{hall}/{number}")}}}};
        const QJsonObject kioskDevices{{QStringLiteral("devices"), QJsonArray{
            device(QStringLiteral("idcard"), QStringLiteral("idcard-sam"), m_sam.path(), {}),
            device(QStringLiteral("printer"), QStringLiteral("printer-escpos"), m_printer.path(),
                   {{QStringLiteral("baud"), m_printer.baud()}, {QStringLiteral("timeoutMs"), 1500}})}}};
        const QJsonObject display{
            {QStringLiteral("server"), server}, {QStringLiteral("hall"), QStringLiteral("swzx")}, {QStringLiteral("role"), QStringLiteral("demo-wall")},
            {QStringLiteral("account"), account(QStringLiteral("display1"), QStringLiteral("display1.secret"))}};
        const QJsonObject bridgePc{
            {QStringLiteral("server"), server}, {QStringLiteral("hall"), QStringLiteral("swzx")}, {QStringLiteral("role"), QStringLiteral("demo-bridge")},
            {QStringLiteral("account"), account(QStringLiteral("callerbus1"), QStringLiteral("callerbus1.secret"))},
            {QStringLiteral("app"), QJsonObject{{QStringLiteral("bridge"), QStringLiteral("bridge.json")}}}};
        const QJsonObject bridgeDevices{{QStringLiteral("devices"), QJsonArray{
            device(QStringLiteral("ledbar"), QStringLiteral("ledbar"), m_bars.path(), {{QStringLiteral("timeoutMs"), 300}}),
            device(QStringLiteral("callerbus"), QStringLiteral("callerbus-serial"), m_callers.path(),
                   {{QStringLiteral("addresses"), QJsonArray{1, 2, 3, 101}}, {QStringLiteral("pollMs"), 50}})}}};
        QJsonArray bars;
        for (int w = 1; w <= 4; ++w)
            bars.append(QJsonObject{{QStringLiteral("window"), QString::number(w)}, {QStringLiteral("device"), QStringLiteral("ledbar")}, {QStringLiteral("address"), w}});
        QJsonArray callers;
        for (int w = 1; w <= 3; ++w)
            callers.append(QJsonObject{{QStringLiteral("address"), w}, {QStringLiteral("window"), QString::number(w)}});
        const QJsonObject bridge{
            {QStringLiteral("bars"), bars}, {QStringLiteral("callers"), callers},
            {QStringLiteral("evaluators"), QJsonArray{QJsonObject{{QStringLiteral("address"), 101}, {QStringLiteral("window"), QStringLiteral("1")}}}},
            {QStringLiteral("voice"), QJsonObject{{QStringLiteral("engine"), QStringLiteral("clips")}, {QStringLiteral("wavFiles"), QStringLiteral("said/call-%1.wav")}}},
            {QStringLiteral("outbox"), QStringLiteral("bridge-outbox.db")}};
        // The wall's settings store (the shell's settings-<role>.ini in the app's config folder,
        // here the demo's): a shorter enlargement for a quick run.
        if (m_o.enlargeSeconds > 0) {
            const QDir folder(m_work.filePath(QStringLiteral("home/xdg_config_home/HallSuite/hall-display")));
            QFile ini(folder.filePath(QStringLiteral("settings-demo-wall.ini")));
            if (!folder.mkpath(QStringLiteral(".")) || !ini.open(QIODevice::WriteOnly)
                || ini.write(QStringLiteral("[display]\nenlargeSeconds=%1\n").arg(m_o.enlargeSeconds).toUtf8()) <= 0)
                return false;
        }
        return writeJson(m_work.filePath(QStringLiteral("kiosk.json")), kiosk) && writeJson(m_work.filePath(QStringLiteral("kiosk-devices.json")), kioskDevices)
            && writeJson(m_work.filePath(QStringLiteral("display.json")), display) && writeJson(m_work.filePath(QStringLiteral("bridge-pc.json")), bridgePc)
            && writeJson(m_work.filePath(QStringLiteral("bridge-devices.json")), bridgeDevices) && writeJson(m_work.filePath(QStringLiteral("bridge.json")), bridge)
            && writeSecret(m_work.filePath(QStringLiteral("kiosk1.secret")), "demo-kiosk-2026")
            && writeSecret(m_work.filePath(QStringLiteral("display1.secret")), "demo-display-2026")
            && writeSecret(m_work.filePath(QStringLiteral("callerbus1.secret")), "demo-caller-2026");
    }

    // ---- the morning ------------------------------------------------------------------
    bool morning()
    {
        // 1. A citizen lays an ID card on the kiosk's reader and touches 户籍业务.
        heading(QT_TRANSLATE_NOOP("HallDay", "Citizens take tickets at the kiosk"));
        int since = m_kiosk.mark();
        m_sam.placeCard(emulators::sampleResidentCard());
        if (m_kiosk.waitEvent(QStringLiteral("screen Choose"), since).isEmpty())
            return problem(QStringLiteral("the kiosk did not read the ID card"), &m_kiosk);
        shoot(QStringLiteral("02-kiosk-idcard"), &m_kiosk);
        QString number = take(QStringLiteral("HJ"));
        if (number.isEmpty())
            return false;
        say(QT_TRANSLATE_NOOP("HallDay", "ID card %1 on the reader, 户籍业务 touched: ticket %2 printed."), core::maskIdNumber(emulators::sampleResidentCard().idNumber), number);
        shoot(QStringLiteral("03-kiosk-ticket"), &m_kiosk);
        m_paper = printedText();
        if (!m_kiosk.command(QStringLiteral("click done")))
            return problem(QStringLiteral("no Done button after the ticket"), &m_kiosk);

        // 2. By mobile number, typed on the kiosk's digit pad.
        since = m_kiosk.mark();
        if (!m_kiosk.command(QStringLiteral("click byPhone")) || m_kiosk.waitEvent(QStringLiteral("screen Identify"), since).isEmpty())
            return problem(QStringLiteral("the kiosk does not ask for the mobile number"), &m_kiosk);
        const QString phone = QStringLiteral("13800138000");
        for (const QChar c : phone)
            m_kiosk.command(QStringLiteral("click digits-%1").arg(c));
        shoot(QStringLiteral("04-kiosk-phone"), &m_kiosk);
        since = m_kiosk.mark();
        if (!m_kiosk.command(QStringLiteral("click digits-ok")) || m_kiosk.waitEvent(QStringLiteral("screen Choose"), since).isEmpty())
            return problem(QStringLiteral("the kiosk did not take the mobile number"), &m_kiosk);
        if ((number = take(QStringLiteral("CRJ"))).isEmpty())
            return false;
        say(QT_TRANSLATE_NOOP("HallDay", "Mobile number %1 typed on the digit pad, 出入境业务 touched: ticket %2."), core::maskPhone(phone), number);
        m_kiosk.command(QStringLiteral("click done"));

        // 3. By touch only, three more.
        for (const QString &business : {QStringLiteral("HJ"), QStringLiteral("CRJ"), QStringLiteral("SB")}) {
            since = m_kiosk.mark();
            if (!m_kiosk.command(QStringLiteral("click takeTicket")) || m_kiosk.waitEvent(QStringLiteral("screen Choose"), since).isEmpty())
                return problem(QStringLiteral("the kiosk's start button does not lead to the businesses"), &m_kiosk);
            if (business == QLatin1String("SB"))
                shoot(QStringLiteral("05-kiosk-businesses"), &m_kiosk);
            if ((number = take(business)).isEmpty())
                return false;
            say(QT_TRANSLATE_NOOP("HallDay", "Touched %1: ticket %2."), businessName(business), number);
            m_kiosk.command(QStringLiteral("click done"));
        }
        step();

        // 4. The windows call with their hardware callers: key → bus → bridge → hall-server;
        // the wall enlarges, the bridge speaks and changes the bars.
        heading(QT_TRANSLATE_NOOP("HallDay", "Windows call with their hardware callers"));
        for (const int w : {1, 3, 2}) {
            if (!callAt(w, w == 1))
                return false;
        }
        step();

        // 5. The printer runs out of paper in the middle of a ticket.
        heading(QT_TRANSLATE_NOOP("HallDay", "A print fails"));
        m_printer.paperOutAfter(40);
        since = m_kiosk.mark();
        m_kiosk.command(QStringLiteral("click takeTicket"));
        if (m_kiosk.waitEvent(QStringLiteral("screen Choose"), since).isEmpty() || !m_kiosk.command(QStringLiteral("click business-HJ")))
            return problem(QStringLiteral("the kiosk does not offer 户籍业务"), &m_kiosk);
        const QString voided = m_kiosk.waitEvent(QStringLiteral("voided "), since);
        if (voided.isEmpty())
            return problem(QStringLiteral("the ticket that did not print was not voided"), &m_kiosk);
        const qint64 voidedId = voided.section(u' ', 1, 1).toLongLong();
        const QJsonObject lost = ticket(voidedId);
        shoot(QStringLiteral("06-kiosk-print-failed"), &m_kiosk);
        say(QT_TRANSLATE_NOOP("HallDay", "The paper ran out in the middle of ticket %1: the kiosk says so, and hall-server has it as \"%2\" (%3) — nobody will be called for it."),
            lost.value(QStringLiteral("number")).toString(), lost.value(QStringLiteral("status")).toString(), voided.section(u' ', 2));
        m_voided = lost.value(QStringLiteral("number")).toString();
        if (lost.value(QStringLiteral("status")).toString() != QLatin1String("voided"))
            return problem(QStringLiteral("ticket %1 is not voided on the server").arg(m_voided));
        // Staff put in a new roll. The citizen is still at the kiosk: its page offers a new
        // ticket for the same business as soon as the printer works again.
        m_printer.status = {};
        if (!waitUntil([this] { return m_kiosk.status().contains(QLatin1String("newTicket=1")); }, 15000))
            return problem(QStringLiteral("the kiosk offers no new ticket once the printer works again"), &m_kiosk);
        shoot(QStringLiteral("06b-kiosk-new-ticket"), &m_kiosk);
        since = m_kiosk.mark();
        m_kiosk.command(QStringLiteral("click newTicket"));
        const QString again = m_kiosk.waitEvent(QStringLiteral("printed "), since);
        if (again.isEmpty())
            return problem(QStringLiteral("no new ticket after the failed print"), &m_kiosk);
        number = again.section(u' ', 1, 1);
        m_issued.append(number);
        say(QT_TRANSLATE_NOOP("HallDay", "A new paper roll: the page now offers \"%1\"; one touch and ticket %2 for 户籍业务 comes out."),
            QCoreApplication::translate("hall::kiosk::KioskScreen", "Take a new ticket"), number);
        m_kiosk.command(QStringLiteral("click done"));
        // Staff reset the paper counter on the maintenance screen.
        since = m_kiosk.mark();
        if (!m_kiosk.command(QStringLiteral("trigger kiosk.maintenance")) || !m_kiosk.command(QStringLiteral("type maintenanceCode 20261207"))
            || !m_kiosk.command(QStringLiteral("click ok")) || m_kiosk.waitEvent(QStringLiteral("screen Maintenance"), since).isEmpty())
            return problem(QStringLiteral("the maintenance screen does not open"), &m_kiosk);
        m_kiosk.command(QStringLiteral("click resetPaper"));
        if (!waitUntil([this] { return m_kiosk.status().contains(QLatin1String("paper=ok")); }, 10000))
            return problem(QStringLiteral("the kiosk still reports the paper out after a new roll"), &m_kiosk);
        shoot(QStringLiteral("07-kiosk-maintenance"), &m_kiosk);
        since = m_kiosk.mark();
        m_kiosk.command(QStringLiteral("click leaveMaintenance"));
        say(QT_TRANSLATE_NOOP("HallDay", "Staff put in a new paper roll and reset the counter on the maintenance screen (code typed on the kiosk)."));
        step();

        // 6. The kiosk's network goes down; it keeps issuing from its leased numbers.
        heading(QT_TRANSLATE_NOOP("HallDay", "The kiosk's network drops"));
        m_kiosk.command(QStringLiteral("top-up-leases"));
        if (!waitUntil([this] { return hasLease(QStringLiteral("HJ")) && hasLease(QStringLiteral("CRJ")); }, 70000))
            return problem(QStringLiteral("the kiosk holds no number leases for offline tickets"), &m_kiosk);
        since = m_kiosk.mark();
        m_link.setDown(true);
        if (m_kiosk.waitEvent(QStringLiteral("offline"), since, 30000).isEmpty())
            return problem(QStringLiteral("the kiosk did not notice the network was down"), &m_kiosk);
        say(QT_TRANSLATE_NOOP("HallDay", "The network between the kiosk and hall-server is cut: the kiosk says it is offline."));
        shoot(QStringLiteral("08-kiosk-offline"), &m_kiosk);
        for (const QString &business : {QStringLiteral("HJ"), QStringLiteral("CRJ")}) {
            since = m_kiosk.mark();
            m_kiosk.command(QStringLiteral("click takeTicket"));
            if (m_kiosk.waitEvent(QStringLiteral("screen Choose"), since).isEmpty())
                return problem(QStringLiteral("the offline kiosk does not offer the businesses"), &m_kiosk);
            if ((number = take(business, QStringLiteral("lease"))).isEmpty())
                return false;
            m_offline.append(number);
            say(QT_TRANSLATE_NOOP("HallDay", "Offline, touched %1: ticket %2 from the kiosk's leased numbers."), businessName(business), number);
            if (business == QLatin1String("HJ"))
                shoot(QStringLiteral("09-kiosk-offline-ticket"), &m_kiosk);
            m_kiosk.command(QStringLiteral("click done"));
        }
        // The windows go on meanwhile: the wall and the bridge have their own link.
        if (!callAt(2, false))
            return false;
        step();

        // 7. The link is back: the offline tickets join the queue where they belong.
        heading(QT_TRANSLATE_NOOP("HallDay", "The network is back"));
        since = m_kiosk.mark();
        m_link.setDown(false);
        if (m_kiosk.waitEvent(QStringLiteral("online"), since, 60000).isEmpty())
            return problem(QStringLiteral("the kiosk did not come back online"), &m_kiosk);
        if (!waitUntil([this] {
                for (const QString &n : std::as_const(m_offline)) {
                    if (ticketByNumber(n).value(QStringLiteral("status")).toString() != QLatin1String("waiting"))
                        return false;
                }
                return true;
            }, 60000))
            return problem(QStringLiteral("the offline tickets did not reach hall-server"), &m_kiosk);
        say(QT_TRANSLATE_NOOP("HallDay", "The kiosk is online again; its offline tickets %1 are in hall-server's queue, waiting."), m_offline.join(QStringLiteral(", ")));
        shoot(QStringLiteral("10-kiosk-back"), &m_kiosk);
        for (const int w : {1, 3}) {
            if (!callAt(w, false))
                return false;
        }
        shoot(QStringLiteral("11-wall-call"), &m_display);
        // The last enlargement over: the wall shows every window's state and the waiting people.
        const int calls = m_display.mark();
        if (m_display.waitEvent(QStringLiteral("calm"), calls, 30000).isEmpty())
            return problem(QStringLiteral("the wall keeps a call enlarged"), &m_display);
        shoot(QStringLiteral("12-wall-hall"), &m_display);
        return true;
    }

    // A business touched on the kiosk's Choose screen; the printed ticket's number, or empty.
    QString take(const QString &business, const QString &how = QStringLiteral("online"))
    {
        syncClock();
        const int since = m_kiosk.mark();
        if (!m_kiosk.command(QStringLiteral("click business-%1").arg(business))) {
            problem(QStringLiteral("the kiosk does not offer %1").arg(business), &m_kiosk);
            return {};
        }
        const QString printed = m_kiosk.waitEvent(QStringLiteral("printed "), since);
        if (printed.isEmpty() || printed.section(u' ', 2, 2) != how) {
            problem(QStringLiteral("no ticket for %1 came out of the printer (%2)").arg(business, printed), &m_kiosk);
            return {};
        }
        const QString number = printed.section(u' ', 1, 1);
        m_issued.append(number);
        return number;
    }

    // Window w's officer presses Next on the caller: the wall enlarges the call, the bridge
    // speaks it (a WAV in headless runs) and the window's LED bar shows it.
    bool callAt(int window, bool shootWall)
    {
        syncClock();
        const int since = m_display.mark();
        const int wavs = saidFiles();
        m_callers.press(window, Key::Next);
        const QString call = m_display.waitEvent(QStringLiteral("call "), since);
        if (call.isEmpty())
            return problem(QStringLiteral("the wall did not show the call of window %1").arg(window), &m_display);
        const QString number = call.section(u' ', 1, 1);
        if (shootWall)
            shoot(QStringLiteral("05-wall-call"), &m_display);
        const QString barText = QStringLiteral("请 %1 号").arg(number);
        if (window <= 4 && !waitUntil([&] { return m_bars.text(window) == barText; }, 10000))
            return problem(QStringLiteral("the LED bar of window %1 shows \"%2\", not \"%3\"").arg(window).arg(m_bars.text(window), barText), nullptr, true);
        if (!waitUntil([&] { return saidFiles() > wavs; }, 15000))
            return problem(QStringLiteral("the call of %1 was not spoken").arg(number), nullptr, true);
        if (window <= 3 && !waitUntil([&] { return m_callers.display(window).number == number; }, 10000))
            return problem(QStringLiteral("caller %1 does not show %2").arg(window).arg(number), nullptr, true);
        m_called.append(QStringLiteral("%1→%2").arg(number).arg(window));
        say(QT_TRANSLATE_NOOP("HallDay", "Caller %1 presses Next: %2 is called to window %1; the wall enlarges it, the voice says \"请%2号到%1号窗口\", the LED bar shows \"%3\"."),
            QString::number(window), number, m_bars.text(window));
        return true;
    }

    // ---- what the hall saw ----------------------------------------------------------
    void summary()
    {
        heading(QT_TRANSLATE_NOOP("HallDay", "What happened"));
        const QJsonArray tickets = m_api.call("GET", Hall + QStringLiteral("/tickets"), m_supervisor).body.value(QStringLiteral("tickets")).toArray();
        QMap<QString, int> bySource, byStatus;
        for (const QJsonValue &v : tickets) {
            ++bySource[v.toObject().value(QStringLiteral("source")).toString()];
            ++byStatus[v.toObject().value(QStringLiteral("status")).toString()];
        }
        auto list = [](const QMap<QString, int> &m) {
            QStringList parts;
            for (auto it = m.cbegin(); it != m.cend(); ++it)
                parts.append(QStringLiteral("%1 %2").arg(it.key()).arg(it.value()));
            return parts.join(QStringLiteral(", "));
        };
        say(QT_TRANSLATE_NOOP("HallDay", "%1 tickets from the kiosk (%2); on hall-server by source: %3; by status: %4."), QString::number(m_issued.size()),
            m_issued.join(QStringLiteral(", ")), list(bySource), list(byStatus));
        say(QT_TRANSLATE_NOOP("HallDay", "Calls from the hardware callers: %1."), m_called.join(QStringLiteral(", ")));
        say(QT_TRANSLATE_NOOP("HallDay", "Voided after the failed print: %1. Issued offline and taken in later: %2."), m_voided, m_offline.join(QStringLiteral(", ")));
        QStringList bars;
        for (int w = 1; w <= 4; ++w)
            bars.append(QStringLiteral("%1: %2").arg(w).arg(m_bars.text(w)));
        say(QT_TRANSLATE_NOOP("HallDay", "LED bars now: %1."), bars.join(QStringLiteral(" · ")));
        say(QT_TRANSLATE_NOOP("HallDay", "Announcements spoken (WAV files of the voice module): %1 in %2."), QString::number(saidFiles()), m_work.filePath(QStringLiteral("said")));
        if (!m_paper.isEmpty()) {
            say(QT_TRANSLATE_NOOP("HallDay", "The first ticket as the printer received it:"));
            for (const QString &line : m_paper.split(u'\n'))
                out() << QStringLiteral("      | ") << line << Qt::endl;
        }
        if (!m_o.shots.isEmpty())
            say(QT_TRANSLATE_NOOP("HallDay", "Screenshots of the kiosk and the wall at each moment: %1"), m_o.shots);
        say(QT_TRANSLATE_NOOP("HallDay", "Logs of the apps: %1"), m_work.path());
    }

    // ---- helpers ---------------------------------------------------------------------
    QString bin(const QString &name) const { return QDir(m_o.bin).filePath(name); }

    QDateTime now() const { return QDateTime::currentDateTime().addMSecs(m_clockOffsetMs); }

    // hall-server's demo clock to the hall's time (it stands still between two of these).
    bool syncClock()
    {
        return m_api.call("POST", QStringLiteral("/api/v1/admin/clock"), m_admin, {{QStringLiteral("set"), now().toString(Qt::ISODate)}}).status == 200;
    }

    void heading(const char *title)
    {
        syncClock();
        const QString zh = QCoreApplication::translate("HallDay", title);
        const QString en = QString::fromUtf8(title);
        out() << Qt::endl << QStringLiteral("== %1  %2").arg(now().toString(QStringLiteral("HH:mm:ss")), zh) << (zh == en ? QString() : QStringLiteral(" / ") + en)
              << QStringLiteral(" ==") << Qt::endl;
    }

    void step() { pause(m_o.paceMs); }

    void shoot(const QString &name, App *app)
    {
        pause(m_o.paceMs);
        if (m_o.shots.isEmpty())
            return;
        const QString file = QDir(m_o.shots).filePath(name + QStringLiteral(".png"));
        if (app->command(QStringLiteral("screenshot ") + file))
            m_shots.append(file);
    }

    QString printedText() const
    {
        QStringList texts;
        for (const devices::PrintElement &e : m_printer.printedElements()) {
            if (e.kind == devices::PrintElement::Kind::Text)
                texts.append(e.text);
            else if (e.kind == devices::PrintElement::Kind::Qr)
                texts.append(QStringLiteral("[QR %1]").arg(e.text));
        }
        return texts.join(u'\n').trimmed();
    }

    int saidFiles() const { return int(QDir(m_work.filePath(QStringLiteral("said"))).entryList({QStringLiteral("*.wav")}, QDir::Files).size()); }

    QString businessName(const QString &code)
    {
        if (m_businessNames.isEmpty()) {
            for (const QJsonValue &v : m_api.call("GET", Hall + QStringLiteral("/businesses"), m_supervisor).body.value(QStringLiteral("businesses")).toArray())
                m_businessNames.insert(v.toObject().value(QStringLiteral("code")).toString(), v.toObject().value(QStringLiteral("name")).toString());
        }
        return m_businessNames.value(code, code);
    }

    QJsonObject ticket(qint64 id)
    {
        return m_api.call("GET", Hall + QStringLiteral("/tickets/%1").arg(id), m_supervisor).body.value(QStringLiteral("ticket")).toObject();
    }

    QJsonObject ticketByNumber(const QString &number)
    {
        for (const QJsonValue &v : m_api.call("GET", Hall + QStringLiteral("/tickets"), m_supervisor).body.value(QStringLiteral("tickets")).toArray()) {
            if (v.toObject().value(QStringLiteral("number")).toString() == number)
                return v.toObject();
        }
        return {};
    }

    bool hasLease(const QString &business)
    {
        for (const QJsonValue &v : m_api.call("GET", Hall + QStringLiteral("/leases"), m_supervisor).body.value(QStringLiteral("leases")).toArray()) {
            const QJsonObject l = v.toObject();
            if (l.value(QStringLiteral("business")).toString() == business && l.value(QStringLiteral("used")).toInt() <= l.value(QStringLiteral("to")).toInt() - l.value(QStringLiteral("from")).toInt())
                return true;
        }
        return false;
    }

    // Says what went wrong and where to look; false, for `return problem(...)`.
    bool problem(const QString &what, App *app = nullptr, bool bridge = false)
    {
        QTextStream err(stderr);
        err << Qt::endl << QStringLiteral("hall-demo: ") << what << Qt::endl;
        if (app) {
            err << QStringLiteral("  %1: %2").arg(app->name(), app->logFile()) << Qt::endl;
            const QString picture = QDir(m_o.shots.isEmpty() ? m_work.path() : m_o.shots).filePath(QStringLiteral("failed-%1.png").arg(app->name()));
            if (app->isRunning() && app->command(QStringLiteral("screenshot ") + picture))
                err << QStringLiteral("  %1").arg(picture) << Qt::endl;
        }
        if (bridge)
            err << QStringLiteral("  bridge: %1").arg(m_bridge.logFile()) << Qt::endl;
        return false;
    }

    int fail()
    {
        stopApps();
        return 1;
    }

    void stopApps()
    {
        m_kiosk.stop();
        m_display.stop();
        m_bridge.terminate();
    }

    HallDayOptions m_o;
    QDir m_work;
    Client m_api;
    QString m_admin, m_supervisor;
    qint64 m_clockOffsetMs = 0;
    App m_kiosk, m_display, m_bridge;
    emulators::SamEmulator m_sam;
    emulators::EscPosEmulator m_printer;
    emulators::CallerBusEmulator m_callers;
    emulators::LedBarEmulator m_bars;
    LinkProxy m_link;
    QStringList m_issued, m_offline, m_called, m_shots;
    QString m_voided, m_paper;
    QHash<QString, QString> m_businessNames;
};

} // namespace

int runHallDay(const HallDayOptions &options)
{
    QDir().mkpath(options.work);
    if (!options.shots.isEmpty())
        QDir().mkpath(options.shots);
    HallDay day(options);
    return day.run();
}

} // namespace hall::demo
