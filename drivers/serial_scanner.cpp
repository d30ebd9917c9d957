#include "drivers/serial_scanner.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>
#include <stdexcept>
#include <utility>

#include "drivers/device_matcher.hpp"
#include "drivers/scanner_log.hpp"

namespace station::drivers {

namespace {

namespace asio = boost::asio;

FramerOptions framerOptions(const config::ScannerConfig& config) {
    FramerOptions options;
    options.suffix = config.suffix;
    options.maxLength = config.maxLength;
    options.prefix = config.prefix;
    return options;
}

void validate(const config::ScannerConfig& config) {
    const std::string where = "scanner '" + config.name + "'";
    if (config.device.empty() && !config.vendorId && !config.productId) {
        throw std::invalid_argument(where +
                                    ": device is empty; set it to a stable path such as "
                                    "/dev/serial/by-id/usb-..., or set vendor_id and product_id");
    }
    if (config.dataBits < 5 || config.dataBits > 8) {
        throw std::invalid_argument(where + ": data_bits is " + std::to_string(config.dataBits) +
                                    "; use 5, 6, 7 or 8");
    }
    if (config.stopBits != 1 && config.stopBits != 2) {
        throw std::invalid_argument(where + ": stop_bits is " + std::to_string(config.stopBits) +
                                    "; use 1 or 2");
    }
    if (config.baud == 0) {
        throw std::invalid_argument(where + ": baud is 0; use the scanner's rate, such as 9600");
    }
}

asio::serial_port_base::parity::type parityType(config::Parity parity) {
    switch (parity) {
        case config::Parity::Odd:
            return asio::serial_port_base::parity::odd;
        case config::Parity::Even:
            return asio::serial_port_base::parity::even;
        case config::Parity::None:
            break;
    }
    return asio::serial_port_base::parity::none;
}

asio::serial_port_base::flow_control::type flowType(config::FlowControl flow) {
    switch (flow) {
        case config::FlowControl::Software:
            return asio::serial_port_base::flow_control::software;
        case config::FlowControl::Hardware:
            return asio::serial_port_base::flow_control::hardware;
        case config::FlowControl::None:
            break;
    }
    return asio::serial_port_base::flow_control::none;
}

}  // namespace

SerialScanner::SerialScanner(asio::io_context& io, config::ScannerConfig config, ScanSink sink)
    : config_((validate(config), std::move(config))),
      reporter_(config_.name,
                config_.name + " (" + DeviceMatch::fromConfig(config_).describe() + ")",
                std::move(sink)),
      framer_(framerOptions(config_)),
      port_(io),
      reopener_(io, reporter_, "tty", config_.reopenMaxDelay) {}

void SerialScanner::start() {
    if (running_) {
        return;
    }
    running_ = true;
    const std::weak_ptr<SerialScanner> weak = weak_from_this();
    reopener_.start(
        [weak] {
            if (auto self = weak.lock(); self && self->running_ && !self->port_.is_open()) {
                self->open();
            }
        },
        [weak](const std::string& reason) {
            if (auto self = weak.lock(); self && self->port_.is_open()) {
                self->onLost(reason);
            }
        });
    open();
}

void SerialScanner::stop() {
    running_ = false;
    reopener_.stop();
    boost::system::error_code ignored;
    port_.close(ignored);
    framer_.discardPartial();
}

void SerialScanner::open() {
    const DeviceMatch match = DeviceMatch::fromConfig(config_);
    const std::optional<FoundDevice> found = findDevice("tty", match);
    std::string message;
    if (!found) {
        message = match.byUsbIdentity() && match.path.empty()
                      ? "No serial device matches " + match.describe() +
                            "; waiting for the scanner to be plugged in"
                      : fmt::format(
                            "Failed to open {}: No such file or directory; retrying, "
                            "check the cable and the device path",
                            match.path);
    } else {
        boost::system::error_code error;
        port_.open(found->node, error);
        if (error) {
            message =
                fmt::format("Failed to open {}: {}; retrying, check the cable and the device path",
                            found->node, error.message());
        } else {
            devicePath_ = found->node;
            message = configurePort();
        }
    }
    if (!message.empty()) {
        boost::system::error_code ignored;
        port_.close(ignored);
        reopener_.openFailed(message);
        return;
    }

    reopener_.opened(found->node);
    std::string identity = found->usbIdentity.empty() ? "" : ", USB " + found->usbIdentity;
    if (!found->usbPort.empty()) {
        identity += " at " + found->usbPort;
    }
    reporter_.event(DeviceEvent::Kind::Connected,
                    fmt::format("Opened {}{} at {} baud, {} data bits, {} stop bits", found->node,
                                identity, config_.baud, config_.dataBits, config_.stopBits));
    readNext();
}

std::string SerialScanner::configurePort() {
    using Base = asio::serial_port_base;
    boost::system::error_code error;
    const auto failed = [&](const std::string& setting) {
        return fmt::format("Failed to set {} on {}: {}; check that the device supports it", setting,
                           devicePath_, error.message());
    };

    port_.set_option(Base::baud_rate(config_.baud), error);
    if (error) {
        return failed(fmt::format("{} baud", config_.baud));
    }
    port_.set_option(Base::character_size(config_.dataBits), error);
    if (error) {
        return failed(fmt::format("{} data bits", config_.dataBits));
    }
    const auto stopBits = config_.stopBits == 2 ? Base::stop_bits::two : Base::stop_bits::one;
    port_.set_option(Base::stop_bits(stopBits), error);
    if (error) {
        return failed(fmt::format("{} stop bits", config_.stopBits));
    }
    port_.set_option(Base::parity(parityType(config_.parity)), error);
    if (error) {
        return failed("the parity");
    }
    port_.set_option(Base::flow_control(flowType(config_.flowControl)), error);
    if (error) {
        return failed("the flow control");
    }
    return {};
}

void SerialScanner::readNext() {
    port_.async_read_some(
        asio::buffer(readBuffer_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t length) {
            self->onRead(error, length);
        });
}

void SerialScanner::onRead(const boost::system::error_code& error, std::size_t length) {
    // An aborted read belongs to a port closed by stop() or by a removal udev reported.
    if (!running_ || error == asio::error::operation_aborted) {
        return;
    }
    if (length > 0) {
        reporter_.frames(framer_.feed(std::string_view(readBuffer_.data(), length)));
    }
    if (error) {
        onLost(error.message());
        return;
    }
    readNext();
}

void SerialScanner::onLost(const std::string& reason) {
    boost::system::error_code ignored;
    port_.close(ignored);

    reporter_.partialDiscarded(framer_.discardPartial(), "the device disconnected mid-scan");
    reporter_.event(DeviceEvent::Kind::Disconnected,
                    fmt::format("Lost {}: {}; reopening when it is back", devicePath_, reason));
    reopener_.closed();
}

void SerialScanner::sendFeedback(Feedback feedback) {
    const std::string& command =
        feedback == Feedback::GoodRead ? config_.goodReadCommand : config_.badReadCommand;
    if (command.empty()) {
        return;
    }
    if (!port_.is_open()) {
        reporter_.log().debug("{}: Not connected; feedback command dropped", reporter_.identity());
        return;
    }
    writes_.push_back(command);
    if (!writing_) {
        writeNext();
    }
}

void SerialScanner::writeNext() {
    if (writes_.empty() || !port_.is_open()) {
        writes_.clear();
        writing_ = false;
        return;
    }
    writing_ = true;
    asio::async_write(
        port_, asio::buffer(writes_.front()),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            self->writes_.pop_front();
            if (error) {
                // Commands queued for a lost device are stale; the read side
                // notices the loss and reopens it.
                self->writes_.clear();
                self->writing_ = false;
                if (error != asio::error::operation_aborted) {
                    self->reporter_.log().warn("{}: Failed to send the feedback command: {}",
                                               self->reporter_.identity(), error.message());
                }
                return;
            }
            self->writeNext();
        });
}

}  // namespace station::drivers
