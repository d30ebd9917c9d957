#include "tests/print/emulator_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace station::print::test {

namespace {

std::string emulatorPath() {
    const char* binaryDir = std::getenv("STATION_BINARY_DIR");
    return std::string(binaryDir != nullptr ? binaryDir : STATION_BINARY_DIR) +
           "/print/zpl-printer-emulator";
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

std::filesystem::path makeTempFolder(const std::string& prefix) {
    static std::atomic<int> counter{0};
    const auto folder =
        std::filesystem::temp_directory_path() /
        (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    return folder;
}

EmulatorProcess::EmulatorProcess(const std::vector<std::string>& extraArguments)
    : folder_(makeTempFolder("zpl-emulator")) {
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) {
        throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> arguments = {emulatorPath(), "--output", folder_.string()};
    arguments.insert(arguments.end(), extraArguments.begin(), extraArguments.end());

    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::close(in[1]);
        ::close(out[0]);
        std::vector<char*> argv;
        for (auto& argument : arguments) {
            argv.push_back(argument.data());
        }
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    toChild_ = in[1];
    fromChild_ = out[0];

    const std::string first = readLine();
    port_ = static_cast<std::uint16_t>(std::stoi(first));
}

EmulatorProcess::~EmulatorProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    ::close(toChild_);
    ::close(fromChild_);
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
}

std::string EmulatorProcess::readLine() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
        const auto newline = pending_.find('\n');
        if (newline != std::string::npos) {
            std::string line = pending_.substr(0, newline);
            pending_.erase(0, newline + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd entry{fromChild_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
            throw std::runtime_error("zpl-printer-emulator did not answer: " + emulatorPath());
        }
        char buffer[256];
        const ssize_t n = ::read(fromChild_, buffer, sizeof buffer);
        if (n <= 0) {
            throw std::runtime_error("zpl-printer-emulator exited: " + emulatorPath());
        }
        pending_.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string EmulatorProcess::control(const std::string& line) {
    const std::string text = line + "\n";
    if (::write(toChild_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        throw std::runtime_error("failed to write to zpl-printer-emulator");
    }
    return readLine();
}

std::vector<std::string> EmulatorProcess::labels() const {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(folder_ / "labels")) {
        if (entry.path().extension() == ".zpl" && entry.path().filename().string()[0] != '.') {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> result;
    for (const auto& path : paths) {
        result.push_back(readFile(path));
    }
    return result;
}

std::vector<std::string> EmulatorProcess::commands() const {
    std::vector<std::string> result;
    std::istringstream lines(readFile(folder_ / "commands.log"));
    std::string line;
    while (std::getline(lines, line)) {
        result.push_back(line);
    }
    return result;
}

bool EmulatorProcess::waitForLabels(std::size_t count, int timeoutMs) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (labels().size() >= count) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return labels().size() >= count;
}

}  // namespace station::print::test
