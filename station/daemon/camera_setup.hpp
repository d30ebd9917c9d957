#pragma once

#include <optional>

#include "config/station_config.hpp"
#include "vision/camera_config.hpp"

namespace station::daemon {

// Reads the [camera] table of the station's config file, if any, and resolves its folders
// against the state directory. Returns nothing when there is no [camera] table or it is not
// enabled. Throws config::ConfigError naming the file and the key.
std::optional<vision::CameraConfig> loadCameraConfig(const config::StationConfig& config);

}  // namespace station::daemon
