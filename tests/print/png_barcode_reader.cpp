#include "tests/print/png_barcode_reader.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace station::print::test {

std::vector<DecodedSymbol> readBarcodes(const std::filesystem::path& png, const Region& region) {
    const cv::Mat image = cv::imread(png.string(), cv::IMREAD_GRAYSCALE);
    if (image.empty()) {
        throw std::runtime_error("Failed to read picture " + png.string());
    }

    const int x = std::clamp(region.x, 0, image.cols);
    const int y = std::clamp(region.y, 0, image.rows);
    const int width = std::clamp(region.width, 0, image.cols - x);
    const int height = std::clamp(region.height, 0, image.rows - y);
    const cv::Mat area = image(cv::Rect(x, y, width, height));

    // ZXing-cpp 1.4 misses DataMatrix symbols inside large white margins, so the crop is
    // narrowed to the dark pixels' bounding box before the quiet zone is added.
    cv::Mat dark;
    cv::threshold(area, dark, 128, 255, cv::THRESH_BINARY_INV);
    std::vector<cv::Point> points;
    cv::findNonZero(dark, points);
    if (points.empty()) {
        return {};
    }
    cv::Mat crop;
    cv::copyMakeBorder(area(cv::boundingRect(points)), crop, 20, 20, 20, 20, cv::BORDER_CONSTANT,
                       cv::Scalar(255));

    ZXing::DecodeHints hints;
    hints.setTryHarder(true);
    const ZXing::ImageView view(crop.data, crop.cols, crop.rows, ZXing::ImageFormat::Lum,
                                static_cast<int>(crop.step));

    std::vector<DecodedSymbol> symbols;
    for (const auto& result : ZXing::ReadBarcodes(view, hints)) {
        if (!result.isValid()) {
            continue;
        }
        const auto& bytes = result.bytes();
        symbols.push_back({ZXing::ToString(result.format()), result.symbologyIdentifier(),
                           std::string(bytes.begin(), bytes.end())});
    }
    return symbols;
}

}  // namespace station::print::test
