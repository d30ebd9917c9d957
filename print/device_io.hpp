#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace station::print {

// Blocking file-descriptor I/O with deadlines, for transports that run on a worker thread.

// Writes all of data, waiting with poll() for at most timeout in total. Returns the bytes
// written and sets error to the errno (ETIMEDOUT on timeout) when not all could be written.
std::size_t writeWithTimeout(int fd, std::string_view data, std::chrono::milliseconds timeout,
                             int& error);

// Reads into answer until complete(answer) is true, the peer closes or timeout passes. Returns
// true when complete.
template <typename Complete>
bool readUntil(int fd, std::string& answer, std::chrono::milliseconds timeout, Complete complete);

bool waitReadable(int fd, std::chrono::steady_clock::time_point deadline);
long readSome(int fd, char* buffer, std::size_t size);

template <typename Complete>
bool readUntil(int fd, std::string& answer, std::chrono::milliseconds timeout, Complete complete) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[512];
    while (!complete(answer)) {
        if (!waitReadable(fd, deadline)) {
            return false;
        }
        const long n = readSome(fd, buffer, sizeof buffer);
        if (n <= 0) {
            return complete(answer);
        }
        answer.append(buffer, static_cast<std::size_t>(n));
        if (answer.size() > 8192) {
            return false;
        }
    }
    return true;
}

}  // namespace station::print
