#include "print/device_io.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace station::print {

namespace {

int remainingMs(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

bool waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    while (true) {
        pollfd entry{fd, events, 0};
        const int ready = ::poll(&entry, 1, remainingMs(deadline));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        return ready > 0;
    }
}

}  // namespace

bool waitReadable(int fd, std::chrono::steady_clock::time_point deadline) {
    return waitFor(fd, POLLIN, deadline);
}

long readSome(int fd, char* buffer, std::size_t size) {
    while (true) {
        const ssize_t n = ::read(fd, buffer, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n;
    }
}

std::size_t writeWithTimeout(int fd, std::string_view data, std::chrono::milliseconds timeout,
                             int& error) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t written = 0;
    error = 0;
    while (written < data.size()) {
        if (!waitFor(fd, POLLOUT, deadline)) {
            error = ETIMEDOUT;
            return written;
        }
        const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            error = errno;
            return written;
        }
        written += static_cast<std::size_t>(n);
    }
    return written;
}

}  // namespace station::print
