#include "pinyinengine.h"

#include <core/logging.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLibrary>
#include <QStandardPaths>

#include <rime_api.h>

namespace hall::ui {

namespace {

constexpr auto SchemaId = "luna_pinyin_simp";

// X11 keysyms, as librime takes them.
constexpr int KeyBackSpace = 0xff08;
constexpr int KeyReturn = 0xff0d;
constexpr int KeyPageUp = 0xff55;
constexpr int KeyPageDown = 0xff56;

// What the build leaves in <data>/build (modules/ui/CMakeLists.txt); without these librime
// would start but find no schema.
const char *const RequiredFiles[] = {"build/default.yaml", "build/luna_pinyin_simp.schema.yaml",
                                     "build/luna_pinyin.table.bin", "build/luna_pinyin_simp.prism.bin"};

// librime keeps one deployer and one service per process: set up once, initialized for one data
// folder at a time (another folder only once no session is left on the first).
struct Runtime
{
    RimeApi *api = nullptr;
    bool setUp = false;
    QString dataDir;        // what librime is initialized with; empty: not initialized
    int sessions = 0;
    QByteArray shared, user, prebuilt, staging;
};

Runtime &runtime()
{
    static Runtime r;
    return r;
}

RimeApi *loadLibrary(QString *error)
{
    const QString name = qEnvironmentVariable("HALL_RIME_LIBRARY");
    // Never unloaded: librime's threads and static state outlive any one engine.
    QLibrary library;
    if (name.isEmpty())
        library.setFileNameAndVersion(QStringLiteral("rime"), 1);
    else
        library.setFileName(name);
    using GetApi = RimeApi *(*)();
    auto getApi = reinterpret_cast<GetApi>(library.resolve("rime_get_api"));
    RimeApi *api = getApi ? getApi() : nullptr;
    if (!api)
        *error = PinyinEngine::tr("librime could not be loaded (%1)").arg(library.errorString());
    return api;
}

QString writableDir()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (base.isEmpty())
        base = QDir::tempPath() + QStringLiteral("/hallsuite");
    const QString dir = base + QStringLiteral("/rime");
    QDir().mkpath(dir);
    return dir;
}

// librime for `dataDir`, or nullptr and the reason.
RimeApi *startRime(const QString &dataDir, QString *error)
{
    Runtime &r = runtime();
    // Looked up for every engine (the library is loaded once; QLibrary counts): a missing
    // library is reported the same way whenever it is asked for.
    r.api = loadLibrary(error);
    if (!r.api)
        return nullptr;
    if (r.dataDir == dataDir)
        return r.api;
    if (!r.dataDir.isEmpty()) {
        if (r.sessions > 0) {
            *error = PinyinEngine::tr("librime is already in use with the pinyin data in %1")
                         .arg(QDir::toNativeSeparators(r.dataDir));
            return nullptr;
        }
        r.api->finalize();
        r.dataDir.clear();
    }
    r.shared = QFile::encodeName(dataDir);
    r.prebuilt = QFile::encodeName(dataDir + QStringLiteral("/build"));
    // The compiled schema is read where it was installed: staging is the same folder, so librime
    // never looks for (or builds) a copy of its own. The user folder stays empty (no user
    // dictionary) but librime wants one it may write.
    r.staging = r.prebuilt;
    r.user = QFile::encodeName(writableDir());
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = r.shared.constData();
    traits.user_data_dir = r.user.constData();
    traits.prebuilt_data_dir = r.prebuilt.constData();
    traits.staging_dir = r.staging.constData();
    traits.distribution_name = "HallSuite";
    traits.distribution_code_name = "hallsuite";
    traits.distribution_version = "1";
    traits.app_name = "rime.hallsuite";
    // Fatal only: librime's info log names the keys it is given.
    traits.min_log_level = 3;
    if (!r.setUp) {
        r.api->setup(&traits);
        r.setUp = true;
    }
    r.api->initialize(&traits);
    r.dataDir = dataDir;
    return r.api;
}

// A damaged schema or prism still opens, and then offers nothing: "ni" must give candidates.
bool givesCandidates(RimeApi *api, RimeSessionId session)
{
    api->process_key(session, 'n', 0);
    api->process_key(session, 'i', 0);
    RIME_STRUCT(RimeContext, context);
    bool found = false;
    if (api->get_context(session, &context)) {
        found = context.menu.num_candidates > 0;
        api->free_context(&context);
    }
    api->clear_composition(session);
    return found;
}

QString fromRime(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

} // namespace

struct PinyinEngine::Private
{
    RimeApi *api = nullptr;
    RimeSessionId session = 0;
    QString error;
    QString preedit;
    QStringList candidates;
    bool previousPage = false;
    bool nextPage = false;
};

PinyinEngine::PinyinEngine(const QString &dataDir, QObject *parent)
    : QObject(parent)
    , d(new Private)
{
    QElapsedTimer timer;
    timer.start();
    const QString dir = QDir::cleanPath(QFileInfo(dataDir.isEmpty() ? defaultDataDir() : dataDir).absoluteFilePath());
    for (const char *file : RequiredFiles) {
        const QString path = dir + QLatin1Char('/') + QLatin1String(file);
        if (!QFileInfo::exists(path)) {
            d->error = tr("the pinyin data is missing (%1)").arg(QDir::toNativeSeparators(path));
            break;
        }
    }
    RimeApi *api = d->error.isEmpty() ? startRime(dir, &d->error) : nullptr;
    if (api) {
        d->session = api->create_session();
        if (!d->session || !api->select_schema(d->session, SchemaId)) {
            d->error = tr("librime could not open the pinyin schema in %1").arg(QDir::toNativeSeparators(dir));
        } else if (!givesCandidates(api, d->session)) {
            d->error = tr("the pinyin data in %1 gives no candidates (damaged?)").arg(QDir::toNativeSeparators(dir));
        }
        if (!d->error.isEmpty()) {
            if (d->session)
                api->destroy_session(d->session);
            d->session = 0;
        } else {
            d->api = api;
            ++runtime().sessions;
        }
    }
    if (d->api)
        qCInfo(lcKeyboard) << "pinyin ready in" << timer.elapsed() << "ms from" << dir;
    else
        qCWarning(lcKeyboard).noquote() << "pinyin unavailable:" << d->error;
}

PinyinEngine::~PinyinEngine()
{
    if (d->api) {
        d->api->destroy_session(d->session);
        --runtime().sessions;
    }
    delete d;
}

QString PinyinEngine::defaultDataDir()
{
    const QString configured = qEnvironmentVariable("HALL_RIME_DATA");
    if (!configured.isEmpty())
        return configured;
    return QCoreApplication::applicationDirPath() + QStringLiteral("/../share/hallsuite/rime");
}

bool PinyinEngine::isAvailable() const
{
    return d->api;
}

QString PinyinEngine::errorString() const
{
    return d->error;
}

bool PinyinEngine::typeLetter(QChar letter)
{
    const char16_t c = letter.toLower().unicode();
    if (!((c >= u'a' && c <= u'z') || c == u',' || c == u'.' || c == u'\''))
        return false;
    return processKey(c);
}

bool PinyinEngine::backspace()
{
    return isComposing() && processKey(KeyBackSpace);
}

bool PinyinEngine::space()
{
    return isComposing() && processKey(u' ');
}

bool PinyinEngine::enter()
{
    return isComposing() && processKey(KeyReturn);
}

void PinyinEngine::clear()
{
    if (!d->api || !isComposing())
        return;
    d->api->clear_composition(d->session);
    refresh();
}

bool PinyinEngine::isComposing() const
{
    return !d->preedit.isEmpty();
}

QString PinyinEngine::preedit() const
{
    return d->preedit;
}

QStringList PinyinEngine::candidates() const
{
    return d->candidates;
}

bool PinyinEngine::hasPreviousPage() const
{
    return d->previousPage;
}

bool PinyinEngine::hasNextPage() const
{
    return d->nextPage;
}

bool PinyinEngine::selectCandidate(int indexOnPage)
{
    if (!d->api || indexOnPage < 0 || indexOnPage >= d->candidates.size())
        return false;
    const bool taken = d->api->select_candidate_on_current_page(d->session, size_t(indexOnPage));
    refresh();
    return taken;
}

bool PinyinEngine::previousPage()
{
    return d->previousPage && processKey(KeyPageUp);
}

bool PinyinEngine::nextPage()
{
    return d->nextPage && processKey(KeyPageDown);
}

bool PinyinEngine::processKey(int keysym)
{
    if (!d->api)
        return false;
    const bool taken = d->api->process_key(d->session, keysym, 0);
    refresh();
    return taken;
}

void PinyinEngine::refresh()
{
    RIME_STRUCT(RimeCommit, commit);
    QString committedText;
    if (d->api->get_commit(d->session, &commit)) {
        committedText = fromRime(commit.text);
        d->api->free_commit(&commit);
    }

    QString preedit;
    QStringList candidates;
    bool previousPage = false, nextPage = false;
    RIME_STRUCT(RimeContext, context);
    if (d->api->get_context(d->session, &context)) {
        preedit = fromRime(context.composition.preedit);
        for (int i = 0; i < context.menu.num_candidates; ++i)
            candidates.append(fromRime(context.menu.candidates[i].text));
        previousPage = context.menu.page_no > 0;
        nextPage = context.menu.num_candidates > 0 && !context.menu.is_last_page;
        d->api->free_context(&context);
    }

    if (!committedText.isEmpty())
        Q_EMIT committed(committedText);
    if (preedit != d->preedit || candidates != d->candidates || previousPage != d->previousPage
        || nextPage != d->nextPage) {
        d->preedit = preedit;
        d->candidates = candidates;
        d->previousPage = previousPage;
        d->nextPage = nextPage;
        Q_EMIT compositionChanged();
    }
}

} // namespace hall::ui
