#pragma once

// The simulated devices of the capture tests: the real `virtual` driver plugin, loaded by a real
// DeviceManager on its device thread, ready before the test goes on.

#include <devices/devicemanager.h>
#include <devices/pluginloader.h>

#include <QTest>

#include <memory>

namespace hall::test {

class VirtualDevices
{
public:
    template<typename T>
    T *device(const QString &role, const QVariantMap &options)
    {
        if (!m_manager) {
            m_loader = std::make_unique<devices::PluginLoader>();
            m_manager = std::make_unique<devices::DeviceManager>(m_loader.get());
        }
        QString error;
        if (!m_manager->add({role, QStringLiteral("virtual"), {}, options}, &error)) {
            qWarning() << error;
            return nullptr;
        }
        T *d = m_manager->device<T>(role);
        if (d && !QTest::qWaitFor([d] { return d->state() == devices::Device::State::Ready; }, 5000))
            return nullptr;
        return d;
    }
    devices::DeviceManager *manager() const { return m_manager.get(); }
    // Removes every device (the loader and its plugins stay).
    void reset() { m_manager.reset(); }

private:
    std::unique_ptr<devices::PluginLoader> m_loader;
    std::unique_ptr<devices::DeviceManager> m_manager;
};

} // namespace hall::test
