#include "drivers/tcp_scanner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>
#include <thread>

#include "drivers/length_framer.hpp"
#include "tests/drivers/scan_recorder.hpp"

namespace station::drivers {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;
using test_support::runUntil;
using test_support::ScanRecorder;

config::ScannerConfig tcpConfig(bool listen, std::uint16_t port = 0) {
    config::ScannerConfig config;
    config.name = "tunnel";
    config.kind = config::ScannerKind::Tcp;
    config.host = "127.0.0.1";
    config.port = port;
    config.listen = listen;
    config.suffix = config::Suffix::CrLf;
    return config;
}

void send(tcp::socket& socket, const std::string& bytes) {
    boost::asio::write(socket, boost::asio::buffer(bytes));
}

std::string lengthPrefixed(const std::string& data, std::size_t bytes) {
    std::string out;
    for (std::size_t i = bytes; i-- > 0;) {
        out.push_back(static_cast<char>((data.size() >> (8 * i)) & 0xFF));
    }
    return out + data;
}

class TcpScannerTest : public ::testing::Test {
protected:
    std::shared_ptr<TcpScanner> startServer(config::ScannerConfig config) {
        auto scanner = std::make_shared<TcpScanner>(io_, config, recorder_.sink());
        scanner->start();
        EXPECT_NE(scanner->localPort(), 0);
        return scanner;
    }

    tcp::socket connectTo(std::uint16_t port) {
        tcp::socket socket(client_);
        socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        return socket;
    }

    boost::asio::io_context io_;
    boost::asio::io_context client_;
    ScanRecorder recorder_;
};

TEST_F(TcpScannerTest, ServerFramesBySuffix) {
    auto scanner = startServer(tcpConfig(true));
    tcp::socket reader = connectTo(scanner->localPort());
    send(reader,
         "]d2010950600013435210AB\x1D"
         "17260101\r\nSO-1\r\n");

    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));
    EXPECT_EQ(recorder_.scans[0].data,
              "]d2010950600013435210AB\x1D"
              "17260101");
    EXPECT_EQ(recorder_.scans[0].device, "tunnel");
    EXPECT_EQ(recorder_.scans[1].data, "SO-1");
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::Connected), 1u);
    scanner->stop();
}

TEST_F(TcpScannerTest, TwoReadersFramedSeparately) {
    auto scanner = startServer(tcpConfig(true));
    tcp::socket left = connectTo(scanner->localPort());
    tcp::socket right = connectTo(scanner->localPort());
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Connected) >= 2; }));

    send(left, "LEFT-");
    send(right, "RIGHT-");
    runUntil(
        io_, [] { return false; }, 50ms);
    send(left, "1\r\n");
    send(right, "2\r\n");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));

    std::vector<std::string> data = recorder_.data();
    std::sort(data.begin(), data.end());
    EXPECT_EQ(data, (std::vector<std::string>{"LEFT-1", "RIGHT-2"}));
    scanner->stop();
}

TEST_F(TcpScannerTest, LengthFramingKeepsLineEnds) {
    config::ScannerConfig config = tcpConfig(true);
    config.lengthPrefixBytes = 4;
    config.maxLength = 32;
    auto scanner = startServer(config);
    tcp::socket reader = connectTo(scanner->localPort());
    send(reader, lengthPrefixed("LINE1\r\nLINE2", 4) + lengthPrefixed(std::string(100, 'X'), 4) +
                     lengthPrefixed("", 4) + lengthPrefixed("AFTER", 4));

    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));
    EXPECT_EQ(recorder_.data(), (std::vector<std::string>{"LINE1\r\nLINE2", "AFTER"}));
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::ScanRejected), 1u);
    scanner->stop();
}

TEST_F(TcpScannerTest, ClientReconnectsAfterDrop) {
    tcp::acceptor acceptor(client_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    auto scanner = std::make_shared<TcpScanner>(
        io_, tcpConfig(false, acceptor.local_endpoint().port()), recorder_.sink());
    scanner->start();

    auto acceptOne = [&] {
        tcp::socket socket(client_);
        acceptor.non_blocking(true);
        boost::system::error_code error;
        runUntil(io_, [&] {
            acceptor.accept(socket, error);
            return !error;
        });
        return socket;
    };

    tcp::socket first = acceptOne();
    ASSERT_TRUE(first.is_open());
    send(first, "ONE\r\nCUT-OF");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 1; }));
    first.close();
    ASSERT_TRUE(
        runUntil(io_, [&] { return recorder_.count(DeviceEvent::Kind::Disconnected) >= 1; }));
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::ScanRejected), 1u);

    tcp::socket second = acceptOne();
    ASSERT_TRUE(second.is_open());
    send(second, "TWO\r\n");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 2; }));
    EXPECT_EQ(recorder_.data(), (std::vector<std::string>{"ONE", "TWO"}));
    EXPECT_EQ(recorder_.count(DeviceEvent::Kind::Connected), 2u);
    scanner->stop();
}

TEST_F(TcpScannerTest, FeedbackGoesToLastReader) {
    config::ScannerConfig config = tcpConfig(true);
    config.goodReadCommand = "\x06";
    config.badReadCommand = "\x15";
    auto scanner = startServer(config);
    tcp::socket idle = connectTo(scanner->localPort());
    tcp::socket reader = connectTo(scanner->localPort());
    send(reader, "X\r\n");
    ASSERT_TRUE(runUntil(io_, [&] { return recorder_.scans.size() >= 1; }));

    scanner->sendFeedback(Feedback::BadRead);
    runUntil(
        io_, [] { return false; }, 50ms);
    char byte = 0;
    boost::asio::read(reader, boost::asio::buffer(&byte, 1));
    EXPECT_EQ(byte, '\x15');
    EXPECT_EQ(idle.available(), 0u);
    scanner->stop();
}

TEST_F(TcpScannerTest, BurstOfThousandScansInOrder) {
    auto scanner = startServer(tcpConfig(true));
    tcp::socket reader = connectTo(scanner->localPort());
    std::string burst;
    for (int i = 0; i < 1000; ++i) {
        burst +=
            "0109506000134352"
            "21N" +
            std::to_string(i) + "\r\n";
    }
    std::thread writer([&] { send(reader, burst); });
    const bool complete = runUntil(
        io_, [&] { return recorder_.scans.size() >= 1000; }, 10s);
    writer.join();
    ASSERT_TRUE(complete);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(recorder_.scans[static_cast<std::size_t>(i)].data,
                  "0109506000134352"
                  "21N" +
                      std::to_string(i));
    }
    scanner->stop();
}

TEST(TcpScannerConfigTest, InvalidSettingsThrow) {
    boost::asio::io_context io;
    EXPECT_THROW(TcpScanner(io, tcpConfig(false, 0), {}), std::invalid_argument);
    config::ScannerConfig config = tcpConfig(true);
    config.lengthPrefixBytes = 3;
    EXPECT_THROW(TcpScanner(io, config, {}), std::invalid_argument);
}

struct LengthCase {
    std::string name;
    std::size_t lengthBytes;
    std::string input;
    std::vector<std::string> scans;
    std::size_t rejected;
};

TEST(LengthFramerTest, Table) {
    const LengthCase cases[] = {
        {"two-byte", 2, lengthPrefixed("AB", 2) + lengthPrefixed("C\rD", 2), {"AB", "C\rD"}, 0},
        {"four-byte", 4, lengthPrefixed("X\x1DY", 4), {"X\x1DY"}, 0},
        {"zero length skipped", 2, lengthPrefixed("", 2) + lengthPrefixed("Z", 2), {"Z"}, 0},
        {"overlong skipped",
         2,
         lengthPrefixed(std::string(20, 'L'), 2) + lengthPrefixed("OK", 2),
         {"OK"},
         1},
        {"incomplete waits",
         2,
         lengthPrefixed("DONE", 2) + lengthPrefixed("PARTIAL", 2).substr(0, 5),
         {"DONE"},
         0},
    };
    for (const LengthCase& c : cases) {
        for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, c.input.size()}) {
            LengthFramer framer(c.lengthBytes, FramerOptions{config::Suffix::Cr, 8, {}, false});
            std::vector<std::string> scans;
            std::size_t rejected = 0;
            for (std::size_t offset = 0; offset < c.input.size(); offset += chunk) {
                for (const Frame& frame :
                     framer.feed(std::string_view(c.input).substr(offset, chunk))) {
                    if (frame.kind == Frame::Kind::Scan) {
                        scans.push_back(frame.data);
                    } else {
                        ++rejected;
                    }
                }
            }
            EXPECT_EQ(scans, c.scans) << c.name << ", chunk " << chunk;
            EXPECT_EQ(rejected, c.rejected) << c.name << ", chunk " << chunk;
        }
    }
}

}  // namespace
}  // namespace station::drivers
