#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace station::vision {

// A pixel position in frame coordinates.
struct Point {
    int x = 0;
    int y = 0;

    bool operator==(const Point&) const = default;
};

// Four corners of a symbol or region in frame coordinates: top-left, top-right, bottom-right,
// bottom-left as seen in the symbol's own orientation.
using Quad = std::array<Point, 4>;

// One code read from a frame.
struct DecodedCode {
    std::string format;  // ZXing-cpp format name: "DataMatrix", "Code128", "EAN-13", ...
    // Content bytes as the symbol encodes them; FNC1 separators in GS1 data are GS (0x1D).
    std::string text;
    std::string symbology;  // AIM symbology identifier such as "]d2"
    Quad corners{};
    // How the code was found: "plain" for the library's own pass, otherwise the retry step
    // that recovered it ("upscale", "clahe", "sharpen", "invert", "margin").
    std::string method = "plain";
};

// A region that looks like a code but did not decode, even after the retry ladder.
struct UnreadableRegion {
    Quad corners{};
};

// Everything the decode pipeline found in one frame.
struct FrameResult {
    std::vector<DecodedCode> codes;
    std::vector<UnreadableRegion> unreadable;
    double milliseconds = 0.0;     // decode wall time inside the decoder
    double cpuMilliseconds = 0.0;  // CPU time of the decoding thread
    int retryAttempts = 0;         // retry decodes run on candidate regions
    int rejected = 0;              // reads dropped because their content was not well-formed
};

// Returns the centre of a quadrilateral.
Point centreOf(const Quad& quad);

// Returns `bytes` safe to log: control bytes and bytes above 0x7E become \xNN.
std::string escapeBytes(std::string_view bytes);

// Returns `bytes` as valid UTF-8: valid UTF-8 passes unchanged, otherwise every byte is read as
// ISO 8859-1, so that no byte is lost when the text goes into JSON.
std::string toUtf8(std::string_view bytes);

}  // namespace station::vision
