#include "vision/evidence.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace station::vision {
namespace {

std::vector<cv::Point> toPolygon(const Quad& quad) {
    std::vector<cv::Point> polygon;
    for (const auto& p : quad) {
        polygon.emplace_back(p.x, p.y);
    }
    return polygon;
}

// Draws text on a filled box so that it stays readable on any background.
void label(cv::Mat& image, const std::string& text, cv::Point origin, const cv::Scalar& colour) {
    constexpr double kScale = 0.55;
    constexpr int kThickness = 1;
    int baseline = 0;
    cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, kScale, kThickness, &baseline);
    origin.x = std::clamp(origin.x, 0, std::max(0, image.cols - size.width - 4));
    origin.y = std::clamp(origin.y, size.height + 4, image.rows - baseline - 2);
    cv::rectangle(image, cv::Point(origin.x - 2, origin.y - size.height - 3),
                  cv::Point(origin.x + size.width + 2, origin.y + baseline + 1),
                  cv::Scalar(0, 0, 0), cv::FILLED);
    cv::putText(image, text, origin, cv::FONT_HERSHEY_SIMPLEX, kScale, colour, kThickness,
                cv::LINE_AA);
}

std::string safeLabel(const std::string& text) {
    std::string out;
    for (char c : text) {
        out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c
                                                                                          : '_');
    }
    return out.substr(0, 60);
}

}  // namespace

cv::Mat drawEvidence(const cv::Mat& frame, const std::vector<DecodedCode>& codes,
                     const std::vector<UnreadableRegion>& unreadable, const std::string& caption) {
    cv::Mat image;
    if (frame.channels() == 1) {
        cv::cvtColor(frame, image, cv::COLOR_GRAY2BGR);
    } else {
        image = frame.clone();
    }
    const cv::Scalar green(40, 220, 40);
    const cv::Scalar red(40, 40, 230);

    for (const auto& region : unreadable) {
        std::vector<std::vector<cv::Point>> polygons{toPolygon(region.corners)};
        cv::polylines(image, polygons, true, red, 2, cv::LINE_AA);
        Point centre = centreOf(region.corners);
        label(image, "unreadable", cv::Point(centre.x - 40, centre.y), red);
    }
    for (const auto& code : codes) {
        std::vector<std::vector<cv::Point>> polygons{toPolygon(code.corners)};
        cv::polylines(image, polygons, true, green, 3, cv::LINE_AA);
        std::string text = escapeBytes(code.text);
        if (text.size() > 48) {
            text = text.substr(0, 45) + "...";
        }
        int top =
            std::min({code.corners[0].y, code.corners[1].y, code.corners[2].y, code.corners[3].y});
        int left =
            std::min({code.corners[0].x, code.corners[1].x, code.corners[2].x, code.corners[3].x});
        label(image, text, cv::Point(left, top - 6), green);
    }
    label(image, caption, cv::Point(8, 24), cv::Scalar(255, 255, 255));
    return image;
}

std::filesystem::path writeEvidence(const cv::Mat& image, const std::filesystem::path& dir,
                                    const std::string& label) {
    std::filesystem::create_directories(dir);
    auto now = std::chrono::system_clock::now();
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    auto path =
        dir / (std::string(stamp) + "-" + std::to_string(millis) + "-" + safeLabel(label) + ".jpg");
    if (!cv::imwrite(path.string(), image, {cv::IMWRITE_JPEG_QUALITY, 85})) {
        throw std::runtime_error("Failed to write evidence image " + path.string() +
                                 "; check that the folder is writable and the disk has space");
    }
    return path;
}

int pruneEvidence(const std::filesystem::path& dir, int retentionDays) {
    std::error_code error;
    auto cutoff =
        std::filesystem::file_time_type::clock::now() - std::chrono::hours(24) * retentionDays;
    int removed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        if (entry.path().extension() != ".jpg") {
            continue;
        }
        if (entry.last_write_time(error) < cutoff && std::filesystem::remove(entry.path(), error)) {
            ++removed;
        }
    }
    return removed;
}

}  // namespace station::vision
