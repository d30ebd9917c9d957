#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "print/printer_transport.hpp"
#include "station/daemon/store_worker.hpp"

namespace station::daemon {

// Sends persisted print jobs to the printer one at a time, in job order. A job is marked
// "sending" in the store before its first byte goes out, so after a crash the daemon can
// tell which jobs may have printed: those become "uncertain" and wait for a lead instead of
// printing twice. A printer that cannot be reached keeps its jobs queued and is retried with
// backoff.
//
// With status queries on, the printer's status is asked at start, before the first job of a
// batch and after every delivered job. A printer that is not ready, or that does not respond,
// holds the queue: nothing is sent, and the status is polled every 0.5 s, doubling up to 5 s,
// until the printer reports ready. Then the queue resumes without waiting for a new job.
class PrintSpooler {
public:
    // Callbacks through which the spooler reports to the rest of the daemon, on the io thread.
    struct Listener {
        // A job changed state: "sending", "delivered", "queued" (waiting to retry), "uncertain".
        std::function<void(std::int64_t jobId, const std::string& state, const std::string& detail)>
            onJob;
        // The printer changed state: "ready", "not_ready" (its status reports a problem) or
        // "unreachable" (no connection or no status response). Called on changes only.
        std::function<void(const std::string& state, const std::string& detail)> onPrinter;
    };

    // With `queryStatus`, the transport's configured status request (queryStatus(done)) is
    // sent before and after jobs, and a printer that is not ready holds the queue.
    PrintSpooler(boost::asio::io_context& io, StoreWorker& store,
                 std::unique_ptr<print::PrinterTransport> transport, std::string station,
                 bool queryStatus);

    // Recovers jobs left by an earlier run and starts sending. Call once, on the io thread.
    void start();
    // Queues a job that was just committed. Call on the io thread.
    void enqueue(std::int64_t jobId);
    // Picks up queued jobs that another process added (reprints and resends from
    // stationctl). Call on the io thread.
    void refresh();
    void stop();

    void setListener(Listener listener) { listener_ = std::move(listener); }
    // Jobs waiting in this process's queue, including the one being sent.
    std::size_t queued() const { return queue_.size(); }
    // True while a printer that is not ready holds the queue.
    bool held() const { return held_; }
    const std::string& printerState() const { return printerState_; }
    const std::string& printerDetail() const { return printerDetail_; }

private:
    void notePrinter(const std::string& state, const std::string& detail);
    void noteJob(std::int64_t jobId, const std::string& state, const std::string& detail);

    void pump();
    void send(const store::PrintJob& job);
    void finish(std::int64_t jobId, const print::SendResult& result);
    void retryLater();

    void checkStatusThenPump();
    void statusReceived(const print::PrinterStatus& status);
    void hold(const std::string& reason);
    void release();
    void pollLater();
    void noteWaiting(std::int64_t jobId, const std::string& reason);

    bool queryStatus_;
    boost::asio::io_context& io_;
    StoreWorker& store_;
    std::unique_ptr<print::PrinterTransport> transport_;
    std::string station_;
    boost::asio::steady_timer retryTimer_;
    boost::asio::steady_timer pollTimer_;
    std::deque<std::int64_t> queue_;
    bool busy_ = false;
    bool stopped_ = false;
    std::chrono::milliseconds backoff_{500};
    // A printer that is not ready holds the queue until a status poll finds it ready.
    bool held_ = false;
    std::string holdReason_;
    std::chrono::milliseconds pollDelay_{500};
    // The job whose wait for the printer was already recorded, so a hold records it once.
    std::int64_t waitingJob_ = 0;
    // Set when the printer reported ready with jobs waiting and nothing was sent since, so
    // the next job goes out without asking again.
    bool statusFresh_ = false;
    Listener listener_;
    std::string printerState_ = "unknown";
    std::string printerDetail_;
};

}  // namespace station::daemon
