#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace station::drivers::test_support {

// A pseudo-terminal whose slave side stands in for a serial scanner's /dev/ttyACM0: the test
// writes the scanner's bytes to the master, the scanner under test opens the slave by path.
// The slave is reached through a symlink, as /dev/serial/by-id/... is, so a "replug" is a new
// pty behind the same link.
class PtyPair {
public:
    PtyPair() {
        int slave = -1;
        char name[256] = {};
        if (::openpty(&master_, &slave, name, nullptr, nullptr) != 0) {
            throw std::runtime_error("openpty failed");
        }
        slavePath_ = name;
        // The scanner opens its own descriptor; the pts node stays while the master is open.
        ::close(slave);
    }
    ~PtyPair() { close(); }
    PtyPair(const PtyPair&) = delete;
    PtyPair& operator=(const PtyPair&) = delete;

    const std::string& slavePath() const { return slavePath_; }
    int master() const { return master_; }

    // Points link at this pty's slave, replacing what it pointed at.
    void linkAs(const std::filesystem::path& link) const {
        const std::filesystem::path temporary = link.string() + ".new";
        std::filesystem::remove(temporary);
        std::filesystem::create_symlink(slavePath_, temporary);
        std::filesystem::rename(temporary, link);
    }

    void write(const std::string& bytes) const {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
            if (n < 0) {
                throw std::runtime_error("write to pty master failed");
            }
            done += static_cast<std::size_t>(n);
        }
    }

    // Reads what the scanner sent to the device, waiting up to timeout for the first byte.
    std::string read(std::chrono::milliseconds timeout) const {
        pollfd pfd{master_, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) {
            return {};
        }
        char buffer[256];
        const ssize_t n = ::read(master_, buffer, sizeof buffer);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }

    // The slave's line settings as the scanner under test set them.
    termios slaveSettings() const {
        termios settings{};
        ::tcgetattr(master_, &settings);
        return settings;
    }

    // Closes the master: the scanner's next read fails as on an unplug.
    void close() {
        if (master_ >= 0) {
            ::close(master_);
            master_ = -1;
        }
    }

private:
    int master_ = -1;
    std::string slavePath_;
};

}  // namespace station::drivers::test_support
