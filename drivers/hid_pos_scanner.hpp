#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "config/station_config.hpp"
#include "drivers/device_reopener.hpp"
#include "drivers/hid_pos_report.hpp"
#include "drivers/readiness_watch.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

// A USB HID POS scanner read through its hidraw node. Scans carry the AIM symbology identifier
// from the report. Feedback commands are written to the node as output reports: the configured
// good-read and bad-read commands are the report bytes, report ID first.
//
// The device is found by a stable path or by USB vendor, product and serial number. It is reopened
// when udev reports it plugged back in, and with backoff until then (DeviceReopener).
//
// Scanners without a hidraw node (no kernel HID driver bound) are read through libusb instead,
// by UsbHidPosScanner.
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class HidPosScanner : public ScanSource, public std::enable_shared_from_this<HidPosScanner> {
public:
    // Throws std::invalid_argument for a config without a device path and without a USB vendor
    // and product id.
    HidPosScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink);
    ~HidPosScanner() override;

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;
    void sendFeedback(Feedback feedback) override;

private:
    void open();
    void closeDevice();
    void waitReadable();
    void readReports();
    void onLost(const std::string& reason);

    config::ScannerConfig config_;
    SourceReporter reporter_;
    HidPosAssembler assembler_;
    ReadinessWatch watch_;
    DeviceReopener reopener_;
    int fd_ = -1;
    std::string devicePath_;
    std::array<std::uint8_t, HidPosAssembler::kReportSize> report_{};
    bool running_ = false;
};

// Delivers what HidPosAssembler made of a report: a scan, a rejected overlong scan or a malformed
// report. Shared by the hidraw and the libusb HID POS scanners.
void reportHidPosResult(SourceReporter& reporter, const HidPosAssembler::Result& result);

}  // namespace station::drivers
