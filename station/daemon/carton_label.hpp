#pragma once

#include "config/station_config.hpp"
#include "station/session/session_engine.hpp"

namespace station::daemon {

// Builds the renderer the session uses when an order closes: the carton template from the
// config file, or the one built into the binary, filled with the order and each unit.
// Loading the template happens here, so a broken template stops start-up with its file:line.
session::CartonLabelRenderer makeCartonLabelRenderer(const config::StationConfig& config);

}  // namespace station::daemon
