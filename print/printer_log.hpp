#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace station::print {

// Returns the "printer" logger, creating it from the default logger's sinks and level on first
// use, so it follows the daemon's logging set-up.
std::shared_ptr<spdlog::logger> printerLogger();

}  // namespace station::print
