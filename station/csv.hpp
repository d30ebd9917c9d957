#pragma once

#include <string>
#include <vector>

namespace station {

// Splits one CSV row (RFC 4180 quoting: "a,b" and "" for a quote) into its fields. The row
// must not contain its line ending.
std::vector<std::string> splitCsvRow(const std::string& row);

// Quotes a field for CSV output when it contains a comma, a quote or a line break.
std::string csvField(const std::string& value);

}  // namespace station
