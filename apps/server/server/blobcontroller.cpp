#include "blobcontroller.h"

#include "commit.h"
#include "httpcore.h"

#include <core/jsonreader.h>
#include <core/logging.h>
#include <security/crypto.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QUuid>

#include <atomic>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace hall::server {

using security::crypto::Digest;

// An upload session in memory: how many bytes the file holds and the digest over them. Made
// again from the file after a restart, so the offset is what is on disk.
struct BlobController::Upload
{
    BlobRecord record;
    qint64 received = 0;
    Digest digest;
};

// A blob verified on the server's thread, waiting to be made durable: its file and the folder
// holding it; its reply waits with it.
struct BlobController::Verified
{
    Deferred deferred;
    BlobRecord done;
    QString file;
    QString folder;
};

// Blobs made durable together: every distinct path synced once, all at the same time on the
// workers; `left` counts the syncs still running, the last one to end answers the blobs.
struct BlobController::SyncBatch
{
    QList<Verified> blobs;
    QStringList paths;       // the files first (fdatasync), then the folders (fsync)
    qsizetype files = 0;
    std::vector<QString> errors; // per path, empty when durable (each written by its own worker)
    QHash<QString, quint64> madeFolders; // m_unsyncedFolders as the batch began
    std::atomic<qsizetype> left{0};
};

// The blob rows the requests of one turn changed; the cache of pending rows is dropped after
// the commit either way (the database or the next request is then the truth).
class BlobWrite final : public PendingWrite
{
public:
    explicit BlobWrite(BlobController *c) : m_c(c) {}

    bool write(QString *error) override
    {
        for (const BlobRecord &b : std::as_const(rows)) {
            if (!(b.state.isEmpty() ? m_c->m_store->deleteBlob(b.hallId, b.id, error) : m_c->m_store->writeBlob(b, error)))
                return false;
        }
        return true;
    }
    void committed() override { m_c->m_pending.clear(); }
    void rolledBack() override { m_c->m_pending.clear(); }

    QList<BlobRecord> rows; // state empty: delete the upload's row

private:
    BlobController *m_c;
};

namespace {

// fsync of a path (a completed blob's file, or a folder whose entries changed), opened read-only.
QString syncPath(const QString &path, bool dataOnly)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
    const int rc = dataOnly ? ::fdatasync(fd) : ::fsync(fd);
    const int err = errno;
    ::close(fd);
    return rc == 0 ? QString() : QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(err)));
}

QString pendingKey(qint64 hallId, const BlobId &id)
{
    return QString::number(hallId) + u'/' + id.key();
}

Reply storageFailed()
{
    return errorReply(503, QStringLiteral("storage_unavailable"), BlobController::tr("The blob store could not be read or written; try again."));
}

} // namespace

BlobController::BlobController(BlobStore *store, QString folder)
    : m_store(store), m_folder(std::move(folder)), m_syncPath(syncPath), m_syncers(std::make_unique<QThreadPool>())
{
    // Threads that wait for the disk, not for a core: several blobs' syncs overlap.
    m_syncers->setMaxThreadCount(8);
}

BlobController::~BlobController()
{
    m_syncers->waitForDone();
}

void BlobController::registerRoutes(RouteScope &routes)
{
    routes.post(QStringLiteral("uploads"), [this](RequestContext &c) { return start(c); });
    Route &byId = routes.put(QStringLiteral("uploads/{}"), [this](RequestContext &c) { return chunk(c); });
    byId.rawBody = true;
    byId.maxBodyBytes = MaxChunk;
    Route &byName = routes.put(QStringLiteral("{}/{}"), [this](RequestContext &c) { return put(c); });
    byName.rawBody = true;
    byName.maxBodyBytes = MaxChunk;
    // Scanned materials are personal data: every download is audited.
    routes.get(QStringLiteral("{}/{}"), [this](RequestContext &c) { return download(c); }).auditRead = true;
}

bool BlobController::validId(const BlobId &id)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return Digest::fromName(id.algorithm) && hex.match(id.hash).hasMatch();
}

QString BlobController::pathOf(qint64 hallId, const BlobId &id) const
{
    return QStringLiteral("%1/%2/%3/%4/%5").arg(m_folder).arg(hallId).arg(id.algorithm, id.hash.left(2), id.hash);
}

BlobWrite &BlobController::write(CommitBatch &batch)
{
    auto &w = batch.slot<BlobWrite>(QStringLiteral("blobs"), [this] { return std::make_unique<BlobWrite>(this); });
    batch.touch();
    return w;
}

QJsonObject BlobController::state(const BlobRecord &record, qint64 offset)
{
    QJsonObject o{{QStringLiteral("algorithm"), record.id.algorithm}, {QStringLiteral("hash"), record.id.hash},
                  {QStringLiteral("size"), record.size}, {QStringLiteral("offset"), offset},
                  {QStringLiteral("complete"), record.complete()}, {QStringLiteral("chunkBytes"), MaxChunk}};
    if (!record.complete())
        o.insert(QStringLiteral("upload"), record.uploadId);
    return o;
}

std::optional<QList<BlobId>> BlobController::missing(qint64 hallId, const QList<BlobId> &ids)
{
    QList<BlobId> out;
    for (const BlobId &id : ids) {
        if (const auto p = m_pending.constFind(pendingKey(hallId, id)); p != m_pending.constEnd()) {
            if (!p->complete())
                out.append(id);
            continue;
        }
        QString err;
        const auto b = m_store->blob(hallId, id, &err);
        if (!err.isEmpty())
            return std::nullopt;
        if (!b || !b->complete())
            out.append(id);
    }
    return out;
}

// The session of an upload row, from memory or made again from its file.
BlobController::Upload *BlobController::session(const BlobRecord &record, QString *error)
{
    if (const auto it = m_uploads.constFind(record.uploadId); it != m_uploads.constEnd())
        return it->get();
    auto u = std::make_shared<Upload>(Upload{record, 0, Digest(*Digest::fromName(record.id.algorithm))});
    QFile f(pathOf(record.hallId, record.id));
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly)) {
            *error = f.errorString();
            return nullptr;
        }
        QByteArray piece;
        while (!(piece = f.read(64 * 1024)).isEmpty()) {
            u->digest.addData(piece);
            u->received += piece.size();
        }
    }
    if (u->received > record.size) { // cannot happen unless the file was touched: start over
        u->received = 0;
        u->digest = Digest(*Digest::fromName(record.id.algorithm));
        QFile::remove(f.fileName());
    }
    return m_uploads.insert(record.uploadId, u)->get();
}

Reply BlobController::start(RequestContext &c)
{
    if (m_folder.isEmpty())
        return errorReply(503, QStringLiteral("blobs_unavailable"), tr("This server has no blob folder configured."));
    core::JsonReader r(c.body);
    const BlobId id{r.string(QStringLiteral("algorithm"), true), r.string(QStringLiteral("hash"), true)};
    const qint64 size = r.int64(QStringLiteral("size"), 0, true);
    if (!r.finish())
        return invalid(r.error());
    if (!validId(id))
        return invalid(tr("algorithm: sha256 or sm3; hash: its 64 lower-case hex digits."));
    if (size < 1 || size > MaxBlob)
        return invalid(tr("size: 1 to %1 bytes.").arg(MaxBlob));

    bool failed = false;
    const std::optional<BlobRecord> existing = current(c.hallId, id, &failed);
    if (failed)
        return storageFailed();
    if (existing && existing->size != size)
        return sizeMismatch(existing->size, size);
    if (existing && existing->complete())
        return ok(state(*existing, existing->size));
    if (existing) {
        // The session of an earlier, broken upload: the client resumes from its offset.
        QString err;
        Upload *u = session(*existing, &err);
        if (!u)
            return storageFailed();
        return ok(state(*existing, u->received));
    }
    return ok(state(newUpload(c, id, size), 0), 201);
}

Reply BlobController::chunk(RequestContext &c)
{
    QString err;
    const QString uploadId = c.params.value(1);
    std::optional<BlobRecord> record = m_store->upload(uploadId, &err);
    if (!err.isEmpty())
        return storageFailed();
    if (record) {
        // What this turn's batch holds for the blob (the completion of a retry) comes first.
        if (const auto p = m_pending.constFind(pendingKey(record->hallId, record->id)); p != m_pending.constEnd())
            record = p->state.isEmpty() ? std::nullopt : std::optional<BlobRecord>(*p);
    }
    if (!record || record->hallId != c.hallId)
        return errorReply(404, QStringLiteral("unknown_upload"),
                          tr("There is no upload %1 in this hall (it was discarded or never started); start one with POST blobs/uploads.").arg(uploadId));
    return append(c, *record);
}

// PUT by the blob's name: the first chunk starts the upload (one request and one commit for a
// blob of one chunk), later ones continue it like PUT uploads/{id}.
Reply BlobController::put(RequestContext &c)
{
    if (m_folder.isEmpty())
        return errorReply(503, QStringLiteral("blobs_unavailable"), tr("This server has no blob folder configured."));
    const BlobId id{c.params.value(1), c.params.value(2)};
    if (!validId(id))
        return invalid(tr("The path names a blob as {algorithm}/{hash}: sha256 or sm3 and 64 lower-case hex digits."));
    bool okSize = false, okOffset = false;
    const qint64 size = c.query.queryItemValue(QStringLiteral("size")).toLongLong(&okSize);
    const qint64 offset = c.query.queryItemValue(QStringLiteral("offset")).toLongLong(&okOffset);
    if (!okSize || size < 1 || size > MaxBlob)
        return invalid(tr("size: 1 to %1 bytes.").arg(MaxBlob));
    if (!okOffset)
        return invalid(tr("offset: the position of this chunk in the blob, a whole number."));
    bool failed = false;
    std::optional<BlobRecord> record = current(c.hallId, id, &failed);
    if (failed)
        return storageFailed();
    if (record && record->size != size)
        return sizeMismatch(record->size, size);
    if (!record) {
        // Checked before the session exists, so bad input leaves nothing behind.
        if (offset != 0)
            return wrongOffset(0, offset);
        if (c.raw.isEmpty())
            return invalid(tr("The chunk is empty."));
        if (c.raw.size() > size)
            return errorReply(400, QStringLiteral("size_mismatch"),
                              tr("The blob was announced with %1 bytes; this chunk would end at %2.").arg(size).arg(c.raw.size()));
        record = newUpload(c, id, size);
    }
    return append(c, *record);
}

// The blob's row: what this turn's batch holds for it first, then the database.
std::optional<BlobRecord> BlobController::current(qint64 hallId, const BlobId &id, bool *failed)
{
    if (const auto p = m_pending.constFind(pendingKey(hallId, id)); p != m_pending.constEnd())
        return p->state.isEmpty() ? std::nullopt : std::optional<BlobRecord>(*p);
    QString err;
    std::optional<BlobRecord> b = m_store->blob(hallId, id, &err);
    *failed = !err.isEmpty();
    return b;
}

Reply BlobController::sizeMismatch(qint64 size, qint64 asked)
{
    return errorReply(409, QStringLiteral("size_mismatch"),
                      tr("This blob is %1 bytes (or an upload of it with that size is under way), not %2.").arg(size).arg(asked));
}

Reply BlobController::wrongOffset(qint64 received, qint64 offset)
{
    Reply reply = errorReply(409, QStringLiteral("wrong_offset"),
                             tr("The server has %1 bytes of this blob; send from there, not from %2.").arg(received).arg(offset));
    QJsonObject e = reply.body.value(QStringLiteral("error")).toObject();
    e.insert(QStringLiteral("offset"), received);
    reply.body.insert(QStringLiteral("error"), e);
    return reply;
}

// Makes the folders of `folder` that are missing; returns the ones whose entries changed (the
// parents of what was made), to be synced with the blob that needed them.
QStringList BlobController::makeFolders(const QString &folder)
{
    if (QFileInfo::exists(folder))
        return {};
    QStringList changed;
    for (QString f = folder; !QFileInfo::exists(f) && f.size() > m_folder.size(); f = QFileInfo(f).absolutePath())
        changed.append(QFileInfo(f).absolutePath());
    QDir().mkpath(folder);
    return changed;
}

BlobRecord BlobController::newUpload(RequestContext &c, const BlobId &id, qint64 size)
{
    BlobRecord b;
    b.hallId = c.hallId;
    b.id = id;
    b.size = size;
    b.state = QStringLiteral("uploading");
    b.uploadId = QUuid::createUuid().toString(QUuid::Id128);
    b.accountId = c.actor();
    b.createdAt = QDateTime::currentDateTime();
    QFile::remove(pathOf(c.hallId, id)); // a file no row knows is left from a discarded upload
    m_pending.insert(pendingKey(c.hallId, id), b);
    write(*c.batch).rows.append(b);
    return b;
}

// A chunk of `record`'s upload at ?offset=: checked, written, hashed; the last one verifies.
Reply BlobController::append(RequestContext &c, const BlobRecord &current)
{
    QString err;
    const BlobRecord *record = &current;
    if (record->complete())
        return ok(state(*record, record->size)); // a retry after a lost reply: nothing to do
    bool okOffset = false;
    const qint64 offset = c.query.queryItemValue(QStringLiteral("offset")).toLongLong(&okOffset);
    if (!okOffset)
        return invalid(tr("offset: the position of this chunk in the blob, a whole number."));
    Upload *u = session(*record, &err);
    if (!u)
        return storageFailed();
    if (offset != u->received)
        return wrongOffset(u->received, offset);
    if (offset + c.raw.size() > record->size)
        return errorReply(400, QStringLiteral("size_mismatch"),
                          tr("The blob was announced with %1 bytes; this chunk would end at %2.").arg(record->size).arg(offset + c.raw.size()));
    if (c.raw.isEmpty() && offset < record->size)
        return invalid(tr("The chunk is empty."));

    if (!c.raw.isEmpty()) {
        const QString path = pathOf(record->hallId, record->id);
        const QStringList made = makeFolders(QFileInfo(path).absolutePath());
        QFile f(path);
        // Offsets are acknowledged from the page cache: after a crash the session's offset is
        // the file as it is on disk, and a client always asks for the offset before it resumes.
        // A verified blob's file (and its folder) is made durable before it counts, below.
        const bool written = f.open(QIODevice::ReadWrite) && f.resize(offset) && f.seek(offset) && f.write(c.raw) == c.raw.size() && f.flush();
        for (const QString &m : made)
            m_unsyncedFolders.insert(m, ++m_folderChanges);
        if (!written) {
            qCWarning(lcServer) << "blob chunk not written:" << f.errorString();
            f.resize(offset);
            return storageFailed();
        }
        u->digest.addData(c.raw);
        u->received += c.raw.size();
    }
    if (u->received < record->size)
        return ok(state(*record, u->received));

    const QByteArray digest = u->digest.result().toHex();
    BlobRecord done = *record;
    if (digest != record->id.hash.toLatin1()) {
        // Not the bytes that were announced: nothing of them counts, the client starts over.
        QFile::remove(pathOf(record->hallId, record->id));
        m_uploads.remove(record->uploadId);
        done.state.clear();
        m_pending.insert(pendingKey(done.hallId, done.id), done);
        write(*c.batch).rows.append(done);
        return errorReply(422, QStringLiteral("hash_mismatch"),
                          tr("The %1 bytes received have the %2 hash %3, not the one announced; the upload was discarded, start it again.")
                              .arg(record->size).arg(record->id.algorithm, QString::fromLatin1(digest)));
    }
    done.state = QStringLiteral("complete");
    // The blob counts only once its file and the folders that gained it are on disk: with the
    // others verified in this turn, at its end (makeDurable()) — when the turn's changes are
    // committed, just before, so the syncs overlap the commit's fsync; otherwise on the next
    // pass of the loop.
    const QString path = pathOf(done.hallId, done.id);
    m_verified.append(Verified{c.defer(), done, path, QFileInfo(path).absolutePath()});
    HttpCore *core = c.core;
    if (!m_flushHooked) {
        m_flushHooked = true;
        core->addFlushHook([this, core] { makeDurable(core); });
    }
    if (m_verified.size() == 1)
        QMetaObject::invokeMethod(core, [this, core] { makeDurable(core); }, Qt::QueuedConnection);
    return later();
}

// Makes the blobs verified in this turn durable together: every file's fdatasync and every
// distinct folder's fsync (the blobs' folders, and every folder made for an upload that no
// batch has synced yet) at the same time on the workers — none needs another done first, and
// all are done before any blob of the batch counts; their answers then share one commit. A
// batch does not wait for another still on the disk: on this kind of disk concurrent flushes
// merge, and waiting added latency (docs/performance.md, "Blobs"). Not syncfs(2): it writes
// every dirty page of the filesystem (the database's, other programs') and does not reliably
// report one file's error.
void BlobController::makeDurable(HttpCore *core)
{
    if (m_verified.isEmpty())
        return;
    auto batch = std::make_shared<SyncBatch>();
    batch->blobs = std::exchange(m_verified, {});
    batch->madeFolders = m_unsyncedFolders;
    QSet<QString> folders(m_unsyncedFolders.keyBegin(), m_unsyncedFolders.keyEnd());
    for (const Verified &v : std::as_const(batch->blobs)) {
        if (!batch->paths.contains(v.file))
            batch->paths.append(v.file);
        folders.insert(v.folder);
    }
    batch->files = batch->paths.size();
    batch->paths += folders.values();
    batch->errors.resize(std::size_t(batch->paths.size()));
    batch->left = batch->paths.size();
    for (qsizetype i = 0; i < batch->paths.size(); ++i) {
        m_syncers->start([this, core, batch, i] {
            batch->errors[std::size_t(i)] = m_syncPath(batch->paths.at(i), i < batch->files);
            if (--batch->left == 0)
                QMetaObject::invokeMethod(core, [this, batch] { madeDurable(batch); }, Qt::QueuedConnection);
        });
    }
}

// On the server's thread when a batch's syncs have ended: each blob is answered (its file and
// folders durable: complete; otherwise an error).
void BlobController::madeDurable(const std::shared_ptr<SyncBatch> &batch)
{
    const auto errorOf = [&batch](const QString &path) { return batch->errors[std::size_t(batch->paths.indexOf(path))]; };
    QString folderFailed; // a folder made for an upload: nothing of this batch counts, it is synced again with the next
    for (auto f = batch->madeFolders.cbegin(); f != batch->madeFolders.cend(); ++f) {
        if (const QString e = errorOf(f.key()); !e.isEmpty())
            folderFailed = e;
        else if (m_unsyncedFolders.value(f.key()) == f.value()) // unless it changed again since the sync began
            m_unsyncedFolders.remove(f.key());
    }
    for (const Verified &v : std::as_const(batch->blobs)) {
        QString failed = errorOf(v.file);
        if (failed.isEmpty())
            failed = errorOf(v.folder);
        if (failed.isEmpty())
            failed = folderFailed;
        v.deferred.finish([this, done = v.done, failed](CommitBatch &commit) { return completed(commit, done, failed); });
    }
}

// Back on the server's thread once a verified blob's file is durable (or could not be made so:
// the upload stays, and the client's retry finds its bytes, verifies them and syncs again).
Reply BlobController::completed(CommitBatch &batch, BlobRecord done, const QString &syncFailed)
{
    m_uploads.remove(done.uploadId); // the file is whole; a failed commit rebuilds the session from it
    if (!syncFailed.isEmpty()) {
        qCWarning(lcServer) << "blob file not made durable:" << syncFailed;
        return storageFailed();
    }
    done.completedAt = QDateTime::currentDateTime();
    m_pending.insert(pendingKey(done.hallId, done.id), done);
    write(batch).rows.append(done);
    return ok(state(done, done.size));
}

Reply BlobController::download(RequestContext &c)
{
    const BlobId id{c.params.value(1), c.params.value(2)};
    if (!validId(id))
        return invalid(tr("The path names a blob as {algorithm}/{hash}: sha256 or sm3 and 64 lower-case hex digits."));
    const QString record = c.query.queryItemValue(QStringLiteral("record"), QUrl::FullyDecoded); // "/" may come as %2F
    const qsizetype slash = record.indexOf(u'/');
    if (slash <= 0 || slash == record.size() - 1)
        return invalid(tr("record: the record the blob is fetched through, as kind/key (e.g. material/…); a blob is only ever read through one."));
    QString err;
    const bool referenced = m_store->isReferenced(c.hallId, id, record.left(slash), record.mid(slash + 1), &err);
    const std::optional<BlobRecord> b = referenced ? m_store->blob(c.hallId, id, &err) : std::nullopt;
    if (!err.isEmpty())
        return storageFailed();
    // The same answer whether the blob exists or not: nobody learns of blobs they may not read.
    if (!b || !b->complete())
        return errorReply(404, QStringLiteral("not_found"), tr("No record %1 of this hall references this blob.").arg(record));
    auto file = std::make_shared<QFile>(pathOf(c.hallId, id));
    if (!file->open(QIODevice::ReadOnly) || file->size() != b->size) {
        qCCritical(lcServer) << "blob file missing or damaged:" << file->fileName();
        return storageFailed();
    }
    Reply reply;
    reply.stream = std::move(file);
    reply.streamSize = b->size;
    return reply;
}

} // namespace hall::server
