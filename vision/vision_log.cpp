#include "vision/vision_log.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

namespace station::vision {
namespace {

std::shared_ptr<spdlog::logger> namedLogger(const std::string& name) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto logger = spdlog::get(name)) {
        return logger;
    }
    auto logger = spdlog::default_logger()->clone(name);
    spdlog::register_logger(logger);
    return logger;
}

}  // namespace

std::shared_ptr<spdlog::logger> visionLogger() {
    return namedLogger("vision");
}

std::shared_ptr<spdlog::logger> cameraLogger() {
    return namedLogger("camera");
}

}  // namespace station::vision
