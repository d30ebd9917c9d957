#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <set>

#include "config/station_config.hpp"
#include "station/api/event_hub.hpp"
#include "station/api/router.hpp"

namespace station::api {

class Connection;

// The station's local HTTP server: requests go to the router, and a WebSocket upgrade of
// GET /api/v1/events streams the event hub's events as JSON text messages. Runs on the
// daemon's event loop; handlers that need the store answer later through Respond.
//
// Limits keep a misbehaving client from hurting the station: 8 KiB of headers, the configured
// body size, 30 s to send a request, 64 connections at once, and a WebSocket client that
// falls 1,000 events behind is disconnected.
class HttpServer {
public:
    HttpServer(boost::asio::io_context& io, const config::ApiConfig& config, const Router& router,
               EventHub& events);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts accepting. Throws std::runtime_error naming the address when the
    // address cannot be bound.
    void start();
    // Closes the listener and every connection.
    void stop();

    boost::asio::ip::tcp::endpoint endpoint() const;

private:
    friend class Connection;

    void accept();
    void forget(const std::shared_ptr<Connection>& connection);

    boost::asio::io_context& io_;
    config::ApiConfig config_;
    const Router& router_;
    EventHub& events_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::set<std::shared_ptr<Connection>> connections_;
    bool stopped_ = false;
};

}  // namespace station::api
