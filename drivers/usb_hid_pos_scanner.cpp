#include "drivers/usb_hid_pos_scanner.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "drivers/device_matcher.hpp"
#include "drivers/hid_pos_scanner.hpp"
#include "drivers/libusb_hid_device.hpp"

namespace station::drivers {

namespace {

const config::ScannerConfig& validated(const config::ScannerConfig& config) {
    if (!config.vendorId || !config.productId) {
        throw std::invalid_argument("scanner '" + config.name +
                                    "': transport = \"libusb\" finds the scanner by its USB "
                                    "identity; set vendor_id and product_id");
    }
    return config;
}

// Reads the bus number and address from a usbfs node path, /dev/bus/usb/BBB/DDD.
bool busAndAddress(const std::string& node, int& busNumber, int& address) {
    return std::sscanf(node.c_str(), "/dev/bus/usb/%d/%d", &busNumber, &address) == 2;
}

}  // namespace

UsbHidPosScanner::UsbHidPosScanner(boost::asio::io_context& io, config::ScannerConfig config,
                                   ScanSink sink)
    : io_(io),
      config_(validated(config)),
      reporter_(config_.name,
                config_.name + " (" + DeviceMatch::fromConfig(config_).describe() + ")",
                std::move(sink)),
      assembler_(config_.maxLength),
      reopener_(io, reporter_, "usb", config_.reopenMaxDelay) {}

UsbHidPosScanner::~UsbHidPosScanner() {
    closeDevice();
}

void UsbHidPosScanner::start() {
    if (running_) {
        return;
    }
    running_ = true;
    const std::weak_ptr<UsbHidPosScanner> weak = weak_from_this();
    reopener_.start(
        [weak] {
            if (auto self = weak.lock(); self && self->running_ && !self->device_) {
                self->open();
            }
        },
        [weak](const std::string& reason) {
            if (auto self = weak.lock(); self && self->device_) {
                self->onLost(reason);
            }
        });
    open();
}

void UsbHidPosScanner::stop() {
    running_ = false;
    reopener_.stop();
    closeDevice();
    assembler_.discardPartial();
}

void UsbHidPosScanner::open() {
    DeviceMatch match = DeviceMatch::fromConfig(config_);
    match.path.clear();  // libusb devices are found by their USB identity only
    const std::optional<FoundDevice> found = findDevice("usb", match);
    int busNumber = 0;
    int address = 0;
    std::string error;
    if (!found || !busAndAddress(found->node, busNumber, address)) {
        reopener_.openFailed("No USB device matches " + match.describe() +
                             "; waiting for the scanner to be plugged in");
        return;
    }
    std::unique_ptr<LibusbHidDevice> device = LibusbHidDevice::open(busNumber, address, error);
    if (!device) {
        reopener_.openFailed(error);
        return;
    }

    device_ = std::move(device);
    devicePath_ = found->node;
    reopener_.opened(devicePath_);
    const std::string port = found->usbPort.empty() ? "" : ", USB port " + found->usbPort;
    reporter_.event(DeviceEvent::Kind::Connected,
                    fmt::format("Opened HID POS scanner {} through libusb: {}{}", devicePath_,
                                device_->description(), port));

    // The callbacks run on the device's reading thread; the work is posted to the io_context.
    const std::weak_ptr<UsbHidPosScanner> weak = weak_from_this();
    const unsigned generation = generation_;
    boost::asio::io_context& io = io_;
    device_->startReading(LibusbHidDevice::Callbacks{
        [weak, generation, &io](std::vector<std::uint8_t> report) {
            boost::asio::post(io, [weak, generation, report = std::move(report)] {
                auto self = weak.lock();
                if (self && self->generation_ == generation && self->device_) {
                    self->onReport(report);
                }
            });
        },
        [weak, generation, &io](const std::string& reason) {
            boost::asio::post(io, [weak, generation, reason] {
                auto self = weak.lock();
                if (self && self->generation_ == generation && self->device_) {
                    self->onLost(reason);
                }
            });
        }});
}

void UsbHidPosScanner::closeDevice() {
    ++generation_;
    device_.reset();
}

void UsbHidPosScanner::onReport(const std::vector<std::uint8_t>& report) {
    if (auto result = assembler_.feed(report)) {
        reportHidPosResult(reporter_, *result);
    }
}

void UsbHidPosScanner::onLost(const std::string& reason) {
    closeDevice();
    reporter_.partialDiscarded(assembler_.discardPartial(), "the device disconnected mid-scan");
    reporter_.event(DeviceEvent::Kind::Disconnected,
                    fmt::format("Lost {}: {}; reopening when it is back", devicePath_, reason));
    reopener_.closed();
}

void UsbHidPosScanner::sendFeedback(Feedback feedback) {
    const std::string& command =
        feedback == Feedback::GoodRead ? config_.goodReadCommand : config_.badReadCommand;
    if (command.empty() || !device_) {
        return;
    }
    device_->sendOutputReport(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(command.data()), command.size()));
}

}  // namespace station::drivers
