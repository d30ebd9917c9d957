#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/hid_pos_report.hpp"
#include "drivers/libusb_hid_device.hpp"
#include "drivers/scanner_factory.hpp"
#include "tests/drivers/hid_pos_report_builder.hpp"
#include "tests/drivers/scan_recorder.hpp"
#include "tests/drivers/testbed.hpp"
#include "tests/drivers/umockdev_run.hpp"
#include "tests/drivers/usb_hid_emulator.hpp"

// The LibusbTest cases run their LibusbChild twins under umockdev's preload library with an
// in-process testbed, which emulates USB enumeration, open and interface claim from the device's
// sysfs descriptors. umockdev 0.17 cannot replay libusb's transfers from an .ioctl file (libusb
// reaps them with USBDEVFS_REAPURBNDELAY, which that replay rejects), so the read test completes
// the URBs itself (UsbHidEmulator).

namespace station::drivers {
namespace {

using test_support::runUntil;
using test_support::ScanRecorder;
using test_support::Testbed;

// A device descriptor (0c2e:0b8f, one configuration) and a configuration with one interface of
// the given class, with interrupt endpoints 0x81 IN and 0x02 OUT of 64 bytes, and a HID descriptor.
std::string descriptors(const std::string& interfaceClass) {
    return "12010002000000402E0C8F0B00010102030109022900010100803209040000"
           "02" +
           interfaceClass + "000000092111010001223F000705810340000107050203400001";
}

std::string usbDevice(int address, const std::string& interfaceClass) {
    char number[4];
    std::snprintf(number, sizeof number, "%03d", address);
    return std::string("P: /devices/pci0000:00/usb1/1-2\nN: bus/usb/001/") + number +
           "\nE: DEVNAME=/dev/bus/usb/001/" + number +
           "\nE: DEVTYPE=usb_device\nE: SUBSYSTEM=usb\nE: BUSNUM=001\nE: DEVNUM=" + number +
           "\nA: busnum=1\nA: devnum=" + std::to_string(address) +
           "\nA: idVendor=0c2e\nA: idProduct=0b8f\nA: serial=POS0001\nA: speed=12\n"
           "A: bConfigurationValue=1\nA: bNumConfigurations=1\nH: descriptors=" +
           descriptors(interfaceClass) + "\n";
}

TEST(LibusbTest, OpensAndClaimsHidInterface) {
    EXPECT_EQ(test_support::runWithUmockdevPreload("LibusbChild.DISABLED_OpenAndClaim"), 0);
}

TEST(LibusbChild, DISABLED_OpenAndClaim) {
    Testbed bed;
    bed.add(usbDevice(11, "03"));

    std::string error;
    auto device = LibusbHidDevice::open(1, 11, error);
    ASSERT_NE(device, nullptr) << error;
    EXPECT_EQ(device->interfaceNumber(), 0);
    EXPECT_EQ(device->description(), "0c2e:0b8f interface 0 at bus 1 address 11");
    EXPECT_TRUE(error.empty());
}

TEST(LibusbTest, RejectsDeviceWithoutHidInterface) {
    EXPECT_EQ(test_support::runWithUmockdevPreload("LibusbChild.DISABLED_NoHidInterface"), 0);
}

TEST(LibusbChild, DISABLED_NoHidInterface) {
    Testbed bed;
    bed.add(usbDevice(12, "FF"));

    std::string error;
    EXPECT_EQ(LibusbHidDevice::open(1, 12, error), nullptr);
    EXPECT_NE(error.find("has no HID interface"), std::string::npos) << error;
    EXPECT_NE(error.find("HID POS mode"), std::string::npos) << error;

    error.clear();
    EXPECT_EQ(LibusbHidDevice::open(1, 99, error), nullptr);
    EXPECT_NE(error.find("USB device at bus 1 address 99"), std::string::npos) << error;
}

TEST(LibusbTest, ScannerFindsDeviceByUsbIdentity) {
    EXPECT_EQ(test_support::runWithUmockdevPreload("LibusbChild.DISABLED_ScannerOpens"), 0);
}

TEST(LibusbChild, DISABLED_ScannerOpens) {
    Testbed bed;
    bed.add(usbDevice(13, "03"));

    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config;
    config.name = "pos";
    config.kind = config::ScannerKind::HidPos;
    config.hidTransport = config::HidTransport::Libusb;
    config.vendorId = 0x0c2e;
    config.productId = 0x0b8f;
    config.usbSerial = "POS0001";
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();

    ASSERT_FALSE(recorder.events.empty());
    const DeviceEvent& opened = recorder.events[0];
    EXPECT_EQ(opened.kind, DeviceEvent::Kind::Connected) << opened.detail;
    EXPECT_NE(opened.detail.find("/dev/bus/usb/001/013"), std::string::npos) << opened.detail;
    EXPECT_NE(opened.detail.find("interface 0"), std::string::npos) << opened.detail;
    EXPECT_NE(opened.detail.find("USB port 1-2"), std::string::npos) << opened.detail;
    source->stop();

    config.name = "other";
    config.usbSerial = "OTHER";
    ScanRecorder other;
    auto missing = makeScanSource(io, config, other.sink());
    missing->start();
    ASSERT_FALSE(other.events.empty());
    EXPECT_EQ(other.events[0].kind, DeviceEvent::Kind::Error);
    EXPECT_NE(other.events[0].detail.find("No USB device matches 0c2e:0b8f serial OTHER"),
              std::string::npos)
        << other.events[0].detail;
}

const std::string kGs1 =
    "0109506000134352"
    "21SERIAL123\x1D"
    "10LOT4\x1D"
    "17261231";
const std::string kLong = std::string(130, 'A') + "\x1D" + std::string(20, 'B');
const std::string kGoodRead = std::string("\x04\x01", 2);

TEST(LibusbTest, ScannerReadsReportsAndSendsFeedback) {
    EXPECT_EQ(test_support::runWithUmockdevPreload("LibusbChild.DISABLED_ReadsReports"), 0);
}

TEST(LibusbChild, DISABLED_ReadsReports) {
    Testbed bed;
    test_support::UsbHidEmulator usb(bed, "/dev/bus/usb/001/021");
    bed.add(usbDevice(21, "03"));

    boost::asio::io_context io;
    ScanRecorder recorder;
    config::ScannerConfig config;
    config.name = "pos";
    config.kind = config::ScannerKind::HidPos;
    config.hidTransport = config::HidTransport::Libusb;
    config.vendorId = 0x0c2e;
    config.productId = 0x0b8f;
    config.goodReadCommand = kGoodRead;
    auto source = makeScanSource(io, config, recorder.sink());
    source->start();
    ASSERT_EQ(recorder.count(DeviceEvent::Kind::Connected), 1u);
    EXPECT_GE(usb.reportDescriptorRequests(), 1u);

    usb.queueReports(test_support::scannedDataReports(kGs1, "]d2"));
    usb.queueReports(test_support::scannedDataReports(kLong, "]C1"));
    ASSERT_TRUE(runUntil(io, [&] { return recorder.scans.size() >= 2; }));
    EXPECT_EQ(recorder.scans[0].data, kGs1);
    EXPECT_EQ(recorder.scans[0].symbology, "]d2");
    EXPECT_EQ(recorder.scans[0].device, "pos");
    EXPECT_EQ(recorder.scans[1].data, kLong);
    EXPECT_EQ(recorder.scans[1].symbology, "]C1");

    source->sendFeedback(Feedback::GoodRead);
    ASSERT_TRUE(runUntil(io, [&] { return !usb.outputReports().empty(); }));
    EXPECT_EQ(usb.outputReports()[0], kGoodRead);

    // Stopping cancels the pending read, which must come back before the device closes.
    source->stop();
    EXPECT_EQ(recorder.count(DeviceEvent::Kind::Disconnected), 0u);
    EXPECT_EQ(recorder.count(DeviceEvent::Kind::ScanRejected), 0u);
}

TEST(LibusbScannerConfigTest, MissingUsbIdentityThrows) {
    boost::asio::io_context io;
    config::ScannerConfig config;
    config.name = "pos";
    config.kind = config::ScannerKind::HidPos;
    config.hidTransport = config::HidTransport::Libusb;
    config.device = "/dev/hidraw0";
    EXPECT_THROW(makeScanSource(io, config, {}), std::invalid_argument);
}

struct UsagePageCase {
    const char* name;
    std::vector<std::uint8_t> descriptor;
    bool declaresBarcodeScanner;
};

TEST(ReportDescriptorTest, FindsBarcodeScannerUsagePage) {
    const std::vector<UsagePageCase> cases = {
        {"two-byte usage page", {0x06, 0x8C, 0x00, 0x09, 0x02, 0xA1, 0x01, 0xC0}, true},
        {"one-byte usage page", {0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0xC0}, true},
        {"after a collection",
         {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0xC0, 0x06, 0x8C, 0x00, 0xA1, 0x01, 0xC0},
         true},
        {"keyboard only", {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0xC0}, false},
        {"0x8C as a usage, not a page", {0x05, 0x01, 0x09, 0x8C, 0xC0}, false},
        {"long item skipped", {0xFE, 0x02, 0x10, 0x05, 0x8C, 0x05, 0x01}, false},
        {"long item then page", {0xFE, 0x01, 0x10, 0x00, 0x05, 0x8C}, true},
        {"cut off inside the page item", {0x05, 0x01, 0x06, 0x8C}, false},
        {"empty", {}, false},
    };
    for (const UsagePageCase& c : cases) {
        EXPECT_EQ(declaresUsagePage(c.descriptor, kBarcodeScannerUsagePage),
                  c.declaresBarcodeScanner)
            << c.name;
    }
}

}  // namespace
}  // namespace station::drivers
