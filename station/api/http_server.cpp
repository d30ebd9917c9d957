#include "station/api/http_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <optional>

#include "station/logging.hpp"

namespace station::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

constexpr std::size_t kMaxConnections = 64;
constexpr std::chrono::seconds kRequestTimeout{30};
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kMaxQueuedEvents = 1000;
// How long, and how many bytes, a closing connection reads and drops from a client that is
// still sending.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerLimit = 8 * 1024 * 1024;
constexpr std::string_view kEventsPath = "/api/v1/events";

std::shared_ptr<spdlog::logger> log() {
    return componentLogger("api");
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Decodes %XX escapes (and '+' as a space in query strings). Returns nothing for a broken
// escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            decoded += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (plusIsSpace && text[i] == '+') {
            decoded += ' ';
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

// Fills the path and query of `request` from a request target. Returns false when the target
// is not an origin-form path or has a broken escape.
bool parseTarget(std::string_view target, Request& request) {
    if (target.empty() || target.front() != '/') {
        return false;
    }
    const std::size_t mark = target.find('?');
    std::optional<std::string> path = percentDecode(target.substr(0, mark), false);
    if (!path) {
        return false;
    }
    request.path = std::move(*path);
    if (mark == std::string_view::npos) {
        return true;
    }
    std::string_view query = target.substr(mark + 1);
    while (!query.empty()) {
        const std::size_t end = query.find('&');
        std::string_view pair = query.substr(0, end);
        const std::size_t equals = pair.find('=');
        std::optional<std::string> key = percentDecode(pair.substr(0, equals), true);
        std::optional<std::string> value = equals == std::string_view::npos
                                               ? std::optional<std::string>("")
                                               : percentDecode(pair.substr(equals + 1), true);
        if (!key || !value) {
            return false;
        }
        if (!key->empty()) {
            request.query[*key] = std::move(*value);
        }
        if (end == std::string_view::npos) {
            break;
        }
        query.remove_prefix(end + 1);
    }
    return true;
}

// The Host header must name the station by IP address or as "localhost", optionally with a
// port. A web page that resolves its own domain name to 127.0.0.1 (DNS rebinding) therefore
// cannot reach the API from a browser on the station.
bool isAllowedHost(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    std::string_view name = host;
    if (name.front() == '[') {
        const std::size_t close = name.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        name = name.substr(1, close - 1);
    } else if (const std::size_t colon = name.rfind(':');
               colon != std::string_view::npos && name.find(':') == colon) {
        name = name.substr(0, colon);
    }
    if (name == "localhost") {
        return true;
    }
    boost::system::error_code error;
    boost::asio::ip::make_address(std::string(name), error);
    return !error;
}

// A browser sends Origin on cross-site requests. Only pages served by the station itself may
// call the API from a browser; tools that send no Origin (curl, integrations) are not affected.
bool isAllowedOrigin(const Request& request) {
    std::optional<std::string> origin = request.header("origin");
    if (!origin) {
        return true;
    }
    std::optional<std::string> host = request.header("host");
    return host && (*origin == "http://" + *host || *origin == "https://" + *host);
}

}  // namespace

// One client connection: HTTP requests one after another (keep-alive), or, after a WebSocket
// upgrade of GET /api/v1/events, a stream of events. Lives on the event loop's thread.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(HttpServer& server, tcp::socket socket)
        : server_(server), stream_(std::move(socket)) {}

    void start() { readRequest(); }

    void close() {
        if (closed_) {
            return;
        }
        closed_ = true;
        if (subscription_ != 0) {
            server_.events_.unsubscribe(subscription_);
            subscription_ = 0;
        }
        beast::error_code ignored;
        if (socket_) {
            socket_->next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
            socket_->next_layer().close();
        } else {
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream_.close();
        }
    }

private:
    void readRequest() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(server_.config_.maxBodyBytes);
        stream_.expires_after(kRequestTimeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code error, std::size_t) {
                             self->onRead(error);
                         });
    }

    void onRead(beast::error_code error) {
        if (closed_) {
            return;
        }
        if (error == http::error::body_limit) {
            writeResponse(
                Response::error(413, "body_too_large",
                                fmt::format("the request body is larger than {} bytes; send less "
                                            "or raise [api] max_body_bytes",
                                            server_.config_.maxBodyBytes)),
                false);
            return;
        }
        if (error == http::error::end_of_stream || error == beast::error::timeout ||
            error == boost::asio::error::connection_reset || error == boost::asio::error::eof) {
            finish();
            return;
        }
        if (error) {
            writeResponse(Response::error(400, "bad_request",
                                          fmt::format("the request is not valid HTTP/1.1: {}",
                                                      error.message())),
                          false);
            return;
        }
        handle(parser_->release());
    }

    void handle(http::request<http::string_body> message) {
        Request request;
        request.method = std::string(message.method_string());
        bool repeatedHost = false;
        for (const auto& field : message) {
            std::string name(field.name_string());
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            repeatedHost = repeatedHost || (name == "host" && request.headers.contains(name));
            request.headers[name] = std::string(field.value());
        }
        request.body = std::move(message.body());
        const bool keepAlive = message.keep_alive();

        const auto target = message.target();
        if (!parseTarget(std::string_view(target.data(), target.size()), request)) {
            writeResponse(Response::error(400, "bad_target",
                                          "the request path or query has a broken %-escape"),
                          false);
            return;
        }
        if (repeatedHost) {
            writeResponse(
                Response::error(400, "repeated_host", "the request has more than one Host header"),
                false);
            return;
        }
        if (!isAllowedHost(request.header("host").value_or(""))) {
            writeResponse(Response::error(403, "host_not_allowed",
                                          "address the station by its IP address or as "
                                          "localhost, not by a domain name"),
                          false);
            return;
        }
        if (!isAllowedOrigin(request)) {
            writeResponse(
                Response::error(403, "origin_not_allowed",
                                "requests from other web pages are refused; open the operator "
                                "page from the station itself"),
                false);
            return;
        }
        if (websocket::is_upgrade(message)) {
            if (request.path != kEventsPath) {
                writeResponse(Response::error(404, "not_found",
                                              fmt::format("WebSocket connections are served on "
                                                          "{} only",
                                                          kEventsPath)),
                              false);
                return;
            }
            upgrade(std::move(message), request);
            return;
        }

        auto self = shared_from_this();
        boost::asio::io_context& io = server_.io_;
        server_.router_.dispatch(std::move(request), [self, &io, keepAlive](Response response) {
            boost::asio::post(io, [self, keepAlive, response = std::move(response)]() mutable {
                if (!self->closed_) {
                    self->writeResponse(std::move(response), keepAlive);
                }
            });
        });
    }

    void writeResponse(Response response, bool keepAlive) {
        response_ = {};
        response_.version(11);
        response_.result(static_cast<http::status>(response.status));
        response_.set(http::field::server, "stationd");
        response_.set(http::field::content_type, response.contentType);
        response_.set(http::field::cache_control, "no-store");
        response_.set("X-Content-Type-Options", "nosniff");
        for (const auto& [name, value] : response.headers) {
            response_.set(name, value);
        }
        response_.body() = std::move(response.body);
        response_.keep_alive(keepAlive);
        response_.prepare_payload();
        stream_.expires_after(kRequestTimeout);
        http::async_write(
            stream_, response_,
            [self = shared_from_this(), keepAlive](beast::error_code error, std::size_t) {
                if (error || self->closed_) {
                    self->finish();
                } else if (!keepAlive) {
                    self->lingerAndFinish();
                } else {
                    self->readRequest();
                }
            });
    }

    // Closes after a response that ends the connection. A client may still be sending a
    // rejected body (413), and closing with its bytes unread makes the kernel reset the
    // connection, so the client could lose the response. Therefore the sending side is shut
    // first, and the rest of the request is read and dropped for a short while.
    void lingerAndFinish() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kLingerTimeout);
        drainRequest();
    }

    void drainRequest() {
        stream_.async_read_some(
            boost::asio::buffer(drain_),
            [self = shared_from_this()](beast::error_code error, std::size_t size) {
                self->drained_ += size;
                if (error || self->closed_ || self->drained_ > kLingerLimit) {
                    self->finish();
                } else {
                    self->drainRequest();
                }
            });
    }

    void upgrade(http::request<http::string_body> message, const Request& request) {
        std::uint64_t after = 0;
        if (std::optional<std::string> value = request.queryValue("after")) {
            try {
                after = std::stoull(*value);
            } catch (const std::exception&) {
                writeResponse(Response::error(400, "bad_after",
                                              fmt::format("after=\"{}\" is not an event "
                                                          "sequence number",
                                                          *value)),
                              false);
                return;
            }
        }
        stream_.expires_never();
        socket_ = std::make_unique<websocket::stream<beast::tcp_stream>>(std::move(stream_));
        socket_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        socket_->text(true);
        socket_->async_accept(message, [self = shared_from_this(), after](beast::error_code error) {
            if (error) {
                self->finish();
                return;
            }
            self->startStreaming(after);
        });
    }

    void startStreaming(std::uint64_t after) {
        for (const StationEvent& event : server_.events_.since(after)) {
            queue(event);
        }
        std::weak_ptr<Connection> weak = weak_from_this();
        subscription_ = server_.events_.subscribe([weak](const StationEvent& event) {
            if (auto self = weak.lock()) {
                self->queue(event);
            }
        });
        readWebSocket();
    }

    void queue(const StationEvent& event) {
        if (closed_) {
            return;
        }
        if (outbox_.size() >= kMaxQueuedEvents) {
            log()->warn("Closing an event stream that fell {} events behind", outbox_.size());
            finish();
            return;
        }
        outbox_.push_back(
            event.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (!writing_) {
            writeNext();
        }
    }

    void writeNext() {
        if (outbox_.empty() || closed_) {
            writing_ = false;
            return;
        }
        writing_ = true;
        socket_->async_write(boost::asio::buffer(outbox_.front()),
                             [self = shared_from_this()](beast::error_code error, std::size_t) {
                                 if (error) {
                                     self->finish();
                                     return;
                                 }
                                 self->outbox_.pop_front();
                                 self->writeNext();
                             });
    }

    // Reads and discards client messages so that pings, pongs and the close handshake work.
    void readWebSocket() {
        socket_->async_read(incoming_,
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                                if (error) {
                                    self->finish();
                                    return;
                                }
                                self->incoming_.consume(self->incoming_.size());
                                self->readWebSocket();
                            });
    }

    void finish() {
        close();
        server_.forget(shared_from_this());
    }

    HttpServer& server_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::unique_ptr<websocket::stream<beast::tcp_stream>> socket_;
    beast::flat_buffer incoming_;
    std::deque<std::string> outbox_;
    std::array<char, 16 * 1024> drain_{};
    std::size_t drained_ = 0;
    bool writing_ = false;
    int subscription_ = 0;
    bool closed_ = false;
};

HttpServer::HttpServer(boost::asio::io_context& io, const config::ApiConfig& config,
                       const Router& router, EventHub& events)
    : io_(io), config_(config), router_(router), events_(events), acceptor_(io) {}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    boost::system::error_code error;
    const boost::asio::ip::address address =
        boost::asio::ip::make_address(config_.listenAddress, error);
    if (error) {
        throw std::runtime_error(fmt::format(
            "API address \"{}\" is not an IP address; set [api] listen to \"127.0.0.1\"",
            config_.listenAddress));
    }
    const tcp::endpoint endpoint(address, config_.port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) {
        acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
        acceptor_.bind(endpoint, error);
    }
    if (!error) {
        acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        acceptor_.close();
        throw std::runtime_error(
            fmt::format("Failed to listen on {}:{}: {}; stop the program that uses the port or "
                        "set another [api] port",
                        config_.listenAddress, config_.port, error.message()));
    }
    stopped_ = false;
    if (!address.is_loopback()) {
        log()->warn("The API listens on {}, which other hosts can reach{}", config_.listenAddress,
                    config_.token.empty() ? "; set [api] token to protect order imports" : "");
    }
    accept();
}

void HttpServer::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    // close() may drop the last reference held elsewhere, so keep them alive while closing.
    std::set<std::shared_ptr<Connection>> connections = std::move(connections_);
    connections_.clear();
    for (const auto& connection : connections) {
        connection->close();
    }
}

boost::asio::ip::tcp::endpoint HttpServer::endpoint() const {
    boost::system::error_code ignored;
    return acceptor_.local_endpoint(ignored);
}

void HttpServer::accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
        if (stopped_ || error == boost::asio::error::operation_aborted) {
            return;
        }
        if (error) {
            log()->warn("Failed to accept an API connection: {}", error.message());
        } else if (connections_.size() >= kMaxConnections) {
            // Refusing at once is kinder to the station than queueing without bound.
            boost::system::error_code ignored;
            socket.close(ignored);
            log()->warn("Refused an API connection: {} connections are open", kMaxConnections);
        } else {
            auto connection = std::make_shared<Connection>(*this, std::move(socket));
            connections_.insert(connection);
            connection->start();
        }
        accept();
    });
}

void HttpServer::forget(const std::shared_ptr<Connection>& connection) {
    connections_.erase(connection);
}

}  // namespace station::api
