#include "station/daemon/print_spooler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "station/logging.hpp"
#include "station/timestamp.hpp"

namespace station::daemon {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{30000};
// Status polls of a printer that holds the queue. The longest gap is short because an operator
// who has just loaded paper waits for the label.
constexpr std::chrono::milliseconds kFirstPoll{500};
constexpr std::chrono::milliseconds kMaxPoll{5000};

std::string now() {
    return formatTimestamp(std::chrono::system_clock::now());
}

}  // namespace

PrintSpooler::PrintSpooler(boost::asio::io_context& io, StoreWorker& store,
                           std::unique_ptr<print::PrinterTransport> transport, std::string station,
                           bool queryStatus)
    : queryStatus_(queryStatus),
      io_(io),
      store_(store),
      transport_(std::move(transport)),
      station_(std::move(station)),
      retryTimer_(io),
      pollTimer_(io) {}

void PrintSpooler::start() {
    store_.post([this] {
        std::vector<std::int64_t> pending;
        try {
            store::Transaction transaction = store_.store().begin();
            for (const store::PrintJob& job : store_.store().pendingPrintJobs()) {
                if (job.state == "sending") {
                    // The daemon stopped while this job was on its way: it may have printed.
                    store_.store().updatePrintJob(job.jobId, "uncertain", job.attempts,
                                                  "the daemon stopped while sending; check the "
                                                  "printer, then reprint or cancel the job",
                                                  now());
                    store_.store().appendJournal(
                        {.at = now(),
                         .station = station_,
                         .actor = "print-spooler",
                         .event = "print_job_uncertain",
                         .orderNumber = job.orderNumber,
                         .detailJson = nlohmann::json{{"job_id", job.jobId}}.dump()});
                    componentLogger("printer")->error(
                        "Print job {} was being sent when the daemon stopped; it is marked "
                        "uncertain for a lead to reprint or cancel",
                        job.jobId);
                    continue;
                }
                pending.push_back(job.jobId);
            }
            transaction.commit();
        } catch (const std::exception& error) {
            componentLogger("printer")->error("Failed to load pending print jobs: {}",
                                              error.what());
        }
        boost::asio::post(io_, [this, pending] {
            for (std::int64_t jobId : pending) {
                enqueue(jobId);
            }
            // Ask once at start, so the printer's state is known before the first job.
            if (queryStatus_ && !busy_ && !held_ && !stopped_) {
                checkStatusThenPump();
            }
        });
    });
}

void PrintSpooler::enqueue(std::int64_t jobId) {
    // pump() reads each job's state from the store before sending, so a job queued twice by
    // a race with refresh() is still sent once.
    if (std::find(queue_.begin(), queue_.end(), jobId) == queue_.end()) {
        queue_.push_back(jobId);
    }
    pump();
}

void PrintSpooler::refresh() {
    if (stopped_) {
        return;
    }
    store_.post([this] {
        std::vector<std::int64_t> queued;
        try {
            for (const store::PrintJob& job : store_.store().pendingPrintJobs()) {
                if (job.state == "queued") {
                    queued.push_back(job.jobId);
                }
            }
        } catch (const std::exception& error) {
            componentLogger("printer")->error("Failed to read queued print jobs: {}", error.what());
            return;
        }
        boost::asio::post(io_, [this, queued] {
            for (std::int64_t jobId : queued) {
                if (std::find(queue_.begin(), queue_.end(), jobId) == queue_.end()) {
                    queue_.push_back(jobId);
                }
            }
            pump();
        });
    });
}

void PrintSpooler::stop() {
    stopped_ = true;
    retryTimer_.cancel();
    pollTimer_.cancel();
}

void PrintSpooler::pump() {
    if (busy_ || stopped_ || queue_.empty()) {
        return;
    }
    if (held_) {
        if (queue_.front() != waitingJob_) {
            noteWaiting(queue_.front(), holdReason_);
        }
        return;
    }
    if (queryStatus_ && !statusFresh_) {
        checkStatusThenPump();
        return;
    }
    statusFresh_ = false;
    busy_ = true;
    const std::int64_t jobId = queue_.front();
    store_.post([this, jobId] {
        std::optional<store::PrintJob> job;
        try {
            store::Transaction transaction = store_.store().begin();
            job = store_.store().findPrintJob(jobId);
            if (job && job->state == "queued") {
                job->attempts += 1;
                store_.store().updatePrintJob(jobId, "sending", job->attempts, job->lastError,
                                              now());
                transaction.commit();
            }
        } catch (const std::exception& error) {
            componentLogger("printer")->error("Failed to mark print job {} as sending: {}", jobId,
                                              error.what());
            job.reset();
        }
        boost::asio::post(io_, [this, jobId, job = std::move(job)] {
            if (!job || job->state != "queued") {
                // Cancelled, already delivered, or unreadable: nothing to send.
                queue_.pop_front();
                busy_ = false;
                pump();
                return;
            }
            noteJob(jobId, "sending", "");
            send(*job);
        });
    });
}

void PrintSpooler::send(const store::PrintJob& job) {
    const std::int64_t jobId = job.jobId;
    transport_->send(job.zpl, [this, jobId](print::SendResult result) { finish(jobId, result); });
}

void PrintSpooler::finish(std::int64_t jobId, const print::SendResult& result) {
    using Outcome = print::SendResult::Outcome;
    std::string state = result.outcome == Outcome::Delivered          ? "delivered"
                        : result.outcome == Outcome::FailedBeforeSend ? "queued"
                                                                      : "uncertain";
    auto logger = componentLogger("printer");
    if (result.outcome == Outcome::Delivered) {
        logger->info("Print job {} delivered to {}", jobId, transport_->description());
        notePrinter("ready", "");
    } else if (result.outcome == Outcome::FailedBeforeSend) {
        notePrinter("unreachable", result.error);
        logger->warn("Print job {} not sent to {}: {}; retrying in {} ms", jobId,
                     transport_->description(), result.error, backoff_.count());
    } else {
        logger->error("Print job {} may be incomplete on {}: {}; a lead must reprint or cancel it",
                      jobId, transport_->description(), result.error);
    }

    store_.post([this, jobId, state, result] {
        try {
            store::Transaction transaction = store_.store().begin();
            std::optional<store::PrintJob> job = store_.store().findPrintJob(jobId);
            int attempts = job ? job->attempts : 0;
            store_.store().updatePrintJob(jobId, state, attempts, result.error, now());
            if (state != "queued" || attempts == 1) {
                store_.store().appendJournal(
                    {.at = now(),
                     .station = station_,
                     .actor = "print-spooler",
                     .event = state == "queued" ? "print_job_waiting" : "print_job_" + state,
                     .orderNumber = job ? job->orderNumber : std::nullopt,
                     .detailJson = nlohmann::json{{"job_id", jobId},
                                                  {"attempts", attempts},
                                                  {"printer", transport_->description()},
                                                  {"error", result.error}}
                                       .dump()});
            }
            transaction.commit();
        } catch (const std::exception& error) {
            componentLogger("printer")->error("Failed to record the state of print job {}: {}",
                                              jobId, error.what());
        }
        boost::asio::post(io_, [this, jobId, state, error = result.error] {
            noteJob(jobId, state, error);
            busy_ = false;
            if (state == "queued") {
                retryLater();
                return;
            }
            backoff_ = kFirstBackoff;
            queue_.pop_front();
            // The last label may have used up the paper, so the printer is asked again before
            // anything else is sent.
            if (queryStatus_ && state == "delivered" && !stopped_) {
                checkStatusThenPump();
                return;
            }
            pump();
        });
    });
}

void PrintSpooler::checkStatusThenPump() {
    busy_ = true;
    transport_->queryStatus([this](print::PrinterStatus status) {
        busy_ = false;
        if (stopped_) {
            return;
        }
        statusReceived(status);
        statusFresh_ = status.ready() && !queue_.empty();
        pump();
    });
}

void PrintSpooler::statusReceived(const print::PrinterStatus& status) {
    if (status.ready()) {
        notePrinter("ready", "");
        release();
        return;
    }
    // A printer that does not respond may have its head open or be out of media (Zebra
    // printers stay silent then), so it holds the queue like one that reports a problem.
    using Problem = print::PrinterStatus::Problem;
    const bool silent = status.has(Problem::NoAnswer) || status.has(Problem::Unreachable);
    const std::string reason = silent ? status.summary() + ": " + status.detail : status.summary();
    notePrinter(silent ? "unreachable" : "not_ready", reason);
    hold(reason);
}

void PrintSpooler::hold(const std::string& reason) {
    if (!held_) {
        componentLogger("printer")->info(
            "{}: print queue held until the printer is ready; asking its status: {}",
            transport_->description(), reason);
        pollDelay_ = kFirstPoll;
    }
    held_ = true;
    holdReason_ = reason;
    pollLater();
    if (!queue_.empty() && queue_.front() != waitingJob_) {
        noteWaiting(queue_.front(), reason);
    }
}

void PrintSpooler::release() {
    if (!held_) {
        return;
    }
    held_ = false;
    holdReason_.clear();
    waitingJob_ = 0;
    pollTimer_.cancel();
    componentLogger("printer")->info("{}: ready; print queue resumed with {} job(s) waiting",
                                     transport_->description(), queue_.size());
}

void PrintSpooler::pollLater() {
    pollTimer_.expires_after(pollDelay_);
    pollDelay_ = std::min(pollDelay_ * 2, kMaxPoll);
    pollTimer_.async_wait([this](const boost::system::error_code& error) {
        if (error || stopped_ || !held_) {
            return;
        }
        if (busy_) {
            pollLater();
            return;
        }
        checkStatusThenPump();
    });
}

// Records on the job and in the journal why it waits, without counting an attempt: nothing
// was sent.
void PrintSpooler::noteWaiting(std::int64_t jobId, const std::string& reason) {
    waitingJob_ = jobId;
    const std::string error = "printer not ready: " + reason;
    store_.post([this, jobId, error] {
        try {
            store::Transaction transaction = store_.store().begin();
            std::optional<store::PrintJob> job = store_.store().findPrintJob(jobId);
            if (!job || job->state != "queued") {
                return;
            }
            store_.store().updatePrintJob(jobId, "queued", job->attempts, error, now());
            store_.store().appendJournal({.at = now(),
                                          .station = station_,
                                          .actor = "print-spooler",
                                          .event = "print_job_waiting",
                                          .orderNumber = job->orderNumber,
                                          .detailJson = nlohmann::json{
                                              {"job_id", jobId},
                                              {"attempts", job->attempts},
                                              {"printer", transport_->description()},
                                              {"error",
                                               error}}.dump()});
            transaction.commit();
        } catch (const std::exception& failure) {
            componentLogger("printer")->error("Failed to record why print job {} waits: {}", jobId,
                                              failure.what());
            return;
        }
        boost::asio::post(io_, [this, jobId, error] { noteJob(jobId, "queued", error); });
    });
}

void PrintSpooler::notePrinter(const std::string& state, const std::string& detail) {
    if (state == printerState_ && detail == printerDetail_) {
        return;
    }
    printerState_ = state;
    printerDetail_ = detail;
    if (listener_.onPrinter) {
        listener_.onPrinter(state, detail);
    }
}

void PrintSpooler::noteJob(std::int64_t jobId, const std::string& state,
                           const std::string& detail) {
    if (listener_.onJob) {
        listener_.onJob(jobId, state, detail);
    }
}

void PrintSpooler::retryLater() {
    retryTimer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    retryTimer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            pump();
        }
    });
}

}  // namespace station::daemon
