#include "drivers/scanner_factory.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "drivers/evdev_scanner.hpp"
#include "drivers/hid_pos_scanner.hpp"
#include "drivers/serial_scanner.hpp"
#include "drivers/stdin_scanner.hpp"
#include "drivers/tcp_scanner.hpp"
#include "drivers/usb_hid_pos_scanner.hpp"

namespace station::drivers {

namespace {

// Owns a source that its own pending handlers keep alive, and stops it when the owner lets go.
class SourceHandle : public ScanSource {
public:
    explicit SourceHandle(std::shared_ptr<ScanSource> source) : source_(std::move(source)) {}
    ~SourceHandle() override { source_->stop(); }

    const std::string& name() const override { return source_->name(); }
    void start() override { source_->start(); }
    void stop() override { source_->stop(); }
    void sendFeedback(Feedback feedback) override { source_->sendFeedback(feedback); }

private:
    std::shared_ptr<ScanSource> source_;
};

std::shared_ptr<ScanSource> makeShared(boost::asio::io_context& io,
                                       const config::ScannerConfig& config, ScanSink sink) {
    switch (config.kind) {
        case config::ScannerKind::Stdin:
            return std::make_shared<StdinScanner>(io, config, std::move(sink));
        case config::ScannerKind::Serial:
            return std::make_shared<SerialScanner>(io, config, std::move(sink));
        case config::ScannerKind::Evdev:
            return std::make_shared<EvdevScanner>(io, config, std::move(sink));
        case config::ScannerKind::Tcp:
            return std::make_shared<TcpScanner>(io, config, std::move(sink));
        case config::ScannerKind::HidPos:
            if (config.hidTransport == config::HidTransport::Libusb) {
                return std::make_shared<UsbHidPosScanner>(io, config, std::move(sink));
            }
            return std::make_shared<HidPosScanner>(io, config, std::move(sink));
    }
    throw std::invalid_argument("scanner '" + config.name + "': unknown kind " +
                                std::to_string(static_cast<int>(config.kind)));
}

}  // namespace

std::unique_ptr<ScanSource> makeScanSource(boost::asio::io_context& io,
                                           const config::ScannerConfig& config, ScanSink sink) {
    return std::make_unique<SourceHandle>(makeShared(io, config, std::move(sink)));
}

}  // namespace station::drivers
