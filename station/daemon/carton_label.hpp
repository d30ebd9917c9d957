#pragma once

#include "config/station_config.hpp"
#include "station/lead/lead_actions.hpp"
#include "station/session/session_engine.hpp"

namespace station::daemon {

// Builds the renderer the session uses when an order closes: the carton template from the
// config file, or the one built into the binary, filled with the order and each unit.
// Loading the template happens here, so a broken template stops start-up with its file:line.
session::CartonLabelRenderer makeCartonLabelRenderer(const config::StationConfig& config);

// Builds the renderer for reprints: the built-in reprint template, filled with the original
// job's fields, the reason and the original job's id, so the label is visibly a reprint.
lead::ReprintRenderer makeReprintRenderer(const config::StationConfig& config);

}  // namespace station::daemon
