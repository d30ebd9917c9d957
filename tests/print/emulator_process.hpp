#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace station::print::test {

// A zpl-printer-emulator child process with a fresh output folder, stopped on destruction.
class EmulatorProcess {
public:
    explicit EmulatorProcess(const std::vector<std::string>& extraArguments = {});
    ~EmulatorProcess();
    EmulatorProcess(const EmulatorProcess&) = delete;
    EmulatorProcess& operator=(const EmulatorProcess&) = delete;

    std::uint16_t port() const { return port_; }
    const std::filesystem::path& folder() const { return folder_; }

    // Sends one control line and returns the emulator's reply line.
    std::string control(const std::string& line);

    // Stored labels in arrival order, and the commands the emulator parsed.
    std::vector<std::string> labels() const;
    std::vector<std::string> commands() const;

    // Waits until at least count labels are stored, for at most timeoutMs.
    bool waitForLabels(std::size_t count, int timeoutMs = 5000) const;

private:
    std::string readLine();

    pid_t pid_ = -1;
    int toChild_ = -1;
    int fromChild_ = -1;
    std::uint16_t port_ = 0;
    std::filesystem::path folder_;
    std::string pending_;
};

// Creates an empty folder under the system temp folder, unique to this process and call.
std::filesystem::path makeTempFolder(const std::string& prefix);

}  // namespace station::print::test
