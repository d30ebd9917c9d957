#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <thread>
#include <vector>

#include "vision/decoder_process.hpp"

namespace station::vision {

struct DecodePoolOptions {
    int workers = 2;             // worker processes, each served by one pool thread
    std::size_t queueDepth = 2;  // frames waiting for a worker; older ones are dropped
    DecoderProcessOptions process;
};

// Decodes frames in supervised worker processes without blocking the caller. submit() returns
// at once; the callback runs on `executor` (the daemon's io_context) with the outcome. When
// every worker is busy and the queue is full, the oldest waiting frame is dropped and its
// callback gets Status::Dropped, so a slow decoder never builds a backlog of stale frames.
class DecodePool {
public:
    using Callback = std::function<void(DecodeOutcome)>;

    DecodePool(boost::asio::any_io_executor executor, DecodePoolOptions options);
    ~DecodePool();

    DecodePool(const DecodePool&) = delete;
    DecodePool& operator=(const DecodePool&) = delete;

    // Queues an 8-bit grayscale frame. The frame's pixels must not change afterwards; pass a
    // clone when the caller reuses its buffer.
    void submit(cv::Mat gray, Callback callback, DecodeMode mode = DecodeMode::Pipeline);

    // Stops the threads and workers; pending frames get Status::Dropped. Called by the
    // destructor too.
    void shutdown();

    // Frames waiting or being decoded.
    std::size_t inFlight() const;
    std::size_t dropped() const;
    int restarts() const;

private:
    struct Job {
        cv::Mat gray;
        Callback callback;
        DecodeMode mode;
    };

    void run(DecoderProcess& process);
    void complete(Callback callback, DecodeOutcome outcome);

    boost::asio::any_io_executor executor_;
    DecodePoolOptions options_;
    std::vector<std::unique_ptr<DecoderProcess>> processes_;
    std::vector<std::thread> threads_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::size_t busy_ = 0;
    std::size_t dropped_ = 0;
    bool stopping_ = false;
};

}  // namespace station::vision
