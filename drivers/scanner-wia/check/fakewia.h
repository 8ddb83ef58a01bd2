#pragma once

// An in-process stand-in for the WIA 2.0 service and a scanner driver, for wiaprobe's session
// tests: a device manager listing a camera and a scanner, a root item with a flatbed and a
// feeder child, property storages that check writes against their attributes as a driver's
// validation would, and an IWiaTransfer::Download that talks to the callback the way the WIA
// documentation describes (GetNextStream per page, the BMP header filled in by seeking back,
// progress, END_OF_STREAM, device status, S_FALSE to cancel). It is built from the same
// declarations as the driver (wia2.h), so it cannot show that those match Windows; it shows
// that WiaSession does what it should with a driver that behaves as documented.

#include "wiasession.h"

#include <map>
#include <string>
#include <vector>

namespace fakewia {

using namespace hall::drivers::wia;

inline int g_live = 0; // fake objects alive: 0 at the end means no reference was leaked

template<class Base>
class Object : public Base
{
public:
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **out) override
    {
        if (!out)
            return E_POINTER;
        *out = nullptr;
        if (riid == IID_IUnknown || riid == m_iid) {
            *out = static_cast<Base *>(this);
            this->AddRef();
            return S_OK;
        }
        return other(riid, out);
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ULONG(InterlockedIncrement(&m_refs)); }
    ULONG STDMETHODCALLTYPE Release() override
    {
        const LONG refs = InterlockedDecrement(&m_refs);
        if (refs == 0)
            delete this;
        return ULONG(refs);
    }
    LONG refs() const { return m_refs; }

protected:
    explicit Object(const IID &iid) : m_iid(iid) { ++g_live; }
    virtual ~Object() { --g_live; }
    virtual HRESULT other(REFIID, void **) { return E_NOINTERFACE; }

private:
    IID m_iid;
    volatile LONG m_refs = 1;
};

struct Property
{
    VARTYPE vt = VT_I4;
    long value = 0;
    GUID guid{};
    std::wstring text;
    ULONG flags = kPropWrite; // WIA_PROP_* attributes
    std::vector<long> attribute; // WIA_RANGE_* / WIA_LIST_* / WIA_FLAG_* layout
    long roundTo = 0;            // a range the driver rounds to (resolution)
};

inline Property readOnly(long value)
{
    Property p;
    p.value = value;
    p.flags = 0x01; // WIA_PROP_READ
    return p;
}
inline Property list(long value, std::vector<long> values)
{
    Property p;
    p.value = value;
    p.flags = 0x01 | kPropWrite | kPropList;
    p.attribute = {long(values.size()), value};
    p.attribute.insert(p.attribute.end(), values.begin(), values.end());
    return p;
}
inline Property range(long value, long min, long max, long step)
{
    Property p;
    p.value = value;
    p.flags = 0x01 | kPropWrite | kPropRange;
    p.attribute = {min, value, max, step};
    return p;
}
inline Property flags(long value, long allowed)
{
    Property p;
    p.value = value;
    p.flags = 0x01 | kPropWrite | kPropFlag;
    p.attribute = {value, allowed};
    return p;
}
inline Property guidList(const GUID &value, bool writable)
{
    Property p;
    p.vt = VT_CLSID;
    p.guid = value;
    p.flags = writable ? 0x01 | kPropWrite : 0x01;
    return p;
}
inline Property text(const wchar_t *value)
{
    Property p;
    p.vt = VT_BSTR;
    p.text = value;
    p.flags = 0x01;
    return p;
}

class Props final : public Object<IWiaPropertyStorage>
{
public:
    Props() : Object(kIidWiaPropertyStorage) {}
    std::map<PROPID, Property> props;
    std::vector<std::pair<PROPID, long>> writes; // every accepted VT_I4 write, in order
    std::vector<GUID> formats = {kFormatBmp};    // what WIA_IPA_FORMAT accepts

    HRESULT STDMETHODCALLTYPE ReadMultiple(ULONG n, const PROPSPEC specs[], PROPVARIANT vars[]) override
    {
        bool any = false;
        for (ULONG i = 0; i < n; ++i) {
            PropVariantInit(&vars[i]);
            auto it = props.find(specs[i].propid);
            if (it == props.end())
                continue;
            any = true;
            const Property &p = it->second;
            vars[i].vt = p.vt;
            if (p.vt == VT_I4) {
                vars[i].lVal = p.value;
            } else if (p.vt == VT_CLSID) {
                vars[i].puuid = static_cast<GUID *>(CoTaskMemAlloc(sizeof(GUID)));
                *vars[i].puuid = p.guid;
            } else {
                vars[i].bstrVal = SysAllocString(p.text.c_str());
            }
        }
        return any ? S_OK : S_FALSE;
    }
    HRESULT STDMETHODCALLTYPE WriteMultiple(ULONG n, const PROPSPEC specs[], const PROPVARIANT vars[], PROPID) override
    {
        for (ULONG i = 0; i < n; ++i) { // validate all first, as a driver's validation does
            auto it = props.find(specs[i].propid);
            if (it == props.end() || !(it->second.flags & kPropWrite) || vars[i].vt != it->second.vt)
                return E_INVALIDARG;
            const Property &p = it->second;
            if (p.vt == VT_CLSID) {
                bool ok = false;
                for (const GUID &g : formats)
                    ok = ok || *vars[i].puuid == g;
                if (!ok)
                    return E_INVALIDARG;
                continue;
            }
            const long v = vars[i].lVal;
            if (p.flags & kPropList) {
                bool ok = false;
                for (std::size_t k = 2; k < p.attribute.size(); ++k)
                    ok = ok || p.attribute[k] == v;
                if (!ok)
                    return E_INVALIDARG;
            } else if ((p.flags & kPropRange) && (v < p.attribute[0] || v > p.attribute[2])) {
                return E_INVALIDARG;
            } else if ((p.flags & kPropFlag) && (v & ~p.attribute[1])) {
                return E_INVALIDARG;
            }
        }
        for (ULONG i = 0; i < n; ++i) {
            Property &p = props[specs[i].propid];
            if (p.vt == VT_CLSID) {
                p.guid = *vars[i].puuid;
                continue;
            }
            p.value = p.roundTo ? (vars[i].lVal + p.roundTo / 2) / p.roundTo * p.roundTo : vars[i].lVal;
            writes.emplace_back(specs[i].propid, vars[i].lVal);
        }
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetPropertyAttributes(ULONG n, PROPSPEC specs[], ULONG flags[], PROPVARIANT vars[]) override
    {
        bool any = false;
        for (ULONG i = 0; i < n; ++i) {
            PropVariantInit(&vars[i]);
            flags[i] = 0;
            auto it = props.find(specs[i].propid);
            if (it == props.end())
                continue;
            any = true;
            flags[i] = it->second.flags;
            const std::vector<long> &a = it->second.attribute;
            if (a.empty())
                continue;
            vars[i].vt = VT_VECTOR | VT_I4;
            vars[i].cal.cElems = ULONG(a.size());
            vars[i].cal.pElems = static_cast<LONG *>(CoTaskMemAlloc(sizeof(LONG) * a.size()));
            for (std::size_t k = 0; k < a.size(); ++k)
                vars[i].cal.pElems[k] = a[k];
        }
        return any ? S_OK : S_FALSE;
    }
    long value(PROPID id) const { return props.at(id).value; }
    HRESULT STDMETHODCALLTYPE DeleteMultiple(ULONG, const PROPSPEC[]) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE ReadPropertyNames(ULONG, const PROPID[], LPOLESTR[]) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE WritePropertyNames(ULONG, const PROPID[], const LPOLESTR[]) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE DeletePropertyNames(ULONG, const PROPID[]) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Commit(DWORD) override { return S_OK; }
    HRESULT STDMETHODCALLTYPE Revert() override { return S_OK; }
    HRESULT STDMETHODCALLTYPE Enum(IEnumSTATPROPSTG **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE SetTimes(const FILETIME *, const FILETIME *, const FILETIME *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE SetClass(REFCLSID) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Stat(STATPROPSETSTG *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetCount(ULONG *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetPropertyStream(GUID *, IStream **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE SetPropertyStream(GUID *, IStream *) override { return E_NOTIMPL; }
};

// How Download behaves: pages, what it reports, how it ends.
struct Script
{
    int pages = 1;                 // pages in the flatbed / feeder
    HRESULT end = S_OK;            // returned after the last page
    HRESULT deviceStatus = S_OK;   // sent as WIA_TRANSFER_MSG_DEVICE_STATUS before ending
    int chunks = 4;                // writes (and progress messages) per page
    int downloads = 0;             // how often Download was called
    int streamsRefused = 0;        // GetNextStream answers that were not S_OK
    bool sawCancel = false;        // a callback answered S_FALSE
};

// A 2 × 2, 24-bit BMP, the header written last (as drivers do once they know the size).
inline std::vector<unsigned char> bmpPage(int page)
{
    std::vector<unsigned char> b(54 + 2 * 8, 0);
    const auto put32 = [&b](std::size_t at, unsigned v) {
        for (int i = 0; i < 4; ++i)
            b[at + i] = static_cast<unsigned char>(v >> (8 * i));
    };
    b[0] = 'B';
    b[1] = 'M';
    put32(2, unsigned(b.size()));
    put32(10, 54);
    put32(14, 40);
    put32(18, 2);
    put32(22, 2);
    b[26] = 1;
    b[28] = 24;
    for (std::size_t i = 54; i < b.size(); ++i)
        b[i] = static_cast<unsigned char>(page * 16 + i);
    return b;
}

class Transfer final : public Object<IWiaTransfer>
{
public:
    explicit Transfer(Script *script) : Object(kIidWiaTransfer), m_script(script) {}
    HRESULT STDMETHODCALLTYPE Download(LONG, IWiaTransferCallback *cb) override
    {
        ++m_script->downloads;
        const auto message = [&](LONG msg, LONG percent, HRESULT status = S_OK) {
            WiaTransferParams p{};
            p.lMessage = msg;
            p.lPercentComplete = percent;
            p.hrErrorStatus = status;
            const HRESULT hr = cb->TransferCallback(0, &p);
            if (hr == S_FALSE)
                m_script->sawCancel = true;
            return hr;
        };
        for (int page = 0; page < m_script->pages; ++page) {
            IStream *stream = nullptr;
            const HRESULT got = cb->GetNextStream(0, nullptr, nullptr, &stream);
            if (got != S_OK || !stream) {
                ++m_script->streamsRefused;
                return got == S_OK ? E_POINTER : got;
            }
            const std::vector<unsigned char> bmp = bmpPage(page);
            const unsigned char zero[54] = {};
            ULONG n = 0;
            HRESULT hr = stream->Write(zero, 54, &n); // header placeholder
            const std::size_t body = bmp.size() - 54;
            for (int c = 0; c < m_script->chunks && SUCCEEDED(hr); ++c) {
                const std::size_t from = 54 + body * c / m_script->chunks, to = 54 + body * (c + 1) / m_script->chunks;
                hr = stream->Write(bmp.data() + from, ULONG(to - from), &n);
                if (SUCCEEDED(hr) && message(kMsgStatus, 100 * (c + 1) / m_script->chunks) == S_FALSE)
                    hr = S_FALSE;
            }
            if (hr == S_OK) {
                LARGE_INTEGER start{};
                stream->Seek(start, STREAM_SEEK_SET, nullptr);
                hr = stream->Write(bmp.data(), 54, &n);
            }
            stream->Release();
            if (hr != S_OK) // cancelled by a callback or a failed write
                return hr == S_FALSE ? S_FALSE : E_ABORT;
            if (message(kMsgEndOfStream, 100) == S_FALSE)
                return S_FALSE;
        }
        if (FAILED(m_script->deviceStatus))
            message(kMsgDeviceStatus, 0, m_script->deviceStatus);
        message(kMsgEndOfTransfer, 100);
        return m_script->end;
    }
    HRESULT STDMETHODCALLTYPE Upload(LONG, IStream *, IWiaTransferCallback *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Cancel() override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE EnumWIA_FORMAT_INFO(IEnumWIA_FORMAT_INFO **) override { return E_NOTIMPL; }

private:
    Script *m_script;
};

class Item;

class ItemList final : public Object<IEnumWiaItem2>
{
public:
    explicit ItemList(std::vector<IWiaItem2 *> items) : Object(kIidEnumWiaItem2), m_items(std::move(items)) {}
    HRESULT STDMETHODCALLTYPE Next(ULONG, IWiaItem2 **item, ULONG *fetched) override
    {
        *fetched = 0;
        if (m_next >= m_items.size())
            return S_FALSE;
        *item = m_items[m_next++];
        (*item)->AddRef();
        *fetched = 1;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE Skip(ULONG) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Reset() override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Clone(IEnumWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetCount(ULONG *n) override
    {
        *n = ULONG(m_items.size());
        return S_OK;
    }

private:
    std::vector<IWiaItem2 *> m_items;
    std::size_t m_next = 0;
};

class Item final : public Object<IWiaItem2>
{
public:
    Item(const GUID &category, LONG type) : Object(kIidWiaItem2), category(category), type(type) {}
    GUID category;
    LONG type;
    Props *props = new Props;
    Script script;
    std::vector<Item *> children;

    HRESULT STDMETHODCALLTYPE EnumChildItems(const GUID *, IEnumWiaItem2 **out) override
    {
        std::vector<IWiaItem2 *> items(children.begin(), children.end());
        *out = new ItemList(items);
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetItemCategory(GUID *out) override
    {
        *out = category;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetItemType(LONG *out) override
    {
        *out = type;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE CreateChildItem(LONG, LONG, BSTR, IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE DeleteItem(LONG) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE FindItemByName(LONG, BSTR, IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE DeviceDlg(LONG, HWND, BSTR, BSTR, LONG *, BSTR **, IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE DeviceCommand(LONG, const GUID *, IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE EnumDeviceCapabilities(LONG, IEnumWIA_DEV_CAPS **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE CheckExtension(LONG, BSTR, REFIID, BOOL *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetExtension(LONG, BSTR, REFIID, void **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetParentItem(IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetRootItem(IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetPreviewComponent(LONG, IWiaPreview **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE EnumRegisterEventInfo(LONG, const GUID *, IEnumWIA_DEV_CAPS **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Diagnostic(ULONG, BYTE *) override { return E_NOTIMPL; }

protected:
    ~Item() override
    {
        props->Release();
        for (Item *c : children)
            c->Release();
    }
    HRESULT other(REFIID riid, void **out) override
    {
        if (riid == kIidWiaPropertyStorage) {
            props->AddRef();
            *out = static_cast<IWiaPropertyStorage *>(props);
            return S_OK;
        }
        if (riid == kIidWiaTransfer) {
            *out = static_cast<IWiaTransfer *>(new Transfer(&script));
            return S_OK;
        }
        return E_NOINTERFACE;
    }
};

class DeviceList final : public Object<IEnumWIA_DEV_INFO>
{
public:
    explicit DeviceList(std::vector<Props *> devices) : Object(IID_IEnumWIA_DEV_INFO), m_devices(std::move(devices)) {}
    ~DeviceList() override
    {
        for (Props *p : m_devices)
            p->Release();
    }
    HRESULT STDMETHODCALLTYPE Next(ULONG, IWiaPropertyStorage **out, ULONG *fetched) override
    {
        *fetched = 0;
        if (m_next >= m_devices.size())
            return S_FALSE;
        *out = m_devices[m_next++];
        (*out)->AddRef();
        *fetched = 1;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE Skip(ULONG) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Reset() override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Clone(IEnumWIA_DEV_INFO **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE GetCount(ULONG *n) override
    {
        *n = ULONG(m_devices.size());
        return S_OK;
    }

private:
    std::vector<Props *> m_devices;
    std::size_t m_next = 0;
};

inline Props *deviceProps(const wchar_t *id, const wchar_t *name, int stiType)
{
    Props *p = new Props;
    p->props[kDipDevId] = text(id);
    p->props[kDipDevName] = text(name);
    p->props[kDipVendDesc] = text(L"Fake Vendor");
    p->props[kDipDevDesc] = text(L"WIA Fake");
    p->props[kDipPortName] = text(L"\\\\.\\Usbscan0");
    p->props[kDipDevType] = readOnly(long(stiType) << 16);
    return p;
}

// A scanner with a flatbed (list of resolutions, colour/gray/threshold) and a feeder (a range
// the driver rounds to 10 dpi, colour/gray only, three pages, ending with "paper empty").
class Manager final : public Object<IWiaDevMgr2>
{
public:
    static constexpr const wchar_t *ScannerId = L"{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0001";
    Item *flatbed = nullptr;
    Item *feeder = nullptr;
    int created = 0;

    Manager() : Object(kIidWiaDevMgr2) {}

    HRESULT STDMETHODCALLTYPE EnumDeviceInfo(LONG flags, IEnumWIA_DEV_INFO **out) override
    {
        if (flags != kDevInfoEnumLocal)
            return E_INVALIDARG;
        *out = new DeviceList({deviceProps(L"{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0000", L"Fake Camera", 2),
                               deviceProps(ScannerId, L"Fake Scanner", kStiDeviceTypeScanner)});
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE CreateDevice(LONG, BSTR id, IWiaItem2 **root) override
    {
        if (std::wstring(id) != ScannerId)
            return kErrNoDeviceAvailable;
        ++created;
        Item *r = new Item(kCategoryRoot, 0x08);
        flatbed = new Item(kCategoryFlatbed, kItemTypeTransfer);
        feeder = new Item(kCategoryFeeder, kItemTypeTransfer);
        for (Item *it : {flatbed, feeder}) {
            Props &p = *it->props;
            p.props[kIpaDataType] = list(kDataColor, {kDataThreshold, kDataGrayscale, kDataColor});
            p.props[kIpaDepth] = list(24, {1, 8, 24});
            p.props[kIpaFormat] = guidList(kFormatBmp, true);
            p.props[kIpaTymed] = readOnly(kTymedFile);
            p.props[6154] = range(0, -1000, 1000, 1); // WIA_IPS_BRIGHTNESS
        }
        flatbed->props->props[kIpsXRes] = list(150, {75, 150, 300, 600});
        flatbed->props->props[kIpsYRes] = list(150, {75, 150, 300, 600});
        Props &f = *feeder->props;
        f.props[kIpaDataType] = list(kDataColor, {kDataGrayscale, kDataColor});
        f.props[kIpsXRes] = range(200, 50, 600, 1);
        f.props[kIpsXRes].roundTo = 10;
        f.props[kIpsYRes] = range(200, 50, 600, 1);
        f.props[kIpsYRes].roundTo = 10;
        f.props[kIpsDocumentHandlingSelect] = flags(kFrontOnly, kFrontOnly | kDuplex);
        f.props[kIpsPages] = range(1, 0, 100, 1);
        feeder->script.pages = 3;
        feeder->script.end = kErrPaperEmpty;
        r->children = {flatbed, feeder};
        *root = r;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE SelectDeviceDlg(HWND, LONG, LONG, BSTR *, IWiaItem2 **) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE SelectDeviceDlgID(HWND, LONG, LONG, BSTR *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE RegisterEventCallbackInterface(LONG, BSTR, const GUID *, IWiaEventCallback *, IUnknown **) override
    {
        return E_NOTIMPL;
    }
    HRESULT STDMETHODCALLTYPE RegisterEventCallbackProgram(LONG, BSTR, const GUID *, BSTR, BSTR, BSTR, BSTR, BSTR) override
    {
        return E_NOTIMPL;
    }
    HRESULT STDMETHODCALLTYPE RegisterEventCallbackCLSID(LONG, BSTR, const GUID *, const GUID *, BSTR, BSTR, BSTR) override
    {
        return E_NOTIMPL;
    }
    HRESULT STDMETHODCALLTYPE GetImageDlg(LONG, BSTR, HWND, BSTR, BSTR, LONG *, BSTR **, IWiaItem2 **) override
    {
        return E_NOTIMPL;
    }
};

} // namespace fakewia
