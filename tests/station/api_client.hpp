#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace station::testing {

struct HttpReply {
    unsigned status = 0;
    std::string contentType;
    std::string body;

    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// A plain HTTP/1.1 client for the daemon's API on loopback: one connection per request.
class ApiClient {
public:
    explicit ApiClient(unsigned short port) : port_(port) {}

    HttpReply get(const std::string& target,
                  const std::map<std::string, std::string>& headers = {}) const {
        return request(boost::beast::http::verb::get, target, "", headers);
    }

    HttpReply post(const std::string& target, const nlohmann::json& body,
                   std::map<std::string, std::string> headers = {}) const {
        headers.emplace("Content-Type", "application/json");
        return request(boost::beast::http::verb::post, target, body.dump(), headers);
    }

    HttpReply request(boost::beast::http::verb method, const std::string& target,
                      const std::string& body,
                      const std::map<std::string, std::string>& headers) const {
        namespace http = boost::beast::http;
        boost::asio::io_context io;
        boost::beast::tcp_stream stream(io);
        stream.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
        http::request<http::string_body> message{method, target, 11};
        message.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
        for (const auto& [name, value] : headers) {
            message.set(name, value);
        }
        message.body() = body;
        message.prepare_payload();
        // A server may reject a large body before reading all of it: keep going and read its
        // response even when the write fails.
        boost::beast::error_code writeError;
        http::write(stream, message, writeError);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        boost::beast::error_code ignored;
        stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        return {response.result_int(), std::string(response[http::field::content_type]),
                response.body()};
    }

private:
    unsigned short port_;
};

// A WebSocket client of GET /api/v1/events that reads one event at a time with a timeout.
class EventStreamClient {
public:
    EventStreamClient(unsigned short port, const std::string& target) : socket_(io_) {
        boost::beast::get_lowest_layer(socket_).connect(
            {boost::asio::ip::make_address("127.0.0.1"), port});
        socket_.handshake("127.0.0.1:" + std::to_string(port), target);
    }

    // The next event, or nothing when none arrives within `timeout`.
    std::optional<nlohmann::json> next(std::chrono::milliseconds timeout) {
        std::optional<nlohmann::json> event;
        buffer_.clear();
        socket_.async_read(buffer_, [&](boost::beast::error_code error, std::size_t) {
            if (!error) {
                event = nlohmann::json::parse(boost::beast::buffers_to_string(buffer_.data()));
            }
        });
        io_.restart();
        io_.run_for(timeout);
        if (!event) {
            // Abandon the pending read; this client is not used after a timeout.
            boost::beast::get_lowest_layer(socket_).cancel();
            io_.restart();
            io_.run_for(std::chrono::milliseconds(100));
        }
        return event;
    }

    // Reads events until one has `type`, or nothing after `timeout` in total.
    std::optional<nlohmann::json> nextOfType(const std::string& type,
                                             std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            std::optional<nlohmann::json> event = next(left);
            if (!event) {
                return std::nullopt;
            }
            if ((*event)["type"] == type) {
                return event;
            }
        }
        return std::nullopt;
    }

private:
    boost::asio::io_context io_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
    boost::beast::flat_buffer buffer_;
};

}  // namespace station::testing
