#pragma once

#include <nlohmann/json.hpp>

#include "station/store/records.hpp"

namespace station::store {

// The JSON shapes of store records shared by `stationctl --json`, exports and the local API.
// Scan bytes are escaped (printable ASCII, <GS> and \xNN), never raw.
nlohmann::json linkJson(const Link& link);
nlohmann::json printJobJson(const PrintJob& job);
nlohmann::json orderJson(const Order& order);

}  // namespace station::store
