#include "clock.h"

namespace hall::core {

namespace {

// HALL_DEMO_CLOCK_OFFSET_MS: the whole-hall demo runs the hall's morning at any hour, so every
// app it starts reads the time shifted by the same amount as hall-server's demo clock. Only
// the demo sets it.
qint64 demoOffsetMs()
{
    static const qint64 offset = qEnvironmentVariable("HALL_DEMO_CLOCK_OFFSET_MS").toLongLong();
    return offset;
}

} // namespace

Clock::~Clock() = default;

QDateTime SystemClock::now() const
{
    const qint64 offset = demoOffsetMs();
    return offset ? QDateTime::currentDateTime().addMSecs(offset) : QDateTime::currentDateTime();
}

} // namespace hall::core
