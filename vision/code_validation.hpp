#pragma once

#include <string>
#include <string_view>

#include "vision/decoded_code.hpp"

namespace station::vision {

// Returns true when `digits` is all decimal digits and its last digit is the GS1 mod-10 check
// digit of the others (GS1 General Specifications, section 7.9.1).
bool hasValidGs1CheckDigit(std::string_view digits);

// Returns true when the symbology identifier marks GS1 data: ]d2 (GS1 DataMatrix), ]C1
// (GS1-128), ]e0 (GS1 DataBar) and ]Q3 (GS1 QR Code).
bool isGs1Symbology(std::string_view symbology);

// Checks that a read is well-formed: a non-empty text and a valid check digit where the format
// carries one (EAN/UPC, ITF-14). Reads from the retry ladder (`retried`) must also be ITF-14
// when they are ITF, and GS1 element strings that the identity parser accepts when they carry a
// GS1 symbology identifier. On failure `reason` names the check.
bool isWellFormed(const DecodedCode& code, bool retried, std::string* reason = nullptr);

}  // namespace station::vision
