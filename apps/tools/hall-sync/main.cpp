// hall-sync: the field engineer's view of a PC's local cache (docs/sync.md) — status, pending
// entries (personal fields masked), conflicts, sync now, export unsent entries, reset, re-queue;
// and a real sync client that tests and the chaos harness run many of.
//
//   hall-sync --cache FILE status | pending | conflicts | parked
//   hall-sync --cache FILE export OUT.jsonl        (unsent entries; nothing changes)
//   hall-sync --cache FILE reset OUT.jsonl         (export, park them, new epoch, empty checkpoint)
//   hall-sync --cache FILE requeue                 (parked entries into the current epoch)
//   hall-sync --cache FILE rate TICKET LEVEL       (a local write: a rating, with its outbox entry)
//   hall-sync --cache FILE [--gm] [--type T] add-material TICKET FILE...
//        (scanned pages: encrypted into the cache's blob folder with the cache's key from the
//         keychain, queued for upload, and a "material" entry referencing them)
//   hall-sync --cache FILE --server URL --hall CODE --login LOGIN sync [--seconds N]
//        (password on standard input; pushes and pulls until nothing waits, or N seconds)

#include <sync/blobstore.h>
#include <sync/cache.h>
#include <sync/engine.h>

#include <core/i18n.h>
#include <core/masking.h>
#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <security/keymanager.h>
#include <security/personaldata.h>
#include <storage/transaction.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QEventLoop>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTextStream>
#include <QTimer>

using namespace hall;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallSync)
};

int fail(const QString &message)
{
    QTextStream(stderr) << "hall-sync: " << message << Qt::endl;
    return 1;
}

// Personal fields never leave this tool in clear.
QJsonObject masked(QJsonObject data)
{
    for (auto it = data.begin(); it != data.end(); ++it) {
        const QString k = it.key().toLower();
        if (!it->isString())
            continue;
        if (k.contains(QLatin1String("idnumber")))
            *it = core::maskIdNumber(it->toString());
        else if (k.contains(QLatin1String("phone")) || k.contains(QLatin1String("mobile")))
            *it = core::maskPhone(it->toString());
        else if (k == QLatin1String("name") || k.endsWith(QLatin1String("name")))
            *it = core::maskName(it->toString());
        else if (k.contains(QLatin1String("address")) || k.contains(QLatin1String("photo")))
            *it = QStringLiteral("***");
    }
    return data;
}

void printEntries(const QList<sync::OutboxEntry> &entries)
{
    QTextStream out(stdout);
    for (const sync::OutboxEntry &e : entries) {
        out << e.epoch << '/' << e.seq << ' ' << e.kind << ' ' << e.madeAt.toString(Qt::ISODate) << ' ' << e.state;
        if (!e.status.isEmpty())
            out << ' ' << e.status << (e.code.isEmpty() ? QString() : QStringLiteral(" (%1: %2)").arg(e.code, e.message));
        out << ' ' << QJsonDocument(masked(e.data)).toJson(QJsonDocument::Compact) << Qt::endl;
    }
}

// The cache's blob store, with its key from the keychain (made on first use). Without the key
// there is none, and nothing personal is stored.
std::unique_ptr<sync::BlobStore> blobStore(sync::SyncCache &cache, const QCommandLineParser &p, QString *error)
{
    const bool gm = p.isSet(QStringLiteral("gm"));
    const QString cacheFile = QFileInfo(p.value(QStringLiteral("cache"))).absoluteFilePath();
    const security::KeyResult key = security::KeyManager(p.value(QStringLiteral("key-service")), QStringLiteral("cache-data-key:") + cacheFile,
                                                         gm ? security::CipherMode::Sm4CbcHmacSm3 : security::CipherMode::Aes256Gcm)
                                        .loadOrCreateNow();
    if (!key.ok()) {
        *error = key.message;
        return nullptr;
    }
    const security::PersonalData pd = security::PersonalData::attach(cache.connection(), key);
    if (!pd.isReady()) {
        *error = pd.message();
        return nullptr;
    }
    return std::make_unique<sync::BlobStore>(&cache, key.cipher, gm ? security::crypto::Digest::Algorithm::Sm3 : security::crypto::Digest::Algorithm::Sha256);
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024 * 1024), 'f', 1);
}

int status(sync::SyncCache &cache)
{
    sync::SyncState st;
    sync::SyncCache::Counts c;
    QString err;
    if (!cache.state(&st, &err) || !cache.counts(&c, &err))
        return fail(err);
    QTextStream out(stdout);
    out << Tr::tr("device %1, epoch %2, next entry %3, checkpoint %4").arg(st.device).arg(st.epoch).arg(st.nextSeq).arg(st.checkpoint) << Qt::endl;
    out << Tr::tr("waiting: %1 (oldest %2); rejected: %3; open conflicts: %4; parked: %5")
               .arg(c.pending).arg(c.oldestPending.isValid() ? c.oldestPending.toString(Qt::ISODate) : QStringLiteral("-"))
               .arg(c.rejected).arg(c.conflicts).arg(c.parked)
        << Qt::endl;
    out << Tr::tr("blobs to upload: %1 (%2 MB)").arg(c.blobsWaiting).arg(megabytes(c.blobBytesWaiting)) << Qt::endl;
    out << Tr::tr("last push %1, last pull %2")
               .arg(st.lastPush.isValid() ? st.lastPush.toString(Qt::ISODate) : QStringLiteral("-"),
                    st.lastPull.isValid() ? st.lastPull.toString(Qt::ISODate) : QStringLiteral("-"))
        << Qt::endl;
    return 0;
}

int syncNow(sync::SyncCache &cache, const QCommandLineParser &p)
{
    net::HallClient client;
    QString err;
    if (!client.setServer(QUrl(p.value(QStringLiteral("server"))), {}, &err))
        return fail(err);
    client.setHall(p.value(QStringLiteral("hall")));
    const QString password = QTextStream(stdin).readLine();
    bool signedIn = false;
    QString signInError;
    QEventLoop loop;
    client.signIn(p.value(QStringLiteral("login")), password, &loop, [&](const net::Result<net::Session> &r) {
        signedIn = bool(r);
        if (!r)
            signInError = r.error().message;
        loop.quit();
    });
    loop.exec();
    if (!signedIn)
        return fail(Tr::tr("cannot sign in: %1").arg(signInError));
    net::HallSyncTransport transport(&client);
    sync::SyncEngine engine(&cache, &transport);
    // The key is fetched only when blobs wait: entries without blobs never need the keychain.
    sync::SyncCache::Counts counts;
    std::unique_ptr<sync::BlobStore> blobs;
    if (cache.counts(&counts, &err) && counts.blobsWaiting > 0) {
        blobs = blobStore(cache, p, &err);
        if (!blobs)
            QTextStream(stderr) << Tr::tr("hall-sync: blobs cannot be uploaded: %1").arg(err) << Qt::endl;
        engine.setBlobStore(blobs.get());
    }
    const int seconds = p.value(QStringLiteral("seconds")).toInt();
    QElapsedTimer t;
    t.start();
    engine.start();
    QTimer poll;
    // Done when nothing waits and one pull has been made since we started.
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        const sync::SyncStatus s = engine.status();
        const bool pulled = s.lastPull.isValid() && s.lastPull.msecsTo(QDateTime::currentDateTime()) < t.elapsed();
        if ((s.pending == 0 && s.blobsWaiting == 0 && pulled && engine.isIdle()) || s.resetRequired || (seconds > 0 && t.elapsed() > seconds * 1000))
            loop.quit();
    });
    poll.start(50);
    loop.exec();
    engine.stop();
    const sync::SyncStatus s = engine.status();
    QTextStream(stdout) << Tr::tr("sync: %1 waiting, %2 rejected, %3 conflicts, %4 MB of blobs waiting%5")
                               .arg(s.pending).arg(s.rejected).arg(s.conflicts).arg(megabytes(s.blobBytesWaiting))
                               .arg(s.resetRequired ? Tr::tr("; reset required: %1").arg(s.lastError) : QString())
                        << Qt::endl;
    return s.resetRequired ? 4 : (s.pending == 0 && s.blobsWaiting == 0 ? 0 : 5);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hall-sync"));
    core::installTranslations();
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("A PC's local cache and its sync with hall-server (docs/sync.md).\n\n"
                                       "  status | pending | conflicts | parked\n"
                                       "  export FILE | reset FILE | requeue\n"
                                       "  rate TICKET LEVEL\n"
                                       "  add-material TICKET FILE... (--type, --gm)\n"
                                       "  sync (with --server, --hall, --login; password on standard input)"));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("cache"), Tr::tr("The cache file."), QStringLiteral("file")},
        {QStringLiteral("server"), Tr::tr("hall-server address, e.g. https://hall-server.local:8443"), QStringLiteral("url")},
        {QStringLiteral("hall"), Tr::tr("The hall's code."), QStringLiteral("code")},
        {QStringLiteral("login"), Tr::tr("The account to sync as."), QStringLiteral("login")},
        {QStringLiteral("seconds"), Tr::tr("sync: stop after this many seconds even if entries wait."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("type"), Tr::tr("add-material: the material's type."), QStringLiteral("type"), QStringLiteral("scan")},
        {QStringLiteral("gm"), Tr::tr("add-material: 国密 mode (SM3 hashes, SM4 encryption at rest).")},
        {QStringLiteral("key-service"), Tr::tr("The keychain service that keeps the cache's key."), QStringLiteral("name"),
         QStringLiteral("HallSuite/hall-sync")},
    });
    p.addPositionalArgument(QStringLiteral("command"), Tr::tr("What to do (see above)."));
    p.process(app);
    const QStringList args = p.positionalArguments();
    if (!p.isSet(QStringLiteral("cache")) || args.isEmpty())
        return fail(Tr::tr("give --cache FILE and a command; see --help."));
    std::unique_ptr<sync::SyncCache> cache;
    QString err;
    if (sync::SyncCache::open(p.value(QStringLiteral("cache")), &cache, &err) != storage::OpenResult::Ok)
        return fail(err);
    const QString command = args.first();
    QList<sync::OutboxEntry> entries;
    if (command == QLatin1String("status"))
        return status(*cache);
    if (command == QLatin1String("pending") || command == QLatin1String("parked")) {
        if (!cache->entries(command, 100000, &entries, &err))
            return fail(err);
        printEntries(entries);
        return 0;
    }
    if (command == QLatin1String("conflicts")) {
        if (!cache->entries(QStringLiteral("done"), 1000000, &entries, &err))
            return fail(err);
        entries.removeIf([](const sync::OutboxEntry &e) { return e.status != QLatin1String("conflict"); });
        printEntries(entries);
        return 0;
    }
    if (command == QLatin1String("export") && args.size() == 2) {
        if (!cache->entries(QStringLiteral("pending"), 1000000, &entries, &err))
            return fail(err);
        QFile f(args.at(1));
        if (!f.open(QIODevice::WriteOnly))
            return fail(f.errorString());
        for (const sync::OutboxEntry &e : std::as_const(entries))
            f.write(QJsonDocument(e.toPush()).toJson(QJsonDocument::Compact) + '\n');
        QTextStream(stdout) << Tr::tr("%1 unsent entries written to %2").arg(entries.size()).arg(args.at(1)) << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("reset") && args.size() == 2) {
        if (!cache->reset(args.at(1), &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("Reset: unsent entries are in %1 and parked; a new epoch starts.").arg(args.at(1)) << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("requeue")) {
        int n = 0;
        if (!cache->requeueParked(&err, &n))
            return fail(err);
        QTextStream(stdout) << Tr::tr("%1 parked entries queued again.").arg(n) << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("rate") && args.size() == 3) {
        bool okT = false, okL = false;
        const qint64 ticket = args.at(1).toLongLong(&okT);
        const int level = args.at(2).toInt(&okL);
        if (!okT || !okL || level < 1 || level > 5)
            return fail(Tr::tr("rate TICKET LEVEL: a ticket id and a level from 1 to 5."));
        storage::Transaction tx(cache->connection());
        sync::OutboxEntry made;
        if (!tx.isActive() || !cache->enqueue(QStringLiteral("rating"), {{QStringLiteral("ticket"), ticket}, {QStringLiteral("level"), level}},
                                              {}, &made, &err) || !tx.commit())
            return fail(err.isEmpty() ? tx.error() : err);
        QTextStream(stdout) << made.epoch << '/' << made.seq << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("add-material") && args.size() >= 3) {
        const std::unique_ptr<sync::BlobStore> blobs = blobStore(*cache, p, &err);
        if (!blobs)
            return fail(Tr::tr("no key for the cache, nothing stored: %1").arg(err));
        sync::OutboxEntry made;
        if (!blobs->addMaterial(args.at(1), p.value(QStringLiteral("type")), args.mid(2), &made, &err))
            return fail(err);
        QTextStream(stdout) << made.epoch << '/' << made.seq << ' ' << made.data.value(QStringLiteral("material")).toString() << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("sync")) {
        if (!p.isSet(QStringLiteral("server")) || !p.isSet(QStringLiteral("hall")) || !p.isSet(QStringLiteral("login")))
            return fail(Tr::tr("sync needs --server, --hall and --login (password on standard input)."));
        return syncNow(*cache, p);
    }
    return fail(Tr::tr("Unknown command \"%1\"; see --help.").arg(command));
}
