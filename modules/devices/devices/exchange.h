#pragma once

#include <devices/device.h>
#include <devices/devices_export.h>

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

#include <functional>

namespace hall::devices {

class Transport;

// What the bytes read so far hold, as a driver's protocol reads them (re-parsed from the start
// each time: replies are short).
struct ReplyScan
{
    bool found = false;   // a reply to the request is there (the driver keeps it)
    bool damaged = false; // a frame failed its checksum
    bool settled = false; // after a damaged frame, no other frame is arriving: stop waiting
    qsizetype junk = 0;   // bytes that are no frame of the protocol
};

// What the driver makes of the reply its scan found.
struct ReplyVerdict
{
    enum class Kind {
        Accept,  // the answer (an acknowledgement or a final refusal)
        Retry,   // a refusal worth another try (the card was busy); the last try accepts it
        Garbage, // a frame whose content is no reply: tried again like garbage on the line
    } kind = Kind::Accept;
    qsizetype junkBytes = 0; // Garbage: the size of what could not be read
};

struct ExchangeOptions
{
    int retries = 1;                // tries after the first
    int waitMs = 200;               // for each reply, the wire time included
    int writeTimeoutMs = 1000;
    bool writeFailureIsLoss = true; // false: an unwritable (UDP) peer counts as silence
    const QLoggingCategory &(*log)() = nullptr; // the driver's category, e.g. lcDriverLedBar
    QString peer;                   // "card 3", for the debug log of failed tries
};

// The driver's words for the failures, each with its arguments in this order.
struct ExchangeMessages
{
    QString lost;    // the link went away (also when a request could not be written)
    QString silence; // %1 the card's number, %2 ms waited for each reply, %3 tries
    QString damaged; // %1 the card's number, %2 tries
    QString garbage; // %1 the card's number, %2 bytes, %3 tries
};

struct HALL_DEVICES_EXPORT ExchangeResult
{
    enum class Failure {
        None,       // answered (the verdict accepted it)
        Unwritable, // the request could not be written and the link counts as lost
        Lost,       // the link closed while waiting
        Silence,    // the last try heard nothing (the last try's failure is the one reported)
        Damaged,    // the last try heard only frames that failed their checksum
        Garbage,    // the last try heard bytes, or a frame, that are no reply
    } failure = Failure::Silence;
    qsizetype junkBytes = 0; // Garbage: how many
    int tries = 0;           // how many were made

    bool ok() const { return failure == Failure::None; }
    Device::Error error() const; // Timeout, Checksum, Protocol or ConnectionLost
    QString message(const ExchangeMessages &words, int card, int waitMs) const;
};

// One request and its reply over `link`: the request-reply loop of the LED controllers' drivers
// (ledbar, ledbar-onbon). Late replies to abandoned requests are dropped before each try; a try
// fails on silence, damage or garbage and is repeated `options.retries` times; the failure of the
// last try is what the caller reports. The driver's protocol lives in `scan` and `verdict`.
HALL_DEVICES_EXPORT ExchangeResult exchange(Transport *link, const QByteArray &request, const ExchangeOptions &options,
                                            const std::function<ReplyScan(const QByteArray &)> &scan,
                                            const std::function<ReplyVerdict()> &verdict);

} // namespace hall::devices
