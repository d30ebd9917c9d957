#include "drivers/stdin_scanner.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "tests/drivers/pty_pair.hpp"
#include "tests/drivers/scan_recorder.hpp"
#include "tests/drivers/temp_dir.hpp"

namespace station::drivers {
namespace {

using namespace std::chrono_literals;
using test_support::runUntil;
using test_support::ScanRecorder;

config::ScannerConfig stdinConfig() {
    config::ScannerConfig config;
    config.name = "console";
    config.kind = config::ScannerKind::Stdin;
    return config;
}

bool hasEndOfInput(const ScanRecorder& recorder) {
    return recorder.count(DeviceEvent::Kind::Disconnected) >= 1;
}

TEST(StdinScannerTest, PipeFeedEndsAndReports) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    boost::asio::io_context io;
    ScanRecorder recorder;
    auto source = std::make_shared<StdinScanner>(io, stdinConfig(), recorder.sink(), fds[0]);
    source->start();

    const std::string feed =
        "SO-1\n0109506000134352\x1D"
        "10LOT\r\nTAIL";
    ASSERT_EQ(::write(fds[1], feed.data(), feed.size()), static_cast<ssize_t>(feed.size()));
    ::close(fds[1]);

    ASSERT_TRUE(runUntil(io, [&] { return hasEndOfInput(recorder); }));
    EXPECT_EQ(recorder.data(), (std::vector<std::string>{"SO-1",
                                                         "0109506000134352\x1D"
                                                         "10LOT"}));
    // The unterminated tail is reported, not delivered.
    EXPECT_EQ(recorder.count(DeviceEvent::Kind::ScanRejected), 1u);
    EXPECT_EQ(recorder.scans[0].device, "console");
    ::close(fds[0]);
}

TEST(StdinScannerTest, CallerDescriptorStaysOpen) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    boost::asio::io_context io;
    ScanRecorder recorder;
    {
        auto source = std::make_shared<StdinScanner>(io, stdinConfig(), recorder.sink(), fds[0]);
        source->start();
        source->stop();
    }
    io.run();
    EXPECT_NE(::fcntl(fds[0], F_GETFD), -1);
    // The descriptor is blocking again after stop.
    EXPECT_EQ(::fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(StdinScannerTest, RegularFileFeed) {
    test_support::TempDir dir;
    const auto path = dir.path() / "feed.txt";
    {
        std::ofstream out(path, std::ios::binary);
        for (int i = 0; i < 1000; ++i) {
            out << "SCAN" << i << "\n";
        }
    }
    const int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);

    boost::asio::io_context io;
    ScanRecorder recorder;
    auto source = std::make_shared<StdinScanner>(io, stdinConfig(), recorder.sink(), fd);
    source->start();
    ASSERT_TRUE(runUntil(io, [&] { return hasEndOfInput(recorder); }));

    ASSERT_EQ(recorder.scans.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(recorder.scans[i].data, "SCAN" + std::to_string(i));
    }
    EXPECT_EQ(recorder.count(DeviceEvent::Kind::ScanRejected), 0u);
    ::close(fd);
}

TEST(StdinScannerTest, TerminalLines) {
    // The pty slave is a real terminal in canonical mode, as a console is.
    test_support::PtyPair pty;
    const int slave = ::open(pty.slavePath().c_str(), O_RDWR | O_NOCTTY);
    ASSERT_GE(slave, 0);
    ASSERT_EQ(::isatty(slave), 1);

    boost::asio::io_context io;
    ScanRecorder recorder;
    auto source = std::make_shared<StdinScanner>(io, stdinConfig(), recorder.sink(), slave);
    source->start();
    ASSERT_EQ(recorder.events.at(0).detail, "Reading scans from a terminal");

    // A wedge typing into the console ends with Enter (CR), which the terminal turns into LF.
    pty.write("SO-77\r");
    pty.write(
        "X\x1D"
        "Y\r");
    ASSERT_TRUE(runUntil(io, [&] { return recorder.scans.size() >= 2; }));
    EXPECT_EQ(recorder.data(), (std::vector<std::string>{"SO-77",
                                                         "X\x1D"
                                                         "Y"}));

    // Hang-up ends the source like end of input.
    pty.close();
    ASSERT_TRUE(runUntil(io, [&] { return hasEndOfInput(recorder); }));
    source->stop();
    ::close(slave);
}

}  // namespace
}  // namespace station::drivers
