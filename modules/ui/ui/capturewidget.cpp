#include "capturewidget.h"

#include "captureview.h"

#include <app/commands.h>
#include <devices/documentcamera.h>

#include <QVBoxLayout>

namespace hall::ui {

CaptureWidget::CaptureWidget(QWidget *parent, app::Commands *commands)
    : QWidget(parent)
    , m_ownCommands(commands ? nullptr : std::make_unique<app::Commands>())
    , m_commands(commands ? commands : m_ownCommands.get())
{
    m_controller.registerCommands(m_commands);
    if (m_ownCommands)
        m_commands->attach(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    setTouchMode(false);
    connect(&m_controller, &CaptureController::pagesChanged, this, &CaptureWidget::pagesChanged);
    connect(&m_controller, &CaptureController::busyChanged, this, &CaptureWidget::busyChanged);
    connect(&m_controller, &CaptureController::photoRotationChanged, this, &CaptureWidget::photoRotationChanged);
    connect(&m_controller, &CaptureController::pdfMade, this, &CaptureWidget::pdfMade);
    connect(&m_controller, &CaptureController::pdfFailed, this, &CaptureWidget::pdfFailed);
    connect(&m_controller, &CaptureController::message, this, &CaptureWidget::message);
}

CaptureWidget::~CaptureWidget()
{
    delete m_view; // views release the controller's preview; the controller is destroyed next
}

void CaptureWidget::setCamera(devices::DocumentCamera *camera)
{
    if (m_ownCommands && m_controller.camera())
        m_ownCommands->unbindHardwareKeys(m_controller.camera());
    m_controller.setCamera(camera);
    // Without the app's registry (which HallApplication::bindHardwareKey feeds), the widget
    // binds the camera's pedal to its own.
    if (m_ownCommands && camera) {
        QString ignored; // a camera without a pedal signal is fine
        m_ownCommands->bindHardwareKey(camera, "pedalPressed", QLatin1String(CaptureController::Shoot), &ignored);
    }
}

void CaptureWidget::setShootKey(const QKeySequence &key)
{
    m_commands->setKey(QLatin1String(CaptureController::Shoot), key);
}

void CaptureWidget::setTouchMode(bool touch)
{
    if (m_view && isTouchMode() == touch)
        return;
    delete m_view;
    if (touch)
        m_view = new CaptureTouchView(&m_controller, this);
    else
        m_view = new CaptureDeskView(&m_controller, this);
    layout()->addWidget(m_view);
}

bool CaptureWidget::isTouchMode() const
{
    return qobject_cast<CaptureTouchView *>(m_view.data());
}

void CaptureWidget::chooseFiles()
{
    m_view->chooseFiles();
}

} // namespace hall::ui
