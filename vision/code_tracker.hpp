#pragma once

#include <map>
#include <string>
#include <vector>

#include "vision/decoded_code.hpp"

namespace cv {
class Mat;
}

namespace station::vision {

// Turns per-frame reads into one event per code: a code read in `stableFrames` frames in a row
// (one missed frame is tolerated) is reported once, and again only after it has been absent
// for `forgetFrames` frames. Codes are distinguished by format and content, so two units with the
// same content in view at once give one report.
class CodeTracker {
public:
    CodeTracker(int stableFrames, int forgetFrames);

    // Feeds the codes of one frame; returns the codes that have just become stable.
    std::vector<DecodedCode> update(const std::vector<DecodedCode>& codes);

    std::size_t tracked() const { return tracks_.size(); }

private:
    struct Track {
        DecodedCode code;
        int seen = 0;
        int missing = 0;
        bool reported = false;
    };

    int stableFrames_;
    int forgetFrames_;
    std::map<std::string, Track> tracks_;
};

// Tells whether a frame differs from the last frame it accepted, on a small grayscale
// thumbnail, so that an unchanged scene is not decoded again at full cost.
class SceneChangeDetector {
public:
    explicit SceneChangeDetector(double threshold) : threshold_(threshold) {}

    // Returns true, and remembers the frame, when it differs from the last remembered frame by
    // more than the threshold (mean absolute difference in gray levels).
    bool changed(const cv::Mat& gray);

private:
    double threshold_;
    std::vector<unsigned char> last_;
};

}  // namespace station::vision
