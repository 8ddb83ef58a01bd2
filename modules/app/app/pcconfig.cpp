#include "pcconfig.h"

#include <core/jsonfile.h>
#include <core/jsonreader.h>

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace hall::app {

namespace {

bool isCode(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    return re.match(s).hasMatch();
}

} // namespace

bool PcConfig::parse(const QByteArray &json, PcConfig *out, QString *error)
{
    QJsonObject object;
    if (!core::JsonFile::parseObject(json, QStringLiteral("{\"server\": …, \"hall\": …, \"role\": …}"), &object, error))
        return false;
    PcConfig config;
    core::JsonReader r(object);
    const QString server = r.string(QStringLiteral("server"));
    if (!server.isEmpty()) {
        const QUrl url(server, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))
            || url.host().isEmpty())
            r.fail(tr("server: \"%1\" is no http:// or https:// address of the hall service").arg(server));
        config.connection.server = url;
    }
    config.connection.hall = r.string(QStringLiteral("hall"));
    if (!config.connection.hall.isEmpty() && !isCode(config.connection.hall))
        r.fail(tr("hall: \"%1\" is no hall code (letters, digits, '-', '_' and '.', at most 64)").arg(config.connection.hall));
    config.connection.role = r.string(QStringLiteral("role"));
    if (!config.connection.role.isEmpty() && !isCode(config.connection.role))
        r.fail(tr("role: \"%1\" is no role name (letters, digits, '-', '_' and '.', at most 64)").arg(config.connection.role));
    const QJsonObject tls = r.object(QStringLiteral("tls"));
    if (r.ok() && !tls.isEmpty()) {
        core::JsonReader t(tls, QStringLiteral("tls"));
        config.connection.caFile = t.string(QStringLiteral("caFile"));
        const QString pin = t.string(QStringLiteral("pinSha256"));
        t.finish();
        static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
        if (!t.ok())
            r.fail(t.error());
        else if (!pin.isEmpty() && !hex.match(pin).hasMatch())
            r.fail(tr("tls.pinSha256: 64 hex digits, the SHA-256 of the server's public key"));
        else if (!config.connection.caFile.isEmpty() && !QFileInfo(config.connection.caFile).isReadable())
            r.fail(tr("tls.caFile: cannot read %1").arg(config.connection.caFile));
        config.connection.pinSha256 = QByteArray::fromHex(pin.toLatin1());
    }
    const QString layout = r.string(QStringLiteral("layout"), false, QStringLiteral("desk"));
    if (layout == QLatin1String("desk"))
        config.layout = Layout::Desk;
    else if (layout == QLatin1String("touch"))
        config.layout = Layout::Touch;
    else
        r.fail(tr("layout: \"%1\" must be \"desk\" or \"touch\"").arg(layout));

    const QJsonObject keymap = r.object(QStringLiteral("keymap"));
    for (auto it = keymap.constBegin(); it != keymap.constEnd() && r.ok(); ++it) {
        const QString path = QStringLiteral("keymap.%1").arg(it.key());
        if (!it->isString()) {
            r.fail(tr("%1: must be a key like \"F12\" or \"Ctrl+Shift+S\" (text)").arg(path));
            break;
        }
        const QString text = it->toString().trimmed();
        const QKeySequence key = QKeySequence::fromString(text, QKeySequence::PortableText);
        // A name Qt does not know comes back empty or as Key_unknown.
        if (!text.isEmpty() && (key.isEmpty() || key[0].key() == Qt::Key_unknown)) {
            r.fail(tr("%1: \"%2\" is no key (examples: \"F12\", \"Ctrl+Shift+S\", \"\" for none)").arg(path, text));
            break;
        }
        config.keymap.insert(it.key(), key);
    }

    const QJsonObject log = r.object(QStringLiteral("log"));
    if (r.ok()) {
        core::JsonReader l(log, QStringLiteral("log"));
        config.logMaxKb = l.integer(QStringLiteral("maxKb"), config.logMaxKb, 16, 1024 * 1024);
        config.logFiles = l.integer(QStringLiteral("files"), config.logFiles, 1, 100);
        l.finish();
        if (!l.ok())
            r.fail(l.error());
    }
    const QJsonObject account = r.object(QStringLiteral("account"));
    if (r.ok() && !account.isEmpty()) {
        core::JsonReader a(account, QStringLiteral("account"));
        config.account.login = a.string(QStringLiteral("login"), true);
        config.account.passwordFile = a.string(QStringLiteral("passwordFile"), true);
        const QString store = a.string(QStringLiteral("tokenStore"), false, QStringLiteral("keychain"));
        a.finish();
        if (!a.ok())
            r.fail(a.error());
        else if (store == QLatin1String("keychain"))
            config.account.tokenStore = DeviceAccount::TokenStore::Keychain;
        else if (store == QLatin1String("memory"))
            config.account.tokenStore = DeviceAccount::TokenStore::Memory;
        else
            r.fail(tr("account.tokenStore: \"%1\" must be \"keychain\" or \"memory\"").arg(store));
    }
    config.app = r.object(QStringLiteral("app"));
    if (!r.finish()) {
        *error = r.error();
        return false;
    }
    *out = config;
    return true;
}

bool PcConfig::load(const QString &file, PcConfig *out, QString *error)
{
    if (!core::JsonFile::load(file, tr("the configuration file"), [out](const QByteArray &json, QString *problem) { return parse(json, out, problem); },
                              error))
        return false;
    if (!out->account.passwordFile.isEmpty())
        out->account.passwordFile = QFileInfo(file).absoluteDir().absoluteFilePath(out->account.passwordFile);
    return true;
}

} // namespace hall::app
