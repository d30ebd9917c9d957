#pragma once

#include <chrono>
#include <string>

namespace station {

// Formats a time as ISO 8601 UTC with milliseconds: "2026-12-04T15:35:59.123Z". This text sorts
// in time order, which the store's time-range queries rely on.
std::string formatTimestamp(std::chrono::system_clock::time_point time);

std::string formatDate(std::chrono::year_month_day date);

}  // namespace station
