#pragma once

// A TCP proxy between sync clients and hall-server that misbehaves on command, as hall
// networks do: it delays traffic, cuts connections, and partitions (holds every byte and every
// new connection until healed, as a pulled cable does to TCP; what was held is delivered on
// healing unless the other side has gone meanwhile).

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace hall::test {

class ChaosProxy : public QObject
{
public:
    explicit ChaosProxy(quint16 upstreamPort, QObject *parent = nullptr);
    ~ChaosProxy() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }

    // Healthy: bytes pass at once. delayMs > 0: every chunk waits that long. dropChance: each
    // chunk may cut its connection (both sides, at once). Partitioned: nothing passes.
    void setDelay(int delayMs) { m_delayMs = delayMs; }
    void setDropChance(double chance) { m_dropChance = chance; }
    void partition() { m_partitioned = true; }
    void heal();
    bool isPartitioned() const { return m_partitioned; }

    int connectionsSeen() const { return m_seen; }
    int connectionsCut() const { return m_cut; }

private:
    struct Chunk
    {
        qint64 due;
        QByteArray bytes;
    };
    struct Pipe
    {
        QTcpSocket *down = nullptr; // the client's side
        QTcpSocket *up = nullptr;   // hall-server's side
        bool upConnecting = false;
        QList<Chunk> toUp, toDown;
        bool downGone = false, upGone = false;
    };

    void accept();
    void connectUp(Pipe *p);
    void read(Pipe *p, bool fromDown);
    void flush();
    void close(Pipe *p, bool cut);

    quint16 m_upstream;
    QTcpServer m_server;
    QTimer m_tick;
    QElapsedTimer m_clock;
    QList<Pipe *> m_pipes;
    int m_delayMs = 0;
    double m_dropChance = 0;
    bool m_partitioned = false;
    int m_seen = 0;
    int m_cut = 0;
};

} // namespace hall::test
