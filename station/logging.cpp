#include "station/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace station {

std::shared_ptr<spdlog::logger> componentLogger(const std::string& name) {
    if (std::shared_ptr<spdlog::logger> existing = spdlog::get(name)) {
        return existing;
    }
    std::shared_ptr<spdlog::logger> created = spdlog::default_logger()->clone(name);
    spdlog::register_logger(created);
    return created;
}

void setUpLogging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("stationd");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(level));
    // Components look their logger up by name; creating them here gives every line one format.
    for (const char* component : {"scanner", "printer", "camera", "vision", "session", "store"}) {
        componentLogger(component);
    }
}

}  // namespace station
