#pragma once

// A device backend driven by the test (as qtserialbus tests QCanBusDevice with a test
// backend): open() succeeds or fails as told, the link is lost on command, and churn()
// changes the status as fast as it can while another thread reads it. Compiled into the test
// (Device tests) and into the test-fake plugin (DeviceManager tests, reached by method name:
// the plugin's copy has a meta-object of its own).

#include <devices/device.h>

#include <QAtomicInt>
#include <QtPlugin>

namespace hall::devices::test {

class FakeDevice : public Device
{
    Q_OBJECT
public:
    enum Outcome { Succeed, NotFound, Configuration };

    explicit FakeDevice(DeviceConfig config, QObject *parent = nullptr) : Device(std::move(config), parent)
    {
        const QString outcome = this->config().options.value(QStringLiteral("outcome")).toString();
        m_outcome.storeRelaxed(outcome == QLatin1String("notfound") ? NotFound
                               : outcome == QLatin1String("configuration") ? Configuration : Succeed);
    }

    // Any thread.
    Q_INVOKABLE void setOutcome(int outcome) { m_outcome.storeRelaxed(outcome); }
    Q_INVOKABLE int opens() const { return m_opens.loadRelaxed(); }
    Q_INVOKABLE int closes() const { return m_closes.loadRelaxed(); }
    Q_INVOKABLE int churned() const { return m_churned.loadAcquire(); }

    // The device's thread.
    Q_INVOKABLE void loseLink(const QString &why) { connectionLost(why); }
    // Alternates two errors, each with its own message, and two states; a reader on another
    // thread must never see one error with the other's message.
    Q_INVOKABLE void churn(int rounds)
    {
        for (int i = 0; i < rounds; ++i) {
            setError(Error::Timeout, QStringLiteral("timeout %1 of a long message that does not fit a small string").arg(i));
            setState(State::Busy);
            setError(Error::Protocol, QStringLiteral("protocol %1").arg(i));
            setState(State::Ready);
        }
        m_churned.storeRelease(1);
    }

protected:
    bool openDevice() override
    {
        m_opens.ref();
        switch (m_outcome.loadRelaxed()) {
        case NotFound:
            setError(Error::NotFound, QStringLiteral("no fake device at %1").arg(config().port));
            return false;
        case Configuration:
            setError(Error::Configuration, QStringLiteral("options.outcome: told to fail"));
            return false;
        default:
            return true;
        }
    }
    void closeDevice() override { m_closes.ref(); }

private:
    QAtomicInt m_outcome{Succeed};
    QAtomicInt m_opens{0};
    QAtomicInt m_closes{0};
    QAtomicInt m_churned{0};
};

// The factory of a device class the test adds to the DeviceClasses table ("FakeGadget").
class FakeGadgetFactory
{
public:
    virtual ~FakeGadgetFactory() = default;
    virtual Device *createFakeGadget(const DeviceConfig &config) = 0;
};

} // namespace hall::devices::test

#define HallFakeGadgetFactory_iid "org.hallsuite.devices.test.FakeGadgetFactory/1"
Q_DECLARE_INTERFACE(hall::devices::test::FakeGadgetFactory, HallFakeGadgetFactory_iid)
