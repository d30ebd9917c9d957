#pragma once

#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity::fuzz {

// Aborts when a parse result breaks the parser's contract: an error offset past the end of
// the input, an empty kind or message, raw control bytes in a message, or a GS1 element
// whose AI is not in the table or whose value does not validate.
void checkResult(const ParseResult& result, std::string_view input);

// Options that every target uses: a fixed "today", so that a crash reproduces on any day.
ParseOptions fuzzOptions();

}  // namespace station::identity::fuzz
