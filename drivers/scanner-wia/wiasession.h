#pragma once

// The WIA 2.0 side of the scanner-wia driver: device list, item tree, properties and the
// stream transfer. Qt-free (Win32/COM and the standard library only) so scripts/check-windows
// compiles, links and runs it with mingw-w64 on Linux; WiaScanner (wiascanner.cpp) is the Qt
// device around it. See docs/protocols/scanner-wia.md.
//
// Threading: a WiaSession is used from one thread, the device's thread, which it initialises
// as a COM single-threaded apartment on first use; calls from any other thread fail with
// RPC_E_WRONG_THREAD. IWiaTransfer::Download blocks that thread; COM dispatches the transfer
// callbacks (and the page streams' writes) to it meanwhile.

#include "wia2.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace hall::drivers::wia {

enum class Source { Flatbed, Feeder };
enum class DataType { Colour, Gray, Threshold };
enum class PageFormat { Bmp, Png };

// What an HRESULT means for the user; WiaScanner turns it into a Device::Error and a message.
enum class Problem {
    None,
    Cancelled,
    NoDevice,           // no such scanner, or none at all
    ServiceUnavailable, // WIA 2.0 or its service (stisvc) is missing or stopped
    Busy,
    PaperEmpty,
    PaperJam,
    PaperProblem,
    MultiFeed,
    CoverOpen,
    Offline, // unplugged, switched off, or the link dropped
    WarmingUp,
    Locked,
    LampOff,
    UserIntervention,
    HardwareSetting,
    AccessDenied,
    NoMemory,
    InvalidSettings,
    NotSupported,
    DriverFault,
    Other,
};
Problem classify(HRESULT hr);
// "WIA_ERROR_PAPER_JAM (0x80210002)", for messages and the log.
std::string hresultText(HRESULT hr);
const char *problemName(Problem problem);

struct DeviceInfo
{
    std::wstring id; // WIA_DIP_DEV_ID: what DeviceConfig::port names
    std::wstring name;
    std::wstring vendor;
    std::wstring description;
    std::wstring port;
};

// What one source (flatbed or feeder item) offers.
struct SourceCaps
{
    bool present = false;
    std::vector<long> resolutions; // a list, or else a range:
    long minDpi = 0;
    long maxDpi = 0;
    long stepDpi = 0;
    std::vector<DataType> dataTypes;

    bool offersDpi(long dpi) const;
    bool offers(DataType type) const;
};

struct ScanRequest
{
    Source source = Source::Flatbed;
    DataType type = DataType::Colour;
    long dpi = 300;
    long pages = 1; // feeder: WIA_IPS_PAGES, 0 = until the feeder is empty
};

struct ScanCallbacks
{
    // Polled from the transfer callbacks; true stops the transfer (the user's cancel).
    std::function<bool()> cancelled;
    // Percent (0–100) of page `page` (0-based).
    std::function<void(int page, int percent)> progress;
    // A whole page; false stops after this page without it counting as a cancel.
    std::function<bool(int page, std::vector<unsigned char> &&data, PageFormat format)> page;
};

struct ScanResult
{
    HRESULT hr = S_OK;      // of Download, or of the step that failed before it
    int pages = 0;          // pages delivered through ScanCallbacks::page
    long dpi = 0;           // the resolution the item took (read back), set before the first page
    bool cancelled = false; // stopped because ScanCallbacks::cancelled said so
    bool stopped = false;   // stopped because ScanCallbacks::page returned false
    const char *step = "";  // what hr belongs to, for the log
};

// An IStream over memory that WIA writes one page into. Public so the mingw check tests it.
class PageStream final : public IStream
{
public:
    // abort: polled on every Write; true makes the write fail, so the driver stops early.
    explicit PageStream(std::function<bool()> abort = {});
    PageStream(const PageStream &) = delete;
    PageStream &operator=(const PageStream &) = delete;

    std::vector<unsigned char> take();
    // After this every write fails: the page was handed on, and m_abort may refer to a
    // transfer that is over.
    void detach();
    std::size_t size() const { return m_data.size(); }

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **object) override;
    ULONG STDMETHODCALLTYPE AddRef() override;
    ULONG STDMETHODCALLTYPE Release() override;
    HRESULT STDMETHODCALLTYPE Read(void *pv, ULONG cb, ULONG *pcbRead) override;
    HRESULT STDMETHODCALLTYPE Write(const void *pv, ULONG cb, ULONG *pcbWritten) override;
    HRESULT STDMETHODCALLTYPE Seek(LARGE_INTEGER move, DWORD origin, ULARGE_INTEGER *newPosition) override;
    HRESULT STDMETHODCALLTYPE SetSize(ULARGE_INTEGER newSize) override;
    HRESULT STDMETHODCALLTYPE CopyTo(IStream *, ULARGE_INTEGER, ULARGE_INTEGER *, ULARGE_INTEGER *) override;
    HRESULT STDMETHODCALLTYPE Commit(DWORD) override;
    HRESULT STDMETHODCALLTYPE Revert() override;
    HRESULT STDMETHODCALLTYPE LockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD) override;
    HRESULT STDMETHODCALLTYPE UnlockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD) override;
    HRESULT STDMETHODCALLTYPE Stat(STATSTG *stat, DWORD flags) override;
    HRESULT STDMETHODCALLTYPE Clone(IStream **) override;

    // A page larger than this is refused (a runaway driver must not eat the PC's memory):
    // an A4 page at 600 dpi in colour is about 100 MB as BMP.
    static constexpr std::size_t MaxBytes = std::size_t(1) << 30;

private:
    ~PageStream();
    volatile LONG m_refs = 1;
    std::vector<unsigned char> m_data;
    std::size_t m_pos = 0;
    std::function<bool()> m_abort;
    bool m_detached = false;
};

// The IWiaTransferCallback given to Download: a new PageStream per page (GetNextStream), the
// page handed on when its stream ends, progress, and S_FALSE to stop. Public for the same reason.
class TransferSink final : public IWiaTransferCallback
{
public:
    TransferSink(const ScanCallbacks &callbacks, PageFormat format);
    TransferSink(const TransferSink &) = delete;
    TransferSink &operator=(const TransferSink &) = delete;

    // Hands on the page in progress, if any (also called after Download returns).
    void finishPage();
    int pages() const { return m_pages; }
    bool cancelled() const { return m_cancelled; }
    bool stopped() const { return m_stopped; }
    HRESULT deviceStatus() const { return m_deviceStatus; }

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **object) override;
    ULONG STDMETHODCALLTYPE AddRef() override;
    ULONG STDMETHODCALLTYPE Release() override;
    HRESULT STDMETHODCALLTYPE TransferCallback(LONG flags, WiaTransferParams *params) override;
    HRESULT STDMETHODCALLTYPE GetNextStream(LONG flags, BSTR itemName, BSTR fullItemName, IStream **destination) override;

private:
    ~TransferSink();
    bool stopWanted();

    volatile LONG m_refs = 1;
    ScanCallbacks m_callbacks;
    PageFormat m_format;
    PageStream *m_stream = nullptr;
    int m_pages = 0;
    bool m_cancelled = false;
    bool m_stopped = false;
    HRESULT m_deviceStatus = S_OK; // the last failing status the driver reported
};

class WiaSession
{
public:
    WiaSession();
    // Uses this device manager instead of WIA's (wiaprobe's tests); takes a reference.
    explicit WiaSession(IWiaDevMgr2 *manager);
    ~WiaSession();
    WiaSession(const WiaSession &) = delete;
    WiaSession &operator=(const WiaSession &) = delete;

    // The scanners WIA 2.0 sees attached to this PC (WIA_DEVINFO_ENUM_LOCAL, scanners only).
    HRESULT enumerate(std::vector<DeviceInfo> *devices);
    // Opens a scanner by WIA device id or name; empty: the first one. Finds its flatbed and
    // feeder items and what they offer.
    HRESULT open(const std::wstring &idOrName);
    void close();
    bool isOpen() const { return m_root != nullptr; }
    const DeviceInfo &device() const { return m_device; }
    const SourceCaps &caps(Source source) const { return source == Source::Feeder ? m_feederCaps : m_flatbedCaps; }

    // Sets a VT_I4 property on every scan item that has it (*items: how many had it).
    HRESULT setProperty(PROPID id, long value, int *items);
    // Writes the request's settings to its item and transfers the pages.
    HRESULT scan(const ScanRequest &request, const ScanCallbacks &callbacks, ScanResult *result);

    // The step that failed last (for the log).
    const char *failedStep() const { return m_step; }

private:
    bool onOwnThread() const;
    HRESULT ensureManager();
    void dropManager();
    HRESULT readCaps(IWiaItem2 *item, SourceCaps *caps);
    IWiaItem2 *item(Source source) const { return source == Source::Feeder ? m_feeder : m_flatbed; }

    bool m_comInitialised = false; // this session holds a CoInitializeEx on m_thread
    DWORD m_thread = 0;
    IWiaDevMgr2 *m_manager = nullptr;
    IWiaItem2 *m_root = nullptr;
    IWiaItem2 *m_flatbed = nullptr;
    IWiaItem2 *m_feeder = nullptr;
    DeviceInfo m_device;
    SourceCaps m_flatbedCaps;
    SourceCaps m_feederCaps;
    const char *m_step = "";
};

} // namespace hall::drivers::wia
