#include "station/identity/check_digits.hpp"

#include <gtest/gtest.h>

namespace station::identity {
namespace {

TEST(CheckDigitsTest, Gs1CheckDigitOfKnownKeys) {
    EXPECT_EQ(gs1CheckDigit("0950600013435"), '2');      // GTIN-14
    EXPECT_EQ(gs1CheckDigit("10614141123456789"), '7');  // SSCC
    EXPECT_EQ(gs1CheckDigit("061414100001"), '2');       // GLN
    EXPECT_EQ(gs1CheckDigit("400638133393"), '1');       // GTIN-13
}

TEST(CheckDigitsTest, Gs1CheckDigitRejectsNonDigits) {
    EXPECT_FALSE(gs1CheckDigit("09506A0013435").has_value());
    EXPECT_FALSE(gs1CheckDigit("").has_value());
}

TEST(CheckDigitsTest, ValidatesWholeKey) {
    EXPECT_TRUE(hasValidGs1CheckDigit("09506000134352"));
    EXPECT_FALSE(hasValidGs1CheckDigit("09506000134353"));
    EXPECT_FALSE(hasValidGs1CheckDigit("2"));
}

TEST(CheckDigitsTest, HibcCharacterValues) {
    EXPECT_EQ(hibcCharacterValue('0'), 0);
    EXPECT_EQ(hibcCharacterValue('A'), 10);
    EXPECT_EQ(hibcCharacterValue('Z'), 35);
    EXPECT_EQ(hibcCharacterValue('-'), 36);
    EXPECT_EQ(hibcCharacterValue('.'), 37);
    EXPECT_EQ(hibcCharacterValue(' '), 38);
    EXPECT_EQ(hibcCharacterValue('$'), 39);
    EXPECT_EQ(hibcCharacterValue('/'), 40);
    EXPECT_EQ(hibcCharacterValue('+'), 41);
    EXPECT_EQ(hibcCharacterValue('%'), 42);
    EXPECT_EQ(hibcCharacterValue('a'), -1);
}

TEST(CheckDigitsTest, HibcCheckCharacterIsSumModulo43) {
    // '+' 41, 'A' 10, '1' 1, '2' 2, '3' 3: 57 mod 43 = 14, which is 'E'.
    EXPECT_EQ(hibcCheckCharacter("+A123"), 'E');
    // 41 + 2 = 43, which is 0 mod 43.
    EXPECT_EQ(hibcCheckCharacter("+2"), '0');
    EXPECT_FALSE(hibcCheckCharacter("+a").has_value());
}

TEST(CheckDigitsTest, GmnCheckCharacterPair) {
    // The GMN example of the GS1 General Specifications.
    EXPECT_EQ(gs1CheckCharacterPair("1987654Ad4X4bL5ttr2310c"), "2K");
    EXPECT_TRUE(hasValidGs1CheckCharacterPair("1987654Ad4X4bL5ttr2310c2K"));
    EXPECT_FALSE(hasValidGs1CheckCharacterPair("1987654Ad4X4bL5ttr2310cXK"));
    EXPECT_FALSE(hasValidGs1CheckCharacterPair("1987654Ad4X4bL5ttr2310c2X"));
    EXPECT_FALSE(hasValidGs1CheckCharacterPair("2K"));
    EXPECT_FALSE(gs1CheckCharacterPair("AB CD").has_value());
}

TEST(CheckDigitsTest, IbanMod97) {
    EXPECT_TRUE(hasValidIbanCheck("GB82WEST12345698765432"));
    EXPECT_FALSE(hasValidIbanCheck("GB82WEST12345698765433"));
    EXPECT_FALSE(hasValidIbanCheck("GB8"));
}

}  // namespace
}  // namespace station::identity
