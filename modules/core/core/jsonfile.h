#pragma once

#include <core/core_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace hall::core {

// The prelude of a settings file a person writes (the PC's settings, the wall layout): read
// whole and parsed as one JSON object, with messages that say where to look: the file, and for
// bad JSON the line and column an editor shows rather than a byte offset.
class HALL_CORE_EXPORT JsonFile
{
    Q_DECLARE_TR_FUNCTIONS(JsonFile)
public:
    // The object in `json`; otherwise false and "not valid JSON at line 3, column 14: …", or,
    // for a document that is no object, "must be a JSON object: " and `shape` (what it looks like).
    static bool parseObject(const QByteArray &json, const QString &shape, QJsonObject *out, QString *error);

    // Reads `file` and hands its bytes to `parse`. Every message names the file and what it is
    // (`what`, e.g. tr("the wall layout")): "Cannot read the wall layout /etc/hall/wall.json: No
    // such file or directory", "Error in the wall layout /etc/hall/wall.json: <parse's message>".
    static bool load(const QString &file, const QString &what, const std::function<bool(const QByteArray &, QString *)> &parse,
                     QString *error);
};

} // namespace hall::core
