#include "station/daemon/station_api.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <regex>

#include "print/embedded_text.hpp"
#include "station/api/basic_auth.hpp"
#include "station/daemon/carton_label.hpp"
#include "station/lead/lead_auth.hpp"
#include "station/logging.hpp"
#include "station/orders/order_file.hpp"
#include "station/session/session_engine.hpp"
#include "station/store/record_json.hpp"
#include "station/timestamp.hpp"

namespace station::daemon {
namespace {

using Json = nlohmann::json;
using api::Request;
using api::Respond;
using api::Response;

constexpr std::chrono::seconds kListenRetry{5};
// After this many wrong PINs for one lead name, that name is rejected for the rest of the window.
constexpr int kMaxLeadFailures = 5;
constexpr std::chrono::minutes kLeadFailureWindow{5};
constexpr int kMaxListedLinks = 10000;

using print::EmbeddedText;
#include "station/api/operator_page.inc"

std::shared_ptr<spdlog::logger> log() {
    return componentLogger("api");
}

// Runs `work` on the store thread and responds with the response it returns. A store failure
// becomes a 500 response with the reason, so a client always gets a response.
template <typename Work>
void onStore(StoreWorker& store, Respond respond, Work work) {
    store.post([respond = std::move(respond), work = std::move(work)]() mutable {
        try {
            respond(work());
        } catch (const lead::ActionError& error) {
            respond(Response::error(409, "not_allowed", error.what()));
        } catch (const std::invalid_argument& error) {
            respond(Response::error(400, "invalid", error.what()));
        } catch (const std::exception& error) {
            log()->error("API request failed on the store: {}", error.what());
            respond(Response::error(500, "store_failed",
                                    fmt::format("the store could not answer: {}; try again, and "
                                                "check the daemon's log if it persists",
                                                error.what())));
        }
    });
}

// Compares a secret in time that does not depend on where the first difference is.
bool equalSecrets(std::string_view given, std::string_view expected) {
    if (expected.empty()) {
        return given.empty();
    }
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i) {
        difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
    }
    return difference == 0;
}

// Checks a since= or until= value: an ISO 8601 UTC date or time as the store writes them,
// such as 2026-12-01 or 2026-12-01T08:00:00Z. Offsets are rejected, because the store compares
// times as text.
bool isUtcTime(const std::string& value) {
    static const std::regex kUtc(R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?)");
    return std::regex_match(value, kUtc);
}

// Throws std::invalid_argument unless the body is declared as application/json.
void requireJsonMediaType(const Request& request) {
    const std::string contentType = request.header("content-type").value_or("");
    const std::string mediaType = contentType.substr(0, contentType.find(';'));
    if (mediaType != "application/json") {
        throw std::invalid_argument(fmt::format(
            "Content-Type \"{}\" is not accepted; send the body as application/json", contentType));
    }
}

Json parseJsonBody(const Request& request) {
    requireJsonMediaType(request);
    Json body = Json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        throw std::invalid_argument("the body is not valid JSON");
    }
    return body;
}

// An order with its lines and, per line, how many units are linked.
Json orderProgressJson(store::Store& store, const store::Order& order) {
    Json json = store::orderJson(order);
    std::vector<int> counts = store.activeLinkCountsByLine(order.number, order.lines.size());
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
        json["lines"][i]["linked"] = i + 1 < counts.size() ? counts[i + 1] : 0;
    }
    json["linked"] = store.activeLinkCount(order.number);
    return json;
}

std::string deviceStateName(drivers::DeviceEvent::Kind kind) {
    using Kind = drivers::DeviceEvent::Kind;
    switch (kind) {
        case Kind::Connected:
            return "connected";
        case Kind::Disconnected:
            return "disconnected";
        case Kind::Error:
            return "error";
        case Kind::ScanRejected:
            return "scan_rejected";
    }
    return "error";
}

}  // namespace

StationApi::StationApi(boost::asio::io_context& io, const config::StationConfig& config,
                       StoreWorker& store, PrintSpooler& spooler)
    : io_(io),
      config_(config),
      store_(store),
      spooler_(spooler),
      renderReprint_(makeReprintRenderer(config)),
      retryTimer_(io),
      startedAt_(formatTimestamp(std::chrono::system_clock::now())) {
    describeMetrics();
    addRoutes();
}

StationApi::~StationApi() {
    stop();
}

void StationApi::start() {
    if (!config_.api.enabled) {
        log()->info("The local API is disabled ([api] enabled = false)");
        return;
    }
    server_ = std::make_unique<api::HttpServer>(io_, config_.api, router_, events_);
    listen();
}

void StationApi::listen() {
    try {
        server_->start();
        const auto where = server_->endpoint();
        log()->info("API listening on http://{}:{}/",
                    where.address().is_v6() ? "[" + where.address().to_string() + "]"
                                            : where.address().to_string(),
                    where.port());
    } catch (const std::exception& error) {
        log()->error("{}; retrying in {} s", error.what(), kListenRetry.count());
        retryTimer_.expires_after(kListenRetry);
        retryTimer_.async_wait([this](const boost::system::error_code& waitError) {
            if (!waitError && server_) {
                listen();
            }
        });
    }
}

void StationApi::stop() {
    retryTimer_.cancel();
    if (server_) {
        server_->stop();
    }
}

std::optional<boost::asio::ip::tcp::endpoint> StationApi::endpoint() const {
    if (!server_) {
        return std::nullopt;
    }
    return server_->endpoint();
}

void StationApi::describeMetrics() {
    using Type = api::Metrics::Type;
    metrics_.describe("stationd_scans_total", Type::Counter,
                      "Scans decided, by outcome and rejection reason.");
    metrics_.describe("stationd_scan_decision_seconds", Type::Summary,
                      "Time from reading a scan to its committed decision.");
    metrics_.describe("stationd_print_jobs_total", Type::Counter,
                      "Print job state changes, by state.");
    metrics_.describe("stationd_print_queue_jobs", Type::Gauge,
                      "Print jobs waiting in the daemon's queue, including the one sending.");
    metrics_.describe("stationd_printer_ready", Type::Gauge,
                      "1 when the printer last reported ready or took a job, else 0.");
    metrics_.describe("stationd_device_connected", Type::Gauge,
                      "1 while a scanner or camera is connected, by device.");
    metrics_.describe("stationd_events_total", Type::Counter,
                      "Events published to the operator page and API clients, by type.");
    metrics_.describe("stationd_start_time_seconds", Type::Gauge,
                      "When the daemon started, in seconds since the Unix epoch.");
    metrics_.set(
        "stationd_start_time_seconds", {},
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    metrics_.onCollect([this](api::Metrics& metrics) {
        metrics.set("stationd_print_queue_jobs", {}, static_cast<double>(spooler_.queued()));
        metrics.set("stationd_printer_ready", {}, spooler_.printerState() == "ready" ? 1 : 0);
    });
    events_.subscribe([this](const api::StationEvent& event) {
        metrics_.add("stationd_events_total", {{"type", event.type}});
    });
}

void StationApi::addRoutes() {
    router_.add("GET", "/", [](const Request&, Respond respond) {
        Response page;
        page.contentType = "text/html; charset=utf-8";
        page.body = std::string(kOperatorPage[0].text);
        page.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'self'; connect-src 'self' ws: wss:; "
                                  "style-src 'self' 'unsafe-inline'; "
                                  "script-src 'self' 'unsafe-inline'; img-src 'self' data:");
        respond(std::move(page));
    });
    router_.add("GET", "/metrics", [this](const Request&, Respond respond) {
        Response response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_.render();
        respond(std::move(response));
    });
    router_.add("GET", "/api/v1/status",
                [this](const Request& request, Respond respond) { getStatus(request, respond); });
    router_.add("GET", "/api/v1/events/recent", [this](const Request& request, Respond respond) {
        std::uint64_t after = 0;
        if (auto value = request.queryValue("after")) {
            try {
                after = std::stoull(*value);
            } catch (const std::exception&) {
                respond(Response::error(
                    400, "bad_after",
                    fmt::format("after=\"{}\" is not an event sequence number", *value)));
                return;
            }
        }
        Json list = Json::array();
        for (const api::StationEvent& event : events_.since(after)) {
            list.push_back(event.toJson());
        }
        respond(Response::json(200, list));
    });
    router_.add("POST", "/api/v1/orders",
                [this](const Request& request, Respond respond) { postOrders(request, respond); });
    router_.add("GET", "/api/v1/orders/{number}",
                [this](const Request& request, Respond respond) { getOrder(request, respond); });
    router_.add("GET", "/api/v1/links",
                [this](const Request& request, Respond respond) { getLinks(request, respond); });
    router_.add("GET", "/api/v1/jobs",
                [this](const Request& request, Respond respond) { getJobs(request, respond); });
    router_.add("POST", "/api/v1/jobs/{id}/reprint",
                [this](const Request& request, Respond respond) { postReprint(request, respond); });
}

void StationApi::getStatus(const Request&, Respond respond) {
    Json status = {{"station", config_.stationId},
                   {"started_at", startedAt_},
                   {"last_event", events_.lastSequence()},
                   {"last_decision", lastDecision_},
                   {"printer",
                    {{"name", config_.printer.name},
                     {"kind", config::printerKindName(config_.printer.kind)},
                     {"state", spooler_.printerState()},
                     {"detail", spooler_.printerDetail()},
                     {"queued", spooler_.queued()}}}};
    Json devices = Json::array();
    for (const auto& [name, device] : devices_) {
        devices.push_back(device);
    }
    status["devices"] = std::move(devices);
    onStore(store_, std::move(respond), [this, status = std::move(status)]() mutable {
        status["open_order"] = nullptr;
        if (const std::optional<std::string>& number = store_.session().openOrder()) {
            if (std::optional<store::Order> order = store_.store().findOrder(*number)) {
                status["open_order"] = orderProgressJson(store_.store(), *order);
            }
        }
        return Response::json(200, status);
    });
}

void StationApi::postOrders(const Request& request, Respond respond) {
    if (!config_.api.token.empty() && !equalSecrets(request.header("authorization").value_or(""),
                                                    "Bearer " + config_.api.token)) {
        Response refused = Response::error(
            401, "token_required",
            "this station needs \"Authorization: Bearer TOKEN\" with the [api] token");
        refused.headers.emplace_back("WWW-Authenticate", "Bearer");
        respond(std::move(refused));
        return;
    }
    store::Order order;
    try {
        // parseOrderJson parses the body itself and names what is wrong with it.
        requireJsonMediaType(request);
        order = orders::parseOrderJson(request.body, "request body");
    } catch (const std::exception& error) {
        respond(Response::error(400, "invalid_order", error.what()));
        return;
    }
    order.source = "api";
    auto alive = std::weak_ptr<int>(alive_);
    onStore(
        store_,
        [this, alive, respond](Response response) {
            boost::asio::post(io_, [this, alive, respond, response]() {
                if (!alive.expired() && response.status < 300) {
                    Json body = Json::parse(response.body);
                    events_.publish("order", body);
                }
                respond(response);
            });
        },
        [this, order]() {
            try {
                std::vector<orders::ImportedOrder> imported =
                    store_.importer().importOrders({order}, "api");
                return Response::json(imported.front().updated ? 200 : 201,
                                      {{"order", imported.front().number},
                                       {"updated", imported.front().updated},
                                       {"lines", imported.front().lines}});
            } catch (const orders::OrderConflict& conflict) {
                return Response::error(409, "order_locked", conflict.what());
            }
        });
}

void StationApi::getOrder(const Request& request, Respond respond) {
    const std::string number = request.parameters.at("number");
    onStore(store_, std::move(respond), [this, number]() {
        std::optional<store::Order> order = store_.store().findOrder(number);
        if (!order) {
            return Response::error(
                404, "unknown_order",
                fmt::format("order {} is not in this station's store; import it first", number));
        }
        Json json = orderProgressJson(store_.store(), *order);
        Json units = Json::array();
        for (const store::Link& link : store_.store().linksByOrder(number)) {
            units.push_back(store::linkJson(link));
        }
        json["units"] = std::move(units);
        Json jobs = Json::array();
        for (const store::PrintJob& job : store_.store().printJobs(number)) {
            jobs.push_back(store::printJobJson(job));
        }
        json["print_jobs"] = std::move(jobs);
        return Response::json(200, json);
    });
}

void StationApi::getLinks(const Request& request, Respond respond) {
    const auto serial = request.queryValue("serial");
    const auto lot = request.queryValue("lot");
    const auto order = request.queryValue("order");
    const auto customer = request.queryValue("customer");
    const auto since = request.queryValue("since");
    const auto until = request.queryValue("until");
    const int selectors = (serial ? 1 : 0) + (lot ? 1 : 0) + (order ? 1 : 0) + (customer ? 1 : 0) +
                          (since || until ? 1 : 0);
    if (selectors != 1) {
        respond(Response::error(400, "one_selector",
                                "give exactly one of serial=, lot= (with optional gtin=), order=, "
                                "customer=, or since= and until="));
        return;
    }
    if ((since || until) && !(since && until && isUtcTime(*since) && isUtcTime(*until))) {
        respond(Response::error(
            400, "time_range",
            fmt::format("since=\"{}\" until=\"{}\": give both as ISO 8601 UTC dates or times, "
                        "such as 2026-12-01 or 2026-12-01T08:00:00Z",
                        since.value_or(""), until.value_or(""))));
        return;
    }
    const std::string gtin = request.queryValue("gtin").value_or("");
    onStore(store_, std::move(respond), [=, this]() {
        store::Store& store = store_.store();
        std::vector<store::Link> links = serial     ? store.linksBySerial(*serial)
                                         : lot      ? store.linksByLot(*lot, gtin)
                                         : order    ? store.linksByOrder(*order)
                                         : customer ? store.linksByCustomer(*customer)
                                                    : store.linksBetween(*since, *until);
        if (links.size() > kMaxListedLinks) {
            return Response::error(
                413, "too_many_links",
                fmt::format("{} links match; narrow the query, or use stationctl export for "
                            "large ranges",
                            links.size()));
        }
        Json list = Json::array();
        for (const store::Link& link : links) {
            list.push_back(store::linkJson(link));
        }
        return Response::json(200, list);
    });
}

void StationApi::getJobs(const Request& request, Respond respond) {
    const auto order = request.queryValue("order");
    onStore(store_, std::move(respond), [this, order]() {
        Json list = Json::array();
        for (const store::PrintJob& job : store_.store().printJobs(order)) {
            list.push_back(store::printJobJson(job));
        }
        return Response::json(200, list);
    });
}

void StationApi::postReprint(const Request& request, Respond respond) {
    std::int64_t jobId = 0;
    std::string reason;
    try {
        jobId = std::stoll(request.parameters.at("id"));
        Json body = parseJsonBody(request);
        if (body.contains("reason") && body["reason"].is_string()) {
            reason = body["reason"].get<std::string>();
        }
    } catch (const std::invalid_argument& error) {
        respond(Response::error(400, "invalid", error.what()));
        return;
    } catch (const std::exception&) {
        respond(Response::error(
            400, "invalid",
            fmt::format("\"{}\" is not a print job id", request.parameters.at("id"))));
        return;
    }
    if (reason.find_first_not_of(" \t") == std::string::npos) {
        respond(Response::error(400, "reason_required",
                                "a reprint needs {\"reason\": \"...\"} saying why"));
        return;
    }
    auto alive = std::weak_ptr<int>(alive_);
    asLead(request, respond, [this, jobId, reason, alive](const std::string& lead) {
        const std::int64_t reprintId = lead::LeadActions(store_.store(), config_.stationId)
                                           .reprint(lead, jobId, reason, renderReprint_);
        boost::asio::post(io_, [this, alive, reprintId] {
            if (!alive.expired()) {
                spooler_.enqueue(reprintId);
            }
        });
        return Response::json(201, {{"job_id", reprintId}, {"reprint_of", jobId}});
    });
}

void StationApi::asLead(const Request& request, Respond respond,
                        std::function<Response(const std::string& lead)> action) {
    std::optional<api::Credentials> credentials =
        api::parseBasicAuthorization(request.header("authorization").value_or(""));
    if (!credentials || credentials->user.find('\0') != std::string::npos ||
        credentials->password.find('\0') != std::string::npos) {
        Response refused = Response::error(401, "lead_required",
                                           "this action needs a lead's name and PIN (HTTP Basic)");
        refused.headers.emplace_back("WWW-Authenticate", "Basic realm=\"stationd lead\"");
        respond(std::move(refused));
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    Failures& failures = leadFailures_[credentials->user];
    if (now - failures.since > kLeadFailureWindow) {
        failures = {0, now};
    }
    if (failures.count >= kMaxLeadFailures) {
        respond(Response::error(429, "too_many_attempts",
                                fmt::format("too many wrong PINs for lead {}; wait {} minutes",
                                            credentials->user, kLeadFailureWindow.count())));
        return;
    }
    auto alive = std::weak_ptr<int>(alive_);
    const std::string lead = credentials->user;
    onStore(store_, std::move(respond),
            [this, alive, lead, pin = credentials->password, action = std::move(action)]() {
                try {
                    lead::authenticateLead(store_.store(), lead, pin);
                } catch (const lead::AuthorizationError& error) {
                    boost::asio::post(io_, [this, alive, lead] {
                        if (!alive.expired()) {
                            leadFailures_[lead].count += 1;
                        }
                    });
                    return Response::error(401, "lead_refused", error.what());
                }
                return action(lead);
            });
}

void StationApi::noteDecision(const session::Decision& decision, const std::string& device,
                              std::chrono::system_clock::time_point readAt) {
    metrics_.add("stationd_scans_total",
                 {{"outcome", decision.outcome}, {"reason", decision.reason}});
    const double seconds =
        std::chrono::duration<double>(std::chrono::system_clock::now() - readAt).count();
    metrics_.observe("stationd_scan_decision_seconds", {}, seconds);
    lastDecision_ = {{"scan_id", decision.scanId},
                     {"outcome", decision.outcome},
                     {"reason", decision.reason},
                     {"message", decision.message},
                     {"order", decision.orderNumber ? Json(*decision.orderNumber) : Json(nullptr)},
                     {"device", device},
                     {"good", decision.good()},
                     {"order_completed", decision.orderCompleted}};
    if (decision.linkId) {
        lastDecision_["link_id"] = *decision.linkId;
    }
    if (decision.printJobId) {
        lastDecision_["print_job_id"] = *decision.printJobId;
    }
    events_.publish("decision", lastDecision_);
}

void StationApi::noteDevice(const drivers::DeviceEvent& event) {
    const std::string state = deviceStateName(event.kind);
    Json data = {{"name", event.device}, {"state", state}, {"detail", event.detail}};
    if (event.kind == drivers::DeviceEvent::Kind::Connected ||
        event.kind == drivers::DeviceEvent::Kind::Disconnected) {
        devices_[event.device] = data;
        metrics_.set("stationd_device_connected", {{"device", event.device}},
                     event.kind == drivers::DeviceEvent::Kind::Connected ? 1 : 0);
    }
    events_.publish("device", std::move(data));
}

void StationApi::notePrinter(const std::string& state, const std::string& detail) {
    events_.publish("printer", {{"name", config_.printer.name},
                                {"state", state},
                                {"detail", detail},
                                {"queued", spooler_.queued()}});
}

void StationApi::noteJob(std::int64_t jobId, const std::string& state, const std::string& detail) {
    metrics_.add("stationd_print_jobs_total", {{"state", state}});
    events_.publish("job", {{"job_id", jobId}, {"state", state}, {"detail", detail}});
}

}  // namespace station::daemon
