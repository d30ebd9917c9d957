#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace station::testing {

// A child process started from a real binary, with its stdin and stdout on pipes and its
// stderr in a log file. The destructor kills it, so a failing test never leaves it running.
class ChildProcess {
public:
    ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                 const std::filesystem::path& logFile) {
        int output[2];
        int input[2];
        if (::pipe(output) != 0 || ::pipe(input) != 0) {
            throw std::runtime_error("pipe failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO);
        posix_spawn_file_actions_addclose(&actions, input[1]);
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, logFile.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addclose(&actions, output[0]);

        std::vector<std::string> argv{program.string()};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        std::vector<char*> pointers;
        for (std::string& argument : argv) {
            pointers.push_back(argument.data());
        }
        pointers.push_back(nullptr);
        int error =
            posix_spawn(&pid_, program.c_str(), &actions, nullptr, pointers.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(output[1]);
        ::close(input[0]);
        input_ = input[1];
        if (error != 0) {
            ::close(output[0]);
            throw std::runtime_error("Failed to start " + program.string());
        }
        output_ = ::fdopen(output[0], "r");
    }

    ~ChildProcess() {
        if (pid_ > 0 && running()) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (output_ != nullptr) {
            std::fclose(output_);
        }
        if (input_ >= 0) {
            ::close(input_);
        }
    }

    // Writes one line to the child's standard input (the printer emulator's control commands).
    void writeLine(const std::string& line) {
        std::string text = line + "\n";
        if (::write(input_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
            throw std::runtime_error("Failed to write to the child's standard input");
        }
    }

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Reads one line of the child's standard output (blocking).
    std::string readLine() {
        char buffer[256];
        if (std::fgets(buffer, sizeof buffer, output_) == nullptr) {
            return {};
        }
        std::string line(buffer);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.pop_back();
        }
        return line;
    }

    bool running() {
        if (exited_) {
            return false;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            status_ = status;
            return false;
        }
        return true;
    }

    // Sends a signal and waits up to `timeout` for the exit. Returns the exit status from
    // waitpid, or -1 when the child did not exit in time.
    int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        if (running()) {
            ::kill(pid_, signal);
        }
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (running()) {
            if (std::chrono::steady_clock::now() > deadline) {
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return status_;
    }

    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    FILE* output_ = nullptr;
    int input_ = -1;
    bool exited_ = false;
    int status_ = 0;
};

// Polls `condition` every 20 ms until it is true or `timeout` passes. Returns its last value.
template <typename Condition>
bool waitUntil(Condition condition, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return condition();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace station::testing
