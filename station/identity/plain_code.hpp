#pragma once

#include <cstddef>
#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity {

// Maximum length of a plain code. std::regex recurses per character, so the bound keeps a
// hostile barcode from exhausting the stack.
inline constexpr std::size_t kMaxPlainCodeLength = 512;

// Parses content that carries no structure. An EAN-13 (symbology ]E0) becomes a GTIN, and a
// bare serial is matched against the per-SKU serial patterns. With patterns configured, a
// code that matches none of them is rejected. Without patterns the content is returned as it
// is, for the caller to interpret.
ParseResult parsePlainCode(std::string_view content, std::size_t offset, std::string_view symbology,
                           const ParseOptions& options);

}  // namespace station::identity
