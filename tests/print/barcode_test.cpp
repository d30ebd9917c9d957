#include "print/barcode.hpp"

#include <gtest/gtest.h>

#include "print/gs1.hpp"
#include "print/zpl_escape.hpp"

namespace station::print {
namespace {

TEST(Code128Test, LettersUseSubsetB) {
    EXPECT_EQ(code128FieldData("ABC"), ">:ABC");
}

TEST(Code128Test, EvenDigitsStartInSubsetC) {
    EXPECT_EQ(code128FieldData("123456"), ">;123456");
}

TEST(Code128Test, TrailingDigitsSwitchToSubsetC) {
    EXPECT_EQ(code128FieldData("SO-1001"), ">:SO->51001");
}

TEST(Code128Test, ShortDigitRunStaysInSubsetB) {
    EXPECT_EQ(code128FieldData("A12B"), ">:A12B");
}

TEST(Code128Test, OddDigitRunSwitchesAfterOneDigit) {
    EXPECT_EQ(code128FieldData("AB1234567CD"), ">:AB1>5234567>6CD");
}

TEST(Code128Test, LiteralGreaterThanIsInvocationZero) {
    EXPECT_EQ(code128FieldData("A>B"), ">:A>0B");
}

TEST(Code128Test, CaretTildeAndIndicatorAreHexEscaped) {
    EXPECT_EQ(code128FieldData("^~_"), ">:_5E_7E_5F");
}

TEST(Code128Test, ControlByteIsRejected) {
    EXPECT_THROW(code128FieldData(std::string("A\x1D"
                                              "B")),
                 FieldDataError);
}

TEST(Code128Test, NonAsciiIsRejected) {
    EXPECT_THROW(code128FieldData("Müller"), FieldDataError);
}

TEST(Gs1Test, CheckDigitOfKnownGtin) {
    EXPECT_EQ(gs1CheckDigit("0950110153000"), '3');
}

TEST(Gs1Test, WrongCheckDigitIsRejected) {
    EXPECT_THROW(validateGs1Element({"01", "09501101530004"}), FieldDataError);
}

TEST(Gs1Test, UnknownAiIsRejected) {
    EXPECT_THROW(validateGs1Element({"99", "X"}), FieldDataError);
}

TEST(Gs1Test, SerialOutsideCset82IsRejected) {
    EXPECT_THROW(validateGs1Element({"21", "AB CD"}), FieldDataError);
    EXPECT_THROW(validateGs1Element({"21", "AB#"}), FieldDataError);
}

TEST(Gs1Test, InvalidDateIsRejected) {
    EXPECT_THROW(validateGs1Element({"17", "271301"}), FieldDataError);
    EXPECT_NO_THROW(validateGs1Element({"17", "271200"}));
}

TEST(Gs1Test, LotLongerThanTwentyIsRejected) {
    EXPECT_THROW(validateGs1Element({"10", std::string(21, 'L')}), FieldDataError);
}

TEST(Gs1Test, ParsesBracketedText) {
    const auto elements = parseGs1Text("(01)09501101530003(21)ABC(10)L1");
    ASSERT_EQ(elements.size(), 3u);
    EXPECT_EQ(elements[0].ai, "01");
    EXPECT_EQ(elements[1].value, "ABC");
    EXPECT_EQ(formatGs1Text(elements), "(01)09501101530003(21)ABC(10)L1");
}

TEST(Gs1Test, TransmittedFormSeparatesVariableFields) {
    const auto elements = parseGs1Text("(01)09501101530003(21)ABC(10)L1(17)270331");
    EXPECT_EQ(gs1Transmitted(elements),
              "010950110153000321ABC\x1D"
              "10L1\x1D"
              "17270331");
}

TEST(Gs1_128Test, Fnc1AfterStartAndAfterVariableFields) {
    const auto elements = parseGs1Text("(01)09501101530003(21)ABC(10)L1");
    EXPECT_EQ(gs1_128FieldData(elements), ">;>8010950110153000321>6ABC>810L1");
}

TEST(Gs1_128Test, NoFnc1AfterFixedLengthField) {
    const auto elements = parseGs1Text("(01)09501101530003(17)270331(10)AB");
    EXPECT_EQ(gs1_128FieldData(elements), ">;>801095011015300031727033110>6AB");
}

TEST(Gs1_128Test, InvalidElementIsRejected) {
    EXPECT_THROW(gs1_128FieldData({{"01", "123"}}), FieldDataError);
}

TEST(DataMatrixTest, ElementSetsEcc200AndEscapeCharacter) {
    const std::string element = dataMatrixElement("HELLO", {5, 0, false});
    EXPECT_EQ(element, "^BXN,5,200,,,,`^FH_^FDHELLO^FS");
}

TEST(DataMatrixTest, EscapeCharacterInDataIsDoubled) {
    EXPECT_EQ(dataMatrixFieldData("a`b"), "a``b");
}

TEST(DataMatrixTest, Gs1UsesFnc1Sequences) {
    const auto elements = parseGs1Text("(01)09501101530003(21)SN_1(17)270331");
    EXPECT_EQ(gs1DataMatrixFieldData(elements), "`1010950110153000321SN_5F1`117270331");
}

TEST(QrTest, FieldDataHasModePrefix) {
    EXPECT_EQ(qrFieldData("https://a/b"), "QA,https://a/b");
}

TEST(QrTest, ValueIsEscaped) {
    EXPECT_EQ(qrFieldData("a^b"), "QA,a_5Eb");
}

TEST(DigitalLinkTest, KeyQualifiersInPathOthersInQuery) {
    const auto elements = parseGs1Text("(01)09501101530003(17)270331(21)A/B(10)L+1");
    EXPECT_EQ(digitalLinkUri(elements),
              "https://id.gs1.org/01/09501101530003/10/L%2B1/21/A%2FB?17=270331");
}

TEST(DigitalLinkTest, GtinIsRequired) {
    EXPECT_THROW(digitalLinkUri({{"21", "A"}}), FieldDataError);
}

TEST(BarcodeTest, TooLongDataIsRejectedNotCut) {
    EXPECT_THROW(dataMatrixFieldData(std::string(4000, 'A')), FieldDataError);
    EXPECT_THROW(code128FieldData(std::string(4000, 'A')), FieldDataError);
}

}  // namespace
}  // namespace station::print
