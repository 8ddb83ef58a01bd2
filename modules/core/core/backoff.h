#pragma once

#include <core/core_export.h>

#include <functional>

namespace hall::core {

struct BackoffPolicy
{
    int initialMs = 500;
    int capMs = 30000;
    int floorMs = 50; // never a busy loop, whatever the dice say
};

// Exponential backoff with full jitter: before attempt n (1, 2, …) wait a uniformly random
// time in [floor, min(cap, initial · 2^(n-1))]. Full jitter spreads the reconnects of a whole
// hall's kiosks and displays after a server restart instead of having them arrive together.
// Used by the hall client's reconnects and the sync engine's retries.
class HALL_CORE_EXPORT Backoff
{
public:
    using Policy = BackoffPolicy;
    // Returns a value in [0, 1); the default is QRandomGenerator::global().
    using Random = std::function<double()>;

    explicit Backoff(Policy policy = {}, Random random = {});

    // The delay before the next attempt; counts the attempt.
    int nextDelayMs();
    // The upper bound of the delay of attempt n (no jitter).
    int ceilingMs(int attempt) const;
    int attempt() const { return m_attempt; }
    void reset() { m_attempt = 0; }
    const Policy &policy() const { return m_policy; }

private:
    Policy m_policy;
    Random m_random;
    int m_attempt = 0;
};

} // namespace hall::core
