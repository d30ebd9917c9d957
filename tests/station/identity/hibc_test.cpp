#include "station/identity/hibc.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace station::identity {
namespace {

using namespace std::chrono_literals;

ParseResult parse(const std::string& data) {
    ParseOptions options;
    options.today = std::chrono::year_month_day{2026y, std::chrono::December, 4d};
    return parseScan(data, "", options);
}

TEST(HibcTest, ReadsPrimaryStructure) {
    auto result = parse("+A999123457");
    ASSERT_TRUE(result.ok()) << result.error().message;
    const auto& identity = result.identity();
    EXPECT_EQ(identity.format, Format::Hibc);
    EXPECT_EQ(identity.labeler, "A999");
    EXPECT_EQ(identity.product, "1234");
    EXPECT_EQ(identity.unitOfMeasure, "5");
    std::vector<Element> expected{
        {"labeler", "A999"}, {"product", "1234"}, {"unit_of_measure", "5"}};
    EXPECT_EQ(identity.elements, expected);
}

TEST(HibcTest, ReadsConcatenatedJulianExpiryAndLot) {
    auto result = parse("+A99912345/$$52001510X0");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "10X");
    EXPECT_EQ(*result.identity().expiry,
              (std::chrono::year_month_day{2020y, std::chrono::January, 15d}));
}

TEST(HibcTest, ReadsQuantityDateAndLot) {
    auto result = parse("+A123PROD1/$$8053261231LOT1R");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().quantity, 5);
    EXPECT_EQ(result.identity().lot, "LOT1");
    EXPECT_EQ(*result.identity().expiry,
              (std::chrono::year_month_day{2026y, std::chrono::December, 31d}));
}

TEST(HibcTest, ReadsFiveDigitQuantity) {
    auto result = parse("+A123PROD1/$$9001003261231LD");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().quantity, 100);
    EXPECT_EQ(result.identity().lot, "L");
}

TEST(HibcTest, ReadsSerialAfterDate) {
    auto result = parse("+A123PROD1/$$+3261231SN123.");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "SN123");
    EXPECT_TRUE(result.identity().lot.empty());
}

TEST(HibcTest, ReadsSerialWithoutDate) {
    auto result = parse("+A123PROD1/$+SN99Z");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "SN99");
    EXPECT_FALSE(result.identity().expiry.has_value());
}

struct DateCase {
    std::string data;
    std::chrono::year_month_day expiry;
};

TEST(HibcTest, ReadsEveryDateFormatFlag) {
    const std::vector<DateCase> cases = {
        {"+A123PROD1/$$1226LOT7D", {2026y, std::chrono::December, 31d}},    // MMYY
        {"+A123PROD1/$$2123126L2", {2026y, std::chrono::December, 31d}},    // MMDDYY
        {"+A123PROD1/$$426123123L9", {2026y, std::chrono::December, 31d}},  // YYMMDDHH
        {"+A123PROD1/$$6261002214L9", {2026y, std::chrono::April, 10d}},    // YYJJJHH
        {"+A123PROD1/26100LOTZ4", {2026y, std::chrono::April, 10d}},        // YYJJJ
    };
    for (const auto& testCase : cases) {
        auto result = parse(testCase.data);
        ASSERT_TRUE(result.ok()) << testCase.data << ": " << result.error().message;
        ASSERT_TRUE(result.identity().expiry.has_value()) << testCase.data;
        EXPECT_EQ(*result.identity().expiry, testCase.expiry) << testCase.data;
    }
}

TEST(HibcTest, NoDateFlagKeepsLot) {
    auto result = parse("+A123PROD1/$$7L91");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "L9");
    EXPECT_FALSE(result.identity().expiry.has_value());
}

TEST(HibcTest, ReadsSupplementalSerialAndProductionDate) {
    auto result = parse("+A123PROD1/$$3261231LOT5/S12345/16D202501010");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "LOT5");
    EXPECT_EQ(result.identity().serial, "12345");
    EXPECT_EQ(*result.identity().productionDate,
              (std::chrono::year_month_day{2025y, std::chrono::January, 1d}));
}

TEST(HibcTest, ReadsSeparateSecondaryWithLink) {
    auto result = parse("+$$3261231LOT42IK");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "LOT42");
    EXPECT_TRUE(result.identity().labeler.empty());
    EXPECT_EQ(result.identity().elements.back(), (Element{"link", "I"}));
}

struct ErrorCase {
    std::string name;
    std::string data;
    std::string kind;
    std::size_t offset;
};

class HibcErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(HibcErrorTest, RejectsWithKindAndOffset) {
    auto result = parse(GetParam().data);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, GetParam().kind) << result.error().message;
    EXPECT_EQ(result.error().offset, GetParam().offset) << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, HibcErrorTest,
    testing::Values(
        ErrorCase{"WrongCheckCharacter", "+A999123458", "bad_check_digit", 10},
        ErrorCase{"LowerCase", "+a999123457", "invalid_character", 1},
        ErrorCase{"InvalidDate", "+A123PROD1/$$3261332LOTF", "invalid_date", 14},
        ErrorCase{"UnitNotDigit", "+A123PRODX7", "invalid_character", 9},
        ErrorCase{"UnknownSecondaryStart", "+A123PROD1/XYZV", "invalid_structure", 11},
        ErrorCase{"ProductTooLong", "+A123ABCDEFGHIJKLMNOPQRS1W", "value_too_long", 23},
        ErrorCase{"LotTooLong", "+A123PROD1/$LOTLOTLOTLOTLOTLOTLOT1E", "value_too_long", 30},
        ErrorCase{"UnknownDateFlag", "+A123PROD1/$$A261231LA", "invalid_structure", 13},
        ErrorCase{"QuantityNotDigits", "+A123PROD1/$$8X3261231L1", "invalid_value", 14},
        ErrorCase{"UnknownSupplementalField", "+A123PROD1/$L/X1K", "invalid_structure", 14},
        ErrorCase{"TooShort", "+A", "value_too_short", 0}),
    [](const testing::TestParamInfo<ErrorCase>& caseInfo) { return caseInfo.param.name; });

}  // namespace
}  // namespace station::identity
