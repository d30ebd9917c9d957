#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "station/identity/gs1_ai_table.hpp"
#include "station/identity/identity.hpp"

namespace station::identity {

// GS1 elements in scan order with the byte offset of each AI in the scan.
struct Gs1Elements {
    std::vector<Element> elements;
    std::vector<std::size_t> offsets;
};

// Checks `value` against the AI's format: length, character set, check digit, dates and the
// other rules of the table. `offset` is where the value starts in the scan.
std::optional<ParseError> validateGs1Value(const Gs1AiDefinition& ai, std::string_view value,
                                           std::size_t offset, std::chrono::year_month_day today);

// Parses a GS1 element string: AIs and values with GS (0x1D) after each variable-length
// value. `content` has no symbology identifier, and `offset` is its position in the scan. When
// `content` has no GS at all and separators are not trusted, every valid split by the table's
// lengths is tried, and the string is accepted only when exactly one exists. Appends to `out`.
std::optional<ParseError> parseGs1ElementString(std::string_view content, std::size_t offset,
                                                const ParseOptions& options, Gs1Elements& out);

// Returns true when `content` starts like the human-readable form "(01)...".
bool looksLikeGs1HumanReadable(std::string_view content);

// Parses the human-readable form "(01)09506000134352(17)261231(10)ABC". A value runs to the
// next "(" that opens a known AI, so a value may itself contain parentheses.
std::optional<ParseError> parseGs1HumanReadable(std::string_view content, std::size_t offset,
                                                const ParseOptions& options, Gs1Elements& out);

// Rejects an AI that appears twice with different values and pairs of AIs that must not
// appear together (the invalid pairs of the GS1 General Specifications).
std::optional<ParseError> checkGs1ElementRelations(const Gs1Elements& parsed);

// Fills the identity fields (gtin, sscc, serial, lot, dates, quantity) from GS1 elements that
// were already validated.
void applyGs1Elements(const std::vector<Element>& elements, std::chrono::year_month_day today,
                      Identity& identity);

// Returns the human-readable interpretation "(01)09506000134352 (17)261231".
std::string gs1HumanReadable(const std::vector<Element>& elements);

}  // namespace station::identity
