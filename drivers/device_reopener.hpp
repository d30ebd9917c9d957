#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "drivers/backoff.hpp"
#include "drivers/hotplug_monitor.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

// The open, lose and reopen cycle that every USB scanner source shares. After a failed open or a
// lost device it calls the source's open function again with backoff, from kFirstRetry doubling
// up to the configured maximum, and at once when udev reports a device of the source's subsystem
// added. When udev reports the open device node removed, it calls the source's lost function at
// once instead of waiting for a read to fail.
//
// It reports each new reason an open failed once, as an Error event. The same reason again only
// reaches the debug log, so a scanner left unplugged does not flood the journal.
class DeviceReopener {
public:
    static constexpr std::chrono::milliseconds kFirstRetry{100};
    // A device lost sooner than this after it opened is retried with the backoff it had, so one
    // that opens but fails at once is not reopened ten times a second.
    static constexpr std::chrono::seconds kStableOpen{2};

    // subsystem: the udev subsystem of the device node ("input", "hidraw", "tty", "usb").
    DeviceReopener(boost::asio::io_context& io, SourceReporter& reporter, std::string subsystem,
                   std::chrono::milliseconds maxDelay);

    // Starts listening for hot-plug events. open is called to open the device, lost with a reason
    // when the open device was removed. Both run on the io_context thread and must hold only weak
    // references to their source: this object is a member of it.
    void start(std::function<void()> open, std::function<void(const std::string&)> lost);

    // Cancels a pending reopen and stops listening.
    void stop();

    // Records a successful open of devnode, the node udev reports on removal.
    void opened(std::string devnode);

    // Reports why opening failed and schedules the next attempt.
    void openFailed(const std::string& error);

    // Schedules reopening after the device was closed because it was lost.
    void closed();

    bool isOpen() const { return !devnode_.empty(); }

private:
    void schedule();
    void onHotplug(const HotplugEvent& event);

    boost::asio::io_context& io_;
    SourceReporter& reporter_;
    std::string subsystem_;
    boost::asio::steady_timer timer_;
    Backoff backoff_;
    std::function<void()> open_;
    std::function<void(const std::string&)> lost_;
    HotplugMonitor::Subscription subscription_;
    std::string devnode_;
    std::chrono::steady_clock::time_point openedAt_;
    std::string lastError_;
    unsigned failures_ = 0;
    bool active_ = false;
};

}  // namespace station::drivers
