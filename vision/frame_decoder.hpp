#pragma once

#include <chrono>
#include <vector>

#include "vision/decoded_code.hpp"

namespace cv {
class Mat;
}

namespace ZXing {
class DecodeHints;
}

namespace station::vision {

struct DecoderOptions {
    // Run the retry ladder on code-like regions that the plain pass did not read.
    bool retry = true;
    // CPU time of the decoding thread the retry ladder may spend on one frame, on top of the
    // plain pass.
    std::chrono::milliseconds retryBudget{25};
    // At most this many candidate regions get the retry ladder per frame.
    int maxCandidates = 8;
};

struct CandidateRegion;

// The decode pipeline for one frame: ZXing-cpp's ReadBarcodes with its default hints over the
// symbologies a packing station meets (matrix codes in one pass, linear codes one at a time, see
// frame_decoder.cpp for why), then a retry ladder of cheap transforms (extra margin,
// upscaling, CLAHE, sharpening, inversion) on candidate regions that did not decode. Every read
// passes isWellFormed(); retried reads must pass its stricter form. A linear read other than
// GS1 DataBar is reported only when a second scan line of the symbol reads the same text.
// Thread-safe: decode() keeps no state between calls.
class FrameDecoder {
public:
    explicit FrameDecoder(DecoderOptions options = {});

    // Decodes an 8-bit grayscale, BGR or BGRA frame.
    FrameResult decode(const cv::Mat& image) const;

private:
    void runRetryLadder(const cv::Mat& gray, const std::vector<CandidateRegion>& candidates,
                        const ZXing::DecodeHints& hints, FrameResult& frame) const;

    DecoderOptions options_;
};

// Decodes with ZXing-cpp's ReadBarcodes and default hints only, for comparisons.
// NOTE: Debian 12's libzxing 1.4.0 aborts the process in this call on frames with a GS1 DataBar
// or EAN-8 symbol; call it in a decoder worker (DecodeMode::Plain), not in the daemon.
FrameResult decodePlain(const cv::Mat& image);

}  // namespace station::vision
