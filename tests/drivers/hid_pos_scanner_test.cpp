#include "drivers/hid_pos_scanner.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "drivers/hid_pos_report.hpp"
#include "drivers/scanner_factory.hpp"
#include "tests/drivers/hid_pos_report_builder.hpp"
#include "tests/drivers/scan_recorder.hpp"
#include "tests/drivers/temp_dir.hpp"
#include "tests/drivers/umockdev_run.hpp"

namespace station::drivers {
namespace {

using namespace std::chrono_literals;
using test_support::Report;
using test_support::runUntil;
using test_support::scannedDataReports;
using test_support::ScanRecorder;

const std::string kGs1 =
    "0109506000134352"
    "21SERIAL123\x1D"
    "10LOT4\x1D"
    "17261231";
const std::string kLong = std::string(130, 'A') + "\x1D" + std::string(20, 'B');

std::vector<HidPosAssembler::Result> feedAll(HidPosAssembler& assembler,
                                             const std::vector<Report>& reports) {
    std::vector<HidPosAssembler::Result> results;
    for (const Report& report : reports) {
        if (auto result = assembler.feed(report)) {
            results.push_back(std::move(*result));
        }
    }
    return results;
}

TEST(HidPosAssemblerTest, SingleReportScan) {
    HidPosAssembler assembler(4096);
    const auto results = feedAll(assembler, scannedDataReports(kGs1, "]d2"));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].kind, HidPosAssembler::Result::Kind::Scan);
    EXPECT_EQ(results[0].data, kGs1);
    EXPECT_EQ(results[0].symbology, "]d2");
}

TEST(HidPosAssemblerTest, MultiReportScan) {
    HidPosAssembler assembler(4096);
    const std::vector<Report> reports = scannedDataReports(kLong, "]C1");
    ASSERT_EQ(reports.size(), 3u);
    const auto results = feedAll(assembler, reports);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].data, kLong);
    EXPECT_EQ(results[0].symbology, "]C1");
}

TEST(HidPosAssemblerTest, SymbologyWithoutBracket) {
    HidPosAssembler assembler(4096);
    const auto results = feedAll(assembler, scannedDataReports("X", "Q1"));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].symbology, "]Q1");
}

TEST(HidPosAssemblerTest, OtherReportsIgnored) {
    HidPosAssembler assembler(4096);
    Report status{};
    status[0] = 0x04;
    status[1] = 10;
    EXPECT_FALSE(assembler.feed(status).has_value());

    const auto results = feedAll(assembler, scannedDataReports("AFTER", "]E0"));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].data, "AFTER");
}

TEST(HidPosAssemblerTest, MalformedLengthReported) {
    HidPosAssembler assembler(4096);
    Report report = scannedDataReports("X", "]E0")[0];
    report[1] = 57;
    const auto result = assembler.feed(report);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->kind, HidPosAssembler::Result::Kind::Malformed);
    EXPECT_NE(result->problem.find("57"), std::string::npos);

    const std::array<std::uint8_t, 10> shortReport{HidPosAssembler::kScannedDataReportId, 1};
    const auto shortResult = assembler.feed(shortReport);
    ASSERT_TRUE(shortResult.has_value());
    EXPECT_EQ(shortResult->kind, HidPosAssembler::Result::Kind::Malformed);
}

TEST(HidPosAssemblerTest, OverlongScanRejectedWhole) {
    HidPosAssembler assembler(100);
    std::vector<Report> reports = scannedDataReports(kLong, "]C1");
    const std::vector<Report> next = scannedDataReports("NEXT", "]C1");
    reports.insert(reports.end(), next.begin(), next.end());

    const auto results = feedAll(assembler, reports);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].kind, HidPosAssembler::Result::Kind::Rejected);
    EXPECT_EQ(results[0].length, kLong.size());
    EXPECT_EQ(results[1].kind, HidPosAssembler::Result::Kind::Scan);
    EXPECT_EQ(results[1].data, "NEXT");
}

TEST(HidPosAssemblerTest, DiscardPartialDropsUnfinishedScan) {
    HidPosAssembler assembler(4096);
    const std::vector<Report> reports = scannedDataReports(kLong, "]C1");
    EXPECT_FALSE(assembler.feed(reports[0]).has_value());
    EXPECT_EQ(assembler.discardPartial(), HidPosAssembler::kMaxDataPerReport);

    // The rest of the cut scan starts a new one that lacks its head: it is delivered as its own
    // scan, never joined to the dropped part.
    const auto results = feedAll(assembler, scannedDataReports("FRESH", "]E0"));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].data, "FRESH");
}

// The emulated scanner: tests/drivers/data/hidpos.umockdev describes a HID POS scanner 0c2e:0b8f
// with serial POS0001 at /dev/hidraw0; the script the test writes replays its input reports and
// expects the good-read output report.
constexpr const char* kHidraw = "/dev/hidraw0";
const std::string kGoodRead = std::string("\x04\x01", 2);

TEST(HidPosScannerTest, ScansFromEmulatedHidraw) {
    test_support::TempDir dir;
    const std::string script = dir.path() / "hidpos.script";
    {
        std::ofstream out(script, std::ios::binary);
        for (const std::string& scan : {kGs1, kLong}) {
            for (const Report& report : scannedDataReports(scan, scan == kGs1 ? "]d2" : "]C1")) {
                const std::string bytes(report.begin(), report.end());
                out << "r 10 " << test_support::umockdevScriptData(bytes) << "\n";
            }
        }
        out << "w 0 " << test_support::umockdevScriptData(kGoodRead) << "\n";
    }
    const auto data = test_support::dataDir();
    EXPECT_EQ(test_support::runUnderUmockdev({"-d", (data / "hidpos.umockdev").string(), "-s",
                                              std::string(kHidraw) + "=" + script},
                                             "HidPosChild.DISABLED_ReadsReports"),
              0);
}

TEST(HidPosChild, DISABLED_ReadsReports) {
    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config;
    config.name = "pos";
    config.kind = config::ScannerKind::HidPos;
    config.vendorId = 0x0c2e;
    config.productId = 0x0b8f;
    config.usbSerial = "POS0001";
    config.goodReadCommand = kGoodRead;
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();

    ASSERT_TRUE(runUntil(io, [&] { return recorder.scans.size() >= 2; }));
    EXPECT_EQ(recorder.scans[0].data, kGs1);
    EXPECT_EQ(recorder.scans[0].symbology, "]d2");
    EXPECT_EQ(recorder.scans[0].device, "pos");
    EXPECT_EQ(recorder.scans[1].data, kLong);
    EXPECT_EQ(recorder.scans[1].symbology, "]C1");
    EXPECT_NE(recorder.events.at(0).detail.find("0c2e:0b8f serial POS0001"), std::string::npos);

    // umockdev checks that the written output report matches the script's "w" line.
    source->sendFeedback(Feedback::GoodRead);
    runUntil(
        io, [] { return false; }, 100ms);
    EXPECT_EQ(recorder.count(DeviceEvent::Kind::Disconnected), 0u);
}

}  // namespace
}  // namespace station::drivers
