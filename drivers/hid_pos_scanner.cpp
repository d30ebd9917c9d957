#include "drivers/hid_pos_scanner.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "drivers/device_matcher.hpp"
#include "drivers/scanner_log.hpp"

namespace station::drivers {

namespace {

const config::ScannerConfig& validated(const config::ScannerConfig& config) {
    if (config.device.empty() && !config.vendorId && !config.productId) {
        throw std::invalid_argument("scanner '" + config.name +
                                    "': set device to a stable hidraw path or vendor_id and "
                                    "product_id");
    }
    return config;
}

}  // namespace

void reportHidPosResult(SourceReporter& reporter, const HidPosAssembler::Result& result) {
    switch (result.kind) {
        case HidPosAssembler::Result::Kind::Scan:
            reporter.scan(result.data, result.symbology);
            break;
        case HidPosAssembler::Result::Kind::Rejected:
            reporter.event(DeviceEvent::Kind::ScanRejected,
                           fmt::format("Rejected a scan of {} bytes, longer than the maximum "
                                       "length; it starts with {}; raise max_length if such "
                                       "codes are expected",
                                       result.length, escapeForLog(result.data)));
            break;
        case HidPosAssembler::Result::Kind::Malformed:
            reporter.event(DeviceEvent::Kind::ScanRejected,
                           "Ignored a malformed report: " + result.problem +
                               "; check that the scanner is in HID POS mode");
            break;
    }
}

HidPosScanner::HidPosScanner(boost::asio::io_context& io, config::ScannerConfig config,
                             ScanSink sink)
    : config_(validated(config)),
      reporter_(config_.name,
                config_.name + " (" + DeviceMatch::fromConfig(config_).describe() + ")",
                std::move(sink)),
      assembler_(config_.maxLength),
      watch_(io),
      reopener_(io, reporter_, "hidraw", config_.reopenMaxDelay) {}

HidPosScanner::~HidPosScanner() {
    closeDevice();
}

void HidPosScanner::start() {
    if (running_) {
        return;
    }
    running_ = true;
    const std::weak_ptr<HidPosScanner> weak = weak_from_this();
    reopener_.start(
        [weak] {
            if (auto self = weak.lock(); self && self->running_ && self->fd_ < 0) {
                self->open();
            }
        },
        [weak](const std::string& reason) {
            if (auto self = weak.lock(); self && self->fd_ >= 0) {
                self->onLost(reason);
            }
        });
    open();
}

void HidPosScanner::stop() {
    running_ = false;
    reopener_.stop();
    closeDevice();
    assembler_.discardPartial();
}

void HidPosScanner::open() {
    const DeviceMatch match = DeviceMatch::fromConfig(config_);
    const std::optional<FoundDevice> found = findDevice("hidraw", match);
    std::string error;
    int fd = -1;
    if (!found) {
        error = "No hidraw device matches " + match.describe() +
                "; waiting for the scanner to be plugged in";
    } else {
        fd = ::open(found->node.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            const int code = errno;
            error = fmt::format("Failed to open {}: {}; {}", found->node, std::strerror(code),
                                code == EACCES ? "install the scanner udev rules" : "retrying");
        }
    }
    if (error.empty()) {
        const std::string watchError = watch_.watch(fd);
        if (!watchError.empty()) {
            ::close(fd);
            error = fmt::format("Failed to watch {}: {}; retrying", found->node, watchError);
        }
    }

    if (!error.empty()) {
        reopener_.openFailed(error);
        return;
    }

    fd_ = fd;
    devicePath_ = found->node;
    reopener_.opened(devicePath_);
    std::string identity = found->usbIdentity.empty() ? "" : ", USB " + found->usbIdentity;
    if (!found->usbPort.empty()) {
        identity += " at " + found->usbPort;
    }
    reporter_.event(DeviceEvent::Kind::Connected,
                    fmt::format("Opened HID POS scanner {}{}", devicePath_, identity));
    waitReadable();
}

void HidPosScanner::closeDevice() {
    watch_.close();
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void HidPosScanner::waitReadable() {
    watch_.asyncWait([self = shared_from_this()](const boost::system::error_code& error) {
        // An aborted wait belongs to a descriptor that was closed since.
        if (error == boost::asio::error::operation_aborted || !self->running_ || self->fd_ < 0) {
            return;
        }
        if (error) {
            self->onLost(error.message());
            return;
        }
        self->readReports();
    });
}

void HidPosScanner::readReports() {
    for (;;) {
        // hidraw returns one whole input report per read.
        const ssize_t length = ::read(fd_, report_.data(), report_.size());
        if (length < 0 && errno == EAGAIN) {
            waitReadable();
            return;
        }
        if (length <= 0) {
            onLost(length == 0 ? "end of file" : std::strerror(errno));
            return;
        }

        const auto result = assembler_.feed(
            std::span<const std::uint8_t>(report_.data(), static_cast<std::size_t>(length)));
        if (!result) {
            continue;
        }
        reportHidPosResult(reporter_, *result);
    }
}

void HidPosScanner::onLost(const std::string& reason) {
    closeDevice();
    const std::size_t partial = assembler_.discardPartial();
    reporter_.partialDiscarded(partial, "the device disconnected mid-scan");
    reporter_.event(DeviceEvent::Kind::Disconnected,
                    fmt::format("Lost {}: {}; reopening when it is back", devicePath_, reason));
    reopener_.closed();
}

void HidPosScanner::sendFeedback(Feedback feedback) {
    const std::string& command =
        feedback == Feedback::GoodRead ? config_.goodReadCommand : config_.badReadCommand;
    if (command.empty() || fd_ < 0) {
        return;
    }
    // An output report is small and hidraw takes it whole, so one non-blocking write suffices.
    const ssize_t written = ::write(fd_, command.data(), command.size());
    if (written != static_cast<ssize_t>(command.size())) {
        reporter_.log().warn("{}: Failed to send the feedback report: {}", reporter_.identity(),
                             written < 0 ? std::strerror(errno) : "short write");
    }
}

}  // namespace station::drivers
