#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>

#include "config/station_config.hpp"
#include "drivers/device_reopener.hpp"
#include "drivers/scan_framer.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

// A scanner on a serial line: USB CDC-ACM (/dev/ttyACM*) or RS-232 through an adapter. Frames
// scans by the configured prefix and suffix and sends the configured good-read and bad-read
// commands as feedback.
//
// The device is a path (best a stable one, /dev/serial/by-id/...) or, for a USB serial scanner,
// the USB vendor, product and serial number of the device the tty belongs to. It is reopened when
// udev reports it plugged back in, and with backoff until then (DeviceReopener).
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class SerialScanner : public ScanSource, public std::enable_shared_from_this<SerialScanner> {
public:
    // Throws std::invalid_argument for settings no serial line supports (data bits outside
    // 5..8, stop bits other than 1 or 2), or for neither a device path nor a USB identity.
    SerialScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink);

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;
    void sendFeedback(Feedback feedback) override;

private:
    void open();
    // Applies the line settings; returns an error message, empty on success.
    std::string configurePort();
    void readNext();
    void onRead(const boost::system::error_code& error, std::size_t length);
    void onLost(const std::string& reason);
    void writeNext();

    config::ScannerConfig config_;
    SourceReporter reporter_;
    ScanFramer framer_;
    boost::asio::serial_port port_;
    DeviceReopener reopener_;
    std::string devicePath_;  // the node opened last, for messages
    std::array<char, 4096> readBuffer_{};
    std::deque<std::string> writes_;
    bool writing_ = false;
    bool running_ = false;
};

}  // namespace station::drivers
