#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "drivers/scan_source.hpp"

namespace station::drivers::test_support {

// Records what a source delivers, and runs an io_context until a condition holds.
struct ScanRecorder {
    std::vector<Scan> scans;
    std::vector<DeviceEvent> events;

    ScanSink sink() {
        return ScanSink{[this](Scan scan) { scans.push_back(std::move(scan)); },
                        [this](const DeviceEvent& event) { events.push_back(event); }};
    }

    std::size_t count(DeviceEvent::Kind kind) const {
        std::size_t n = 0;
        for (const DeviceEvent& event : events) {
            n += event.kind == kind ? 1 : 0;
        }
        return n;
    }

    std::vector<std::string> data() const {
        std::vector<std::string> out;
        for (const Scan& scan : scans) {
            out.push_back(scan.data);
        }
        return out;
    }
};

// Runs io until done() returns true or the timeout passes; returns done().
inline bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds(10));
    }
    return done();
}

}  // namespace station::drivers::test_support
