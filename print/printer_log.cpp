#include "print/printer_log.hpp"

#include <mutex>

namespace station::print {

std::shared_ptr<spdlog::logger> printerLogger() {
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    if (auto logger = spdlog::get("printer")) {
        return logger;
    }
    const auto fallback = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("printer", fallback->sinks().begin(),
                                                   fallback->sinks().end());
    logger->set_level(fallback->level());
    spdlog::register_logger(logger);
    return logger;
}

}  // namespace station::print
