#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace station::drivers {

// Returns the "scanner" logger, creating it (colour output on stderr) when no one registered it.
std::shared_ptr<spdlog::logger> scannerLogger();

// Returns the bytes in a form safe for logs and terminals: printable ASCII stays, the scan
// control characters read <GS>, <RS>, <EOT>, <CR>, <LF>, <TAB>, <ESC>, and every other byte
// below 0x20 or from 0x7F up reads \xNN. A literal '<' or '\' is written as \x3C or \x5C, so the
// output always maps back to exactly one input.
std::string escapeForLog(std::string_view bytes);

}  // namespace station::drivers
