#pragma once

#include <core/core_export.h>

#include <QDateTime>

namespace hall::core {

// Every rule that depends on time asks a Clock, so tests and the demo can drive time
// deterministically instead of sleeping.
class HALL_CORE_EXPORT Clock
{
public:
    virtual ~Clock();
    virtual QDateTime now() const = 0;
};

// The PC's time (shifted by HALL_DEMO_CLOCK_OFFSET_MS in the whole-hall demo, like the demo
// server's clock, so the demo hall is open at any hour).
class HALL_CORE_EXPORT SystemClock final : public Clock
{
public:
    QDateTime now() const override;
};

// A clock that only moves when told to; used by unit tests and by hall-server --fake-clock.
class HALL_CORE_EXPORT ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start) : m_now(std::move(start)) {}
    QDateTime now() const override { return m_now; }
    void set(const QDateTime &time) { m_now = time; }
    void advanceSecs(qint64 secs) { m_now = m_now.addSecs(secs); }

private:
    QDateTime m_now;
};

} // namespace hall::core
