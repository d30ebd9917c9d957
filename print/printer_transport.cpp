#include "print/printer_transport.hpp"

#include <fmt/format.h>

#include "print/cups_transport.hpp"
#include "print/libusb_transport.hpp"
#include "print/spool_transport.hpp"
#include "print/tcp_transport.hpp"
#include "print/usb_lp_transport.hpp"

namespace station::print {

std::string_view outcomeName(SendResult::Outcome outcome) {
    switch (outcome) {
        case SendResult::Outcome::Delivered:
            return "delivered";
        case SendResult::Outcome::FailedBeforeSend:
            return "failed before send";
        case SendResult::Outcome::Uncertain:
            return "uncertain";
    }
    return "uncertain";
}

std::unique_ptr<PrinterTransport> makePrinterTransport(boost::asio::io_context& io,
                                                       const config::PrinterConfig& config) {
    switch (config.kind) {
        case config::PrinterKind::Spool:
            return std::make_unique<SpoolTransport>(io, config);
        case config::PrinterKind::Tcp:
            return std::make_unique<TcpTransport>(io, config);
        case config::PrinterKind::UsbLp:
            return std::make_unique<UsbLpTransport>(io, config);
        case config::PrinterKind::Cups:
            return std::make_unique<CupsTransport>(io, config);
        case config::PrinterKind::Libusb:
            return std::make_unique<LibusbTransport>(io, config);
    }
    throw std::invalid_argument(fmt::format("printer {}: unknown transport kind", config.name));
}

}  // namespace station::print
