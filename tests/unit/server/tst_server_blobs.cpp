// The blob domain in-process (docs/sync.md, "Blobs"): chunked uploads to a session with resume
// from the server's offset, verification against the claimed hash (SHA-256 and SM3), bad input,
// materials that wait for their blobs, downloads only through a referencing record of the
// caller's hall, and durability: a blob counts only once its file and folders are synced, the
// blobs verified in one turn are made durable together, a failed sync answers an error.

#include "harness.h"

#include <security/crypto.h>
#include <server/admin.h>
#include <server/blobcontroller.h>

#include <QDirIterator>
#include <QJsonArray>
#include <QMutex>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>
#include <QWaitCondition>

using namespace hall;
using security::crypto::Digest;

namespace {

const QString Uploads = QStringLiteral("/api/v1/halls/swzx/blobs/uploads");

QByteArray randomBytes(qsizetype n, quint32 seed)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator g(seed);
    g.fillRange(reinterpret_cast<quint32 *>(b.data()), n / 4);
    return b;
}

QString hashOf(const QByteArray &data, Digest::Algorithm a = Digest::Algorithm::Sha256)
{
    Digest d(a);
    d.addData(data);
    return QString::fromLatin1(d.result().toHex());
}

QJsonObject blobJson(const QString &algorithm, const QString &hash, qint64 size)
{
    return {{QStringLiteral("algorithm"), algorithm}, {QStringLiteral("hash"), hash}, {QStringLiteral("size"), size}};
}

QJsonObject material(const QString &key, const QJsonArray &blobs)
{
    return {{QStringLiteral("material"), key}, {QStringLiteral("ticket"), QStringLiteral("A012")},
            {QStringLiteral("type"), QStringLiteral("id-card-copy")}, {QStringLiteral("pages"), int(blobs.size())},
            {QStringLiteral("blobs"), blobs}};
}

struct Bytes
{
    int status = 0;
    QByteArray data;
};

} // namespace

class TstServerBlobs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void chunkedUploadCompletes_data();
    void chunkedUploadCompletes();
    void resumesFromTheServersOffset();
    void hashMismatchDiscards();
    void badChunks_data();
    void badChunks();
    void badStarts_data();
    void badStarts();
    void putByNameStartsTheUpload();
    void materialWaitsForItsBlobs();
    void downloadOnlyThroughARecordOfTheHall();
    void downloadStreamsALargeBlob();
    void blobsVerifiedInOneTurnAreMadeDurableTogether();
    void aFailedSyncAnswersAnErrorForItsBlobs_data();
    void aFailedSyncAnswersAnErrorForItsBlobs();

private:
    test::Answer start(const QString &hash, qint64 size, const QString &algorithm = QStringLiteral("sha256"));
    test::Answer put(const QString &upload, qint64 offset, const QByteArray &chunk);
    // Uploads `data` in chunks of `chunk` bytes; the last answer.
    test::Answer upload(const QByteArray &data, qsizetype chunk = 256 * 1024, Digest::Algorithm a = Digest::Algorithm::Sha256);
    test::Answer push(qint64 seq, const QJsonObject &data);
    Bytes download(test::Client &client, const QString &hash, const QString &record, const QString &hall = QStringLiteral("swzx"));
    int rows(const QString &sql);
    qint64 filesIn(const QString &folder);
    // PUT by name of whole blobs at once, not waiting for the answers.
    QList<QNetworkReply *> putAll(const QList<QByteArray> &blobs);
    static test::Answer answer(QNetworkReply *reply);
    QString blobPath(const QByteArray &data);

    std::unique_ptr<test::InProcessServer> m_server;
    std::unique_ptr<test::Client> m_kiosk;
    QNetworkAccessManager m_nam;
};

void TstServerBlobs::init()
{
    m_server = std::make_unique<test::InProcessServer>();
    // A second hall with a kiosk of its own, for what another hall may not read.
    m_server->prepare = [](storage::Database *db, QString *error) {
        QFile f(QString::fromLocal8Bit(qgetenv("HALL_SOURCE_DIR")) + QStringLiteral("/resources/demo/demo-hall.json"));
        if (!f.open(QIODevice::ReadOnly))
            return false;
        QJsonObject hall = QJsonDocument::fromJson(f.readAll()).object();
        hall.insert(QStringLiteral("code"), QStringLiteral("other"));
        hall.insert(QStringLiteral("name"), QStringLiteral("Other hall"));
        hall.insert(QStringLiteral("accounts"), QJsonArray{QJsonObject{{QStringLiteral("login"), QStringLiteral("kiosk-other")},
                                                                       {QStringLiteral("name"), QStringLiteral("Kiosk")},
                                                                       {QStringLiteral("role"), QStringLiteral("kiosk")},
                                                                       {QStringLiteral("password"), QStringLiteral("other-kiosk-2026")}}});
        QTemporaryDir dir;
        QFile out(dir.filePath(QStringLiteral("other.json")));
        if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(hall).toJson()) < 0)
            return false;
        out.close();
        QString summary;
        return server::seedHall(db, out.fileName(), &summary, error);
    };
    QString err;
    QVERIFY2(m_server->start(&err), qPrintable(err));
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    QVERIFY(m_kiosk->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
}

void TstServerBlobs::cleanup()
{
    m_kiosk.reset();
    m_server.reset();
}

test::Answer TstServerBlobs::start(const QString &hash, qint64 size, const QString &algorithm)
{
    return m_kiosk->call("POST", Uploads, blobJson(algorithm, hash, size));
}

test::Answer TstServerBlobs::put(const QString &upload, qint64 offset, const QByteArray &chunk)
{
    return m_kiosk->call("PUT", Uploads + u'/' + upload + QStringLiteral("?offset=%1").arg(offset), chunk, "application/octet-stream");
}

test::Answer TstServerBlobs::upload(const QByteArray &data, qsizetype chunk, Digest::Algorithm a)
{
    test::Answer s = start(hashOf(data, a), data.size(), Digest::name(a));
    if (s.status != 201 && s.status != 200)
        return s;
    const QString id = s.body.value(QStringLiteral("upload")).toString();
    qint64 offset = s.body.value(QStringLiteral("offset")).toInteger();
    test::Answer last = s;
    while (offset < data.size()) {
        last = put(id, offset, data.mid(offset, chunk));
        if (last.status != 200)
            return last;
        offset = last.body.value(QStringLiteral("offset")).toInteger();
    }
    return last;
}

test::Answer TstServerBlobs::push(qint64 seq, const QJsonObject &data)
{
    const QJsonObject e{{QStringLiteral("seq"), seq}, {QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                        {QStringLiteral("kind"), QStringLiteral("material")}, {QStringLiteral("data"), data}};
    return m_kiosk->call("POST", QStringLiteral("/api/v1/halls/swzx/sync/push"),
                         QJsonObject{{QStringLiteral("device"), QStringLiteral("kiosk-device-1")}, {QStringLiteral("epoch"), 1},
                                     {QStringLiteral("entries"), QJsonArray{e}}});
}

Bytes TstServerBlobs::download(test::Client &client, const QString &hash, const QString &record, const QString &hall)
{
    QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/halls/%2/blobs/sha256/%3?record=%4")
                                 .arg(m_server->port()).arg(hall, hash, record)));
    req.setRawHeader("Authorization", "Bearer " + client.token.toLatin1());
    QNetworkReply *reply = m_nam.get(req);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    loop.exec();
    Bytes b{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return b;
}

int TstServerBlobs::rows(const QString &sql)
{
    QSqlQuery q(m_server->db->connection());
    return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
}

qint64 TstServerBlobs::filesIn(const QString &folder)
{
    qint64 n = 0;
    QDirIterator it(m_server->dir.filePath(folder), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

void TstServerBlobs::chunkedUploadCompletes_data()
{
    QTest::addColumn<int>("algorithm");
    QTest::newRow("sha256") << int(Digest::Algorithm::Sha256);
    QTest::newRow("sm3") << int(Digest::Algorithm::Sm3);
}

void TstServerBlobs::chunkedUploadCompletes()
{
    QFETCH(int, algorithm);
    const auto a = Digest::Algorithm(algorithm);
    const QByteArray data = randomBytes(700 * 1024 + 13, 7);
    const test::Answer s = start(hashOf(data, a), data.size(), Digest::name(a));
    QVERIFY2(s.status == 201, qPrintable(s.describe()));
    QCOMPARE(s.body.value(QStringLiteral("offset")).toInt(), 0);
    QCOMPARE(s.body.value(QStringLiteral("chunkBytes")).toInteger(), 1024 * 1024);
    const QString id = s.body.value(QStringLiteral("upload")).toString();
    test::Answer a1 = put(id, 0, data.left(300 * 1024));
    QVERIFY2(a1.status == 200, qPrintable(a1.describe()));
    QCOMPARE(a1.body.value(QStringLiteral("offset")).toInteger(), 300 * 1024);
    QVERIFY(!a1.body.value(QStringLiteral("complete")).toBool());
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), 0);
    const test::Answer a2 = put(id, 300 * 1024, data.mid(300 * 1024));
    QVERIFY2(a2.status == 200, qPrintable(a2.describe()));
    QVERIFY(a2.body.value(QStringLiteral("complete")).toBool());
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), 1);
    // The bytes are a file in the blob folder, not in the database.
    QFile f(m_server->dir.filePath(QStringLiteral("blobs/1/%1/%2/%3").arg(Digest::name(a), hashOf(data, a).left(2), hashOf(data, a))));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    QCOMPARE(f.readAll(), data);
    // Starting it again tells it is there: nothing to send.
    const test::Answer again = start(hashOf(data, a), data.size(), Digest::name(a));
    QVERIFY2(again.status == 200 && again.body.value(QStringLiteral("complete")).toBool(), qPrintable(again.describe()));
}

void TstServerBlobs::resumesFromTheServersOffset()
{
    const QByteArray data = randomBytes(600 * 1024, 11);
    const QString hash = hashOf(data);
    test::Answer s = start(hash, data.size());
    const QString id = s.body.value(QStringLiteral("upload")).toString();
    QCOMPARE(put(id, 0, data.left(200 * 1024)).status, 200);
    // The connection broke and the client forgot everything but the blob: it asks again and
    // learns the same session and its offset.
    s = start(hash, data.size());
    QVERIFY2(s.status == 200, qPrintable(s.describe()));
    QCOMPARE(s.body.value(QStringLiteral("upload")).toString(), id);
    QCOMPARE(s.body.value(QStringLiteral("offset")).toInteger(), 200 * 1024);
    // A chunk from the wrong place: 409 with the offset to send from, nothing written.
    const test::Answer wrong = put(id, 100 * 1024, data.mid(100 * 1024, 100 * 1024));
    QVERIFY2(wrong.status == 409 && wrong.errorCode() == QLatin1String("wrong_offset"), qPrintable(wrong.describe()));
    QCOMPARE(wrong.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("offset")).toInteger(), 200 * 1024);
    // After a server restart the offset comes from the file, and the digest is made again from it.
    QString err;
    m_server->server.reset();
    m_server->server = std::make_unique<server::HallServer>(m_server->db.get(), &m_server->clock, [&] {
        server::ServerOptions o;
        o.blobFolder = m_server->dir.filePath(QStringLiteral("blobs"));
        o.demo = true; // the demo hall's published passwords, as the harness serves it
        return o;
    }());
    QVERIFY2(m_server->server->loadHalls(&err) && m_server->server->start(&err), qPrintable(err));
    m_kiosk = std::make_unique<test::Client>(m_server->port());
    QVERIFY(m_kiosk->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026")));
    s = start(hash, data.size());
    QCOMPARE(s.body.value(QStringLiteral("offset")).toInteger(), 200 * 1024);
    const test::Answer rest = put(id, 200 * 1024, data.mid(200 * 1024));
    QVERIFY2(rest.status == 200 && rest.body.value(QStringLiteral("complete")).toBool(), qPrintable(rest.describe()));
}

void TstServerBlobs::hashMismatchDiscards()
{
    const QByteArray data = randomBytes(300 * 1024, 3);
    QByteArray other = data;
    other[1000] = char(other[1000] ^ 0x55);
    test::Answer s = start(hashOf(data), data.size());
    const QString id = s.body.value(QStringLiteral("upload")).toString();
    QCOMPARE(put(id, 0, other.left(100 * 1024)).status, 200);
    const test::Answer last = put(id, 100 * 1024, other.mid(100 * 1024));
    QVERIFY2(last.status == 422 && last.errorCode() == QLatin1String("hash_mismatch"), qPrintable(last.describe()));
    // Discarded: no row, no file, and the session is gone.
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs")), 0);
    QCOMPARE(filesIn(QStringLiteral("blobs")), 0);
    QCOMPARE(put(id, 0, data.left(1000)).errorCode(), QStringLiteral("unknown_upload"));
    // The right bytes are then accepted from the start.
    const test::Answer good = upload(data);
    QVERIFY2(good.status == 200 && good.body.value(QStringLiteral("complete")).toBool(), qPrintable(good.describe()));
}

void TstServerBlobs::badChunks_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("oversized chunk") << "oversized" << 413 << "body_too_large";
    QTest::newRow("beyond the announced size") << "beyond" << 400 << "size_mismatch";
    QTest::newRow("unknown session") << "unknown" << 404 << "unknown_upload";
    QTest::newRow("no offset") << "no-offset" << 400 << "invalid_input";
    QTest::newRow("JSON instead of bytes") << "json" << 415 << "unsupported_media_type";
    QTest::newRow("empty chunk") << "empty" << 400 << "invalid_input";
}

void TstServerBlobs::badChunks()
{
    QFETCH(QString, what);
    QFETCH(int, status);
    QFETCH(QString, code);
    const QByteArray data = randomBytes(2 * 1024 * 1024, 5);
    const test::Answer s = start(hashOf(data), data.size());
    const QString id = s.body.value(QStringLiteral("upload")).toString();
    QCOMPARE(put(id, 0, data.left(1000)).status, 200);
    test::Answer a;
    if (what == QLatin1String("oversized"))
        a = put(id, 1000, data.mid(1000, 1024 * 1024 + 1));
    else if (what == QLatin1String("beyond"))
    {
        QCOMPARE(put(id, 1000, data.mid(1000, 1024 * 1024)).status, 200);
        a = put(id, 1000 + 1024 * 1024, data.left(1024 * 1024)); // would end past the 2 MiB announced
    }
    else if (what == QLatin1String("unknown"))
        a = put(QStringLiteral("0123456789abcdef0123456789abcdef"), 1000, data.mid(1000, 1000));
    else if (what == QLatin1String("no-offset"))
        a = m_kiosk->call("PUT", Uploads + u'/' + id, data.mid(1000, 1000), "application/octet-stream");
    else if (what == QLatin1String("json"))
        a = m_kiosk->call("PUT", Uploads + u'/' + id + QStringLiteral("?offset=1000"), QJsonObject{{QStringLiteral("x"), 1}});
    else if (what == QLatin1String("empty"))
        a = put(id, 1000, QByteArray());
    QVERIFY2(a.status == status && a.errorCode() == code, qPrintable(a.describe()));
    // Nothing changed: the session still wants the byte after what it had.
    const test::Answer again = start(hashOf(data), data.size());
    const qint64 expected = what == QLatin1String("beyond") ? 1000 + 1024 * 1024 : 1000;
    QCOMPARE(again.body.value(QStringLiteral("offset")).toInteger(), expected);
    QCOMPARE(QFileInfo(m_server->dir.filePath(QStringLiteral("blobs/1/sha256/%1/%2").arg(hashOf(data).left(2), hashOf(data)))).size(), expected);
}

void TstServerBlobs::badStarts_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QString h = QStringLiteral("ab").repeated(32);
    QTest::newRow("unknown algorithm") << blobJson(QStringLiteral("md5"), h, 10) << 400 << "invalid_input";
    QTest::newRow("short hash") << blobJson(QStringLiteral("sha256"), h.left(40), 10) << 400 << "invalid_input";
    QTest::newRow("upper-case hash") << blobJson(QStringLiteral("sha256"), h.toUpper(), 10) << 400 << "invalid_input";
    QTest::newRow("size 0") << blobJson(QStringLiteral("sha256"), h, 0) << 400 << "invalid_input";
    QTest::newRow("too large") << blobJson(QStringLiteral("sha256"), h, 600LL * 1024 * 1024) << 400 << "invalid_input";
    QJsonObject extra = blobJson(QStringLiteral("sha256"), h, 10);
    extra.insert(QStringLiteral("name"), QStringLiteral("x"));
    QTest::newRow("unknown field") << extra << 400 << "invalid_input";
}

void TstServerBlobs::badStarts()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const test::Answer a = m_kiosk->call("POST", Uploads, body);
    QVERIFY2(a.status == status && a.errorCode() == code, qPrintable(a.describe()));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs")), 0);
    // The same blob with another size than its session's: 409.
    const QString h = QStringLiteral("cd").repeated(32);
    QCOMPARE(start(h, 100).status, 201);
    QCOMPARE(start(h, 101).errorCode(), QStringLiteral("size_mismatch"));
}

void TstServerBlobs::putByNameStartsTheUpload()
{
    const auto byName = [this](const QByteArray &whole, qint64 offset, const QByteArray &chunk, qint64 size = -1) {
        return m_kiosk->call("PUT", QStringLiteral("/api/v1/halls/swzx/blobs/sha256/%1?size=%2&offset=%3")
                                        .arg(hashOf(whole)).arg(size < 0 ? whole.size() : size).arg(offset),
                             chunk, "application/octet-stream");
    };
    // A blob of one chunk: one request, complete.
    const QByteArray small = randomBytes(300 * 1024, 51);
    test::Answer a = byName(small, 0, small);
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("complete")).toBool(), qPrintable(a.describe()));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), 1);
    // Bad first chunks leave nothing behind: not at 0, empty, longer than the size, no size.
    const QByteArray big = randomBytes(1536 * 1024, 52);
    QCOMPARE(byName(big, 1000, big.mid(1000, 1000)).errorCode(), QStringLiteral("wrong_offset"));
    QCOMPARE(byName(big, 0, QByteArray()).errorCode(), QStringLiteral("invalid_input"));
    QCOMPARE(byName(big, 0, big.left(2000), 1000).errorCode(), QStringLiteral("size_mismatch"));
    QCOMPARE(m_kiosk->call("PUT", QStringLiteral("/api/v1/halls/swzx/blobs/sha256/%1?offset=0").arg(hashOf(big)), big.left(10),
                           "application/octet-stream").errorCode(), QStringLiteral("invalid_input"));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs")), 1);
    QCOMPARE(filesIn(QStringLiteral("blobs")), 1);
    // Several chunks by name; the session is the one POST finds, with its offset.
    a = byName(big, 0, big.left(1024 * 1024));
    QVERIFY2(a.status == 200 && !a.body.value(QStringLiteral("complete")).toBool(), qPrintable(a.describe()));
    const test::Answer s = start(hashOf(big), big.size());
    QCOMPARE(s.body.value(QStringLiteral("offset")).toInteger(), 1024 * 1024);
    QCOMPARE(byName(big, 0, big.left(1000)).body.value(QStringLiteral("error")).toObject().value(QStringLiteral("offset")).toInteger(), 1024 * 1024);
    QCOMPARE(byName(big, 1024 * 1024, big.mid(1024 * 1024), big.size() + 1).errorCode(), QStringLiteral("size_mismatch"));
    a = byName(big, 1024 * 1024, big.mid(1024 * 1024));
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("complete")).toBool(), qPrintable(a.describe()));
    // Wrong bytes by name are discarded as by id.
    QByteArray bad = randomBytes(1000, 53);
    a = m_kiosk->call("PUT", QStringLiteral("/api/v1/halls/swzx/blobs/sha256/%1?size=1000&offset=0").arg(hashOf(small.left(1000))), bad,
                      "application/octet-stream");
    QCOMPARE(a.errorCode(), QStringLiteral("hash_mismatch"));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs")), 2);
}

void TstServerBlobs::materialWaitsForItsBlobs()
{
    const QByteArray page1 = randomBytes(300 * 1024, 21), page2 = randomBytes(200 * 1024, 22);
    QVERIFY(upload(page1).body.value(QStringLiteral("complete")).toBool());
    const QJsonObject data = material(QStringLiteral("m-1"), {blobJson(QStringLiteral("sha256"), hashOf(page1), page1.size()),
                                                              blobJson(QStringLiteral("sha256"), hashOf(page2), page2.size())});
    // page2 is not there yet: the entry waits, unapplied, and the sequence stays.
    test::Answer a = push(1, data);
    QVERIFY2(a.status == 200, qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("lastSeq")).toInt(), 0);
    QVERIFY(a.body.value(QStringLiteral("outcomes")).toArray().isEmpty());
    const QJsonObject waiting = a.body.value(QStringLiteral("waiting")).toObject();
    QCOMPARE(waiting.value(QStringLiteral("code")).toString(), QStringLiteral("blobs_missing"));
    QCOMPARE(waiting.value(QStringLiteral("blobs")).toArray().size(), 1);
    QCOMPARE(waiting.value(QStringLiteral("blobs")).toArray().at(0).toObject().value(QStringLiteral("hash")).toString(), hashOf(page2));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM materials")), 0);
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM sync_outcomes")), 0);
    // Half of page2 is not enough either.
    const test::Answer s = start(hashOf(page2), page2.size());
    QCOMPARE(put(s.body.value(QStringLiteral("upload")).toString(), 0, page2.left(1000)).status, 200);
    QVERIFY(push(1, data).body.contains(QStringLiteral("waiting")));
    QVERIFY(upload(page2).body.value(QStringLiteral("complete")).toBool());
    a = push(1, data);
    QVERIFY2(a.status == 200 && !a.body.contains(QStringLiteral("waiting")), qPrintable(a.describe()));
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blob_refs WHERE kind = 'material' AND entity_key = 'm-1'")), 2);
    // The same material again under a new entry: rejected, and the sequence moves on.
    a = push(2, data);
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("already_exists"));
    // Bad material data is a permanent rejection, not a wait.
    QJsonObject bad = material(QStringLiteral("m-2"), {blobJson(QStringLiteral("sha256"), QStringLiteral("xyz"), 1)});
    a = push(3, bad);
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_input"));
}

void TstServerBlobs::downloadOnlyThroughARecordOfTheHall()
{
    const QByteArray page = randomBytes(300 * 1024, 31), unreferenced = randomBytes(1000, 32);
    QVERIFY(upload(page).body.value(QStringLiteral("complete")).toBool());
    QVERIFY(upload(unreferenced).body.value(QStringLiteral("complete")).toBool());
    const QString hash = hashOf(page);
    // Complete but referenced by nothing: not readable by anyone.
    QCOMPARE(download(*m_kiosk, hash, QStringLiteral("material/m-9")).status, 404);
    QVERIFY(push(1, material(QStringLiteral("m-9"), {blobJson(QStringLiteral("sha256"), hash, page.size())}))
                .body.value(QStringLiteral("lastSeq")).toInt() == 1);
    Bytes b = download(*m_kiosk, hash, QStringLiteral("material/m-9"));
    QCOMPARE(b.status, 200);
    QVERIFY(b.data == page);
    // An officer of the hall reads it too.
    test::Client officer(m_server->port());
    QVERIFY(officer.signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026")));
    QCOMPARE(download(officer, hash, QStringLiteral("material/m-9")).data.size(), page.size());
    // Through a record that does not reference it, or with no record: refused.
    QCOMPARE(download(*m_kiosk, hashOf(unreferenced), QStringLiteral("material/m-9")).status, 404);
    QCOMPARE(download(*m_kiosk, hash, QString()).status, 400);
    // Another hall's account: not its hall, and its own hall has no record of it.
    test::Client other(m_server->port());
    QVERIFY(other.signIn(QStringLiteral("kiosk-other"), QStringLiteral("other-kiosk-2026")));
    QCOMPARE(download(other, hash, QStringLiteral("material/m-9")).status, 403);
    QCOMPARE(download(other, hash, QStringLiteral("material/m-9"), QStringLiteral("other")).status, 404);
    // Roles without blobs (the display) may not read them.
    test::Client display(m_server->port());
    QVERIFY(display.signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026")));
    QCOMPARE(download(display, hash, QStringLiteral("material/m-9")).status, 403);
}

void TstServerBlobs::downloadStreamsALargeBlob()
{
    const QByteArray big = randomBytes(12 * 1024 * 1024, 41);
    const test::Answer done = upload(big, 1024 * 1024);
    QVERIFY2(done.body.value(QStringLiteral("complete")).toBool(), qPrintable(done.describe()));
    QCOMPARE(push(1, material(QStringLiteral("m-big"), {blobJson(QStringLiteral("sha256"), hashOf(big), big.size())}))
                 .body.value(QStringLiteral("lastSeq")).toInt(), 1);
    const Bytes b = download(*m_kiosk, hashOf(big), QStringLiteral("material/m-big"));
    QCOMPARE(b.status, 200);
    QCOMPARE(b.data.size(), big.size());
    QVERIFY(b.data == big);
    // The connection stays usable: a JSON request after the download is answered.
    QCOMPARE(m_kiosk->get(QStringLiteral("/api/v1/health")).status, 200);
}

QList<QNetworkReply *> TstServerBlobs::putAll(const QList<QByteArray> &blobs)
{
    QList<QNetworkReply *> out;
    for (const QByteArray &b : blobs) {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/halls/swzx/blobs/sha256/%2?size=%3&offset=0")
                                     .arg(m_server->port()).arg(hashOf(b)).arg(b.size())));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
        req.setRawHeader("Authorization", "Bearer " + m_kiosk->token.toLatin1());
        out.append(m_nam.put(req, b));
    }
    return out;
}

test::Answer TstServerBlobs::answer(QNetworkReply *reply)
{
    if (!reply->isFinished())
        (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000); // a reply not in by then fails the check on it
    test::Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return a;
}

QString TstServerBlobs::blobPath(const QByteArray &data)
{
    const QString hash = hashOf(data);
    return QFileInfo(m_server->dir.filePath(QStringLiteral("blobs/1/sha256/%1/%2").arg(hash.left(2), hash))).absoluteFilePath();
}

// The blobs verified in one turn of the server's loop go in one batch: each file and folder
// synced once, none of them complete (nor usable by a material) before, all of them answered
// complete after. A folder made for an upload is synced again by every batch until one has
// synced it (here the first batch is held on the disk).
void TstServerBlobs::blobsVerifiedInOneTurnAreMadeDurableTogether()
{
    struct Gate
    {
        QMutex lock;
        QWaitCondition opened;
        bool open = false;
        QList<QPair<QString, bool>> calls; // path, fdatasync (else fsync), as each sync starts
    };
    auto gate = std::make_shared<Gate>();
    m_server->server->blobs().setSyncPath([gate](const QString &path, bool dataOnly) {
        QMutexLocker l(&gate->lock);
        gate->calls.append({QFileInfo(path).absoluteFilePath(), dataOnly});
        while (!gate->open)
            gate->opened.wait(&gate->lock);
        return QString();
    });
    const auto calls = [gate] {
        QMutexLocker l(&gate->lock);
        return gate->calls;
    };
    const auto open = [gate] {
        QMutexLocker l(&gate->lock);
        gate->open = true;
        gate->opened.wakeAll();
    };
    const auto openOnFailure = qScopeGuard(open); // a failed check must not leave the workers waiting

    const QByteArray first = randomBytes(300 * 1024, 61);
    QList<QByteArray> rest;
    for (int i = 0; i < 5; ++i)
        rest.append(randomBytes(100 * 1024 + i, 62 + i));
    QList<QNetworkReply *> replies = putAll({first});
    QVERIFY(QTest::qWaitFor([&] { return !calls().isEmpty(); }, 10000));
    QTest::qWait(200); // the rest of the first batch's syncs start too
    // Verified, not yet durable: not complete, and a material that needs it waits.
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), 0);
    const QJsonObject data = material(QStringLiteral("m-1"), {blobJson(QStringLiteral("sha256"), hashOf(first), first.size())});
    test::Answer a = push(1, data);
    QVERIFY2(a.status == 200 && a.body.value(QStringLiteral("waiting")).toObject().value(QStringLiteral("code")).toString() == QStringLiteral("blobs_missing"),
             qPrintable(a.describe()));

    const QList<QPair<QString, bool>> firstBatch = calls();
    QVERIFY(firstBatch.contains(qMakePair(blobPath(first), true)));
    QVERIFY(firstBatch.contains(qMakePair(QFileInfo(blobPath(first)).absolutePath(), false)));
    // Five more, all in one turn: this thread (the server's) sleeps while the client's
    // network thread sends them, so they are all there when its loop next looks.
    replies += putAll(rest);
    QThread::msleep(1500);
    QVERIFY(QTest::qWaitFor([&] { return rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'uploading'")) == 6; }, 10000));
    QVERIFY(QTest::qWaitFor([&] { return calls().size() > firstBatch.size(); }, 10000));
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), 0);
    open();
    for (QNetworkReply *r : std::as_const(replies)) {
        const test::Answer done = answer(r);
        QVERIFY2(done.status == 200 && done.body.value(QStringLiteral("complete")).toBool(), qPrintable(done.describe()));
    }
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), 6);

    // The five went in one batch: each file fdatasynced once, each folder fsynced once, the
    // folders made for the first one (held) among them.
    const QList<QPair<QString, bool>> second = calls().mid(firstBatch.size());
    QSet<QString> files, folders;
    for (const auto &c : second) {
        QVERIFY2(!files.contains(c.first) && !folders.contains(c.first), qPrintable(c.first + QStringLiteral(" synced twice in a batch")));
        (c.second ? files : folders).insert(c.first);
    }
    QSet<QString> expected, expectedFolders;
    for (const QByteArray &b : std::as_const(rest)) {
        expected.insert(blobPath(b));
        expectedFolders.insert(QFileInfo(blobPath(b)).absolutePath());
    }
    QCOMPARE(files, expected);
    QVERIFY(folders.contains(expectedFolders));
    QVERIFY(folders.contains(QFileInfo(m_server->dir.filePath(QStringLiteral("blobs/1/sha256"))).absoluteFilePath()));
    a = push(1, data);
    QCOMPARE(a.body.value(QStringLiteral("outcomes")).toArray().at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("applied"));
}

void TstServerBlobs::aFailedSyncAnswersAnErrorForItsBlobs_data()
{
    QTest::addColumn<QString>("fails");
    QTest::newRow("the blob's file") << QStringLiteral("file");
    QTest::newRow("the blob's folder") << QStringLiteral("folder");
    QTest::newRow("a folder made for the upload") << QStringLiteral("made");
}

// A blob whose file or folders could not be synced is not complete: its upload answers 503 and
// stays, the other blobs of the batch complete, and the client's retry syncs again (a folder
// made for an upload included) before the blob counts.
void TstServerBlobs::aFailedSyncAnswersAnErrorForItsBlobs()
{
    QFETCH(QString, fails);
    const QByteArray warmUp = randomBytes(1000, 70);
    if (fails != QLatin1String("made")) // the hall's folders exist and are synced already
        QVERIFY(answer(putAll({warmUp}).at(0)).body.value(QStringLiteral("complete")).toBool());
    const QList<QByteArray> blobs{randomBytes(200 * 1024, 71), randomBytes(200 * 1024, 72), randomBytes(200 * 1024, 73)};
    const QString failing = fails == QLatin1String("file")     ? blobPath(blobs.at(1))
                            : fails == QLatin1String("folder") ? QFileInfo(blobPath(blobs.at(1))).absolutePath()
                                                               : QFileInfo(m_server->dir.filePath(QStringLiteral("blobs/1/sha256"))).absoluteFilePath();
    struct Hook
    {
        QMutex lock;
        int failures = 1;
        int syncsOfFailing = 0;
    };
    auto hook = std::make_shared<Hook>();
    m_server->server->blobs().setSyncPath([hook, failing](const QString &path, bool) {
        QMutexLocker l(&hook->lock);
        if (QFileInfo(path).absoluteFilePath() != failing)
            return QString();
        ++hook->syncsOfFailing;
        return hook->failures-- > 0 ? QStringLiteral("%1: Input/output error").arg(path) : QString();
    });

    QList<test::Answer> answers;
    for (QNetworkReply *r : putAll(blobs))
        answers.append(answer(r));
    int failed = 0;
    for (int i = 0; i < blobs.size(); ++i) {
        const test::Answer &a = answers.at(i);
        const QString state = [&] {
            QSqlQuery q(m_server->db->connection());
            q.prepare(QStringLiteral("SELECT state FROM blobs WHERE hash = ?"));
            q.addBindValue(hashOf(blobs.at(i)));
            return q.exec() && q.next() ? q.value(0).toString() : QString();
        }();
        if (a.status == 200) {
            QVERIFY2(a.body.value(QStringLiteral("complete")).toBool(), qPrintable(a.describe()));
            QCOMPARE(state, QStringLiteral("complete"));
            continue;
        }
        ++failed;
        QCOMPARE(a.status, 503);
        QCOMPARE(a.errorCode(), QStringLiteral("storage_unavailable"));
        QCOMPARE(state, QStringLiteral("uploading")); // not complete, the bytes kept for the retry
        // The retry: the server has every byte, the empty last chunk verifies and syncs again.
        const test::Answer s = start(hashOf(blobs.at(i)), blobs.at(i).size());
        QCOMPARE(s.body.value(QStringLiteral("offset")).toInteger(), blobs.at(i).size());
        const test::Answer done = put(s.body.value(QStringLiteral("upload")).toString(), blobs.at(i).size(), QByteArray());
        QVERIFY2(done.status == 200 && done.body.value(QStringLiteral("complete")).toBool(), qPrintable(done.describe()));
    }
    if (fails != QLatin1String("made"))
        QCOMPARE(answers.at(1).status, 503);
    QVERIFY(failed >= 1); // made: at least the blob whose batch synced the new folders first
    QMutexLocker l(&hook->lock);
    QVERIFY2(hook->syncsOfFailing >= 2, "synced again before the retried blob counted");
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM blobs WHERE state = 'complete'")), blobs.size() + (fails == QLatin1String("made") ? 0 : 1));
}

QTEST_GUILESS_MAIN(TstServerBlobs)
#include "tst_server_blobs.moc"
