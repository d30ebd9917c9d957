#include "tests/print/oracle_support.hpp"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace station::print::test {

std::filesystem::path ensureRendererModules() {
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    const std::filesystem::path oracle =
        std::filesystem::path(STATION_SOURCE_DIR) / "tests" / "print" / "oracle";
    const auto modules = oracle / "node_modules";
    if (std::filesystem::exists(modules / "zpl-renderer-js" / "package.json")) {
        return modules;
    }
    // npm ci installs exactly what package-lock.json pins; it needs no network when the
    // package is in the npm cache.
    const std::string command = "cd '" + oracle.string() + "' && npm ci --no-audit --no-fund";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("npm ci failed in " + oracle.string());
    }
    return modules;
}

}  // namespace station::print::test
