#pragma once

#include <cstddef>
#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity {

// Returns true when `content` starts like a HIBC data structure ("+").
bool looksLikeHibc(std::string_view content);

// Parses a HIBC LIC data structure (ANSI/HIBC 2.6): a primary structure "+LIC PCN U/M check",
// a secondary structure "+$$... link check" with quantity, expiry date, lot or serial, or
// both concatenated with "/". The mod 43 check character is verified. `offset` is the
// position of `content` in the scan.
ParseResult parseHibc(std::string_view content, std::size_t offset, const ParseOptions& options);

}  // namespace station::identity
