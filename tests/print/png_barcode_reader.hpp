#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace station::print::test {

// One symbol found in a picture: its ZXing format name, the symbology identifier ("]C1" for
// GS1-128, "]d2" for GS1 DataMatrix, "]Q3" for GS1 QR) and the decoded bytes, with GS (0x1D)
// as the GS1 separator.
struct DecodedSymbol {
    std::string format;
    std::string symbologyIdentifier;
    std::string bytes;
};

// A rectangle in pixels of the picture.
struct Region {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// Reads every barcode in one region of a PNG with ZXing-cpp. The region is padded with a white
// quiet zone so a symbol printed at the crop edge still decodes.
std::vector<DecodedSymbol> readBarcodes(const std::filesystem::path& png, const Region& region);

}  // namespace station::print::test
