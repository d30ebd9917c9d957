#include "tests/print/oracle_support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace station::print::test {

std::filesystem::path ensureRendererModules() {
    const std::filesystem::path oracle =
        std::filesystem::path(STATION_SOURCE_DIR) / "tests" / "print" / "oracle";
    const auto modules = oracle / "node_modules";
    if (std::filesystem::exists(modules / "zpl-renderer-js" / "package.json")) {
        return modules;
    }
    // Test processes run in parallel, so one installs while the others wait on the lock.
    const int lock = ::open((oracle / ".npm-ci.lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    ::flock(lock, LOCK_EX);
    int status = 0;
    if (!std::filesystem::exists(modules / "zpl-renderer-js" / "package.json")) {
        // npm ci installs exactly what package-lock.json pins; it needs no network when the
        // package is in the npm cache.
        const std::string command = "cd '" + oracle.string() + "' && npm ci --no-audit --no-fund";
        status = std::system(command.c_str());
    }
    ::close(lock);
    if (status != 0) {
        throw std::runtime_error("npm ci failed in " + oracle.string());
    }
    return modules;
}

}  // namespace station::print::test
