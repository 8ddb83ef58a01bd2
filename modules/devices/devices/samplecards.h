#pragma once

#include <devices/idcard.h>

namespace hall::devices {

// Made-up but realistic cards of the three types (valid numbers, plausible fields, WLT-sized
// photo data), used by the virtual reader, the emulators and the tests. Nobody real.
HALL_DEVICES_EXPORT IdCard sampleCard(IdCard::Type type);

} // namespace hall::devices
