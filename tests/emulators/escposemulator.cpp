#include "escposemulator.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

namespace hall::emulators {

using namespace hall::drivers;

EscPosEmulator::EscPosEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent)
{
    m_rxTimer.setSingleShot(true);
    m_rxTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_rxTimer, &QTimer::timeout, this, &EscPosEmulator::drainReceived);
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_server.nextPendingConnection()) {
            m_clients.insert(s, escpos::Parser{});
            connect(s, &QTcpSocket::readyRead, this, [this, s] {
                auto it = m_clients.find(s);
                if (it == m_clients.end())
                    return;
                lastChannel = QStringLiteral("tcp");
                process(s->readAll(), *it, [this, s](const QByteArray &answer) {
                    QTimer::singleShot(thinkMs, s, [s, answer] { s->write(answer); });
                });
            });
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                m_clients.remove(s);
                s->deleteLater();
            });
        }
    });
}

EscPosEmulator::~EscPosEmulator()
{
    unplugNetwork();
}

bool EscPosEmulator::listen(quint16 port)
{
    if (!m_server.listen(QHostAddress::LocalHost, port))
        return false;
    m_port = m_server.serverPort();
    return true;
}

void EscPosEmulator::unplugNetwork()
{
    m_server.close();
    const auto clients = m_clients.keys();
    m_clients.clear();
    for (QTcpSocket *s : clients) {
        s->disconnect(this);
        s->abort();
        s->deleteLater();
    }
}

bool EscPosEmulator::plugNetwork()
{
    return m_server.isListening() || listen(m_port);
}

void EscPosEmulator::clear()
{
    printed.clear();
    parsed.clear();
    stream.clear();
    statusQueries = 0;
    discarded = 0;
}

namespace {
qint64 nowMs()
{
    static QElapsedTimer clock = [] { QElapsedTimer t; t.start(); return t; }();
    return clock.elapsed();
}
} // namespace

void EscPosEmulator::onReceived(const QByteArray &bytes)
{
    if (!pacedReceive) {
        lastChannel = QStringLiteral("pty");
        process(bytes, m_ptyParser, [this](const QByteArray &answer) { send(answer, thinkMs); });
        return;
    }
    // One queue, one timer: chunks must be handled in the order they came, whatever the timers do.
    const qint64 now = nowMs();
    m_rxFreeAtMs = std::max(m_rxFreeAtMs, now) + qint64(bytes.size()) * 10 * 1000 / std::max(1, baud());
    m_rx.append({m_rxFreeAtMs, bytes});
    if (!m_rxTimer.isActive())
        m_rxTimer.start(int(std::max<qint64>(0, m_rx.first().dueMs - now)));
}

void EscPosEmulator::drainReceived()
{
    while (!m_rx.isEmpty() && m_rx.first().dueMs <= nowMs()) {
        const QByteArray bytes = m_rx.takeFirst().bytes;
        if (!isPlugged())
            continue;
        lastChannel = QStringLiteral("pty");
        process(bytes, m_ptyParser, [this](const QByteArray &answer) { send(answer, thinkMs); });
    }
    if (!m_rx.isEmpty())
        m_rxTimer.start(int(std::max<qint64>(0, m_rx.first().dueMs - nowMs())));
}

void EscPosEmulator::process(const QByteArray &bytes, escpos::Parser &parser, const std::function<void(const QByteArray &)> &reply)
{
    stream += bytes;
    QByteArray rest = bytes;
    while (!rest.isEmpty()) {
        // Up to the scripted end of the paper, then the rest with the paper out.
        const qsizetype n = m_paperLeft >= 0 ? std::min(m_paperLeft, rest.size()) : rest.size();
        handle(parser.feed(rest.left(n)), reply);
        rest.remove(0, n);
        if (m_paperLeft >= 0) {
            m_paperLeft -= n;
            if (m_paperLeft == 0) {
                status.paperOut = status.paperEndStop = true;
                m_paperLeft = -1;
            }
        }
    }
}

void EscPosEmulator::handle(const QList<escpos::Element> &elements, const std::function<void(const QByteArray &)> &reply)
{
    for (const escpos::Element &e : elements) {
        parsed.append(e);
        switch (e.kind) {
        case escpos::Element::Kind::StatusQuery: {
            ++statusQueries;
            if (e.value < escpos::status::Printer || e.value > escpos::status::Paper || answersLeft == 0)
                break;
            if (answersLeft > 0)
                --answersLeft;
            quint8 answer = escpos::encodeStatus(quint8(e.value), status);
            if (m_damaged > 0) {
                --m_damaged;
                answer = m_damageByte;
            }
            reply(QByteArray(1, char(answer)));
            break;
        }
        case escpos::Element::Kind::Text:
        case escpos::Element::Kind::Qr:
        case escpos::Element::Kind::Feed:
        case escpos::Element::Kind::Cut:
            if (status.fault() != escpos::PrinterStatus::Fault::None) {
                ++discarded;
                break;
            }
            printed.append(e);
            if (e.kind == escpos::Element::Kind::Cut)
                Q_EMIT ticketCut();
            break;
        default:
            break;
        }
    }
}

} // namespace hall::emulators
