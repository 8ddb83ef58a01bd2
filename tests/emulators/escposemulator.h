#pragma once

// A thermal ticket printer speaking ESC/POS, reachable at the far end of a pty (serial, or a
// device node through the file: transport) and on a TCP port of 127.0.0.1 (like port 9100).
// It parses everything it receives back into printed elements with the driver's own parser,
// answers DLE EOT real-time status queries, and is scripted: paper near end or out (also
// mid-ticket), cover open, errors, silence, damaged answers, unplug.

#include "ptydevice.h"

#include <escposprotocol.h>

#include <QHash>
#include <QTcpServer>
#include <QTimer>

#include <functional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace hall::emulators {

class EscPosEmulator : public PtyDevice
{
    Q_OBJECT
public:
    EscPosEmulator(QString linkPath, int baud = 115200, QObject *parent = nullptr);
    ~EscPosEmulator() override;

    // The network side. listen(0) picks a free port; unplugNetwork() drops every connection
    // and stops listening (cable pulled), plugNetwork() listens on the same port again.
    bool listen(quint16 port = 0);
    quint16 tcpPort() const { return m_port; }
    void unplugNetwork();
    bool plugNetwork();

    // The printer's condition as DLE EOT reports it; a printer with a fault prints nothing.
    drivers::escpos::PrinterStatus status;
    // The paper runs out after this many more received bytes (mid-ticket).
    void paperOutAfter(qsizetype bytes) { m_paperLeft = bytes; }
    // Status queries still answered (then silence); -1: all of them.
    int answersLeft = -1;
    // The next n status answers are this byte instead (a damaged line, another protocol).
    void damageAnswers(int n, quint8 byte = 0xFF) { m_damaged = n; m_damageByte = byte; }
    int thinkMs = 1; // before a status answer
    // On the pty, received bytes are handled when they would have arrived at the baud rate
    // (a pty delivers at once; a printer at 9600 baud reads a ticket for a third of a second).
    bool pacedReceive = true;

    // What came out of the printer: text runs, QR codes, feeds, cuts.
    QList<drivers::escpos::Element> printed;
    // Everything parsed, in order, status queries, resets and unknown commands included.
    QList<drivers::escpos::Element> parsed;
    QByteArray stream;         // every byte received, all channels
    int statusQueries = 0;
    int discarded = 0;         // elements that arrived while the printer could not print
    QString lastChannel;       // "pty" or "tcp"
    QList<devices::PrintElement> printedElements() const { return drivers::escpos::toPrintElements(printed); }
    void clear();

Q_SIGNALS:
    void ticketCut();

protected:
    void onReceived(const QByteArray &bytes) override;

private:
    void process(const QByteArray &bytes, drivers::escpos::Parser &parser, const std::function<void(const QByteArray &)> &reply);
    void handle(const QList<drivers::escpos::Element> &elements, const std::function<void(const QByteArray &)> &reply);

    drivers::escpos::Parser m_ptyParser;
    QTcpServer m_server;
    quint16 m_port = 0;
    QHash<QTcpSocket *, drivers::escpos::Parser> m_clients;
    qsizetype m_paperLeft = -1;
    void drainReceived();
    struct Arrival { qint64 dueMs; QByteArray bytes; };
    QList<Arrival> m_rx;     // received on the pty, not yet "arrived" at the baud rate
    QTimer m_rxTimer;
    qint64 m_rxFreeAtMs = 0; // when the paced receive line is idle again
    int m_damaged = 0;
    quint8 m_damageByte = 0xFF;
};

} // namespace hall::emulators
