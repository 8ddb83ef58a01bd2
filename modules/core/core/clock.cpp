#include "clock.h"

namespace hall::core {

Clock::~Clock() = default;

QDateTime SystemClock::now() const
{
    return QDateTime::currentDateTime();
}

} // namespace hall::core
