#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "station/identity/identity.hpp"

namespace station::identity {

// Converts an identity to the JSON object of `stationctl parse --json`: "format", "symbology"
// when known, each identity field that is set (dates as YYYY-MM-DD), and "elements" in scan
// order as {"id", "value"}. Values are raw scan bytes, so serialise with
// dumpJson(), which replaces invalid UTF-8 instead of throwing.
nlohmann::ordered_json identityToJson(const Identity& identity);

// Converts a refusal to {"error": {"kind", "message", "offset"}}.
nlohmann::ordered_json parseErrorToJson(const ParseError& error);

// Serialises JSON on one line, replacing invalid UTF-8 with U+FFFD.
std::string dumpJson(const nlohmann::ordered_json& json);

// Formats an identity for people: the format and symbology, the fields found, and for GS1
// content the human-readable interpretation "(01)... (17)...". Control bytes are escaped.
std::string describeIdentity(const Identity& identity);

}  // namespace station::identity
