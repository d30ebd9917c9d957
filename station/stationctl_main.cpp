// stationctl: the command line for leads and integrators. Reads the store, parses and decodes
// codes, and renders labels, without going through the daemon.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "config/station_config.hpp"
#include "print/label_command.hpp"
#include "station/cli/lead_commands.hpp"
#include "station/cli/store_commands.hpp"
#include "station/identity/parse_command.hpp"
#include "vision/decode_command.hpp"

namespace {

struct GlobalOptions {
    std::string storePath;
    std::string configFile;
};

station::config::StationConfig loadStationConfig(const GlobalOptions& options) {
    const station::config::Environment environment = station::config::processEnvironment();
    station::config::StationConfig config;
    if (options.configFile.empty()) {
        config = station::config::defaultConfig(environment);
    } else {
        try {
            config = station::config::loadConfig(options.configFile, environment);
        } catch (const station::config::ConfigError& error) {
            throw CLI::RuntimeError(std::string("invalid configuration: ") + error.what(), 1);
        }
    }
    if (!options.storePath.empty()) {
        config.storePath = options.storePath;
    }
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"stationctl: look up, recall and export shipped units; parse codes; labels"};
    app.require_subcommand(1);
    auto options = std::make_shared<GlobalOptions>();
    app.add_option("--store", options->storePath,
                   "Store file (default: from --config, or "
                   "$STATE_DIRECTORY/station.db, or "
                   "./var/station.db)");
    app.add_option("-c,--config", options->configFile, "stationd configuration file");
    app.set_version_flag("--version", "stationctl 0.1.0");

    auto context = std::make_shared<station::cli::CliContext>();
    context->config = [options] { return loadStationConfig(*options); };
    station::cli::addStoreCommands(app, context);
    station::cli::addLeadCommands(app, context);
    station::cli::addMaintenanceCommands(app, context);
    station::identity::addParseCommand(app);
    station::print::addLabelCommands(app);
    station::vision::addDecodeCommand(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& error) {
        if (error.get_exit_code() != 0 && std::string(error.what()).size() > 0) {
            std::cerr << "stationctl: " << error.what() << '\n';
        }
        return error.get_exit_code();
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const std::exception& error) {
        // Store and file errors that a command did not turn into its own message.
        std::cerr << "stationctl: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
