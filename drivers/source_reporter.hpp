#pragma once

#include <memory>
#include <string>
#include <vector>

#include "drivers/scan_framer.hpp"
#include "drivers/scan_source.hpp"

namespace spdlog {
class logger;
}

namespace station::drivers {

// Delivers a source's scans and events to its sink and writes the matching log lines. Every
// line starts with the device's identity and shows scan bytes only through escapeForLog().
class SourceReporter {
public:
    // name: the configured device name; identity: what the log shows after it, such as the
    // device path ("front (/dev/ttyACM0)").
    SourceReporter(std::string name, std::string identity, ScanSink sink);

    const std::string& name() const { return name_; }
    const std::string& identity() const { return identity_; }
    void setIdentity(std::string identity);

    // Builds a Scan with a new id, the device name and the current time, and delivers it.
    void scan(std::string data, std::string symbology = {});

    // Delivers each scan and reports each rejection, in order.
    void frames(std::vector<Frame> frames);

    // Reports an incomplete scan that was dropped, if length is not zero.
    void partialDiscarded(std::size_t length, const std::string& reason);

    void event(DeviceEvent::Kind kind, const std::string& detail);

    spdlog::logger& log() const { return *logger_; }

private:
    std::string name_;
    std::string identity_;
    ScanSink sink_;
    std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace station::drivers
