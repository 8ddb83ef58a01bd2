// Blobs in a PC's cache (docs/sync.md, "Blobs"): encrypted at rest with the cache's key (from
// the keychain: run under a Secret Service, as scripts/test does), uploaded by the SyncEngine
// over HallClient to the real hall-server in this process before the material that references
// them, and resumed from the server's offset after the connection is cut in the middle of a
// chunk. Real cache file, real server, real HTTP on loopback through a real TCP proxy.

#include "../net/netawait.h"
#include "../server/harness.h"

#include <sync/blobstore.h>
#include <sync/engine.h>

#include <net/hallclient.h>
#include <netsync/hallsynctransport.h>
#include <security/crypto.h>
#include <security/keymanager.h>
#include <security/personaldata.h>

#include <QTimer>
#include <QBuffer>
#include <QDirIterator>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUuid>

using namespace hall;
using security::crypto::Digest;

namespace {

const QByteArray Marker = "SECRET-ID-440101199001011234";

QByteArray pageBytes(qsizetype size, quint32 seed)
{
    QByteArray b(size, Qt::Uninitialized);
    QRandomGenerator g(seed);
    g.fillRange(reinterpret_cast<quint32 *>(b.data()), size / 4);
    // Personal data in clear inside the scan, as text in a PDF would be.
    for (qsizetype at = 1000; at + Marker.size() < size; at += 200000)
        b.replace(at, Marker.size(), Marker);
    return b;
}

QByteArray readAllOf(QIODevice *d)
{
    QByteArray out;
    QByteArray piece;
    while (!(piece = d->read(50000)).isEmpty())
        out += piece;
    return out;
}

// A TCP proxy that cuts the connection once, after `cutAfter` bytes went from the client to the
// server, and then refuses connections for half a second (so QNetworkAccessManager's own resend
// of the request fails too, and the sync engine has to resume). Counts the bytes.
class CuttingProxy : public QObject
{
public:
    CuttingProxy(quint16 upstream, qint64 cutAfter) : m_upstream(upstream), m_cutAfter(cutAfter)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                if (m_down.isValid() && m_down.elapsed() < 500) {
                    in->abort();
                    in->deleteLater();
                    continue;
                }
                auto *out = new QTcpSocket(in);
                out->connectToHost(QHostAddress::LocalHost, m_upstream);
                connect(in, &QTcpSocket::readyRead, out, [this, in, out] {
                    const QByteArray b = in->readAll();
                    upBytes += b.size();
                    if (m_cutAfter > 0 && upBytes > m_cutAfter && !cut) {
                        cut = true;
                        m_down.start();
                        out->write(b.left(b.size() / 2));
                        out->flush();
                        in->abort();
                        out->abort();
                        return;
                    }
                    out->write(b);
                });
                connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
                connect(in, &QTcpSocket::disconnected, in, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }

    qint64 upBytes = 0;
    bool cut = false;

private:
    QTcpServer m_server;
    quint16 m_upstream;
    qint64 m_cutAfter;
    QElapsedTimer m_down;
};

// HallSyncTransport, noting the offset of every chunk it sends.
class RecordingTransport : public net::HallSyncTransport
{
public:
    using HallSyncTransport::HallSyncTransport;
    void blobChunk(const QJsonObject &blob, qint64 offset, QIODevice *source, qint64 length, Done done) override
    {
        offsets.append(offset);
        if (answerDelayMs == 0)
            return HallSyncTransport::blobChunk(blob, offset, source, length, std::move(done));
        // A slow link: each chunk's answer comes later, as it would over a hall's uplink.
        HallSyncTransport::blobChunk(blob, offset, source, length, [this, done = std::move(done)](const sync::TransportResult &r) {
            QTimer::singleShot(answerDelayMs, this, [done, r] { done(r); });
        });
    }
    QList<qint64> offsets;
    int answerDelayMs = 0;
};

// HallSyncTransport whose chunk answers wait, once the server gave them, until the test lets
// them through: which blobs are in flight when is then the test's to decide.
class HoldingTransport : public net::HallSyncTransport
{
public:
    using HallSyncTransport::HallSyncTransport;
    void blobChunk(const QJsonObject &blob, qint64 offset, QIODevice *source, qint64 length, Done done) override
    {
        ++sent;
        HallSyncTransport::blobChunk(blob, offset, source, length, [this, done = std::move(done)](const sync::TransportResult &r) {
            if (!hold)
                return done(r);
            held.append([done, r] { done(r); });
        });
    }
    void release(int n)
    {
        for (int i = 0; i < n && !held.isEmpty(); ++i) {
            held.takeFirst()();
            ++released;
        }
    }
    bool hold = true;
    int sent = 0;
    int released = 0;
    QList<std::function<void()>> held;
};

} // namespace

class TstSyncBlobs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void blobsAreEncryptedAtRest_data();
    void blobsAreEncryptedAtRest();
    void aDamagedOrForeignBlobFileIsAnError();
    void blobsGoUpBeforeTheirMaterial();
    void resumesAfterTheConnectionIsCutMidChunk();
    void uploadSlotsRefillBeforeTheProgressIsWritten();
    void withoutTheKeyEntriesWait();
    void blobsTheServerLacksGoUpAgain();
    void localFilesGoOnceTheServerHasThemAndNothingUnsentNeedsThem();
    void aCrashsLeftoversAreSweptAtStart();
    void resetExportsTheBlobsSealedAndTheyImportBack();

private:
    QStringList blobFiles() const { return QDir(m_cache->blobFolder()).entryList(QDir::Files); }
    sync::BlobRef addPage(const QString &ticket, const QByteArray &page, QString *file = nullptr);
    bool keyed(security::CipherMode mode, Digest::Algorithm algorithm);
    QString writePage(const QString &name, const QByteArray &bytes);
    bool runUntil(sync::SyncEngine &engine, const std::function<bool()> &done, int ms = 30000);
    // The server in this process, and a kiosk's HallClient signed in to it (through `proxy` if given).
    bool serverAndClient(QString *error, const std::function<quint16(quint16)> &proxy = {});
    QByteArray serverFile(const QString &algorithm, const QByteArray &plain);

    QTemporaryDir m_dir;
    std::unique_ptr<sync::SyncCache> m_cache;
    std::unique_ptr<sync::BlobStore> m_blobs;
    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<net::HallClient> m_client;
};

void TstSyncBlobs::init()
{
    QVERIFY(m_dir.isValid());
    QString err;
    const QString file = m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral(".db"));
    QVERIFY2(sync::SyncCache::open(file, &m_cache, &err) == storage::OpenResult::Ok, qPrintable(err));
    if (!QByteArray(QTest::currentTestFunction()).startsWith("blobsAreEncryptedAtRest"))
        QVERIFY(keyed(security::CipherMode::Aes256Gcm, Digest::Algorithm::Sha256));
}

void TstSyncBlobs::cleanup()
{
    m_client.reset();
    m_server.reset();
    m_blobs.reset();
    m_cache.reset();
}

bool TstSyncBlobs::keyed(security::CipherMode mode, Digest::Algorithm algorithm)
{
    const security::KeyResult key = security::KeyManager(QStringLiteral("HallSuite/tst_sync_blobs/") + QUuid::createUuid().toString(QUuid::Id128),
                                                         QStringLiteral("cache-data-key"), mode).loadOrCreateNow();
    if (!key.ok()) {
        qWarning() << "no key:" << key.message;
        return false;
    }
    const security::PersonalData pd = security::PersonalData::attach(m_cache->connection(), key);
    if (!pd.isReady() && pd.status() != security::PersonalData::Status::WrongKey) // a foreign key on purpose
        return false;
    m_blobs = std::make_unique<sync::BlobStore>(m_cache.get(), key.cipher, algorithm);
    return true;
}

QString TstSyncBlobs::writePage(const QString &name, const QByteArray &bytes)
{
    QFile f(m_dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return f.fileName();
}

bool TstSyncBlobs::serverAndClient(QString *error, const std::function<quint16(quint16)> &proxy)
{
    m_server = std::make_unique<test::InProcessServer>();
    if (!m_server->start(error))
        return false;
    m_client = std::make_unique<net::HallClient>();
    const quint16 port = proxy ? proxy(m_server->port()) : m_server->port();
    if (!m_client->setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, error))
        return false;
    const auto signedIn = test::await<net::Session>([&](QObject *ctx, auto done) {
        m_client->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), ctx, done);
    });
    if (!signedIn)
        *error = test::describe(signedIn.error());
    return bool(signedIn);
}

bool TstSyncBlobs::runUntil(sync::SyncEngine &engine, const std::function<bool()> &done, int ms)
{
    engine.start();
    QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    engine.stop();
    return done();
}

QByteArray TstSyncBlobs::serverFile(const QString &algorithm, const QByteArray &plain)
{
    Digest d(*Digest::fromName(algorithm));
    d.addData(plain);
    const QString hash = QString::fromLatin1(d.result().toHex());
    QFile f(m_server->dir.filePath(QStringLiteral("blobs/1/%1/%2/%3").arg(algorithm, hash.left(2), hash)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void TstSyncBlobs::blobsAreEncryptedAtRest_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("algorithm");
    QTest::newRow("AES-256-GCM, SHA-256") << int(security::CipherMode::Aes256Gcm) << int(Digest::Algorithm::Sha256);
    QTest::newRow("国密: SM4 + HMAC-SM3, SM3") << int(security::CipherMode::Sm4CbcHmacSm3) << int(Digest::Algorithm::Sm3);
}

void TstSyncBlobs::blobsAreEncryptedAtRest()
{
    QFETCH(int, mode);
    QFETCH(int, algorithm);
    QVERIFY(keyed(security::CipherMode(mode), Digest::Algorithm(algorithm)));
    const QByteArray page = pageBytes(900 * 1024 + 7, 1);
    const QString path = writePage(QStringLiteral("page.bin"), page);
    sync::OutboxEntry made;
    QString err;
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A012"), QStringLiteral("id-card-copy"), {path}, &made, &err), qPrintable(err));
    const QJsonObject blob = made.data.value(QStringLiteral("blobs")).toArray().at(0).toObject();
    Digest d{Digest::Algorithm(algorithm)};
    d.addData(page);
    QCOMPARE(blob.value(QStringLiteral("hash")).toString(), QString::fromLatin1(d.result().toHex()));
    QCOMPARE(blob.value(QStringLiteral("algorithm")).toString(), Digest::name(Digest::Algorithm(algorithm)));

    // What `strings` would find: nothing of the page in the blob folder, the cache, its WAL.
    QStringList files{m_cache->connection().databaseName(), m_cache->connection().databaseName() + QStringLiteral("-wal")};
    QDirIterator it(m_blobs->folder(), QDir::Files);
    int blobFiles = 0;
    while (it.hasNext()) {
        files.append(it.next());
        ++blobFiles;
    }
    QCOMPARE(blobFiles, 1);
    for (const QString &f : std::as_const(files)) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(Marker) && !bytes.contains(page.mid(5000, 32)), qPrintable(f + QStringLiteral(" shows the page")));
    }
    // Read back whole, and as an upload window that starts and ends inside chunks.
    const sync::BlobRef ref{blob.value(QStringLiteral("algorithm")).toString(), blob.value(QStringLiteral("hash")).toString(), page.size()};
    auto whole = m_blobs->reader(ref, 0, -1, &err);
    QVERIFY2(whole, qPrintable(err));
    QCOMPARE(whole->size(), page.size());
    QVERIFY(readAllOf(whole.get()) == page);
    auto window = m_blobs->reader(ref, 100000, 300001, &err);
    QVERIFY2(window, qPrintable(err));
    QVERIFY(readAllOf(window.get()) == page.mid(100000, 300001));
    QVERIFY(window->seek(0)); // what QNetworkAccessManager does before sending again
    QVERIFY(readAllOf(window.get()) == page.mid(100000, 300001));
    // The same page again is one blob, one file.
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A013"), QStringLiteral("id-card-copy"), {path}, &made, &err), qPrintable(err));
    QCOMPARE(QDir(m_blobs->folder()).entryList(QDir::Files).size(), 1);
    sync::SyncCache::Counts c;
    QVERIFY(m_cache->counts(&c, &err));
    QCOMPARE(c.blobsWaiting, 1);
    QCOMPARE(c.blobBytesWaiting, page.size());
}

void TstSyncBlobs::aDamagedOrForeignBlobFileIsAnError()
{
    const QByteArray page = pageBytes(200 * 1024, 2);
    sync::OutboxEntry made;
    QString err;
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A012"), QStringLiteral("photo"), {writePage(QStringLiteral("p.bin"), page)}, &made, &err), qPrintable(err));
    const QJsonObject blob = made.data.value(QStringLiteral("blobs")).toArray().at(0).toObject();
    const sync::BlobRef ref{blob.value(QStringLiteral("algorithm")).toString(), blob.value(QStringLiteral("hash")).toString(), page.size()};
    const QString file = m_blobs->folder() + u'/' + QDir(m_blobs->folder()).entryList(QDir::Files).first();
    // Another key cannot read it.
    auto own = std::move(m_blobs);
    QVERIFY(keyed(security::CipherMode::Aes256Gcm, Digest::Algorithm::Sha256));
    auto foreign = m_blobs->reader(ref, 0, -1, &err);
    QVERIFY(foreign);
    QByteArray buf(1000, '\0');
    QCOMPARE(foreign->read(buf.data(), buf.size()), -1);
    m_blobs = std::move(own);
    // One bit flipped in the second chunk: the first reads, the second is an error, never wrong bytes.
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek(f.size() - 100));
    char c;
    QVERIFY(f.getChar(&c));
    QVERIFY(f.seek(f.size() - 100));
    QVERIFY(f.putChar(char(c ^ 1)));
    f.close();
    auto reader = m_blobs->reader(ref, 0, -1, &err);
    QVERIFY(reader);
    const QByteArray first = reader->read(64 * 1024);
    QVERIFY(first == page.left(64 * 1024));
    const QByteArray rest = readAllOf(reader.get());
    QVERIFY(rest.size() < page.size() - 64 * 1024);
    QVERIFY(!reader->errorString().isEmpty());
}

void TstSyncBlobs::blobsGoUpBeforeTheirMaterial()
{
    QString err;
    QVERIFY2(serverAndClient(&err), qPrintable(err));

    const QByteArray page1 = pageBytes(2500 * 1024 + 3, 3), page2 = pageBytes(10 * 1024, 4);
    sync::OutboxEntry made;
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A012"), QStringLiteral("id-card-copy"),
                                  {writePage(QStringLiteral("1.bin"), page1), writePage(QStringLiteral("2.bin"), page2)}, &made, &err),
             qPrintable(err));
    RecordingTransport transport(m_client.get());
    // Ten chunks answered 60 ms apart: long enough for the status to be seen counting down.
    transport.answerDelayMs = 60;
    sync::SyncEngine::Options options;
    options.backoffBaseMs = 20;
    options.chunkBytes = 256 * 1024;
    sync::SyncEngine engine(m_cache.get(), &transport, options);
    engine.setBlobStore(m_blobs.get());
    QList<sync::SyncStatus> seen;
    connect(&engine, &sync::SyncEngine::statusChanged, this, [&seen](const sync::SyncStatus &s) { seen.append(s); });
    QVERIFY(runUntil(engine, [&] { return engine.status().pending == 0 && engine.status().blobsWaiting == 0; }));
    QCOMPARE(engine.status().blobBytesWaiting, 0);
    QVERIFY(std::any_of(seen.cbegin(), seen.cend(), [&](const sync::SyncStatus &s) {
        return s.blobBytesWaiting > 0 && s.blobBytesWaiting < page1.size() + page2.size();
    })); // the status counted the bytes down as they went
    // The server has the bytes and the material, which was applied (not made to wait): its
    // blobs were there first.
    QVERIFY(serverFile(QStringLiteral("sha256"), page1) == page1);
    QVERIFY(serverFile(QStringLiteral("sha256"), page2) == page2);
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT status FROM sync_outcomes")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("applied"));
    std::sort(transport.offsets.begin(), transport.offsets.end()); // the two pages go up side by side
    QList<qint64> expected{0};
    for (qint64 at = 0; at < page1.size(); at += options.chunkBytes)
        expected.append(at);
    std::sort(expected.begin(), expected.end());
    QCOMPARE(transport.offsets, expected);
    QList<sync::OutboxEntry> done;
    QVERIFY(m_cache->entries(QStringLiteral("done"), 10, &done, &err));
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().status, QStringLiteral("applied"));

    // And back through HallClient, streamed into a file, through the material.
    const QJsonObject first = made.data.value(QStringLiteral("blobs")).toArray().at(0).toObject();
    QFile sink(m_dir.filePath(QStringLiteral("download.bin")));
    QVERIFY(sink.open(QIODevice::WriteOnly));
    const auto got = test::await<qint64>([&](QObject *ctx, auto cb) {
        m_client->blobDownload(first.value(QStringLiteral("algorithm")).toString(), first.value(QStringLiteral("hash")).toString(),
                               QStringLiteral("material/") + made.data.value(QStringLiteral("material")).toString(), &sink, ctx, cb);
    });
    QVERIFY2(got, qPrintable(test::describe(got.error())));
    QCOMPARE(*got, page1.size());
    sink.close();
    QVERIFY(sink.open(QIODevice::ReadOnly));
    QVERIFY(sink.readAll() == page1);
    // Not through a material that does not reference it: the server's error, nothing written.
    QBuffer none;
    none.open(QIODevice::WriteOnly);
    const auto refused = test::await<qint64>([&](QObject *ctx, auto cb) {
        m_client->blobDownload(first.value(QStringLiteral("algorithm")).toString(), first.value(QStringLiteral("hash")).toString(),
                               QStringLiteral("material/other"), &none, ctx, cb);
    });
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, QStringLiteral("not_found"));
    QCOMPARE(none.size(), 0);
}

void TstSyncBlobs::resumesAfterTheConnectionIsCutMidChunk()
{
    // Cut in the middle of the second chunk's body.
    std::unique_ptr<CuttingProxy> proxy;
    QString err;
    QVERIFY2(serverAndClient(&err, [&proxy](quint16 upstream) {
                 proxy = std::make_unique<CuttingProxy>(upstream, 1024 * 1024 + 512 * 1024);
                 return proxy->port();
             }), qPrintable(err));
    const QByteArray page = pageBytes(3 * 1024 * 1024 + 100, 5);
    sync::OutboxEntry made;
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A012"), QStringLiteral("photo"), {writePage(QStringLiteral("p.bin"), page)}, &made, &err),
             qPrintable(err));
    RecordingTransport transport(m_client.get());
    sync::SyncEngine::Options options;
    options.backoffBaseMs = 20;
    options.backoffCapMs = 200;
    sync::SyncEngine engine(m_cache.get(), &transport, options);
    engine.setBlobStore(m_blobs.get());
    QVERIFY(runUntil(engine, [&] { return engine.status().pending == 0 && engine.status().blobsWaiting == 0; }));
    QVERIFY(proxy->cut);
    // The second chunk was sent again from the server's offset (1 MiB), not the blob from 0.
    QCOMPARE(transport.offsets, (QList<qint64>{0, 1024 * 1024, 1024 * 1024, 2048 * 1024, 3072 * 1024}));
    QVERIFY2(proxy->upBytes < page.size() + 2 * 1024 * 1024, qPrintable(QString::number(proxy->upBytes)));
    QVERIFY(serverFile(QStringLiteral("sha256"), page) == page);
}

// A blob's completion frees its slot at once: the next queued blob goes up without waiting for
// the completions to be written to the cache (a few times a second), which would leave slots
// empty meanwhile — the cache still lists the completed blobs among the queued ones.
void TstSyncBlobs::uploadSlotsRefillBeforeTheProgressIsWritten()
{
    QString err;
    QVERIFY2(serverAndClient(&err), qPrintable(err));
    for (int i = 0; i < 10; ++i)
        QVERIFY(!addPage(QStringLiteral("A%1").arg(20 + i), pageBytes(20 * 1024, 30 + i)).hash.isEmpty());
    HoldingTransport transport(m_client.get());
    sync::SyncEngine::Options options;
    options.parallelUploads = 4;
    options.notesIntervalMs = 600000; // written only when the materials are pushed,
    options.blobPushDelayMs = 600000; // which is once nothing is in flight
    sync::SyncEngine engine(m_cache.get(), &transport, options);
    engine.setBlobStore(m_blobs.get());
    engine.start();
    QTRY_COMPARE_WITH_TIMEOUT(transport.held.size(), 4, 10000);
    QCOMPARE(transport.sent, 4);
    transport.release(3); // three complete, one still in flight
    QTRY_COMPARE_WITH_TIMEOUT(transport.sent - transport.released, 4, 10000);
    QCOMPARE(transport.sent, 7);
    QSqlQuery q(m_cache->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'queued'")) && q.next());
    QCOMPARE(q.value(0).toInt(), 10); // not written yet: the slots did not wait for it
    transport.hold = false;
    transport.release(4);
    QTRY_VERIFY_WITH_TIMEOUT(engine.status().pending == 0 && engine.status().blobsWaiting == 0, 20000);
    engine.stop();
    QCOMPARE(transport.sent, 10);
    QCOMPARE(engine.status().rejected, 0);
}

void TstSyncBlobs::withoutTheKeyEntriesWait()
{
    QString err;
    QVERIFY2(serverAndClient(&err), qPrintable(err));
    sync::OutboxEntry made;
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A012"), QStringLiteral("photo"), {writePage(QStringLiteral("p.bin"), pageBytes(5000, 6))}, &made, &err),
             qPrintable(err));
    net::HallSyncTransport transport(m_client.get());
    sync::SyncEngine engine(m_cache.get(), &transport); // no blob store: the key is not there
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.status().lastPull.isValid() && !engine.status().lastError.isEmpty(), 10000);
    engine.stop();
    QCOMPARE(engine.status().pending, 1);
    QCOMPARE(engine.status().blobsWaiting, 1);
    QSqlQuery q(m_server->db->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sync_outcomes")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0); // nothing pushed ahead of its blobs
}

// The cache believes a blob is on the server, the server does not have it (its storage was
// restored): the material's push is answered "waiting", the blob goes up again, the material
// is applied — nothing is lost or rejected.
void TstSyncBlobs::blobsTheServerLacksGoUpAgain()
{
    QString err;
    QVERIFY2(serverAndClient(&err), qPrintable(err));
    const QByteArray page = pageBytes(200 * 1024, 7);
    sync::OutboxEntry made;
    QVERIFY2(m_blobs->addMaterial(QStringLiteral("A012"), QStringLiteral("photo"), {writePage(QStringLiteral("p.bin"), page)}, &made, &err),
             qPrintable(err));
    const QJsonObject blob = made.data.value(QStringLiteral("blobs")).toArray().at(0).toObject();
    sync::SyncCache::QueuedBlob q{blob.value(QStringLiteral("algorithm")).toString(), blob.value(QStringLiteral("hash")).toString(), page.size(), page.size()};
    QVERIFY2(m_cache->noteBlobsSent({{q, true}}, &err), qPrintable(err));
    RecordingTransport transport(m_client.get());
    sync::SyncEngine::Options options;
    options.backoffBaseMs = 20;
    sync::SyncEngine engine(m_cache.get(), &transport, options);
    engine.setBlobStore(m_blobs.get());
    QVERIFY(runUntil(engine, [&] { return engine.status().pending == 0 && engine.status().blobsWaiting == 0; }));
    QCOMPARE(transport.offsets, QList<qint64>{0}); // sent once, after the server said it lacked it
    QVERIFY(serverFile(QStringLiteral("sha256"), page) == page);
    QList<sync::OutboxEntry> done;
    QVERIFY(m_cache->entries(QStringLiteral("done"), 10, &done, &err));
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().status, QStringLiteral("applied"));
}

sync::BlobRef TstSyncBlobs::addPage(const QString &ticket, const QByteArray &page, QString *file)
{
    const QStringList before = blobFiles();
    sync::OutboxEntry made;
    QString err;
    if (!m_blobs->addMaterial(ticket, QStringLiteral("photo"), {writePage(ticket + QStringLiteral(".bin"), page)}, &made, &err)) {
        qWarning() << err;
        return {};
    }
    const QJsonObject blob = made.data.value(QStringLiteral("blobs")).toArray().at(0).toObject();
    if (file) {
        const QStringList after = blobFiles();
        for (const QString &f : after) {
            if (!before.contains(f))
                *file = m_cache->blobFolder() + u'/' + f;
        }
    }
    return {blob.value(QStringLiteral("algorithm")).toString(), blob.value(QStringLiteral("hash")).toString(), page.size()};
}

// The encrypted copy of a scan is kept only while sync needs it: once the server has the blob
// and the material is applied, its row and file go; an entry parked by a reset keeps it.
void TstSyncBlobs::localFilesGoOnceTheServerHasThemAndNothingUnsentNeedsThem()
{
    QString err;
    QVERIFY2(serverAndClient(&err), qPrintable(err));
    QVERIFY(!addPage(QStringLiteral("A012"), pageBytes(300 * 1024, 8)).hash.isEmpty());
    QCOMPARE(blobFiles().size(), 1);
    net::HallSyncTransport transport(m_client.get());
    sync::SyncEngine::Options options;
    options.backoffBaseMs = 20;
    sync::SyncEngine engine(m_cache.get(), &transport, options);
    engine.setBlobStore(m_blobs.get());
    QVERIFY(runUntil(engine, [&] { return engine.status().pending == 0 && engine.status().blobsWaiting == 0 && blobFiles().isEmpty(); }));
    QSqlQuery rows(m_cache->connection());
    QVERIFY(rows.exec(QStringLiteral("SELECT count(*) FROM blobs")) && rows.next());
    QCOMPARE(rows.value(0).toInt(), 0);

    // Parked by a reset: the blob goes up, its file stays until the entry is sent again and applied.
    const QByteArray second = pageBytes(200 * 1024, 9);
    QVERIFY(!addPage(QStringLiteral("A013"), second).hash.isEmpty());
    QVERIFY2(engine.reset(m_dir.filePath(QStringLiteral("reset.jsonl")), &err), qPrintable(err));
    QVERIFY(runUntil(engine, [&] { return engine.status().blobsWaiting == 0 && engine.status().parked == 1; }));
    QVERIFY(serverFile(QStringLiteral("sha256"), second) == second);
    QCOMPARE(blobFiles().size(), 1);
    QVERIFY2(m_cache->requeueParked(&err), qPrintable(err));
    QVERIFY(runUntil(engine, [&] { return engine.status().pending == 0 && blobFiles().isEmpty(); }));
    QList<sync::OutboxEntry> done;
    QVERIFY(m_cache->entries(QStringLiteral("done"), 10, &done, &err));
    QCOMPARE(done.size(), 2);
    QCOMPARE(done.last().status, QStringLiteral("applied"));
}

// What a SIGKILL in the middle of storing or releasing blobs leaves — a file no row names, a row
// whose file is gone — is sorted out when the engine starts, and the status says what is lost.
void TstSyncBlobs::aCrashsLeftoversAreSweptAtStart()
{
    QString kept, lost, gone;
    const sync::BlobRef keptRef = addPage(QStringLiteral("A012"), pageBytes(100 * 1024, 10), &kept);
    const sync::BlobRef lostRef = addPage(QStringLiteral("A013"), pageBytes(100 * 1024, 11), &lost);
    const sync::BlobRef goneRef = addPage(QStringLiteral("A014"), pageBytes(100 * 1024, 12), &gone);
    QVERIFY(!kept.isEmpty() && !lost.isEmpty() && !gone.isEmpty());
    QString err;
    QVERIFY2(m_cache->noteBlobsSent({{sync::SyncCache::QueuedBlob{goneRef.algorithm, goneRef.hash, goneRef.size, goneRef.size}, true}}, &err),
             qPrintable(err));
    QVERIFY(QFile::remove(lost) && QFile::remove(gone)); // rows without their file
    // Files no row names: an old one (an import that never committed), a fresh one (maybe being
    // imported by another process right now), and a temporary file of an interrupted write.
    const auto stray = [&](const QString &name, qint64 ageSecs) {
        QFile f(m_cache->blobFolder() + u'/' + name);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write("sealed bytes") > 0 && f.flush());
        QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-ageSecs), QFileDevice::FileModificationTime));
    };
    stray(QStringLiteral("0123456789abcdef0123456789abcdef"), 3600);
    stray(QStringLiteral("fedcba9876543210fedcba9876543210.Xq3rTz"), 3600);
    stray(QStringLiteral("00112233445566778899aabbccddeeff"), 0);

    net::HallClient client; // never reached: the sweep is done before the engine's first request
    net::HallSyncTransport transport(&client);
    sync::SyncEngine engine(m_cache.get(), &transport);
    engine.setBlobStore(m_blobs.get());
    engine.start();
    engine.stop();
    QStringList left = blobFiles();
    left.sort();
    QStringList expected{QFileInfo(kept).fileName(), QStringLiteral("00112233445566778899aabbccddeeff")};
    expected.sort();
    QCOMPARE(left, expected);
    QCOMPARE(engine.status().blobsMissing, 1);
    QCOMPARE(engine.status().blobsWaiting, 1); // the one with its file still goes up
    QVERIFY2(engine.status().lastError.contains(QStringLiteral("lost their local file")), qPrintable(engine.status().lastError));
    QSqlQuery q(m_cache->connection());
    QVERIFY(q.exec(QStringLiteral("SELECT hash, state FROM blobs ORDER BY state")));
    QMap<QString, QString> states;
    while (q.next())
        states.insert(q.value(0).toString(), q.value(1).toString());
    QCOMPARE(states, (QMap<QString, QString>{{keptRef.hash, QStringLiteral("queued")}, {lostRef.hash, QStringLiteral("missing")}}));
    // The material of the lost blob is not pushed without it.
    QSqlQuery e(m_cache->connection());
    QVERIFY(e.exec(QStringLiteral("SELECT count(*) FROM outbox WHERE state = 'pending'")) && e.next());
    QCOMPARE(e.value(0).toInt(), 3);
    QVERIFY2(!m_cache->blobsReady(QJsonObject{{QStringLiteral("blobs"), QJsonArray{lostRef.toJson()}}}, &err), qPrintable(err));
}

// A reset exports the blobs the server lacks next to the entries, still sealed with the cache's
// key (a copied export shows no scan); the same cache reads them back after losing its files,
// another key cannot.
void TstSyncBlobs::resetExportsTheBlobsSealedAndTheyImportBack()
{
    const QByteArray page = pageBytes(300 * 1024, 13);
    QString file;
    const sync::BlobRef ref = addPage(QStringLiteral("A012"), page, &file);
    QVERIFY(!file.isEmpty());
    QString err;
    const QString exported = m_dir.filePath(QStringLiteral("unsent.jsonl"));
    QVERIFY2(m_cache->reset(exported, &err), qPrintable(err));
    const QDir blobs(exported + QStringLiteral(".blobs"));
    QStringList written = blobs.entryList(QDir::Files);
    QCOMPARE(QSet<QString>(written.cbegin(), written.cend()), (QSet<QString>{QStringLiteral("blobs.jsonl"), QFileInfo(file).fileName()}));
    written << QStringLiteral("../unsent.jsonl");
    for (const QString &f : written) {
        QFile in(blobs.filePath(f));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        QVERIFY2(!bytes.contains(Marker) && !bytes.contains(page.mid(5000, 32)), qPrintable(f + QStringLiteral(" shows the page")));
    }
    QFile list(blobs.filePath(QStringLiteral("blobs.jsonl")));
    QVERIFY(list.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(list.readLine()).object(),
             (QJsonObject{{QStringLiteral("algorithm"), ref.algorithm}, {QStringLiteral("hash"), ref.hash}, {QStringLiteral("size"), ref.size},
                          {QStringLiteral("file"), QFileInfo(file).fileName()}}));

    // The cache loses its blob file; the sweep marks it missing; the export brings it back.
    QVERIFY(QFile::remove(file));
    sync::SyncCache::Sweep sweep;
    QVERIFY2(m_cache->sweepBlobs(0, &sweep, &err), qPrintable(err));
    QCOMPARE(sweep.missing, 1);
    // Not with another key: nothing imported.
    auto own = std::move(m_blobs);
    QVERIFY(keyed(security::CipherMode::Aes256Gcm, Digest::Algorithm::Sha256));
    int imported = -1;
    QVERIFY(!m_blobs->importExported(blobs.path(), &imported, &err));
    QVERIFY2(err.contains(QStringLiteral("does not open with this cache's key")), qPrintable(err));
    QCOMPARE(imported, 0);
    QVERIFY(blobFiles().isEmpty());
    m_blobs = std::move(own);
    QVERIFY2(m_blobs->importExported(blobs.path(), &imported, &err), qPrintable(err));
    QCOMPARE(imported, 1);
    sync::SyncCache::Counts c;
    QVERIFY(m_cache->counts(&c, &err));
    QCOMPARE(c.blobsMissing, 0);
    QCOMPARE(c.blobsWaiting, 1);
    auto reader = m_blobs->reader(ref, 0, -1, &err);
    QVERIFY2(reader, qPrintable(err));
    QVERIFY(readAllOf(reader.get()) == page);
    // Importing again changes nothing.
    QVERIFY2(m_blobs->importExported(blobs.path(), &imported, &err), qPrintable(err));
    QCOMPARE(imported, 0);
}

QTEST_GUILESS_MAIN(TstSyncBlobs)
#include "tst_sync_blobs.moc"

