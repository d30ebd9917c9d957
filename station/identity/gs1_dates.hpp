#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace station::identity {

// Returns `today` when it is a valid date, otherwise the current UTC date.
std::chrono::year_month_day effectiveToday(std::chrono::year_month_day today);

// Returns the full year for a two-digit year by the GS1 century rule (GS1 General
// Specifications). The year lies at most 49 years before or 50 years after the current one: 51 to
// 99 years ahead means the previous century, and 50 to 99 years back means the next one.
std::chrono::year resolveCentury(int twoDigitYear, std::chrono::year_month_day today);

// Parses YYMMDD. When `zeroDayAllowed` is true, DD = 00 stands for the last day of the month
// (AIs 15, 16 and 17). Returns nothing for a value that is not 6 digits or not a real date.
std::optional<std::chrono::year_month_day> parseYymmdd(std::string_view value, bool zeroDayAllowed,
                                                       std::chrono::year_month_day today);

// Parses YYYYMMDD. Returns nothing for a value that is not 8 digits or not a real date.
std::optional<std::chrono::year_month_day> parseYyyymmdd(std::string_view value);

// Returns true for HHMM with hours 00-23 and minutes 00-59.
bool isValidHhmm(std::string_view value);

// Formats a date as YYYY-MM-DD.
std::string formatDate(std::chrono::year_month_day date);

// Parses YYYY-MM-DD as given on a command line. Returns nothing when it is not a real date.
std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view value);

}  // namespace station::identity
