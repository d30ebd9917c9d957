#pragma once

#include <functional>
#include <string>

#include "drivers/scan.hpp"

namespace station::drivers {

// A change in a device's state, for logs, the API and metrics.
struct DeviceEvent {
    enum class Kind { Connected, Disconnected, Error, ScanRejected };

    std::string device;  // configured name
    Kind kind = Kind::Error;
    std::string detail;  // human-readable, already safe to log (no raw control bytes)
};

// Callbacks a scan source invokes on its io_context thread.
struct ScanSink {
    std::function<void(Scan)> onScan;
    std::function<void(const DeviceEvent&)> onEvent;
};

// Feedback the session sends back to the device that produced a scan, where the device's
// protocol allows it (a beep command on a serial scanner, an output report on HID POS).
enum class Feedback { GoodRead, BadRead };

// A scanner of any kind. Sources run on the io_context they were created with, never block it,
// and reconnect by themselves after a device error until stop() is called. The standard input
// source is the exception: it stops at the end of its input.
class ScanSource {
public:
    virtual ~ScanSource() = default;

    virtual const std::string& name() const = 0;
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual void sendFeedback(Feedback) {}
};

}  // namespace station::drivers
