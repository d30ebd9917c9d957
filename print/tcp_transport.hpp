#pragma once

#include <chrono>
#include <memory>

#include "print/printer_transport.hpp"

namespace station::print {

struct TcpTransportState;

// Raw TCP to a printer's port 9100, one connection per label and per status query.
//
// A label counts as delivered when every byte was written, the station closed its side, and
// the printer either closed the connection or acknowledged every byte at the TCP level (the
// socket's send queue drained, Linux SIOCOUTQ). A connection reset or a timeout before that,
// after at least one byte was written, is Uncertain. A failed connect is FailedBeforeSend and
// starts a backoff: the next connect waits 0.5 s, doubling up to 30 s, until one succeeds.
class TcpTransport : public PrinterTransport {
public:
    TcpTransport(boost::asio::io_context& io, const config::PrinterConfig& config);
    ~TcpTransport() override;

    const std::string& description() const override;
    void send(std::string zpl, std::function<void(SendResult)> done) override;
    using PrinterTransport::queryStatus;
    void queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) override;

    // How long the next connect waits because earlier connects failed.
    std::chrono::milliseconds currentBackoff() const;

private:
    std::shared_ptr<TcpTransportState> state_;
};

}  // namespace station::print
