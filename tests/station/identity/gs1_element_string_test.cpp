#include "station/identity/gs1_element_string.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "station/identity/identity.hpp"

namespace station::identity {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::year_month_day kToday{2026y, std::chrono::December, 4d};

ParseOptions optionsForToday() {
    ParseOptions options;
    options.today = kToday;
    return options;
}

ParseResult parseGs1(const std::string& data, ParseOptions options = optionsForToday()) {
    return parseScan(data, "]d2", options);
}

TEST(Gs1ElementStringTest, ReadsGtinExpiryLotSerial) {
    auto result = parseGs1(
        "0109506000134352"
        "17261231"
        "10ABC123\x1d"
        "21SN-0001");
    ASSERT_TRUE(result.ok()) << result.error().message;
    const auto& identity = result.identity();
    EXPECT_EQ(identity.format, Format::Gs1);
    EXPECT_EQ(identity.symbology, "]d2");
    EXPECT_EQ(identity.gtin, "09506000134352");
    EXPECT_EQ(identity.lot, "ABC123");
    EXPECT_EQ(identity.serial, "SN-0001");
    ASSERT_TRUE(identity.expiry.has_value());
    EXPECT_EQ(*identity.expiry, (std::chrono::year_month_day{2026y, std::chrono::December, 31d}));
    std::vector<Element> expected{
        {"01", "09506000134352"}, {"17", "261231"}, {"10", "ABC123"}, {"21", "SN-0001"}};
    EXPECT_EQ(identity.elements, expected);
}

TEST(Gs1ElementStringTest, ReadsProductionAndBestBeforeDates) {
    auto result = parseGs1(
        "010950600013435211250102152702"
        "00");
    ASSERT_TRUE(result.ok()) << result.error().message;
    ASSERT_TRUE(result.identity().productionDate.has_value());
    EXPECT_EQ(*result.identity().productionDate,
              (std::chrono::year_month_day{2025y, std::chrono::January, 2d}));
    ASSERT_TRUE(result.identity().bestBefore.has_value());
    // DD = 00 is the last day of the month: February 2027 has 28 days.
    EXPECT_EQ(*result.identity().bestBefore,
              (std::chrono::year_month_day{2027y, std::chrono::February, 28d}));
}

TEST(Gs1ElementStringTest, ProductionDateMayHaveZeroDay) {
    auto result = parseGs1("010950600013435211260400");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(*result.identity().productionDate,
              (std::chrono::year_month_day{2026y, std::chrono::April, 30d}));
}

TEST(Gs1ElementStringTest, ItipPieceOfTotalAccepted) {
    auto result = parseGs1(
        "8006"
        "09506000134352"
        "0202");
    ASSERT_TRUE(result.ok()) << result.error().message;
}

TEST(Gs1ElementStringTest, ZeroDayMeansLastDayOfLeapFebruary) {
    auto result = parseGs1("010950600013435217280200");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(*result.identity().expiry,
              (std::chrono::year_month_day{2028y, std::chrono::February, 29d}));
}

TEST(Gs1ElementStringTest, ReadsSsccAndCount) {
    auto result = parseGs1(
        "00106141411234567897"
        "0209506000134352"
        "3712\x1d");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().sscc, "106141411234567897");
    EXPECT_EQ(result.identity().quantity, 12);
    EXPECT_TRUE(result.identity().gtin.empty());
}

TEST(Gs1ElementStringTest, LeadingGsIsSkipped) {
    auto result = parseGs1(
        "\x1d"
        "0109506000134352"
        "21ABC");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "ABC");
}

TEST(Gs1ElementStringTest, DecimalPointAiKeepsRawValue) {
    auto result = parseGs1("01095060001343523103000195");
    ASSERT_TRUE(result.ok()) << result.error().message;
    ASSERT_EQ(result.identity().elements.size(), 2u);
    EXPECT_EQ(result.identity().elements[1], (Element{"3103", "000195"}));
}

TEST(Gs1ElementStringTest, ReadsHumanReadableForm) {
    auto result = parseScan("(01)09506000134352(17)261231(10)AB(C)1", "", optionsForToday());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Gs1);
    EXPECT_EQ(result.identity().gtin, "09506000134352");
    EXPECT_EQ(result.identity().lot, "AB(C)1");
}

TEST(Gs1ElementStringTest, HumanReadableAllowsSpacesBetweenElements) {
    auto result = parseScan("(01)09506000134352 (21)XYZ", "", optionsForToday());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().gtin, "09506000134352");
    EXPECT_EQ(result.identity().serial, "XYZ");
}

TEST(Gs1ElementStringTest, HumanReadableInterpretation) {
    std::vector<Element> elements{{"01", "09506000134352"}, {"17", "261231"}};
    EXPECT_EQ(gs1HumanReadable(elements), "(01)09506000134352 (17)261231");
}

TEST(Gs1ElementStringTest, CenturyWindowPlacesFarYearsInPreviousCentury) {
    // From 2026, 51 to 99 years ahead (YY 77..99) is the previous century.
    auto result = parseGs1("010950600013435211770101");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().productionDate->year(), 1977y);
    auto near = parseGs1("010950600013435211760101");
    ASSERT_TRUE(near.ok()) << near.error().message;
    EXPECT_EQ(near.identity().productionDate->year(), 2076y);
}

struct ErrorCase {
    std::string name;
    std::string data;
    std::string kind;
    std::size_t offset;
    std::string messagePart;
};

class Gs1ErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(Gs1ErrorTest, RejectsWithKindOffsetAndMessage) {
    const auto& testCase = GetParam();
    auto result = parseGs1(testCase.data);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, testCase.kind) << result.error().message;
    EXPECT_EQ(result.error().offset, testCase.offset) << result.error().message;
    EXPECT_NE(result.error().message.find(testCase.messagePart), std::string::npos)
        << result.error().message;
}

// Offsets count from the start of the data given to parseScan, which has no symbology prefix
// here because the symbology is passed separately.
INSTANTIATE_TEST_SUITE_P(
    Rules, Gs1ErrorTest,
    testing::Values(
        ErrorCase{"BadGtinCheckDigit", "0109506000134353", "bad_check_digit", 2, "(01) GTIN"},
        ErrorCase{"BadSsccCheckDigit", "00106141411234567890", "bad_check_digit", 2, "(00)"},
        ErrorCase{"InvalidMonth", "010950600013435217261331", "invalid_date", 18, "261331"},
        ErrorCase{"FebruaryThirtieth", "010950600013435217270230", "invalid_date", 18, "(17)"},
        ErrorCase{"ZeroDayNotAllowedForFreezeDate", "01095060001343527006260100", "invalid_date",
                  20, "(7006) FIRST FREEZE DATE"},
        ErrorCase{"WindingDirectionFive",
                  "80010010002000305"
                  "0",
                  "invalid_value", 16, "winding"},
        ErrorCase{"DimensionZero",
                  "80010000002000301"
                  "0",
                  "invalid_value", 4, "other than 0"},
        ErrorCase{"PieceAboveTotal",
                  "8006"
                  "09506000134352"
                  "0302",
                  "invalid_value", 18, "piece"},
        ErrorCase{"CpidSerialLeadingZero",
                  "8010ABC\x1d"
                  "8011012",
                  "invalid_value", 12, "leading zero"},
        ErrorCase{"GtinAndGcn",
                  "0109506000134352"
                  "2554000001000005",
                  "mutually_exclusive_ai", 16, "(255)"},
        ErrorCase{"MaxTemperatureTwice",
                  "4330001234\x1d"
                  "4331000100",
                  "mutually_exclusive_ai", 11, "(4331)"},
        ErrorCase{"UnknownAi",
                  "0109506000134352"
                  "23ABC",
                  "unknown_ai", 16, "\"23"},
        ErrorCase{"NonDigitWhereAiExpected", "X109506000134352", "unknown_ai", 0, "digits"},
        ErrorCase{"LotTooLong", "10ABCDEFGHIJKLMNOPQRSTU", "value_too_long", 22, "maximum is 20"},
        ErrorCase{"GtinTooShort", "01095060001343", "value_too_short", 2, "exactly 14"},
        ErrorCase{"EmptyValueBeforeGs",
                  "10\x1d"
                  "21A",
                  "value_too_short", 2, "(10)"},
        ErrorCase{"LetterInNumericAi",
                  "0109506000134352"
                  "30A1",
                  "invalid_character", 18, "numeric"},
        ErrorCase{"TildeNotInCset82",
                  "0109506000134352"
                  "21AB~C",
                  "invalid_character", 20, "CSET 82"},
        ErrorCase{"LowerCaseNotInCset39", "8010abc", "invalid_character", 4, "CSET 39"},
        ErrorCase{"DuplicateWithDifferentValue",
                  "10A\x1d"
                  "10B",
                  "duplicate_ai", 4, "appears twice"},
        ErrorCase{"GtinAndContentTogether",
                  "0109506000134352"
                  "0209506000134352",
                  "mutually_exclusive_ai", 16, "(02)"},
        ErrorCase{"SameMeasureTwoDecimals",
                  "0109506000134352"
                  "3102000195"
                  "3103000195",
                  "mutually_exclusive_ai", 26, "(3103)"},
        ErrorCase{"AmountWithAndWithoutCurrency",
                  "3901100\x1d"
                  "3911978100",
                  "mutually_exclusive_ai", 8, "(3911)"},
        ErrorCase{"FullNameAndFamilyName",
                  "7256ANN%20SMITH\x1d"
                  "7253SMITH",
                  "mutually_exclusive_ai", 16, "(7256)"},
        ErrorCase{"SerialAndTpx",
                  "21A\x1d"
                  "235B",
                  "mutually_exclusive_ai", 4, "(235)"},
        ErrorCase{"YesNoTwo", "43212", "invalid_value", 4, "0 or 1"},
        ErrorCase{"BadPercentEncoding", "4300ACME%2", "invalid_value", 4, "hex"},
        ErrorCase{"BadIban", "8007GB82WEST12345698765433", "bad_check_digit", 4, "IBAN"},
        ErrorCase{"NegativeTemperatureMarker", "4330001234+", "invalid_value", 10, "'-'"},
        ErrorCase{"BadGmnCheckPair", "80131987654Ad4X4bL5ttr2310cXK", "bad_check_digit", 4,
                  "expected 2K"},
        ErrorCase{"AmbiguousWithoutGs",
                  "0109506000134352"
                  "10ABC21XYZ",
                  "missing_separator", 16, "gs_substitute"}),
    [](const testing::TestParamInfo<ErrorCase>& caseInfo) { return caseInfo.param.name; });

TEST(Gs1ElementStringTest, DuplicateWithSameValueIsAccepted) {
    auto result = parseGs1(
        "10A\x1d"
        "10A");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().elements.size(), 2u);
}

TEST(Gs1ElementStringTest, GmnWithValidCheckPairIsAccepted) {
    auto result = parseGs1("80131987654Ad4X4bL5ttr2310c2K");
    ASSERT_TRUE(result.ok()) << result.error().message;
}

TEST(Gs1ElementStringTest, IbanWithValidCheckIsAccepted) {
    auto result = parseGs1("8007GB82WEST12345698765432");
    ASSERT_TRUE(result.ok()) << result.error().message;
}

TEST(Gs1ElementStringTest, MissingGsAcceptedWhenOnlyOneReading) {
    // 17 and 01 are fixed length, and "ABC1" cannot split because "1" starts no AI value.
    auto result = parseGs1(
        "0109506000134352"
        "17261231"
        "10ABC1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "ABC1");
}

TEST(Gs1ElementStringTest, MissingGsSplitsAtMaximumLength) {
    // A 20-character serial can only be followed by another AI: (21) is full at 20.
    ParseOptions options = optionsForToday();
    auto result = parseGs1(
        "21ABCDEFGHIJKLMNOPQRST"
        "17261231",
        options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "ABCDEFGHIJKLMNOPQRST");
    EXPECT_TRUE(result.identity().expiry.has_value());
}

TEST(Gs1ElementStringTest, TrustedSeparatorsReadValueToTheEnd) {
    ParseOptions options = optionsForToday();
    options.separatorsTrusted = true;
    auto result = parseGs1(
        "0109506000134352"
        "10ABC21XYZ",
        options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "ABC21XYZ");
}

TEST(Gs1ElementStringTest, GsSubstituteIsTurnedIntoGs) {
    ParseOptions options = optionsForToday();
    options.gsSubstitute = '~';
    auto result = parseGs1(
        "0109506000134352"
        "10ABC~21XYZ",
        options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "ABC");
    EXPECT_EQ(result.identity().serial, "XYZ");
    EXPECT_EQ(result.identity().content,
              "0109506000134352"
              "10ABC\x1d"
              "21XYZ");
}

}  // namespace
}  // namespace station::identity

namespace station::identity {
namespace {

TEST(Gs1ElementStringTest, LongStringWithoutGsIsRejectedNotOverflowed) {
    std::string data;
    for (int i = 0; i < 50000; ++i) {
        data += "10A";
    }
    auto result = parseScan(data, "]d2", ParseOptions{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, "missing_separator");
    EXPECT_EQ(result.error().offset, 0u);
}

}  // namespace
}  // namespace station::identity
