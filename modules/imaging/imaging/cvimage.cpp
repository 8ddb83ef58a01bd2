#include "cvimage_p.h"

#include <opencv2/imgproc.hpp>

namespace hall::imaging::Internal {

cv::Mat toMat(const QImage &image)
{
    if (image.isNull())
        return {};
    if (image.isGrayscale() && image.format() != QImage::Format_RGB888)
        return toGray(image);
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    return cv::Mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar *>(rgb.constBits()),
                   size_t(rgb.bytesPerLine()))
        .clone();
}

cv::Mat toGray(const QImage &image)
{
    if (image.isNull())
        return {};
    if (image.format() == QImage::Format_RGB888) {
        // Avoids Qt's per-pixel conversion of a large colour frame.
        cv::Mat rgb(image.height(), image.width(), CV_8UC3, const_cast<uchar *>(image.constBits()),
                    size_t(image.bytesPerLine()));
        cv::Mat gray;
        cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
        return gray;
    }
    const QImage g = image.convertToFormat(QImage::Format_Grayscale8);
    return cv::Mat(g.height(), g.width(), CV_8UC1, const_cast<uchar *>(g.constBits()),
                   size_t(g.bytesPerLine()))
        .clone();
}

QImage toImage(const cv::Mat &mat)
{
    if (mat.empty())
        return {};
    switch (mat.type()) {
    case CV_8UC1:
        return QImage(mat.data, mat.cols, mat.rows, int(mat.step), QImage::Format_Grayscale8).copy();
    case CV_8UC3:
        return QImage(mat.data, mat.cols, mat.rows, int(mat.step), QImage::Format_RGB888).copy();
    default:
        return {};
    }
}

QImage withDpiOf(QImage result, const QImage &source, bool swapped)
{
    result.setDotsPerMeterX(swapped ? source.dotsPerMeterY() : source.dotsPerMeterX());
    result.setDotsPerMeterY(swapped ? source.dotsPerMeterX() : source.dotsPerMeterY());
    return result;
}

} // namespace hall::imaging::Internal
