#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <variant>

#include "config/station_config.hpp"
#include "drivers/backoff.hpp"
#include "drivers/length_framer.hpp"
#include "drivers/scan_framer.hpp"
#include "drivers/scan_source.hpp"
#include "drivers/source_reporter.hpp"

namespace station::drivers {

// A network reader: a fixed-mount scanner or a tunnel that sends scans over TCP. As a client
// (listen = false) the station connects to host:port and reconnects with backoff; as a server
// (listen = true) it accepts any number of readers on host:port, each framed on its own. Scans
// end at the suffix, or follow a 2- or 4-byte big-endian length (lengthPrefixBytes).
//
// Feedback commands go to the connection that sent the last scan.
//
// Create it with std::make_shared: pending operations keep the scanner alive until they finish.
class TcpScanner : public ScanSource, public std::enable_shared_from_this<TcpScanner> {
public:
    // Throws std::invalid_argument for a missing host (client), a zero port (client) or a
    // length prefix other than 0, 2 or 4.
    TcpScanner(boost::asio::io_context& io, config::ScannerConfig config, ScanSink sink);

    const std::string& name() const override { return reporter_.name(); }
    void start() override;
    void stop() override;
    void sendFeedback(Feedback feedback) override;

    // The port the server listens on (useful with port 0), or 0 when not listening.
    std::uint16_t localPort() const;

    static constexpr std::chrono::milliseconds kFirstRetry{100};
    static constexpr std::chrono::milliseconds kMaxRetry{2000};

private:
    using Framer = std::variant<ScanFramer, LengthFramer>;

    struct Connection {
        explicit Connection(boost::asio::ip::tcp::socket s, Framer f)
            : socket(std::move(s)), framer(std::move(f)) {}
        boost::asio::ip::tcp::socket socket;
        Framer framer;
        std::string peer;
        std::array<char, 4096> buffer{};
        std::deque<std::string> writes;
        bool writing = false;
    };
    using ConnectionPtr = std::shared_ptr<Connection>;

    Framer makeFramer() const;
    void listen();
    void accept();
    void connect();
    void scheduleReconnect();
    void onConnected(ConnectionPtr connection);
    void read(ConnectionPtr connection);
    void onClosed(const ConnectionPtr& connection, const boost::system::error_code& error);
    void write(const ConnectionPtr& connection);

    boost::asio::io_context& io_;
    config::ScannerConfig config_;
    SourceReporter reporter_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retryTimer_;
    Backoff backoff_;
    std::list<ConnectionPtr> connections_;
    std::weak_ptr<Connection> lastScanFrom_;
    bool running_ = false;
    std::string lastConnectError_;
};

}  // namespace station::drivers
