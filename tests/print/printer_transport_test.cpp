#include "print/printer_transport.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
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

// Sends the status request that [printer] status_command chooses.
std::optional<PrinterStatus> configuredStatusAndWait(boost::asio::io_context& io,
                                                     PrinterTransport& transport) {
    return test::runUntilDone<PrinterStatus>(io, [&](auto done) { transport.queryStatus(done); });
}

std::size_t commandCount(const test::EmulatorProcess& emulator, const std::string& command) {
    const auto commands = emulator.commands();
    return static_cast<std::size_t>(std::count(commands.begin(), commands.end(), command));
}

TEST(PrinterTransportTest, AutoStatusFallsBackToHostStatus) {
    CapturedLog log;
    test::EmulatorProcess emulator({"--no-hqes", "--state", "paper-out"});
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, tcpConfig(emulator.port()));

    const auto first = configuredStatusAndWait(io, *transport);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->has(PrinterStatus::Problem::PaperOut)) << first->summary();
    EXPECT_EQ(commandCount(emulator, "~HQ"), 1u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 1u);
    EXPECT_NE(log.text().find("asking ~HS from now on"), std::string::npos) << log.text();

    // The transport now knows the printer lacks ~HQES and sends ~HS only.
    const auto second = configuredStatusAndWait(io, *transport);
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->has(PrinterStatus::Problem::PaperOut)) << second->summary();
    EXPECT_EQ(commandCount(emulator, "~HQ"), 1u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 2u);
}

TEST(PrinterTransportTest, AutoStatusTrustsAnsweredHqes) {
    test::EmulatorProcess emulator;
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, tcpConfig(emulator.port()));

    const auto ready = configuredStatusAndWait(io, *transport);
    ASSERT_TRUE(ready);
    EXPECT_TRUE(ready->ready()) << ready->summary();

    // A printer that answered ~HQES and then falls silent is not ready; ~HS is not tried.
    ASSERT_EQ(emulator.control("state silent"), "ok state silent");
    const auto silent = configuredStatusAndWait(io, *transport);
    ASSERT_TRUE(silent);
    EXPECT_TRUE(silent->has(PrinterStatus::Problem::NoAnswer)) << silent->summary();
    EXPECT_EQ(commandCount(emulator, "~HQ"), 2u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 0u);
}

TEST(PrinterTransportTest, AutoStatusSilentPrinterTriesBoth) {
    test::EmulatorProcess emulator({"--state", "silent"});
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, tcpConfig(emulator.port()));

    for (int query = 0; query < 2; ++query) {
        const auto status = configuredStatusAndWait(io, *transport);
        ASSERT_TRUE(status);
        EXPECT_FALSE(status->ready());
        EXPECT_TRUE(status->has(PrinterStatus::Problem::NoAnswer)) << status->summary();
    }
    // Silence to both says nothing about ~HQES support, so both are sent each time.
    EXPECT_EQ(commandCount(emulator, "~HQ"), 2u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 2u);

    ASSERT_EQ(emulator.control("state head-open"), "ok state head-open");
    const auto headOpen = configuredStatusAndWait(io, *transport);
    ASSERT_TRUE(headOpen);
    EXPECT_TRUE(headOpen->has(PrinterStatus::Problem::HeadOpen)) << headOpen->summary();
    EXPECT_EQ(commandCount(emulator, "~HQ"), 3u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 2u);
}

TEST(PrinterTransportTest, ConfiguredStatusCommandIsSent) {
    test::EmulatorProcess emulator({"--no-hqes"});
    boost::asio::io_context io;

    config::PrinterConfig hostStatus = tcpConfig(emulator.port());
    hostStatus.statusCommand = config::PrinterStatusCommand::HostStatus;
    const auto hostStatusTransport = makePrinterTransport(io, hostStatus);
    const auto ready = configuredStatusAndWait(io, *hostStatusTransport);
    ASSERT_TRUE(ready);
    EXPECT_TRUE(ready->ready()) << ready->summary();
    EXPECT_EQ(commandCount(emulator, "~HQ"), 0u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 1u);

    // "hqes" never falls back: a printer without ~HQES is then never ready.
    config::PrinterConfig extended = tcpConfig(emulator.port());
    extended.statusCommand = config::PrinterStatusCommand::Extended;
    const auto extendedTransport = makePrinterTransport(io, extended);
    const auto silent = configuredStatusAndWait(io, *extendedTransport);
    ASSERT_TRUE(silent);
    EXPECT_TRUE(silent->has(PrinterStatus::Problem::NoAnswer)) << silent->summary();
    EXPECT_EQ(commandCount(emulator, "~HQ"), 1u);
    EXPECT_EQ(commandCount(emulator, "~HS"), 1u);
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
