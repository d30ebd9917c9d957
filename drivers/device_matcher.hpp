#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/station_config.hpp"

namespace station::drivers {

// The identity of a scanner that survives a replug: a stable path or the USB identity, never
// /dev/input/eventN or /dev/hidrawN alone, whose numbers change.
struct DeviceMatch {
    std::string path;  // a stable path such as /dev/input/by-id/...; used as is when set
    std::optional<std::uint16_t> vendorId;
    std::optional<std::uint16_t> productId;
    std::string serial;  // USB iSerialNumber; empty matches any

    static DeviceMatch fromConfig(const config::ScannerConfig& config);

    bool byUsbIdentity() const { return vendorId.has_value() || productId.has_value(); }

    // Human-readable form for log lines: the path, or "0c2e:0b61 serial X".
    std::string describe() const;
};

// A device node found for a match, with what the log shows about it.
struct FoundDevice {
    std::string node;         // /dev/input/event5, /dev/hidraw2, /dev/ttyACM0
    std::string usbIdentity;  // "0c2e:0b61" and the serial number when known, else empty
    std::string usbPort;      // USB port path such as "1-1.4", else empty
};

// Finds the device node of the first device in the udev subsystem ("input", "hidraw", "tty",
// "usb") whose USB device matches. For "input", only event nodes of keyboards are considered; for
// "usb", only whole devices, whose nodes are /dev/bus/usb/BBB/DDD. Returns
// nothing when no device matches or the path does not exist. A path is resolved to its device
// node through udev when udev knows it.
std::optional<FoundDevice> findDevice(std::string_view subsystem, const DeviceMatch& match);

// Formats a USB vendor or product id as four lowercase hex digits, as udev and lsusb print it.
std::string hex4(std::uint16_t id);

}  // namespace station::drivers
