#pragma once

// The WIA 2.0 (Windows Image Acquisition, Windows Vista and later) declarations the scanner-wia
// driver uses. Qt-free, so scripts/check-windows compiles it with mingw-w64 on Linux.
//
// The Windows SDK declares the WIA 2.0 interfaces in wia_lh.h (included by wia.h). mingw-w64 —
// Debian's 10.0 and the MinGW kits of Qt's Windows installer — ships only the WIA 1.0 wia.h
// (IWiaDevMgr, IWiaItem, IWiaPropertyStorage …), so the five WIA 2.0 interfaces are declared
// below when the SDK has not, under the SDK's own include guards, in the vtable order of
// wia_lh.idl (checked against two independent listings of it: the C vtables of a published
// wia_lh.h and the Win32 metadata projections; see docs/protocols/scanner-wia.md).
//
// The constants are the driver's own (k…), so no wiaguid.lib and no SDK macro that mingw-w64
// lacks is needed; where the SDK or mingw-w64 defines the same name, a static_assert keeps
// both equal.

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <objbase.h>
#include <propidl.h>
#include <wia.h>

// ---- WIA 2.0 interfaces (wia_lh.idl), only where the SDK did not declare them ----

struct IWiaItem2;
struct IEnumWiaItem2;
struct IWiaTransferCallback;
struct IWiaPreview; // named in IWiaItem2's vtable only

#ifndef __IWiaTransferCallback_INTERFACE_DEFINED__
#define __IWiaTransferCallback_INTERFACE_DEFINED__
struct WiaTransferParams
{
    LONG lMessage;         // WIA_TRANSFER_MSG_*
    LONG lPercentComplete; // of the current page
    ULONG64 ulTransferredBytes;
    HRESULT hrErrorStatus; // device status (WIA_TRANSFER_MSG_DEVICE_STATUS)
};

struct IWiaTransferCallback : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE TransferCallback(LONG lFlags, WiaTransferParams *pWiaTransferParams) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetNextStream(LONG lFlags, BSTR bstrItemName, BSTR bstrFullItemName,
                                                    IStream **ppDestination) = 0;
};
#endif

#ifndef __IWiaTransfer_INTERFACE_DEFINED__
#define __IWiaTransfer_INTERFACE_DEFINED__
struct IWiaTransfer : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE Download(LONG lFlags, IWiaTransferCallback *pIWiaTransferCallback) = 0;
    virtual HRESULT STDMETHODCALLTYPE Upload(LONG lFlags, IStream *pSource, IWiaTransferCallback *pIWiaTransferCallback) = 0;
    virtual HRESULT STDMETHODCALLTYPE Cancel() = 0;
    virtual HRESULT STDMETHODCALLTYPE EnumWIA_FORMAT_INFO(IEnumWIA_FORMAT_INFO **ppEnum) = 0;
};
#endif

#ifndef __IEnumWiaItem2_INTERFACE_DEFINED__
#define __IEnumWiaItem2_INTERFACE_DEFINED__
struct IEnumWiaItem2 : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE Next(ULONG cElt, IWiaItem2 **ppIWiaItem2, ULONG *pcEltFetched) = 0;
    virtual HRESULT STDMETHODCALLTYPE Skip(ULONG cElt) = 0;
    virtual HRESULT STDMETHODCALLTYPE Reset() = 0;
    virtual HRESULT STDMETHODCALLTYPE Clone(IEnumWiaItem2 **ppIEnum) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetCount(ULONG *cElt) = 0;
};
#endif

#ifndef __IWiaItem2_INTERFACE_DEFINED__
#define __IWiaItem2_INTERFACE_DEFINED__
struct IWiaItem2 : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE CreateChildItem(LONG lItemFlags, LONG lCreationFlags, BSTR bstrItemName,
                                                      IWiaItem2 **ppIWiaItem2) = 0;
    virtual HRESULT STDMETHODCALLTYPE DeleteItem(LONG lFlags) = 0;
    virtual HRESULT STDMETHODCALLTYPE EnumChildItems(const GUID *pCategoryGUID, IEnumWiaItem2 **ppIEnumWiaItem2) = 0;
    virtual HRESULT STDMETHODCALLTYPE FindItemByName(LONG lFlags, BSTR bstrFullItemName, IWiaItem2 **ppIWiaItem2) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetItemCategory(GUID *pItemCategoryGUID) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetItemType(LONG *pItemType) = 0;
    virtual HRESULT STDMETHODCALLTYPE DeviceDlg(LONG lFlags, HWND hwndParent, BSTR bstrFolderName, BSTR bstrFilename,
                                                LONG *plNumFiles, BSTR **ppbstrFilePaths, IWiaItem2 **ppItem) = 0;
    virtual HRESULT STDMETHODCALLTYPE DeviceCommand(LONG lFlags, const GUID *pCmdGUID, IWiaItem2 **ppIWiaItem2) = 0;
    virtual HRESULT STDMETHODCALLTYPE EnumDeviceCapabilities(LONG lFlags, IEnumWIA_DEV_CAPS **ppIEnumWIA_DEV_CAPS) = 0;
    virtual HRESULT STDMETHODCALLTYPE CheckExtension(LONG lFlags, BSTR bstrName, REFIID riidExtensionInterface,
                                                     BOOL *pbExtensionExists) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetExtension(LONG lFlags, BSTR bstrName, REFIID riidExtensionInterface, void **ppOut) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetParentItem(IWiaItem2 **ppIWiaItem2) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetRootItem(IWiaItem2 **ppIWiaItem2) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetPreviewComponent(LONG lFlags, IWiaPreview **ppWiaPreview) = 0;
    virtual HRESULT STDMETHODCALLTYPE EnumRegisterEventInfo(LONG lFlags, const GUID *pEventGUID, IEnumWIA_DEV_CAPS **ppIEnum) = 0;
    virtual HRESULT STDMETHODCALLTYPE Diagnostic(ULONG ulSize, BYTE *pBuffer) = 0;
};
#endif

#ifndef __IWiaDevMgr2_INTERFACE_DEFINED__
#define __IWiaDevMgr2_INTERFACE_DEFINED__
struct IWiaDevMgr2 : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE EnumDeviceInfo(LONG lFlags, IEnumWIA_DEV_INFO **ppIEnum) = 0;
    virtual HRESULT STDMETHODCALLTYPE CreateDevice(LONG lFlags, BSTR bstrDeviceID, IWiaItem2 **ppWiaItem2Root) = 0;
    virtual HRESULT STDMETHODCALLTYPE SelectDeviceDlg(HWND hwndParent, LONG lDeviceType, LONG lFlags, BSTR *pbstrDeviceID,
                                                      IWiaItem2 **ppItemRoot) = 0;
    virtual HRESULT STDMETHODCALLTYPE SelectDeviceDlgID(HWND hwndParent, LONG lDeviceType, LONG lFlags, BSTR *pbstrDeviceID) = 0;
    virtual HRESULT STDMETHODCALLTYPE RegisterEventCallbackInterface(LONG lFlags, BSTR bstrDeviceID, const GUID *pEventGUID,
                                                                     IWiaEventCallback *pIWiaEventCallback,
                                                                     IUnknown **pEventObject) = 0;
    virtual HRESULT STDMETHODCALLTYPE RegisterEventCallbackProgram(LONG lFlags, BSTR bstrDeviceID, const GUID *pEventGUID,
                                                                   BSTR bstrFullAppName, BSTR bstrCommandLineArg,
                                                                   BSTR bstrName, BSTR bstrDescription, BSTR bstrIcon) = 0;
    virtual HRESULT STDMETHODCALLTYPE RegisterEventCallbackCLSID(LONG lFlags, BSTR bstrDeviceID, const GUID *pEventGUID,
                                                                 const GUID *pClsID, BSTR bstrName, BSTR bstrDescription,
                                                                 BSTR bstrIcon) = 0;
    virtual HRESULT STDMETHODCALLTYPE GetImageDlg(LONG lFlags, BSTR bstrDeviceID, HWND hwndParent, BSTR bstrFolderName,
                                                  BSTR bstrFilename, LONG *plNumFiles, BSTR **ppbstrFilePaths,
                                                  IWiaItem2 **ppItem) = 0;
};
#endif

namespace hall::drivers::wia {

// ---- class, interface, category and format identifiers (wia_lh.idl, wiadef.h) ----

inline constexpr CLSID kClsidWiaDevMgr2{0xb6c292bc, 0x7c88, 0x41ee, {0x8b, 0x54, 0x8e, 0xc9, 0x26, 0x17, 0xe5, 0x99}};
inline constexpr IID kIidWiaDevMgr2{0x79c07cf1, 0xcbdd, 0x41ee, {0x8e, 0xc3, 0xf0, 0x00, 0x80, 0xca, 0xda, 0x7a}};
inline constexpr IID kIidWiaItem2{0x6cba0075, 0x1287, 0x407d, {0x9b, 0x77, 0xcf, 0x0e, 0x03, 0x04, 0x35, 0xcc}};
inline constexpr IID kIidEnumWiaItem2{0x59970af4, 0xcd0d, 0x44d9, {0xab, 0x24, 0x52, 0x29, 0x56, 0x30, 0xe5, 0x82}};
inline constexpr IID kIidWiaTransfer{0xc39d6942, 0x2f4e, 0x4d04, {0x92, 0xfe, 0x4e, 0xf4, 0xd3, 0xa1, 0xde, 0x5a}};
inline constexpr IID kIidWiaTransferCallback{0x27d4eaaf, 0x28a6, 0x4ca5, {0x9a, 0xab, 0xe6, 0x78, 0x16, 0x8b, 0x95, 0x27}};
// The WIA 1.0 property storage is WIA 2.0's too.
inline constexpr IID kIidWiaPropertyStorage{0x98b5e8a0, 0x29cc, 0x491a, {0xaa, 0xc0, 0xe6, 0xdb, 0x4f, 0xdc, 0xce, 0xb6}};

inline constexpr GUID kCategoryFlatbed{0xfb607b1f, 0x43f3, 0x488b, {0x85, 0x5b, 0xfb, 0x70, 0x3e, 0xc3, 0x42, 0xa6}};
inline constexpr GUID kCategoryFeeder{0xfe131934, 0xf84c, 0x42ad, {0x8d, 0xa4, 0x61, 0x29, 0xcd, 0xdd, 0x72, 0x88}};
inline constexpr GUID kCategoryRoot{0xf193526f, 0x59b8, 0x4a26, {0x98, 0x88, 0xe1, 0x6e, 0x4f, 0x97, 0xce, 0x10}};

inline constexpr GUID kFormatBmp{0xb96b3cab, 0x0728, 0x11d3, {0x9d, 0x7b, 0x00, 0x00, 0xf8, 0x1e, 0xf3, 0x2e}};
inline constexpr GUID kFormatPng{0xb96b3caf, 0x0728, 0x11d3, {0x9d, 0x7b, 0x00, 0x00, 0xf8, 0x1e, 0xf3, 0x2e}};

// ---- property ids (wiadef.h) ----

inline constexpr PROPID kDipDevId = 2;
inline constexpr PROPID kDipVendDesc = 3;
inline constexpr PROPID kDipDevDesc = 4;
inline constexpr PROPID kDipDevType = 5;
inline constexpr PROPID kDipPortName = 6;
inline constexpr PROPID kDipDevName = 7;
inline constexpr PROPID kIpsDocumentHandlingSelect = 3088; // on the feeder item in WIA 2.0
inline constexpr PROPID kIpsPages = 3096;                  // feeder: pages to scan, 0 = all
inline constexpr PROPID kIpaFirst = 4098;                  // WriteMultiple's propidNameFirst
inline constexpr PROPID kIpaItemFlags = 4101;
inline constexpr PROPID kIpaDataType = 4103;
inline constexpr PROPID kIpaDepth = 4104;
inline constexpr PROPID kIpaFormat = 4106;
inline constexpr PROPID kIpaTymed = 4108;
inline constexpr PROPID kIpsXRes = 6147;
inline constexpr PROPID kIpsYRes = 6148;

// ---- property values and attribute layout ----

inline constexpr LONG kDataThreshold = 0; // WIA_DATA_THRESHOLD: 1 bit black and white
inline constexpr LONG kDataGrayscale = 2;
inline constexpr LONG kDataColor = 3;
inline constexpr LONG kFrontOnly = 0x020;  // WIA_IPS_DOCUMENT_HANDLING_SELECT: simplex
inline constexpr LONG kDuplex = 0x004;
inline constexpr LONG kAllPages = 0;       // WIA_IPS_PAGES
inline constexpr LONG kTymedFile = 2;      // TYMED_FILE: one stream per page
inline constexpr ULONG kPropWrite = 0x02;  // WIA_PROP_* attribute flags
inline constexpr ULONG kPropRange = 0x10;
inline constexpr ULONG kPropList = 0x20;
inline constexpr ULONG kPropFlag = 0x40;
inline constexpr int kRangeMin = 0, kRangeNom = 1, kRangeMax = 2, kRangeStep = 3; // WIA_RANGE_*
inline constexpr int kListCount = 0, kListValues = 2;                            // WIA_LIST_*
inline constexpr int kFlagValues = 1;                                            // WIA_FLAG_VALUES
inline constexpr LONG kItemTypeTransfer = 0x00002000; // WiaItemTypeTransfer
inline constexpr LONG kDevInfoEnumLocal = 0x10;       // WIA_DEVINFO_ENUM_LOCAL
inline constexpr int kStiDeviceTypeScanner = 1;       // HIWORD of WIA_DIP_DEV_TYPE

// ---- IWiaTransferCallback messages ----

inline constexpr LONG kMsgStatus = 1;
inline constexpr LONG kMsgEndOfStream = 2;
inline constexpr LONG kMsgEndOfTransfer = 3;
inline constexpr LONG kMsgDeviceStatus = 5;
inline constexpr LONG kMsgNewPage = 6;

// ---- WIA HRESULTs: MAKE_HRESULT(severity, FACILITY_WIA = 33, code) ----

constexpr HRESULT wiaError(unsigned code) { return static_cast<HRESULT>(0x80210000u | code); }
constexpr HRESULT wiaStatus(unsigned code) { return static_cast<HRESULT>(0x00210000u | code); }

inline constexpr HRESULT kErrGeneral = wiaError(1);
inline constexpr HRESULT kErrPaperJam = wiaError(2);
inline constexpr HRESULT kErrPaperEmpty = wiaError(3);
inline constexpr HRESULT kErrPaperProblem = wiaError(4);
inline constexpr HRESULT kErrOffline = wiaError(5);
inline constexpr HRESULT kErrBusy = wiaError(6);
inline constexpr HRESULT kErrWarmingUp = wiaError(7);
inline constexpr HRESULT kErrUserIntervention = wiaError(8);
inline constexpr HRESULT kErrItemDeleted = wiaError(9);
inline constexpr HRESULT kErrDeviceCommunication = wiaError(10);
inline constexpr HRESULT kErrInvalidCommand = wiaError(11);
inline constexpr HRESULT kErrIncorrectHardwareSetting = wiaError(12);
inline constexpr HRESULT kErrDeviceLocked = wiaError(13);
inline constexpr HRESULT kErrExceptionInDriver = wiaError(14);
inline constexpr HRESULT kErrInvalidDriverResponse = wiaError(15);
inline constexpr HRESULT kErrCoverOpen = wiaError(16);
inline constexpr HRESULT kErrLampOff = wiaError(17);
inline constexpr HRESULT kErrMultiFeed = wiaError(20);
// WIA_S_NO_DEVICE_AVAILABLE; the SDK gives WIA_ERROR_MAXIMUM_PRINTER_ENDORSER_COUNTER the same
// value, which the driver never provokes (it does not use endorsers).
inline constexpr HRESULT kErrNoDeviceAvailable = wiaError(21);
inline constexpr HRESULT kStatusEndOfMedia = wiaStatus(1); // the feeder ran empty after a page
inline constexpr HRESULT kStatusWarmingUp = wiaStatus(2);

// The SDK's and mingw-w64's names, where they exist, agree with ours.
#ifdef WIA_IPS_XRES
static_assert(kIpsXRes == WIA_IPS_XRES && kIpsYRes == WIA_IPS_YRES);
#endif
#ifdef WIA_IPA_DATATYPE
static_assert(kIpaDataType == WIA_IPA_DATATYPE && kIpaDepth == WIA_IPA_DEPTH && kIpaFormat == WIA_IPA_FORMAT
              && kIpaTymed == WIA_IPA_TYMED && kIpaItemFlags == WIA_IPA_ITEM_FLAGS);
#endif
#ifdef WIA_DIP_DEV_NAME
static_assert(kDipDevId == WIA_DIP_DEV_ID && kDipDevName == WIA_DIP_DEV_NAME && kDipDevType == WIA_DIP_DEV_TYPE);
#endif
#ifdef WIA_DPS_DOCUMENT_HANDLING_SELECT
static_assert(kIpsDocumentHandlingSelect == WIA_DPS_DOCUMENT_HANDLING_SELECT && kIpsPages == WIA_DPS_PAGES);
#endif
#ifdef WIA_IPS_PAGES
static_assert(kIpsPages == WIA_IPS_PAGES && kIpsDocumentHandlingSelect == WIA_IPS_DOCUMENT_HANDLING_SELECT);
#endif
#ifdef WIA_DATA_COLOR
static_assert(kDataColor == WIA_DATA_COLOR && kDataGrayscale == WIA_DATA_GRAYSCALE && kDataThreshold == WIA_DATA_THRESHOLD);
#endif
#ifdef FRONT_ONLY
static_assert(kFrontOnly == FRONT_ONLY && kDuplex == DUPLEX && kAllPages == ALL_PAGES);
#endif
#ifdef WIA_PROP_LIST
static_assert(kPropWrite == WIA_PROP_WRITE && kPropRange == WIA_PROP_RANGE && kPropList == WIA_PROP_LIST
              && kPropFlag == WIA_PROP_FLAG);
static_assert(kRangeMin == WIA_RANGE_MIN && kRangeNom == WIA_RANGE_NOM && kRangeMax == WIA_RANGE_MAX
              && kRangeStep == WIA_RANGE_STEP && kListCount == WIA_LIST_COUNT && kListValues == WIA_LIST_VALUES
              && kFlagValues == WIA_FLAG_VALUES);
#endif
#ifdef WIA_DEVINFO_ENUM_LOCAL
static_assert(kDevInfoEnumLocal == WIA_DEVINFO_ENUM_LOCAL && kItemTypeTransfer == WiaItemTypeTransfer);
#endif
#ifdef WIA_ERROR_PAPER_EMPTY
static_assert(kErrGeneral == WIA_ERROR_GENERAL_ERROR && kErrPaperJam == WIA_ERROR_PAPER_JAM
              && kErrPaperEmpty == WIA_ERROR_PAPER_EMPTY && kErrPaperProblem == WIA_ERROR_PAPER_PROBLEM
              && kErrOffline == WIA_ERROR_OFFLINE && kErrBusy == WIA_ERROR_BUSY && kErrWarmingUp == WIA_ERROR_WARMING_UP
              && kErrUserIntervention == WIA_ERROR_USER_INTERVENTION && kErrItemDeleted == WIA_ERROR_ITEM_DELETED
              && kErrDeviceCommunication == WIA_ERROR_DEVICE_COMMUNICATION
              && kErrInvalidCommand == WIA_ERROR_INVALID_COMMAND
              && kErrIncorrectHardwareSetting == WIA_ERROR_INCORRECT_HARDWARE_SETTING
              && kErrDeviceLocked == WIA_ERROR_DEVICE_LOCKED && kErrExceptionInDriver == WIA_ERROR_EXCEPTION_IN_DRIVER
              && kErrInvalidDriverResponse == WIA_ERROR_INVALID_DRIVER_RESPONSE
              && kStatusEndOfMedia == WIA_STATUS_END_OF_MEDIA && kErrNoDeviceAvailable == WIA_S_NO_DEVICE_AVAILABLE);
#endif
#ifdef WIA_ERROR_COVER_OPEN
static_assert(kErrCoverOpen == WIA_ERROR_COVER_OPEN && kErrLampOff == WIA_ERROR_LAMP_OFF);
#endif
#ifdef WIA_ERROR_MULTI_FEED
static_assert(kErrMultiFeed == WIA_ERROR_MULTI_FEED);
#endif
#ifdef WIA_TRANSFER_MSG_NEW_PAGE
static_assert(kMsgStatus == WIA_TRANSFER_MSG_STATUS && kMsgEndOfStream == WIA_TRANSFER_MSG_END_OF_STREAM
              && kMsgEndOfTransfer == WIA_TRANSFER_MSG_END_OF_TRANSFER && kMsgDeviceStatus == WIA_TRANSFER_MSG_DEVICE_STATUS
              && kMsgNewPage == WIA_TRANSFER_MSG_NEW_PAGE);
#endif
static_assert(kTymedFile == TYMED_FILE);

} // namespace hall::drivers::wia
