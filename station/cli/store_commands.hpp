#pragma once

#include <CLI/CLI.hpp>

#include "station/cli/cli_context.hpp"

namespace station::cli {

// Registers the commands that read the store: lookup, recall, links, jobs, journal and
// export. They open the store read-only, so they are safe while stationd runs.
void addStoreCommands(CLI::App& app, CliContextPtr context);

// Registers backup and check, which copy and verify the store while stationd runs.
void addMaintenanceCommands(CLI::App& app, CliContextPtr context);

}  // namespace station::cli
