#include "lazylibrary.h"

#include <QFileInfo>
#include <QLibrary>

#ifdef Q_OS_UNIX
#include <dlfcn.h>
#endif

namespace hall::core {

QFunctionPointer resolveLazily(const QString &name, const char *symbol, const void *anchor, QString *error)
{
    QString file = name; // elsewhere (Windows: the DLLs are beside the program) by its name
#ifdef Q_OS_UNIX
    Dl_info caller;
    if (dladdr(anchor, &caller) && caller.dli_fname)
        file = QFileInfo(QFile::decodeName(caller.dli_fname)).absolutePath() + QStringLiteral("/lib%1.so").arg(name);
#else
    Q_UNUSED(anchor);
#endif
    QLibrary library(file);
    const QFunctionPointer resolved = library.resolve(symbol);
    if (!resolved)
        *error = library.errorString();
    return resolved;
}

} // namespace hall::core
