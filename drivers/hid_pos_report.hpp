#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace station::drivers {

// Reassembles scans from the input reports of a USB HID POS scanner (HID Usage Tables, Barcode
// Scanner Page 0x8C). A scan arrives as one or more "scanned data" reports of this layout, the
// one Honeywell scanners use in HID POS mode (report bytes as hidraw delivers them, report ID
// first):
//
//   byte 0       report ID, 0x02 for scanned data
//   byte 1       number of data bytes in this report (0..56)
//   bytes 2..4   AIM symbology identifier, such as "]d2" (zero bytes when the scanner sends none)
//   bytes 5..60  scan data
//   byte 61      the vendor's own symbology code
//   byte 63      bit 0 set: more reports of this scan follow
//
// TODO: other vendors' HID POS report layouts (their report descriptors) are not parsed; a
// scanner whose scanned data report differs from this layout needs a layout option here.
class HidPosAssembler {
public:
    static constexpr std::uint8_t kScannedDataReportId = 0x02;
    static constexpr std::size_t kReportSize = 64;
    static constexpr std::size_t kMaxDataPerReport = 56;

    struct Result {
        enum class Kind { Scan, Rejected, Malformed };
        Kind kind = Kind::Scan;
        std::string data;        // Scan: the scan; Rejected: its first bytes
        std::string symbology;   // AIM identifier from the scan's first report, or empty
        std::size_t length = 0;  // Rejected: the scan's length so far
        std::string problem;     // Malformed: what is wrong with the report
    };

    explicit HidPosAssembler(std::size_t maxLength) : maxLength_(maxLength) {}

    // Processes one input report. Returns a result when the report ends a scan or is malformed;
    // reports with other IDs (status, attributes) return nothing.
    std::optional<Result> feed(std::span<const std::uint8_t> report);

    // Drops a scan whose final report has not arrived; returns its bytes so far.
    std::size_t discardPartial();

private:
    std::size_t maxLength_;
    std::string data_;
    std::string symbology_;
    std::size_t length_ = 0;
    bool inScan_ = false;
};

// The HID usage page of barcode scanners (HID Usage Tables, Barcode Scanner Page).
inline constexpr std::uint16_t kBarcodeScannerUsagePage = 0x8C;

// Returns true when a HID report descriptor sets the usage page anywhere, in a Usage Page global
// item. Long items are skipped, and a descriptor cut off inside an item is read up to that item.
bool declaresUsagePage(std::span<const std::uint8_t> reportDescriptor, std::uint16_t usagePage);

}  // namespace station::drivers
