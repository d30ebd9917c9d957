#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace station::print {

// One GS1 element string: an Application Identifier and its value.
struct Gs1Element {
    std::string ai;
    std::string value;
};

// Checks one element against the GS1 General Specifications (section 3, Application
// Identifier definitions): the AI is one this product knows, the value has the AI's length and
// character set (digits, or the 82-character set CSET 82), GTIN/SSCC/GLN check digits are
// right and dates are YYMMDD. Throws FieldDataError naming the AI and the problem.
void validateGs1Element(const Gs1Element& element);

// True when the AI's value has a predefined fixed length, so no FNC1 separator follows it
// (GS1 General Specifications, figure 7.8.5-2, "Element strings with predefined length").
bool isFixedLengthAi(std::string_view ai);

// Parses "(01)09501101530003(21)ABC" into elements and validates each. Throws FieldDataError.
std::vector<Gs1Element> parseGs1Text(std::string_view text);

// Formats elements as "(01)09501101530003(21)ABC", the human-readable interpretation.
std::string formatGs1Text(const std::vector<Gs1Element>& elements);

// Concatenates elements as a scanner transmits them: AI and value, with GS (0x1D) after every
// variable-length value that is not last. This is the decoded content of a GS1 symbol without
// its symbology identifier.
std::string gs1Transmitted(const std::vector<Gs1Element>& elements);

// Returns the check digit of a GS1 numeric key (GTIN, SSCC, GLN) whose last digit is the check
// digit, computed over all digits but the last (GS1 General Specifications, 7.9.1).
char gs1CheckDigit(std::string_view digitsWithoutCheck);

}  // namespace station::print
