// Transports that talk to a device file or a child process: /dev/usb/lpN (emulated by a
// pseudo-terminal, which behaves as a bidirectional character device) and a CUPS raw queue
// (emulated by `lp` and `lpstat` scripts placed first on PATH).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "print/cups_transport.hpp"
#include "print/usb_lp_transport.hpp"
#include "tests/print/emulator_process.hpp"
#include "tests/print/transport_test_support.hpp"

namespace station::print {
namespace {

const std::string kHostStatusPaperOut =
    "\x02"
    "030,1,0,1218,000,0,0,0,000,0,0,0\x03\r\n"
    "\x02"
    "001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n"
    "\x02"
    "1234,0\x03\r\n";

// A pseudo-terminal in raw mode: the transport opens the device path, the test keeps the
// other side.
class FakeLpDevice {
public:
    FakeLpDevice() {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        ::grantpt(master_);
        ::unlockpt(master_);
        path_ = ::ptsname(master_);
        // Keeping one slave descriptor open keeps the terminal alive between transport calls.
        slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        termios settings{};
        ::tcgetattr(slave_, &settings);
        ::cfmakeraw(&settings);
        ::tcsetattr(slave_, TCSANOW, &settings);
    }
    ~FakeLpDevice() {
        ::close(slave_);
        ::close(master_);
    }

    const std::string& path() const { return path_; }

    // Reads what the transport wrote until expectedSize bytes arrived or 5 s passed.
    std::string read(std::size_t expectedSize) {
        std::string data;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (data.size() < expectedSize && std::chrono::steady_clock::now() < deadline) {
            pollfd entry{master_, POLLIN, 0};
            if (::poll(&entry, 1, 50) <= 0) {
                continue;
            }
            char buffer[4096];
            const ssize_t n = ::read(master_, buffer, sizeof buffer);
            if (n > 0) {
                data.append(buffer, static_cast<std::size_t>(n));
            }
        }
        return data;
    }

    void write(const std::string& data) {
        ASSERT_EQ(::write(master_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    }

private:
    int master_ = -1;
    int slave_ = -1;
    std::string path_;
};

config::PrinterConfig lpConfig(const std::string& device) {
    config::PrinterConfig config;
    config.name = "usb";
    config.kind = config::PrinterKind::UsbLp;
    config.device = device;
    config.statusTimeout = std::chrono::milliseconds(400);
    return config;
}

TEST(UsbLpTransportTest, LabelReachesDevice) {
    FakeLpDevice device;
    boost::asio::io_context io;
    UsbLpTransport transport(io, lpConfig(device.path()));
    const std::string zpl = "^XA^FO10,10^A0N,20,20^FD" + std::string(2000, 'z') + "^FS^XZ";

    const auto result = test::sendAndWait(io, transport, zpl);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered()) << result->error;
    EXPECT_EQ(device.read(zpl.size()), zpl);
}

TEST(UsbLpTransportTest, StatusIsReadBack) {
    FakeLpDevice device;
    boost::asio::io_context io;
    UsbLpTransport transport(io, lpConfig(device.path()));

    std::thread printer([&] {
        if (device.read(3) == "~HS") {
            device.write(kHostStatusPaperOut);
        }
    });
    const auto status = test::statusAndWait(io, transport);
    printer.join();
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->has(PrinterStatus::Problem::PaperOut)) << status->summary();
}

TEST(UsbLpTransportTest, SilentDeviceIsNotReady) {
    FakeLpDevice device;
    boost::asio::io_context io;
    UsbLpTransport transport(io, lpConfig(device.path()));

    const auto status = test::statusAndWait(io, transport);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->has(PrinterStatus::Problem::NoAnswer)) << status->summary();
}

TEST(UsbLpTransportTest, MissingDeviceFailsBeforeSend) {
    boost::asio::io_context io;
    UsbLpTransport transport(io, lpConfig("/dev/usb/lp-missing"));

    const auto result = test::sendAndWait(io, transport, "^XA^XZ");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::FailedBeforeSend);
    EXPECT_NE(result->error.find("/dev/usb/lp-missing"), std::string::npos) << result->error;
}

// Writes executable `lp` and `lpstat` scripts into a folder put first on PATH. The fake lp
// stores standard input and its arguments; the fake lpstat prints the line in LPSTAT_LINE.
class FakeCups {
public:
    FakeCups() : folder_(test::makeTempFolder("fake-cups")) {
        writeScript("lp",
                    "#!/bin/sh\n"
                    "if [ -n \"$FAKE_LP_FAIL\" ]; then echo 'lp: Bad queue' >&2; exit 1; fi\n"
                    "echo \"$@\" > \"$FAKE_CUPS_DIR/args\"\n"
                    "cat > \"$FAKE_CUPS_DIR/job.zpl\"\n"
                    "echo 'request id is zebra-1 (1 file(s))'\n");
        writeScript("lpstat", "#!/bin/sh\necho \"$LPSTAT_LINE\"\n");
        oldPath_ = std::getenv("PATH");
        ::setenv("PATH", (folder_.string() + ":" + oldPath_).c_str(), 1);
        ::setenv("FAKE_CUPS_DIR", folder_.c_str(), 1);
    }
    ~FakeCups() {
        ::setenv("PATH", oldPath_.c_str(), 1);
        ::unsetenv("FAKE_LP_FAIL");
        std::filesystem::remove_all(folder_);
    }

    std::string file(const std::string& name) const {
        std::ifstream in(folder_ / name, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    void writeScript(const std::string& name, const std::string& body) {
        const auto path = folder_ / name;
        std::ofstream(path) << body;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    }

    std::filesystem::path folder_;
    std::string oldPath_;
};

config::PrinterConfig cupsConfig() {
    config::PrinterConfig config;
    config.name = "cups";
    config.kind = config::PrinterKind::Cups;
    config.cupsQueue = "zebra_gk420";
    return config;
}

TEST(CupsTransportTest, LabelIsPipedToLpRaw) {
    FakeCups cups;
    boost::asio::io_context io;
    CupsTransport transport(io, cupsConfig());
    const std::string zpl = "^XA^FDcups^FS^XZ";

    const auto result = test::sendAndWait(io, transport, zpl);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered()) << result->error;
    EXPECT_EQ(cups.file("job.zpl"), zpl);
    EXPECT_EQ(cups.file("args"), "-d zebra_gk420 -o raw\n");
}

TEST(CupsTransportTest, LpErrorFailsBeforeSend) {
    FakeCups cups;
    ::setenv("FAKE_LP_FAIL", "1", 1);
    boost::asio::io_context io;
    CupsTransport transport(io, cupsConfig());

    const auto result = test::sendAndWait(io, transport, "^XA^XZ");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::FailedBeforeSend);
    EXPECT_NE(result->error.find("Bad queue"), std::string::npos) << result->error;
}

TEST(CupsTransportTest, DisabledQueueIsNotReady) {
    FakeCups cups;
    boost::asio::io_context io;
    CupsTransport transport(io, cupsConfig());

    ::setenv("LPSTAT_LINE", "printer zebra_gk420 disabled since Fri - paused", 1);
    const auto disabled = test::statusAndWait(io, transport);
    ::setenv("LPSTAT_LINE", "printer zebra_gk420 is idle.  enabled since Fri", 1);
    const auto idle = test::statusAndWait(io, transport);
    ASSERT_TRUE(disabled);
    ASSERT_TRUE(idle);
    EXPECT_TRUE(disabled->has(PrinterStatus::Problem::Paused));
    EXPECT_TRUE(idle->ready()) << idle->summary();
}

TEST(CupsTransportTest, QueueNameWithShellCharactersIsRejected) {
    boost::asio::io_context io;
    auto config = cupsConfig();
    config.cupsQueue = "zebra; rm -rf /";
    EXPECT_THROW(CupsTransport(io, config), std::invalid_argument);
}

}  // namespace
}  // namespace station::print
