#include "vision/decoder_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <opencv2/imgcodecs.hpp>

#include "vision/vision_log.hpp"

extern char** environ;

namespace station::vision {
namespace {

using Clock = std::chrono::steady_clock;

enum class IoResult { Ok, Closed, TimedOut };

// Reads exactly `size` bytes before `deadline`.
IoResult readUntil(int fd, void* data, size_t size, Clock::time_point deadline) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return IoResult::TimedOut;
        }
        pollfd descriptor{fd, POLLIN, 0};
        int ready = ::poll(&descriptor, 1, int(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready == 0) {
            return IoResult::TimedOut;
        }
        ssize_t n = ::read(fd, bytes, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return IoResult::Closed;
        }
        bytes += n;
        size -= size_t(n);
    }
    return IoResult::Ok;
}

bool sendAll(int fd, const void* data, size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::send(fd, bytes, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        bytes += n;
        size -= size_t(n);
    }
    return true;
}

std::string describeExit(int status) {
    if (WIFSIGNALED(status)) {
        return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    }
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    return "stopped";
}

}  // namespace

std::string_view statusName(DecodeOutcome::Status status) {
    switch (status) {
        case DecodeOutcome::Status::Decoded:
            return "decoded";
        case DecodeOutcome::Status::Dropped:
            return "dropped";
        case DecodeOutcome::Status::WorkerCrashed:
            return "worker_crashed";
        case DecodeOutcome::Status::WorkerHung:
            return "worker_hung";
        case DecodeOutcome::Status::Failed:
            return "failed";
    }
    return "unknown";
}

std::filesystem::path defaultDecoderPath() {
    if (const char* path = std::getenv("STATION_DECODER"); path != nullptr && *path != '\0') {
        return path;
    }
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        auto beside = self.parent_path() / "station-decoder";
        if (std::filesystem::exists(beside, error)) {
            return beside;
        }
    }
    return STATION_DECODER_BUILD_PATH;
}

DecoderProcess::DecoderProcess(DecoderProcessOptions options) : options_(std::move(options)) {}

DecoderProcess::~DecoderProcess() {
    stop();
    if (mapping_ != nullptr) {
        ::munmap(mapping_, capacity_);
    }
    if (memory_ >= 0) {
        ::close(memory_);
    }
}

bool DecoderProcess::start(std::string& error) {
    if (memory_ < 0) {
        memory_ = ::memfd_create("station-frame", MFD_CLOEXEC);
        if (memory_ < 0) {
            error = std::string("memfd_create failed: ") + std::strerror(errno);
            return false;
        }
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        error = std::string("socketpair failed: ") + std::strerror(errno);
        return false;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pair[1], 0);
    posix_spawn_file_actions_adddup2(&actions, memory_, 3);

    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        environment.emplace_back(*entry);
    }
    environment.insert(environment.end(), options_.environment.begin(), options_.environment.end());
    std::vector<char*> envp;
    for (auto& entry : environment) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    std::string program = options_.executable.string();
    char* argv[] = {program.data(), nullptr};

    pid_t pid = -1;
    int result = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(pair[1]);
    if (result != 0) {
        ::close(pair[0]);
        error = "Failed to start decoder worker " + program + ": " + std::strerror(result) +
                "; check that station-decoder is installed";
        return false;
    }
    pid_ = pid;
    socket_ = pair[0];
    if (starts_++ > 0) {
        ++restarts_;
    }
    visionLogger()->debug("Decoder worker {} started", pid_);
    return true;
}

void DecoderProcess::stop() {
    if (socket_ >= 0) {
        ::close(socket_);
        socket_ = -1;
    }
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

bool DecoderProcess::ensureCapacity(std::size_t size, std::string& error) {
    if (size <= capacity_) {
        return true;
    }
    if (::ftruncate(memory_, off_t(size)) != 0) {
        error = std::string("Failed to grow frame memory: ") + std::strerror(errno);
        return false;
    }
    if (mapping_ != nullptr) {
        ::munmap(mapping_, capacity_);
    }
    mapping_ = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, memory_, 0);
    if (mapping_ == MAP_FAILED) {
        mapping_ = nullptr;
        capacity_ = 0;
        error = std::string("Failed to map frame memory: ") + std::strerror(errno);
        return false;
    }
    capacity_ = size;
    return true;
}

DecodeOutcome DecoderProcess::decode(const cv::Mat& gray, DecodeMode mode) {
    DecodeOutcome outcome;
    if (gray.empty() || gray.type() != CV_8UC1) {
        outcome.detail = "frame is not 8-bit grayscale";
        return outcome;
    }
    std::string error;
    if (pid_ < 0 && !start(error)) {
        outcome.detail = error;
        return outcome;
    }
    std::size_t size = std::size_t(gray.cols) * std::size_t(gray.rows);
    if (!ensureCapacity(size, error)) {
        outcome.detail = error;
        return outcome;
    }
    for (int y = 0; y < gray.rows; ++y) {
        std::memcpy(static_cast<uchar*>(mapping_) + std::size_t(y) * std::size_t(gray.cols),
                    gray.ptr(y), std::size_t(gray.cols));
    }

    DecodeRequest request;
    request.sequence = ++sequence_;
    request.width = gray.cols;
    request.height = gray.rows;
    request.mode = mode;
    request.retryBudgetMs = options_.retryBudgetMs;
    auto deadline = Clock::now() + options_.timeout;
    if (!sendAll(socket_, &request, sizeof request)) {
        return fail(DecodeOutcome::Status::WorkerCrashed, "socket closed before the request", gray);
    }

    DecodeReplyHeader reply;
    IoResult io = readUntil(socket_, &reply, sizeof reply, deadline);
    std::string body;
    if (io == IoResult::Ok) {
        if (reply.magic != DecodeReplyHeader::kMagic || reply.sequence != request.sequence ||
            reply.length > (64u << 20)) {
            return fail(DecodeOutcome::Status::Failed, "malformed reply header", gray);
        }
        body.resize(reply.length);
        io = readUntil(socket_, body.data(), body.size(), deadline);
    }
    if (io == IoResult::TimedOut) {
        return fail(DecodeOutcome::Status::WorkerHung,
                    "no reply within " + std::to_string(options_.timeout.count()) + " ms", gray);
    }
    if (io == IoResult::Closed) {
        return fail(DecodeOutcome::Status::WorkerCrashed, "", gray);
    }

    auto result = decodeFrameResult(body);
    if (!result) {
        return fail(DecodeOutcome::Status::Failed, "malformed reply body", gray);
    }
    outcome.status = DecodeOutcome::Status::Decoded;
    outcome.result = std::move(*result);
    return outcome;
}

DecodeOutcome DecoderProcess::fail(DecodeOutcome::Status status, std::string detail,
                                   const cv::Mat& gray) {
    pid_t pid = pid_;
    if (socket_ >= 0) {
        ::close(socket_);
        socket_ = -1;
    }
    if (pid_ > 0) {
        // A crashed worker has exited already; a hung or confused one is killed here.
        int exitStatus = 0;
        if (status != DecodeOutcome::Status::WorkerCrashed) {
            ::kill(pid_, SIGKILL);
        }
        ::waitpid(pid_, &exitStatus, 0);
        if (detail.empty()) {
            detail = describeExit(exitStatus);
        }
        pid_ = -1;
    }

    DecodeOutcome outcome;
    outcome.status = status;
    outcome.detail = detail;
    outcome.recordedFrame = recordFrame(gray, statusName(status));
    visionLogger()->error(
        "Decoder worker {} failed on a {}x{} frame: {} ({}); frame saved to "
        "{}; restarting the worker",
        pid, gray.cols, gray.rows, statusName(status), detail,
        outcome.recordedFrame.empty() ? "nowhere" : outcome.recordedFrame.string());
    return outcome;
}

std::filesystem::path DecoderProcess::recordFrame(const cv::Mat& gray, std::string_view reason) {
    if (options_.recordDir.empty()) {
        return {};
    }
    std::error_code error;
    std::filesystem::create_directories(options_.recordDir, error);
    auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    auto path = options_.recordDir / (std::string(reason) + "-" + std::to_string(stamp) + "-" +
                                      std::to_string(sequence_) + ".png");
    try {
        if (!cv::imwrite(path.string(), gray)) {
            visionLogger()->warn("Failed to record frame to {}", path.string());
            return {};
        }
    } catch (const cv::Exception& exception) {
        visionLogger()->warn("Failed to record frame to {}: {}", path.string(), exception.what());
        return {};
    }

    // Keep the newest recordings only; names start with the reason, so sort by write time.
    std::vector<std::filesystem::directory_entry> files;
    for (const auto& entry : std::filesystem::directory_iterator(options_.recordDir, error)) {
        if (entry.path().extension() == ".png") {
            files.push_back(entry);
        }
    }
    if (files.size() > options_.maxRecordedFrames) {
        std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
            return a.last_write_time() < b.last_write_time();
        });
        for (size_t i = 0; i + options_.maxRecordedFrames < files.size(); ++i) {
            std::filesystem::remove(files[i].path(), error);
        }
    }
    return path;
}

}  // namespace station::vision
