#pragma once

#include <functional>
#include <memory>

#include "config/station_config.hpp"

namespace station::cli {

// What every stationctl command needs from the global options: the station configuration
// (from --config, or the built-in defaults) with --store applied to its store path. Throws
// CLI::RuntimeError with a message when the configuration is invalid.
struct CliContext {
    std::function<config::StationConfig()> config;
};

using CliContextPtr = std::shared_ptr<const CliContext>;

}  // namespace station::cli
