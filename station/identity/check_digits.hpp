#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace station::identity {

// Computes the GS1 mod 10 check digit for `digits` (the data digits without the check digit),
// weighting 3 and 1 from the right as in the GS1 General Specifications. Returns
// nothing when `digits` is empty or contains a non-digit.
std::optional<char> gs1CheckDigit(std::string_view digits);

// Returns true when the last digit of `digitsWithCheck` is the GS1 mod 10 check digit of the
// digits before it.
bool hasValidGs1CheckDigit(std::string_view digitsWithCheck);

// Returns the value of `c` in the HIBC mod 43 character set (0-9, A-Z, '-', '.', ' ', '$',
// '/', '+', '%'), or -1 when `c` is not in it.
int hibcCharacterValue(char c);

// Computes the HIBC mod 43 check character over `data` (ANSI/HIBC 2.6). Returns nothing when
// `data` contains a character outside the mod 43 set.
std::optional<char> hibcCheckCharacter(std::string_view data);

// Computes the two check characters of a GS1 alphanumeric key such as a GMN (GS1 General
// Specifications, "Check character calculation (for alphanumeric keys)"): CSET 82 values
// weighted by increasing primes from the right, modulo 1021, split into two CSET 32
// characters. Returns nothing for an empty `data`, a character outside CSET 82, or more than
// 97 characters.
std::optional<std::string> gs1CheckCharacterPair(std::string_view data);

// Returns true when the last two characters of `keyWithPair` are the check character pair of
// the characters before them.
bool hasValidGs1CheckCharacterPair(std::string_view keyWithPair);

// Returns true when the IBAN in `iban` passes the ISO 13616 mod 97 check.
bool hasValidIbanCheck(std::string_view iban);

}  // namespace station::identity
