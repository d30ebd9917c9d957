// Hot-plug reaction of a USB scanner source: the time from a device's udev "add" event to the
// scanner reporting it connected, and from a "remove" event to the scanner reporting the loss.
// The baseline is a bare libudev monitor on its own thread receiving the same events. Run it
// under umockdev's preload library, which emulates the devices and their udev events:
//
//   umockdev-wrapper build/bench/drivers/hotplug_bench [rounds]

#include <fmt/format.h>
#include <glib-object.h>
#include <libudev.h>
#include <poll.h>
#include <umockdev.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "drivers/scanner_factory.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using station::drivers::DeviceEvent;

// A HID POS scanner 0c2e:0b8f in USB port 1-port, its HID device and hidraw node numbered n.
std::string hidPosScanner(int port, int n) {
    const std::string usb = fmt::format("/devices/pci0000:00/usb1/1-{}", port);
    const std::string interface = fmt::format("{}/1-{}:1.0", usb, port);
    const std::string hid = fmt::format("{}/0003:0C2E:0B8F.{:04X}", interface, n);
    return fmt::format(
        "P: {0}/hidraw/hidraw{3}\nN: hidraw{3}\nE: DEVNAME=/dev/hidraw{3}\nE: SUBSYSTEM=hidraw\n\n"
        "P: {0}\nE: DRIVER=hid-generic\nE: SUBSYSTEM=hid\n\n"
        "P: {1}\nE: DEVTYPE=usb_interface\nE: DRIVER=usbhid\nE: SUBSYSTEM=usb\n\n"
        "P: {2}\nE: DEVTYPE=usb_device\nE: SUBSYSTEM=usb\n"
        "A: idVendor=0c2e\nA: idProduct=0b8f\nA: serial=POS0001\n",
        hid, interface, usb, n);
}

// Receives hidraw events with a bare libudev monitor and records when each arrived.
class RawMonitor {
public:
    RawMonitor() : udev_(udev_new()), monitor_(udev_monitor_new_from_netlink(udev_, "udev")) {
        udev_monitor_filter_add_match_subsystem_devtype(monitor_, "hidraw", nullptr);
        udev_monitor_enable_receiving(monitor_);
        thread_ = std::thread([this] { run(); });
    }
    ~RawMonitor() {
        stop_ = true;
        thread_.join();
        udev_monitor_unref(monitor_);
        udev_unref(udev_);
    }

    // The time of the last event received, or the clock's epoch when none arrived since reset().
    Clock::time_point last() const { return Clock::time_point(Clock::duration(last_.load())); }
    void reset() { last_ = 0; }

private:
    void run() {
        pollfd watch{udev_monitor_get_fd(monitor_), POLLIN, 0};
        while (!stop_) {
            if (::poll(&watch, 1, 20) <= 0) {
                continue;
            }
            while (udev_device* device = udev_monitor_receive_device(monitor_)) {
                last_ = Clock::now().time_since_epoch().count();
                udev_device_unref(device);
            }
        }
    }

    udev* udev_;
    udev_monitor* monitor_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<Clock::rep> last_{0};
};

double millis(Clock::duration duration) {
    return std::chrono::duration<double, std::milli>(duration).count();
}

void printRow(const std::string& label, std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const double p50 = values[values.size() / 2];
    const double max = values.back();
    fmt::print("{:<44} p50 {:7.2f} ms   max {:7.2f} ms\n", label, p50, max);
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
    UMockdevTestbed* bed = umockdev_testbed_new();
    RawMonitor raw;

    boost::asio::io_context io;
    std::vector<DeviceEvent> events;
    station::config::ScannerConfig config;
    config.name = "pos";
    config.kind = station::config::ScannerKind::HidPos;
    config.vendorId = 0x0c2e;
    config.productId = 0x0b8f;
    config.reopenMaxDelay = 60s;  // so that only hot-plug events reopen the scanner in time
    auto source = station::drivers::makeScanSource(
        io, config, {nullptr, [&](const DeviceEvent& event) { events.push_back(event); }});
    source->start();

    const auto waitFor = [&](DeviceEvent::Kind kind, std::size_t count) {
        const auto deadline = Clock::now() + 5s;
        const auto seen = [&] {
            return static_cast<std::size_t>(
                std::count_if(events.begin(), events.end(),
                              [&](const DeviceEvent& e) { return e.kind == kind; }));
        };
        while (seen() < count && Clock::now() < deadline) {
            io.run_one_for(10ms);
        }
        return seen() >= count ? Clock::now() : Clock::time_point{};
    };

    std::vector<double> rawAdd, scannerAdd, rawRemove, scannerRemove;
    for (int i = 0; i < rounds; ++i) {
        const int port = 2 + i;
        const std::string usbPath = fmt::format("/sys/devices/pci0000:00/usb1/1-{}", port);
        const std::string hidrawPath = fmt::format(
            "{0}/1-{1}:1.0/0003:0C2E:0B8F.{2:04X}/hidraw/hidraw{2}", usbPath, port, i + 1);

        raw.reset();
        const auto added = Clock::now();
        umockdev_testbed_add_from_string(bed, hidPosScanner(port, i + 1).c_str(), nullptr);
        const auto connected = waitFor(DeviceEvent::Kind::Connected, i + 1);
        std::this_thread::sleep_for(20ms);
        if (connected == Clock::time_point{} || raw.last() == Clock::time_point{}) {
            fmt::print(stderr, "round {}: the scanner did not connect\n", i);
            return 1;
        }
        rawAdd.push_back(millis(raw.last() - added));
        scannerAdd.push_back(millis(connected - added));

        raw.reset();
        const auto removed = Clock::now();
        umockdev_testbed_uevent(bed, hidrawPath.c_str(), "remove");
        const auto lost = waitFor(DeviceEvent::Kind::Disconnected, i + 1);
        std::this_thread::sleep_for(20ms);
        if (lost == Clock::time_point{} || raw.last() == Clock::time_point{}) {
            fmt::print(stderr, "round {}: the scanner did not report the loss\n", i);
            return 1;
        }
        rawRemove.push_back(millis(raw.last() - removed));
        scannerRemove.push_back(millis(lost - removed));
        umockdev_testbed_remove_device(bed, usbPath.c_str());
    }

    fmt::print("{} replugs of an emulated HID POS scanner\n", rounds);
    printRow("add: bare libudev monitor receives the event", rawAdd);
    printRow("add: scanner reports Connected", scannerAdd);
    printRow("remove: bare libudev monitor receives it", rawRemove);
    printRow("remove: scanner reports Disconnected", scannerRemove);
    source.reset();
    g_object_unref(bed);
    return 0;
}
