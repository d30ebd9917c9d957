#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
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
class PrintSpooler {
public:
    // With `queryStatus`, the printer's ~HS status is asked before each job and a printer
    // that is not ready keeps the job queued.
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

private:
    void pump();
    void send(const store::PrintJob& job);
    void finish(std::int64_t jobId, const print::SendResult& result);
    void retryLater();

    bool queryStatus_;
    boost::asio::io_context& io_;
    StoreWorker& store_;
    std::unique_ptr<print::PrinterTransport> transport_;
    std::string station_;
    boost::asio::steady_timer retryTimer_;
    std::deque<std::int64_t> queue_;
    bool busy_ = false;
    bool stopped_ = false;
    std::chrono::milliseconds backoff_{500};
};

}  // namespace station::daemon
