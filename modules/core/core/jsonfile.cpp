#include "jsonfile.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>

namespace hall::core {

bool JsonFile::parseObject(const QByteArray &json, const QString &shape, QJsonObject *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // The offset counts bytes, and stands after the character the parser stopped at; a
        // person counts lines and characters (Chinese text is three bytes a character).
        const QByteArray before = json.left(std::max(0, parseError.offset - 1));
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = QString::fromUtf8(before.mid(before.lastIndexOf('\n') + 1)).size() + 1;
        *error = tr("not valid JSON at line %1, column %2: %3").arg(line).arg(column).arg(parseError.errorString());
        return false;
    }
    if (!doc.isObject()) {
        *error = tr("must be a JSON object: %1").arg(shape);
        return false;
    }
    *out = doc.object();
    return true;
}

bool JsonFile::load(const QString &file, const QString &what, const std::function<bool(const QByteArray &, QString *)> &parse,
                    QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1 %2: %3").arg(what, file, f.errorString());
        return false;
    }
    QString problem;
    if (!parse(f.readAll(), &problem)) {
        *error = tr("Error in %1 %2: %3").arg(what, file, problem);
        return false;
    }
    return true;
}

} // namespace hall::core
