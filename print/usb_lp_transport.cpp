#include "print/usb_lp_transport.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "print/blocking_worker.hpp"
#include "print/device_io.hpp"

namespace station::print {

namespace {

// Closes a file descriptor when it goes out of scope.
struct FileDescriptor {
    explicit FileDescriptor(int value) : fd(value) {}
    ~FileDescriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int fd;
};

SendResult writeDevice(const config::PrinterConfig& config, const std::string& description,
                       const std::string& zpl) {
    FileDescriptor device(
        ::open(config.device.c_str(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (device.fd < 0) {
        return {SendResult::Outcome::FailedBeforeSend, 0,
                fmt::format("{}: failed to open {}: {}; check that the printer is plugged in and "
                            "the station may use the device",
                            description, config.device, std::strerror(errno))};
    }
    int error = 0;
    const std::size_t written = writeWithTimeout(device.fd, zpl, config.writeTimeout, error);
    if (written == zpl.size()) {
        return {SendResult::Outcome::Delivered, written, {}};
    }
    const auto outcome =
        written == 0 ? SendResult::Outcome::FailedBeforeSend : SendResult::Outcome::Uncertain;
    return {outcome, written,
            fmt::format("{}: failed to write to {} after {} of {} bytes: {}", description,
                        config.device, written, zpl.size(), std::strerror(error))};
}

PrinterStatus askDevice(const config::PrinterConfig& config, const std::string& description,
                        StatusRequest request) {
    FileDescriptor device(
        ::open(config.device.c_str(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (device.fd < 0) {
        return PrinterStatus::notReady(PrinterStatus::Problem::Unreachable,
                                       fmt::format("{}: failed to open {}: {}", description,
                                                   config.device, std::strerror(errno)));
    }
    const std::string command = request == StatusRequest::HostStatus ? "~HS" : "~HQES";
    int error = 0;
    if (writeWithTimeout(device.fd, command, config.statusTimeout, error) != command.size()) {
        return PrinterStatus::notReady(
            PrinterStatus::Problem::NoAnswer,
            fmt::format("{}: failed to send {}: {}", description, command, std::strerror(error)));
    }

    std::string answer;
    std::optional<PrinterStatus> status;
    readUntil(device.fd, answer, config.statusTimeout, [&](const std::string& text) {
        status = request == StatusRequest::HostStatus ? parseHostStatus(text)
                                                      : parseExtendedStatus(text);
        return status.has_value();
    });
    if (!status) {
        return PrinterStatus::notReady(
            PrinterStatus::Problem::NoAnswer,
            fmt::format("{}: no complete answer to {} within {} ms; received '{}'", description,
                        command, config.statusTimeout.count(), escapeForLog(answer)));
    }
    return *status;
}

}  // namespace

UsbLpTransport::UsbLpTransport(boost::asio::io_context& io, const config::PrinterConfig& config)
    : io_(io),
      config_(config),
      description_(fmt::format("printer {} (usblp {})", config.name, config.device)),
      worker_(std::make_unique<BlockingWorker>(io)) {
    if (config.device.empty()) {
        throw std::invalid_argument(fmt::format(
            "printer {}: the usblp transport needs a device such as /dev/usb/lp0", config.name));
    }
}

UsbLpTransport::~UsbLpTransport() = default;

void UsbLpTransport::send(std::string zpl, std::function<void(SendResult)> done) {
    if (*busy_) {
        boost::asio::post(io_, [description = description_, done = std::move(done)] {
            done({SendResult::Outcome::FailedBeforeSend, 0,
                  description + ": another label is still being sent"});
        });
        return;
    }
    *busy_ = true;
    worker_->run<SendResult>(
        [config = config_, description = description_, zpl = std::move(zpl)] {
            return writeDevice(config, description, zpl);
        },
        [busy = busy_, done = std::move(done)](SendResult result) {
            *busy = false;
            done(std::move(result));
        });
}

void UsbLpTransport::queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) {
    worker_->run<PrinterStatus>([config = config_, description = description_,
                                 request] { return askDevice(config, description, request); },
                                std::move(done));
}

}  // namespace station::print
