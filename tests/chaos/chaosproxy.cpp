#include "chaosproxy.h"

#include <QRandomGenerator>
#include <QTcpSocket>

namespace hall::test {

ChaosProxy::ChaosProxy(quint16 upstreamPort, QObject *parent) : QObject(parent), m_upstream(upstreamPort)
{
    m_clock.start();
    connect(&m_server, &QTcpServer::newConnection, this, &ChaosProxy::accept);
    connect(&m_tick, &QTimer::timeout, this, &ChaosProxy::flush);
    m_tick.start(2);
}

ChaosProxy::~ChaosProxy()
{
    for (Pipe *p : std::as_const(m_pipes)) {
        delete p->down;
        delete p->up;
        delete p;
    }
}

bool ChaosProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void ChaosProxy::heal()
{
    m_partitioned = false;
    m_delayMs = 0;
    m_dropChance = 0;
    for (Pipe *p : std::as_const(m_pipes)) {
        if (!p->up && !p->downGone)
            connectUp(p);
    }
    flush();
}

void ChaosProxy::accept()
{
    while (QTcpSocket *s = m_server.nextPendingConnection()) {
        ++m_seen;
        auto *p = new Pipe;
        p->down = s;
        m_pipes.append(p);
        connect(s, &QTcpSocket::readyRead, this, [this, p] { read(p, true); });
        connect(s, &QTcpSocket::disconnected, this, [p] { p->downGone = true; });
        if (!m_partitioned)
            connectUp(p);
    }
}

void ChaosProxy::connectUp(Pipe *p)
{
    p->up = new QTcpSocket;
    p->upConnecting = true;
    connect(p->up, &QTcpSocket::connected, this, [p] { p->upConnecting = false; });
    connect(p->up, &QTcpSocket::readyRead, this, [this, p] { read(p, false); });
    connect(p->up, &QTcpSocket::disconnected, this, [p] { p->upGone = true; });
    connect(p->up, &QTcpSocket::errorOccurred, this, [p] { p->upGone = true; });
    p->up->connectToHost(QHostAddress::LocalHost, m_upstream);
}

void ChaosProxy::read(Pipe *p, bool fromDown)
{
    QTcpSocket *s = fromDown ? p->down : p->up;
    const QByteArray bytes = s->readAll();
    if (bytes.isEmpty())
        return;
    (fromDown ? p->toUp : p->toDown).append({m_clock.elapsed() + m_delayMs, bytes});
}

void ChaosProxy::flush()
{
    const qint64 now = m_clock.elapsed();
    for (qsizetype i = 0; i < m_pipes.size();) {
        Pipe *p = m_pipes.at(i);
        bool cut = false;
        if (!m_partitioned) {
            auto pass = [&](QList<Chunk> &q, QTcpSocket *to) {
                while (!q.isEmpty() && q.first().due <= now && to && to->state() == QAbstractSocket::ConnectedState) {
                    if (m_dropChance > 0 && QRandomGenerator::global()->generateDouble() < m_dropChance) {
                        cut = true;
                        return;
                    }
                    to->write(q.takeFirst().bytes);
                }
            };
            pass(p->toUp, p->up);
            pass(p->toDown, p->down);
        }
        // A side that went away: the other one follows once what it was owed has been passed.
        const bool downDone = p->downGone;
        const bool upDone = p->upGone && p->toDown.isEmpty() && (!m_partitioned || !p->up);
        if (cut || downDone || upDone) {
            if (cut)
                ++m_cut;
            close(p, cut);
            m_pipes.removeAt(i);
            continue;
        }
        ++i;
    }
}

void ChaosProxy::close(Pipe *p, bool cut)
{
    for (QTcpSocket *s : {p->down, p->up}) {
        if (!s)
            continue;
        s->disconnect(this);
        // A cut loses what was in flight; an orderly end delivers what was written first.
        if (cut)
            s->abort();
        else
            s->disconnectFromHost();
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        if (s->state() == QAbstractSocket::UnconnectedState)
            s->deleteLater();
    }
    delete p;
}

} // namespace hall::test
