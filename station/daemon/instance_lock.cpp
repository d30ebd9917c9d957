#include "station/daemon/instance_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace station::daemon {

InstanceLock::InstanceLock(const std::filesystem::path& storePath) {
    const std::filesystem::path lockPath = storePath.string() + ".lock";
    std::error_code ignored;
    std::filesystem::create_directories(lockPath.parent_path(), ignored);
    fd_ = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) {
        throw std::runtime_error(
            fmt::format("Failed to open {}: {}; check that the state "
                        "directory is writable",
                        lockPath.string(), std::strerror(errno)));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        char pid[32] = {};
        const ssize_t size = ::pread(fd_, pid, sizeof pid - 1, 0);
        ::close(fd_);
        fd_ = -1;
        if (error == EWOULDBLOCK) {
            throw std::runtime_error(fmt::format(
                "Another stationd (pid {}) uses the store {}; stop it before starting this one, "
                "or give this one its own state_dir",
                size > 0 ? std::string(pid, static_cast<std::size_t>(size)) : "unknown",
                storePath.string()));
        }
        throw std::runtime_error(
            fmt::format("Failed to lock {}: {}", lockPath.string(), std::strerror(error)));
    }
    // The pid is only for the message a second daemon prints, so a failed write is ignored.
    const std::string text = std::to_string(::getpid());
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd_, text.data(), text.size(), 0);
    }
}

InstanceLock::~InstanceLock() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

}  // namespace station::daemon
