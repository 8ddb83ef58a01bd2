#pragma once

#include <kiosk/kiosk_export.h>

#include <devices/ticketprinter.h>
#include <devices/tickettemplate.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace hall::kiosk {

// The kiosk's side of the ticket printer (drivers/printer-escpos or any TicketPrinter, on its
// device thread): one job at a time, each answered exactly once — printed, or failed with the
// printer's reason (also when it says nothing within the timeout) — and the paper as the
// printer last reported it.
class HALL_KIOSK_EXPORT TicketPrinting : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(bool printed, const QString &error)>;

    // printer may be null: nothing configured (every print fails, saying so).
    explicit TicketPrinting(devices::TicketPrinter *printer, QObject *parent = nullptr);

    bool setTemplate(const QString &text, QString *error);
    const devices::TicketTemplate &ticketTemplate() const { return m_template; }
    devices::TicketPrinter *printer() const { return m_printer; }

    // Why no ticket can be printed now (empty: the printer is ready and has paper).
    QString unavailableReason() const;
    devices::TicketPrinter::Paper paper() const { return m_paper; }
    // The printer as the kiosk reports it to hall-server: ok, paper_low, paper_out, cover_open,
    // offline, error or unknown (docs/api.md, "Devices").
    QString reportState() const;
    bool isBusy() const { return !m_jobId.isEmpty(); }

    void print(const devices::TicketFields &fields, Done done);
    void setTimeoutMs(int ms) { m_timeout.setInterval(ms); }
    // The paper is asked for this often while no ticket prints (a roll running low between
    // citizens is seen too); 0: only after each job.
    void setPaperPollMs(int ms);
    // While a citizen waits for the printer (a failed print's message): asked every
    // WaitingPollMs, so a new roll or a closed cover is seen at once.
    void setSomeoneWaiting(bool waiting);
    static constexpr int WaitingPollMs = 2000;

Q_SIGNALS:
    void paperChanged(hall::devices::TicketPrinter::Paper paper);
    void stateChanged();

private:
    void finish(bool printed, const QString &error);

    QPointer<devices::TicketPrinter> m_printer;
    devices::TicketTemplate m_template;
    devices::TicketPrinter::Paper m_paper = devices::TicketPrinter::Paper::Unknown;
    QString m_jobId;
    Done m_done;
    QTimer m_timeout;
    QTimer m_paperPoll;
    int m_paperPollMs = 30000;
    bool m_someoneWaiting = false;
    int m_jobs = 0;
};

} // namespace hall::kiosk
