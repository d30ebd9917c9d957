#include "print/tcp_transport.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include "print/label_template.hpp"
#include "tests/print/emulator_process.hpp"
#include "tests/print/transport_test_support.hpp"

namespace station::print {
namespace {

using test::EmulatorProcess;

config::PrinterConfig tcpConfig(std::uint16_t port) {
    config::PrinterConfig config;
    config.name = "test";
    config.kind = config::PrinterKind::Tcp;
    config.host = "127.0.0.1";
    config.port = port;
    config.connectTimeout = std::chrono::milliseconds(1000);
    config.writeTimeout = std::chrono::milliseconds(1000);
    config.statusTimeout = std::chrono::milliseconds(400);
    return config;
}

// The stored label runs from ^XA to ^XZ; the rendered one ends with the template's newline.
std::string format(const std::string& zpl) {
    return zpl.substr(0, zpl.rfind("^XZ") + 3);
}

std::string cartonLabel() {
    LabelData data;
    data.fields = {{"order", "SO-1001"}, {"customer_ref", "PO-1"}};
    data.units.push_back({{"serial", "SN1"}, {"gtin", "09501101530003"}});
    return LabelTemplate::builtin("carton").render(data, {});
}

// A loopback port with nothing listening on it.
std::uint16_t closedPort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

TEST(TcpTransportTest, LabelIsDeliveredWhole) {
    EmulatorProcess emulator;
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(emulator.port()));
    const std::string zpl = cartonLabel();

    const auto result = test::sendAndWait(io, transport, zpl);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::Delivered) << result->error;
    EXPECT_EQ(result->bytesSent, zpl.size());
    ASSERT_TRUE(emulator.waitForLabels(1));
    EXPECT_EQ(emulator.labels().front(), format(zpl));
}

TEST(TcpTransportTest, SlowPrinterStillGetsLabel) {
    EmulatorProcess emulator({"--mode", "slow"});
    boost::asio::io_context io;
    auto config = tcpConfig(emulator.port());
    config.writeTimeout = std::chrono::milliseconds(5000);
    TcpTransport transport(io, config);
    const std::string zpl = cartonLabel();

    const auto result = test::sendAndWait(io, transport, zpl);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::Delivered) << result->error;
    ASSERT_TRUE(emulator.waitForLabels(1));
    EXPECT_EQ(emulator.labels().front(), format(zpl));
}

TEST(TcpTransportTest, RefusedConnectionIsSafeToRetry) {
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(closedPort()));

    const auto result = test::sendAndWait(io, transport, cartonLabel());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::FailedBeforeSend);
    EXPECT_TRUE(result->safeToRetry());
    EXPECT_EQ(result->bytesSent, 0u);
    EXPECT_NE(result->error.find("failed to connect"), std::string::npos) << result->error;
    EXPECT_NE(result->error.find("127.0.0.1"), std::string::npos) << result->error;
}

TEST(TcpTransportTest, RepeatedFailuresBackOff) {
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(closedPort()));

    ASSERT_TRUE(test::sendAndWait(io, transport, "^XA^XZ"));
    EXPECT_EQ(transport.currentBackoff(), std::chrono::milliseconds(500));
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(test::sendAndWait(io, transport, "^XA^XZ"));
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::milliseconds(450));
    EXPECT_EQ(transport.currentBackoff(), std::chrono::milliseconds(1000));
}

TEST(TcpTransportTest, ResetMidJobIsUncertain) {
    EmulatorProcess emulator({"--mode", "reset", "--reset-after", "100"});
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(emulator.port()));
    const std::string zpl = "^XA^FO10,10^A0N,20,20^FD" + std::string(3000, 'x') + "^FS^XZ";

    const auto result = test::sendAndWait(io, transport, zpl);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::Uncertain) << result->error;
    EXPECT_FALSE(result->safeToRetry());
    EXPECT_GT(result->bytesSent, 0u);
    EXPECT_TRUE(emulator.labels().empty());
}

TEST(TcpTransportTest, StalledPrinterTimesOutUncertain) {
    EmulatorProcess emulator({"--mode", "stall"});
    boost::asio::io_context io;
    auto config = tcpConfig(emulator.port());
    config.writeTimeout = std::chrono::milliseconds(500);
    TcpTransport transport(io, config);
    // Larger than the loopback socket buffers, so the write cannot complete.
    const std::string zpl = "^XA^FO1,1^FD" + std::string(32 * 1024 * 1024, 'x') + "^FS^XZ";

    const auto start = std::chrono::steady_clock::now();
    const auto result = test::sendAndWait(io, transport, zpl);
    ASSERT_TRUE(result);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(result->outcome, SendResult::Outcome::Uncertain) << result->error;
    EXPECT_NE(result->error.find("timed out"), std::string::npos) << result->error;
}

TEST(TcpTransportTest, SecondSendWhileBusyIsRejected) {
    EmulatorProcess emulator({"--mode", "slow"});
    boost::asio::io_context io;
    auto config = tcpConfig(emulator.port());
    config.writeTimeout = std::chrono::milliseconds(5000);
    TcpTransport transport(io, config);

    std::optional<SendResult> first;
    std::optional<SendResult> second;
    transport.send(cartonLabel(), [&](SendResult result) { first = result; });
    transport.send(cartonLabel(), [&](SendResult result) { second = result; });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((!first || !second) && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(20));
        io.restart();
    }
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_TRUE(first->delivered()) << first->error;
    EXPECT_EQ(second->outcome, SendResult::Outcome::FailedBeforeSend);
}

TEST(TcpStatusTest, ReadyPrinterIsReady) {
    EmulatorProcess emulator;
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(emulator.port()));

    const auto status = test::statusAndWait(io, transport);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->ready()) << status->summary() << " " << status->detail;
}

TEST(TcpStatusTest, StatesChangeAtRunTime) {
    EmulatorProcess emulator;
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(emulator.port()));
    using Problem = PrinterStatus::Problem;

    const std::pair<const char*, Problem> cases[] = {{"paper-out", Problem::PaperOut},
                                                     {"head-open", Problem::HeadOpen},
                                                     {"paused", Problem::Paused},
                                                     {"ribbon-out", Problem::RibbonOut}};
    for (const auto& [state, problem] : cases) {
        ASSERT_EQ(emulator.control(std::string("state ") + state),
                  std::string("ok state ") + state);
        const auto status = test::statusAndWait(io, transport);
        ASSERT_TRUE(status) << state;
        EXPECT_FALSE(status->ready()) << state;
        EXPECT_TRUE(status->has(problem)) << state << ": " << status->summary();
    }
}

TEST(TcpStatusTest, SilentPrinterIsNotReady) {
    EmulatorProcess emulator({"--state", "silent"});
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(emulator.port()));

    const auto start = std::chrono::steady_clock::now();
    const auto status = test::statusAndWait(io, transport);
    ASSERT_TRUE(status);
    EXPECT_FALSE(status->ready());
    EXPECT_TRUE(status->has(PrinterStatus::Problem::NoAnswer)) << status->summary();
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(350));
}

TEST(TcpStatusTest, ExtendedStatusReportsHeadOpen) {
    EmulatorProcess emulator({"--state", "head-open"});
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(emulator.port()));

    const auto status = test::statusAndWait(io, transport, StatusRequest::Extended);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->has(PrinterStatus::Problem::HeadOpen)) << status->summary();
}

TEST(TcpStatusTest, UnreachablePrinterIsNotReady) {
    boost::asio::io_context io;
    TcpTransport transport(io, tcpConfig(closedPort()));

    const auto status = test::statusAndWait(io, transport);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->has(PrinterStatus::Problem::Unreachable)) << status->summary();
}

}  // namespace
}  // namespace station::print
