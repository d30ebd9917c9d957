#pragma once

#include <cstddef>
#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity {

// Returns true when `content` starts with the ISO/IEC 15434 message header "[)>" RS.
bool looksLikeIso15434(std::string_view content);

// Parses an ISO/IEC 15434 message: the "[)>" RS header, one or more format envelopes (format
// 05 with GS1 AIs, format 06 with ANSI MH10.8.2 data identifiers), each closed by RS, and the
// EOT trailer. `offset` is the position of `content` in the scan.
ParseResult parseIso15434(std::string_view content, std::size_t offset,
                          const ParseOptions& options);

}  // namespace station::identity
