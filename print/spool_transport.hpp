#pragma once

#include <atomic>
#include <filesystem>
#include <memory>

#include "print/printer_transport.hpp"

namespace station::print {

class BlockingWorker;

// Writes each label as one .zpl file in a folder that another program (a print server, a
// file-drop printer) takes from. A file appears whole or not at all: it is written under a
// temporary name starting with '.', flushed with fsync, renamed, and the folder is fsynced.
class SpoolTransport : public PrinterTransport {
public:
    SpoolTransport(boost::asio::io_context& io, const config::PrinterConfig& config);
    ~SpoolTransport() override;

    const std::string& description() const override { return description_; }
    void send(std::string zpl, std::function<void(SendResult)> done) override;
    using PrinterTransport::queryStatus;
    // Ready when the folder exists and is writable; there is no printer to ask.
    void queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) override;

private:
    boost::asio::io_context& io_;
    std::filesystem::path folder_;
    std::string description_;
    std::atomic<unsigned> sequence_{0};
    std::shared_ptr<std::atomic<bool>> busy_ = std::make_shared<std::atomic<bool>>(false);
    std::unique_ptr<BlockingWorker> worker_;
};

}  // namespace station::print
