#pragma once

#include <memory>

#include "print/printer_transport.hpp"

namespace station::print {

class BlockingWorker;

// A USB printer through the Linux usblp driver (/dev/usb/lpN). The device is opened for each
// label and each status query, so a printer that was unplugged and plugged back in works
// again without a restart. Status responses are read back through the same device.
class UsbLpTransport : public PrinterTransport {
public:
    UsbLpTransport(boost::asio::io_context& io, const config::PrinterConfig& config);
    ~UsbLpTransport() override;

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
