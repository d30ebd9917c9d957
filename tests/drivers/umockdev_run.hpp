#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace station::drivers::test_support {

// Test data shipped with the driver tests.
inline std::filesystem::path dataDir() {
    return std::filesystem::path(STATION_SOURCE_DIR) / "tests" / "drivers" / "data";
}

// True inside an umockdev-run testbed.
inline bool insideUmockdev() {
    return std::getenv("UMOCKDEV_DIR") != nullptr;
}

// Encodes bytes for an umockdev script line: bytes below 32 as '^' and the byte plus 64, '^' as
// "^`", everything else as it is.
inline std::string umockdevScriptData(const std::string& bytes) {
    std::string out;
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '^') {
            out += "^`";
        } else if (byte < 32) {
            out.push_back('^');
            out.push_back(static_cast<char>(byte + 64));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Runs one test of this same executable under umockdev-run with the given options (-d, -i, -e,
// -s ...) and returns its exit status. The child's test is named DISABLED_... so that it runs only
// this way; its output goes to this test's output.
//
// Two umockdev-run testbeds running at once corrupt each other's emulated event streams (seen
// with umockdev 0.17.16: reads fail with EINVAL), so runs take an exclusive lock on a file in
// the temp directory and wait for each other.
inline int runUnderUmockdev(const std::vector<std::string>& options, const std::string& test,
                            const std::string& environment = {}) {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe");
    // umockdev-run waits for its replay thread, which blocks when the child stops reading early.
    std::string command = environment + " timeout -k 5 120 umockdev-run";
    for (const std::string& option : options) {
        command += " " + option;
    }
    command += " -- " + self + " --gtest_also_run_disabled_tests --gtest_filter=" + test;
    const std::string lockPath = std::filesystem::temp_directory_path() / "station-umockdev.lock";
    const int lock = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock >= 0) {
        ::flock(lock, LOCK_EX);
    }
    const int status = std::system(command.c_str());
    if (lock >= 0) {
        ::close(lock);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs one test of this same executable with umockdev's preload library (umockdev-wrapper) and no
// testbed, so that the test can build its own UMockdevTestbed and change it while it runs. Runs
// are serialised like runUnderUmockdev().
inline int runWithUmockdevPreload(const std::string& test) {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe");
    const std::string command = "timeout -k 5 120 umockdev-wrapper " + self +
                                " --gtest_also_run_disabled_tests --gtest_filter=" + test;
    const std::string lockPath = std::filesystem::temp_directory_path() / "station-umockdev.lock";
    const int lock = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock >= 0) {
        ::flock(lock, LOCK_EX);
    }
    const int status = std::system(command.c_str());
    if (lock >= 0) {
        ::close(lock);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace station::drivers::test_support
