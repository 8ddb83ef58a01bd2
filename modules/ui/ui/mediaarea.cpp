#include "mediaarea.h"

#include <core/logging.h>

#include "videoplayer.h"

#include <QDir>
#include <QImageReader>
#include <QPainter>

namespace hall::ui {

namespace {

const QStringList ImageSuffixes = {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
                                   QStringLiteral("bmp"), QStringLiteral("gif"), QStringLiteral("webp")};
const QStringList VideoSuffixes = {QStringLiteral("mp4"), QStringLiteral("webm"), QStringLiteral("mkv"),
                                   QStringLiteral("avi"), QStringLiteral("mov"), QStringLiteral("ts")};

} // namespace

MediaArea::MediaArea(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_imageTimer.setInterval(8000);
    m_imageTimer.setSingleShot(true);
    connect(&m_imageTimer, &QTimer::timeout, this, &MediaArea::next);
}

MediaArea::~MediaArea() = default;

bool MediaArea::isVideo(const QString &file)
{
    return VideoSuffixes.contains(QFileInfo(file).suffix().toLower());
}

void MediaArea::setFolder(const QString &folder)
{
    m_folder = folder;
    m_index = -1;
    rescan();
    next();
}

void MediaArea::rescan()
{
    m_files.clear();
    if (m_folder.isEmpty())
        return;
    const QFileInfoList entries = QDir(m_folder).entryInfoList(QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo &f : entries) {
        const QString suffix = f.suffix().toLower();
        if (ImageSuffixes.contains(suffix) || VideoSuffixes.contains(suffix))
            m_files.append(f.absoluteFilePath());
    }
}

void MediaArea::skip(const QString &file, const QString &why)
{
    if (!m_reported.contains(file)) {
        if (m_reported.size() > 100)
            m_reported.clear();
        m_reported.append(file);
        qCWarning(lcApp, "media: %s skipped: %s", qPrintable(QFileInfo(file).fileName()), qPrintable(why));
    }
}

void MediaArea::next()
{
    m_imageTimer.stop();
    stopVideo();
    // Every file may fail; try each once per call, then show the placeholder until the next round.
    for (int tries = 0; tries <= m_files.size(); ++tries) {
        if (++m_index >= m_files.size()) {
            m_index = 0;
            rescan();
            if (m_files.isEmpty())
                break;
        }
        const QString file = m_files.at(m_index);
        if (isVideo(file)) {
            QString error;
            if (!playVideo(file, &error)) {
                skip(file, error);
                continue;
            }
            m_current = file;
            Q_EMIT currentChanged(file);
            return;
        }
        QImageReader reader(file);
        reader.setAutoTransform(true);
        const QImage image = reader.read();
        if (image.isNull()) {
            skip(file, reader.errorString());
            continue;
        }
        m_original = image;
        m_image = image.scaled(size(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
        m_current = file;
        m_imageTimer.start();
        update();
        Q_EMIT currentChanged(file);
        return;
    }
    m_current.clear();
    m_original = QImage();
    m_image = QImage();
    update();
    // Look again later: the hall may copy files in.
    m_imageTimer.start();
}

bool MediaArea::playVideo(const QString &file, QString *error)
{
    if (!m_player) {
        m_player = VideoPlayer::create(this, error);
        if (!m_player)
            return false;
        connect(m_player, &VideoPlayer::ended, this, [this] { QTimer::singleShot(0, this, &MediaArea::next); });
        connect(m_player, &VideoPlayer::failed, this, [this](const QString &message) {
            skip(m_current, message);
            QTimer::singleShot(0, this, &MediaArea::next);
        });
    }
    m_original = QImage();
    m_image = QImage();
    m_player->widget()->setGeometry(rect());
    m_player->play(file);
    return true;
}

void MediaArea::stopVideo()
{
    if (m_player)
        m_player->stop();
}

void MediaArea::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (!m_original.isNull())
        m_image = m_original.scaled(size(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
    if (m_player)
        m_player->widget()->setGeometry(rect());
}

void MediaArea::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_background);
    if (!m_image.isNull()) {
        p.drawImage((width() - m_image.width()) / 2, (height() - m_image.height()) / 2, m_image);
    } else if (!m_placeholder.isEmpty() && !(m_player && m_player->widget()->isVisible())) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }
}

} // namespace hall::ui
