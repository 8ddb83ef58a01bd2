// bench-event-subscribers: what stalled WebSocket subscribers cost a loaded hall-server
// (issue 11). It opens N subscribers that stop reading after the handshake (raw TCP sockets
// with a small receive buffer, never read; one reconnects when the server drops it, so N stay
// stalled the whole run), one subscriber that reads everything, and issues a ticket
// every few hundred milliseconds itself. It samples the server's RSS (/proc/PID/status VmRSS)
// and the reader's event lag: the time from the HTTP reply of its issue to the ticket.issued
// event. Load comes from hall-load running beside it (bench/run-stalled-subscribers).

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTextStream>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <memory>
#include <vector>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QString login(QNetworkAccessManager &nam, const QUrl &base, const QString &user, const QString &password)
{
    QNetworkRequest req(base.resolved(QUrl(QStringLiteral("/api/v1/auth/login"))));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *r = nam.post(req, QJsonDocument(QJsonObject{{QStringLiteral("login"), user}, {QStringLiteral("password"), password}}).toJson());
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QString token = QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("token")).toString();
    r->deleteLater();
    return token;
}

double rssMb(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1;
}

// A frozen display: handshake, then nothing read. Qt keeps at most one byte; the kernel's small
// receive buffer fills and the server's socket stops draining.
class Stalled : public QObject
{
public:
    Stalled(quint16 port, QString path, QString token, int reconnectMs, int *reconnects)
        : m_port(port), m_path(std::move(path)), m_token(std::move(token)), m_reconnects(reconnects)
    {
        connect(&m_socket, &QTcpSocket::disconnected, this, [this, reconnectMs] {
            ++*m_reconnects;
            QTimer::singleShot(reconnectMs, this, &Stalled::open);
        });
        connect(&m_socket, &QTcpSocket::connected, this, [this] {
            m_socket.write(QStringLiteral("GET %1 HTTP/1.1\r\nHost: 127.0.0.1:%2\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                          "Authorization: Bearer %3\r\n"
                                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                               .arg(m_path).arg(m_port).arg(m_token).toLatin1());
        });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
            if (m_upgraded)
                return;
            m_head += m_socket.readAll();
            if (m_head.contains("\r\n\r\n")) {
                m_upgraded = m_head.startsWith("HTTP/1.1 101");
                if (!m_upgraded) // the reconnect limit (429) or worse: counted, shown with the samples
                    ++refused[m_head.left(m_head.indexOf('\r')).mid(9)];
                m_socket.setReadBufferSize(1);
            }
        });
    }
    void open()
    {
        m_upgraded = false;
        m_head.clear();
        m_socket.abort();
        m_socket.setReadBufferSize(0);
        m_socket.bind(QHostAddress::LocalHost, 0);
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    }
    // Qt reads nothing while its buffer is full, so it does not see the server's abort; the
    // kernel's TCP state does.
    void poke()
    {
#ifdef Q_OS_LINUX
        tcp_info info{};
        socklen_t len = sizeof info;
        if (m_upgraded && m_socket.state() == QAbstractSocket::ConnectedState
            && getsockopt(int(m_socket.socketDescriptor()), IPPROTO_TCP, TCP_INFO, &info, &len) == 0
            && info.tcpi_state != TCP_ESTABLISHED)
            m_socket.abort(); // disconnected(): counted, and opened again
#endif
    }
    bool upgraded() const { return m_upgraded && m_socket.state() == QAbstractSocket::ConnectedState; }
    static inline QMap<QByteArray, qint64> refused; // status line → handshakes refused with it

private:
    QTcpSocket m_socket;
    quint16 m_port;
    QString m_path;
    QString m_token;
    int *m_reconnects;
    QByteArray m_head;
    bool m_upgraded = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Stalled event subscribers against hall-server under load (bench/README.md)."));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("url"), QStringLiteral("Server base URL."), QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8080")},
        {QStringLiteral("hall"), QStringLiteral("Hall code."), QStringLiteral("code"), QStringLiteral("load")},
        {QStringLiteral("pid"), QStringLiteral("The server's process id, for its RSS."), QStringLiteral("pid")},
        {QStringLiteral("stalled"), QStringLiteral("Subscribers that stop reading."), QStringLiteral("n"), QStringLiteral("100")},
        {QStringLiteral("accounts"), QStringLiteral("Accounts the stalled ones sign in with, login%1 for 01..n (password as below)."),
         QStringLiteral("pattern:n"), QStringLiteral("load-officer%1:20")},
        {QStringLiteral("password"), QStringLiteral("Password of those accounts."), QStringLiteral("password"), QStringLiteral("load-pass-2026")},
        {QStringLiteral("reader"), QStringLiteral("The reading subscriber's login:password."), QStringLiteral("login:password"), QStringLiteral("load-super:load-pass-2026")},
        {QStringLiteral("kiosk"), QStringLiteral("Kiosk login:password for the probe tickets."), QStringLiteral("login:password"), QStringLiteral("load-kiosk:load-pass-2026")},
        {QStringLiteral("reconnect-ms"), QStringLiteral("How soon a dropped stalled subscriber comes back (a display's watchdog; 0: a hostile loop)."),
         QStringLiteral("ms"), QStringLiteral("1000")},
        {QStringLiteral("seconds"), QStringLiteral("Length of the run."), QStringLiteral("s"), QStringLiteral("60")},
        {QStringLiteral("sample"), QStringLiteral("RSS sample interval."), QStringLiteral("s"), QStringLiteral("5")},
        {QStringLiteral("probe-ms"), QStringLiteral("Interval of the probe tickets."), QStringLiteral("ms"), QStringLiteral("250")},
    });
    p.process(app);

    const QUrl base(p.value(QStringLiteral("url")));
    const QString hall = p.value(QStringLiteral("hall"));
    const qint64 pid = p.value(QStringLiteral("pid")).toLongLong();
    const int stalledCount = p.value(QStringLiteral("stalled")).toInt();
    QNetworkAccessManager nam;
    const QStringList rc = p.value(QStringLiteral("reader")).split(u':');
    const QStringList kc = p.value(QStringLiteral("kiosk")).split(u':');
    const QString readerToken = login(nam, base, rc.value(0), rc.value(1));
    const QString kioskToken = login(nam, base, kc.value(0), kc.value(1));
    if (readerToken.isEmpty() || kioskToken.isEmpty()) {
        QTextStream(stderr) << "bench-event-subscribers: cannot sign in at " << base.toString() << Qt::endl;
        return 1;
    }
    const QStringList ac = p.value(QStringLiteral("accounts")).split(u':');
    QStringList tokens;
    for (int i = 1; i <= ac.value(1).toInt() && stalledCount > 0; ++i) {
        const QString t = login(nam, base, ac.value(0).arg(i, 2, 10, QLatin1Char('0')), p.value(QStringLiteral("password")));
        if (t.isEmpty()) {
            QTextStream(stderr) << "bench-event-subscribers: cannot sign in " << ac.value(0).arg(i, 2, 10, QLatin1Char('0')) << Qt::endl;
            return 1;
        }
        tokens << t;
    }

    int reconnects = 0;
    std::vector<std::unique_ptr<Stalled>> stalled;
    for (int i = 0; i < stalledCount; ++i) {
        stalled.push_back(std::make_unique<Stalled>(quint16(base.port()),
                                                    QStringLiteral("/api/v1/events?hall=%1").arg(hall), tokens.at(i % tokens.size()),
                                                    p.value(QStringLiteral("reconnect-ms")).toInt(), &reconnects));
        stalled.back()->open();
    }

    // The reader, and the lag of its probe tickets: reply time and event time by ticket id.
    QElapsedTimer clock;
    clock.start();
    QHash<qint64, qint64> replyAt, eventAt;
    std::vector<qint64> lagUs;
    qint64 events = 0;
    auto matched = [&](qint64 id) {
        if (replyAt.contains(id) && eventAt.contains(id))
            lagUs.push_back(std::max<qint64>(0, eventAt.take(id) - replyAt.take(id)));
    };
    QWebSocket reader;
    QObject::connect(&reader, &QWebSocket::textMessageReceived, &reader, [&](const QString &m) {
        ++events;
        if (!m.contains(QLatin1String("\"ticket.issued\"")))
            return;
        const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
        if (o.value(QStringLiteral("type")) != QLatin1String("ticket.issued"))
            return;
        const qint64 id = o.value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toInteger();
        if (replyAt.contains(id)) { // only the probe's own tickets are waited for
            eventAt.insert(id, clock.nsecsElapsed() / 1000);
            matched(id);
        } else {
            eventAt.insert(id, clock.nsecsElapsed() / 1000);
            if (eventAt.size() > 100000) // hall-load's tickets: forget them
                eventAt.clear();
        }
    });
    bool readerClosed = false;
    QObject::connect(&reader, &QWebSocket::disconnected, &reader, [&] { readerClosed = true; });
    QUrl ws = base.resolved(QUrl(QStringLiteral("/api/v1/events")));
    ws.setScheme(QStringLiteral("ws"));
    ws.setQuery(QStringLiteral("hall=%1").arg(hall));
    QNetworkRequest readerRequest(ws);
    readerRequest.setRawHeader("Authorization", "Bearer " + readerToken.toLatin1());
    reader.open(readerRequest);

    // Probe tickets over a keep-alive connection of their own.
    int businessTurn = 0;
    QTimer probe;
    probe.setInterval(p.value(QStringLiteral("probe-ms")).toInt());
    QObject::connect(&probe, &QTimer::timeout, &nam, [&] {
        QNetworkRequest req(base.resolved(QUrl(QStringLiteral("/api/v1/halls/%1/tickets").arg(hall))));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setRawHeader("Authorization", "Bearer " + kioskToken.toLatin1());
        const QString business = QStringLiteral("B%1").arg(businessTurn++ % 10, 2, 10, QLatin1Char('0'));
        QNetworkReply *r = nam.post(req, QJsonDocument(QJsonObject{{QStringLiteral("business"), business}}).toJson());
        QObject::connect(r, &QNetworkReply::finished, r, [&, r] {
            const qint64 now = clock.nsecsElapsed() / 1000;
            const qint64 id = QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
            if (id) {
                replyAt.insert(id, now);
                matched(id);
            }
            r->deleteLater();
        });
    });
    probe.start();

    QTimer poke;
    poke.setInterval(1000);
    QObject::connect(&poke, &QTimer::timeout, &poke, [&] {
        for (auto &s : stalled)
            s->poke();
    });
    poke.start();

    std::vector<double> rss;
    QTimer sampler;
    sampler.setInterval(p.value(QStringLiteral("sample")).toInt() * 1000);
    auto sample = [&] {
        const double mb = rssMb(pid);
        rss.push_back(mb);
        const auto up = std::count_if(stalled.cbegin(), stalled.cend(), [](const auto &s) { return s->upgraded(); });
        QStringList refusals;
        for (auto it = Stalled::refused.cbegin(); it != Stalled::refused.cend(); ++it)
            refusals << QStringLiteral("%1 × %2").arg(it.value()).arg(QString::fromLatin1(it.key()));
        out() << QStringLiteral("t=%1s rss=%2 MB stalled-connected=%3 dropped-so-far=%4 reader-events=%5%6\n")
                     .arg(clock.elapsed() / 1000).arg(mb, 0, 'f', 1).arg(up).arg(reconnects).arg(events)
                     .arg(refusals.isEmpty() ? QString() : QStringLiteral(" refused: ") + refusals.join(QStringLiteral(", ")));
        out().flush();
    };
    QObject::connect(&sampler, &QTimer::timeout, &sampler, sample);
    sample();
    sampler.start();

    QEventLoop loop;
    QTimer::singleShot(p.value(QStringLiteral("seconds")).toInt() * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    sample();

    std::sort(lagUs.begin(), lagUs.end());
    auto pct = [&](double q) {
        return lagUs.empty() ? 0.0 : lagUs[std::min(lagUs.size() - 1, size_t(q * double(lagUs.size())))] / 1000.0;
    };
    const auto [mn, mx] = std::minmax_element(rss.cbegin(), rss.cend());
    double lastHalf = 0;
    for (size_t i = rss.size() / 2; i < rss.size(); ++i)
        lastHalf += rss[i];
    lastHalf /= double(rss.size() - rss.size() / 2);
    out() << QStringLiteral("stalled %1: server RSS first %2 MB, min %3, max %4, last %5, mean of the last half %6 MB; "
                            "stalled subscribers dropped and reconnected %7 times\n")
                 .arg(stalledCount).arg(rss.front(), 0, 'f', 1).arg(*mn, 0, 'f', 1).arg(*mx, 0, 'f', 1).arg(rss.back(), 0, 'f', 1)
                 .arg(lastHalf, 0, 'f', 1).arg(reconnects);
    out() << QStringLiteral("reader: %1 events, %2 probe tickets matched, lag p50 %3 ms, p99 %4 ms, max %5 ms%6\n")
                 .arg(events).arg(lagUs.size()).arg(pct(0.5), 0, 'f', 2).arg(pct(0.99), 0, 'f', 2).arg(pct(1.0), 0, 'f', 2)
                 .arg(readerClosed ? QStringLiteral(" (the reader was disconnected!)") : QString());
    out().flush();
    return readerClosed ? 2 : 0;
}
