#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "station/identity/identity.hpp"

namespace station::identity {

inline constexpr char kGroupSeparator = '\x1d';
inline constexpr char kRecordSeparator = '\x1e';
inline constexpr char kEndOfTransmission = '\x04';

// Returns `text` with control bytes and bytes above 0x7e written as <GS>, <RS>, <EOT>, <CR>,
// <LF>, <TAB> or \xNN, so that a message or log line never carries raw scan bytes.
std::string escapeForMessage(std::string_view text);

// Builds a ParseError.
ParseError makeError(std::string_view kind, std::string message, std::size_t offset);

}  // namespace station::identity
