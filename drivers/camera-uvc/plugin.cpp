// The camera-uvc driver plugin: document cameras (高拍仪) on USB Video Class, through Qt
// Multimedia, with an optional USB foot pedal.

#include "filesource.h"
#include "qtcamerasource.h"
#include "uvccamera.h"

#include <devices/deviceinfo.h>

#include <QCameraDevice>
#include <QMediaDevices>
#include <QObject>
#include <QtPlugin>

namespace hall::drivers::camerauvc {

class CameraUvcPlugin : public QObject, public devices::DocumentCameraFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallDocumentCameraFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::DocumentCameraFactory hall::devices::DeviceEnumerator)
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
    // The cameras Qt Multimedia sees (QMediaDevices::videoInputs), by the id a port takes.
    // On the application's thread, like createDocumentCamera().
    QList<devices::DeviceInfo> availableDevices(QString *) const override
    {
        QList<devices::DeviceInfo> out;
        const QVariantList cameras = QtCameraSource::cameras();
        for (const QVariant &v : cameras) {
            const QVariantMap c = v.toMap();
            devices::DeviceInfo info;
            info.port = c.value(QStringLiteral("id")).toString();
            info.description = c.value(QStringLiteral("description")).toString();
            info.details = {{QStringLiteral("default"), c.value(QStringLiteral("default"))},
                            {QStringLiteral("photoResolutions"), c.value(QStringLiteral("photoResolutions"))}};
            out.append(info);
        }
        return out;
    }
};

} // namespace hall::drivers::camerauvc

#include "plugin.moc"
