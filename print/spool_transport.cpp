#include "print/spool_transport.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "print/blocking_worker.hpp"

namespace station::print {

namespace {

std::string systemError(int error) {
    return std::strerror(error);
}

// Writes all of data to fd, retrying short writes and EINTR. Returns 0 or the errno.
int writeAll(int fd, std::string_view data) {
    std::size_t written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        written += static_cast<std::size_t>(n);
    }
    return 0;
}

int syncFolder(const std::filesystem::path& folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    const int result = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return result;
}

SendResult writeSpoolFile(const std::filesystem::path& folder, const std::string& name,
                          const std::string& zpl, const std::string& description) {
    const auto finalPath = folder / name;
    const auto tempPath = folder / ("." + name + ".tmp");
    const auto failed = [&](std::string_view step, int error) {
        ::unlink(tempPath.c_str());
        return SendResult{SendResult::Outcome::FailedBeforeSend, 0,
                          fmt::format("{}: failed to {} {}: {}; check that the spool folder "
                                      "exists and is writable",
                                      description, step, tempPath.string(), systemError(error))};
    };

    const int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) {
        return failed("create", errno);
    }
    int error = writeAll(fd, zpl);
    if (error == 0 && ::fsync(fd) != 0) {
        error = errno;
    }
    ::close(fd);
    if (error != 0) {
        return failed("write", error);
    }
    if (::rename(tempPath.c_str(), finalPath.c_str()) != 0) {
        return failed("rename", errno);
    }

    // After the rename the file is visible to the print server, so a failed folder sync can no
    // longer be called "not sent".
    if (const int syncError = syncFolder(folder); syncError != 0) {
        return SendResult{SendResult::Outcome::Uncertain, zpl.size(),
                          fmt::format("{}: wrote {} but failed to sync the folder: {}", description,
                                      finalPath.string(), systemError(syncError))};
    }
    return SendResult{SendResult::Outcome::Delivered, zpl.size(), {}};
}

}  // namespace

SpoolTransport::SpoolTransport(boost::asio::io_context& io, const config::PrinterConfig& config)
    : io_(io),
      folder_(config.spoolDir),
      description_(fmt::format("printer {} (spool {})", config.name, config.spoolDir.string())),
      worker_(std::make_unique<BlockingWorker>(io)) {
    if (folder_.empty()) {
        throw std::invalid_argument(
            fmt::format("printer {}: the spool transport needs a spool folder", config.name));
    }
}

SpoolTransport::~SpoolTransport() = default;

void SpoolTransport::send(std::string zpl, std::function<void(SendResult)> done) {
    if (busy_->exchange(true)) {
        boost::asio::post(io_, [description = description_, done = std::move(done)] {
            done({SendResult::Outcome::FailedBeforeSend, 0,
                  description + ": another label is still being written"});
        });
        return;
    }

    // Names sort in the order labels were sent: UTC time, process id, then a sequence number.
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    const std::string name =
        fmt::format("label-{:017d}-{}-{:06d}.zpl", micros, ::getpid(), sequence_++);

    worker_->run<SendResult>(
        [folder = folder_, name, zpl = std::move(zpl), description = description_] {
            return writeSpoolFile(folder, name, zpl, description);
        },
        [busy = busy_, done = std::move(done)](SendResult result) {
            *busy = false;
            done(std::move(result));
        });
}

void SpoolTransport::queryStatus(StatusRequest, std::function<void(PrinterStatus)> done) {
    worker_->run<PrinterStatus>(
        [folder = folder_, description = description_] {
            if (::access(folder.c_str(), W_OK | X_OK) != 0) {
                return PrinterStatus::notReady(PrinterStatus::Problem::Unreachable,
                                               fmt::format("{}: spool folder is not writable: {}",
                                                           description, systemError(errno)));
            }
            return PrinterStatus{};
        },
        std::move(done));
}

}  // namespace station::print
