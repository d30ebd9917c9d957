// Golden ZPL for every shipped template: a change in rendering shows up as a diff of a file
// under tests/print/data/golden/. After an intended change, run the test with
// STATION_UPDATE_GOLDEN=1 to rewrite the files and the pictures in docs/label-pictures/.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "print/label_preview.hpp"
#include "print/label_template.hpp"
#include "tests/print/oracle_support.hpp"

namespace station::print {
namespace {

const std::filesystem::path kSource = STATION_SOURCE_DIR;

// The sample label data used for golden files and documentation pictures.
LabelData sampleData() {
    LabelData data;
    data.fields = {{"order", "SO-88A42"},        {"customer_ref", "PO-2024-118"},
                   {"station", "pack-3"},        {"operator", "Zoë"},
                   {"date", "2026-12-04 14:05"}, {"reprint_reason", "label torn at loading"},
                   {"original_job", "1207"},     {"serial", "SN10001"},
                   {"gtin", "09501101530003"},   {"lot", "L24A"},
                   {"expiry", "2027-03-31"}};
    for (int i = 1; i <= 6; ++i) {
        data.units.push_back({{"serial", "SN1000" + std::to_string(i)},
                              {"gtin", "09501101530003"},
                              {"lot", "L24A"},
                              {"expiry", "2027-03-31"}});
    }
    data.units.push_back({{"serial", "RX-77_1"}, {"sku", "SKU-RED-XL"}});
    return data;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

bool updating() {
    const char* update = std::getenv("STATION_UPDATE_GOLDEN");
    return update != nullptr && std::string(update) == "1";
}

struct GoldenCase {
    std::string templateName;
    RenderOptions options;
    std::string file;
};

const GoldenCase kCases[] = {
    {"carton", {203, 812, 1218}, "carton-203dpi.zpl"},
    {"unit", {203, 812, 1218}, "unit-203dpi.zpl"},
    {"reprint", {203, 812, 1218}, "reprint-203dpi.zpl"},
    {"carton", {300, 1200, 1800}, "carton-300dpi.zpl"},
    {"unit", {600, 2400, 3600}, "unit-600dpi.zpl"},
};

TEST(GoldenTest, RenderedLabelsMatchGoldenFiles) {
    const auto folder = kSource / "tests/print/data/golden";
    for (const auto& golden : kCases) {
        SCOPED_TRACE(golden.file);
        const std::string zpl =
            LabelTemplate::builtin(golden.templateName).render(sampleData(), golden.options);
        if (updating()) {
            std::ofstream(folder / golden.file, std::ios::binary) << zpl;
        }
        ASSERT_TRUE(std::filesystem::exists(folder / golden.file));
        EXPECT_EQ(zpl, readFile(folder / golden.file));
    }
}

TEST(GoldenTest, DocumentationPicturesExist) {
    const auto pictures = kSource / "docs/label-pictures";
    if (updating()) {
        std::vector<PreviewFile> files;
        for (const auto& golden : kCases) {
            if (golden.options.dpi == 203) {
                files.push_back({kSource / "tests/print/data/golden" / golden.file,
                                 pictures / (golden.templateName + ".png")});
            }
        }
        renderPreviews(files, {}, test::ensureRendererModules());
    }
    for (const auto& name : LabelTemplate::builtinNames()) {
        EXPECT_TRUE(std::filesystem::exists(pictures / (name + ".png"))) << name;
    }
}

}  // namespace
}  // namespace station::print
