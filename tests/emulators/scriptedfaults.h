#pragma once

// Faults a test scripts into an emulated device's next answers: refuse with an error code (a NAK),
// stay silent, answer garbage instead, put garbage before the answer, damage its checksum.
// Each is one-shot (or counted); the emulator asks for them in that order as it answers.

#include <QByteArray>

#include <optional>
#include <utility>

namespace hall::emulators {

class ScriptedFaults
{
public:
    void refuseNext(int code, int times = 1) { m_refusalCode = code; m_refusals = times; }
    void silenceNext(int times = 1) { m_silent = times; }
    void garbageInsteadOfNext(const QByteArray &bytes, int times = 1) { m_instead = bytes; m_insteadTimes = times; }
    void garbageBeforeNext(const QByteArray &bytes) { m_garbage = bytes; }
    void corruptNextChecksum(int times = 1) { m_corrupt = times; }

protected:
    bool takeSilence() { return take(m_silent); }
    std::optional<QByteArray> takeInstead() { return take(m_insteadTimes) ? std::optional<QByteArray>(m_instead) : std::nullopt; }
    std::optional<int> takeRefusal() { return take(m_refusals) ? std::optional<int>(m_refusalCode) : std::nullopt; }
    bool takeCorrupt() { return take(m_corrupt); }
    QByteArray takeGarbage() { return std::exchange(m_garbage, {}); }

private:
    static bool take(int &counter)
    {
        if (counter <= 0)
            return false;
        --counter;
        return true;
    }
    int m_refusalCode = 0;
    int m_refusals = 0;
    int m_silent = 0;
    QByteArray m_instead;
    int m_insteadTimes = 0;
    QByteArray m_garbage;
    int m_corrupt = 0;
};

} // namespace hall::emulators
