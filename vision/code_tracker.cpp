#include "vision/code_tracker.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace station::vision {
namespace {

std::string keyOf(const DecodedCode& code) {
    return code.format + '\0' + code.text;
}

// Thumbnail size for scene comparison; small enough to cost well under a millisecond.
constexpr int kThumbWidth = 80;
constexpr int kThumbHeight = 45;

}  // namespace

CodeTracker::CodeTracker(int stableFrames, int forgetFrames)
    : stableFrames_(std::max(1, stableFrames)), forgetFrames_(std::max(1, forgetFrames)) {}

std::vector<DecodedCode> CodeTracker::update(const std::vector<DecodedCode>& codes) {
    std::vector<DecodedCode> stable;
    std::map<std::string, const DecodedCode*> present;
    for (const auto& code : codes) {
        present.emplace(keyOf(code), &code);
    }

    for (auto it = tracks_.begin(); it != tracks_.end();) {
        Track& track = it->second;
        if (present.count(it->first)) {
            ++it;
            continue;
        }
        ++track.missing;
        // A single missed frame (motion blur, a hand passing) does not restart the count.
        if (track.missing > 1 && !track.reported) {
            track.seen = 0;
        }
        if (track.missing >= forgetFrames_) {
            it = tracks_.erase(it);
        } else {
            ++it;
        }
    }

    for (const auto& [key, code] : present) {
        Track& track = tracks_[key];
        track.code = *code;
        track.missing = 0;
        ++track.seen;
        if (!track.reported && track.seen >= stableFrames_) {
            track.reported = true;
            stable.push_back(*code);
        }
    }
    return stable;
}

bool SceneChangeDetector::changed(const cv::Mat& gray) {
    cv::Mat thumb;
    cv::resize(gray, thumb, cv::Size(kThumbWidth, kThumbHeight), 0, 0, cv::INTER_AREA);
    std::vector<unsigned char> pixels(thumb.begin<unsigned char>(), thumb.end<unsigned char>());
    if (last_.size() != pixels.size()) {
        last_ = std::move(pixels);
        return true;
    }
    double sum = 0;
    for (size_t i = 0; i < pixels.size(); ++i) {
        sum += std::abs(int(pixels[i]) - int(last_[i]));
    }
    if (sum / double(pixels.size()) <= threshold_) {
        return false;
    }
    last_ = std::move(pixels);
    return true;
}

}  // namespace station::vision
