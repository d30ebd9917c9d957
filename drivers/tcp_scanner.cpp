#include "drivers/tcp_scanner.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>
#include <utility>

namespace station::drivers {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

const config::ScannerConfig& validated(const config::ScannerConfig& config) {
    const std::string where = "scanner '" + config.name + "'";
    if (!config.listen && config.host.empty()) {
        throw std::invalid_argument(where + ": host is empty; set the reader's address");
    }
    if (!config.listen && config.port == 0) {
        throw std::invalid_argument(where + ": port is 0; set the reader's TCP port");
    }
    if (config.lengthPrefixBytes != 0 && config.lengthPrefixBytes != 2 &&
        config.lengthPrefixBytes != 4) {
        throw std::invalid_argument(where + ": length_prefix_bytes is " +
                                    std::to_string(config.lengthPrefixBytes) +
                                    "; use 0 (suffix framing), 2 or 4");
    }
    return config;
}

std::string endpointText(const tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    const std::string host =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(endpoint.port());
}

std::string identityOf(const config::ScannerConfig& config) {
    const std::string host = config.host.empty() ? "*" : config.host;
    return config.name + " (tcp " + (config.listen ? "listening on " : "") + host + ":" +
           std::to_string(config.port) + ")";
}

}  // namespace

TcpScanner::TcpScanner(asio::io_context& io, config::ScannerConfig config, ScanSink sink)
    : io_(io),
      config_(validated(config)),
      reporter_(config_.name, identityOf(config_), std::move(sink)),
      acceptor_(io),
      retryTimer_(io),
      backoff_(kFirstRetry, kMaxRetry) {}

TcpScanner::Framer TcpScanner::makeFramer() const {
    FramerOptions options;
    options.suffix = config_.suffix;
    options.maxLength = config_.maxLength;
    options.prefix = config_.prefix;
    if (config_.lengthPrefixBytes != 0) {
        return Framer(std::in_place_type<LengthFramer>, config_.lengthPrefixBytes, options);
    }
    return Framer(std::in_place_type<ScanFramer>, options);
}

void TcpScanner::start() {
    if (running_) {
        return;
    }
    running_ = true;
    if (config_.listen) {
        listen();
    } else {
        connect();
    }
}

void TcpScanner::stop() {
    running_ = false;
    retryTimer_.cancel();
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (const ConnectionPtr& connection : connections_) {
        connection->socket.close(ignored);
    }
    connections_.clear();
}

std::uint16_t TcpScanner::localPort() const {
    boost::system::error_code error;
    const auto endpoint = acceptor_.local_endpoint(error);
    return error ? 0 : endpoint.port();
}

void TcpScanner::listen() {
    boost::system::error_code error;
    const std::string host = config_.host.empty() ? "0.0.0.0" : config_.host;
    const auto address = asio::ip::make_address(host, error);
    if (error) {
        reporter_.event(DeviceEvent::Kind::Error,
                        fmt::format("Invalid listen address '{}': {}; use an IP address such as "
                                    "0.0.0.0 or 127.0.0.1",
                                    host, error.message()));
        return;
    }
    const tcp::endpoint endpoint(address, config_.port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) {
        acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    }
    if (!error) {
        acceptor_.bind(endpoint, error);
    }
    if (!error) {
        acceptor_.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        reporter_.event(DeviceEvent::Kind::Error,
                        fmt::format("Failed to listen on {}: {}; check that the port is free",
                                    endpointText(endpoint), error.message()));
        retryTimer_.expires_after(backoff_.next());
        retryTimer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
            if (!e && self->running_) {
                self->listen();
            }
        });
        return;
    }
    reporter_.setIdentity(config_.name + " (tcp listening on " +
                          endpointText(acceptor_.local_endpoint()) + ")");
    reporter_.log().info("{}: Listening for network readers", reporter_.identity());
    accept();
}

void TcpScanner::accept() {
    acceptor_.async_accept([self = shared_from_this()](const boost::system::error_code& error,
                                                       tcp::socket socket) {
        if (!self->running_) {
            return;
        }
        if (error) {
            self->reporter_.log().warn("{}: Failed to accept a connection: {}",
                                       self->reporter_.identity(), error.message());
        } else {
            self->onConnected(std::make_shared<Connection>(std::move(socket), self->makeFramer()));
        }
        self->accept();
    });
}

void TcpScanner::connect() {
    auto connection = std::make_shared<Connection>(tcp::socket(io_), makeFramer());
    auto resolver = std::make_shared<tcp::resolver>(io_);
    resolver->async_resolve(
        config_.host, std::to_string(config_.port),
        [self = shared_from_this(), resolver, connection](
            const boost::system::error_code& resolveError, tcp::resolver::results_type results) {
            if (!self->running_) {
                return;
            }
            const auto fail = [&](const boost::system::error_code& error) {
                const std::string message = fmt::format(
                    "Failed to connect to {}:{}: {}; retrying, check that the reader is on and "
                    "the address is right",
                    self->config_.host, self->config_.port, error.message());
                if (message != self->lastConnectError_) {
                    self->lastConnectError_ = message;
                    self->reporter_.event(DeviceEvent::Kind::Error, message);
                }
                self->scheduleReconnect();
            };
            if (resolveError) {
                fail(resolveError);
                return;
            }
            asio::async_connect(connection->socket, results,
                                [self, connection, fail](const boost::system::error_code& error,
                                                         const tcp::endpoint&) {
                                    if (!self->running_) {
                                        return;
                                    }
                                    if (error) {
                                        fail(error);
                                        return;
                                    }
                                    self->lastConnectError_.clear();
                                    self->backoff_.reset();
                                    self->onConnected(connection);
                                });
        });
}

void TcpScanner::scheduleReconnect() {
    if (!running_) {
        return;
    }
    retryTimer_.expires_after(backoff_.next());
    retryTimer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
        if (!error && self->running_) {
            self->connect();
        }
    });
}

void TcpScanner::onConnected(ConnectionPtr connection) {
    boost::system::error_code error;
    const auto peer = connection->socket.remote_endpoint(error);
    connection->peer = error ? "unknown peer" : endpointText(peer);
    connections_.push_back(connection);
    reporter_.event(DeviceEvent::Kind::Connected, "Connected to " + connection->peer);
    read(std::move(connection));
}

void TcpScanner::read(ConnectionPtr connection) {
    auto& buffer = connection->buffer;
    connection->socket.async_read_some(
        asio::buffer(buffer), [self = shared_from_this(), connection = std::move(connection)](
                                  const boost::system::error_code& error, std::size_t length) {
            if (!self->running_) {
                return;
            }
            if (length > 0) {
                const std::string_view bytes(connection->buffer.data(), length);
                std::vector<Frame> frames = std::visit(
                    [&](auto& framer) { return framer.feed(bytes); }, connection->framer);
                for (const Frame& frame : frames) {
                    if (frame.kind == Frame::Kind::Scan) {
                        self->lastScanFrom_ = connection;
                    }
                }
                self->reporter_.frames(std::move(frames));
            }
            if (error) {
                self->onClosed(connection, error);
                return;
            }
            self->read(connection);
        });
}

void TcpScanner::onClosed(const ConnectionPtr& connection, const boost::system::error_code& error) {
    boost::system::error_code ignored;
    connection->socket.close(ignored);
    connections_.remove(connection);

    const std::size_t partial =
        std::visit([](auto& framer) { return framer.discardPartial(); }, connection->framer);
    reporter_.partialDiscarded(partial,
                               "the connection from " + connection->peer + " closed mid-scan");
    const std::string reason = error == asio::error::eof ? "closed by the reader" : error.message();
    reporter_.event(DeviceEvent::Kind::Disconnected,
                    fmt::format("Connection to {} ended: {}{}", connection->peer, reason,
                                config_.listen ? "" : "; reconnecting"));
    if (!config_.listen) {
        scheduleReconnect();
    }
}

void TcpScanner::sendFeedback(Feedback feedback) {
    const std::string& command =
        feedback == Feedback::GoodRead ? config_.goodReadCommand : config_.badReadCommand;
    const ConnectionPtr connection = lastScanFrom_.lock();
    if (command.empty() || !connection || !connection->socket.is_open()) {
        return;
    }
    connection->writes.push_back(command);
    if (!connection->writing) {
        write(connection);
    }
}

void TcpScanner::write(const ConnectionPtr& connection) {
    if (connection->writes.empty()) {
        connection->writing = false;
        return;
    }
    connection->writing = true;
    asio::async_write(connection->socket, asio::buffer(connection->writes.front()),
                      [self = shared_from_this(), connection](
                          const boost::system::error_code& error, std::size_t) {
                          connection->writes.pop_front();
                          if (error) {
                              // The read side reports the closed connection.
                              connection->writes.clear();
                              connection->writing = false;
                              return;
                          }
                          self->write(connection);
                      });
}

}  // namespace station::drivers
