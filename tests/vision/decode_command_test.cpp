#include "vision/decode_command.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "tests/vision/test_frames.hpp"

namespace station::vision {
namespace {

// Runs `stationctl decode ARGS...` through CLI11 and returns its exit status and output.
struct CommandRun {
    int status = 0;
    std::string out;
};

CommandRun runDecode(std::vector<std::string> args) {
    CLI::App app("stationctl");
    addDecodeCommand(app);
    args.insert(args.begin(), "decode");
    std::reverse(args.begin(), args.end());

    std::ostringstream captured;
    auto* previous = std::cout.rdbuf(captured.rdbuf());
    CommandRun run;
    try {
        app.parse(args);
    } catch (const CLI::Error& error) {
        run.status = error.get_exit_code();
    }
    std::cout.rdbuf(previous);
    run.out = captured.str();
    return run;
}

class DecodeCommandTest : public ::testing::Test {
protected:
    void SetUp() override { dir_ = testing::makeTempDir("vision-decode-command"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path writeFrame(const std::vector<testing::SymbolSpec>& specs,
                                     const std::string& name) {
        std::vector<cv::Mat> symbols;
        for (const auto& spec : specs) {
            symbols.push_back(testing::renderSymbol(spec, 4, dir_));
        }
        std::mt19937 random(3);
        auto frame = testing::composeFrame(symbols, specs, cv::Size(1280, 720),
                                           testing::Distortion::None, random);
        auto path = dir_ / name;
        cv::imwrite(path.string(), frame.image);
        return path;
    }

    std::filesystem::path dir_;
};

TEST_F(DecodeCommandTest, JsonLineHasEveryCodeWithRawGs) {
    auto specs = testing::stationSymbols();
    auto path = writeFrame({specs[0], specs[2], specs[3]}, "three.png");

    CommandRun run = runDecode({"--json", path.string()});

    ASSERT_EQ(run.status, 0);
    std::istringstream lines(run.out);
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    auto json = nlohmann::json::parse(line);
    EXPECT_EQ(json["file"], path.string());
    EXPECT_TRUE(json["ms"].is_number());
    ASSERT_EQ(json["codes"].size(), 3u);
    std::set<std::string> texts;
    for (const auto& code : json["codes"]) {
        texts.insert(code["text"].get<std::string>());
        EXPECT_EQ(code["corners"].size(), 4u);
        EXPECT_EQ(code["corners"][0].size(), 2u);
        if (code["format"] == "DataMatrix") {
            EXPECT_EQ(code["symbology"], "]d2");
        }
    }
    EXPECT_TRUE(texts.count(specs[0].text)) << "GS1 DataMatrix with GS separators";
    EXPECT_TRUE(texts.count("ORD-100234"));
    EXPECT_TRUE(texts.count("9506000134352"));
    // The GS separator is escaped, never written raw.
    EXPECT_NE(line.find("\\u001d"), std::string::npos);
    EXPECT_EQ(line.find('\x1D'), std::string::npos);
}

TEST_F(DecodeCommandTest, OneLinePerImage) {
    auto specs = testing::stationSymbols();
    auto first = writeFrame({specs[3]}, "first.png");
    auto second = writeFrame({specs[5], specs[6]}, "second.png");

    CommandRun run = runDecode({"--json", first.string(), second.string()});

    ASSERT_EQ(run.status, 0);
    std::istringstream lines(run.out);
    std::string line;
    std::vector<nlohmann::json> objects;
    while (std::getline(lines, line)) {
        objects.push_back(nlohmann::json::parse(line));
    }
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0]["codes"].size(), 1u);
    EXPECT_EQ(objects[1]["codes"].size(), 2u);
}

TEST_F(DecodeCommandTest, MissingImageFailsWithStatusOne) {
    CommandRun run = runDecode({(dir_ / "absent.png").string()});
    EXPECT_EQ(run.status, 1);
}

TEST_F(DecodeCommandTest, TextOutputEscapesControlBytes) {
    auto specs = testing::stationSymbols();
    auto path = writeFrame({specs[0]}, "dm.png");

    CommandRun run = runDecode({path.string()});

    ASSERT_EQ(run.status, 0);
    EXPECT_NE(run.out.find("DataMatrix ]d2 0109506000134352"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("\\x1D10LOT42"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace station::vision
