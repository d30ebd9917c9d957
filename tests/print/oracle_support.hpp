#pragma once

#include <filesystem>
#include <string>

namespace station::print::test {

// Returns the node_modules folder holding zpl-renderer-js, running `npm ci` in
// tests/print/oracle first when it is missing. Throws when npm fails.
std::filesystem::path ensureRendererModules();

}  // namespace station::print::test
