#include "station/identity/gs1_digital_link.hpp"

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
    return parseScan(data, "]Q1", options);
}

TEST(Gs1DigitalLinkTest, ReadsKeyQualifiersAndAttributes) {
    auto result = parse("https://id.gs1.org/01/09506000134352/10/ABC/21/123?17=261231");
    ASSERT_TRUE(result.ok()) << result.error().message;
    const auto& identity = result.identity();
    EXPECT_EQ(identity.format, Format::Gs1DigitalLink);
    EXPECT_EQ(identity.symbology, "]Q1");
    EXPECT_EQ(identity.gtin, "09506000134352");
    EXPECT_EQ(identity.lot, "ABC");
    EXPECT_EQ(identity.serial, "123");
    EXPECT_EQ(*identity.expiry, (std::chrono::year_month_day{2026y, std::chrono::December, 31d}));
    std::vector<Element> expected{
        {"01", "09506000134352"}, {"10", "ABC"}, {"21", "123"}, {"17", "261231"}};
    EXPECT_EQ(identity.elements, expected);
}

TEST(Gs1DigitalLinkTest, AnyDomainAndPathStem) {
    auto result = parse(
        "HTTPS://brand.example.com/shop/products/01/09506000134352?3103=000195&linkType=gs1:pip");
    ASSERT_TRUE(result.ok()) << result.error().message;
    std::vector<Element> expected{{"01", "09506000134352"}, {"3103", "000195"}};
    EXPECT_EQ(result.identity().elements, expected);
}

TEST(Gs1DigitalLinkTest, PadsShortGtins) {
    auto result = parse("https://example.com/01/9506000134352");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().gtin, "09506000134352");
}

TEST(Gs1DigitalLinkTest, DecodesPercentEscapes) {
    auto result = parse("https://example.com/01/09506000134352/10/AB%2FC%25");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().lot, "AB/C%");
    // A space is no CSET 82 character, so it is rejected even when encoded.
    auto encodedSpace = parse("https://example.com/01/09506000134352/21/X%20Y");
    ASSERT_FALSE(encodedSpace.ok());
    EXPECT_EQ(encodedSpace.error().kind, "invalid_character");
}

TEST(Gs1DigitalLinkTest, ReadsSsccAndTrailingSlashAndFragment) {
    auto result = parse("https://example.com/00/106141411234567897/#top");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().sscc, "106141411234567897");
}

TEST(Gs1DigitalLinkTest, SkipsQualifierThatIsOptional) {
    auto result = parse("https://example.com/01/09506000134352/21/S1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().serial, "S1");
}

TEST(Gs1DigitalLinkTest, TpxIsAlternativeQualifier) {
    auto result = parse("https://example.com/01/09506000134352/235/TPX-1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().elements.back(), (Element{"235", "TPX-1"}));
}

TEST(Gs1DigitalLinkTest, GiaiWithImporterIndex) {
    auto result = parse("https://example.com/8004/0950600013A1/7040/1A2B");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.identity().elements.size(), 2u);
}

TEST(Gs1DigitalLinkTest, PercentDecodeHelper) {
    EXPECT_EQ(percentDecode("a%2Fb"), "a/b");
    EXPECT_FALSE(percentDecode("a%2").has_value());
    EXPECT_FALSE(percentDecode("a%G1").has_value());
}

struct ErrorCase {
    std::string name;
    std::string data;
    std::string kind;
    std::size_t offset;
};

class Gs1DigitalLinkErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(Gs1DigitalLinkErrorTest, RejectsWithKindAndOffset) {
    auto result = parse(GetParam().data);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, GetParam().kind) << result.error().message;
    EXPECT_EQ(result.error().offset, GetParam().offset) << result.error().message;
}

// "https://example.com/" is 20 bytes, so the first path segment starts at offset 20.
INSTANTIATE_TEST_SUITE_P(
    Rules, Gs1DigitalLinkErrorTest,
    testing::Values(
        ErrorCase{"BadCheckDigit", "https://example.com/01/09506000134353", "bad_check_digit", 23},
        ErrorCase{"QualifiersOutOfOrder", "https://example.com/01/09506000134352/21/S/10/L",
                  "invalid_qualifier_order", 38},
        ErrorCase{"LotBeforeTpx", "https://example.com/01/09506000134352/10/L/235/T",
                  "invalid_qualifier_order", 38},
        ErrorCase{"NoPrimaryKey", "https://example.com/products/x", "missing_primary_key", 0},
        ErrorCase{"NoPath", "https://example.com", "missing_primary_key", 0},
        ErrorCase{"KeyWithoutValue", "https://example.com/01", "value_too_short", 20},
        ErrorCase{"UnknownAiInQuery", "https://example.com/01/09506000134352?23=1", "unknown_ai",
                  38},
        ErrorCase{"QualifierInQuery", "https://example.com/01/09506000134352?10=ABC",
                  "invalid_structure", 38},
        ErrorCase{"PrimaryKeyInQuery",
                  "https://example.com/00/106141411234567897?01=09506000134352",
                  "invalid_structure", 42},
        ErrorCase{"BadPercentEscape", "https://example.com/01/09506000134352/10/AB%2",
                  "invalid_character", 41},
        ErrorCase{"InvalidDateInQuery", "https://example.com/01/09506000134352?17=261301",
                  "invalid_date", 41},
        ErrorCase{"DuplicateAttribute", "https://example.com/01/09506000134352?17=261231&17=261230",
                  "duplicate_ai", 48},
        ErrorCase{"SpaceInUri", "https://example.com/01/0950600013 4352", "invalid_character", 33},
        ErrorCase{"LotTooLong", "https://example.com/01/09506000134352/10/ABCDEFGHIJKLMNOPQRSTU",
                  "value_too_long", 61}),
    [](const testing::TestParamInfo<ErrorCase>& caseInfo) { return caseInfo.param.name; });

}  // namespace
}  // namespace station::identity
