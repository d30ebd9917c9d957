#include "print/printer_transport.hpp"

#include <fmt/format.h>

#include "print/cups_transport.hpp"
#include "print/libusb_transport.hpp"
#include "print/printer_log.hpp"
#include "print/spool_transport.hpp"
#include "print/tcp_transport.hpp"
#include "print/usb_lp_transport.hpp"

namespace station::print {

namespace {

// Logs every send outcome and each change of printer status, then passes the result on. One
// wrapper for all transports keeps the log lines alike; every line starts with the printer.
class LoggingTransport : public PrinterTransport {
public:
    explicit LoggingTransport(std::unique_ptr<PrinterTransport> inner)
        : inner_(std::move(inner)), lastStatus_(std::make_shared<std::string>()) {}

    const std::string& description() const override { return inner_->description(); }

    void send(std::string zpl, std::function<void(SendResult)> done) override {
        inner_->send(std::move(zpl),
                     [description = description(), done = std::move(done)](SendResult result) {
                         logResult(description, result);
                         done(std::move(result));
                     });
    }

    void queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) override {
        inner_->queryStatus(request, logChanges(std::move(done)));
    }

    void queryStatus(std::function<void(PrinterStatus)> done) override {
        inner_->queryStatus(logChanges(std::move(done)));
    }

private:
    std::function<void(PrinterStatus)> logChanges(std::function<void(PrinterStatus)> done) const {
        return [description = description(), last = lastStatus_,
                done = std::move(done)](PrinterStatus status) {
            // Repeated polls of an unchanged printer would flood the log, so only changes
            // are logged.
            const std::string summary = status.summary();
            if (summary != *last) {
                if (status.ready()) {
                    printerLogger()->info("{}: ready", description);
                } else {
                    printerLogger()->warn("{}: not ready: {} ({})", description, summary,
                                          status.detail);
                }
                *last = summary;
            }
            done(std::move(status));
        };
    }

    static void logResult(const std::string& description, const SendResult& result) {
        switch (result.outcome) {
            case SendResult::Outcome::Delivered:
                printerLogger()->debug("{}: label delivered, {} bytes", description,
                                       result.bytesSent);
                break;
            case SendResult::Outcome::FailedBeforeSend:
                printerLogger()->warn("{}", result.error);
                break;
            case SendResult::Outcome::Uncertain:
                printerLogger()->error("{}", result.error);
                break;
        }
    }

    std::unique_ptr<PrinterTransport> inner_;
    std::shared_ptr<std::string> lastStatus_;
};

// Sends the status request that [printer] status_command chooses. In "auto" mode a printer
// that leaves ~HQES unanswered is asked ~HS at once; when ~HS gets an answer, the printer does
// not support ~HQES and is asked ~HS from then on. Silence to both means not ready, as always.
class StatusCommandTransport : public PrinterTransport {
public:
    StatusCommandTransport(std::unique_ptr<PrinterTransport> inner,
                           config::PrinterStatusCommand command)
        : inner_(std::move(inner)), command_(command) {}

    const std::string& description() const override { return inner_->description(); }

    void send(std::string zpl, std::function<void(SendResult)> done) override {
        inner_->send(std::move(zpl), std::move(done));
    }

    void queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) override {
        inner_->queryStatus(request, std::move(done));
    }

    void queryStatus(std::function<void(PrinterStatus)> done) override {
        using Command = config::PrinterStatusCommand;
        if (command_ == Command::HostStatus || *extended_ == Support::No) {
            inner_->queryStatus(StatusRequest::HostStatus, std::move(done));
            return;
        }
        if (command_ == Command::Extended) {
            inner_->queryStatus(StatusRequest::Extended, std::move(done));
            return;
        }
        inner_->queryStatus(StatusRequest::Extended,
                            [inner = std::weak_ptr(inner_), extended = extended_,
                             done = std::move(done)](PrinterStatus status) mutable {
                                extendedAnswered(std::move(inner), std::move(extended),
                                                 std::move(status), std::move(done));
                            });
    }

private:
    enum class Support { Unknown, Yes, No };

    static void extendedAnswered(std::weak_ptr<PrinterTransport> weakInner,
                                 std::shared_ptr<Support> extended, PrinterStatus status,
                                 std::function<void(PrinterStatus)> done) {
        using Problem = PrinterStatus::Problem;
        const bool noAnswer = status.has(Problem::NoAnswer);
        if (!noAnswer && !status.has(Problem::Unreachable)) {
            *extended = Support::Yes;
        }
        auto inner = weakInner.lock();
        if (!noAnswer || *extended == Support::Yes || !inner) {
            done(std::move(status));
            return;
        }
        inner->queryStatus(
            StatusRequest::HostStatus, [description = inner->description(), extended,
                                        done = std::move(done)](PrinterStatus hostStatus) {
                if (!hostStatus.has(Problem::NoAnswer) && !hostStatus.has(Problem::Unreachable)) {
                    printerLogger()->info(
                        "{}: no answer to ~HQES but an answer to ~HS; asking "
                        "~HS from now on",
                        description);
                    *extended = Support::No;
                }
                done(std::move(hostStatus));
            });
    }

    std::shared_ptr<PrinterTransport> inner_;
    config::PrinterStatusCommand command_;
    std::shared_ptr<Support> extended_ = std::make_shared<Support>(Support::Unknown);
};

std::unique_ptr<PrinterTransport> makeTransport(boost::asio::io_context& io,
                                                const config::PrinterConfig& config) {
    switch (config.kind) {
        case config::PrinterKind::Spool:
            return std::make_unique<SpoolTransport>(io, config);
        case config::PrinterKind::Tcp:
            return std::make_unique<TcpTransport>(io, config);
        case config::PrinterKind::UsbLp:
            return std::make_unique<UsbLpTransport>(io, config);
        case config::PrinterKind::Cups:
            return std::make_unique<CupsTransport>(io, config);
        case config::PrinterKind::Libusb:
            return std::make_unique<LibusbTransport>(io, config);
    }
    throw std::invalid_argument(fmt::format("printer {}: unknown transport kind", config.name));
}

}  // namespace

std::string_view outcomeName(SendResult::Outcome outcome) {
    switch (outcome) {
        case SendResult::Outcome::Delivered:
            return "delivered";
        case SendResult::Outcome::FailedBeforeSend:
            return "failed before send";
        case SendResult::Outcome::Uncertain:
            return "uncertain";
    }
    return "uncertain";
}

std::unique_ptr<PrinterTransport> makePrinterTransport(boost::asio::io_context& io,
                                                       const config::PrinterConfig& config) {
    return std::make_unique<LoggingTransport>(
        std::make_unique<StatusCommandTransport>(makeTransport(io, config), config.statusCommand));
}

}  // namespace station::print
