#include "drivers/device_matcher.hpp"

#include <libudev.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

namespace station::drivers {

namespace {

struct UdevDeleter {
    void operator()(udev* handle) const { udev_unref(handle); }
    void operator()(udev_enumerate* handle) const { udev_enumerate_unref(handle); }
    void operator()(udev_device* handle) const { udev_device_unref(handle); }
};

template <typename T>
using UdevPtr = std::unique_ptr<T, UdevDeleter>;

std::string attribute(udev_device* device, const char* name) {
    const char* value = udev_device_get_sysattr_value(device, name);
    return value == nullptr ? std::string() : std::string(value);
}

// Returns a sysfs attribute of the USB device, or when that is not readable, the property udev's
// usb_id builtin copies from it onto the node (ID_VENDOR_ID, ID_MODEL_ID, ID_SERIAL_SHORT).
std::string usbValue(udev_device* node, udev_device* usbDevice, const char* name,
                     const char* property) {
    std::string value = usbDevice == nullptr ? std::string() : attribute(usbDevice, name);
    if (value.empty()) {
        const char* fromProperty = udev_device_get_property_value(node, property);
        value = fromProperty == nullptr ? "" : fromProperty;
    }
    return value;
}

bool matchesUsb(udev_device* node, udev_device* usbDevice, const DeviceMatch& match) {
    if (match.vendorId &&
        usbValue(node, usbDevice, "idVendor", "ID_VENDOR_ID") != hex4(*match.vendorId)) {
        return false;
    }
    if (match.productId &&
        usbValue(node, usbDevice, "idProduct", "ID_MODEL_ID") != hex4(*match.productId)) {
        return false;
    }
    return match.serial.empty() ||
           usbValue(node, usbDevice, "serial", "ID_SERIAL_SHORT") == match.serial;
}

bool isUsbDevice(udev_device* device) {
    const char* devtype = udev_device_get_devtype(device);
    return devtype != nullptr && std::string_view(devtype) == "usb_device";
}

// Returns the USB device a node belongs to: the device itself for a /dev/bus/usb node, else its
// usb_device ancestor, or null. A parent is owned by its child, so it is never unreferenced.
udev_device* usbDeviceOf(udev_device* device) {
    if (isUsbDevice(device)) {
        return device;
    }
    return udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device");
}

bool isKeyboardEventNode(udev_device* device) {
    const char* sysname = udev_device_get_sysname(device);
    if (sysname == nullptr || std::string_view(sysname).substr(0, 5) != "event") {
        return false;
    }
    const char* keyboard = udev_device_get_property_value(device, "ID_INPUT_KEYBOARD");
    const char* key = udev_device_get_property_value(device, "ID_INPUT_KEY");
    return (keyboard != nullptr && std::string_view(keyboard) == "1") ||
           (key != nullptr && std::string_view(key) == "1");
}

}  // namespace

std::string hex4(std::uint16_t id) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(4, '0');
    for (int i = 3; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = kHex[id & 0xF];
        id = static_cast<std::uint16_t>(id >> 4);
    }
    return out;
}

DeviceMatch DeviceMatch::fromConfig(const config::ScannerConfig& config) {
    return DeviceMatch{config.device, config.vendorId, config.productId, config.usbSerial};
}

std::string DeviceMatch::describe() const {
    if (!path.empty()) {
        return path;
    }
    std::string out =
        (vendorId ? hex4(*vendorId) : "*") + ":" + (productId ? hex4(*productId) : "*");
    if (!serial.empty()) {
        out += " serial " + serial;
    }
    return out;
}

namespace {

FoundDevice describeFound(udev_device* device) {
    FoundDevice found;
    found.node = udev_device_get_devnode(device);
    udev_device* usbDevice = usbDeviceOf(device);
    const std::string vendor = usbValue(device, usbDevice, "idVendor", "ID_VENDOR_ID");
    if (vendor.empty()) {
        return found;
    }
    found.usbIdentity = vendor + ":" + usbValue(device, usbDevice, "idProduct", "ID_MODEL_ID");
    const std::string serial = usbValue(device, usbDevice, "serial", "ID_SERIAL_SHORT");
    if (!serial.empty()) {
        found.usbIdentity += " serial " + serial;
    }
    const char* port = usbDevice == nullptr ? nullptr : udev_device_get_sysname(usbDevice);
    found.usbPort = port == nullptr ? "" : port;
    return found;
}

bool hasDevlink(udev_device* device, const std::string& path) {
    udev_list_entry* link = nullptr;
    udev_list_entry_foreach(link, udev_device_get_devlinks_list_entry(device)) {
        if (path == udev_list_entry_get_name(link)) {
            return true;
        }
    }
    // The DEVLINKS property lists the same links separated by spaces; it is all there is when
    // the udev database is not available, as in an umockdev testbed.
    const char* devlinks = udev_device_get_property_value(device, "DEVLINKS");
    if (devlinks == nullptr) {
        return false;
    }
    std::string_view rest(devlinks);
    while (!rest.empty()) {
        const std::size_t end = std::min(rest.find(' '), rest.size());
        if (rest.substr(0, end) == path) {
            return true;
        }
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return false;
}

// Calls visit for each device with a device node in the subsystem until it returns true.
template <typename Visit>
void forEachDevice(udev* context, const std::string& subsystem, Visit visit) {
    UdevPtr<udev_enumerate> enumerate(udev_enumerate_new(context));
    udev_enumerate_add_match_subsystem(enumerate.get(), subsystem.c_str());
    udev_enumerate_scan_devices(enumerate.get());

    udev_list_entry* entry = nullptr;
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(enumerate.get())) {
        UdevPtr<udev_device> device(
            udev_device_new_from_syspath(context, udev_list_entry_get_name(entry)));
        if (device && udev_device_get_devnode(device.get()) != nullptr && visit(device.get())) {
            return;
        }
    }
}

// Resolves a stable path (a udev symlink such as /dev/input/by-id/...) to the device node that
// udev lists it for, so that the log shows which node it is today. A path udev does not list is
// used as it is when it exists.
std::optional<FoundDevice> findByPath(udev* context, const std::string& subsystem,
                                      const std::string& path) {
    std::optional<FoundDevice> found;
    if (context != nullptr) {
        forEachDevice(context, subsystem, [&](udev_device* device) {
            if (path == udev_device_get_devnode(device) || hasDevlink(device, path)) {
                found = describeFound(device);
            }
            return found.has_value();
        });
    }
    if (!found && ::access(path.c_str(), F_OK) == 0) {
        found = FoundDevice{path, {}, {}};
    }
    return found;
}

}  // namespace

std::optional<FoundDevice> findDevice(std::string_view subsystem, const DeviceMatch& match) {
    UdevPtr<udev> context(udev_new());
    const std::string subsystemName(subsystem);
    if (!match.path.empty()) {
        return findByPath(context.get(), subsystemName, match.path);
    }
    if (!context) {
        return std::nullopt;
    }

    std::optional<FoundDevice> found;
    forEachDevice(context.get(), subsystemName, [&](udev_device* device) {
        if (subsystem == "input" && !isKeyboardEventNode(device)) {
            return false;
        }
        if (subsystem == "usb" && !isUsbDevice(device)) {
            return false;
        }
        udev_device* usbDevice = usbDeviceOf(device);
        const bool usbNode = usbDevice != nullptr ||
                             udev_device_get_property_value(device, "ID_VENDOR_ID") != nullptr;
        if (usbNode && matchesUsb(device, usbDevice, match)) {
            found = describeFound(device);
        }
        return found.has_value();
    });
    return found;
}

}  // namespace station::drivers
