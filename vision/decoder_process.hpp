#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vision/decoded_code.hpp"
#include "vision/decoder_protocol.hpp"

namespace cv {
class Mat;
}

namespace station::vision {

// How a decode request ended.
struct DecodeOutcome {
    enum class Status {
        Decoded,        // `result` contains the codes
        Dropped,        // a newer frame replaced this one in a full queue
        WorkerCrashed,  // the worker died on this frame; it was restarted
        WorkerHung,     // the worker missed the deadline, was killed and restarted
        Failed,         // the worker could not be started or spoke garbage
    };

    Status status = Status::Failed;
    FrameResult result;
    std::string detail;                   // for logs: signal, exit code, error
    std::filesystem::path recordedFrame;  // the frame that killed the worker, when recorded
};

std::string_view statusName(DecodeOutcome::Status status);

struct DecoderProcessOptions {
    std::filesystem::path executable;  // the station-decoder worker; see defaultDecoderPath()
    // A worker that has not replied within this time is killed and counted as hung.
    std::chrono::milliseconds timeout{3000};
    // Frames that killed or hung a worker are written here as PNG; empty disables recording.
    std::filesystem::path recordDir;
    std::size_t maxRecordedFrames = 50;  // oldest recordings are removed beyond this count
    std::uint32_t retryBudgetMs = 25;
    // Extra NAME=VALUE entries for the worker's environment.
    std::vector<std::string> environment;
};

// Returns the worker executable: $STATION_DECODER when set, else station-decoder next to the
// running program, else the path where this build tree put it.
std::filesystem::path defaultDecoderPath();

// One supervised decoder worker process. decode() blocks the calling thread until the worker
// replies, dies or times out, so call it from a pool thread, never from an io_context thread.
// A dead or hung worker is replaced on the next call. Not thread-safe; one caller at a time.
class DecoderProcess {
public:
    explicit DecoderProcess(DecoderProcessOptions options);
    ~DecoderProcess();

    DecoderProcess(const DecoderProcess&) = delete;
    DecoderProcess& operator=(const DecoderProcess&) = delete;

    // Decodes an 8-bit grayscale frame in the worker.
    DecodeOutcome decode(const cv::Mat& gray, DecodeMode mode = DecodeMode::Pipeline);

    pid_t pid() const { return pid_; }
    int restarts() const { return restarts_; }

private:
    bool start(std::string& error);
    void stop();
    bool ensureCapacity(std::size_t size, std::string& error);
    DecodeOutcome fail(DecodeOutcome::Status status, std::string detail, const cv::Mat& gray);
    std::filesystem::path recordFrame(const cv::Mat& gray, std::string_view reason);

    DecoderProcessOptions options_;
    pid_t pid_ = -1;
    int socket_ = -1;
    int memory_ = -1;
    std::size_t capacity_ = 0;
    void* mapping_ = nullptr;
    std::uint32_t sequence_ = 0;
    int restarts_ = 0;
    int starts_ = 0;
};

}  // namespace station::vision
