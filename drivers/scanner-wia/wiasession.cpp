#include "wiasession.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <new>
#include <utility>

namespace hall::drivers::wia {

namespace {

constexpr HRESULT fromWin32(unsigned code) { return static_cast<HRESULT>(0x80070000u | code); }

// An owned interface pointer (no WRL or ATL: mingw-w64 has neither in full).
template<class T>
class Com
{
public:
    Com() = default;
    Com(const Com &) = delete;
    Com &operator=(const Com &) = delete;
    ~Com() { reset(); }
    T *get() const { return m_p; }
    T *operator->() const { return m_p; }
    explicit operator bool() const { return m_p != nullptr; }
    T **put()
    {
        reset();
        return &m_p;
    }
    void **putVoid() { return reinterpret_cast<void **>(put()); }
    void reset()
    {
        if (m_p)
            m_p->Release();
        m_p = nullptr;
    }

private:
    T *m_p = nullptr;
};

class Bstr
{
public:
    explicit Bstr(const std::wstring &s) : m_s(SysAllocStringLen(s.data(), UINT(s.size()))) {}
    Bstr(const Bstr &) = delete;
    Bstr &operator=(const Bstr &) = delete;
    ~Bstr() { SysFreeString(m_s); }
    BSTR get() const { return m_s; }

private:
    BSTR m_s;
};

struct PropVariant
{
    PROPVARIANT v;
    PropVariant() { PropVariantInit(&v); }
    PropVariant(const PropVariant &) = delete;
    PropVariant &operator=(const PropVariant &) = delete;
    ~PropVariant() { PropVariantClear(&v); }
};

PROPSPEC spec(PROPID id)
{
    PROPSPEC s{};
    s.ulKind = PRSPEC_PROPID;
    s.propid = id;
    return s;
}

std::wstring toWString(const PROPVARIANT &v)
{
    if (v.vt == VT_BSTR && v.bstrVal)
        return std::wstring(v.bstrVal, SysStringLen(v.bstrVal));
    if (v.vt == VT_LPWSTR && v.pwszVal)
        return std::wstring(v.pwszVal);
    return {};
}

bool toLong(const PROPVARIANT &v, long *out)
{
    switch (v.vt) {
    case VT_I4:
        *out = v.lVal;
        return true;
    case VT_UI4:
        *out = long(v.ulVal);
        return true;
    case VT_INT:
        *out = v.intVal;
        return true;
    case VT_UINT:
        *out = long(v.uintVal);
        return true;
    case VT_I2:
        *out = v.iVal;
        return true;
    case VT_UI2:
        *out = v.uiVal;
        return true;
    default:
        return false;
    }
}

// Property attributes come as vectors of whatever integer type the driver chose.
std::vector<long> longVector(const PROPVARIANT &v)
{
    std::vector<long> out;
    switch (v.vt) {
    case VT_VECTOR | VT_I4:
        out.assign(v.cal.pElems, v.cal.pElems + v.cal.cElems);
        break;
    case VT_VECTOR | VT_UI4:
        for (ULONG i = 0; i < v.caul.cElems; ++i)
            out.push_back(long(v.caul.pElems[i]));
        break;
    case VT_VECTOR | VT_I2:
        out.assign(v.cai.pElems, v.cai.pElems + v.cai.cElems);
        break;
    case VT_VECTOR | VT_UI2:
        out.assign(v.caui.pElems, v.caui.pElems + v.caui.cElems);
        break;
    default:
        break;
    }
    return out;
}

HRESULT readLong(IWiaPropertyStorage *props, PROPID id, long *out)
{
    PROPSPEC s = spec(id);
    PropVariant v;
    const HRESULT hr = props->ReadMultiple(1, &s, &v.v);
    if (hr != S_OK) // S_FALSE: the item has no such property
        return FAILED(hr) ? hr : DISP_E_MEMBERNOTFOUND;
    return toLong(v.v, out) ? S_OK : DISP_E_TYPEMISMATCH;
}

bool hasProperty(IWiaPropertyStorage *props, PROPID id)
{
    PROPSPEC s = spec(id);
    PropVariant v;
    return props->ReadMultiple(1, &s, &v.v) == S_OK;
}

HRESULT writeLongs(IWiaPropertyStorage *props, std::initializer_list<std::pair<PROPID, long>> values)
{
    std::vector<PROPSPEC> specs;
    std::vector<PROPVARIANT> vars;
    for (const auto &[id, value] : values) {
        specs.push_back(spec(id));
        PROPVARIANT v;
        PropVariantInit(&v);
        v.vt = VT_I4;
        v.lVal = value;
        vars.push_back(v);
    }
    return props->WriteMultiple(ULONG(specs.size()), specs.data(), vars.data(), kIpaFirst);
}

// Writes only the values that differ: a driver may keep a property read-only at the one
// value it supports, and writing even that same value would fail.
HRESULT setLongs(IWiaPropertyStorage *props, std::initializer_list<std::pair<PROPID, long>> values)
{
    bool same = true;
    for (const auto &[id, value] : values) {
        long current = 0;
        if (FAILED(readLong(props, id, &current)) || current != value)
            same = false;
    }
    return same ? S_OK : writeLongs(props, values);
}

HRESULT readGuid(IWiaPropertyStorage *props, PROPID id, GUID *out)
{
    PROPSPEC s = spec(id);
    PropVariant v;
    const HRESULT hr = props->ReadMultiple(1, &s, &v.v);
    if (hr != S_OK)
        return FAILED(hr) ? hr : DISP_E_MEMBERNOTFOUND;
    if (v.v.vt != VT_CLSID || !v.v.puuid)
        return DISP_E_TYPEMISMATCH;
    *out = *v.v.puuid;
    return S_OK;
}

HRESULT writeGuid(IWiaPropertyStorage *props, PROPID id, const GUID &value)
{
    GUID current{};
    if (SUCCEEDED(readGuid(props, id, &current)) && current == value)
        return S_OK;
    PROPSPEC s = spec(id);
    GUID copy = value;
    PROPVARIANT v;
    PropVariantInit(&v);
    v.vt = VT_CLSID;
    v.puuid = &copy; // not cleared: it points to our stack
    return props->WriteMultiple(1, &s, &v, kIpaFirst);
}

struct Attributes
{
    ULONG flags = 0;
    std::vector<long> values; // WIA_RANGE_*, WIA_LIST_* or WIA_FLAG_* layout, after flags
};

HRESULT readAttributes(IWiaPropertyStorage *props, PROPID id, Attributes *out)
{
    PROPSPEC s = spec(id);
    ULONG flags = 0;
    PropVariant v;
    const HRESULT hr = props->GetPropertyAttributes(1, &s, &flags, &v.v);
    if (hr != S_OK)
        return FAILED(hr) ? hr : DISP_E_MEMBERNOTFOUND;
    out->flags = flags;
    out->values = longVector(v.v);
    return S_OK;
}

std::vector<long> listValues(const Attributes &a)
{
    if (!(a.flags & kPropList) || a.values.size() < std::size_t(kListValues))
        return {};
    const std::size_t available = a.values.size() - kListValues;
    const std::size_t count = a.values[kListCount] > 0 ? std::min(std::size_t(a.values[kListCount]), available) : available;
    return {a.values.begin() + kListValues, a.values.begin() + kListValues + std::ptrdiff_t(count)};
}

HRESULT propertyStorage(IWiaItem2 *item, Com<IWiaPropertyStorage> *props)
{
    return item->QueryInterface(kIidWiaPropertyStorage, props->putVoid());
}

// The WIA service went away (restarted, crashed): its proxies are dead and must be recreated.
bool serviceGone(HRESULT hr)
{
    return hr == RPC_E_DISCONNECTED || hr == CO_E_OBJNOTCONNECTED || hr == fromWin32(RPC_S_SERVER_UNAVAILABLE)
        || hr == fromWin32(RPC_S_CALL_FAILED);
}

bool sameText(const std::wstring &a, const std::wstring &b)
{
    return a.size() == b.size()
        && CompareStringOrdinal(a.data(), int(a.size()), b.data(), int(b.size()), TRUE) == CSTR_EQUAL;
}

} // namespace

// ---- what an HRESULT means ----

Problem classify(HRESULT hr)
{
    switch (hr) {
    case S_OK:
        return Problem::None;
    case S_FALSE: // what Download answers after the callback said S_FALSE
    case E_ABORT:
    case fromWin32(ERROR_CANCELLED):
        return Problem::Cancelled;
    case kErrNoDeviceAvailable:
    case fromWin32(ERROR_DEV_NOT_EXIST):
    case fromWin32(ERROR_FILE_NOT_FOUND):
    case fromWin32(ERROR_NOT_FOUND):
        return Problem::NoDevice;
    case REGDB_E_CLASSNOTREG: // no WIA 2.0 on this Windows (Server without Desktop Experience …)
    case CO_E_SERVER_EXEC_FAILURE:
    case fromWin32(ERROR_SERVICE_DISABLED):
    case fromWin32(ERROR_SERVICE_NOT_ACTIVE):
    case fromWin32(ERROR_SERVICE_DOES_NOT_EXIST):
        return Problem::ServiceUnavailable;
    case kErrBusy:
    case fromWin32(ERROR_BUSY):
        return Problem::Busy;
    case kErrPaperEmpty:
    case kStatusEndOfMedia:
        return Problem::PaperEmpty;
    case kErrPaperJam:
        return Problem::PaperJam;
    case kErrPaperProblem:
        return Problem::PaperProblem;
    case kErrMultiFeed:
        return Problem::MultiFeed;
    case kErrCoverOpen:
        return Problem::CoverOpen;
    case kErrOffline:
    case kErrDeviceCommunication:
    case kErrItemDeleted: // the device was removed
    case fromWin32(ERROR_DEVICE_NOT_CONNECTED):
    case RPC_E_DISCONNECTED:
    case CO_E_OBJNOTCONNECTED:
    case fromWin32(RPC_S_SERVER_UNAVAILABLE):
    case fromWin32(RPC_S_CALL_FAILED):
        return Problem::Offline;
    case kErrWarmingUp:
    case kStatusWarmingUp:
        return Problem::WarmingUp;
    case kErrDeviceLocked:
        return Problem::Locked;
    case kErrLampOff:
        return Problem::LampOff;
    case kErrUserIntervention:
        return Problem::UserIntervention;
    case kErrIncorrectHardwareSetting:
        return Problem::HardwareSetting;
    case E_ACCESSDENIED:
        return Problem::AccessDenied;
    case E_OUTOFMEMORY:
    case STG_E_MEDIUMFULL:
    case STG_E_INSUFFICIENTMEMORY:
        return Problem::NoMemory;
    case E_INVALIDARG:
    case DISP_E_TYPEMISMATCH:
        return Problem::InvalidSettings;
    case E_NOTIMPL:
    case E_NOINTERFACE:
    case DISP_E_MEMBERNOTFOUND:
        return Problem::NotSupported;
    case E_FAIL:
    case kErrGeneral:
    case kErrInvalidCommand:
    case kErrExceptionInDriver:
    case kErrInvalidDriverResponse:
        return Problem::DriverFault;
    default:
        return SUCCEEDED(hr) ? Problem::None : Problem::Other;
    }
}

std::string hresultText(HRESULT hr)
{
    struct Name
    {
        HRESULT hr;
        const char *name;
    };
    static constexpr Name names[] = {
        {S_OK, "S_OK"},
        {S_FALSE, "S_FALSE"},
        {E_ABORT, "E_ABORT"},
        {E_FAIL, "E_FAIL"},
        {E_INVALIDARG, "E_INVALIDARG"},
        {E_NOTIMPL, "E_NOTIMPL"},
        {E_NOINTERFACE, "E_NOINTERFACE"},
        {E_OUTOFMEMORY, "E_OUTOFMEMORY"},
        {E_ACCESSDENIED, "E_ACCESSDENIED"},
        {REGDB_E_CLASSNOTREG, "REGDB_E_CLASSNOTREG"},
        {CO_E_SERVER_EXEC_FAILURE, "CO_E_SERVER_EXEC_FAILURE"},
        {RPC_E_DISCONNECTED, "RPC_E_DISCONNECTED"},
        {RPC_E_CHANGED_MODE, "RPC_E_CHANGED_MODE"},
        {RPC_E_WRONG_THREAD, "RPC_E_WRONG_THREAD"},
        {kErrGeneral, "WIA_ERROR_GENERAL_ERROR"},
        {kErrPaperJam, "WIA_ERROR_PAPER_JAM"},
        {kErrPaperEmpty, "WIA_ERROR_PAPER_EMPTY"},
        {kErrPaperProblem, "WIA_ERROR_PAPER_PROBLEM"},
        {kErrOffline, "WIA_ERROR_OFFLINE"},
        {kErrBusy, "WIA_ERROR_BUSY"},
        {kErrWarmingUp, "WIA_ERROR_WARMING_UP"},
        {kErrUserIntervention, "WIA_ERROR_USER_INTERVENTION"},
        {kErrItemDeleted, "WIA_ERROR_ITEM_DELETED"},
        {kErrDeviceCommunication, "WIA_ERROR_DEVICE_COMMUNICATION"},
        {kErrInvalidCommand, "WIA_ERROR_INVALID_COMMAND"},
        {kErrIncorrectHardwareSetting, "WIA_ERROR_INCORRECT_HARDWARE_SETTING"},
        {kErrDeviceLocked, "WIA_ERROR_DEVICE_LOCKED"},
        {kErrExceptionInDriver, "WIA_ERROR_EXCEPTION_IN_DRIVER"},
        {kErrInvalidDriverResponse, "WIA_ERROR_INVALID_DRIVER_RESPONSE"},
        {kErrCoverOpen, "WIA_ERROR_COVER_OPEN"},
        {kErrLampOff, "WIA_ERROR_LAMP_OFF"},
        {kErrMultiFeed, "WIA_ERROR_MULTI_FEED"},
        {kErrNoDeviceAvailable, "WIA_S_NO_DEVICE_AVAILABLE"},
        {kStatusEndOfMedia, "WIA_STATUS_END_OF_MEDIA"},
        {kStatusWarmingUp, "WIA_STATUS_WARMING_UP"},
    };
    const char *name = nullptr;
    for (const Name &n : names) {
        if (n.hr == hr)
            name = n.name;
    }
    char text[96];
    if (name)
        std::snprintf(text, sizeof text, "%s (0x%08lX)", name, static_cast<unsigned long>(hr) & 0xFFFFFFFFul);
    else
        std::snprintf(text, sizeof text, "0x%08lX", static_cast<unsigned long>(hr) & 0xFFFFFFFFul);
    return text;
}

const char *problemName(Problem problem)
{
    switch (problem) {
    case Problem::None: return "None";
    case Problem::Cancelled: return "Cancelled";
    case Problem::NoDevice: return "NoDevice";
    case Problem::ServiceUnavailable: return "ServiceUnavailable";
    case Problem::Busy: return "Busy";
    case Problem::PaperEmpty: return "PaperEmpty";
    case Problem::PaperJam: return "PaperJam";
    case Problem::PaperProblem: return "PaperProblem";
    case Problem::MultiFeed: return "MultiFeed";
    case Problem::CoverOpen: return "CoverOpen";
    case Problem::Offline: return "Offline";
    case Problem::WarmingUp: return "WarmingUp";
    case Problem::Locked: return "Locked";
    case Problem::LampOff: return "LampOff";
    case Problem::UserIntervention: return "UserIntervention";
    case Problem::HardwareSetting: return "HardwareSetting";
    case Problem::AccessDenied: return "AccessDenied";
    case Problem::NoMemory: return "NoMemory";
    case Problem::InvalidSettings: return "InvalidSettings";
    case Problem::NotSupported: return "NotSupported";
    case Problem::DriverFault: return "DriverFault";
    case Problem::Other: return "Other";
    }
    return "?";
}

// ---- SourceCaps ----

bool SourceCaps::offersDpi(long dpi) const
{
    if (!resolutions.empty())
        return std::find(resolutions.begin(), resolutions.end(), dpi) != resolutions.end();
    if (maxDpi > 0)
        return dpi >= minDpi && dpi <= maxDpi;
    return dpi > 0; // the driver did not say: it judges when the value is written
}

bool SourceCaps::offers(DataType type) const
{
    return dataTypes.empty() || std::find(dataTypes.begin(), dataTypes.end(), type) != dataTypes.end();
}

// ---- PageStream ----

PageStream::PageStream(std::function<bool()> abort) : m_abort(std::move(abort)) {}

PageStream::~PageStream() = default;

std::vector<unsigned char> PageStream::take()
{
    m_pos = 0;
    return std::exchange(m_data, {});
}

void PageStream::detach()
{
    m_detached = true;
    m_abort = {};
}

HRESULT STDMETHODCALLTYPE PageStream::QueryInterface(REFIID riid, void **object)
{
    if (!object)
        return E_POINTER;
    if (riid == IID_IUnknown || riid == IID_ISequentialStream || riid == IID_IStream) {
        *object = static_cast<IStream *>(this);
        AddRef();
        return S_OK;
    }
    *object = nullptr;
    return E_NOINTERFACE;
}

ULONG STDMETHODCALLTYPE PageStream::AddRef()
{
    return ULONG(InterlockedIncrement(&m_refs));
}

ULONG STDMETHODCALLTYPE PageStream::Release()
{
    const LONG refs = InterlockedDecrement(&m_refs);
    if (refs == 0)
        delete this;
    return ULONG(refs);
}

HRESULT STDMETHODCALLTYPE PageStream::Read(void *pv, ULONG cb, ULONG *pcbRead)
{
    if (pcbRead)
        *pcbRead = 0;
    if (!pv && cb)
        return STG_E_INVALIDPOINTER;
    const std::size_t n = m_pos < m_data.size() ? std::min<std::size_t>(cb, m_data.size() - m_pos) : 0;
    if (n)
        std::memcpy(pv, m_data.data() + m_pos, n);
    m_pos += n;
    if (pcbRead)
        *pcbRead = ULONG(n);
    return n < cb ? S_FALSE : S_OK;
}

HRESULT STDMETHODCALLTYPE PageStream::Write(const void *pv, ULONG cb, ULONG *pcbWritten)
{
    if (pcbWritten)
        *pcbWritten = 0;
    if (!pv && cb)
        return STG_E_INVALIDPOINTER;
    if (m_detached)
        return STG_E_REVERTED;
    // Failing the write makes the driver stop at once, between two progress callbacks.
    if (m_abort && m_abort())
        return E_ABORT;
    const std::size_t end = m_pos + cb;
    if (end > MaxBytes)
        return STG_E_MEDIUMFULL;
    try {
        if (end > m_data.size())
            m_data.resize(end); // a seek past the end leaves zeros, as for any stream
    } catch (const std::bad_alloc &) {
        return E_OUTOFMEMORY;
    }
    if (cb)
        std::memcpy(m_data.data() + m_pos, pv, cb);
    m_pos = end;
    if (pcbWritten)
        *pcbWritten = cb;
    return S_OK;
}

HRESULT STDMETHODCALLTYPE PageStream::Seek(LARGE_INTEGER move, DWORD origin, ULARGE_INTEGER *newPosition)
{
    // Drivers seek back to fill in the BMP header once they know the page's size.
    long long base;
    switch (origin) {
    case STREAM_SEEK_SET:
        base = 0;
        break;
    case STREAM_SEEK_CUR:
        base = static_cast<long long>(m_pos);
        break;
    case STREAM_SEEK_END:
        base = static_cast<long long>(m_data.size());
        break;
    default:
        return STG_E_INVALIDFUNCTION;
    }
    const long long target = base + move.QuadPart;
    if (target < 0)
        return STG_E_INVALIDFUNCTION;
    if (static_cast<unsigned long long>(target) > MaxBytes)
        return STG_E_MEDIUMFULL;
    m_pos = static_cast<std::size_t>(target);
    if (newPosition)
        newPosition->QuadPart = m_pos;
    return S_OK;
}

HRESULT STDMETHODCALLTYPE PageStream::SetSize(ULARGE_INTEGER newSize)
{
    if (newSize.QuadPart > MaxBytes)
        return STG_E_MEDIUMFULL;
    try {
        m_data.resize(static_cast<std::size_t>(newSize.QuadPart));
    } catch (const std::bad_alloc &) {
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

HRESULT STDMETHODCALLTYPE PageStream::CopyTo(IStream *, ULARGE_INTEGER, ULARGE_INTEGER *, ULARGE_INTEGER *)
{
    return E_NOTIMPL;
}

HRESULT STDMETHODCALLTYPE PageStream::Commit(DWORD)
{
    return S_OK; // memory: nothing to flush
}

HRESULT STDMETHODCALLTYPE PageStream::Revert()
{
    return S_OK;
}

HRESULT STDMETHODCALLTYPE PageStream::LockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD)
{
    return STG_E_INVALIDFUNCTION;
}

HRESULT STDMETHODCALLTYPE PageStream::UnlockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD)
{
    return STG_E_INVALIDFUNCTION;
}

HRESULT STDMETHODCALLTYPE PageStream::Stat(STATSTG *stat, DWORD)
{
    if (!stat)
        return STG_E_INVALIDPOINTER;
    *stat = STATSTG{};
    stat->type = STGTY_STREAM;
    stat->cbSize.QuadPart = m_data.size();
    stat->grfMode = STGM_READWRITE;
    return S_OK; // no name, also when one was asked for: the stream has none
}

HRESULT STDMETHODCALLTYPE PageStream::Clone(IStream **clone)
{
    if (clone)
        *clone = nullptr;
    return E_NOTIMPL;
}

// ---- TransferSink ----

TransferSink::TransferSink(const ScanCallbacks &callbacks, PageFormat format) : m_callbacks(callbacks), m_format(format) {}

TransferSink::~TransferSink()
{
    if (m_stream) {
        m_stream->detach();
        m_stream->Release();
    }
}

bool TransferSink::stopWanted()
{
    if (!m_cancelled && m_callbacks.cancelled && m_callbacks.cancelled())
        m_cancelled = true;
    return m_cancelled || m_stopped;
}

void TransferSink::finishPage()
{
    if (!m_stream)
        return;
    PageStream *stream = std::exchange(m_stream, nullptr);
    std::vector<unsigned char> data = stream->take();
    stream->detach();
    stream->Release();
    // A page cut short by a cancel, or fed after enough pages, is dropped.
    if (data.empty() || stopWanted())
        return;
    const int index = m_pages++;
    if (m_callbacks.page && !m_callbacks.page(index, std::move(data), m_format))
        m_stopped = true;
}

HRESULT STDMETHODCALLTYPE TransferSink::QueryInterface(REFIID riid, void **object)
{
    if (!object)
        return E_POINTER;
    if (riid == IID_IUnknown || riid == kIidWiaTransferCallback) {
        *object = static_cast<IWiaTransferCallback *>(this);
        AddRef();
        return S_OK;
    }
    *object = nullptr;
    return E_NOINTERFACE;
}

ULONG STDMETHODCALLTYPE TransferSink::AddRef()
{
    return ULONG(InterlockedIncrement(&m_refs));
}

ULONG STDMETHODCALLTYPE TransferSink::Release()
{
    const LONG refs = InterlockedDecrement(&m_refs);
    if (refs == 0)
        delete this;
    return ULONG(refs);
}

HRESULT STDMETHODCALLTYPE TransferSink::TransferCallback(LONG, WiaTransferParams *params)
{
    if (!params)
        return E_POINTER;
    switch (params->lMessage) {
    case kMsgStatus:
        if (m_callbacks.progress)
            m_callbacks.progress(m_pages, int(std::clamp<LONG>(params->lPercentComplete, 0, 100)));
        break;
    case kMsgEndOfStream:
    case kMsgEndOfTransfer:
        finishPage();
        break;
    case kMsgDeviceStatus:
        // "Paper jam" and the like arrive here first; Download may fail with less detail.
        if (FAILED(params->hrErrorStatus))
            m_deviceStatus = params->hrErrorStatus;
        break;
    case kMsgNewPage:
    default:
        break;
    }
    // S_FALSE asks WIA to cancel the transfer (wia_lh: TransferCallback).
    return stopWanted() ? S_FALSE : S_OK;
}

HRESULT STDMETHODCALLTYPE TransferSink::GetNextStream(LONG, BSTR, BSTR, IStream **destination)
{
    if (!destination)
        return E_POINTER;
    *destination = nullptr;
    finishPage(); // a driver that starts the next page without END_OF_STREAM
    if (stopWanted())
        return E_ABORT;
    PageStream *stream = new (std::nothrow) PageStream([this] { return stopWanted(); });
    if (!stream)
        return E_OUTOFMEMORY;
    m_stream = stream;  // our reference
    stream->AddRef();   // the caller's
    *destination = stream;
    return S_OK;
}

// ---- WiaSession ----

WiaSession::WiaSession() = default;

WiaSession::WiaSession(IWiaDevMgr2 *manager) : m_manager(manager)
{
    if (m_manager)
        m_manager->AddRef();
}

WiaSession::~WiaSession()
{
    // Objects of a single-threaded apartment may only be released on its thread: a session
    // destroyed elsewhere (its device thread did not stop in time) leaks them rather than crash.
    if (m_thread != 0 && GetCurrentThreadId() != m_thread)
        return;
    dropManager();
    if (m_comInitialised)
        CoUninitialize();
}

bool WiaSession::onOwnThread() const
{
    return m_thread == 0 || m_thread == GetCurrentThreadId();
}

HRESULT WiaSession::ensureManager()
{
    if (!onOwnThread()) {
        m_step = "thread";
        return RPC_E_WRONG_THREAD; // the objects belong to another thread's apartment
    }
    if (m_manager)
        return S_OK;
    if (m_thread == 0) {
        m_step = "CoInitializeEx";
        const HRESULT hr = CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE);
        // RPC_E_CHANGED_MODE: someone made this thread a multithreaded apartment already; COM
        // works there too (callbacks then arrive on RPC threads), and it is not ours to undo.
        if (FAILED(hr) && hr != RPC_E_CHANGED_MODE)
            return hr;
        m_comInitialised = SUCCEEDED(hr);
        m_thread = GetCurrentThreadId();
    }
    m_step = "CoCreateInstance(WiaDevMgr2)";
    return CoCreateInstance(kClsidWiaDevMgr2, nullptr, CLSCTX_LOCAL_SERVER, kIidWiaDevMgr2,
                            reinterpret_cast<void **>(&m_manager));
}

void WiaSession::dropManager()
{
    close();
    if (m_manager)
        m_manager->Release();
    m_manager = nullptr;
}

HRESULT WiaSession::enumerate(std::vector<DeviceInfo> *devices)
{
    devices->clear();
    HRESULT hr = ensureManager();
    if (FAILED(hr))
        return hr;
    m_step = "EnumDeviceInfo";
    Com<IEnumWIA_DEV_INFO> list;
    hr = m_manager->EnumDeviceInfo(kDevInfoEnumLocal, list.put());
    if (FAILED(hr)) {
        if (serviceGone(hr))
            dropManager();
        return hr;
    }
    if (!list)
        return S_OK; // some versions answer S_FALSE and no enumerator when there is nothing
    for (;;) {
        Com<IWiaPropertyStorage> props;
        ULONG fetched = 0;
        hr = list->Next(1, props.put(), &fetched);
        if (hr != S_OK || fetched == 0 || !props)
            break;
        PROPSPEC specs[] = {spec(kDipDevId), spec(kDipDevName), spec(kDipVendDesc), spec(kDipDevDesc), spec(kDipPortName),
                            spec(kDipDevType)};
        PROPVARIANT values[6];
        for (PROPVARIANT &v : values)
            PropVariantInit(&v);
        if (props->ReadMultiple(6, specs, values) == S_OK) {
            long type = 0;
            toLong(values[5], &type);
            if (HIWORD(DWORD(type)) == kStiDeviceTypeScanner)
                devices->push_back({toWString(values[0]), toWString(values[1]), toWString(values[2]), toWString(values[3]),
                                    toWString(values[4])});
        }
        FreePropVariantArray(6, values);
    }
    m_step = "";
    return FAILED(hr) ? hr : S_OK;
}

HRESULT WiaSession::open(const std::wstring &idOrName)
{
    close();
    std::vector<DeviceInfo> devices;
    HRESULT hr = enumerate(&devices);
    if (FAILED(hr))
        return hr;
    const DeviceInfo *pick = nullptr;
    for (const DeviceInfo &d : devices) {
        if (!pick && (idOrName.empty() || sameText(d.id, idOrName)))
            pick = &d;
    }
    for (const DeviceInfo &d : devices) {
        if (!pick && sameText(d.name, idOrName))
            pick = &d;
    }
    DeviceInfo info;
    if (pick) {
        info = *pick;
    } else if (!idOrName.empty() && idOrName.front() == L'{') {
        info.id = idOrName; // a device id WIA did not list as local and active: let CreateDevice judge
    } else {
        m_step = "find device";
        return idOrName.empty() ? kErrNoDeviceAvailable : fromWin32(ERROR_DEV_NOT_EXIST);
    }
    m_step = "CreateDevice";
    const Bstr id(info.id);
    hr = m_manager->CreateDevice(0, id.get(), &m_root);
    if (FAILED(hr) || !m_root) {
        m_root = nullptr;
        if (serviceGone(hr))
            dropManager();
        return FAILED(hr) ? hr : E_FAIL;
    }
    if (info.name.empty())
        info.name = info.id;
    m_device = info;

    m_step = "EnumChildItems";
    Com<IEnumWiaItem2> children;
    hr = m_root->EnumChildItems(nullptr, children.put());
    if (FAILED(hr)) {
        close();
        return hr;
    }
    IWiaItem2 *fallback = nullptr;
    for (;;) {
        IWiaItem2 *child = nullptr;
        ULONG fetched = 0;
        if (!children || children->Next(1, &child, &fetched) != S_OK || !child)
            break;
        GUID category{};
        bool kept = false;
        if (SUCCEEDED(child->GetItemCategory(&category))) {
            if (category == kCategoryFlatbed && !m_flatbed) {
                m_flatbed = child;
                kept = true;
            } else if (category == kCategoryFeeder && !m_feeder) {
                m_feeder = child;
                kept = true;
            }
        }
        LONG type = 0;
        if (!kept && !fallback && SUCCEEDED(child->GetItemType(&type)) && (type & kItemTypeTransfer)) {
            fallback = child;
            kept = true;
        }
        if (!kept)
            child->Release();
    }
    // Items without a category (seen with WIA 1.0 drivers behind WIA 2.0's compatibility layer):
    // the first one that can transfer is taken as the flatbed.
    if (!m_flatbed && !m_feeder && fallback)
        m_flatbed = std::exchange(fallback, nullptr);
    if (fallback)
        fallback->Release();
    if (m_flatbed)
        readCaps(m_flatbed, &m_flatbedCaps);
    if (m_feeder)
        readCaps(m_feeder, &m_feederCaps);
    m_step = "";
    return S_OK;
}

void WiaSession::close()
{
    if (!onOwnThread())
        return; // see ~WiaSession
    for (IWiaItem2 **item : {&m_flatbed, &m_feeder, &m_root}) {
        if (*item)
            (*item)->Release();
        *item = nullptr;
    }
    m_flatbedCaps = {};
    m_feederCaps = {};
    m_device = {};
}

HRESULT WiaSession::readCaps(IWiaItem2 *item, SourceCaps *caps)
{
    caps->present = true;
    Com<IWiaPropertyStorage> props;
    m_step = "IWiaPropertyStorage";
    HRESULT hr = propertyStorage(item, &props);
    if (FAILED(hr))
        return hr;
    Attributes a;
    if (SUCCEEDED(readAttributes(props.get(), kIpsXRes, &a))) {
        if (a.flags & kPropList) {
            caps->resolutions = listValues(a);
        } else if ((a.flags & kPropRange) && a.values.size() > std::size_t(kRangeStep)) {
            caps->minDpi = a.values[kRangeMin];
            caps->maxDpi = a.values[kRangeMax];
            caps->stepDpi = a.values[kRangeStep];
        }
    }
    if (SUCCEEDED(readAttributes(props.get(), kIpaDataType, &a))) {
        // Dithered and colour-threshold types are not used.
        for (long v : listValues(a)) {
            if (v != kDataColor && v != kDataGrayscale && v != kDataThreshold)
                continue;
            const DataType type = v == kDataColor ? DataType::Colour : v == kDataGrayscale ? DataType::Gray : DataType::Threshold;
            if (std::find(caps->dataTypes.begin(), caps->dataTypes.end(), type) == caps->dataTypes.end())
                caps->dataTypes.push_back(type);
        }
    }
    return S_OK;
}

HRESULT WiaSession::setProperty(PROPID id, long value, int *items)
{
    *items = 0;
    if (!onOwnThread())
        return RPC_E_WRONG_THREAD;
    for (IWiaItem2 *it : {m_flatbed, m_feeder}) {
        if (!it)
            continue;
        Com<IWiaPropertyStorage> props;
        m_step = "IWiaPropertyStorage";
        HRESULT hr = propertyStorage(it, &props);
        if (FAILED(hr))
            return hr;
        if (!hasProperty(props.get(), id))
            continue;
        ++*items;
        m_step = "configured property";
        hr = setLongs(props.get(), {{id, value}});
        if (FAILED(hr))
            return hr;
    }
    m_step = "";
    return S_OK;
}

HRESULT WiaSession::scan(const ScanRequest &request, const ScanCallbacks &callbacks, ScanResult *result)
{
    *result = {};
    const auto fail = [&](HRESULT hr, const char *step) {
        result->hr = hr;
        result->step = m_step = step;
        if (serviceGone(hr))
            dropManager();
        return hr;
    };
    if (!onOwnThread())
        return fail(RPC_E_WRONG_THREAD, "thread");
    IWiaItem2 *target = item(request.source);
    if (!target)
        return fail(E_INVALIDARG, "source item");
    Com<IWiaPropertyStorage> props;
    HRESULT hr = propertyStorage(target, &props);
    if (FAILED(hr))
        return fail(hr, "IWiaPropertyStorage");

    // Data type first: the depth, formats and resolutions offered may depend on it.
    const long dataType = request.type == DataType::Colour ? kDataColor : request.type == DataType::Gray ? kDataGrayscale : kDataThreshold;
    hr = setLongs(props.get(), {{kIpaDataType, dataType}});
    if (FAILED(hr))
        return fail(hr, "WIA_IPA_DATATYPE");
    Attributes depth;
    const long bits = request.type == DataType::Colour ? 24 : request.type == DataType::Gray ? 8 : 1;
    if (SUCCEEDED(readAttributes(props.get(), kIpaDepth, &depth)) && (depth.flags & kPropWrite)) {
        const std::vector<long> offered = listValues(depth);
        if (std::find(offered.begin(), offered.end(), bits) != offered.end())
            setLongs(props.get(), {{kIpaDepth, bits}}); // else the driver set it with the data type
    }

    // BMP, which WIA requires every scanner item to offer; PNG where a driver refuses it.
    PageFormat format = PageFormat::Bmp;
    hr = writeGuid(props.get(), kIpaFormat, kFormatBmp);
    if (FAILED(hr)) {
        if (FAILED(writeGuid(props.get(), kIpaFormat, kFormatPng)))
            return fail(hr, "WIA_IPA_FORMAT");
        format = PageFormat::Png;
    }
    // One stream per page; most drivers have it so already (and read-only).
    setLongs(props.get(), {{kIpaTymed, kTymedFile}});

    hr = setLongs(props.get(), {{kIpsXRes, request.dpi}, {kIpsYRes, request.dpi}});
    if (FAILED(hr))
        return fail(hr, "WIA_IPS_XRES");
    long dpi = 0;
    result->dpi = SUCCEEDED(readLong(props.get(), kIpsXRes, &dpi)) && dpi > 0 ? dpi : request.dpi;

    if (request.source == Source::Feeder) {
        Attributes handling;
        if (SUCCEEDED(readAttributes(props.get(), kIpsDocumentHandlingSelect, &handling)) && (handling.flags & kPropWrite)) {
            const long allowed = (handling.flags & kPropFlag) && handling.values.size() > std::size_t(kFlagValues)
                ? handling.values[kFlagValues]
                : kFrontOnly;
            if (allowed & kFrontOnly)
                setLongs(props.get(), {{kIpsDocumentHandlingSelect, kFrontOnly}}); // simplex
        }
        // A driver that ignores the count is stopped by ScanCallbacks::page instead.
        setLongs(props.get(), {{kIpsPages, request.pages > 0 ? request.pages : kAllPages}});
    }

    Com<IWiaTransfer> transfer;
    hr = target->QueryInterface(kIidWiaTransfer, transfer.putVoid());
    if (FAILED(hr))
        return fail(hr, "IWiaTransfer");
    TransferSink *sink = new (std::nothrow) TransferSink(callbacks, format);
    if (!sink)
        return fail(E_OUTOFMEMORY, "TransferSink");
    m_step = "Download";
    hr = transfer->Download(0, sink);
    sink->finishPage();
    result->pages = sink->pages();
    result->cancelled = sink->cancelled() || (FAILED(hr) && callbacks.cancelled && callbacks.cancelled());
    result->stopped = sink->stopped();
    // Drivers often fail the download with a generic code after saying what went wrong.
    if ((hr == E_FAIL || hr == kErrGeneral) && FAILED(sink->deviceStatus()))
        hr = sink->deviceStatus();
    sink->Release();
    result->hr = hr;
    result->step = "Download";
    if (serviceGone(hr))
        dropManager();
    return hr;
}

} // namespace hall::drivers::wia
