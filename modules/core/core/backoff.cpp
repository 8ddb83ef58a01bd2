#include "backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace hall::core {

Backoff::Backoff(Policy policy, Random random) : m_policy(policy), m_random(std::move(random))
{
    if (!m_random)
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

int Backoff::ceilingMs(int attempt) const
{
    // 2^(n-1) grows past any cap quickly; stop doubling before it overflows.
    const int doublings = std::clamp(attempt - 1, 0, 30);
    const double ceiling = double(m_policy.initialMs) * std::ldexp(1.0, doublings);
    return int(std::min<double>(ceiling, m_policy.capMs));
}

int Backoff::nextDelayMs()
{
    ++m_attempt;
    const double r = std::clamp(m_random(), 0.0, 1.0);
    const int ceiling = ceilingMs(m_attempt);
    return std::clamp(int(std::lround(r * ceiling)), std::min(m_policy.floorMs, ceiling), ceiling);
}

} // namespace hall::core
