#include "print/printer_transport.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <sstream>

#include "tests/print/emulator_process.hpp"
#include "tests/print/transport_test_support.hpp"

namespace station::print {
namespace {

// Captures the "printer" logger's output for one test.
class CapturedLog {
public:
    CapturedLog() {
        spdlog::drop("printer");
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
        auto logger = std::make_shared<spdlog::logger>("printer", sink);
        logger->set_level(spdlog::level::debug);
        spdlog::register_logger(logger);
    }
    ~CapturedLog() { spdlog::drop("printer"); }

    std::string text() const { return stream_.str(); }

private:
    std::ostringstream stream_;
};

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t found = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++found;
    }
    return found;
}

config::PrinterConfig tcpConfig(std::uint16_t port) {
    config::PrinterConfig config;
    config.name = "dock-2";
    config.kind = config::PrinterKind::Tcp;
    config.port = port;
    config.statusTimeout = std::chrono::milliseconds(300);
    return config;
}

TEST(PrinterTransportTest, FailedSendIsLoggedWithPrinter) {
    CapturedLog log;
    std::uint16_t closed = 0;
    {
        boost::asio::io_context probe;
        boost::asio::ip::tcp::acceptor acceptor(probe,
                                                {boost::asio::ip::make_address("127.0.0.1"), 0});
        closed = acceptor.local_endpoint().port();
    }
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, tcpConfig(closed));

    const auto result = test::sendAndWait(io, *transport, "^XA^XZ");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::FailedBeforeSend);
    EXPECT_NE(log.text().find("[warning] printer dock-2 (tcp 127.0.0.1:"), std::string::npos)
        << log.text();
}

TEST(PrinterTransportTest, OnlyStatusChangesAreLogged) {
    CapturedLog log;
    test::EmulatorProcess emulator;
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, tcpConfig(emulator.port()));

    ASSERT_TRUE(test::statusAndWait(io, *transport));
    ASSERT_TRUE(test::statusAndWait(io, *transport));
    ASSERT_EQ(emulator.control("state head-open"), "ok state head-open");
    ASSERT_TRUE(test::statusAndWait(io, *transport));
    ASSERT_TRUE(test::statusAndWait(io, *transport));

    EXPECT_EQ(count(log.text(), ": ready"), 1u) << log.text();
    EXPECT_EQ(count(log.text(), "not ready: head open"), 1u) << log.text();
}

TEST(PrinterTransportTest, DeliveredLabelIsLoggedAtDebug) {
    CapturedLog log;
    test::EmulatorProcess emulator;
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, tcpConfig(emulator.port()));

    const auto result = test::sendAndWait(io, *transport, "^XA^FDx^FS^XZ");
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->delivered()) << result->error;
    EXPECT_NE(log.text().find("[debug] printer dock-2"), std::string::npos) << log.text();
    EXPECT_NE(log.text().find("label delivered, 13 bytes"), std::string::npos) << log.text();
}

}  // namespace
}  // namespace station::print
