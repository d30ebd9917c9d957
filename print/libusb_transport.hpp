#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "print/printer_transport.hpp"

namespace station::print {

class BlockingWorker;

// Zebra Technologies' USB vendor id.
inline constexpr std::uint16_t kZebraVendorId = 0x0a5f;

// A USB printer-class device found on the bus. path is "BUS-PORT.PORT...", the stable port path.
struct UsbPrinterInfo {
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
    std::string path;
    int interfaceNumber = -1;
    std::uint8_t bulkOut = 0;
    std::uint8_t bulkIn = 0;  // 0 when the printer is unidirectional
};

// Lists USB devices with a printer-class interface (class 7) and a bulk OUT endpoint whose
// vendor matches vendorId and, when given, productId. Returns an empty list when libusb cannot
// start, with the reason in error.
std::vector<UsbPrinterInfo> findUsbPrinters(std::uint16_t vendorId,
                                            std::optional<std::uint16_t> productId,
                                            std::string& error);

// Opens and claims the printer the configuration names, then releases it. Returns an empty
// string on success or the reason it failed; for diagnostics and tests.
std::string tryClaimUsbPrinter(const config::PrinterConfig& config);

// A USB printer through libusb: ZPL goes out on the printer interface's bulk OUT endpoint and
// status responses come back on bulk IN. The device is found by vendor id (Zebra, 0x0a5f, unless
// configured) and optional product id, opened and claimed for each label and status query,
// with the kernel's usblp driver detached while the interface is claimed.
class LibusbTransport : public PrinterTransport {
public:
    LibusbTransport(boost::asio::io_context& io, const config::PrinterConfig& config);
    ~LibusbTransport() override;

    const std::string& description() const override { return description_; }
    void send(std::string zpl, std::function<void(SendResult)> done) override;
    using PrinterTransport::queryStatus;
    void queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) override;

private:
    boost::asio::io_context& io_;
    config::PrinterConfig config_;
    std::string description_;
    std::shared_ptr<bool> busy_ = std::make_shared<bool>(false);
    std::unique_ptr<BlockingWorker> worker_;
};

}  // namespace station::print
