#include "vision/region_finder.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace station::vision {
namespace {

// Work on a copy no wider than this; the search only needs blob outlines.
constexpr int kWorkWidth = 640;

}  // namespace

std::vector<CandidateRegion> findCodeCandidates(const cv::Mat& gray, int minSide, int maxRegions) {
    std::vector<CandidateRegion> regions;
    if (gray.empty()) {
        return regions;
    }

    double scale = gray.cols > kWorkWidth ? double(kWorkWidth) / gray.cols : 1.0;
    cv::Mat small;
    if (scale < 1.0) {
        cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
    } else {
        small = gray;
    }

    // Bars and modules give a strong local gradient everywhere inside a symbol, while plain
    // surfaces and single edges do not survive the closing and opening below.
    cv::Mat gradient;
    cv::morphologyEx(small, gradient, cv::MORPH_GRADIENT,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3)));
    cv::Mat mask;
    cv::threshold(gradient, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(mask, mask, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    cv::morphologyEx(mask, mask, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));

    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);

    std::vector<std::pair<double, cv::RotatedRect>> boxes;
    for (const auto& contour : contours) {
        cv::RotatedRect box = cv::minAreaRect(contour);
        double side = std::min(box.size.width, box.size.height) / scale;
        double area = double(box.size.width) * box.size.height;
        // A symbol fills most of its rotated bounding box; scattered texture does not.
        if (side < minSide || area <= 0 || cv::contourArea(contour) < 0.5 * area) {
            continue;
        }
        boxes.emplace_back(area, box);
    }
    std::sort(boxes.begin(), boxes.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });

    cv::Rect frame(0, 0, gray.cols, gray.rows);
    for (const auto& [area, box] : boxes) {
        if (int(regions.size()) >= maxRegions) {
            break;
        }
        cv::Point2f points[4];
        box.points(points);
        CandidateRegion region;
        for (int i = 0; i < 4; ++i) {
            region.corners[size_t(i)] = {int(points[i].x / scale), int(points[i].y / scale)};
        }
        cv::Rect bounds = cv::boundingRect(std::vector<cv::Point2f>(points, points + 4));
        bounds = cv::Rect(int(bounds.x / scale), int(bounds.y / scale),
                          int(bounds.width / scale) + 1, int(bounds.height / scale) + 1) &
                 frame;
        region.left = bounds.x;
        region.top = bounds.y;
        region.width = bounds.width;
        region.height = bounds.height;
        regions.push_back(region);
    }
    return regions;
}

}  // namespace station::vision
