#pragma once

#include <chrono>
#include <string>

namespace station {

// One read from an input device, before any interpretation of its content.
struct Scan {
    // Unique id given when the scan is read; recording a scan twice under the same id is a no-op.
    std::string id;
    // Raw bytes as the device delivered them, framing suffix removed. GS (0x1D), RS (0x1E) and
    // EOT (0x04) are kept.
    std::string data;
    // AIM symbology identifier such as "]d2" when the device reports one, otherwise empty.
    std::string symbology;
    // Configured name of the device that produced the scan.
    std::string device;
    std::chrono::system_clock::time_point readAt;
};

// Returns a new random scan id: 32 lowercase hex digits (128 bits from std::random_device).
std::string makeScanId();

}  // namespace station
