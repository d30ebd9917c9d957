#include "station/identity/plain_code.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace station::identity {
namespace {

ParseOptions optionsWithPatterns() {
    ParseOptions options;
    options.serialPatterns = {{"SKU-BATTERY", "BT[0-9]{8}"},
                              {"SKU-CHARGER", "CH-[A-Z]{2}[0-9]{6}"}};
    return options;
}

TEST(PlainCodeTest, SerialMatchesItsSku) {
    auto result = parseScan("BT12345678", "]C0", optionsWithPatterns());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Plain);
    EXPECT_EQ(result.identity().sku, "SKU-BATTERY");
    EXPECT_EQ(result.identity().serial, "BT12345678");
    EXPECT_EQ(result.identity().elements, (std::vector<Element>{{"serial", "BT12345678"}}));
}

TEST(PlainCodeTest, SerialOfNoSkuIsRejected) {
    auto result = parseScan("XX12345678", "]C0", optionsWithPatterns());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "no_matching_pattern");
    EXPECT_NE(result.error().message.find("XX12345678"), std::string::npos);
}

TEST(PlainCodeTest, PatternMustMatchWholeContent) {
    auto result = parseScan("BT123456789", "]C0", optionsWithPatterns());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "no_matching_pattern");
}

TEST(PlainCodeTest, SeveralMatchingSkusLeaveSkuEmpty) {
    ParseOptions options = optionsWithPatterns();
    options.serialPatterns.push_back({"SKU-BATTERY-XL", "BT[0-9]+"});
    auto result = parseScan("BT12345678", "]C0", options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_TRUE(result.identity().sku.empty());
    EXPECT_EQ(result.identity().matchingSkus,
              (std::vector<std::string>{"SKU-BATTERY", "SKU-BATTERY-XL"}));
}

TEST(PlainCodeTest, WithoutPatternsContentIsKept) {
    auto result = parseScan("ANYTHING-1", "]C0", ParseOptions{});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_TRUE(result.identity().serial.empty());
    EXPECT_EQ(result.identity().content, "ANYTHING-1");
    EXPECT_EQ(result.identity().elements, (std::vector<Element>{{"data", "ANYTHING-1"}}));
}

TEST(PlainCodeTest, InvalidPatternIsReportedNotThrown) {
    ParseOptions options;
    options.serialPatterns = {{"SKU-1", "BT[0-9"}};
    auto result = parseScan("BT1", "]C0", options);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "invalid_pattern");
    EXPECT_NE(result.error().message.find("SKU-1"), std::string::npos);
}

TEST(PlainCodeTest, Ean13BecomesGtin) {
    auto result = parseScan("4006381333931", "]E0", ParseOptions{});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().gtin, "04006381333931");
}

TEST(PlainCodeTest, Ean13WithBadCheckDigitIsRejected) {
    auto result = parseScan("4006381333932", "]E0", ParseOptions{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "bad_check_digit");
    EXPECT_EQ(result.error().offset, 12u);
}

TEST(PlainCodeTest, ControlCharacterIsRejected) {
    auto result = parseScan(
        "AB\x07"
        "C",
        "]C0", ParseOptions{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "invalid_character");
    EXPECT_EQ(result.error().offset, 2u);
}

TEST(PlainCodeTest, OverlongCodeIsRejected) {
    auto result = parseScan(std::string(kMaxPlainCodeLength + 1, 'A'), "]C0", ParseOptions{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "value_too_long");
}

}  // namespace
}  // namespace station::identity

namespace station::identity {
namespace {

TEST(PlainCodeTest, RepeatedParsesUseSamePatternResults) {
    ParseOptions valid = optionsWithPatterns();
    ParseOptions invalid;
    invalid.serialPatterns = {{"SKU-1", "(unclosed"}};
    for (int i = 0; i < 3; ++i) {
        auto accepted = parseScan("CH-AB123456", "]C0", valid);
        ASSERT_TRUE(accepted.ok()) << accepted.error().message;
        EXPECT_EQ(accepted.identity().sku, "SKU-CHARGER");
        auto rejected = parseScan("X", "]C0", invalid);
        ASSERT_FALSE(rejected.ok());
        EXPECT_EQ(rejected.error().kind, "invalid_pattern");
    }
}

}  // namespace
}  // namespace station::identity
