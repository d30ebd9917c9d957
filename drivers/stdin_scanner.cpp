#include "drivers/stdin_scanner.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

namespace station::drivers {

namespace {

namespace asio = boost::asio;

FramerOptions framerOptions(const config::ScannerConfig& config) {
    FramerOptions options;
    options.suffix = config.suffix;
    options.maxLength = config.maxLength;
    options.prefix = config.prefix;
    options.anyLineEnd = true;
    return options;
}

std::string describeFd(int fd) {
    if (fd == 0) {
        return "standard input";
    }
    return "fd " + std::to_string(fd);
}

}  // namespace

StdinScanner::StdinScanner(asio::io_context& io, config::ScannerConfig config, ScanSink sink,
                           int fd)
    : io_(io),
      fd_(fd),
      reporter_(config.name, config.name + " (" + describeFd(fd) + ")", std::move(sink)),
      framer_(framerOptions(config)),
      stream_(io) {}

StdinScanner::~StdinScanner() {
    stop();
}

void StdinScanner::start() {
    if (running_) {
        return;
    }

    const int copy = ::dup(fd_);
    if (copy < 0) {
        reporter_.event(DeviceEvent::Kind::Error,
                        fmt::format("Failed to read {}: {}; scans from it are ignored",
                                    describeFd(fd_), std::strerror(errno)));
        return;
    }
    running_ = true;

    struct stat info {};
    if (::fstat(copy, &info) == 0 && S_ISREG(info.st_mode)) {
        fileFd_ = copy;
        reporter_.event(DeviceEvent::Kind::Connected, "Reading scans from a file");
        asio::post(io_, [self = shared_from_this()] { self->readFileChunk(); });
        return;
    }

    // Asio switches the descriptor to non-blocking mode. The flag belongs to the open file
    // description that the shell shares, so it is put back on stop.
    originalFlags_ = ::fcntl(copy, F_GETFL);
    boost::system::error_code error;
    stream_.assign(copy, error);
    if (error) {
        ::close(copy);
        running_ = false;
        reporter_.event(DeviceEvent::Kind::Error,
                        fmt::format("Failed to watch {}: {}; scans from it are ignored",
                                    describeFd(fd_), error.message()));
        return;
    }
    reporter_.event(DeviceEvent::Kind::Connected,
                    ::isatty(copy) ? "Reading scans from a terminal" : "Reading scans from a pipe");
    readNext();
}

void StdinScanner::stop() {
    running_ = false;
    if (stream_.is_open()) {
        restoreFlags();
        boost::system::error_code ignored;
        stream_.close(ignored);
    }
    if (fileFd_ >= 0) {
        ::close(fileFd_);
        fileFd_ = -1;
    }
}

void StdinScanner::restoreFlags() {
    if (originalFlags_ >= 0) {
        ::fcntl(stream_.native_handle(), F_SETFL, originalFlags_);
        originalFlags_ = -1;
    }
}

void StdinScanner::readNext() {
    stream_.async_read_some(
        asio::buffer(readBuffer_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t length) {
            self->consume(error, length);
        });
}

void StdinScanner::readFileChunk() {
    if (!running_ || fileFd_ < 0) {
        return;
    }
    const ssize_t length = ::read(fileFd_, readBuffer_.data(), readBuffer_.size());
    boost::system::error_code error;
    if (length < 0) {
        error.assign(errno, boost::system::system_category());
    } else if (length == 0) {
        error = asio::error::eof;
    }
    consume(error, length > 0 ? static_cast<std::size_t>(length) : 0);
}

void StdinScanner::consume(const boost::system::error_code& error, std::size_t length) {
    if (!running_) {
        return;
    }
    if (length > 0) {
        reporter_.frames(framer_.feed(std::string_view(readBuffer_.data(), length)));
    }

    if (error == asio::error::eof) {
        endOfInput("End of input; no more scans from this source");
        return;
    }
    if (error) {
        // A terminal that hangs up returns EIO; anything else is equally final for a descriptor
        // the station cannot reopen.
        endOfInput(fmt::format("Stopped reading: {}", error.message()));
        return;
    }

    if (fileFd_ >= 0) {
        // One chunk per turn, so a long file never holds up the other devices.
        asio::post(io_, [self = shared_from_this()] { self->readFileChunk(); });
    } else {
        readNext();
    }
}

void StdinScanner::endOfInput(const std::string& reason) {
    reporter_.partialDiscarded(framer_.discardPartial(),
                               "the input ended before the scan's line end");
    stop();
    reporter_.event(DeviceEvent::Kind::Disconnected, reason);
}

}  // namespace station::drivers
