#include "print/cups_transport.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "print/blocking_worker.hpp"
#include "print/device_io.hpp"

extern char** environ;

namespace station::print {

namespace {

// A child process with pipes to its standard input and output.
struct Child {
    pid_t pid = -1;
    int input = -1;   // write end of the child's stdin
    int output = -1;  // read end of the child's stdout and stderr
    int spawnError = 0;
};

Child spawn(const std::vector<std::string>& arguments) {
    Child child;
    int inPipe[2];
    int outPipe[2];
    if (::pipe2(inPipe, O_CLOEXEC) != 0) {
        child.spawnError = errno;
        return child;
    }
    if (::pipe2(outPipe, O_CLOEXEC) != 0) {
        child.spawnError = errno;
        ::close(inPipe[0]);
        ::close(inPipe[1]);
        return child;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDERR_FILENO);

    std::vector<char*> argv;
    for (const auto& argument : arguments) {
        argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    child.spawnError = posix_spawnp(&child.pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);

    ::close(inPipe[0]);
    ::close(outPipe[1]);
    if (child.spawnError != 0) {
        ::close(inPipe[1]);
        ::close(outPipe[0]);
        child.pid = -1;
        return child;
    }
    child.input = inPipe[1];
    child.output = outPipe[0];
    return child;
}

// Waits for the child to exit until the deadline, then kills it. Returns the wait status, or
// -1 when it had to be killed.
int reap(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
}

std::string readOutput(int fd, std::chrono::milliseconds timeout) {
    std::string text;
    readUntil(fd, text, timeout, [](const std::string&) { return false; });
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    return escapeForLog(text);
}

SendResult runLp(const config::PrinterConfig& config, const std::string& description,
                 const std::string& zpl) {
    Child child = spawn({"lp", "-d", config.cupsQueue, "-o", "raw"});
    if (child.pid < 0) {
        return {SendResult::Outcome::FailedBeforeSend, 0,
                fmt::format("{}: failed to start lp: {}; install the CUPS client (cups-client)",
                            description, std::strerror(child.spawnError))};
    }

    // The worker thread blocks SIGPIPE, so a child that exits early fails the write with EPIPE.
    int error = 0;
    const auto deadline = std::chrono::steady_clock::now() + config.writeTimeout;
    const std::size_t written = writeWithTimeout(child.input, zpl, config.writeTimeout, error);
    ::close(child.input);
    const std::string output = readOutput(child.output, config.writeTimeout);
    ::close(child.output);
    const int status = reap(child.pid, deadline);

    const bool exitedOk = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (exitedOk && written == zpl.size()) {
        return {SendResult::Outcome::Delivered, written, {}};
    }
    // lp reports an error before it submits a job, so a clean non-zero exit means CUPS has
    // no job. A kill on timeout leaves it unknown.
    const auto outcome = status >= 0 && WIFEXITED(status) ? SendResult::Outcome::FailedBeforeSend
                                                          : SendResult::Outcome::Uncertain;
    return {outcome, written,
            fmt::format("{}: lp -d {} failed ({}): '{}'", description, config.cupsQueue,
                        status < 0 ? "timed out" : fmt::format("status {}", WEXITSTATUS(status)),
                        output)};
}

PrinterStatus runLpstat(const config::PrinterConfig& config, const std::string& description) {
    Child child = spawn({"lpstat", "-p", config.cupsQueue});
    if (child.pid < 0) {
        return PrinterStatus::notReady(PrinterStatus::Problem::Unreachable,
                                       fmt::format("{}: failed to start lpstat: {}", description,
                                                   std::strerror(child.spawnError)));
    }
    ::close(child.input);
    const auto deadline = std::chrono::steady_clock::now() + config.statusTimeout;
    const std::string output = readOutput(child.output, config.statusTimeout);
    ::close(child.output);
    const int status = reap(child.pid, deadline);

    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return PrinterStatus::notReady(
            PrinterStatus::Problem::NoAnswer,
            fmt::format("{}: lpstat -p {} failed: '{}'", description, config.cupsQueue, output));
    }
    if (output.find("disabled") != std::string::npos) {
        return PrinterStatus::notReady(
            PrinterStatus::Problem::Paused,
            fmt::format("{}: CUPS queue is disabled: '{}'", description, output));
    }
    PrinterStatus ready;
    ready.detail = output;
    return ready;
}

}  // namespace

bool isValidCupsQueueName(std::string_view name) {
    return !name.empty() && name.size() <= 127 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

CupsTransport::CupsTransport(boost::asio::io_context& io, const config::PrinterConfig& config)
    : io_(io),
      config_(config),
      description_(fmt::format("printer {} (cups {})", config.name, config.cupsQueue)),
      worker_(std::make_unique<BlockingWorker>(io)) {
    if (!isValidCupsQueueName(config.cupsQueue)) {
        throw std::invalid_argument(fmt::format(
            "printer {}: invalid CUPS queue name '{}'; use letters, digits, '-', '_' and '.'",
            config.name, config.cupsQueue));
    }
}

CupsTransport::~CupsTransport() = default;

void CupsTransport::send(std::string zpl, std::function<void(SendResult)> done) {
    if (*busy_) {
        boost::asio::post(io_, [description = description_, done = std::move(done)] {
            done({SendResult::Outcome::FailedBeforeSend, 0,
                  description + ": another label is still being sent"});
        });
        return;
    }
    *busy_ = true;
    worker_->run<SendResult>([config = config_, description = description_,
                              zpl = std::move(zpl)] { return runLp(config, description, zpl); },
                             [busy = busy_, done = std::move(done)](SendResult result) {
                                 *busy = false;
                                 done(std::move(result));
                             });
}

void CupsTransport::queryStatus(StatusRequest, std::function<void(PrinterStatus)> done) {
    worker_->run<PrinterStatus>(
        [config = config_, description = description_] { return runLpstat(config, description); },
        std::move(done));
}

}  // namespace station::print
