#pragma once

#include <core/core_export.h>

#include <QFunctionPointer>
#include <QString>

namespace hall::core {

// A HallSuite library loaded when it is first needed rather than at start-up: Qt Multimedia,
// for example, brings a chain of some twenty libraries that the dynamic loader would otherwise
// map and relocate at every start of an app that may never play a sound (docs/performance.md).
// Resolves `symbol` in the library `name` ("hall_voice_engines": libhall_voice_engines.so),
// loaded from the folder of the library that holds `anchor` (an address in the caller's own
// library: the build and the installer keep all of HallSuite's libraries in one folder). The
// library stays loaded. Null, with the loader's reason in `error`, when it cannot be loaded.
HALL_CORE_EXPORT QFunctionPointer resolveLazily(const QString &name, const char *symbol, const void *anchor, QString *error);

} // namespace hall::core
