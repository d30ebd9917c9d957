#include "drivers/device_reopener.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace station::drivers {

DeviceReopener::DeviceReopener(boost::asio::io_context& io, SourceReporter& reporter,
                               std::string subsystem, std::chrono::milliseconds maxDelay)
    : io_(io),
      reporter_(reporter),
      subsystem_(std::move(subsystem)),
      timer_(io),
      backoff_(kFirstRetry, std::max(maxDelay, kFirstRetry)) {}

void DeviceReopener::start(std::function<void()> open,
                           std::function<void(const std::string&)> lost) {
    open_ = std::move(open);
    lost_ = std::move(lost);
    active_ = true;
    subscription_ = HotplugMonitor::of(io_).subscribe(
        subsystem_, [this](const HotplugEvent& event) { onHotplug(event); });
}

void DeviceReopener::stop() {
    active_ = false;
    timer_.cancel();
    subscription_.reset();
    devnode_.clear();
}

void DeviceReopener::opened(std::string devnode) {
    devnode_ = std::move(devnode);
    openedAt_ = std::chrono::steady_clock::now();
    lastError_.clear();
    failures_ = 0;
}

void DeviceReopener::openFailed(const std::string& error) {
    ++failures_;
    if (error != lastError_) {
        lastError_ = error;
        reporter_.event(DeviceEvent::Kind::Error, error);
    } else {
        reporter_.log().debug("{}: {} (attempt {})", reporter_.identity(), error, failures_);
    }
    schedule();
}

void DeviceReopener::closed() {
    devnode_.clear();
    if (std::chrono::steady_clock::now() - openedAt_ >= kStableOpen) {
        backoff_.reset();
    }
    schedule();
}

void DeviceReopener::schedule() {
    if (!active_) {
        return;
    }
    timer_.expires_after(backoff_.next());
    // The handler keeps a copy of open_, which refers to the source weakly, rather than this
    // object, because a timer destroyed with its source still runs its handler (with
    // operation_aborted).
    timer_.async_wait([open = open_](const boost::system::error_code& error) {
        if (!error) {
            open();
        }
    });
}

void DeviceReopener::onHotplug(const HotplugEvent& event) {
    if (!active_) {
        return;
    }
    if (event.action == HotplugEvent::Action::Removed) {
        if (isOpen() && event.devnode == devnode_) {
            lost_("udev reports the device removed");
        }
        return;
    }
    if (!isOpen() && !event.devnode.empty()) {
        reporter_.log().debug("{}: {} appeared; trying to open the scanner now",
                              reporter_.identity(), event.devnode);
        timer_.cancel();
        backoff_.reset();
        open_();
    }
}

}  // namespace station::drivers
