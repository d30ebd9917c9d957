// The libusb transport against an emulated Zebra printer: umockdev provides the sysfs entry,
// the descriptors and /dev/bus/usb/001/002 (tests/print/data/zebra_printer.umockdev), and
// serves the usbdevfs requests in zebra_printer.ioctl: claim and release, and recorded bulk
// URBs for one label (kRecordedLabel) and one ~HQES request with its response. umockdev
// replays an OUT URB only when its bytes equal the recording, so other data fails the
// transfer before any byte counts as sent. The recordings are USBDEVFS_REAPURBNDELAY because
// libusb reaps with that request. NOTE: umockdev 0.17 does not emulate discarding a URB. A
// recorded transfer that libusb times out and cancels therefore leaves it polling forever, and
// ctest's timeout for this binary bounds that.
//
// This binary runs under umockdev-run (see tests/print/CMakeLists.txt).

#include "print/libusb_transport.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <string_view>

#include "tests/print/transport_test_support.hpp"

namespace station::print {
namespace {

class LibusbTransportTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(std::getenv("UMOCKDEV_DIR"), nullptr)
            << "run this test under umockdev-run with tests/print/data/zebra_printer.umockdev";
    }
};

// The label whose bulk OUT URB zebra_printer.ioctl contains.
constexpr std::string_view kRecordedLabel = "^XA^FO20,20^A0N,30,30^FDUSB^FS^XZ";

config::PrinterConfig usbConfig() {
    config::PrinterConfig config;
    config.name = "usb";
    config.kind = config::PrinterKind::Libusb;
    config.writeTimeout = std::chrono::milliseconds(500);
    config.statusTimeout = std::chrono::milliseconds(300);
    return config;
}

TEST_F(LibusbTransportTest, EnumerationFindsZebraPrinter) {
    std::string error;
    const auto printers = findUsbPrinters(kZebraVendorId, std::nullopt, error);
    EXPECT_TRUE(error.empty()) << error;
    ASSERT_EQ(printers.size(), 1u);
    EXPECT_EQ(printers[0].productId, 0x0181);
    EXPECT_EQ(printers[0].path, "1-2");
    EXPECT_EQ(printers[0].interfaceNumber, 0);
    EXPECT_EQ(printers[0].bulkOut, 0x01);
    EXPECT_EQ(printers[0].bulkIn, 0x82);
}

TEST_F(LibusbTransportTest, OtherVendorIsNotListed) {
    std::string error;
    EXPECT_TRUE(findUsbPrinters(0x1234, std::nullopt, error).empty());
    EXPECT_TRUE(findUsbPrinters(kZebraVendorId, 0x9999, error).empty());
}

TEST_F(LibusbTransportTest, PrinterInterfaceIsClaimed) {
    auto config = usbConfig();
    config.productId = 0x0181;
    EXPECT_EQ(tryClaimUsbPrinter(config), "");
}

TEST_F(LibusbTransportTest, ConfiguredIdsSelectDevice) {
    auto config = usbConfig();
    config.vendorId = 0x0a5f;
    config.productId = 0x0999;
    const std::string error = tryClaimUsbPrinter(config);
    EXPECT_NE(error.find("product id 0999"), std::string::npos) << error;
}

TEST_F(LibusbTransportTest, SendReachesBulkTransfer) {
    boost::asio::io_context io;
    LibusbTransport transport(io, usbConfig());

    const auto result = test::sendAndWait(io, transport, "^XA^XZ");
    ASSERT_TRUE(result);
    // The claim succeeded, so the failure is the bulk transfer of bytes the emulated device
    // has no recording for, before any byte: safe to retry.
    EXPECT_NE(result->error.find("bulk transfer failed after 0 of 6 bytes"), std::string::npos)
        << result->error;
    EXPECT_EQ(result->outcome, SendResult::Outcome::FailedBeforeSend);
}

TEST_F(LibusbTransportTest, LabelGoesOutOnBulkOut) {
    boost::asio::io_context io;
    LibusbTransport transport(io, usbConfig());

    const auto result = test::sendAndWait(io, transport, std::string(kRecordedLabel));
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::Delivered) << result->error;
    EXPECT_EQ(result->bytesSent, kRecordedLabel.size());
    EXPECT_TRUE(result->error.empty()) << result->error;
}

TEST_F(LibusbTransportTest, ExtendedStatusReadFromBulkIn) {
    boost::asio::io_context io;
    LibusbTransport transport(io, usbConfig());

    // The recorded response reports paper out (error bit 0x01).
    const auto status = test::statusAndWait(io, transport, StatusRequest::Extended);
    ASSERT_TRUE(status);
    EXPECT_FALSE(status->ready());
    EXPECT_TRUE(status->has(PrinterStatus::Problem::PaperOut)) << status->summary();
    EXPECT_EQ(status->problems.size(), 1u) << status->summary();
}

TEST_F(LibusbTransportTest, NoStatusAnswerIsNotReady) {
    boost::asio::io_context io;
    LibusbTransport transport(io, usbConfig());

    const auto status = test::statusAndWait(io, transport);
    ASSERT_TRUE(status);
    EXPECT_FALSE(status->ready());
    EXPECT_TRUE(status->has(PrinterStatus::Problem::NoAnswer)) << status->summary();
}

}  // namespace
}  // namespace station::print
