// The camera-uvc driver plugin: document cameras (高拍仪) on USB Video Class, through Qt
// Multimedia, with an optional USB foot pedal.

#include "filesource.h"
#include "uvccamera.h"

#include <QCameraDevice>
#include <QMediaDevices>
#include <QObject>
#include <QtPlugin>

namespace hall::drivers::camerauvc {

class CameraUvcPlugin : public QObject, public devices::DocumentCameraFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallDocumentCameraFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::DocumentCameraFactory)
public:
    devices::DocumentCamera *createDocumentCamera(const devices::DeviceConfig &config) override
    {
        // Qt Multimedia's backend (GStreamer's device monitor and its bus watch) is made on
        // first use and belongs to the thread that used it: make it here, on the application's
        // thread, not on the device thread that may end before the application does.
        if (parsePort(config.port).kind != Port::File)
            (void)QMediaDevices::videoInputs();
        // Options are read (and bad ones refused) when the device opens, on its own thread.
        return new UvcCamera(config);
    }
};

} // namespace hall::drivers::camerauvc

#include "plugin.moc"
