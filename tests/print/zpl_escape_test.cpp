#include "print/zpl_escape.hpp"

#include <gtest/gtest.h>

#include <string>

namespace station::print {
namespace {

TEST(ZplEscapeTest, PlainTextPassesUnchanged) {
    EXPECT_EQ(escapeFieldData("Order SO-1001 / 4 units"), "Order SO-1001 / 4 units");
}

TEST(ZplEscapeTest, CaretInSerialStaysText) {
    EXPECT_EQ(escapeFieldData("A^XZB"), "A_5EXZB");
}

TEST(ZplEscapeTest, TildeIsEscaped) {
    EXPECT_EQ(escapeFieldData("~JR"), "_7EJR");
}

TEST(ZplEscapeTest, IndicatorItselfIsEscaped) {
    EXPECT_EQ(escapeFieldData("SN_001"), "SN_5F001");
    EXPECT_EQ(escapeFieldData("_1E"), "_5F1E");
}

TEST(ZplEscapeTest, EveryControlByteIsEscaped) {
    for (int byte = 0; byte < 0x20; ++byte) {
        const std::string input(1, static_cast<char>(byte));
        char expected[4];
        std::snprintf(expected, sizeof expected, "_%02X", byte);
        EXPECT_EQ(escapeFieldData(input), expected) << "byte " << byte;
    }
    EXPECT_EQ(escapeFieldData("\x7F"), "_7F");
}

TEST(ZplEscapeTest, AlternatePrefixBytesAreEscaped) {
    EXPECT_EQ(escapeFieldData("\x10HS"), "_10HS");
    EXPECT_EQ(escapeFieldData("\x1EXZ"), "_1EXZ");
}

TEST(ZplEscapeTest, ValidUtf8PassesUnchanged) {
    const std::string text = "Müller 東京 €5 🙂";
    EXPECT_EQ(escapeFieldData(text), text);
}

TEST(ZplEscapeTest, InvalidUtf8BytesAreEscaped) {
    EXPECT_EQ(escapeFieldData("a\xFF"
                              "b"),
              "a_FFb");
    // A truncated two-byte sequence, an overlong '/', a UTF-16 surrogate and a code point
    // above U+10FFFF.
    EXPECT_EQ(escapeFieldData("\xC3"), "_C3");
    EXPECT_EQ(escapeFieldData("\xC0\xAF"), "_C0_AF");
    EXPECT_EQ(escapeFieldData("\xED\xA0\x80"), "_ED_A0_80");
    EXPECT_EQ(escapeFieldData("\xF4\x90\x80\x80"), "_F4_90_80_80");
}

TEST(ZplEscapeTest, AnsiEscapeSequenceIsEscaped) {
    EXPECT_EQ(escapeFieldData("\x1B[31mred"), "_1B[31mred");
}

TEST(ZplEscapeTest, OutputNeverContainsPrefixBytes) {
    std::string everyByte;
    for (int byte = 0; byte < 256; ++byte) {
        everyByte.push_back(static_cast<char>(byte));
    }
    const std::string escaped = escapeFieldData(everyByte);
    for (char c : escaped) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_NE(c, '^');
        EXPECT_NE(c, '~');
        EXPECT_GE(byte, 0x20);
        EXPECT_NE(byte, 0x7F);
    }
}

TEST(ZplEscapeTest, LengthAtLimitIsAccepted) {
    EXPECT_NO_THROW(checkFieldLength(std::string(kMaxFieldDataBytes, 'A')));
}

TEST(ZplEscapeTest, LengthOverLimitIsRejected) {
    EXPECT_THROW(checkFieldLength(std::string(kMaxFieldDataBytes + 1, 'A')), FieldDataError);
}

TEST(ZplEscapeTest, Utf8SequenceLengths) {
    EXPECT_EQ(utf8SequenceLength("a"), 1u);
    EXPECT_EQ(utf8SequenceLength("é"), 2u);
    EXPECT_EQ(utf8SequenceLength("€"), 3u);
    EXPECT_EQ(utf8SequenceLength("🙂"), 4u);
    EXPECT_EQ(utf8SequenceLength("\x80"), 0u);
    EXPECT_EQ(utf8SequenceLength(""), 0u);
}

}  // namespace
}  // namespace station::print
