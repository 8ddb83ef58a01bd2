#include "synthetic.h"

#include "cvimage_p.h"

#include <QPainter>
#include <QRandomGenerator>

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace hall::imaging {

using namespace Internal;

namespace {

constexpr double a4Ratio = 1.41421356;

// Smooth random field in [0, 1]: uniform noise on a coarse grid, enlarged.
cv::Mat smoothNoise(cv::Size size, cv::Size grid, cv::RNG &rng)
{
    cv::Mat coarse(std::max(grid.height, 2), std::max(grid.width, 2), CV_32F);
    rng.fill(coarse, cv::RNG::UNIFORM, 0.0, 1.0);
    cv::Mat out;
    cv::resize(coarse, out, size, 0, 0, cv::INTER_CUBIC);
    return out;
}

cv::Mat background(Background kind, cv::Size size, cv::RNG &rng)
{
    cv::Mat out(size, CV_32FC3);
    switch (kind) {
    case Background::Wood: {
        // Grain: stripes along x that wander slowly, plus knots of colour.
        const cv::Mat grain = smoothNoise(size, {6, size.height / 5}, rng);
        const cv::Mat blotch = smoothNoise(size, {10, 8}, rng);
        for (int y = 0; y < size.height; ++y) {
            const float *g = grain.ptr<float>(y), *b = blotch.ptr<float>(y);
            auto *o = out.ptr<cv::Vec3f>(y);
            for (int x = 0; x < size.width; ++x) {
                const float k = 0.62f + 0.28f * g[x] + 0.12f * b[x];
                o[x] = cv::Vec3f(168 * k, 112 * k, 66 * k);
            }
        }
        break;
    }
    case Background::DarkDesk: {
        const cv::Mat mottle = smoothNoise(size, {8, 6}, rng);
        const cv::Mat speckle = smoothNoise(size, {size.width / 3, size.height / 3}, rng);
        for (int y = 0; y < size.height; ++y) {
            const float *m = mottle.ptr<float>(y), *s = speckle.ptr<float>(y);
            auto *o = out.ptr<cv::Vec3f>(y);
            for (int x = 0; x < size.width; ++x) {
                const float v = 48 + 20 * m[x] + 14 * s[x];
                o[x] = cv::Vec3f(v, v + 2, v + 7);
            }
        }
        break;
    }
    case Background::GreyFabric: {
        const int cell = std::max(2, size.width / 500);
        for (int y = 0; y < size.height; ++y) {
            auto *o = out.ptr<cv::Vec3f>(y);
            for (int x = 0; x < size.width; ++x) {
                const float weave = ((x / cell + y / cell) % 2) ? 10.f : -10.f;
                o[x] = cv::Vec3f(126 + weave, 122 + weave, 114 + weave);
            }
        }
        break;
    }
    case Background::CuttingMat: {
        // A green mat with a light grid: long straight lines that are not the page.
        const int pitch = std::max(20, size.width / 24), line = std::max(2, size.width / 800);
        for (int y = 0; y < size.height; ++y) {
            auto *o = out.ptr<cv::Vec3f>(y);
            for (int x = 0; x < size.width; ++x) {
                const bool onGrid = x % pitch < line || y % pitch < line;
                o[x] = onGrid ? cv::Vec3f(100, 165, 125) : cv::Vec3f(38, 102, 74);
            }
        }
        break;
    }
    }
    return out;
}

} // namespace

QImage renderA4Page(int width, quint32 seed)
{
    const int height = int(std::lround(width * a4Ratio));
    QImage page(width, height, QImage::Format_RGB888);
    page.fill(QColor(250, 249, 245));
    QRandomGenerator random(seed);
    static const char *const titles[] = {"居民身份证申领登记表", "营业执照登记申请书",
                                         "社会保险参保登记表", "不动产登记申请审批表"};
    static const char *const fields[] = {"姓名", "性别", "民族", "出生日期", "公民身份号码",
                                         "户籍地址", "联系电话", "工作单位", "申请事项", "办理窗口"};
    static const char *const values[] = {"张伟", "男", "汉族", "1985年3月12日", "110101198503120018",
                                         "北京市东城区东华门街道", "13800138000", "东城区政务服务中心",
                                         "首次申领", "综合受理三号窗口"};
    static const char *const sentences[] = {
        "本人承诺所填写的信息真实、准确、完整，如有虚假愿承担相应的法律责任。",
        "申请人应当如实提交有关材料和反映真实情况，并对申请材料实质内容的真实性负责。",
        "请携带本人有效身份证件原件及复印件到政务服务大厅综合受理窗口办理。",
        "办理时限为自受理之日起五个工作日内，需要现场核查的，核查时间不计入办理时限。",
        "材料不齐全或者不符合法定形式的，窗口工作人员当场一次性告知需要补正的全部内容。"};

    QPainter p(&page);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const double margin = width * 0.1;
    const double inner = width - 2 * margin;
    QFont font(QStringLiteral("Noto Sans CJK SC"));
    font.setPixelSize(std::max(8, width / 24));
    font.setBold(true);
    p.setFont(font);
    p.setPen(QColor(20, 20, 20));
    double y = height * 0.07;
    p.drawText(QRectF(margin, y, inner, width / 12.0), Qt::AlignCenter,
               QString::fromUtf8(titles[random.bounded(4)]));
    y += width / 9.0;

    // The field table.
    font.setBold(false);
    font.setPixelSize(std::max(6, width / 48));
    p.setFont(font);
    const double row = width / 22.0;
    p.setPen(QPen(QColor(30, 30, 30), std::max(1.0, width / 600.0)));
    for (int i = 0; i < 10; ++i) {
        const QRectF label(margin, y + i * row, inner * 0.3, row);
        const QRectF value(margin + inner * 0.3, y + i * row, inner * 0.7, row);
        p.drawRect(label);
        p.drawRect(value);
        p.drawText(label.adjusted(row * 0.3, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, QString::fromUtf8(fields[i]));
        p.drawText(value.adjusted(row * 0.3, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, QString::fromUtf8(values[i]));
    }
    y += 10 * row + row * 0.8;

    // Paragraphs of body text, wrapped.
    QString body;
    for (int i = 0; i < 9; ++i)
        body += QString::fromUtf8(sentences[random.bounded(5)]);
    const QRectF bodyRect(margin, y, inner, height * 0.86 - y);
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAnywhere);
    p.drawText(bodyRect, body, option);

    p.drawText(QRectF(margin, height * 0.88, inner, row), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("申请日期：2026年11月23日"));

    // A red seal over the date.
    const QPointF centre(width - margin - inner * 0.15, height * 0.875);
    const double radius = width * 0.075;
    p.setPen(QPen(QColor(200, 30, 30, 200), std::max(1.5, width / 250.0)));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(centre, radius, radius);
    font.setPixelSize(std::max(6, int(radius / 3.5)));
    p.setFont(font);
    p.drawText(QRectF(centre.x() - radius, centre.y() - radius / 3, 2 * radius, radius * 2 / 3),
               Qt::AlignCenter, QStringLiteral("政务服务专用章"));
    p.end();
    setDpi(&page, int(std::lround(width / (210 / 25.4))));
    return page;
}

SyntheticPhoto photographPage(const SyntheticSpec &spec)
{
    SyntheticPhoto photo;
    const cv::Size size(spec.frame.width(), spec.frame.height());
    cv::RNG rng(spec.seed ? spec.seed : 1);

    // The page as a camera sees it: a 1 × √2 sheet whose plane is turned by `tilt` about an
    // axis across `tiltDirection`, moved off the optical axis by `offset`, seen through a
    // pinhole 1.6 page heights away that looks through the frame's centre (as real lenses do,
    // and as the aspect estimate of warpPage() assumes), then turned in the frame by `rotation`.
    const double w = 1 / a4Ratio, h = 1, distance = 1.6;
    const double tau = spec.tilt * CV_PI / 180, phi = spec.tiltDirection * CV_PI / 180;
    const QPointF far(std::sin(phi), -std::cos(phi));
    const QPointF offAxis(spec.offset.x() * size.width / size.height / spec.pageHeight,
                        spec.offset.y() / spec.pageHeight);
    const double rot = spec.rotation * CV_PI / 180;
    const QPointF flat[4] = {{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}};
    QPointF seen[4];
    for (int i = 0; i < 4; ++i) {
        const double s = flat[i].x() * far.x() + flat[i].y() * far.y();
        const QPointF across = flat[i] - far * s;
        const QPointF p = (across + far * (s * std::cos(tau)) + offAxis) * (distance / (distance + s * std::sin(tau)));
        seen[i] = QPointF(p.x() * std::cos(rot) - p.y() * std::sin(rot),
                          p.x() * std::sin(rot) + p.y() * std::cos(rot));
    }
    double minY = 1e9, maxY = -1e9;
    for (const auto &p : seen)
        minY = std::min(minY, p.y()), maxY = std::max(maxY, p.y());
    // As large as asked, but zoomed out (about the centre) until every corner is on the frame.
    double scale = spec.pageHeight * size.height / (maxY - minY);
    for (const auto &p : seen) {
        if (p.x() != 0)
            scale = std::min(scale, 0.47 * size.width / std::abs(p.x()));
        if (p.y() != 0)
            scale = std::min(scale, 0.47 * size.height / std::abs(p.y()));
    }
    const double cx = size.width / 2.0 - 0.5, cy = size.height / 2.0 - 0.5;
    for (int i = 0; i < 4; ++i)
        photo.corners[size_t(i)] = QPointF(cx + seen[i].x() * scale, cy + seen[i].y() * scale);

    // Rendered a little larger than it appears, so the warp shrinks it (no blocky text).
    photo.page = renderA4Page(std::max(300, int(1.25 * w * scale)), spec.seed);
    const cv::Mat page = toMat(photo.page);
    const float pw = float(page.cols), ph = float(page.rows);
    const cv::Point2f from[4] = {{-0.5f, -0.5f}, {pw - 0.5f, -0.5f}, {pw - 0.5f, ph - 0.5f}, {-0.5f, ph - 0.5f}};
    cv::Point2f to[4];
    for (int i = 0; i < 4; ++i)
        to[i] = cv::Point2f(float(photo.corners[size_t(i)].x()), float(photo.corners[size_t(i)].y()));
    const cv::Mat homography = cv::getPerspectiveTransform(from, to);

    cv::Mat warped, mask;
    cv::warpPerspective(page, warped, homography, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    warped.convertTo(warped, CV_32FC3);
    // Coverage of each pixel by the page: 0.5 exactly on its outline.
    cv::warpPerspective(cv::Mat(page.size(), CV_32F, cv::Scalar(1)), mask, homography, size,
                        cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));

    cv::Mat scene = background(spec.background, size, rng);
    // The page's cast shadow on the desk, down and to the right, soft.
    const double lift = size.width / 150.0;
    cv::Mat shade;
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, lift, 0, 1, lift * 1.3);
    cv::warpAffine(mask, shade, shift, size);
    cv::GaussianBlur(shade, shade, cv::Size(), lift * 1.5);
    cv::Mat keep = 1 - 0.8 * spec.shadow * shade;

    // Light falling off across the frame in a random direction, on desk and page alike.
    const double lightAngle = rng.uniform(0.0, 2 * CV_PI);
    const double lx = std::cos(lightAngle), ly = std::sin(lightAngle);
    const double reach = std::hypot(size.width, size.height) / 2;
    cv::Mat light(size, CV_32F);
    for (int y = 0; y < size.height; ++y) {
        auto *l = light.ptr<float>(y);
        for (int x = 0; x < size.width; ++x) {
            const double t = ((x - size.width / 2.0) * lx + (y - size.height / 2.0) * ly) / reach;
            l[x] = float(1 - spec.shadow * std::clamp(0.5 + 0.5 * t, 0.0, 1.0));
        }
    }

    cv::Mat scene3, mask3, keep3, light3;
    cv::Mat maskChannels[3] = {mask, mask, mask}, keepChannels[3] = {keep, keep, keep},
            lightChannels[3] = {light, light, light};
    cv::merge(maskChannels, 3, mask3);
    cv::merge(keepChannels, 3, keep3);
    cv::merge(lightChannels, 3, light3);
    scene = scene.mul(keep3);
    scene = scene.mul(cv::Scalar(1, 1, 1) - mask3) + warped.mul(mask3);
    scene = scene.mul(light3);
    cv::GaussianBlur(scene, scene, cv::Size(), 0.7); // lens softness
    if (spec.noise > 0) {
        cv::Mat noise(size, CV_32FC3);
        rng.fill(noise, cv::RNG::NORMAL, 0, spec.noise);
        scene += noise;
    }
    cv::Mat out;
    scene.convertTo(out, CV_8UC3);
    photo.image = toImage(out);
    return photo;
}

} // namespace hall::imaging
