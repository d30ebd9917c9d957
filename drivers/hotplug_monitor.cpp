#include "drivers/hotplug_monitor.hpp"

#include <fcntl.h>
#include <libudev.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "drivers/scanner_log.hpp"

namespace station::drivers {

namespace {

// The subsystems of scanner device nodes. The "usb" subsystem is added for whole devices only
// (devtype usb_device), which libusb opens, not for their interfaces.
constexpr std::string_view kSubsystems[] = {"input", "hidraw", "tty"};

std::string text(const char* value) {
    return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

boost::asio::execution_context::id HotplugMonitor::id;

HotplugMonitor& HotplugMonitor::of(boost::asio::io_context& io) {
    return boost::asio::use_service<HotplugMonitor>(io);
}

HotplugMonitor::HotplugMonitor(boost::asio::io_context& io)
    : boost::asio::execution_context::service(io), stream_(io) {}

HotplugMonitor::~HotplugMonitor() {
    shutdown();
}

void HotplugMonitor::shutdown() {
    boost::system::error_code ignored;
    stream_.close(ignored);
    if (monitor_ != nullptr) {
        udev_monitor_unref(monitor_);
        monitor_ = nullptr;
    }
    if (udev_ != nullptr) {
        udev_unref(udev_);
        udev_ = nullptr;
    }
    entries_.clear();
}

HotplugMonitor::Subscription HotplugMonitor::subscribe(std::string subsystem, Handler handler) {
    auto entry = std::make_shared<Entry>(Entry{std::move(subsystem), std::move(handler)});
    entries_.push_back(entry);
    if (!started_) {
        started_ = true;
        start();
    }
    return entry;
}

void HotplugMonitor::start() {
    auto& log = *scannerLogger();
    udev_ = udev_new();
    monitor_ = udev_ == nullptr ? nullptr : udev_monitor_new_from_netlink(udev_, "udev");
    if (monitor_ == nullptr) {
        log.warn(
            "Failed to listen to udev device events: {}; replugged scanners are found by "
            "their retry timers only",
            std::strerror(errno));
        return;
    }
    for (std::string_view subsystem : kSubsystems) {
        udev_monitor_filter_add_match_subsystem_devtype(monitor_, subsystem.data(), nullptr);
    }
    udev_monitor_filter_add_match_subsystem_devtype(monitor_, "usb", "usb_device");

    const int rc = udev_monitor_enable_receiving(monitor_);
    // Asio owns and closes the descriptor it is given, and udev_monitor_unref() closes the
    // monitor's own, so Asio gets a duplicate.
    const int fd = rc < 0 ? -1 : ::fcntl(udev_monitor_get_fd(monitor_), F_DUPFD_CLOEXEC, 0);
    boost::system::error_code error;
    if (fd >= 0) {
        stream_.assign(fd, error);
    }
    if (rc < 0 || fd < 0 || error) {
        const std::string reason = error ? error.message() : std::strerror(rc < 0 ? -rc : errno);
        if (fd >= 0 && !stream_.is_open()) {
            ::close(fd);
        }
        log.warn(
            "Failed to listen to udev device events: {}; replugged scanners are found by "
            "their retry timers only",
            reason);
        return;
    }
    log.debug("Listening to udev device events");
    waitReadable();
}

void HotplugMonitor::waitReadable() {
    stream_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this](const boost::system::error_code& error) {
                           if (error == boost::asio::error::operation_aborted) {
                               return;
                           }
                           if (error) {
                               scannerLogger()->warn(
                                   "Failed to read udev device events: {}; replugged scanners "
                                   "are found by retrying instead",
                                   error.message());
                               return;
                           }
                           receiveAll();
                           waitReadable();
                       });
}

void HotplugMonitor::receiveAll() {
    // The socket is non-blocking: receiving returns nothing once it is drained.
    while (udev_device* device = udev_monitor_receive_device(monitor_)) {
        const std::string action = text(udev_device_get_action(device));
        HotplugEvent event;
        event.subsystem = text(udev_device_get_subsystem(device));
        event.devnode = text(udev_device_get_devnode(device));
        event.syspath = text(udev_device_get_syspath(device));
        udev_device_unref(device);

        if (action != "add" && action != "remove") {
            continue;  // "change", "bind" and "unbind" do not make a node appear or vanish
        }
        event.action =
            action == "add" ? HotplugEvent::Action::Added : HotplugEvent::Action::Removed;
        scannerLogger()->debug("udev: {} {} {} {}", action, event.subsystem, event.syspath,
                               event.devnode);
        dispatch(event);
    }
}

void HotplugMonitor::dispatch(const HotplugEvent& event) {
    // Handlers may subscribe or unsubscribe, so they run from a copy of the list.
    std::vector<std::shared_ptr<Entry>> live;
    std::erase_if(entries_, [](const std::weak_ptr<Entry>& entry) { return entry.expired(); });
    for (const std::weak_ptr<Entry>& weak : entries_) {
        std::shared_ptr<Entry> entry = weak.lock();
        if (entry && entry->subsystem == event.subsystem) {
            live.push_back(std::move(entry));
        }
    }
    for (const std::shared_ptr<Entry>& entry : live) {
        entry->handler(event);
    }
}

}  // namespace station::drivers
