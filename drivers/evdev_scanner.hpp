#pragma once

#include <linux/input.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "config/station_config.hpp"
#include "drivers/device_reopener.hpp"
#include "drivers/readiness_watch.hpp"
#include "drivers/scan_framer.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"
#include "drivers/wedge_decoder.hpp"

struct libevdev;

namespace station::drivers {

// A keyboard-wedge scanner read below the keyboard layer, from its evdev node. The device is
// grabbed (EVIOCGRAB) so its key presses never reach the desktop or a focused window. Key events
// are decoded with the layout the scanner is set to (config "layout"), and a scan ends at the
// configured suffix, or after a gap of interKeyTimeout without key presses when that is set.
//
// The device is found by its stable path (/dev/input/by-id/...) or by USB vendor, product and
// serial number. It is reopened when udev reports it plugged back in, and with backoff until then
// (DeviceReopener).
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class EvdevScanner : public ScanSource, public std::enable_shared_from_this<EvdevScanner> {
public:
    // Throws std::invalid_argument for an unknown layout or a config without a device path and
    // without a USB vendor and product id.
    EvdevScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink);
    ~EvdevScanner() override;

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;

private:
    void open();
    std::string openPath(const std::string& path);
    void closeDevice();
    void waitReadable();
    void readEvents();
    void onEvent(const input_event& event);
    void onKey(unsigned code, int value, std::chrono::microseconds eventTime);
    void armGapTimer();
    void onLost(const std::string& reason);

    config::ScannerConfig config_;
    SourceReporter reporter_;
    WedgeDecoder decoder_;
    ScanFramer framer_;
    ReadinessWatch watch_;
    int fd_ = -1;
    DeviceReopener reopener_;
    boost::asio::steady_timer gapTimer_;
    libevdev* device_ = nullptr;
    std::string devicePath_;
    // Event time of the last key press, for gap framing by the device's own timestamps.
    std::chrono::microseconds lastPressTime_{-1};
    bool running_ = false;
    std::string decoded_;
    std::array<input_event, 64> events_{};
    std::size_t pendingBytes_ = 0;  // bytes in events_, the last event possibly incomplete
    bool dropping_ = false;
    bool waiting_ = false;     // a readiness wait is pending
    unsigned generation_ = 0;  // counts closes, so waits on a closed device are ignored
};

}  // namespace station::drivers
