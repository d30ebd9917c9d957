#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vision/decoded_code.hpp"

namespace cv {
class Mat;
}

namespace station::vision {

// Draws each code's outline and decoded text (control bytes escaped) in green and each
// unreadable region in red on a copy of a BGR frame, with `caption` along the top.
cv::Mat drawEvidence(const cv::Mat& frame, const std::vector<DecodedCode>& codes,
                     const std::vector<UnreadableRegion>& unreadable, const std::string& caption);

// Writes `image` as a JPEG into `dir` (created if missing) under a name made of the UTC time
// and `label`, and returns the path. Throws std::runtime_error when the file cannot be written.
std::filesystem::path writeEvidence(const cv::Mat& image, const std::filesystem::path& dir,
                                    const std::string& label);

// Deletes evidence JPEGs in `dir` whose modification time is more than `retentionDays` days
// ago. Returns the number of files deleted.
int pruneEvidence(const std::filesystem::path& dir, int retentionDays);

}  // namespace station::vision
