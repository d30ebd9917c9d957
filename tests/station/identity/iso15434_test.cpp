#include "station/identity/iso15434.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace station::identity {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::year_month_day kToday{2026y, std::chrono::December, 4d};

ParseResult parse(const std::string& data) {
    ParseOptions options;
    options.today = kToday;
    return parseScan(data, "", options);
}

TEST(Iso15434Test, ReadsFormat06DataIdentifiers) {
    auto result = parse(
        "[)>\x1e"
        "06\x1d"
        "1PLAPTOP-15\x1d"
        "SC02XK1ABJGH5\x1d"
        "1TLOT77\x1d"
        "Q1\x1d"
        "14D20281130\x1d"
        "16D20260115\x1d"
        "4LCN\x1e\x04");
    ASSERT_TRUE(result.ok()) << result.error().message;
    const auto& identity = result.identity();
    EXPECT_EQ(identity.format, Format::Iso15434);
    EXPECT_EQ(identity.partNumber, "LAPTOP-15");
    EXPECT_EQ(identity.serial, "C02XK1ABJGH5");
    EXPECT_EQ(identity.lot, "LOT77");
    EXPECT_EQ(identity.quantity, 1);
    EXPECT_EQ(*identity.expiry, (std::chrono::year_month_day{2028y, std::chrono::November, 30d}));
    EXPECT_EQ(*identity.productionDate,
              (std::chrono::year_month_day{2026y, std::chrono::January, 15d}));
    std::vector<Element> expected{{"1P", "LAPTOP-15"}, {"S", "C02XK1ABJGH5"}, {"1T", "LOT77"},
                                  {"Q", "1"},          {"14D", "20281130"},   {"16D", "20260115"},
                                  {"4L", "CN"}};
    EXPECT_EQ(identity.elements, expected);
}

TEST(Iso15434Test, ReadsOtherCommonIdentifiers) {
    auto result = parse(
        "[)>\x1e"
        "06\x1d"
        "PCUST-9\x1d"
        "25SUN123456789ABC\x1d"
        "KPO-4711\x1d"
        "10D2612\x1d"
        "9NREG-1\x1e\x04");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().partNumber, "CUST-9");
    EXPECT_EQ(result.identity().serial, "UN123456789ABC");
    EXPECT_EQ(result.identity().elements.size(), 5u);
    EXPECT_EQ(result.identity().elements[4], (Element{"9N", "REG-1"}));
}

TEST(Iso15434Test, ReadsFormat05Gs1Elements) {
    auto result = parse(
        "[)>\x1e"
        "05\x1d"
        "0109506000134352\x1d"
        "17261231\x1d"
        "10ABC\x1e\x04");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().format, Format::Iso15434);
    EXPECT_EQ(result.identity().gtin, "09506000134352");
    EXPECT_EQ(result.identity().lot, "ABC");
    EXPECT_TRUE(result.identity().expiry.has_value());
}

TEST(Iso15434Test, ReadsSeveralFormatsInOneMessage) {
    auto result = parse(
        "[)>\x1e"
        "05\x1d"
        "0109506000134352\x1e"
        "06\x1d"
        "SSER1\x1d"
        "1PPN-2\x1e\x04");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().gtin, "09506000134352");
    EXPECT_EQ(result.identity().serial, "SER1");
    EXPECT_EQ(result.identity().partNumber, "PN-2");
    EXPECT_EQ(result.identity().elements.size(), 3u);
}

TEST(Iso15434Test, AcceptsMissingEot) {
    auto result = parse(
        "[)>\x1e"
        "06\x1d"
        "SSER1\x1e");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "SER1");
}

struct ErrorCase {
    std::string name;
    std::string data;
    std::string kind;
    std::size_t offset;
};

class Iso15434ErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(Iso15434ErrorTest, RejectsWithKindAndOffset) {
    auto result = parse(GetParam().data);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, GetParam().kind) << result.error().message;
    EXPECT_EQ(result.error().offset, GetParam().offset) << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Structure, Iso15434ErrorTest,
    testing::Values(ErrorCase{"HeaderWithoutRs", "[)>06\x1dSX", "invalid_header", 0},
                    ErrorCase{"FormatNotDigits", "[)>\x1eX6\x1dSX\x1e\x04", "invalid_header", 4},
                    ErrorCase{"UnsupportedFormat",
                              "[)>\x1e"
                              "02\x1dXX\x1e\x04",
                              "unsupported_format", 4},
                    ErrorCase{"NoGsAfterFormat",
                              "[)>\x1e"
                              "06SX\x1e\x04",
                              "invalid_structure", 6},
                    ErrorCase{"EmptyEnvelope",
                              "[)>\x1e"
                              "06\x1d\x1e\x04",
                              "invalid_structure", 4},
                    ErrorCase{"DataAfterEot",
                              "[)>\x1e"
                              "06\x1dSX\x1e\x04ZZ",
                              "invalid_structure", 11},
                    ErrorCase{"BadIdentifier",
                              "[)>\x1e"
                              "06\x1d"
                              "1234X5\x1e\x04",
                              "invalid_data_identifier", 7},
                    ErrorCase{"EmptyValue",
                              "[)>\x1e"
                              "06\x1d"
                              "SX\x1d"
                              "1P\x1e\x04",
                              "value_too_short", 10},
                    ErrorCase{"QuantityNotNumeric",
                              "[)>\x1e"
                              "06\x1dQ1O\x1e\x04",
                              "invalid_character", 8},
                    ErrorCase{"ExpiryNotADate",
                              "[)>\x1e"
                              "06\x1d"
                              "14D20261301\x1e\x04",
                              "invalid_date", 10},
                    ErrorCase{"CountryLowerCase",
                              "[)>\x1e"
                              "06\x1d"
                              "4Lcn\x1e\x04",
                              "invalid_value", 9},
                    ErrorCase{"ControlCharacterInValue",
                              "[)>\x1e"
                              "06\x1dSA\x01"
                              "B\x1e\x04",
                              "invalid_character", 9},
                    ErrorCase{"DuplicateSerial",
                              "[)>\x1e"
                              "06\x1dSA\x1dSB\x1e\x04",
                              "duplicate_data_identifier", 10},
                    ErrorCase{"Format05BadCheckDigit",
                              "[)>\x1e"
                              "05\x1d"
                              "0109506000134353\x1e\x04",
                              "bad_check_digit", 9}),
    [](const testing::TestParamInfo<ErrorCase>& caseInfo) { return caseInfo.param.name; });

}  // namespace
}  // namespace station::identity
