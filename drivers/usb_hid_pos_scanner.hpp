#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/station_config.hpp"
#include "drivers/device_reopener.hpp"
#include "drivers/hid_pos_report.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

class LibusbHidDevice;

// A USB HID POS scanner read through libusb (config transport = "libusb"), for a scanner that no
// kernel driver is bound to, so that it has no hidraw node. It is found by USB vendor, product and
// serial number, claims the interface with the barcode scanner usage page, and reads input
// reports on a thread of its own (LibusbHidDevice). Reports are reassembled into scans as for
// hidraw (HidPosAssembler), and feedback commands are sent as output reports.
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class UsbHidPosScanner : public ScanSource, public std::enable_shared_from_this<UsbHidPosScanner> {
public:
    // Throws std::invalid_argument for a config without a USB vendor and product id.
    UsbHidPosScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink);
    ~UsbHidPosScanner() override;

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;
    void sendFeedback(Feedback feedback) override;

private:
    void open();
    void closeDevice();
    void onReport(const std::vector<std::uint8_t>& report);
    void onLost(const std::string& reason);

    boost::asio::io_context& io_;
    config::ScannerConfig config_;
    SourceReporter reporter_;
    HidPosAssembler assembler_;
    DeviceReopener reopener_;
    std::unique_ptr<LibusbHidDevice> device_;
    std::string devicePath_;  // /dev/bus/usb/BBB/DDD
    // Counts closes, so reports and errors posted by a device closed since are ignored.
    unsigned generation_ = 0;
    bool running_ = false;
};

}  // namespace station::drivers
