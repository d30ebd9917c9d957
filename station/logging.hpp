#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace station {

// Returns the named component logger ("session", "printer", "store", "scanner"), creating it
// from the default logger's sinks and level on first use.
std::shared_ptr<spdlog::logger> componentLogger(const std::string& name);

// Sends all logs to stderr with the given level ("info", "debug", ...).
void setUpLogging(const std::string& level);

}  // namespace station
