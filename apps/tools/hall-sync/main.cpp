// hall-sync: the field engineer's view of a PC's local cache (docs/sync.md) — status, pending
// entries (personal fields masked), conflicts, sync now, export unsent entries, reset, re-queue;
// and a real sync client that tests and the chaos harness run many of.
//
//   hall-sync --cache FILE status | pending | conflicts | parked
//   hall-sync --cache FILE export OUT.jsonl        (unsent entries, and the blobs the server lacks,
//        still sealed, in OUT.jsonl.blobs/; nothing changes)
//   hall-sync --cache FILE reset OUT.jsonl         (export, park them, new epoch, empty checkpoint;
//        with --server, --hall, --login also return-lease)
//   hall-sync --cache FILE import-blobs OUT.jsonl.blobs  (exported blobs back into the same cache)
//   hall-sync --cache FILE requeue                 (parked entries into the current epoch)
//   hall-sync --cache FILE rate TICKET LEVEL       (a local write: a rating, with its outbox entry)
//   hall-sync --cache FILE notice ID TEXT | notice ID --delete   (a hall notice, versioned)
//   hall-sync --cache FILE decide EPOCH/SEQ server|mine  (a conflict: keep the server's version, or
//        make this entry again on top of it)
//   hall-sync --cache FILE leases | offline        (number leases held; tickets issued offline)
//   hall-sync --cache FILE issue-offline BUSINESS [--id-number N | --phone N] [--priority NAME]
//        (a ticket from this cache's lease, as a kiosk issues one when the server is unreachable)
//   hall-sync --cache FILE [--cipher sm4] [--type T] add-material TICKET FILE...
//        (scanned pages: encrypted into the cache's blob folder with the cache's key from the
//         keychain, queued for upload, and a "material" entry referencing them)
//   hall-sync --cache FILE --server URL --hall CODE --login LOGIN sync [--seconds N]
//        (password on standard input; pushes and pulls until nothing waits, or N seconds; tops up
//        the leases of businesses this cache holds leases for)
//   hall-sync --cache FILE --server URL --hall CODE --login LOGIN lease BUSINESS [SIZE]
//        sync and lease over https: --ca-file HALL-CA.pem; instead of --login, the officer's
//        certificate: --client-cert FILE.p12 (its password on standard input) or
//        --pkcs11-module LIB.so --pkcs11-uri "pkcs11:token=…;object=…" (the USB key's PIN on
//        standard input)
//   hall-sync --cache FILE --server URL --hall CODE --login LOGIN return-lease
//        (the PC is retired or reset: the unused rest of its leases goes back, never issued)
//   hall-sync --server URL --hall CODE --login LOGIN devices
//        (a supervisor's view of the hall's devices: each one's last report, its parts, and how long
//        it has been silent; no cache needed; exit 3 when one is at fault or unreachable)
//   hall-sync … work --interval MS --kinds rating:4,notice,ticket,material --tickets 1,2,3
//        [--businesses ZX,GJJ] [--now T]
//        (a client that keeps syncing and makes a random local write every MS, kinds weighted:
//        ratings, notice edits, offline tickets from leases it keeps stocked, materials with
//        scanned pages, leases handed back; "quiet" on standard input stops the writes, and it exits once
//        everything has reached the server. --now starts the kiosk's clock there.)
//
// Personal fields are sealed with the key in the OS keychain (--key-service, --cipher).

#include "worker.h"

#include <sync/blobstore.h>
#include <sync/cache.h>
#include <sync/engine.h>
#include <sync/offline.h>

#include <core/i18n.h>
#include <core/masking.h>
#include <net/clientidentity.h>
#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <netsync/leasekeeper.h>
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

#include <optional>

using namespace hall;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallSync)
};

// The kiosk's clock: the real one, or --now for tests and demos against a server with a fake clock.
QDateTime nowFrom(const QCommandLineParser &p)
{
    const QString now = p.value(QStringLiteral("now"));
    return now.isEmpty() ? QDateTime::currentDateTime() : QDateTime::fromString(now, Qt::ISODateWithMs);
}

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

// The cache's key for personal data and blobs: one per cache file, in the keychain, made on
// first use (in `mode`).
security::KeyResult cacheKey(const QCommandLineParser &p, security::CipherMode mode)
{
    const QString cacheFile = QFileInfo(p.value(QStringLiteral("cache"))).absoluteFilePath();
    return security::KeyManager(p.value(QStringLiteral("key-service")), QStringLiteral("cache-data-key:") + cacheFile, mode).loadOrCreateNow();
}

// The cache's key for personal data, from the keychain; a clear message when there is none.
bool attachKey(sync::SyncCache &cache, const QCommandLineParser &p, QString *error)
{
    if (cache.personalData() && cache.personalData()->isReady())
        return true;
    const auto mode = security::cipherModeFromName(p.value(QStringLiteral("cipher")));
    if (!mode) {
        *error = Tr::tr("--cipher: sm4 or aes-gcm.");
        return false;
    }
    cache.attachPersonalData(cacheKey(p, *mode));
    if (!cache.personalData()->isReady()) {
        *error = cache.personalData()->message();
        return false;
    }
    return true;
}

bool anySealed(const QList<sync::OutboxEntry> &entries)
{
    return std::any_of(entries.cbegin(), entries.cend(), [](const sync::OutboxEntry &e) { return !e.sealed.isEmpty(); });
}

void printEntries(const sync::SyncCache &cache, const QList<sync::OutboxEntry> &entries)
{
    QTextStream out(stdout);
    for (const sync::OutboxEntry &e : entries) {
        out << e.epoch << '/' << e.seq << ' ' << e.kind << ' ' << e.madeAt.toString(Qt::ISODate) << ' ' << e.state;
        if (!e.status.isEmpty())
            out << ' ' << e.status << (e.code.isEmpty() ? QString() : QStringLiteral(" (%1: %2)").arg(e.code, e.message));
        QJsonObject data = e.data;
        if (!e.sealed.isEmpty()) {
            const QJsonObject personal = cache.openSealed(e);
            if (personal.isEmpty())
                data.insert(QStringLiteral("personal"), Tr::tr("(sealed)"));
            for (auto it = personal.begin(); it != personal.end(); ++it)
                data.insert(it.key(), it.value());
        }
        out << ' ' << QJsonDocument(masked(data)).toJson(QJsonDocument::Compact) << Qt::endl;
    }
}

int listLeases(sync::SyncCache &cache, const QDateTime &now)
{
    QTextStream out(stdout);
    for (const sync::LocalLease &l : sync::OfflineIssuer(&cache).leases()) {
        out << Tr::tr("lease %1: %2 %3-%4, %5 used, %6 left, %7 until %8%9")
                   .arg(l.id).arg(l.business, l.number(l.from), l.number(l.to)).arg(l.used).arg(l.left())
                   .arg(l.day.toString(Qt::ISODate), l.until.time().toString(QStringLiteral("HH:mm")),
                        l.isLive(now) ? QString() : Tr::tr(" (over)"))
            << Qt::endl;
    }
    return 0;
}

int listOffline(sync::SyncCache &cache)
{
    QTextStream out(stdout);
    for (const sync::OfflineTicket &t : sync::OfflineIssuer(&cache).tickets(1000000)) {
        out << t.number << ' ' << t.business << ' ' << t.issuedAt.toString(Qt::ISODateWithMs) << ' ' << t.source << ' ' << t.state;
        if (!t.status.isEmpty())
            out << ' ' << t.status << (t.code.isEmpty() ? QString() : QStringLiteral(" (%1: %2)").arg(t.code, t.message));
        out << Qt::endl;
    }
    return 0;
}

int issueOffline(sync::SyncCache &cache, const QString &business, const QCommandLineParser &p)
{
    sync::OfflineRequest req;
    req.business = business;
    req.idNumber = p.value(QStringLiteral("id-number"));
    req.phone = p.value(QStringLiteral("phone"));
    req.priority = p.value(QStringLiteral("priority"));
    if (!req.idNumber.isEmpty() && !req.phone.isEmpty())
        return fail(Tr::tr("give --id-number or --phone, not both."));
    req.source = !req.idNumber.isEmpty() ? core::TicketSource::IdCard
                                         : (!req.phone.isEmpty() ? core::TicketSource::Phone : core::TicketSource::Touch);
    QString err;
    if (req.source != core::TicketSource::Touch && !attachKey(cache, p, &err))
        return fail(Tr::tr("personal fields are not stored without the key: %1").arg(err));
    sync::OfflineTicket t;
    if (!sync::OfflineIssuer(&cache).issue(req, &t, &err, nowFrom(p)))
        return fail(err);
    QTextStream(stdout) << t.number << ' ' << t.issuedAt.toString(Qt::ISODateWithMs) << Qt::endl;
    return 0;
}

bool byCertificate(const QCommandLineParser &p)
{
    return p.isSet(QStringLiteral("client-cert")) || p.isSet(QStringLiteral("pkcs11-uri"));
}

// Signs in with the password on standard input, or with the officer's certificate (the
// PKCS#12 password or the USB key's PIN on standard input; never on the command line).
bool signIn(net::HallClient &client, const QCommandLineParser &p, QString *error)
{
    net::TlsOptions tls;
    tls.caFile = p.value(QStringLiteral("ca-file"));
    const QString secret = QTextStream(stdin).readLine();
    if (p.isSet(QStringLiteral("client-cert"))
        && !net::ClientIdentities::fromPkcs12(p.value(QStringLiteral("client-cert")), secret.toUtf8(), &tls.client, error))
        return false;
    if (p.isSet(QStringLiteral("pkcs11-uri"))
        && !net::ClientIdentities::fromPkcs11(p.value(QStringLiteral("pkcs11-module")), p.value(QStringLiteral("pkcs11-uri")), secret.toUtf8(),
                                              &tls.client, error))
        return false;
    if (!client.setServer(QUrl(p.value(QStringLiteral("server"))), tls, error))
        return false;
    client.setHall(p.value(QStringLiteral("hall")));
    bool signedIn = false;
    QEventLoop loop;
    const auto done = [&](const net::Result<net::Session> &r) {
        signedIn = bool(r);
        if (!r)
            *error = Tr::tr("cannot sign in: %1").arg(r.error().message);
        loop.quit();
    };
    if (byCertificate(p))
        client.signInWithCertificate(&loop, done);
    else
        client.signIn(p.value(QStringLiteral("login")), secret, &loop, done);
    loop.exec();
    return signedIn;
}

QStringList leasedBusinesses(sync::SyncCache &cache, const QDate &today)
{
    QStringList out;
    for (const sync::LocalLease &l : sync::OfflineIssuer(&cache).leases()) {
        if (l.day == today && !out.contains(l.business))
            out.append(l.business);
    }
    return out;
}

// Runs one asynchronous LeaseKeeper call to its end; its errors.
QStringList await(const std::function<void(net::LeaseKeeper::Done)> &call)
{
    QStringList errors;
    bool answered = false; // the keeper may answer at once
    QEventLoop loop;
    call([&](const QStringList &e) {
        errors = e;
        answered = true;
        loop.quit();
    });
    if (!answered)
        loop.exec();
    return errors;
}

int lease(sync::SyncCache &cache, const QString &business, int size, const QCommandLineParser &p)
{
    net::HallClient client;
    QString err;
    if (!signIn(client, p, &err))
        return fail(err);
    net::LeaseKeeper keeper(&client, &cache);
    const QStringList errors = await([&](net::LeaseKeeper::Done done) { keeper.request(business, size, done); });
    if (!errors.isEmpty())
        return fail(errors.join(u'\n'));
    return listLeases(cache, nowFrom(p));
}

// The hall's devices as their last reports say (GET /halls/{}/devices), for the supervisor:
// one line each, the worst first. Exit 3 when any is at fault or unreachable, for monitoring.
int listDevices(const QCommandLineParser &p)
{
    net::HallClient client;
    QString err;
    if (!signIn(client, p, &err))
        return fail(err);
    std::optional<net::Result<QList<net::DeviceStatusInfo>>> answer;
    QEventLoop loop;
    client.devices(&loop, [&](const net::Result<QList<net::DeviceStatusInfo>> &r) {
        answer = r;
        loop.quit();
    });
    loop.exec();
    if (!*answer)
        return fail(answer->error().message);
    QList<net::DeviceStatusInfo> devices = answer->value();
    const auto rank = [](const net::DeviceStatusInfo &d) {
        return !d.reachable ? 0 : d.condition == QLatin1String("fault") ? 1 : d.condition == QLatin1String("warning") ? 2 : 3;
    };
    std::stable_sort(devices.begin(), devices.end(), [&](const auto &a, const auto &b) { return rank(a) < rank(b); });
    QTextStream out(stdout);
    if (devices.isEmpty())
        out << Tr::tr("No device has reported yet.") << Qt::endl;
    bool trouble = false;
    for (const net::DeviceStatusInfo &d : std::as_const(devices)) {
        QStringList parts;
        for (const net::DevicePart &part : d.parts)
            parts.append(part.message.isEmpty() ? QStringLiteral("%1: %2").arg(part.part, part.state)
                                                : QStringLiteral("%1: %2 (%3)").arg(part.part, part.state, part.message));
        const QString heard = d.reachable ? Tr::tr("reported %1 s ago").arg(d.silentSeconds)
                                          : Tr::tr("UNREACHABLE: silent for %1 s").arg(d.silentSeconds);
        out << QStringLiteral("%1\t%2 (%3)\t%4\t%5\t%6").arg(d.device, d.account, d.role, d.condition, heard, parts.join(QStringLiteral(", ")))
            << Qt::endl;
        trouble = trouble || rank(d) < 2;
    }
    return trouble ? 3 : 0;
}

// The unused rest of this device's leases back to the server (the PC is retired or reset): its
// numbers are never issued, and their quota is free again.
QStringList returnLeases(sync::SyncCache &cache, const QCommandLineParser &p)
{
    net::HallClient client;
    QString err;
    if (!signIn(client, p, &err))
        return {err};
    net::LeaseKeeper keeper(&client, &cache);
    return await([&](net::LeaseKeeper::Done done) { keeper.returnAll(done); });
}

// The cache's blob store, with its key from the keychain (made on first use). Without the key
// there is none, and nothing personal is stored.
std::unique_ptr<sync::BlobStore> blobStore(sync::SyncCache &cache, const QCommandLineParser &p, QString *error)
{
    if (!attachKey(cache, p, error))
        return nullptr;
    const std::shared_ptr<const security::FieldCipher> cipher = cache.personalData()->cipher(); // the key attachKey checked
    const bool gm = cipher->mode() == security::CipherMode::Sm4CbcHmacSm3;
    return std::make_unique<sync::BlobStore>(&cache, cipher, gm ? security::crypto::Digest::Algorithm::Sm3 : security::crypto::Digest::Algorithm::Sha256);
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
    if (c.blobsMissing > 0)
        out << Tr::tr("blobs whose file is lost: %1 (their materials wait; import-blobs from an export brings them back)").arg(c.blobsMissing)
            << Qt::endl;
    out << Tr::tr("cached rows of sync feed format %1 (this build reads up to %2)").arg(st.feedFormat).arg(sync::SyncCache::FeedFormat) << Qt::endl;
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
    QList<sync::OutboxEntry> pending;
    if (!cache.entries(QStringLiteral("pending"), 1000000, &pending, &err))
        return fail(err);
    // Sealed personal fields go out opened; without the key they wait, and say why.
    if (anySealed(pending) && !attachKey(cache, p, &err))
        QTextStream(stderr) << Tr::tr("hall-sync: entries with personal fields wait: %1").arg(err) << Qt::endl;
    if (!signIn(client, p, &err))
        return fail(err);
    QEventLoop loop;
    // Stock up the leases while the server is reachable.
    net::LeaseKeeper keeper(&client, &cache);
    const QStringList leased = leasedBusinesses(cache, nowFrom(p).date());
    for (const QString &e : await([&](net::LeaseKeeper::Done done) { keeper.topUp(leased, nowFrom(p), done); }))
        QTextStream(stderr) << Tr::tr("hall-sync: no new lease for %1").arg(e) << Qt::endl;
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
    // Done when nothing waits and the cache has pulled what its own writes did.
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        const sync::SyncStatus s = engine.status();
        // Unable to read the server's feed, it still sends what waits, then stops.
        const bool sent = engine.isIdle() && s.pending == 0 && s.blobsWaiting == 0;
        if ((engine.isCaughtUp() && s.blobsWaiting == 0) || s.resetRequired || (s.upgradeRequired && sent)
            || (seconds > 0 && t.elapsed() > seconds * 1000))
            loop.quit();
    });
    poll.start(50);
    loop.exec();
    engine.stop();
    const sync::SyncStatus s = engine.status();
    QTextStream(stdout) << Tr::tr("sync: %1 waiting, %2 rejected, %3 conflicts, %4 MB of blobs waiting%5")
                               .arg(s.pending).arg(s.rejected).arg(s.conflicts).arg(megabytes(s.blobBytesWaiting))
                               .arg(s.resetRequired ? Tr::tr("; reset required: %1").arg(s.lastError)
                                    : s.upgradeRequired ? Tr::tr("; upgrade required: %1").arg(s.lastError) : QString())
                        << Qt::endl;
    return s.resetRequired ? 4 : s.upgradeRequired ? 7 : (s.pending == 0 && s.blobsWaiting == 0 ? 0 : 5);
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
                                       "  export FILE | reset FILE | requeue | import-blobs FOLDER\n"
                                       "  rate TICKET LEVEL\n"
                                       "  notice ID TEXT | notice ID --delete\n"
                                       "  decide EPOCH/SEQ server|mine\n"
                                       "  work (with --server, --hall, --login; see --interval, --kinds)\n"
                                       "  leases | offline | issue-offline BUSINESS\n"
                                       "  devices (with --server, --hall, --login; no --cache: the hall's devices as they last reported)\n"
                                       "  add-material TICKET FILE... (--type, --cipher)\n"
                                       "  sync | lease BUSINESS [SIZE] | return-lease (with --server, --hall, --login; password on standard input;\n"
                                       "      or by certificate: --client-cert FILE.p12, or --pkcs11-module LIB --pkcs11-uri URI)"));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("cache"), Tr::tr("The cache file."), QStringLiteral("file")},
        {QStringLiteral("server"), Tr::tr("hall-server address, e.g. https://hall-server.local:8443"), QStringLiteral("url")},
        {QStringLiteral("hall"), Tr::tr("The hall's code."), QStringLiteral("code")},
        {QStringLiteral("login"), Tr::tr("The account to sync as."), QStringLiteral("login")},
        {QStringLiteral("ca-file"), Tr::tr("PEM file of the hall CA that issued hall-server's certificate (https)."), QStringLiteral("file")},
        {QStringLiteral("client-cert"), Tr::tr("Sign in with the certificate in this PKCS#12 file instead of a password (its password on standard input)."), QStringLiteral("file.p12")},
        {QStringLiteral("pkcs11-module"), Tr::tr("The PKCS#11 module of the USB key or smart card, e.g. /usr/lib/softhsm/libsofthsm2.so."), QStringLiteral("lib")},
        {QStringLiteral("pkcs11-uri"), Tr::tr("Sign in with the key and certificate of the USB key named by this PKCS#11 URI (its PIN on standard input)."), QStringLiteral("uri")},
        {QStringLiteral("seconds"), Tr::tr("sync: stop after this many seconds even if entries wait."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("interval"), Tr::tr("work: milliseconds between local writes."), QStringLiteral("ms"), QStringLiteral("100")},
        {QStringLiteral("kinds"), Tr::tr("work: the kinds of writes to make (rating, notice, ticket, material, return), each with :WEIGHT if wanted."),
         QStringLiteral("list"), QStringLiteral("rating")},
        {QStringLiteral("businesses"), Tr::tr("work: businesses to issue offline tickets for, from leases it keeps stocked."), QStringLiteral("list")},
        {QStringLiteral("tickets"), Tr::tr("work: served ticket ids to rate, comma-separated."), QStringLiteral("list")},
        {QStringLiteral("notices"), Tr::tr("work: how many notices (N0, N1, …) to edit."), QStringLiteral("n"), QStringLiteral("3")},
        {QStringLiteral("id-number"), Tr::tr("issue-offline: the applicant's ID number (stored sealed)."), QStringLiteral("number")},
        {QStringLiteral("phone"), Tr::tr("issue-offline: the applicant's mobile number (stored sealed)."), QStringLiteral("number")},
        {QStringLiteral("priority"), Tr::tr("issue-offline: a priority level of the business."), QStringLiteral("name")},
        {QStringLiteral("key-service"), Tr::tr("Keychain service that holds this cache's key."), QStringLiteral("service"),
         QStringLiteral("HallSuite/hall-sync")},
        {QStringLiteral("cipher"), Tr::tr("Cipher for personal fields and blobs: aes-gcm, or sm4 for 国密 (SM4 at rest, SM3 blob hashes)."), QStringLiteral("mode"), QStringLiteral("aes-gcm")},
        {QStringLiteral("now"), Tr::tr("The kiosk's time for issue-offline and leases (ISO 8601), for tests against a server with a fake clock."),
         QStringLiteral("time")},
        {QStringLiteral("type"), Tr::tr("add-material: the material's type."), QStringLiteral("type"), QStringLiteral("scan")},
    });
    p.addPositionalArgument(QStringLiteral("command"), Tr::tr("What to do (see above)."));
    p.process(app);
    const QStringList args = p.positionalArguments();
    if (args == QStringList{QStringLiteral("devices")}) {
        if (!p.isSet(QStringLiteral("server")) || !p.isSet(QStringLiteral("hall")) || (!p.isSet(QStringLiteral("login")) && !byCertificate(p)))
            return fail(Tr::tr("%1 needs --server, --hall and --login (password on standard input) or a certificate (--client-cert, --pkcs11-uri).")
                            .arg(args.first()));
        return listDevices(p);
    }
    if (!p.isSet(QStringLiteral("cache")) || args.isEmpty())
        return fail(Tr::tr("give --cache FILE and a command; see --help."));
    std::unique_ptr<sync::SyncCache> cache;
    QString err;
    if (const storage::OpenResult r = sync::SyncCache::open(p.value(QStringLiteral("cache")), &cache, &err); r != storage::OpenResult::Ok)
    {
        fail(err);
        return r == storage::OpenResult::SchemaTooNew ? 7 : 1; // 7: this build is older than the cache; it is left as it is
    }
    const QString command = args.first();
    if (p.isSet(QStringLiteral("now")) && !nowFrom(p).isValid())
        return fail(Tr::tr("--now: an ISO 8601 time, e.g. 2026-11-23T09:30:00."));
    QList<sync::OutboxEntry> entries;
    if (command == QLatin1String("status"))
        return status(*cache);
    if (command == QLatin1String("pending") || command == QLatin1String("parked")) {
        if (!cache->entries(command, 100000, &entries, &err))
            return fail(err);
        if (anySealed(entries))
            attachKey(*cache, p, &err); // without it the fields show as sealed
        printEntries(*cache, entries);
        return 0;
    }
    if (command == QLatin1String("conflicts")) {
        if (!cache->entries(QStringLiteral("done"), 1000000, &entries, &err))
            return fail(err);
        entries.removeIf([](const sync::OutboxEntry &e) { return e.status != QLatin1String("conflict"); });
        if (anySealed(entries))
            attachKey(*cache, p, &err);
        printEntries(*cache, entries);
        return 0;
    }
    if (command == QLatin1String("export") && args.size() == 2) {
        int written = 0, blobs = 0;
        if (!cache->exportUnsent(args.at(1), &err, &written, &blobs))
            return fail(err);
        QTextStream(stdout) << Tr::tr("%1 unsent entries written to %2").arg(written).arg(args.at(1)) << Qt::endl;
        if (blobs > 0)
            QTextStream(stdout) << Tr::tr("%1 blobs the server lacks, still encrypted, in %2.blobs").arg(blobs).arg(args.at(1)) << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("import-blobs") && args.size() == 2) {
        const std::unique_ptr<sync::BlobStore> blobs = blobStore(*cache, p, &err);
        if (!blobs)
            return fail(Tr::tr("no key for the cache, nothing imported: %1").arg(err));
        int imported = 0;
        if (!blobs->importExported(args.at(1), &imported, &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("%1 blobs imported and queued for upload.").arg(imported) << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("reset") && args.size() == 2) {
        if (!cache->reset(args.at(1), &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("Reset: unsent entries are in %1 and parked; a new epoch starts.").arg(args.at(1)) << Qt::endl;
        // With the server at hand, the leases go back too (their tickets already issued stay valid).
        if (p.isSet(QStringLiteral("server")) && p.isSet(QStringLiteral("hall")) && p.isSet(QStringLiteral("login"))) {
            const QStringList errors = returnLeases(*cache, p);
            if (!errors.isEmpty()) {
                QTextStream(stderr) << Tr::tr("hall-sync: the leases were not handed back (run return-lease when the server is reachable): %1")
                                           .arg(errors.join(QStringLiteral("; ")))
                                    << Qt::endl;
                return 6;
            }
            QTextStream(stdout) << Tr::tr("The unused rest of this device's leases was handed back.") << Qt::endl;
        }
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
        sync::OutboxEntry made;
        if (!writeEntry(*cache, QStringLiteral("rating"), {{QStringLiteral("ticket"), ticket}, {QStringLiteral("level"), level}}, {}, &made, &err))
            return fail(err);
        QTextStream(stdout) << made.epoch << '/' << made.seq << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("notice") && args.size() == 3) {
        const bool remove = args.at(2) == QLatin1String("--delete");
        QJsonObject data{{QStringLiteral("id"), args.at(1)}, {QStringLiteral("version"), cache->baseVersion(QStringLiteral("notice"), args.at(1))}};
        if (remove)
            data.insert(QStringLiteral("deleted"), true);
        else
            data.insert(QStringLiteral("text"), args.at(2));
        sync::OutboxEntry made;
        if (!writeEntry(*cache, QStringLiteral("notice"), data, QStringLiteral("notice/") + args.at(1), &made, &err))
            return fail(err);
        QTextStream(stdout) << made.epoch << '/' << made.seq << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("decide") && args.size() == 3) {
        const qint64 epoch = args.at(1).section(u'/', 0, 0).toLongLong();
        const qint64 seq = args.at(1).section(u'/', 1, 1).toLongLong();
        const QString keep = args.at(2);
        if (epoch < 1 || seq < 1 || (keep != QLatin1String("server") && keep != QLatin1String("mine")))
            return fail(Tr::tr("decide EPOCH/SEQ server|mine: which conflict, and whose version stays."));
        sync::OutboxEntry made;
        if (!decide(*cache, epoch, seq, keep == QLatin1String("mine"), &made, &err))
            return fail(err);
        if (made.seq > 0)
            QTextStream(stdout) << Tr::tr("Made again as %1/%2 on top of the server's version.").arg(made.epoch).arg(made.seq) << Qt::endl;
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
    if (command == QLatin1String("work")) {
        if (!p.isSet(QStringLiteral("server")) || !p.isSet(QStringLiteral("hall")) || !p.isSet(QStringLiteral("login")))
            return fail(Tr::tr("work needs --server, --hall and --login (password on standard input)."));
        WorkOptions o;
        o.server = QUrl(p.value(QStringLiteral("server")));
        o.hall = p.value(QStringLiteral("hall"));
        o.login = p.value(QStringLiteral("login"));
        o.intervalMs = p.value(QStringLiteral("interval")).toInt();
        const bool kindsOk = parseKinds(p.value(QStringLiteral("kinds")), &o.kinds);
        for (const QString &t : p.value(QStringLiteral("tickets")).split(u',', Qt::SkipEmptyParts))
            o.tickets.append(t.toLongLong());
        o.notices = p.value(QStringLiteral("notices")).toInt();
        o.businesses = p.value(QStringLiteral("businesses")).split(u',', Qt::SkipEmptyParts);
        if (p.isSet(QStringLiteral("now")))
            o.clockStart = nowFrom(p);
        if (o.intervalMs < 1 || !kindsOk)
            return fail(Tr::tr("work: --interval of 1 ms or more and --kinds (rating, notice, ticket, material, return, each with :WEIGHT if wanted)."));
        // Scanned pages are encrypted with the cache's key; blobs left from an earlier run go up too.
        std::unique_ptr<sync::BlobStore> blobs;
        sync::SyncCache::Counts counts;
        if (o.kinds.contains(QStringLiteral("material")) || (cache->counts(&counts, &err) && counts.blobsWaiting > 0)) {
            blobs = blobStore(*cache, p, &err);
            if (!blobs)
                return fail(Tr::tr("no key for the cache, nothing stored: %1").arg(err));
        }
        o.blobs = blobs.get();
        return work(*cache, o);
    }
    if (command == QLatin1String("leases"))
        return listLeases(*cache, nowFrom(p));
    if (command == QLatin1String("offline"))
        return listOffline(*cache);
    if (command == QLatin1String("issue-offline") && args.size() == 2)
        return issueOffline(*cache, args.at(1), p);
    const bool online = command == QLatin1String("sync") || command == QLatin1String("return-lease")
                        || (command == QLatin1String("lease") && (args.size() == 2 || args.size() == 3));
    if (online && (!p.isSet(QStringLiteral("server")) || !p.isSet(QStringLiteral("hall")) || (!p.isSet(QStringLiteral("login")) && !byCertificate(p))))
        return fail(Tr::tr("%1 needs --server, --hall and --login (password on standard input) or a certificate (--client-cert, --pkcs11-uri).").arg(command));
    if (p.isSet(QStringLiteral("client-cert")) && p.isSet(QStringLiteral("pkcs11-uri")))
        return fail(Tr::tr("--client-cert or --pkcs11-uri: one certificate."));
    if (p.isSet(QStringLiteral("pkcs11-uri")) != p.isSet(QStringLiteral("pkcs11-module")))
        return fail(Tr::tr("--pkcs11-uri and --pkcs11-module go together."));
    if (command == QLatin1String("sync"))
        return syncNow(*cache, p);
    if (command == QLatin1String("return-lease")) {
        const QStringList errors = returnLeases(*cache, p);
        if (!errors.isEmpty())
            return fail(errors.join(u'\n'));
        return listLeases(*cache, nowFrom(p));
    }
    if (online) {
        bool okSize = true;
        const int size = args.size() == 3 ? args.at(2).toInt(&okSize) : 30;
        if (!okSize || size < 1)
            return fail(Tr::tr("lease BUSINESS [SIZE]: SIZE is a number of tickets."));
        return lease(*cache, args.at(1), size, p);
    }
    return fail(Tr::tr("Unknown command \"%1\"; see --help.").arg(command));
}
