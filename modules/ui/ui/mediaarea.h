#pragma once

#include <ui/ui_export.h>

#include <QImage>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QWidget>

namespace hall::ui {

class VideoPlayer;

// Images and videos from a local folder, one after the other, for ever (a wall's or a kiosk's
// attract area). Nothing comes from the network, so it keeps playing offline. The folder is
// read again at the end of each round: files the hall adds or removes take effect without a
// restart. A file that cannot be shown (damaged image, a video with no decoder) is skipped
// and said once in the log. Videos play through VideoPlayer, whose Qt Multimedia is loaded with
// the first video.
class HALL_UI_EXPORT MediaArea : public QWidget
{
    Q_OBJECT
public:
    explicit MediaArea(QWidget *parent = nullptr);
    ~MediaArea() override;

    void setFolder(const QString &folder);
    QString folder() const { return m_folder; }
    void setImageSeconds(int seconds) { m_imageTimer.setInterval(seconds * 1000); }
    void setBackground(const QColor &color) { m_background = color; update(); }
    // The text shown while the folder has nothing to show.
    void setPlaceholder(const QString &text) { m_placeholder = text; update(); }

    QStringList playlist() const { return m_files; }
    QString currentFile() const { return m_current; }
    static bool isVideo(const QString &file);

public Q_SLOTS:
    void next();

Q_SIGNALS:
    void currentChanged(const QString &file);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void rescan();
    bool playVideo(const QString &file, QString *error);
    void stopVideo();
    void skip(const QString &file, const QString &why);

    QString m_folder;
    QStringList m_files;
    int m_index = -1;
    QString m_current;
    QImage m_image;   // the current image, scaled to the widget once
    QImage m_original;
    QTimer m_imageTimer;
    QColor m_background = Qt::black;
    QString m_placeholder;
    VideoPlayer *m_player = nullptr;
    QStringList m_reported;
};

} // namespace hall::ui
