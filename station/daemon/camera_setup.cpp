#include "station/daemon/camera_setup.hpp"

#include <toml++/toml.h>

namespace station::daemon {

std::optional<vision::CameraConfig> loadCameraConfig(const config::StationConfig& config) {
    if (config.sourceFile.empty()) {
        return std::nullopt;
    }
    toml::table root;
    try {
        root = toml::parse_file(config.sourceFile.string());
    } catch (const toml::parse_error& error) {
        throw config::ConfigError(config.sourceFile.string(),
                                  static_cast<int>(error.source().begin.line), "(syntax)",
                                  std::string(error.description()));
    }
    const toml::table* table = root["camera"].as_table();
    if (table == nullptr) {
        return std::nullopt;
    }

    vision::CameraConfig camera;
    try {
        camera = vision::parseCameraConfig(*table);
    } catch (const vision::CameraConfigError& error) {
        const toml::node* node = table->get(error.key().substr(error.key().rfind('.') + 1));
        int line =
            static_cast<int>((node != nullptr ? node->source() : table->source()).begin.line);
        // what() reads "camera.KEY: problem"; ConfigError adds the key itself.
        std::string message = error.what();
        std::string problem = message.substr(message.find(": ") + 2);
        throw config::ConfigError(config.sourceFile.string(), line, "camera." + error.key(),
                                  problem);
    }
    if (!camera.enabled) {
        return std::nullopt;
    }
    if (camera.evidenceDir.empty()) {
        camera.evidenceDir = config.stateDir / "evidence";
    } else if (camera.evidenceDir.is_relative()) {
        camera.evidenceDir = config.stateDir / camera.evidenceDir;
    }
    if (!camera.crashDir.empty() && camera.crashDir.is_relative()) {
        camera.crashDir = config.stateDir / camera.crashDir;
    }
    return camera;
}

}  // namespace station::daemon
