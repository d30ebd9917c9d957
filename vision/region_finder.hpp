#pragma once

#include <vector>

#include "vision/decoded_code.hpp"

namespace cv {
class Mat;
}

namespace station::vision {

// A frame area dense in strong edges, the way a barcode or 2D symbol is.
struct CandidateRegion {
    Quad corners{};  // rotated rectangle around the area, frame coordinates
    int left = 0;    // axis-aligned bounds of `corners`, clipped to the frame
    int top = 0;
    int width = 0;
    int height = 0;
};

// Finds code-like regions in a grayscale frame: a morphological gradient, Otsu threshold and a
// closing that merges bars and modules into blobs. Regions smaller than `minSide` pixels on
// either side are dropped. The largest regions come first, at most `maxRegions` of them.
// NOTE: dense printed text passes the same test, so callers must not treat every region as a
// barcode.
std::vector<CandidateRegion> findCodeCandidates(const cv::Mat& gray, int minSide = 24,
                                                int maxRegions = 12);

}  // namespace station::vision
