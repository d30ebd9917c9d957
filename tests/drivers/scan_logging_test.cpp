#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <sstream>
#include <string>

#include "drivers/scanner_factory.hpp"
#include "tests/drivers/pty_pair.hpp"
#include "tests/drivers/scan_recorder.hpp"
#include "tests/drivers/temp_dir.hpp"

namespace station::drivers {
namespace {

using test_support::runUntil;

// A hostile scan: terminal escape sequences (clear screen, set the window title, move the
// cursor), a bell, a backspace and GS. None of it may reach the log as raw bytes.
const std::string kHostile =
    "01\x1B[2J\x1B]0;owned\x07\x1B[1;1H\x08X\x1D"
    "10\x7F\xC3\xA9";

class ScanLoggingTest : public ::testing::Test {
protected:
    void SetUp() override {
        spdlog::drop("scanner");
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
        auto logger = std::make_shared<spdlog::logger>("scanner", sink);
        logger->set_level(spdlog::level::debug);
        spdlog::register_logger(logger);
    }
    void TearDown() override { spdlog::drop("scanner"); }

    std::ostringstream log_;
};

void expectNoControlBytes(const std::string& text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            continue;
        }
        ASSERT_GE(byte, 0x20) << "raw control byte in: " << text;
        ASSERT_LT(byte, 0x7F) << "raw byte from 0x7F up in: " << text;
    }
}

TEST_F(ScanLoggingTest, ControlBytesEscapedInScanLines) {
    test_support::TempDir dir;
    test_support::PtyPair pty;
    pty.linkAs(dir.path() / "tty");
    boost::asio::io_context io;
    test_support::ScanRecorder recorder;
    config::ScannerConfig config;
    config.name = "front";
    config.kind = config::ScannerKind::Serial;
    config.device = dir.path() / "tty";
    config.maxLength = 40;
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();
    ASSERT_TRUE(runUntil(io, [&] { return recorder.count(DeviceEvent::Kind::Connected) >= 1; }));

    // One delivered scan, one rejected as overlong, one cut off by the unplug: all three log
    // paths see the hostile bytes.
    pty.write(kHostile + "\r" + kHostile + kHostile + "\r" + kHostile);
    ASSERT_TRUE(runUntil(io, [&] { return recorder.scans.size() >= 1; }));
    ASSERT_TRUE(runUntil(io, [&] { return recorder.count(DeviceEvent::Kind::ScanRejected) >= 1; }));
    pty.close();
    ASSERT_TRUE(runUntil(io, [&] { return recorder.count(DeviceEvent::Kind::ScanRejected) >= 2; }));

    // The scan itself is delivered unchanged; only its log line is escaped.
    EXPECT_EQ(recorder.scans[0].data, kHostile);
    const std::string text = log_.str();
    expectNoControlBytes(text);
    EXPECT_NE(text.find("01<ESC>[2J<ESC>]0;owned\\x07<ESC>[1;1H\\x08X<GS>10\\x7F\\xC3\\xA9"),
              std::string::npos)
        << text;
    for (const DeviceEvent& event : recorder.events) {
        expectNoControlBytes(event.detail);
    }
}

}  // namespace
}  // namespace station::drivers
