// stationd: the packing-station daemon. Reads scanners, links units to orders in the store,
// and prints carton labels.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "config/station_config.hpp"
#include "print/label_template.hpp"
#include "station/daemon/camera_setup.hpp"
#include "station/daemon/carton_label.hpp"
#include "station/daemon/daemon.hpp"
#include "station/logging.hpp"
#include "station/store/sqlite.hpp"

int main(int argc, char** argv) {
    CLI::App app{"stationd: serial capture and label printing for a packing station"};
    std::string configFile;
    std::string checkFile;
    std::string logLevel;
    app.add_option("-c,--config", configFile, "TOML configuration file (default: built-in)")
        ->check(CLI::ExistingFile);
    app.add_option("--check-config", checkFile,
                   "Validate a configuration file, print the result and exit");
    app.add_option("--log-level", logLevel,
                   "Log level: trace, debug, info, warn, error (overrides the file)");
    app.set_version_flag("--version", "stationd 0.1.0");
    CLI11_PARSE(app, argc, argv);

    const station::config::Environment environment = station::config::processEnvironment();
    if (!checkFile.empty()) {
        try {
            station::config::StationConfig config =
                station::config::loadConfig(checkFile, environment);
            station::daemon::loadCameraConfig(config);
            // Loads the carton template as start-up does, so a missing or broken one fails here.
            station::daemon::makeCartonLabelRenderer(config);
            std::cout << checkFile << ": valid (" << config.scanners.size()
                      << " scanner(s), printer " << config.printer.name << ", store "
                      << config.storePath.string() << ")\n";
            return 0;
        } catch (const station::config::ConfigError& error) {
            std::cerr << error.what() << '\n';
            return 1;
        } catch (const station::print::TemplateError& error) {
            std::cerr << checkFile << ": label.carton_template: " << error.what() << '\n';
            return 1;
        }
    }

    station::config::StationConfig config;
    try {
        config = configFile.empty() ? station::config::defaultConfig(environment)
                                    : station::config::loadConfig(configFile, environment);
    } catch (const station::config::ConfigError& error) {
        std::cerr << "stationd: invalid configuration: " << error.what() << '\n';
        return 1;
    }
    if (!logLevel.empty()) {
        config.logLevel = logLevel;
    }
    station::setUpLogging(config.logLevel);

    try {
        station::daemon::Daemon daemon(std::move(config));
        return daemon.run();
    } catch (const std::exception& error) {
        spdlog::critical("stationd cannot start: {}", error.what());
        return 1;
    }
}
