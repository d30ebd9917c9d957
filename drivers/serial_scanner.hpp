#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>

#include "config/station_config.hpp"
#include "drivers/backoff.hpp"
#include "drivers/scan_framer.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

// A scanner on a serial line: USB CDC-ACM (/dev/ttyACM*) or RS-232 through an adapter. Frames
// scans by the configured prefix and suffix, sends the configured good-read and bad-read
// commands as feedback, and reopens the device with backoff after it disappears.
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class SerialScanner : public ScanSource, public std::enable_shared_from_this<SerialScanner> {
public:
    // Throws std::invalid_argument for settings no serial line supports (data bits outside
    // 5..8, stop bits other than 1 or 2, an empty device path).
    SerialScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink);

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;
    void sendFeedback(Feedback feedback) override;

    // Delays between reopening attempts after the device fails or disappears.
    static constexpr std::chrono::milliseconds kFirstRetry{100};
    static constexpr std::chrono::milliseconds kMaxRetry{1000};

private:
    void open();
    // Applies the line settings; returns an error message, empty on success.
    std::string configurePort();
    void scheduleReopen();
    void readNext();
    void onRead(const boost::system::error_code& error, std::size_t length);
    void onLost(const boost::system::error_code& error);
    void writeNext();

    config::ScannerConfig config_;
    SourceReporter reporter_;
    ScanFramer framer_;
    boost::asio::serial_port port_;
    boost::asio::steady_timer retryTimer_;
    Backoff backoff_;
    std::array<char, 4096> readBuffer_{};
    std::deque<std::string> writes_;
    bool writing_ = false;
    bool running_ = false;
    std::string lastOpenError_;
    unsigned openFailures_ = 0;
};

}  // namespace station::drivers
