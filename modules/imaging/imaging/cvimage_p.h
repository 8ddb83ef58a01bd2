#pragma once

#include <QImage>

#include <opencv2/core.hpp>

namespace hall::imaging::Internal {

// Deep copies between QImage and cv::Mat. Colour images travel as 3-channel RGB (not BGR:
// nothing here cares about the channel order), grey ones as 1 channel; alpha is dropped.
cv::Mat toMat(const QImage &image);
cv::Mat toGray(const QImage &image);
QImage toImage(const cv::Mat &mat);

// The result of an operation keeps the source's resolution (and swaps it for a quarter turn).
QImage withDpiOf(QImage result, const QImage &source, bool swapped = false);

} // namespace hall::imaging::Internal
