#pragma once

#include <filesystem>
#include <opencv2/core/mat.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "vision/decoded_code.hpp"

namespace station::vision::testing {

// A symbol to draw: the zint barcode type and input, and what a decoder must return.
struct SymbolSpec {
    std::string zintType;   // zint -b name, e.g. "DATAMATRIX"
    std::string zintInput;  // zint -d data; GS1 element strings use [AI] brackets
    bool gs1 = false;       // pass --gs1
    std::string format;     // ZXing-cpp format name of the expected read
    std::string text;       // expected content bytes, GS as 0x1D
};

// Camera effects applied to a composed frame.
enum class Distortion {
    None,
    Perspective,
    Rotation,
    Blur,
    Noise,
    Glare,
    LowContrast,
    Curvature,
    Inversion,
    Small,
};

std::string_view distortionName(Distortion distortion);
const std::vector<Distortion>& allDistortions();

// One expected code in a composed frame.
struct ExpectedCode {
    std::string format;
    std::string text;
    Quad corners{};
};

struct TestFrame {
    cv::Mat image;  // 8-bit BGR
    std::vector<ExpectedCode> expected;
};

// Symbols covering every symbology the station reads, with unit identities from one order.
std::vector<SymbolSpec> stationSymbols();

// Renders a symbol with the Debian zint tool (--quietzones) as an 8-bit grayscale image with
// `moduleSize` pixels per module. Throws std::runtime_error when zint fails.
cv::Mat renderWithZint(const SymbolSpec& spec, int moduleSize,
                       const std::filesystem::path& workDir);

// Renders text as a QR Code or DataMatrix with ZXing-cpp's MultiFormatWriter.
cv::Mat renderWithZxing(std::string_view format, const std::string& text, int size);

// Renders a symbol with ZXing-cpp's writer for QR Codes and with zint for the rest.
cv::Mat renderSymbol(const SymbolSpec& spec, int moduleSize, const std::filesystem::path& workDir);

// Places symbols on a textured background of `size`, each in its own cell, and applies the
// distortion the way a camera would. Deterministic for a given generator state.
TestFrame composeFrame(const std::vector<cv::Mat>& symbols, const std::vector<SymbolSpec>& specs,
                       cv::Size size, Distortion distortion, std::mt19937& random);

// Counts the expected codes that `codes` contains with the same format and text.
struct Score {
    int expected = 0;
    int found = 0;
    int misreads = 0;  // reads whose text matches no expected code
};
Score scoreFrame(const std::vector<ExpectedCode>& expected, const std::vector<DecodedCode>& codes);

// Creates a fresh directory under the system temporary directory.
std::filesystem::path makeTempDir(std::string_view prefix);

}  // namespace station::vision::testing
