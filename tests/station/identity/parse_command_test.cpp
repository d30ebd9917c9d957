#include "station/identity/parse_command.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace station::identity {
namespace {

struct CommandRun {
    int exitCode = 0;
    std::string output;
};

// Runs `parse` with `arguments` the way stationctl's main does, with `input` on stdin.
CommandRun runParse(std::vector<std::string> arguments, const std::string& input = "") {
    CLI::App app{"test"};
    std::istringstream in{input};
    std::ostringstream out;
    addParseCommand(app, in, out);

    arguments.insert(arguments.begin(), "parse");
    std::reverse(arguments.begin(), arguments.end());
    CommandRun run;
    try {
        app.parse(arguments);
    } catch (const CLI::ParseError& error) {
        run.exitCode = error.get_exit_code();
        if (std::string{error.what()}.size() > 0) {
            run.output += error.what();
        }
    }
    run.output = out.str() + run.output;
    return run;
}

TEST(ParseCommandTest, PrintsJsonIdentity) {
    auto run = runParse({"--json", "--today", "2026-12-04",
                         "]d20109506000134352"
                         "17261231"
                         "10ABC\x1d"
                         "21S1"});
    ASSERT_EQ(run.exitCode, 0) << run.output;
    auto json = nlohmann::json::parse(run.output);
    EXPECT_EQ(json["format"], "gs1");
    EXPECT_EQ(json["symbology"], "]d2");
    EXPECT_EQ(json["gtin"], "09506000134352");
    EXPECT_EQ(json["expiry"], "2026-12-31");
    EXPECT_EQ(json["lot"], "ABC");
    EXPECT_EQ(json["serial"], "S1");
    ASSERT_EQ(json["elements"].size(), 4u);
    EXPECT_EQ(json["elements"][0]["id"], "01");
    EXPECT_EQ(json["elements"][0]["value"], "09506000134352");
    EXPECT_EQ(json["elements"][3]["id"], "21");
    EXPECT_FALSE(json.contains("sscc"));
}

TEST(ParseCommandTest, PrintsJsonErrorAndExitsOne) {
    auto run = runParse({"--json", "]d20109506000134353"});
    EXPECT_EQ(run.exitCode, 1);
    auto json = nlohmann::json::parse(run.output);
    EXPECT_EQ(json["error"]["kind"], "bad_check_digit");
    EXPECT_EQ(json["error"]["offset"], 5);
    EXPECT_NE(json["error"]["message"].get<std::string>().find("(01) GTIN"), std::string::npos);
}

TEST(ParseCommandTest, ReadsRawBytesFromStdin) {
    auto run = runParse({"--json", "-"},
                        "[)>\x1e"
                        "06\x1dSSER1\x1dQ2\x1e\x04\r\n");
    ASSERT_EQ(run.exitCode, 0) << run.output;
    auto json = nlohmann::json::parse(run.output);
    EXPECT_EQ(json["format"], "iso15434");
    EXPECT_EQ(json["serial"], "SER1");
    EXPECT_EQ(json["quantity"], 2);
}

TEST(ParseCommandTest, GsSubstituteOption) {
    auto run = runParse({"--json", "--gs-substitute", "@", "]C110LOT1@21SER1"});
    ASSERT_EQ(run.exitCode, 0) << run.output;
    auto json = nlohmann::json::parse(run.output);
    EXPECT_EQ(json["lot"], "LOT1");
    EXPECT_EQ(json["serial"], "SER1");
}

TEST(ParseCommandTest, TodayDrivesCenturyWindow) {
    auto early = runParse({"--json", "--today", "2000-01-01", "]C117601203"});
    ASSERT_EQ(early.exitCode, 0) << early.output;
    EXPECT_EQ(nlohmann::json::parse(early.output)["expiry"], "1960-12-03");
    auto late = runParse({"--json", "--today", "2026-01-01", "]C117601203"});
    EXPECT_EQ(nlohmann::json::parse(late.output)["expiry"], "2060-12-03");
}

TEST(ParseCommandTest, HumanOutputHasInterpretation) {
    auto run = runParse({"--today", "2026-12-04",
                         "]d20109506000134352"
                         "17261231"});
    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("gs1 (]d2)"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("(01)09506000134352 (17)261231"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("expiry: 2026-12-31"), std::string::npos) << run.output;
}

TEST(ParseCommandTest, HumanErrorNamesKindAndOffset) {
    auto run =
        runParse({"]d210A\x1d"
                  "10B"});
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_NE(run.output.find("duplicate_ai at byte 7"), std::string::npos) << run.output;
}

TEST(ParseCommandTest, HibcFieldsInJson) {
    auto run = runParse({"--json", "+A123PROD1/$$8053261231LOT1R"});
    ASSERT_EQ(run.exitCode, 0) << run.output;
    auto json = nlohmann::json::parse(run.output);
    EXPECT_EQ(json["format"], "hibc");
    EXPECT_EQ(json["labeler"], "A123");
    EXPECT_EQ(json["product"], "PROD");
    EXPECT_EQ(json["unit_of_measure"], "1");
    EXPECT_EQ(json["quantity"], 5);
}

TEST(ParseCommandTest, SerialPatternOption) {
    auto run = runParse({"--json", "--serial-pattern", "SKU-7=BT[0-9]{4}", "BT1234"});
    ASSERT_EQ(run.exitCode, 0) << run.output;
    auto json = nlohmann::json::parse(run.output);
    EXPECT_EQ(json["format"], "plain");
    EXPECT_EQ(json["sku"], "SKU-7");
    EXPECT_EQ(json["serial"], "BT1234");
}

TEST(ParseCommandTest, RejectsInvalidOptions) {
    EXPECT_NE(runParse({"--today", "2026-13-01", "X"}).exitCode, 0);
    EXPECT_NE(runParse({"--gs-substitute", "ab", "X"}).exitCode, 0);
    EXPECT_NE(runParse({"--json"}).exitCode, 0);
}

TEST(ParseCommandTest, InvalidUtf8IsReplacedInJson) {
    auto run = runParse({"--json", "-"}, "]C0AB\xff");
    EXPECT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NO_THROW(nlohmann::json::parse(run.output));
}

}  // namespace
}  // namespace station::identity
