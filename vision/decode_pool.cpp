#include "vision/decode_pool.hpp"

#include <boost/asio/post.hpp>

namespace station::vision {

DecodePool::DecodePool(boost::asio::any_io_executor executor, DecodePoolOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {
    int workers = std::max(1, options_.workers);
    for (int i = 0; i < workers; ++i) {
        processes_.push_back(std::make_unique<DecoderProcess>(options_.process));
    }
    for (auto& process : processes_) {
        threads_.emplace_back([this, raw = process.get()] { run(*raw); });
    }
}

DecodePool::~DecodePool() {
    shutdown();
}

void DecodePool::shutdown() {
    std::deque<Job> pending;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) {
            return;
        }
        stopping_ = true;
        pending.swap(queue_);
        dropped_ += pending.size();
    }
    wake_.notify_all();
    for (auto& job : pending) {
        complete(std::move(job.callback), {DecodeOutcome::Status::Dropped, {}, "shut down", {}});
    }
    for (auto& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
    threads_.clear();
    processes_.clear();
}

void DecodePool::submit(cv::Mat gray, Callback callback, DecodeMode mode) {
    std::optional<Job> stale;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            stale = Job{{}, std::move(callback), mode};
        } else {
            if (queue_.size() >= std::max<std::size_t>(1, options_.queueDepth)) {
                stale = std::move(queue_.front());
                queue_.pop_front();
                ++dropped_;
            }
            queue_.push_back({std::move(gray), std::move(callback), mode});
        }
    }
    wake_.notify_one();
    if (stale) {
        complete(std::move(stale->callback),
                 {DecodeOutcome::Status::Dropped, {}, "replaced by a newer frame", {}});
    }
}

void DecodePool::run(DecoderProcess& process) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) {
                return;
            }
            job = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
        }
        DecodeOutcome outcome = process.decode(job.gray, job.mode);
        {
            std::lock_guard lock(mutex_);
            --busy_;
        }
        complete(std::move(job.callback), std::move(outcome));
    }
}

void DecodePool::complete(Callback callback, DecodeOutcome outcome) {
    if (!callback) {
        return;
    }
    boost::asio::post(executor_,
                      [callback = std::move(callback), outcome = std::move(outcome)]() mutable {
                          callback(std::move(outcome));
                      });
}

std::size_t DecodePool::inFlight() const {
    std::lock_guard lock(mutex_);
    return queue_.size() + busy_;
}

std::size_t DecodePool::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

int DecodePool::restarts() const {
    int total = 0;
    for (const auto& process : processes_) {
        total += process->restarts();
    }
    return total;
}

}  // namespace station::vision
