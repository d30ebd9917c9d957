#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>
#include <string>

#include "config/station_config.hpp"
#include "drivers/scan_framer.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

// Scans typed or piped into standard input: a terminal (a person, or a wedge scanner typing into
// the console), a pipe or a file with one scan per line. A scan ends at CR, LF or the configured
// suffix; text streams never carry CR or LF inside a scan. End of input reports Disconnected
// ("end of input") and stops the source; the rest of the daemon keeps running. Bytes after the
// last line end are reported as an incomplete scan, never delivered.
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class StdinScanner : public ScanSource, public std::enable_shared_from_this<StdinScanner> {
public:
    // fd is read through a duplicate, so the caller's descriptor stays open. Tests pass a pipe, a
    // pty or a file here.
    StdinScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink,
                 int fd = 0);
    ~StdinScanner() override;

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;

private:
    void readNext();
    void readFileChunk();
    void consume(const boost::system::error_code& error, std::size_t length);
    void endOfInput(const std::string& reason);
    void restoreFlags();

    boost::asio::io_context& io_;
    int fd_;
    SourceReporter reporter_;
    ScanFramer framer_;
    boost::asio::posix::stream_descriptor stream_;
    // A regular file cannot be watched by epoll, so it is read in chunks posted to the
    // io_context instead.
    int fileFd_ = -1;
    int originalFlags_ = -1;
    std::array<char, 4096> readBuffer_{};
    bool running_ = false;
};

}  // namespace station::drivers
