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
      retryTimer_(io) {}

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
}

void PrintSpooler::pump() {
    if (busy_ || stopped_ || queue_.empty()) {
        return;
    }
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
    if (!queryStatus_) {
        transport_->send(job.zpl,
                         [this, jobId](print::SendResult result) { finish(jobId, result); });
        return;
    }
    // A printer that is not ready (paper out, head open, or no status reply at all) keeps its
    // queue. The job goes back to queued with the reason, so nothing is sent to a paused printer.
    transport_->queryStatus([this, jobId, zpl = job.zpl](print::PrinterStatus status) {
        if (!status.ready()) {
            print::SendResult notReady;
            notReady.outcome = print::SendResult::Outcome::FailedBeforeSend;
            notReady.error = "printer not ready: " + status.summary();
            const bool silent = status.has(print::PrinterStatus::Problem::NoAnswer) ||
                                status.has(print::PrinterStatus::Problem::Unreachable);
            notePrinter(silent ? "unreachable" : "not_ready", status.summary());
            finish(jobId, notReady);
            return;
        }
        notePrinter("ready", status.summary());
        transport_->send(zpl, [this, jobId](print::SendResult result) { finish(jobId, result); });
    });
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
        if (!result.error.starts_with("printer not ready")) {
            notePrinter("unreachable", result.error);
        }
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
            pump();
        });
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
