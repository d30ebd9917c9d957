#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "station/identity/identity.hpp"

namespace station::identity {
namespace {

using namespace std::chrono_literals;

ParseOptions defaultOptions() {
    ParseOptions options;
    options.today = std::chrono::year_month_day{2026y, std::chrono::December, 4d};
    return options;
}

TEST(ParseScanTest, FormatNames) {
    EXPECT_EQ(formatName(Format::Gs1), "gs1");
    EXPECT_EQ(formatName(Format::Gs1DigitalLink), "gs1-digital-link");
    EXPECT_EQ(formatName(Format::Iso15434), "iso15434");
    EXPECT_EQ(formatName(Format::Hibc), "hibc");
    EXPECT_EQ(formatName(Format::Plain), "plain");
}

TEST(ParseScanTest, SymbologyPrefixInData) {
    for (std::string prefix : {"]d2", "]C1", "]Q3", "]e0", "]J1"}) {
        auto result = parseScan(prefix + "0109506000134352", "", defaultOptions());
        ASSERT_TRUE(result.ok()) << prefix << ": " << result.error().message;
        EXPECT_EQ(result.identity().format, Format::Gs1) << prefix;
        EXPECT_EQ(result.identity().symbology, prefix);
        EXPECT_EQ(result.identity().gtin, "09506000134352");
    }
}

TEST(ParseScanTest, PlainSymbologyKeepsDigitsPlain) {
    auto result = parseScan("]C010ABC", "", defaultOptions());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Plain);
    EXPECT_EQ(result.identity().symbology, "]C0");
    EXPECT_EQ(result.identity().content, "10ABC");
}

TEST(ParseScanTest, SymbologyGivenByDeviceAndRepeatedInData) {
    auto result = parseScan("]d20109506000134352", "]d2", defaultOptions());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().gtin, "09506000134352");
}

TEST(ParseScanTest, ScannerSuffixesAreTrimmed) {
    auto result = parseScan(
        " \t]d20109506000134352"
        "21AbC\r\n",
        "", defaultOptions());
    ASSERT_TRUE(result.ok()) << result.error().message;
    // Content is never case-folded.
    EXPECT_EQ(result.identity().serial, "AbC");
}

TEST(ParseScanTest, ErrorOffsetCountsTrimmedAndPrefixBytes) {
    auto result = parseScan("\r\n]d20109506000134353", "", defaultOptions());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "bad_check_digit");
    EXPECT_EQ(result.error().offset, 7u);
}

TEST(ParseScanTest, EmptyScanIsRejected) {
    auto result = parseScan(" \r\n", "", defaultOptions());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "empty");
    auto onlyPrefix = parseScan("]d2", "", defaultOptions());
    ASSERT_FALSE(onlyPrefix.ok());
    EXPECT_EQ(onlyPrefix.error().kind, "empty");
}

TEST(ParseScanTest, GtinWithoutSymbologyIsGs1) {
    auto result = parseScan(
        "0109506000134352"
        "10LOT1",
        "", defaultOptions());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Gs1);
    EXPECT_EQ(result.identity().lot, "LOT1");
}

TEST(ParseScanTest, GsWithoutSymbologyIsGs1) {
    auto result = parseScan(
        "10LOT1\x1d"
        "21S1",
        "", defaultOptions());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Gs1);
    EXPECT_EQ(result.identity().serial, "S1");
}

TEST(ParseScanTest, SerialPatternWinsOverGs1LookingDigits) {
    ParseOptions options = defaultOptions();
    options.serialPatterns = {{"SKU-1", "10[0-9]{6}"}};
    auto result = parseScan("10123456", "", options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Plain);
    EXPECT_EQ(result.identity().sku, "SKU-1");
}

TEST(ParseScanTest, GsSubstituteInsideIso15434) {
    ParseOptions options = defaultOptions();
    options.gsSubstitute = '|';
    auto result = parseScan(
        "[)>\x1e"
        "06|SSER1|1PPN\x1e\x04",
        "", options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "SER1");
    EXPECT_EQ(result.identity().partNumber, "PN");
}

TEST(ParseScanTest, MessagesEscapeControlBytes) {
    auto result = parseScan(
        "10A\x1d"
        "10B",
        "]d2", defaultOptions());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message.find('\x1d'), std::string::npos);
}

}  // namespace
}  // namespace station::identity
