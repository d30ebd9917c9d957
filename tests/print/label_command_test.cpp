#include "print/label_command.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/print/emulator_process.hpp"
#include "tests/print/oracle_support.hpp"
#include "tests/print/png_barcode_reader.hpp"

namespace station::print {
namespace {

// Parses and runs a stationctl-like command line, returning its exit code.
int runCommand(std::vector<std::string> arguments) {
    CLI::App app{"test"};
    addLabelCommands(app);
    std::reverse(arguments.begin(), arguments.end());
    try {
        app.parse(arguments);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    }
    return 0;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

TEST(LabelCommandTest, RenderWritesZpl) {
    const auto folder = test::makeTempFolder("label-command");
    const auto output = folder / "carton.zpl";
    EXPECT_EQ(runCommand({"label", "render", "carton", "--set", "order=SO-9", "--unit",
                          "serial=SN1,gtin=09501101530003", "--unit", "serial=SN2,sku=S-2",
                          "--output", output.string()}),
              0);
    const std::string zpl = readFile(output);
    EXPECT_NE(zpl.find("ORDER SO-9"), std::string::npos);
    EXPECT_NE(zpl.find("^FDSN1^FS"), std::string::npos);
    EXPECT_NE(zpl.find("^FDS-2^FS"), std::string::npos);
    EXPECT_NE(zpl.find("Units: 2"), std::string::npos);
    std::filesystem::remove_all(folder);
}

TEST(LabelCommandTest, RenderScalesToDpi) {
    const auto folder = test::makeTempFolder("label-command");
    const auto output = folder / "unit.zpl";
    EXPECT_EQ(runCommand({"label", "render", "unit", "--set", "serial=S1", "--set",
                          "gtin=09501101530003", "--dpi", "300", "--width", "1200", "--height",
                          "1800", "--output", output.string()}),
              0);
    EXPECT_EQ(readFile(output).rfind("^XA^CI28^PW1200^LL1800", 0), 0u);
    std::filesystem::remove_all(folder);
}

TEST(LabelCommandTest, InvalidAssignmentFails) {
    EXPECT_NE(runCommand({"label", "render", "carton", "--set", "order"}), 0);
}

TEST(LabelCommandTest, UnknownTemplateFileFails) {
    EXPECT_NE(runCommand({"label", "render", "/nonexistent/t.zpl"}), 0);
}

TEST(LabelCommandTest, PreviewWritesReadablePicture) {
    const auto folder = test::makeTempFolder("label-command");
    const auto png = folder / "carton.png";
    EXPECT_EQ(
        runCommand({"label", "preview", "carton", "--set", "order=SO-88A42", "--png", png.string(),
                    "--renderer-modules", test::ensureRendererModules().string()}),
        0);
    ASSERT_TRUE(std::filesystem::exists(png));
    const auto symbols = test::readBarcodes(png, {30, 205, 780, 150});
    ASSERT_EQ(symbols.size(), 1u);
    EXPECT_EQ(symbols[0].bytes, "SO-88A42");
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace station::print
