#pragma once

#include <memory>

#include "print/printer_transport.hpp"

namespace station::print {

class BlockingWorker;

// A CUPS raw queue: each label is piped to `lp -d QUEUE -o raw`, started directly (no shell)
// and found on PATH. The label counts as delivered once lp exits with status 0, which means
// CUPS accepted the job. Status comes from `lpstat -p QUEUE`: a disabled queue is not ready.
class CupsTransport : public PrinterTransport {
public:
    CupsTransport(boost::asio::io_context& io, const config::PrinterConfig& config);
    ~CupsTransport() override;

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

// Checks a CUPS queue name: letters, digits, '-', '_' and '.', as lpadmin accepts them.
bool isValidCupsQueueName(std::string_view name);

}  // namespace station::print
