#pragma once

#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity::fuzz {

// Aborts when a parse result breaks the parser's contract. An error must have a kind, a
// message without raw control bytes, and an offset within the input. Every element of a GS1
// result must have an AI from the table and a value that validates.
void checkResult(const ParseResult& result, std::string_view input);

// Options that every target uses: a fixed "today", so that a crash reproduces on any day.
ParseOptions fuzzOptions();

}  // namespace station::identity::fuzz
