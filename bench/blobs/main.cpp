// Blob benchmarks (issue 9), against a running hall-server:
//   batch: COUNT blobs of SIZE bytes (scanned pages, one material each) through the sync path —
//          encrypted into a fresh cache, uploaded by the SyncEngine over HallClient, the materials
//          pushed after them — against a raw HTTP upload of the same bytes on loopback (one PUT
//          per blob to `sink`, a bare receiver that writes each body to a file), measured in the
//          same run; hall-server's upload endpoint driven directly (no cache, no engine); and the
//          bare receiver syncing each file and its folder before it answers (what durability
//          alone costs, with none of the server's other work).
//          The last line sums the run up: every round's ratio and their median.
//   big:   one blob of SIZE bytes through the sync path: time and the client's peak RSS.
//   sink:  the raw receiver (prints "sink listening on PORT").
//
//   bench-blobs --url URL [--hall --login --password] batch [--count 200] [--size 307200] [--rounds 1] --sink URL
//   bench-blobs --url URL big [--size 52428800]
//   bench-blobs sink --folder DIR

#include <sync/blobstore.h>
#include <sync/cache.h>
#include <sync/engine.h>

#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <security/crypto.h>
#include <security/keymanager.h>

#include <QBuffer>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QUuid>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace hall;
using security::crypto::Digest;

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peakRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

bool syncFolder(const QString &folder)
{
    const int fd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok;
}

QByteArray randomBytes(qint64 n, quint32 seed)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator(seed).fillRange(reinterpret_cast<quint32 *>(b.data()), n / 4);
    return b;
}

// A bare HTTP receiver: reads a request's headers and Content-Length bytes of body into a file,
// answers 200, keeps the connection. Nothing else: the floor any upload protocol stands on. It
// writes the bytes to the page cache as they come, like hall-server, but does not sync them
// (unless the path starts with /synced/: then the file is fdatasynced and its folder fsynced
// before the answer, one after the other on the receiver's thread), has no session, no
// authentication, no hash, no database and one folder for every file.
class Sink : public QTcpServer
{
public:
    explicit Sink(QString folder) : m_folder(std::move(folder)) {}

protected:
    void incomingConnection(qintptr fd) override
    {
        auto *s = new QTcpSocket(this);
        s->setSocketDescriptor(fd);
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto state = std::make_shared<std::tuple<QByteArray, qint64, std::unique_ptr<QFile>, bool>>(QByteArray(), -1, nullptr, false);
        connect(s, &QTcpSocket::readyRead, s, [this, s, state] {
            auto &[head, left, file, synced] = *state;
            while (s->bytesAvailable() > 0) {
                if (left < 0) {
                    head += s->read(s->bytesAvailable());
                    const qsizetype end = head.indexOf("\r\n\r\n");
                    if (end < 0)
                        continue;
                    const qsizetype cl = head.toLower().indexOf("content-length:");
                    left = cl < 0 ? 0 : head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15).trimmed().toLongLong();
                    const QByteArray rest = head.mid(end + 4);
                    synced = head.startsWith("PUT /synced/");
                    head.clear();
                    file = std::make_unique<QFile>(m_folder + u'/' + QString::number(++m_files));
                    file->open(QIODevice::WriteOnly);
                    file->write(rest);
                    left -= rest.size();
                } else {
                    const QByteArray b = s->read(std::min<qint64>(left, s->bytesAvailable()));
                    file->write(b);
                    left -= b.size();
                }
                if (left == 0) {
                    if (synced && !(file->flush() && ::fdatasync(file->handle()) == 0 && syncFolder(m_folder)))
                        qFatal("sink: cannot sync %s", qPrintable(file->fileName()));
                    file.reset();
                    left = -1;
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
                }
            }
        });
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
    }

private:
    QString m_folder;
    int m_files = 0;
};

// Drives the engine until nothing waits; seconds taken, or -1. `detail`: when the blobs were up,
// the client's CPU.
double syncAll(sync::SyncCache *cache, sync::BlobStore *blobs, net::HallClient *client, QString *detail)
{
    net::HallSyncTransport transport(client);
    sync::SyncEngine::Options o;
    o.pullIntervalMs = 60000;
    sync::SyncEngine engine(cache, &transport, o);
    engine.setBlobStore(blobs);
    QElapsedTimer t;
    t.start();
    const double cpu = cpuSeconds();
    engine.start();
    QEventLoop loop;
    QTimer poll;
    double blobsUp = -1;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        const sync::SyncStatus s = engine.status();
        if (s.blobsWaiting == 0 && blobsUp < 0)
            blobsUp = t.nsecsElapsed() / 1e9;
        if ((s.pending == 0 && s.blobsWaiting == 0 && engine.isIdle()) || t.elapsed() > 600000)
            loop.quit();
    });
    poll.start(2);
    loop.exec();
    engine.stop();
    const sync::SyncStatus s = engine.status();
    if (s.pending || s.blobsWaiting || s.rejected) {
        QTextStream(stderr) << "not done: " << s.pending << " entries, " << s.blobsWaiting << " blobs, " << s.rejected
                            << " rejected: " << s.lastError << Qt::endl;
        return -1;
    }
    const double secs = t.nsecsElapsed() / 1e9;
    *detail = QStringLiteral("every blob uploaded after %1 s, every entry answered after %2 s; client CPU %3 s")
                  .arg(blobsUp, 0, 'f', 2).arg(secs, 0, 'f', 2).arg(cpuSeconds() - cpu, 0, 'f', 2);
    return secs;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOptions({{QStringLiteral("url"), QStringLiteral("server"), QStringLiteral("url")},
                  {QStringLiteral("sink"), QStringLiteral("raw receiver"), QStringLiteral("url")},
                  {QStringLiteral("folder"), QStringLiteral("sink: where bodies go"), QStringLiteral("dir")},
                  {QStringLiteral("hall"), QStringLiteral("hall code"), QStringLiteral("code"), QStringLiteral("swzx")},
                  {QStringLiteral("login"), QStringLiteral("login"), QStringLiteral("login"), QStringLiteral("kiosk1")},
                  {QStringLiteral("password"), QStringLiteral("password"), QStringLiteral("pw"), QStringLiteral("demo-kiosk-2026")},
                  {QStringLiteral("count"), QStringLiteral("blobs"), QStringLiteral("n"), QStringLiteral("200")},
                  {QStringLiteral("size"), QStringLiteral("bytes per blob"), QStringLiteral("n"), QStringLiteral("307200")},
                  {QStringLiteral("rounds"), QStringLiteral("batch: raw, direct and sync path this many times"), QStringLiteral("n"), QStringLiteral("1")}});
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("batch, big or sink"));
    p.process(app);
    QTextStream out(stdout);
    const QString mode = p.positionalArguments().value(0);

    if (mode == QLatin1String("sink")) {
        Sink sink(p.value(QStringLiteral("folder")));
        sink.listen(QHostAddress::LocalHost, 0);
        out << "sink listening on " << sink.serverPort() << Qt::endl;
        return app.exec();
    }

    net::HallClient client;
    QString err;
    if (!client.setServer(QUrl(p.value(QStringLiteral("url"))), {}, &err)) {
        QTextStream(stderr) << err << Qt::endl;
        return 1;
    }
    client.setHall(p.value(QStringLiteral("hall")));
    {
        QEventLoop loop;
        bool ok = false;
        client.signIn(p.value(QStringLiteral("login")), p.value(QStringLiteral("password")), &loop, [&](const net::Result<net::Session> &r) {
            ok = bool(r);
            loop.quit();
        });
        loop.exec();
        if (!ok)
            return 1;
    }
    QTemporaryDir dir(QDir::currentPath() + QStringLiteral("/bench-blobs.XXXXXX"));
    std::unique_ptr<sync::SyncCache> cache;
    if (sync::SyncCache::open(dir.filePath(QStringLiteral("cache.db")), &cache, &err) != storage::OpenResult::Ok) {
        QTextStream(stderr) << err << Qt::endl;
        return 1;
    }
    const security::KeyResult key = security::KeyManager(QStringLiteral("HallSuite/bench-blobs/") + QUuid::createUuid().toString(QUuid::Id128),
                                                         QStringLiteral("cache-data-key"), security::CipherMode::Aes256Gcm).loadOrCreateNow();
    if (!key.ok()) {
        QTextStream(stderr) << "no key (run under a Secret Service): " << key.message << Qt::endl;
        return 1;
    }
    sync::BlobStore blobs(cache.get(), key.cipher, Digest::Algorithm::Sha256);
    const int count = p.value(QStringLiteral("count")).toInt();
    const qint64 size = p.value(QStringLiteral("size")).toLongLong();

    if (mode == QLatin1String("big")) {
        const QString page = dir.filePath(QStringLiteral("big.bin"));
        {
            QFile f(page);
            f.open(QIODevice::WriteOnly);
            for (qint64 done = 0; done < size; done += 1024 * 1024)
                f.write(randomBytes(std::min<qint64>(1024 * 1024, size - done), quint32(done / 4096 + 7)));
        }
        const long before = peakRssKb();
        QElapsedTimer t;
        t.start();
        sync::OutboxEntry made;
        if (!blobs.addMaterial(QStringLiteral("A001"), QStringLiteral("scan"), {page}, &made, &err)) {
            QTextStream(stderr) << err << Qt::endl;
            return 1;
        }
        const double encrypt = t.nsecsElapsed() / 1e9;
        QString detail;
        const double secs = syncAll(cache.get(), &blobs, &client, &detail);
        if (secs < 0)
            return 2;
        out << QStringLiteral("  (%1)\n").arg(detail);
        out << QStringLiteral("big: %1 MB encrypted into the cache in %2 s, uploaded and its material pushed in %3 s (%4 MB/s); "
                              "client peak RSS %5 MB (%6 MB before)\n")
                   .arg(size / 1048576.0, 0, 'f', 1).arg(encrypt, 0, 'f', 2).arg(secs, 0, 'f', 2).arg(size / 1048576.0 / secs, 0, 'f', 1)
                   .arg(peakRssKb() / 1024.0, 0, 'f', 1).arg(before / 1024.0, 0, 'f', 1);
        return 0;
    }
    if (mode != QLatin1String("batch"))
        return 1;

    QNetworkAccessManager nam;

    // Raw and direct keep as many in flight as the engine's uploads do.
    const int inFlight = sync::SyncEngine::Options().parallelUploads;
    const auto runAll = [&](const std::function<void(int, std::function<void(bool)>)> &job) {
        QEventLoop loop;
        int next = 0, running = 0;
        bool ok = true;
        std::function<void()> fill = [&] {
            while (ok && running < inFlight && next < count) {
                ++running;
                job(next++, [&](bool done) {
                    --running;
                    ok = ok && done;
                    if (running == 0 && (next == count || !ok))
                        loop.quit();
                    else
                        fill();
                });
            }
        };
        fill();
        loop.exec();
        return ok;
    };
    const auto onDone = [](QNetworkReply *r, std::function<void(QNetworkReply *)> then) {
        QObject::connect(r, &QNetworkReply::finished, r, [r, then] {
            r->deleteLater();
            if (r->error() != QNetworkReply::NoError)
                QTextStream(stderr) << r->errorString() << ' ' << r->readAll() << Qt::endl;
            then(r);
        });
    };

    // Rounds, each with its own pages: the three ways back to back, so that on a shared machine
    // each ratio compares times measured within a few seconds of each other.
    const QString base = p.value(QStringLiteral("url")) + QStringLiteral("/api/v1/halls/") + p.value(QStringLiteral("hall")) + QStringLiteral("/blobs/uploads");
    const QByteArray bearer = "Bearer " + client.token().toLatin1();
    const double mb = count * size / 1048576.0;
    const int rounds = std::max(1, p.value(QStringLiteral("rounds")).toInt());
    QList<double> ratios, toDirect, syncedRaw; // per round: sync path / raw, sync path / direct, raw / raw synced
    out << QStringLiteral("batch: %1 blobs of %2 KB (%3 MB), %4 round(s)\n").arg(count).arg(size / 1024).arg(mb, 0, 'f', 1).arg(rounds);
    for (int round = 0; round < rounds; ++round) {
        // The pages, in memory for the raw and direct ways and as files a scanner left, each a
        // material in the cache (encrypted there) for the sync path.
        QList<QByteArray> pages;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < count; ++i) {
            pages.append(randomBytes(size, quint32(1000 + round * count + i)));
            QFile f(dir.filePath(QStringLiteral("page-%1-%2.bin").arg(round).arg(i)));
            f.open(QIODevice::WriteOnly);
            f.write(pages.at(i));
            f.close();
            sync::OutboxEntry made;
            if (!blobs.addMaterial(QStringLiteral("A%1").arg(i), QStringLiteral("scan"), {f.fileName()}, &made, &err)) {
                QTextStream(stderr) << err << Qt::endl;
                return 1;
            }
            f.remove();
        }
        const double encrypt = t.nsecsElapsed() / 1e9;

        // 1. Raw: one PUT per page to the bare receiver; then the same, synced there.
        const auto raw = [&](const QString &way, double *cpu) {
            QElapsedTimer rt;
            rt.start();
            const double cpu0 = cpuSeconds();
            const bool done = runAll([&](int i, std::function<void(bool)> done) {
                QNetworkRequest req(QUrl(p.value(QStringLiteral("sink")) + QStringLiteral("/%1/%2-%3").arg(way).arg(round).arg(i)));
                req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
                onDone(nam.put(req, pages.at(i)), [done](QNetworkReply *r) { done(r->error() == QNetworkReply::NoError); });
            });
            *cpu = cpuSeconds() - cpu0;
            return done ? rt.nsecsElapsed() / 1e9 : -1;
        };
        double rawCpu = 0, syncedCpu = 0;
        const double rawSecs = raw(QStringLiteral("raw"), &rawCpu);
        const double syncedSecs = raw(QStringLiteral("synced"), &syncedCpu);
        if (rawSecs < 0 || syncedSecs < 0)
            return 1;

        // 2. hall-server's upload endpoint directly: start + one PUT per page from memory (other
        //    bytes, the server would otherwise have them already).
        t.start();
        const double cpu0 = cpuSeconds();
        if (!runAll([&](int i, std::function<void(bool)> done) {
                QByteArray page = pages.at(i);
                page[0] = char(page[0] ^ 0xff);
                Digest d(Digest::Algorithm::Sha256);
                d.addData(page);
                QNetworkRequest start{QUrl(base)};
                start.setRawHeader("Authorization", bearer);
                start.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
                const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("algorithm"), QStringLiteral("sha256")},
                                                                  {QStringLiteral("hash"), QString::fromLatin1(d.result().toHex())},
                                                                  {QStringLiteral("size"), size}}).toJson(QJsonDocument::Compact);
                onDone(nam.post(start, body), [&, page, done](QNetworkReply *r) {
                    const QString upload = QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("upload")).toString();
                    QNetworkRequest put(QUrl(base + u'/' + upload + QStringLiteral("?offset=0")));
                    put.setRawHeader("Authorization", bearer);
                    put.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
                    onDone(nam.put(put, page), [done](QNetworkReply *r2) { done(r2->error() == QNetworkReply::NoError); });
                });
            }))
            return 1;
        const double direct = t.nsecsElapsed() / 1e9;
        const double directCpu = cpuSeconds() - cpu0;
        pages.clear();

        // 3. The sync path.
        QString detail;
        const double secs = syncAll(cache.get(), &blobs, &client, &detail);
        if (secs < 0)
            return 2;
        ratios.append(rawSecs / secs);
        toDirect.append(direct / secs);
        syncedRaw.append(rawSecs / syncedSecs);
        out << QStringLiteral("round %1\n").arg(round + 1);
        out << QStringLiteral("  raw HTTP PUT to a bare receiver: %1 s (%2 MB/s; client CPU %3 s)\n").arg(rawSecs, 0, 'f', 2).arg(mb / rawSecs, 0, 'f', 1).arg(rawCpu, 0, 'f', 2);
        out << QStringLiteral("  the same, each file and its folder synced by the receiver: %1 s (%2 MB/s; client CPU %3 s)\n")
                   .arg(syncedSecs, 0, 'f', 2).arg(mb / syncedSecs, 0, 'f', 1).arg(syncedCpu, 0, 'f', 2);
        out << QStringLiteral("  hall-server upload endpoint, driven directly: %1 s (%2 MB/s; client CPU %3 s)\n").arg(direct, 0, 'f', 2).arg(mb / direct, 0, 'f', 1).arg(directCpu, 0, 'f', 2);
        out << QStringLiteral("  sync path (engine over HallClient, from encrypted cache files, materials pushed after): %1 s (%2 MB/s) "
                              "= %3 x raw, %4 x direct\n")
                   .arg(secs, 0, 'f', 2).arg(mb / secs, 0, 'f', 1).arg(rawSecs / secs, 0, 'f', 2).arg(direct / secs, 0, 'f', 2);
        out << QStringLiteral("  (sync path: %1)\n").arg(detail);
        out << QStringLiteral("  (encrypting them into the cache beforehand: %1 s; client peak RSS %2 MB)\n")
                   .arg(encrypt, 0, 'f', 2).arg(peakRssKb() / 1024.0, 0, 'f', 1);
        out.flush();
    }
    // One line for the run: what the target is judged on, and what to read it with.
    const auto median = [](QList<double> v) {
        std::sort(v.begin(), v.end());
        return v.size() % 2 ? v.at(v.size() / 2) : (v.at(v.size() / 2 - 1) + v.at(v.size() / 2)) / 2;
    };
    QStringList each;
    for (double r : std::as_const(ratios))
        each << QString::number(r, 'f', 2);
    const double m = median(ratios);
    out << QStringLiteral("summary: sync path / raw per round %1, median %2 (target >= 0.8: %3); median sync path / direct %4, "
                          "raw / raw synced by the receiver %5\n")
               .arg(each.join(QStringLiteral(" ")), QString::number(m, 'f', 2), m >= 0.8 ? QStringLiteral("met") : QStringLiteral("not met"),
                    QString::number(median(toDirect), 'f', 2), QString::number(median(syncedRaw), 'f', 2));
    return 0;
}
