#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>

#include "print/printer_transport.hpp"

namespace station::print::test {

// Runs the io_context until the callback has delivered a value or timeoutMs passed.
template <typename Value, typename Start>
std::optional<Value> runUntilDone(boost::asio::io_context& io, Start start, int timeoutMs = 10000) {
    std::optional<Value> result;
    start([&result](Value value) { result = std::move(value); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    io.restart();
    while (!result && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(20));
        io.restart();
    }
    return result;
}

inline std::optional<SendResult> sendAndWait(boost::asio::io_context& io,
                                             PrinterTransport& transport, std::string zpl,
                                             int timeoutMs = 10000) {
    return runUntilDone<SendResult>(
        io, [&](auto done) { transport.send(std::move(zpl), done); }, timeoutMs);
}

inline std::optional<PrinterStatus> statusAndWait(boost::asio::io_context& io,
                                                  PrinterTransport& transport,
                                                  StatusRequest request = StatusRequest::HostStatus,
                                                  int timeoutMs = 10000) {
    return runUntilDone<PrinterStatus>(
        io, [&](auto done) { transport.queryStatus(request, done); }, timeoutMs);
}

}  // namespace station::print::test
