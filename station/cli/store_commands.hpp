#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>

namespace station::cli {

// Returns the store path chosen by the global options (--store, --config) or the default.
using StorePathResolver = std::function<std::filesystem::path()>;

// Registers the commands that read the store: lookup, recall, links. They open the store
// read-only, so they are safe while stationd runs.
void addStoreCommands(CLI::App& app, StorePathResolver storePath);

}  // namespace station::cli
