#include "bridgeconfig.h"

#include <core/jsonfile.h>
#include <core/jsonreader.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>

namespace hall::bridge {

namespace {

// Reads a list of objects at `key` with `each(reader, path)`; a non-object is named.
template<typename F>
void readList(core::JsonReader &r, const QString &key, const QString &shape, F each)
{
    const QJsonArray list = r.array(key);
    for (qsizetype i = 0; i < list.size() && r.ok(); ++i) {
        const QString path = QStringLiteral("%1[%2]").arg(key).arg(i);
        if (!list.at(i).isObject()) {
            r.fail(BridgeConfig::tr("%1: must be an object %2").arg(path, shape));
            return;
        }
        core::JsonReader item(list.at(i).toObject(), path);
        each(item, path);
        if (!item.finish() || !item.ok())
            r.fail(item.error());
    }
}

void readStations(core::JsonReader &r, const QString &key, QList<BridgeConfig::Station> *out, QSet<int> *addresses,
                  bool withOfficer)
{
    readList(r, key, QStringLiteral("{\"address\": 3, \"window\": \"3\"}"), [&](core::JsonReader &item, const QString &path) {
        BridgeConfig::Station s;
        s.address = item.integer(QStringLiteral("address"), 0, 1, 247, true); // the bus reserves 0 and 248…255
        s.window = item.string(QStringLiteral("window"), true);
        if (withOfficer)
            s.officer = item.string(QStringLiteral("officer"));
        if (item.ok() && addresses->contains(s.address))
            item.fail(BridgeConfig::tr("%1.address: bus address %2 is given twice").arg(path).arg(s.address));
        addresses->insert(s.address);
        out->append(s);
    });
}

} // namespace

BridgeConfig::Texts BridgeConfig::defaultTexts()
{
    // The source texts are the Chinese words the hall's bars show (D2), as in WindowScreen.
    Texts t;
    t.serving = tr("请 %number 号");
    t.paused = tr("暂停服务");
    t.idle = tr("为您服务");
    t.closed = tr("暂停服务");
    return t;
}

BridgeConfig::Texts BridgeConfig::effectiveTexts() const
{
    const Texts d = defaultTexts();
    Texts t = texts;
    for (auto [mine, fallback] : {std::pair{&t.serving, &d.serving}, {&t.paused, &d.paused}, {&t.idle, &d.idle}, {&t.closed, &d.closed}}) {
        if (mine->isEmpty())
            *mine = *fallback;
    }
    return t;
}

const BridgeConfig::Station *BridgeConfig::caller(int address) const
{
    for (const Station &s : callers) {
        if (s.address == address)
            return &s;
    }
    return nullptr;
}

const BridgeConfig::Station *BridgeConfig::evaluator(int address) const
{
    for (const Station &s : evaluators) {
        if (s.address == address)
            return &s;
    }
    return nullptr;
}

const BridgeConfig::Station *BridgeConfig::evaluatorOf(const QString &window) const
{
    for (const Station &s : evaluators) {
        if (s.window == window)
            return &s;
    }
    return nullptr;
}

bool BridgeConfig::fileFromApp(const QJsonObject &app, const QString &configFile, QString *file, QString *error)
{
    core::JsonReader r(app, QStringLiteral("app"));
    const QString name = r.string(QStringLiteral("bridge"));
    if (!r.finish()) {
        *error = tr("The configuration file %1 is not right: %2").arg(configFile, r.error());
        return false;
    }
    *file = name.isEmpty() ? QString() : QFileInfo(configFile).absoluteDir().absoluteFilePath(name);
    return true;
}

bool BridgeConfig::load(const QString &file, BridgeConfig *out, QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("The bridge file %1 cannot be read: %2").arg(file, f.errorString());
        return false;
    }
    return parse(f.readAll(), QFileInfo(file).absoluteFilePath(), out, error);
}

bool BridgeConfig::parse(const QByteArray &json, const QString &file, BridgeConfig *out, QString *error)
{
    QJsonObject object;
    QString problem;
    if (!core::JsonFile::parseObject(json, QStringLiteral("{\"bars\": […], \"callers\": […], …}"), &object, &problem)) {
        *error = tr("The bridge file %1 is not right: %2").arg(file, problem);
        return false;
    }
    const QDir base = QFileInfo(file).absoluteDir();
    BridgeConfig c;
    core::JsonReader r(object);

    QSet<QString> barWindows;
    QSet<QPair<QString, int>> positions;
    readList(r, QStringLiteral("bars"), QStringLiteral("{\"window\": \"3\", \"device\": \"ledbar\", \"address\": 3}"),
             [&](core::JsonReader &item, const QString &path) {
                 Bar b;
                 b.window = item.string(QStringLiteral("window"), true);
                 b.device = item.string(QStringLiteral("device"), true);
                 b.address = item.integer(QStringLiteral("address"), 0, 1, 65535, true);
                 if (item.ok() && barWindows.contains(b.window))
                     item.fail(tr("%1.window: window %2 has a bar already").arg(path, b.window));
                 if (item.ok() && positions.contains({b.device, b.address}))
                     item.fail(tr("%1.address: %2 address %3 shows another window already").arg(path, b.device).arg(b.address));
                 barWindows.insert(b.window);
                 positions.insert({b.device, b.address});
                 c.bars.append(b);
             });

    core::JsonReader texts(r.object(QStringLiteral("texts")), QStringLiteral("texts"));
    c.texts.serving = texts.string(QStringLiteral("serving"));
    c.texts.paused = texts.string(QStringLiteral("paused"));
    c.texts.idle = texts.string(QStringLiteral("idle"));
    c.texts.closed = texts.string(QStringLiteral("closed"));
    if (!texts.finish())
        r.fail(texts.error());

    c.callerBus = r.string(QStringLiteral("callerBus"), false, c.callerBus);
    QSet<int> addresses;
    readStations(r, QStringLiteral("callers"), &c.callers, &addresses, true);
    readStations(r, QStringLiteral("evaluators"), &c.evaluators, &addresses, false);
    const QString login = r.string(QStringLiteral("loginMode"), false, QStringLiteral("staff-id"));
    if (login != QLatin1String("staff-id") && login != QLatin1String("window"))
        r.fail(tr("loginMode: \"%1\" is not staff-id or window").arg(login));
    c.windowLogin = login == QLatin1String("window");

    if (r.has(QStringLiteral("voice"))) {
        core::JsonReader v(r.object(QStringLiteral("voice")), QStringLiteral("voice"));
        c.voice.enabled = v.boolean(QStringLiteral("enabled"), true);
        c.voice.engine = v.string(QStringLiteral("engine"), false, c.voice.engine);
        c.voice.text = v.string(QStringLiteral("text"));
        c.voice.repeat = v.integer(QStringLiteral("repeat"), 1, 1, 5);
        c.voice.volumePercent = v.integer(QStringLiteral("volume"), 100, 0, 100);
        const QString wav = v.string(QStringLiteral("wavFiles"));
        if (!wav.isEmpty())
            c.voice.wavFiles = base.absoluteFilePath(wav);
        if (v.has(QStringLiteral("quiet"))) {
            core::JsonReader q(v.object(QStringLiteral("quiet")), QStringLiteral("voice.quiet"));
            c.voice.quietFrom = q.time(QStringLiteral("from"), {}, true);
            c.voice.quietTo = q.time(QStringLiteral("to"), {}, true);
            if (q.ok() && c.voice.quietFrom == c.voice.quietTo)
                q.fail(tr("voice.quiet: \"from\" and \"to\" are the same time; leave \"quiet\" out for no quiet hours"));
            if (!q.finish())
                v.fail(q.error());
        }
        if (!v.finish())
            r.fail(v.error());
    }

    const QString outbox = r.string(QStringLiteral("outbox"));
    if (!outbox.isEmpty())
        c.outbox = base.absoluteFilePath(outbox);
    if (r.ok() && !c.evaluators.isEmpty() && c.outbox.isEmpty())
        r.fail(tr("outbox: evaluators need an outbox file, where ratings wait for the server"));

    if (!r.finish()) {
        *error = tr("The bridge file %1 is not right: %2").arg(file, r.error());
        return false;
    }
    *out = c;
    return true;
}

} // namespace hall::bridge
