#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct udev;
struct udev_monitor;

namespace station::drivers {

// A device that udev reports as added or removed.
struct HotplugEvent {
    enum class Action { Added, Removed };

    Action action = Action::Added;
    std::string subsystem;  // "input", "hidraw", "tty", "usb"
    std::string devnode;    // /dev/input/event5, /dev/ttyACM0; empty for devices without a node
    std::string syspath;
};

// Listens to udev's device events for the subsystems input, hidraw, tty and usb, and calls the
// handlers subscribed to the event's subsystem. It reads the "udev" netlink group, whose events
// udev sends after applying its rules, so permissions and /dev/.../by-id links are in place.
// There is one monitor per io_context, shared by all scanners that run on it. It reads its socket
// on that io_context and calls handlers on its thread.
//
// The monitor starts with the first subscription. When udev cannot be reached (no netlink in a
// container, for example), it logs that once and stays idle. Scanners then find replugged
// devices through their retry timers only.
class HotplugMonitor : public boost::asio::execution_context::service {
public:
    using Handler = std::function<void(const HotplugEvent&)>;
    // Keeps a subscription alive; the handler is dropped when the last copy is released.
    using Subscription = std::shared_ptr<void>;

    static boost::asio::execution_context::id id;

    // Returns the monitor of io, creating it on first use.
    static HotplugMonitor& of(boost::asio::io_context& io);

    explicit HotplugMonitor(boost::asio::io_context& io);
    ~HotplugMonitor() override;

    // Calls handler for every added or removed device of the subsystem until the returned
    // subscription is released. The handler must not capture a shared pointer to its own
    // subscriber, or the two keep each other alive.
    [[nodiscard]] Subscription subscribe(std::string subsystem, Handler handler);

    // True when the udev socket is open and being read.
    bool listening() const { return stream_.is_open(); }

private:
    struct Entry {
        std::string subsystem;
        Handler handler;
    };

    void shutdown() override;
    void start();
    void waitReadable();
    void receiveAll();
    void dispatch(const HotplugEvent& event);

    boost::asio::posix::stream_descriptor stream_;
    udev* udev_ = nullptr;
    udev_monitor* monitor_ = nullptr;
    bool started_ = false;
    std::vector<std::weak_ptr<Entry>> entries_;
};

}  // namespace station::drivers
