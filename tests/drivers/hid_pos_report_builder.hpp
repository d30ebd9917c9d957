#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/hid_pos_report.hpp"

namespace station::drivers::test_support {

using Report = std::array<std::uint8_t, HidPosAssembler::kReportSize>;

// Builds the scanned data reports a HID POS scanner sends for one scan, in the layout that
// HidPosAssembler documents: 56 data bytes per report, the continuation bit on all but the last.
inline std::vector<Report> scannedDataReports(const std::string& data,
                                              const std::string& symbology) {
    std::vector<Report> reports;
    std::size_t offset = 0;
    do {
        Report report{};
        const std::size_t count =
            std::min(data.size() - offset, HidPosAssembler::kMaxDataPerReport);
        report[0] = HidPosAssembler::kScannedDataReportId;
        report[1] = static_cast<std::uint8_t>(count);
        for (std::size_t i = 0; i < symbology.size() && i < 3; ++i) {
            report[2 + i] = static_cast<std::uint8_t>(symbology[i]);
        }
        for (std::size_t i = 0; i < count; ++i) {
            report[5 + i] = static_cast<std::uint8_t>(data[offset + i]);
        }
        report[61] = 'w';
        offset += count;
        report[63] = offset < data.size() ? 0x01 : 0x00;
        reports.push_back(report);
    } while (offset < data.size());
    return reports;
}

}  // namespace station::drivers::test_support
