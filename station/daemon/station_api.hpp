#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/station_config.hpp"
#include "drivers/scan_source.hpp"
#include "station/api/event_hub.hpp"
#include "station/api/http_server.hpp"
#include "station/api/metrics.hpp"
#include "station/api/router.hpp"
#include "station/daemon/print_spooler.hpp"
#include "station/daemon/store_worker.hpp"
#include "station/lead/lead_actions.hpp"
#include "station/session/decision.hpp"

namespace station::daemon {

// The daemon's face to people and programs: the event stream, the station's status, the
// metrics, the operator page and the routes of the local API (docs/api.md). The daemon reports
// what happens through the note*() methods; routes that read or change the store run on the
// store thread and respond from there. Used on the event loop's thread.
class StationApi {
public:
    StationApi(boost::asio::io_context& io, const config::StationConfig& config,
               StoreWorker& store, PrintSpooler& spooler);
    ~StationApi();

    // Starts the HTTP server when [api] enabled is true. A port that cannot be bound is logged
    // and tried again every few seconds; the station keeps working without its API meanwhile.
    void start();
    void stop();

    // Where the server listens, once started.
    std::optional<boost::asio::ip::tcp::endpoint> endpoint() const;

    api::EventHub& events() { return events_; }
    api::Metrics& metrics() { return metrics_; }
    // For routes added by other parts of the daemon (camera verification).
    api::Router& router() { return router_; }

    void noteDecision(const session::Decision& decision, const std::string& device,
                      std::chrono::system_clock::time_point readAt);
    void noteDevice(const drivers::DeviceEvent& event);
    void notePrinter(const std::string& state, const std::string& detail);
    void noteJob(std::int64_t jobId, const std::string& state, const std::string& detail);

    // Checks the lead's Basic credentials on the store thread, then runs `action` there with
    // the lead's name. Responds 401 for missing or wrong credentials and 429 after repeated
    // failures for one name. `action` returns the response; ActionError becomes 409 and
    // std::invalid_argument 400.
    void asLead(const api::Request& request, api::Respond respond,
                std::function<api::Response(const std::string& lead)> action);

private:
    void addRoutes();
    void describeMetrics();
    void listen();

    void getStatus(const api::Request& request, api::Respond respond);
    void postOrders(const api::Request& request, api::Respond respond);
    void getOrder(const api::Request& request, api::Respond respond);
    void getLinks(const api::Request& request, api::Respond respond);
    void getJobs(const api::Request& request, api::Respond respond);
    void postReprint(const api::Request& request, api::Respond respond);

    // Lead PIN guessing: failures per lead name in the current window.
    struct Failures {
        int count = 0;
        std::chrono::steady_clock::time_point since;
    };

    boost::asio::io_context& io_;
    const config::StationConfig& config_;
    StoreWorker& store_;
    PrintSpooler& spooler_;
    lead::ReprintRenderer renderReprint_;
    api::EventHub events_;
    api::Metrics metrics_;
    api::Router router_;
    std::unique_ptr<api::HttpServer> server_;
    boost::asio::steady_timer retryTimer_;
    std::string startedAt_;

    nlohmann::json lastDecision_;
    std::map<std::string, nlohmann::json> devices_;
    std::map<std::string, Failures> leadFailures_;
    // Expires with this object, so that responses posted from the store thread later do nothing.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace station::daemon
