// libhall_ui_video: VideoPlayer over Qt Multimedia, loaded by VideoPlayer::create().

#include <ui/videoplayer.h>
#include <ui_video/ui_video_export.h>

#include <QMediaPlayer>
#include <QUrl>
#include <QVideoWidget>

namespace hall::ui {

namespace {

class MultimediaVideoPlayer final : public VideoPlayer
{
public:
    explicit MultimediaVideoPlayer(QWidget *parent)
        : VideoPlayer(parent), m_player(new QMediaPlayer(this)), m_video(new QVideoWidget(parent))
    {
        m_video->setAspectRatioMode(Qt::KeepAspectRatio);
        m_video->hide();
        m_player->setVideoOutput(m_video);
        connect(m_player, &QMediaPlayer::mediaStatusChanged, this, [this](QMediaPlayer::MediaStatus status) {
            if (status == QMediaPlayer::EndOfMedia)
                Q_EMIT ended();
            else if (status == QMediaPlayer::InvalidMedia)
                Q_EMIT failed(m_player->errorString());
        });
        connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString &message) { Q_EMIT failed(message); });
    }

    QWidget *widget() const override { return m_video; }

    void play(const QString &file) override
    {
        m_video->show();
        m_player->setSource(QUrl::fromLocalFile(file));
        m_player->play();
    }

    void stop() override
    {
        m_player->stop();
        m_player->setSource(QUrl());
        m_video->hide();
    }

private:
    QMediaPlayer *m_player;
    QVideoWidget *m_video;
};

} // namespace

extern "C" HALL_UI_VIDEO_EXPORT VideoPlayer *hall_ui_createVideoPlayer(QWidget *parent)
{
    return new MultimediaVideoPlayer(parent);
}

} // namespace hall::ui
