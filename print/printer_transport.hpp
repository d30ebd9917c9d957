#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/station_config.hpp"
#include "print/printer_status.hpp"

namespace boost::asio {
class io_context;
}

namespace station::print {

// The outcome of sending one label.
struct SendResult {
    enum class Outcome {
        Delivered,         // every byte reached the printer or the spool file is durable
        FailedBeforeSend,  // no byte left the station: safe to retry
        Uncertain,         // the connection failed mid-send: the label may or may not print, so a
                           // person decides; never retry this silently
    };

    Outcome outcome = Outcome::FailedBeforeSend;
    std::size_t bytesSent = 0;
    std::string error;  // names the printer, the operation and the reason; empty when delivered

    bool delivered() const { return outcome == Outcome::Delivered; }
    bool safeToRetry() const { return outcome == Outcome::FailedBeforeSend; }
};

std::string_view outcomeName(SendResult::Outcome outcome);

// Which status command to send.
enum class StatusRequest {
    HostStatus,  // ~HS, supported by every ZPL printer
    Extended,    // ~HQES, on printers with newer firmware
};

// A way to reach one printer. Every implementation works on the io_context it was made with
// and never blocks it: sockets use Asio, and file, device and child-process work runs on a
// worker thread owned by the transport.
//
// Contract: each callback runs exactly once, on the io_context's thread, never from inside the
// call that started it. One send() at a time: a send() while another is in flight completes
// with FailedBeforeSend. Status queries may run beside a send. Destroying the transport waits
// for the worker thread's current step, which its timeouts bound, and abandons the rest: the
// callbacks of work in flight may then never run.
class PrinterTransport {
public:
    virtual ~PrinterTransport() = default;

    // "printer label (tcp 127.0.0.1:9100)", for the start of log lines and API messages.
    virtual const std::string& description() const = 0;

    virtual void send(std::string zpl, std::function<void(SendResult)> done) = 0;

    // Asks the printer's state. No complete answer within the status timeout is reported as
    // not ready (Problem::NoAnswer), never as ready. Transports that cannot read back (spool,
    // CUPS) report what they can check locally.
    virtual void queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) = 0;

    // Asks the printer's state with the request that [printer] status_command chooses, with
    // the same contract. The transports that makePrinterTransport() returns implement the
    // choice; this default sends ~HS.
    virtual void queryStatus(std::function<void(PrinterStatus)> done) {
        queryStatus(StatusRequest::HostStatus, std::move(done));
    }
};

// Builds the transport the configuration names, logging every send outcome and each status
// change to the "printer" logger. Its one-argument queryStatus() sends the configured status
// request; with status_command = "auto" it sends ~HQES and falls back to ~HS for good once the
// printer answers ~HS after leaving ~HQES unanswered. Throws std::invalid_argument for a
// configuration that cannot work (an empty spool folder, a CUPS queue name with a space).
std::unique_ptr<PrinterTransport> makePrinterTransport(boost::asio::io_context& io,
                                                       const config::PrinterConfig& config);

}  // namespace station::print
