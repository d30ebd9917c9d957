#include "drivers/evdev_scanner.hpp"

#include <gtest/gtest.h>
#include <linux/input-event-codes.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/scanner_factory.hpp"
#include "tests/drivers/evemu_writer.hpp"
#include "tests/drivers/scan_recorder.hpp"
#include "tests/drivers/temp_dir.hpp"
#include "tests/drivers/umockdev_run.hpp"

// The emulated scanner: tests/drivers/data/wedge.umockdev describes a USB keyboard-wedge scanner
// 0c2e:0b61 with serial SN12345 at /dev/input/event7, wedge.ioctl answers libevdev's queries, and
// each test writes the key events it types as an evemu file. The outer test starts umockdev-run
// with these; the DISABLED_ test inside reads the emulated device through EvdevScanner.

namespace station::drivers {
namespace {

using namespace std::chrono_literals;
using test_support::EvemuWriter;
using test_support::runUntil;
using test_support::ScanRecorder;

constexpr const char* kEventNode = "/dev/input/event7";
constexpr const char* kByIdPath = "/dev/input/by-id/usb-Station_Test_Scanner_SN12345-event-kbd";

const KeyboardLayout& layout(const std::string& name) {
    return *KeyboardLayout::find(name);
}

// Runs the named child test with the emulated wedge replaying events.
int runWedge(const test_support::TempDir& dir, const EvemuWriter& events, const std::string& test) {
    const std::string eventsPath = dir.path() / "scan.events";
    events.save(eventsPath);
    const auto data = test_support::dataDir();
    return test_support::runUnderUmockdev(
        {"-d", (data / "wedge.umockdev").string(), "-i",
         std::string(kEventNode) + "=" + (data / "wedge.ioctl").string(), "-e",
         std::string(kEventNode) + "=" + eventsPath},
        test);
}

// Runs the named child test with the emulated wedge handing over the events as fast as they are
// read, in blocks of 256 (an umockdev script instead of an evemu file).
int runWedgeBurst(const test_support::TempDir& dir, const EvemuWriter& events,
                  const std::string& test) {
    const std::string scriptPath = dir.path() / "scan.script";
    events.saveScript(scriptPath, 256);
    const auto data = test_support::dataDir();
    return test_support::runUnderUmockdev(
        {"-d", (data / "wedge.umockdev").string(), "-i",
         std::string(kEventNode) + "=" + (data / "wedge.ioctl").string(), "-s",
         std::string(kEventNode) + "=" + scriptPath},
        test);
}

config::ScannerConfig wedgeConfig(const std::string& layoutName) {
    config::ScannerConfig config;
    config.name = "wedge";
    config.kind = config::ScannerKind::Evdev;
    config.layout = layoutName;
    config.suffix = config::Suffix::Cr;
    return config;
}

// Scans of the German scenario: GS sent as Ctrl+] in the first and as Alt+0029 in the second.
const std::vector<std::string> kGermanScans = {
    "0104012345678901"
    "10AB-12/3"
    "\x1D"
    "17261231",
    "0104012345678901"
    "21SN(7)"
    "\x1D"
    "10L%&*+",
    "SO-2024:55;<=>?_",
};

EvemuWriter germanEvents() {
    EvemuWriter events;
    const KeyboardLayout& de = layout("de");
    events.type(de,
                "0104012345678901"
                "10AB-12/3");
    events.ctrlRightBracket();
    events.type(de, "17261231");
    events.tap(KEY_ENTER);
    events.type(de,
                "0104012345678901"
                "21SN(7)");
    events.altCode("0029");
    events.type(de, "10L%&*+");
    events.tap(KEY_ENTER);
    events.type(de, "SO-2024:55;<=>?_");
    events.tap(KEY_ENTER);
    return events;
}

TEST(EvdevScannerTest, GermanWedgeMatchedByUsbIdentity) {
    test_support::TempDir dir;
    EXPECT_EQ(runWedge(dir, germanEvents(), "EvdevChild.DISABLED_GermanByUsbIdentity"), 0);
}

TEST(EvdevChild, DISABLED_GermanByUsbIdentity) {
    ASSERT_TRUE(test_support::insideUmockdev());
    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config = wedgeConfig("de");
    config.vendorId = 0x0c2e;
    config.productId = 0x0b61;
    config.usbSerial = "SN12345";
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();

    ASSERT_TRUE(runUntil(io, [&] { return recorder.scans.size() >= kGermanScans.size(); }));
    EXPECT_EQ(recorder.data(), kGermanScans);
    ASSERT_FALSE(recorder.events.empty());
    EXPECT_EQ(recorder.events[0].kind, DeviceEvent::Kind::Connected);
    EXPECT_NE(recorder.events[0].detail.find("Station Test Scanner"), std::string::npos);
    EXPECT_NE(recorder.events[0].detail.find("0c2e:0b61"), std::string::npos);
    EXPECT_NE(recorder.events[0].detail.find(kEventNode), std::string::npos);
}

TEST(EvdevScannerTest, WrongSerialNeverOpens) {
    test_support::TempDir dir;
    EXPECT_EQ(runWedge(dir, germanEvents(), "EvdevChild.DISABLED_WrongSerial"), 0);
}

TEST(EvdevChild, DISABLED_WrongSerial) {
    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config = wedgeConfig("de");
    config.vendorId = 0x0c2e;
    config.productId = 0x0b61;
    config.usbSerial = "OTHER";
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();

    runUntil(
        io, [] { return false; }, 500ms);
    EXPECT_TRUE(recorder.scans.empty());
    ASSERT_EQ(recorder.count(DeviceEvent::Kind::Error), 1u);
    EXPECT_NE(recorder.events[0].detail.find("0c2e:0b61 serial OTHER"), std::string::npos);
}

// 1,000 French scans of 24 characters are about 190,000 events. umockdev 0.17 replays an evemu
// file one event per write, measured at about 0.12 ms per event even with `head` as the reader,
// which makes over 20 s. The burst is handed over as an umockdev script in blocks of 256 events
// instead, which takes about 2 s.
constexpr int kBurstScans = 1000;

std::string burstScan(int i) {
    return "(01)0950600013435" + std::to_string(i) +
           "\x1D"
           "10L";
}

TEST(EvdevScannerTest, FrenchBurstArrivesCompleteInOrder) {
    // Scans back to back with no gap between events, as fast as the reader takes them.
    EvemuWriter events;
    const KeyboardLayout& fr = layout("fr");
    for (int i = 0; i < kBurstScans; ++i) {
        const std::string scan = burstScan(i);
        const auto gs = scan.find('\x1D');
        events.type(fr, scan.substr(0, gs));
        events.altCode("29");
        events.type(fr, scan.substr(gs + 1));
        events.tap(KEY_ENTER);
    }
    test_support::TempDir dir;
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(runWedgeBurst(dir, events, "EvdevChild.DISABLED_FrenchBurstByPath"), 0);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    std::printf("%d scans, %zu events in %.1f s\n", kBurstScans, events.eventCount(),
                seconds.count());
}

TEST(EvdevChild, DISABLED_FrenchBurstByPath) {
    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config = wedgeConfig("fr");
    config.device = kByIdPath;
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();

    ASSERT_TRUE(runUntil(
        io, [&] { return recorder.scans.size() >= kBurstScans; }, 60s));
    ASSERT_EQ(recorder.scans.size(), static_cast<std::size_t>(kBurstScans));
    for (int i = 0; i < kBurstScans; ++i) {
        ASSERT_EQ(recorder.scans[static_cast<std::size_t>(i)].data, burstScan(i)) << "scan " << i;
    }
    EXPECT_EQ(recorder.count(DeviceEvent::Kind::ScanRejected), 0u);
}

TEST(EvdevScannerTest, GapEndsScansWithoutSuffix) {
    // A scanner with no suffix configured: scans are separated only by a pause in typing.
    EvemuWriter events;
    events.setStep(0.002);
    const KeyboardLayout& us = layout("us");
    events.type(us, "FIRST-1");
    events.pause(0.3);
    events.type(us, "SECOND-2");
    events.pause(0.3);
    events.type(us, "THIRD-3");
    test_support::TempDir dir;
    EXPECT_EQ(runWedge(dir, events, "EvdevChild.DISABLED_GapFraming"), 0);
}

TEST(EvdevChild, DISABLED_GapFraming) {
    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config = wedgeConfig("us");
    config.device = kEventNode;
    config.interKeyTimeout = 100ms;
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();

    ASSERT_TRUE(runUntil(io, [&] { return recorder.scans.size() >= 3; }));
    EXPECT_EQ(recorder.data(), (std::vector<std::string>{"FIRST-1", "SECOND-2", "THIRD-3"}));
}

TEST(EvdevScannerConfigTest, UnknownLayoutThrows) {
    boost::asio::io_context io;
    config::ScannerConfig config = wedgeConfig("klingon");
    config.device = kEventNode;
    EXPECT_THROW(makeScanSource(io, config, {}), std::invalid_argument);
}

TEST(EvdevScannerConfigTest, MissingDeviceAndIdentityThrows) {
    boost::asio::io_context io;
    EXPECT_THROW(makeScanSource(io, wedgeConfig("us"), {}), std::invalid_argument);
}

}  // namespace
}  // namespace station::drivers
