#pragma once

#include <pthread.h>
#include <signal.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>

namespace station::print {

// One thread for a transport's blocking work (file writes, device I/O, child processes). Work
// runs in order; its result is handed back to the io_context, which is kept running until then.
class BlockingWorker {
public:
    explicit BlockingWorker(boost::asio::io_context& io) : io_(io), pool_(1) {
        // A child process or device that goes away mid-write must fail the write with EPIPE
        // rather than end the daemon with SIGPIPE.
        boost::asio::post(pool_, [] {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &set, nullptr);
        });
    }
    ~BlockingWorker() { pool_.join(); }

    // Runs work() on the worker thread, then done(result) on the io_context.
    template <typename Result>
    void run(std::function<Result()> work, std::function<void(Result)> done) {
        auto guard = boost::asio::make_work_guard(io_);
        boost::asio::post(pool_, [this, work = std::move(work), done = std::move(done),
                                  guard = std::move(guard)]() mutable {
            Result result = work();
            boost::asio::post(io_, [done = std::move(done), result = std::move(result),
                                    guard = std::move(guard)]() mutable {
                done(std::move(result));
                guard.reset();
            });
        });
    }

private:
    boost::asio::io_context& io_;
    boost::asio::thread_pool pool_;
};

}  // namespace station::print
