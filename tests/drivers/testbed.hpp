#pragma once

#include <glib-object.h>
#include <umockdev.h>

#include <stdexcept>
#include <string>

namespace station::drivers::test_support {

// An in-process umockdev testbed: devices added here appear in this process's /sys and /dev and
// in udev, and the udev events it sends reach udev monitors. Works only under umockdev's preload
// library (runWithUmockdevPreload()).
class Testbed {
public:
    Testbed() : bed_(umockdev_testbed_new()) {}
    ~Testbed() { g_object_unref(bed_); }
    Testbed(const Testbed&) = delete;
    Testbed& operator=(const Testbed&) = delete;

    // Adds devices in umockdev-record's text format; udev sees an "add" event for each.
    void add(const std::string& description) {
        GError* error = nullptr;
        if (!umockdev_testbed_add_from_string(bed_, description.c_str(), &error)) {
            const std::string message = error != nullptr ? error->message : "unknown error";
            g_clear_error(&error);
            throw std::runtime_error("Failed to add testbed devices: " + message);
        }
    }

    // Replies to ioctls on devnode from an umockdev .ioctl record file.
    void loadIoctl(const std::string& devnode, const std::string& file) {
        GError* error = nullptr;
        if (!umockdev_testbed_load_ioctl(bed_, devnode.c_str(), file.c_str(), &error)) {
            throw failure("load " + file + " for " + devnode, error);
        }
    }

    // Replays an evemu .events file on the input device node devnode.
    void loadEvemuEvents(const std::string& devnode, const std::string& file) {
        GError* error = nullptr;
        if (!umockdev_testbed_load_evemu_events(bed_, devnode.c_str(), file.c_str(), &error)) {
            throw failure("load " + file + " for " + devnode, error);
        }
    }

    // Sends a udev event ("add", "remove", "change") for the device at syspath.
    void uevent(const std::string& syspath, const char* action) {
        umockdev_testbed_uevent(bed_, syspath.c_str(), action);
    }

    // Removes the device and its children from /sys and /dev, without a udev event.
    void remove(const std::string& syspath) {
        umockdev_testbed_remove_device(bed_, syspath.c_str());
    }

    // Handles the ioctls on devnode with handler (umockdev's "handle-ioctl" signal). Attach
    // before adding the device, so that no program opens the node without it.
    void attachIoctl(const std::string& devnode, UMockdevIoctlBase* handler) {
        GError* error = nullptr;
        if (!umockdev_testbed_attach_ioctl(bed_, devnode.c_str(), handler, &error)) {
            const std::string message = error != nullptr ? error->message : "unknown error";
            g_clear_error(&error);
            throw std::runtime_error("Failed to attach an ioctl handler to " + devnode + ": " +
                                     message);
        }
    }

    // The controlling side of an emulated character device: what the test writes here, the
    // program reads from devnode. Owned by the testbed.
    int deviceFd(const std::string& devnode) {
        return umockdev_testbed_get_dev_fd(bed_, devnode.c_str());
    }

private:
    static std::runtime_error failure(const std::string& what, GError*& error) {
        const std::string message = error != nullptr ? error->message : "unknown error";
        g_clear_error(&error);
        return std::runtime_error("Failed to " + what + ": " + message);
    }

    UMockdevTestbed* bed_;
};

}  // namespace station::drivers::test_support
