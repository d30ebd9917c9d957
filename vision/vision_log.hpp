#pragma once

#include <memory>

namespace spdlog {
class logger;
}

namespace station::vision {

// Returns the "vision" logger, creating it from spdlog's default logger on first use.
std::shared_ptr<spdlog::logger> visionLogger();

// Returns the "camera" logger for frame sources, created the same way.
std::shared_ptr<spdlog::logger> cameraLogger();

}  // namespace station::vision
