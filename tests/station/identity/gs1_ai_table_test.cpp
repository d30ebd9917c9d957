#include "station/identity/gs1_ai_table.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "station/identity/check_digits.hpp"
#include "station/identity/gs1_element_string.hpp"

namespace station::identity {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::year_month_day kToday{2026y, std::chrono::December, 4d};

// Every AI of the GS1 General Specifications, written out independently of the table. A
// trailing '*' expands to the digits 0-9, a trailing '#' to 0-5 (measures), '%' to 0-3.
const std::vector<std::string> kExpectedAis = {
    "00",   "01",   "02",   "03",   "10",   "11",   "12",   "13",   "15",   "16",   "17",   "20",
    "21",   "22",   "235",  "240",  "241",  "242",  "243",  "250",  "251",  "253",  "254",  "255",
    "30",   "310#", "311#", "312#", "313#", "314#", "315#", "316#", "320#", "321#", "322#", "323#",
    "324#", "325#", "326#", "327#", "328#", "329#", "330#", "331#", "332#", "333#", "334#", "335#",
    "336#", "337#", "340#", "341#", "342#", "343#", "344#", "345#", "346#", "347#", "348#", "349#",
    "350#", "351#", "352#", "353#", "354#", "355#", "356#", "357#", "360#", "361#", "362#", "363#",
    "364#", "365#", "366#", "367#", "368#", "369#", "37",   "390*", "391*", "392*", "393*", "394%",
    "395#", "400",  "401",  "402",  "403",  "410",  "411",  "412",  "413",  "414",  "415",  "416",
    "417",  "420",  "421",  "422",  "423",  "424",  "425",  "426",  "427",  "4300", "4301", "4302",
    "4303", "4304", "4305", "4306", "4307", "4308", "4309", "4310", "4311", "4312", "4313", "4314",
    "4315", "4316", "4317", "4318", "4319", "4320", "4321", "4322", "4323", "4324", "4325", "4326",
    "4330", "4331", "4332", "4333", "7001", "7002", "7003", "7004", "7005", "7006", "7007", "7008",
    "7009", "7010", "7011", "7020", "7021", "7022", "7023", "703*", "7040", "7041", "710",  "711",
    "712",  "713",  "714",  "715",  "716",  "723*", "7240", "7241", "7242", "7250", "7251", "7252",
    "7253", "7254", "7255", "7256", "7257", "7258", "7259", "8001", "8002", "8003", "8004", "8005",
    "8006", "8007", "8008", "8009", "8010", "8011", "8012", "8013", "8014", "8017", "8018", "8019",
    "8020", "8026", "8030", "8110", "8111", "8112", "8200", "90",   "91",   "92",   "93",   "94",
    "95",   "96",   "97",   "98",   "99",
};

std::set<std::string> expandExpectedAis() {
    std::set<std::string> ais;
    for (const auto& entry : kExpectedAis) {
        char last = entry.back();
        int lastDigit = -1;
        if (last == '*') {
            lastDigit = 9;
        } else if (last == '#') {
            lastDigit = 5;
        } else if (last == '%') {
            lastDigit = 3;
        }
        if (lastDigit < 0) {
            ais.insert(entry);
            continue;
        }
        for (int digit = 0; digit <= lastDigit; ++digit) {
            ais.insert(entry.substr(0, entry.size() - 1) + static_cast<char>('0' + digit));
        }
    }
    return ais;
}

struct LengthCase {
    std::string ai;
    std::size_t minLength;
    std::size_t maxLength;
    bool predefined;
};

// Lengths and separator flags as the GS1 General Specifications list them.
const std::vector<LengthCase> kLengthCases = {
    {"00", 18, 18, true},    {"01", 14, 14, true},    {"10", 1, 20, false},
    {"11", 6, 6, true},      {"17", 6, 6, true},      {"20", 2, 2, true},
    {"21", 1, 20, false},    {"235", 1, 28, false},   {"253", 13, 30, false},
    {"255", 13, 25, false},  {"30", 1, 8, false},     {"3103", 6, 6, true},
    {"3925", 1, 15, false},  {"3932", 4, 18, false},  {"3941", 4, 4, false},
    {"402", 17, 17, false},  {"410", 13, 13, true},   {"421", 4, 12, false},
    {"423", 3, 15, false},   {"4307", 2, 2, false},   {"4309", 20, 20, false},
    {"4330", 6, 7, false},   {"7003", 10, 10, false}, {"7007", 6, 12, false},
    {"7011", 6, 10, false},  {"7030", 4, 30, false},  {"7040", 4, 4, false},
    {"7230", 3, 30, false},  {"7251", 12, 12, false}, {"7258", 3, 3, false},
    {"8003", 14, 30, false}, {"8006", 18, 18, false}, {"8007", 1, 34, false},
    {"8008", 8, 12, false},  {"8010", 1, 30, false},  {"8017", 18, 18, false},
    {"8030", 1, 90, false},  {"8111", 4, 4, false},   {"90", 1, 30, false},
    {"99", 1, 90, false},
};

TEST(Gs1AiTableTest, ContainsEveryAi) {
    auto expected = expandExpectedAis();
    std::set<std::string> actual;
    for (const auto& ai : gs1AiTable()) {
        actual.insert(ai.ai);
    }
    for (const auto& ai : expected) {
        EXPECT_TRUE(actual.count(ai)) << "missing AI " << ai;
    }
    for (const auto& ai : actual) {
        EXPECT_TRUE(expected.count(ai)) << "unexpected AI " << ai;
    }
}

TEST(Gs1AiTableTest, LengthsAndSeparatorFlags) {
    for (const auto& testCase : kLengthCases) {
        const auto* ai = findGs1Ai(testCase.ai);
        ASSERT_NE(ai, nullptr) << testCase.ai;
        EXPECT_EQ(ai->ai, testCase.ai);
        EXPECT_EQ(ai->minLength, testCase.minLength) << testCase.ai;
        EXPECT_EQ(ai->maxLength, testCase.maxLength) << testCase.ai;
        EXPECT_EQ(ai->predefinedLength, testCase.predefined) << testCase.ai;
    }
}

TEST(Gs1AiTableTest, AisArePrefixFree) {
    const auto& table = gs1AiTable();
    for (const auto& a : table) {
        for (const auto& b : table) {
            if (&a != &b) {
                EXPECT_FALSE(b.ai.starts_with(a.ai)) << a.ai << " is a prefix of " << b.ai;
            }
        }
    }
}

TEST(Gs1AiTableTest, PredefinedLengthMatchesElementLength) {
    for (const auto& ai : gs1AiTable()) {
        auto elementLength = gs1PredefinedElementLength(ai.ai.substr(0, 2));
        EXPECT_EQ(ai.predefinedLength, elementLength.has_value()) << ai.ai;
        if (elementLength) {
            EXPECT_EQ(ai.minLength, ai.maxLength) << ai.ai;
            EXPECT_EQ(ai.ai.size() + ai.maxLength, *elementLength) << ai.ai;
        }
    }
}

TEST(Gs1AiTableTest, DecimalPointAndZeroDayFlags) {
    EXPECT_TRUE(findGs1Ai("3102")->lastDigitIsDecimalPoint);
    EXPECT_TRUE(findGs1Ai("3695")->lastDigitIsDecimalPoint);
    EXPECT_TRUE(findGs1Ai("3929")->lastDigitIsDecimalPoint);
    EXPECT_FALSE(findGs1Ai("7030")->lastDigitIsDecimalPoint);
    EXPECT_FALSE(findGs1Ai("37")->lastDigitIsDecimalPoint);
    EXPECT_TRUE(findGs1Ai("15")->zeroDayAllowed);
    EXPECT_TRUE(findGs1Ai("16")->zeroDayAllowed);
    EXPECT_TRUE(findGs1Ai("17")->zeroDayAllowed);
    EXPECT_TRUE(findGs1Ai("11")->zeroDayAllowed);
    EXPECT_TRUE(findGs1Ai("13")->zeroDayAllowed);
    EXPECT_TRUE(findGs1Ai("4324")->zeroDayAllowed);
    EXPECT_FALSE(findGs1Ai("4326")->zeroDayAllowed);
    EXPECT_FALSE(findGs1Ai("7006")->zeroDayAllowed);
}

TEST(Gs1AiTableTest, UnknownAisAreNotFound) {
    EXPECT_EQ(findGs1Ai("23"), nullptr);
    EXPECT_EQ(findGs1Ai("3106"), nullptr);
    EXPECT_EQ(findGs1Ai("3944"), nullptr);
    EXPECT_EQ(findGs1Ai("4"), nullptr);
    EXPECT_EQ(findGs1Ai("A1"), nullptr);
}

// Builds a value that fills every component to its maximum length and satisfies its rule.
std::string validValue(const Gs1AiDefinition& ai) {
    std::string value;
    for (const auto& component : ai.components) {
        std::size_t length = component.maxLength;
        std::string part;
        switch (component.rule) {
            case Gs1Rule::CheckDigit: {
                std::string digits(length - 1, '1');
                part = digits + *gs1CheckDigit(digits);
                break;
            }
            case Gs1Rule::Date:
                part = "261231";
                break;
            case Gs1Rule::DateZeroDay:
                part = "261200";
                break;
            case Gs1Rule::Date8:
                part = "20261231";
                break;
            case Gs1Rule::DateHour:
                part = "26123123";
                break;
            case Gs1Rule::MinuteSecond:
                part = "5959";
                break;
            case Gs1Rule::Hhmm:
                part = "2359";
                break;
            case Gs1Rule::CountryNumeric:
                part = "276";
                break;
            case Gs1Rule::CountryList:
                part = "276250040528";
                break;
            case Gs1Rule::CountryAlpha2:
                part = "DE";
                break;
            case Gs1Rule::Currency:
                part = "978";
                break;
            case Gs1Rule::YesNo:
                part = "1";
                break;
            case Gs1Rule::BiologicalSex:
                part = "9";
                break;
            case Gs1Rule::LatLong:
                part = "18000000003599999999";
                break;
            case Gs1Rule::Winding:
                part = "9";
                break;
            case Gs1Rule::Zero:
                part = "0";
                break;
            case Gs1Rule::Hyphen:
                part = "-";
                break;
            case Gs1Rule::Slash:
                part = "/";
                break;
            case Gs1Rule::Iban:
                part = "GB82WEST12345698765432";
                break;
            case Gs1Rule::CheckPair: {
                std::string data(length - 2, 'A');
                part = data + *gs1CheckCharacterPair(data);
                break;
            }
            case Gs1Rule::PercentEncoded:
                part = "A%2F" + std::string(length - 4, 'b');
                break;
            default:
                part = std::string(length, component.charset == Gs1Charset::Numeric ? '7' : 'A');
        }
        value += part;
    }
    return value;
}

TEST(Gs1AiTableTest, EveryAiEnforcesItsLengths) {
    for (const auto& ai : gs1AiTable()) {
        auto value = validValue(ai);
        auto error = validateGs1Value(ai, value, 0, kToday);
        EXPECT_FALSE(error.has_value()) << ai.ai << " " << value << ": " << error->message;

        auto tooLong = std::string(ai.maxLength + 1, '1');
        auto longError = validateGs1Value(ai, tooLong, 0, kToday);
        ASSERT_TRUE(longError.has_value()) << ai.ai;
        EXPECT_EQ(longError->kind, "value_too_long") << ai.ai;

        auto tooShort = validateGs1Value(ai, value.substr(0, ai.minLength - 1), 0, kToday);
        ASSERT_TRUE(tooShort.has_value()) << ai.ai;
        EXPECT_EQ(tooShort->kind, "value_too_short") << ai.ai;
    }
}

TEST(Gs1AiTableTest, EveryAiParsesInElementString) {
    ParseOptions options;
    options.today = kToday;
    options.separatorsTrusted = true;
    for (const auto& ai : gs1AiTable()) {
        auto data = ai.ai + validValue(ai);
        auto result = parseScan(data, "]C1", options);
        ASSERT_TRUE(result.ok()) << data << ": " << result.error().message;
        ASSERT_EQ(result.identity().elements.size(), 1u) << data;
        EXPECT_EQ(result.identity().elements[0].id, ai.ai);
    }
}

}  // namespace
}  // namespace station::identity
