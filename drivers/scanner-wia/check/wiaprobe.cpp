// wiaprobe: the Qt-free half of scanner-wia as a console program, for scripts/check-windows
// (built with mingw-w64 on Linux, run under Wine when it is there) and for a first look at a
// real Windows PC:
//   wiaprobe                      self-tests, then lists the WIA 2.0 scanners
//   wiaprobe --open [id|name]     … and opens one, printing its flatbed/feeder and what they offer
//   wiaprobe --scan flatbed|feeder DPI colour|gray|lineart PREFIX [id|name]
//                                 … and scans, writing PREFIX-0.bmp, PREFIX-1.bmp …
// Exit status: 0 self-tests passed and every WIA call ended in a result it could name; 1 a
// self-test failed; 2 usage; 4 --open/--scan failed (the reason is printed).

#include "fakewia.h"
#include "wiasession.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <string>

using namespace hall::drivers::wia;

namespace {

int g_failures = 0;

void check(bool ok, const char *what)
{
    if (!ok) {
        std::printf("FAIL %s\n", what);
        ++g_failures;
    }
}

std::string utf8(const std::wstring &w)
{
    if (w.empty())
        return {};
    const int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), int(w.size()), nullptr, 0, nullptr, nullptr);
    std::string s(std::size_t(n), '\0');
    WideCharToMultiByte(CP_UTF8, 0, w.data(), int(w.size()), s.data(), n, nullptr, nullptr);
    return s;
}

std::wstring wide(const char *s)
{
    const int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, nullptr, 0);
    std::wstring w(std::size_t(n > 0 ? n - 1 : 0), L'\0');
    if (n > 1)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w.data(), n);
    return w;
}

bool guidIs(const GUID &guid, const wchar_t *text)
{
    wchar_t buf[40] = {};
    return StringFromGUID2(guid, buf, 40) > 0 && std::wcscmp(buf, text) == 0;
}

void testConstants()
{
    // mingw-w64's libuuid has these WIA 1.0 identifiers: ours must be the same GUIDs.
    check(kIidWiaPropertyStorage == IID_IWiaPropertyStorage, "IID_IWiaPropertyStorage");
    check(kFormatBmp == WiaImgFmt_BMP, "WiaImgFmt_BMP");
    check(kFormatPng == WiaImgFmt_PNG, "WiaImgFmt_PNG");
    // The WIA 2.0 ones it lacks, against their registry form as published (wia_lh.idl,
    // wiadef.h), to catch a slip in wia2.h's initialisers.
    check(guidIs(kClsidWiaDevMgr2, L"{B6C292BC-7C88-41EE-8B54-8EC92617E599}"), "CLSID_WiaDevMgr2");
    check(guidIs(kIidWiaDevMgr2, L"{79C07CF1-CBDD-41EE-8EC3-F00080CADA7A}"), "IID_IWiaDevMgr2");
    check(guidIs(kIidWiaItem2, L"{6CBA0075-1287-407D-9B77-CF0E030435CC}"), "IID_IWiaItem2");
    check(guidIs(kIidEnumWiaItem2, L"{59970AF4-CD0D-44D9-AB24-52295630E582}"), "IID_IEnumWiaItem2");
    check(guidIs(kIidWiaTransfer, L"{C39D6942-2F4E-4D04-92FE-4EF4D3A1DE5A}"), "IID_IWiaTransfer");
    check(guidIs(kIidWiaTransferCallback, L"{27D4EAAF-28A6-4CA5-9AAB-E678168B9527}"), "IID_IWiaTransferCallback");
    check(guidIs(kCategoryFlatbed, L"{FB607B1F-43F3-488B-855B-FB703EC342A6}"), "WIA_CATEGORY_FLATBED");
    check(guidIs(kCategoryFeeder, L"{FE131934-F84C-42AD-8DA4-6129CDDD7288}"), "WIA_CATEGORY_FEEDER");
    check(guidIs(kCategoryRoot, L"{F193526F-59B8-4A26-9888-E16E4F97CE10}"), "WIA_CATEGORY_ROOT");
    // WIA 2.0 errors mingw-w64's wiadef.h lacks, against the SDK's values.
    check(kErrCoverOpen == HRESULT(0x80210010u) && kErrLampOff == HRESULT(0x80210011u) && kErrMultiFeed == HRESULT(0x80210014u),
          "WIA_ERROR_COVER_OPEN/LAMP_OFF/MULTI_FEED");
    check(kIpsXRes == 6147 && kIpaDataType == 4103 && kIpsPages == 3096 && kIpsDocumentHandlingSelect == 3088,
          "property ids");
    check(hresultText(kErrPaperJam) == "WIA_ERROR_PAPER_JAM (0x80210002)", "hresultText(WIA_ERROR_PAPER_JAM)");
    check(hresultText(HRESULT(0x80212345u)) == "0x80212345", "hresultText(unknown)");
}

void testClassify()
{
    const struct
    {
        HRESULT hr;
        Problem problem;
    } cases[] = {
        {S_OK, Problem::None},
        {S_FALSE, Problem::Cancelled},
        {E_ABORT, Problem::Cancelled},
        {WIA_ERROR_PAPER_EMPTY, Problem::PaperEmpty},
        {WIA_STATUS_END_OF_MEDIA, Problem::PaperEmpty},
        {WIA_ERROR_PAPER_JAM, Problem::PaperJam},
        {WIA_ERROR_PAPER_PROBLEM, Problem::PaperProblem},
        {WIA_ERROR_BUSY, Problem::Busy},
        {WIA_ERROR_OFFLINE, Problem::Offline},
        {WIA_ERROR_DEVICE_COMMUNICATION, Problem::Offline},
        {WIA_ERROR_ITEM_DELETED, Problem::Offline},
        {RPC_E_DISCONNECTED, Problem::Offline},
        {WIA_ERROR_WARMING_UP, Problem::WarmingUp},
        {WIA_ERROR_DEVICE_LOCKED, Problem::Locked},
        {WIA_ERROR_USER_INTERVENTION, Problem::UserIntervention},
        {WIA_ERROR_INCORRECT_HARDWARE_SETTING, Problem::HardwareSetting},
        {WIA_ERROR_GENERAL_ERROR, Problem::DriverFault},
        {WIA_ERROR_EXCEPTION_IN_DRIVER, Problem::DriverFault},
        {HRESULT(0x80210010u), Problem::CoverOpen}, // not in mingw-w64's wiadef.h
        {HRESULT(0x80210011u), Problem::LampOff},
        {HRESULT(0x80210014u), Problem::MultiFeed},
        {WIA_S_NO_DEVICE_AVAILABLE, Problem::NoDevice},
        {HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST), Problem::NoDevice},
        {REGDB_E_CLASSNOTREG, Problem::ServiceUnavailable},
        {HRESULT_FROM_WIN32(ERROR_SERVICE_DISABLED), Problem::ServiceUnavailable},
        {E_ACCESSDENIED, Problem::AccessDenied},
        {E_OUTOFMEMORY, Problem::NoMemory},
        {STG_E_MEDIUMFULL, Problem::NoMemory},
        {E_INVALIDARG, Problem::InvalidSettings},
        {E_NOTIMPL, Problem::NotSupported},
        {E_NOINTERFACE, Problem::NotSupported},
        {HRESULT(0x80212345u), Problem::Other},
    };
    for (const auto &c : cases) {
        if (classify(c.hr) != c.problem) {
            std::printf("FAIL classify(%s) = %s, expected %s\n", hresultText(c.hr).c_str(), problemName(classify(c.hr)),
                        problemName(c.problem));
            ++g_failures;
        }
    }
}

void testPageStream()
{
    bool abort = false;
    PageStream *s = new PageStream([&abort] { return abort; });
    ULONG n = 0;
    check(s->Write("HEADER....DATA", 14, &n) == S_OK && n == 14, "PageStream write");
    LARGE_INTEGER at{};
    at.QuadPart = 6;
    ULARGE_INTEGER pos{};
    check(s->Seek(at, STREAM_SEEK_SET, &pos) == S_OK && pos.QuadPart == 6, "PageStream seek back");
    check(s->Write("SIZE", 4, &n) == S_OK && n == 4, "PageStream overwrite");
    STATSTG st{};
    check(s->Stat(&st, STATFLAG_NONAME) == S_OK && st.cbSize.QuadPart == 14 && st.type == STGTY_STREAM, "PageStream stat");
    at.QuadPart = 0;
    s->Seek(at, STREAM_SEEK_SET, nullptr);
    char buf[32] = {};
    check(s->Read(buf, 14, &n) == S_OK && n == 14 && std::memcmp(buf, "HEADERSIZEDATA", 14) == 0, "PageStream read back");
    check(s->Read(buf, 4, &n) == S_FALSE && n == 0, "PageStream read at end");
    at.QuadPart = -1;
    check(FAILED(s->Seek(at, STREAM_SEEK_SET, nullptr)), "PageStream seek before start");
    at.QuadPart = 2;
    check(s->Seek(at, STREAM_SEEK_END, &pos) == S_OK && pos.QuadPart == 16, "PageStream seek past end");
    check(s->Write("!", 1, &n) == S_OK && s->size() == 17, "PageStream write past end fills");
    IStream *asStream = nullptr;
    check(s->QueryInterface(IID_IStream, reinterpret_cast<void **>(&asStream)) == S_OK && asStream == s, "PageStream QI IStream");
    if (asStream)
        asStream->Release();
    void *other = nullptr;
    check(s->QueryInterface(kIidWiaItem2, &other) == E_NOINTERFACE && !other, "PageStream QI other");
    ULARGE_INTEGER size{};
    size.QuadPart = 4;
    check(s->SetSize(size) == S_OK && s->size() == 4, "PageStream SetSize");
    abort = true;
    check(s->Write("x", 1, &n) == E_ABORT && n == 0, "PageStream abort");
    abort = false;
    const std::vector<unsigned char> data = s->take();
    check(data.size() == 4 && std::memcmp(data.data(), "HEAD", 4) == 0 && s->size() == 0, "PageStream take");
    s->detach();
    check(s->Write("x", 1, &n) == STG_E_REVERTED, "PageStream detached");
    check(s->Release() == 0, "PageStream released");
}

// Drives a TransferSink the way the WIA service drives IWiaTransferCallback.
void testTransferSink()
{
    struct Log
    {
        std::vector<std::vector<unsigned char>> pages;
        std::vector<int> progress;
        bool cancel = false;
        int keep = 100; // pages wanted
    } log;
    ScanCallbacks callbacks;
    callbacks.cancelled = [&log] { return log.cancel; };
    callbacks.progress = [&log](int page, int percent) { log.progress.push_back(page * 1000 + percent); };
    callbacks.page = [&log](int page, std::vector<unsigned char> &&data, PageFormat format) {
        check(page == int(log.pages.size()) && format == PageFormat::Bmp, "sink page index");
        log.pages.push_back(std::move(data));
        return int(log.pages.size()) < log.keep;
    };
    const auto message = [](TransferSink *sink, LONG msg, LONG percent = 0, HRESULT status = S_OK) {
        WiaTransferParams p{};
        p.lMessage = msg;
        p.lPercentComplete = percent;
        p.hrErrorStatus = status;
        return sink->TransferCallback(0, &p);
    };
    const auto nextStream = [](TransferSink *sink, const char *bytes) {
        IStream *stream = nullptr;
        const HRESULT hr = sink->GetNextStream(0, nullptr, nullptr, &stream);
        if (hr == S_OK && stream) {
            ULONG n = 0;
            stream->Write(bytes, ULONG(std::strlen(bytes)), &n);
            stream->Release(); // the service lets go of it
        }
        return hr;
    };

    // Two feeder pages: one ended by END_OF_STREAM, one by END_OF_TRANSFER.
    TransferSink *sink = new TransferSink(callbacks, PageFormat::Bmp);
    check(message(sink, kMsgStatus, 0) == S_OK, "sink status");
    check(nextStream(sink, "page-one") == S_OK, "sink first stream");
    check(message(sink, kMsgStatus, 50) == S_OK, "sink progress");
    check(message(sink, kMsgStatus, 150) == S_OK, "sink progress clamp");
    check(message(sink, kMsgEndOfStream) == S_OK && log.pages.size() == 1, "sink end of stream");
    check(message(sink, kMsgDeviceStatus, 0, kStatusWarmingUp) == S_OK && sink->deviceStatus() == S_OK, "sink device status ok");
    check(message(sink, kMsgDeviceStatus, 0, kErrPaperJam) == S_OK && sink->deviceStatus() == kErrPaperJam, "sink device status");
    check(nextStream(sink, "page-two") == S_OK, "sink second stream");
    check(message(sink, kMsgEndOfTransfer) == S_OK && log.pages.size() == 2 && sink->pages() == 2, "sink end of transfer");
    check(log.pages.size() == 2 && std::string(log.pages[0].begin(), log.pages[0].end()) == "page-one"
              && std::string(log.pages[1].begin(), log.pages[1].end()) == "page-two",
          "sink page data");
    check(log.progress == std::vector<int>({0, 50, 100}), "sink progress values");
    check(!sink->cancelled() && !sink->stopped(), "sink not stopped");
    check(sink->Release() == 0, "sink released");

    // A driver that asks for the next stream without ending the previous one.
    log = {};
    sink = new TransferSink(callbacks, PageFormat::Bmp);
    nextStream(sink, "a");
    nextStream(sink, "b");
    sink->finishPage();
    check(log.pages.size() == 2, "sink next stream ends the page");
    sink->Release();

    // Cancel: the callback answers S_FALSE, writes fail, no new stream.
    log = {};
    sink = new TransferSink(callbacks, PageFormat::Bmp);
    IStream *stream = nullptr;
    sink->GetNextStream(0, nullptr, nullptr, &stream);
    log.cancel = true;
    ULONG n = 0;
    check(stream && stream->Write("x", 1, &n) == E_ABORT, "sink cancel fails writes");
    check(message(sink, kMsgStatus, 10) == S_FALSE && sink->cancelled(), "sink cancel answers S_FALSE");
    IStream *second = nullptr;
    check(sink->GetNextStream(0, nullptr, nullptr, &second) == E_ABORT && !second, "sink cancel refuses streams");
    sink->Release();
    if (stream)
        stream->Release(); // the service's reference outlives the sink: must not crash
    log.cancel = false;

    // Enough pages: the page callback says stop, which is not a cancel.
    log = {};
    log.keep = 1;
    sink = new TransferSink(callbacks, PageFormat::Bmp);
    nextStream(sink, "only");
    check(message(sink, kMsgEndOfStream) == S_FALSE && sink->stopped() && !sink->cancelled(), "sink stops after enough pages");
    check(sink->GetNextStream(0, nullptr, nullptr, &second) == E_ABORT, "sink refuses more pages");
    sink->Release();
}

void testCaps()
{
    SourceCaps list;
    list.resolutions = {75, 150, 300, 600};
    check(list.offersDpi(300) && !list.offersDpi(200), "caps list");
    SourceCaps range;
    range.minDpi = 50;
    range.maxDpi = 1200;
    check(range.offersDpi(50) && range.offersDpi(1200) && !range.offersDpi(1201) && !range.offersDpi(49), "caps range");
    SourceCaps unknown;
    check(unknown.offersDpi(300) && !unknown.offersDpi(0) && unknown.offers(DataType::Threshold), "caps unknown");
    SourceCaps types;
    types.dataTypes = {DataType::Colour, DataType::Gray};
    check(types.offers(DataType::Gray) && !types.offers(DataType::Threshold), "caps data types");
}

// WiaSession against the in-process fake WIA service and driver (check/fakewia.h).
void testSession()
{
    using fakewia::Manager;
    struct Log
    {
        std::vector<std::vector<unsigned char>> pages;
        std::vector<PageFormat> formats;
        std::vector<int> progress;
        int keep = 1000;        // pages wanted
        int cancelAfter = -1;   // progress messages before the user cancels
    } log;
    ScanCallbacks cb;
    cb.cancelled = [&log] { return log.cancelAfter >= 0 && int(log.progress.size()) >= log.cancelAfter; };
    cb.progress = [&log](int page, int percent) { log.progress.push_back(page * 1000 + percent); };
    cb.page = [&log](int, std::vector<unsigned char> &&data, PageFormat format) {
        log.pages.push_back(std::move(data));
        log.formats.push_back(format);
        return int(log.pages.size()) < log.keep;
    };
    const auto increasing = [](const std::vector<int> &v) {
        for (std::size_t i = 1; i < v.size(); ++i) {
            if (v[i] <= v[i - 1])
                return false;
        }
        return !v.empty();
    };
    const auto wrote = [](fakewia::Props *props, PROPID id) {
        for (const auto &w : props->writes) {
            if (w.first == id)
                return true;
        }
        return false;
    };

    auto *manager = new Manager;
    {
        WiaSession session(manager);
        std::vector<DeviceInfo> devices;
        check(session.enumerate(&devices) == S_OK && devices.size() == 1 && devices[0].id == Manager::ScannerId
                  && devices[0].name == L"Fake Scanner" && devices[0].vendor == L"Fake Vendor",
              "session lists the scanner, not the camera");
        check(classify(session.open(L"No Such Scanner")) == Problem::NoDevice && !session.isOpen(), "session open: unknown name");
        check(classify(session.open(L"{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0099")) == Problem::NoDevice,
              "session open: unknown id");
        check(session.open(L"fake scanner") == S_OK && session.device().id == Manager::ScannerId, "session open by name");
        check(session.open(L"") == S_OK && session.isOpen() && session.device().name == L"Fake Scanner", "session open: first");
        const SourceCaps &flatbed = session.caps(Source::Flatbed);
        const SourceCaps &feeder = session.caps(Source::Feeder);
        check(flatbed.present && flatbed.resolutions == std::vector<long>({75, 150, 300, 600}) && flatbed.dataTypes.size() == 3,
              "session flatbed caps (list)");
        check(feeder.present && feeder.resolutions.empty() && feeder.minDpi == 50 && feeder.maxDpi == 600
                  && feeder.stepDpi == 1 && feeder.offers(DataType::Gray) && !feeder.offers(DataType::Threshold),
              "session feeder caps (range)");

        int items = 0;
        check(session.setProperty(6154, 100, &items) == S_OK && items == 2 && manager->flatbed->props->value(6154) == 100
                  && manager->feeder->props->value(6154) == 100,
              "session property on both items");
        check(session.setProperty(9999, 1, &items) == S_OK && items == 0, "session property nobody has");
        check(classify(session.setProperty(6154, 5000, &items)) == Problem::InvalidSettings, "session property refused");

        fakewia::Props *fp = manager->flatbed->props;
        ScanResult r;
        check(session.scan({Source::Flatbed, DataType::Gray, 300, 1}, cb, &r) == S_OK && r.pages == 1 && r.dpi == 300
                  && !r.cancelled && !r.stopped,
              "scan flatbed");
        check(fp->value(kIpaDataType) == kDataGrayscale && fp->value(kIpaDepth) == 8 && fp->value(kIpsXRes) == 300
                  && fp->value(kIpsYRes) == 300,
              "scan flatbed wrote data type, depth and resolution");
        check(!wrote(fp, kIpaTymed), "scan leaves a read-only TYMED_FILE alone");
        check(log.pages.size() == 1 && log.pages[0] == fakewia::bmpPage(0) && log.formats[0] == PageFormat::Bmp,
              "scan flatbed page bytes (header written last)");
        check(increasing(log.progress) && log.progress.back() == 100, "scan flatbed progress");

        log = {};
        const int downloads = manager->flatbed->script.downloads;
        check(classify(session.scan({Source::Flatbed, DataType::Colour, 200, 1}, cb, &r)) == Problem::InvalidSettings
                  && std::strcmp(r.step, "WIA_IPS_XRES") == 0 && manager->flatbed->script.downloads == downloads,
              "scan refused resolution: no transfer");

        fakewia::Props *ff = manager->feeder->props;
        log = {};
        check(session.scan({Source::Feeder, DataType::Colour, 299, 0}, cb, &r) == kErrPaperEmpty && r.pages == 3
                  && r.dpi == 300 && classify(r.hr) == Problem::PaperEmpty,
              "scan feeder until empty, resolution rounded by the driver");
        check(ff->value(kIpsPages) == kAllPages && ff->value(kIpsDocumentHandlingSelect) == kFrontOnly
                  && ff->value(kIpaDataType) == kDataColor && ff->value(kIpaDepth) == 24,
              "scan feeder settings");
        check(log.pages.size() == 3 && log.pages[2] == fakewia::bmpPage(2), "scan feeder pages");

        log = {};
        log.keep = 2; // the fake ignores WIA_IPS_PAGES and would feed three
        session.scan({Source::Feeder, DataType::Gray, 300, 2}, cb, &r);
        check(r.stopped && !r.cancelled && r.pages == 2 && ff->value(kIpsPages) == 2, "scan feeder stops at the pages wanted");

        log = {};
        log.cancelAfter = 2;
        session.scan({Source::Feeder, DataType::Gray, 300, 0}, cb, &r);
        check(r.cancelled && r.pages == 0 && manager->feeder->script.sawCancel, "scan cancelled during a page");

        log = {};
        manager->flatbed->script.end = E_FAIL;
        manager->flatbed->script.deviceStatus = kErrPaperJam;
        session.scan({Source::Flatbed, DataType::Colour, 150, 1}, cb, &r);
        check(r.hr == kErrPaperJam && r.pages == 1, "scan reports the device status behind a generic failure");
        manager->flatbed->script.end = S_OK;
        manager->flatbed->script.deviceStatus = S_OK;

        log = {};
        fp->formats = {kFormatPng};
        fp->props[kIpaFormat].guid = GUID{};
        check(session.scan({Source::Flatbed, DataType::Colour, 150, 1}, cb, &r) == S_OK && log.formats.size() == 1
                  && log.formats[0] == PageFormat::Png,
              "scan falls back to PNG");

        log = {};
        manager->feeder->script.pages = 0;
        check(classify(session.scan({Source::Feeder, DataType::Colour, 300, 0}, cb, &r)) == Problem::PaperEmpty && r.pages == 0,
              "scan empty feeder");

        session.close();
        check(!session.isOpen(), "session closed");
    }
    check(manager->refs() == 1, "session released the manager");
    manager->Release();
    check(fakewia::g_live == 0, "no fake WIA object leaked");
}

const char *typeName(DataType t)
{
    return t == DataType::Colour ? "colour" : t == DataType::Gray ? "gray" : "lineart";
}

void printCaps(const char *name, const SourceCaps &caps)
{
    if (!caps.present) {
        std::printf("  %s: none\n", name);
        return;
    }
    std::printf("  %s: dpi", name);
    if (!caps.resolutions.empty()) {
        for (long r : caps.resolutions)
            std::printf(" %ld", r);
    } else if (caps.maxDpi > 0) {
        std::printf(" %ld-%ld step %ld", caps.minDpi, caps.maxDpi, caps.stepDpi);
    } else {
        std::printf(" (not reported)");
    }
    std::printf("; types");
    for (DataType t : caps.dataTypes)
        std::printf(" %s", typeName(t));
    std::printf("\n");
}

int report(const char *what, HRESULT hr, WiaSession &session)
{
    std::printf("%s: %s -> %s (step: %s)\n", what, hresultText(hr).c_str(), problemName(classify(hr)), session.failedStep());
    return 4;
}

} // namespace

int main(int argc, char **argv)
{
    testConstants();
    testClassify();
    testPageStream();
    testTransferSink();
    testCaps();
    testSession();
    if (g_failures) {
        std::printf("self-tests: %d FAILED\n", g_failures);
        return 1;
    }
    std::printf("self-tests: passed\n");

    const std::string command = argc > 1 ? argv[1] : "";
    if (!command.empty() && command != "--open" && command != "--scan") {
        std::printf("usage: wiaprobe [--open [id|name] | --scan flatbed|feeder DPI colour|gray|lineart PREFIX [id|name]]\n");
        return 2;
    }

    WiaSession session;
    std::vector<DeviceInfo> devices;
    const HRESULT hr = session.enumerate(&devices);
    if (FAILED(hr)) {
        // The expected outcome on a PC (or Wine) without WIA 2.0: a named error, not a crash.
        std::printf("WIA 2.0 device list: %s -> %s (step: %s)\n", hresultText(hr).c_str(), problemName(classify(hr)),
                    session.failedStep());
        return command.empty() ? 0 : 4;
    }
    if (devices.empty())
        std::printf("WIA 2.0 device list: no WIA scanners\n");
    for (const DeviceInfo &d : devices)
        std::printf("scanner %s  name \"%s\"  vendor \"%s\"  port \"%s\"\n", utf8(d.id).c_str(), utf8(d.name).c_str(),
                    utf8(d.vendor).c_str(), utf8(d.port).c_str());
    if (command.empty())
        return 0;

    const bool scan = command == "--scan";
    if (scan && argc < 6) {
        std::printf("usage: wiaprobe --scan flatbed|feeder DPI colour|gray|lineart PREFIX [id|name]\n");
        return 2;
    }
    const int deviceArg = scan ? 6 : 2;
    const std::wstring device = argc > deviceArg ? wide(argv[deviceArg]) : std::wstring();
    HRESULT r = session.open(device);
    if (FAILED(r))
        return report("open", r, session);
    std::printf("opened %s (\"%s\")\n", utf8(session.device().id).c_str(), utf8(session.device().name).c_str());
    printCaps("flatbed", session.caps(Source::Flatbed));
    printCaps("feeder", session.caps(Source::Feeder));
    if (!scan)
        return 0;

    ScanRequest request;
    request.source = std::strcmp(argv[2], "feeder") == 0 ? Source::Feeder : Source::Flatbed;
    request.dpi = std::atol(argv[3]);
    request.type = std::strcmp(argv[4], "gray") == 0 ? DataType::Gray
        : std::strcmp(argv[4], "lineart") == 0       ? DataType::Threshold
                                                     : DataType::Colour;
    request.pages = request.source == Source::Feeder ? 0 : 1;
    const std::string prefix = argv[5];
    ScanCallbacks callbacks;
    callbacks.cancelled = [] { return false; };
    callbacks.progress = [](int page, int percent) { std::printf("\r  page %d: %3d%%", page, percent); };
    callbacks.page = [&prefix](int page, std::vector<unsigned char> &&data, PageFormat format) {
        const std::string file = prefix + "-" + std::to_string(page) + (format == PageFormat::Png ? ".png" : ".bmp");
        if (FILE *f = std::fopen(file.c_str(), "wb")) {
            std::fwrite(data.data(), 1, data.size(), f);
            std::fclose(f);
        }
        std::printf("\n  page %d: %zu bytes -> %s\n", page, data.size(), file.c_str());
        return true;
    };
    ScanResult result;
    session.scan(request, callbacks, &result);
    std::printf("scan: %d page(s) at %ld dpi, %s -> %s (step: %s)\n", result.pages, result.dpi, hresultText(result.hr).c_str(),
                problemName(classify(result.hr)), result.step);
    return FAILED(result.hr) && !(result.pages > 0 && classify(result.hr) == Problem::PaperEmpty) ? 4 : 0;
}
