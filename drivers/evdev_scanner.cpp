#include "drivers/evdev_scanner.hpp"

#include <fcntl.h>
#include <libevdev/libevdev.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "drivers/device_matcher.hpp"

namespace station::drivers {

namespace {

namespace asio = boost::asio;

const KeyboardLayout& layoutFor(const config::ScannerConfig& config) {
    const KeyboardLayout* layout = KeyboardLayout::find(config.layout);
    if (layout == nullptr) {
        std::string names;
        for (const std::string& name : KeyboardLayout::names()) {
            names += (names.empty() ? "" : ", ") + name;
        }
        throw std::invalid_argument("scanner '" + config.name + "': unknown layout '" +
                                    config.layout + "'; use one of " + names);
    }
    return *layout;
}

const config::ScannerConfig& validated(const config::ScannerConfig& config) {
    if (config.device.empty() && !config.vendorId && !config.productId) {
        throw std::invalid_argument(
            "scanner '" + config.name +
            "': set device to a stable path (/dev/input/by-id/...-event-kbd) or vendor_id and "
            "product_id");
    }
    return config;
}

FramerOptions framerOptions(const config::ScannerConfig& config) {
    FramerOptions options;
    options.suffix = config.suffix;
    options.maxLength = config.maxLength;
    options.prefix = config.prefix;
    return options;
}

std::chrono::microseconds eventTime(const input_event& event) {
    return std::chrono::seconds(event.input_event_sec) +
           std::chrono::microseconds(event.input_event_usec);
}

}  // namespace

EvdevScanner::EvdevScanner(asio::io_context& io, config::ScannerConfig config, ScanSink sink)
    : config_(std::move(validated(config))),
      reporter_(config_.name,
                config_.name + " (" + DeviceMatch::fromConfig(config_).describe() + ")",
                std::move(sink)),
      decoder_(layoutFor(config_)),
      framer_(framerOptions(config_)),
      watch_(io),
      reopener_(io, reporter_, "input", config_.reopenMaxDelay),
      gapTimer_(io) {}

EvdevScanner::~EvdevScanner() {
    closeDevice();
}

void EvdevScanner::start() {
    if (running_) {
        return;
    }
    running_ = true;
    const std::weak_ptr<EvdevScanner> weak = weak_from_this();
    reopener_.start(
        [weak] {
            if (auto self = weak.lock(); self && self->running_ && self->device_ == nullptr) {
                self->open();
            }
        },
        [weak](const std::string& reason) {
            if (auto self = weak.lock(); self && self->device_ != nullptr) {
                self->onLost(reason);
            }
        });
    open();
}

void EvdevScanner::stop() {
    running_ = false;
    reopener_.stop();
    closeDevice();
    framer_.discardPartial();
}

void EvdevScanner::open() {
    const DeviceMatch match = DeviceMatch::fromConfig(config_);
    const std::optional<FoundDevice> found = findDevice("input", match);
    std::string error;
    if (!found) {
        error = "No keyboard device matches " + match.describe() +
                "; waiting for the scanner to be plugged in";
    } else {
        error = openPath(found->node);
    }

    if (!error.empty()) {
        reopener_.openFailed(error);
        return;
    }

    reopener_.opened(devicePath_);
    std::string identity =
        found->usbIdentity.empty() ? std::string() : ", USB " + found->usbIdentity;
    if (!found->usbPort.empty()) {
        identity += " at " + found->usbPort;
    }
    reporter_.event(DeviceEvent::Kind::Connected,
                    fmt::format("Opened {} \"{}\" ({:04x}:{:04x}{}), layout {}, {}", devicePath_,
                                libevdev_get_name(device_), libevdev_get_id_vendor(device_),
                                libevdev_get_id_product(device_), identity, config_.layout,
                                config_.grab ? "grabbed" : "not grabbed"));
    waitReadable();
}

std::string EvdevScanner::openPath(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        return fmt::format("Failed to open {}: {}; {}", path, std::strerror(error),
                           error == EACCES ? "install the scanner udev rules or add the service "
                                             "user to the input group"
                                           : "retrying");
    }

    libevdev* device = nullptr;
    const int rc = libevdev_new_from_fd(fd, &device);
    if (rc < 0) {
        ::close(fd);
        return fmt::format("Failed to read the input device {}: {}; retrying", path,
                           std::strerror(-rc));
    }

    if (config_.grab) {
        const int grab = libevdev_grab(device, LIBEVDEV_GRAB);
        if (grab < 0) {
            // Keep reading: scans still arrive, but the desktop sees the keys too.
            reporter_.event(DeviceEvent::Kind::Error,
                            fmt::format("Failed to grab {}: {}; its keys also reach the desktop, "
                                        "check that no other program grabs the scanner",
                                        path, std::strerror(-grab)));
        }
    }

    const std::string error = watch_.watch(fd);
    if (!error.empty()) {
        libevdev_free(device);
        ::close(fd);
        return fmt::format("Failed to watch {}: {}; retrying", path, error);
    }
    fd_ = fd;
    device_ = device;
    pendingBytes_ = 0;
    dropping_ = false;
    devicePath_ = path;
    decoder_.reset();
    lastPressTime_ = std::chrono::microseconds(-1);
    return {};
}

void EvdevScanner::closeDevice() {
    gapTimer_.cancel();
    ++generation_;
    waiting_ = false;
    if (device_ != nullptr) {
        libevdev_grab(device_, LIBEVDEV_UNGRAB);
        libevdev_free(device_);
        device_ = nullptr;
    }
    watch_.close();
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void EvdevScanner::waitReadable() {
    // The gap timer also drains the device, so a wait may already be pending.
    if (waiting_) {
        return;
    }
    waiting_ = true;
    watch_.asyncWait([self = shared_from_this(),
                      generation = generation_](const boost::system::error_code& error) {
        if (generation != self->generation_) {
            return;  // a wait on a device that was closed since
        }
        self->waiting_ = false;
        if (!self->running_ || self->device_ == nullptr) {
            return;
        }
        if (error) {
            self->onLost(error.message());
            return;
        }
        self->readEvents();
    });
}

void EvdevScanner::readEvents() {
    // Events are read directly rather than through libevdev_next_event(), so that a read that
    // ends inside an event (which the kernel never does, but umockdev's replay does under load)
    // waits for the rest instead of failing.
    for (;;) {
        char* end = reinterpret_cast<char*>(events_.data()) + pendingBytes_;
        const std::size_t room = sizeof(events_) - pendingBytes_;
        const ssize_t length = ::read(fd_, end, room);
        if (length < 0 && errno == EAGAIN) {
            waitReadable();
            return;
        }
        if (length < 0 && errno == EINTR) {
            continue;
        }
        if (length <= 0) {
            onLost(length == 0 ? "end of file" : std::strerror(errno));
            return;
        }

        pendingBytes_ += static_cast<std::size_t>(length);
        const std::size_t count = pendingBytes_ / sizeof(input_event);
        for (std::size_t i = 0; i < count; ++i) {
            onEvent(events_[i]);
        }
        const std::size_t rest = pendingBytes_ - count * sizeof(input_event);
        std::memmove(events_.data(), events_.data() + count, rest);
        pendingBytes_ = rest;
    }
}

void EvdevScanner::onEvent(const input_event& event) {
    if (event.type == EV_SYN && event.code == SYN_DROPPED) {
        // The kernel's buffer overflowed: key events are missing, so the scan in progress
        // cannot be trusted. Everything up to the next SYN_REPORT is stale as well.
        reporter_.partialDiscarded(framer_.discardPartial(),
                                   "the kernel dropped key events (SYN_DROPPED)");
        decoder_.reset();
        dropping_ = true;
        return;
    }
    if (dropping_) {
        dropping_ = !(event.type == EV_SYN && event.code == SYN_REPORT);
        return;
    }
    if (event.type == EV_KEY) {
        onKey(event.code, event.value, eventTime(event));
    }
}

void EvdevScanner::onKey(unsigned code, int value, std::chrono::microseconds time) {
    const auto gap = config_.interKeyTimeout;
    if (value == 1) {
        // Gap framing by the device's timestamps, so a busy event loop never splits a scan.
        if (gap.count() > 0 && lastPressTime_.count() >= 0 && time - lastPressTime_ > gap &&
            framer_.pendingLength() > 0) {
            reporter_.frames(framer_.flush());
        }
        lastPressTime_ = time;
    }

    decoded_.clear();
    decoder_.key(code, value, decoded_);
    if (!decoded_.empty()) {
        reporter_.frames(framer_.feed(decoded_));
    }
    if (gap.count() > 0 && value == 1 && framer_.pendingLength() > 0) {
        armGapTimer();
    }
}

void EvdevScanner::armGapTimer() {
    gapTimer_.expires_after(config_.interKeyTimeout);
    gapTimer_.async_wait([self = shared_from_this(),
                          armedAt = lastPressTime_](const boost::system::error_code& error) {
        if (error || !self->running_ || self->device_ == nullptr) {
            return;
        }
        // Keys already queued in the kernel belong before the gap decision.
        self->readEvents();
        if (self->device_ != nullptr && self->lastPressTime_ == armedAt &&
            self->framer_.pendingLength() > 0) {
            self->reporter_.frames(self->framer_.flush());
        }
    });
}

void EvdevScanner::onLost(const std::string& reason) {
    closeDevice();
    reporter_.partialDiscarded(framer_.discardPartial(), "the device disconnected mid-scan");
    reporter_.event(DeviceEvent::Kind::Disconnected,
                    fmt::format("Lost {}: {}; reopening when it is back", devicePath_, reason));
    reopener_.closed();
}

}  // namespace station::drivers
