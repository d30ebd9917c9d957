#include "drivers/serial_scanner.hpp"

#include <gtest/gtest.h>
#include <termios.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "drivers/scanner_factory.hpp"
#include "tests/drivers/pty_pair.hpp"
#include "tests/drivers/scan_recorder.hpp"
#include "tests/drivers/temp_dir.hpp"

namespace station::drivers {
namespace {

using namespace std::chrono_literals;
using test_support::PtyPair;
using test_support::runUntil;
using test_support::ScanRecorder;
using test_support::TempDir;

config::ScannerConfig serialConfig(const std::string& name, const std::string& device) {
    config::ScannerConfig config;
    config.name = name;
    config.kind = config::ScannerKind::Serial;
    config.device = device;
    config.suffix = config::Suffix::Cr;
    return config;
}

class SerialScannerTest : public ::testing::Test {
protected:
    // Starts a scanner on a pty behind a by-id style symlink and waits until it is connected.
    void startScanner(config::ScannerConfig config) {
        source_ = makeScanSource(io_, config, recorder_.sink());
        source_->start();
        ASSERT_TRUE(
            runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Connected) >= 1; }));
    }

    std::filesystem::path link() const { return dir_.path() / "usb-Scanner_0001-if00"; }

    boost::asio::io_context io_;
    TempDir dir_;
    ScanRecorder recorder_;
    std::unique_ptr<ScanSource> source_;
};

TEST_F(SerialScannerTest, DeliversScansWithIdentity) {
    PtyPair pty;
    pty.linkAs(link());
    startScanner(serialConfig("front", link()));

    pty.write(
        "]d2010950600013435210AB\x1D"
        "17260101\rSO-1234\r");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));

    const Scan& first = recorder_.scans[0];
    EXPECT_EQ(first.data,
              "]d2010950600013435210AB\x1D"
              "17260101");
    EXPECT_EQ(first.device, "front");
    EXPECT_EQ(first.id.size(), 32u);
    EXPECT_LE(std::chrono::system_clock::now() - first.readAt, 5s);
    EXPECT_EQ(recorder_.scans[1].data, "SO-1234");
    EXPECT_NE(recorder_.scans[1].id, first.id);
}

TEST_F(SerialScannerTest, AppliesLineSettings) {
    PtyPair pty;
    pty.linkAs(link());
    config::ScannerConfig config = serialConfig("front", link());
    config.baud = 19200;
    config.stopBits = 2;
    config.flowControl = config::FlowControl::Hardware;
    startScanner(config);

    const termios settings = pty.slaveSettings();
    EXPECT_EQ(cfgetispeed(&settings), static_cast<speed_t>(B19200));
    EXPECT_EQ(settings.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
    EXPECT_NE(settings.c_cflag & CSTOPB, 0u);
    EXPECT_EQ(settings.c_cflag & PARENB, 0u);
    EXPECT_NE(settings.c_cflag & CRTSCTS, 0u);
    // Raw mode: the line discipline must not turn CR into LF or eat control characters.
    EXPECT_EQ(settings.c_iflag & ICRNL, 0u);
    EXPECT_EQ(settings.c_lflag & ICANON, 0u);
}

TEST_F(SerialScannerTest, UnsupportedSettingReported) {
    // Linux 6.18 rejects 7 data bits and parity on a pty with EINVAL, as a serial adapter that
    // cannot do 7E1 would. The error names the setting, and the scanner keeps retrying.
    PtyPair pty;
    pty.linkAs(link());
    config::ScannerConfig config = serialConfig("front", link());
    config.dataBits = 7;
    config.parity = config::Parity::Even;
    source_ = makeScanSource(io_, config, recorder_.sink());
    source_->start();
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Error) >= 1; }));
    EXPECT_NE(recorder_.events[0].detail.find("7 data bits"), std::string::npos)
        << recorder_.events[0].detail;
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::Connected), 0u);
}

TEST_F(SerialScannerTest, PrefixAndCrLfFraming) {
    PtyPair pty;
    pty.linkAs(link());
    config::ScannerConfig config = serialConfig("front", link());
    config.suffix = config::Suffix::CrLf;
    config.prefix = "\x02";
    startScanner(config);

    pty.write(
        "\x02"
        "A\rB\r\n\x02"
        "C\x04\r\n");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));
    EXPECT_EQ(recorder_.scans[0].data, "A\rB");
    EXPECT_EQ(recorder_.scans[1].data, "C\x04");
}

TEST_F(SerialScannerTest, SendsFeedbackCommands) {
    PtyPair pty;
    pty.linkAs(link());
    config::ScannerConfig config = serialConfig("front", link());
    config.goodReadCommand =
        "\x1B"
        "G1";
    config.badReadCommand =
        "\x1B"
        "B2";
    startScanner(config);

    source_->sendFeedback(Feedback::GoodRead);
    runUntil(
        io_, [] { return false; }, 100ms);
    EXPECT_EQ(pty.read(1s),
              "\x1B"
              "G1");

    source_->sendFeedback(Feedback::BadRead);
    runUntil(
        io_, [] { return false; }, 100ms);
    EXPECT_EQ(pty.read(1s),
              "\x1B"
              "B2");
}

TEST_F(SerialScannerTest, OverlongScanRejectedNextKept) {
    PtyPair pty;
    pty.linkAs(link());
    config::ScannerConfig config = serialConfig("front", link());
    config.maxLength = 16;
    startScanner(config);

    pty.write(std::string(40, '9') + "\rOK\r");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 1; }));
    EXPECT_EQ(recorder_.scans[0].data, "OK");
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::ScanRejected), 1u);
}

TEST_F(SerialScannerTest, ReopensAfterReplug) {
    auto pty = std::make_unique<PtyPair>();
    pty->linkAs(link());
    startScanner(serialConfig("front", link()));

    pty->write("BEFORE\r");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 1; }));

    // Unplug in the middle of a scan: the partial scan is reported, never delivered.
    pty->write("CUT-OF");
    runUntil(
        io_, [] { return false; }, 200ms);
    pty.reset();
    ASSERT_TRUE(
        runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Disconnected) >= 1; }));
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::ScanRejected), 1u);

    // Plug back in: a new pty behind the same stable path.
    const auto unpluggedAt = std::chrono::steady_clock::now();
    pty = std::make_unique<PtyPair>();
    pty->linkAs(link());
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Connected) >= 2; }));
    EXPECT_LT(std::chrono::steady_clock::now() - unpluggedAt, 2s);

    pty->write("AFTER\r");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));
    EXPECT_EQ(recorder_.data(), (std::vector<std::string>{"BEFORE", "AFTER"}));
}

TEST_F(SerialScannerTest, MissingDeviceRetriedAndReported) {
    source_ = makeScanSource(io_, serialConfig("front", link()), recorder_.sink());
    source_->start();
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Error) >= 1; }));
    EXPECT_NE(recorder_.events[0].detail.find("Failed to open"), std::string::npos);

    // Several retries fail for the same reason and are reported once.
    runUntil(
        io_, [] { return false; }, 400ms);
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::Error), 1u);

    PtyPair pty;
    pty.linkAs(link());
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Connected) >= 1; }));
    pty.write("LATE\r");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 1; }));
    EXPECT_EQ(recorder_.scans[0].data, "LATE");
}

TEST_F(SerialScannerTest, BurstOfThousandScansInOrder) {
    PtyPair pty;
    pty.linkAs(link());
    startScanner(serialConfig("front", link()));

    std::string burst;
    for (int i = 0; i < 1000; ++i) {
        burst += "010950600013435221S" + std::to_string(i) +
                 "\x1D"
                 "10L\r";
    }
    // A pty buffers a few KiB, so the writer runs beside the event loop.
    std::thread writer([&] { pty.write(burst); });
    const bool complete = runUntil(
        io_, [&] { return recorder_.scans.size() >= 1000; }, 10s);
    writer.join();
    ASSERT_TRUE(complete);

    ASSERT_EQ(recorder_.scans.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(recorder_.scans[i].data, "010950600013435221S" + std::to_string(i) +
                                               "\x1D"
                                               "10L");
    }
}

TEST_F(SerialScannerTest, TwoScannersKeepTheirScans) {
    PtyPair left;
    PtyPair right;
    left.linkAs(dir_.path() / "left");
    right.linkAs(dir_.path() / "right");
    auto a = makeScanSource(io_, serialConfig("left", dir_.path() / "left"), recorder_.sink());
    auto b = makeScanSource(io_, serialConfig("right", dir_.path() / "right"), recorder_.sink());
    a->start();
    b->start();
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Connected) >= 2; }));

    // Interleaved halves: each device's framing is its own.
    left.write("L1-");
    right.write("R1-");
    runUntil(
        io_, [] { return false; }, 50ms);
    left.write("END\r");
    right.write("END\r");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));

    for (const Scan& scan : recorder_.scans) {
        EXPECT_EQ(scan.data, scan.device == "left" ? "L1-END" : "R1-END");
    }
}

TEST(SerialScannerConfigTest, InvalidSettingsThrow) {
    boost::asio::io_context io;
    config::ScannerConfig config = serialConfig("front", "/dev/ttyACM0");
    config.dataBits = 9;
    EXPECT_THROW(makeScanSource(io, config, {}), std::invalid_argument);

    config = serialConfig("front", "/dev/ttyACM0");
    config.stopBits = 3;
    EXPECT_THROW(makeScanSource(io, config, {}), std::invalid_argument);

    config = serialConfig("front", "");
    EXPECT_THROW(makeScanSource(io, config, {}), std::invalid_argument);
}

}  // namespace
}  // namespace station::drivers
