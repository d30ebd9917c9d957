#pragma once

#include <CLI/CLI.hpp>

#include "station/cli/cli_context.hpp"

namespace station::cli {

// Registers the lead commands: lead set-pin, hold, void, return, order cancel|close-short,
// override, reprint and job resend|cancel. Each one that needs a lead takes --lead NAME and
// reads the PIN from $STATION_LEAD_PIN, or asks for it on the terminal (or reads one line of
// standard input when that is not a terminal).
void addLeadCommands(CLI::App& app, CliContextPtr context);

}  // namespace station::cli
