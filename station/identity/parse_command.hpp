#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

namespace station::identity {

// Adds `parse [--json] [--gs-substitute CHAR] [--today YYYY-MM-DD] [--symbology ID]
// [--serial-pattern SKU=REGEX]... DATA` to `app`. DATA "-" reads the raw scan bytes from
// standard input. On success the command prints the identity. On a rejection it prints the
// error and throws CLI::RuntimeError with exit code 1. With --json that exception has an empty
// message, because the JSON on standard output already carries the error.
void addParseCommand(CLI::App& app);

// The same, reading DATA "-" from `in` and printing to `out`, for tests.
void addParseCommand(CLI::App& app, std::istream& in, std::ostream& out);

}  // namespace station::identity
