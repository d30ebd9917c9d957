#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity {

// Returns true when `content` starts with "http://" or "https://" (scheme case-insensitive).
bool looksLikeUri(std::string_view content);

// Decodes %XX escapes. Returns nothing when a '%' is not followed by two hex digits.
std::optional<std::string> percentDecode(std::string_view text);

// Parses an uncompressed GS1 Digital Link URI (GS1 Digital Link standard 1.2): any domain
// and path stem, then the primary key AI and value, its key qualifiers in their fixed order,
// and data attributes as AI=value pairs in the query. Values are percent-decoded and
// checked like the same AI in an element string. `offset` is the position of `content` in
// the scan.
ParseResult parseGs1DigitalLink(std::string_view content, std::size_t offset,
                                const ParseOptions& options);

}  // namespace station::identity
