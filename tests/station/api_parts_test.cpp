// Table tests of the API's parts that need no daemon: routing, Basic credentials, the metrics
// text and the event hub's replay window.

#include <gtest/gtest.h>

#include "station/api/basic_auth.hpp"
#include "station/api/event_hub.hpp"
#include "station/api/metrics.hpp"
#include "station/api/router.hpp"

namespace station::api {
namespace {

Response dispatch(const Router& router, const std::string& method, const std::string& path) {
    Request request;
    request.method = method;
    request.path = path;
    Response response;
    router.dispatch(request, [&](Response answer) { response = std::move(answer); });
    return response;
}

TEST(RouterTest, PlaceholdersBecomeParameters) {
    Router router;
    std::string seen;
    router.add("POST", "/api/v1/jobs/{id}/reprint", [&](const Request& request, Respond respond) {
        seen = request.parameters.at("id");
        respond(Response::json(201, {}));
    });
    EXPECT_EQ(dispatch(router, "POST", "/api/v1/jobs/42/reprint").status, 201u);
    EXPECT_EQ(seen, "42");
}

TEST(RouterTest, UnknownPathIsNotFound) {
    Router router;
    router.add("GET", "/api/v1/status",
               [](const Request&, Respond respond) { respond(Response::json(200, {})); });
    EXPECT_EQ(dispatch(router, "GET", "/api/v1/statuses").status, 404u);
    EXPECT_EQ(dispatch(router, "GET", "/api/v1/status/extra").status, 404u);
    EXPECT_EQ(dispatch(router, "GET", "/api//v1/status").status, 200u);
}

TEST(RouterTest, OtherMethodListsAllowedOnes) {
    Router router;
    router.add("GET", "/api/v1/orders/{n}",
               [](const Request&, Respond respond) { respond(Response::json(200, {})); });
    Response response = dispatch(router, "DELETE", "/api/v1/orders/SO-1");
    EXPECT_EQ(response.status, 405u);
    ASSERT_EQ(response.headers.size(), 1u);
    EXPECT_EQ(response.headers[0].first, "Allow");
    EXPECT_EQ(response.headers[0].second, "GET");
}

TEST(BasicAuthTest, ParsesWellFormedCredentials) {
    struct Case {
        std::string header;
        std::optional<std::pair<std::string, std::string>> expected;
    };
    const std::vector<Case> cases = {
        {"Basic bWFyaWE6NDcxMQ==", std::pair{"maria", "4711"}},
        {"basic bWFyaWE6NDcxMQ==", std::pair{"maria", "4711"}},
        {"Basic bWFyaWE6YTpi", std::pair{"maria", "a:b"}},  // maria:a:b
        {"Basic bWFyaWE6", std::pair{"maria", ""}},         // maria:
        {"Basic OjQ3MTE=", std::nullopt},                   // :4711, no user
        {"Basic bWFyaWE=", std::nullopt},                   // no colon
        {"Basic bWFyaWE6NDcxMQ", std::nullopt},             // missing padding
        {"Basic bWFy@WE6NDcxMQ==", std::nullopt},           // outside the alphabet
        {"Basic ====", std::nullopt},
        {"Bearer bWFyaWE6NDcxMQ==", std::nullopt},
        {"Basic ", std::nullopt},
        {"", std::nullopt},
    };
    for (const Case& test : cases) {
        std::optional<Credentials> parsed = parseBasicAuthorization(test.header);
        ASSERT_EQ(parsed.has_value(), test.expected.has_value()) << test.header;
        if (parsed) {
            EXPECT_EQ(parsed->user, test.expected->first) << test.header;
            EXPECT_EQ(parsed->password, test.expected->second) << test.header;
        }
    }
}

TEST(MetricsTest, RendersEscapedLabels) {
    Metrics metrics;
    metrics.describe("stationd_scans_total", Metrics::Type::Counter, "Scans.");
    metrics.add("stationd_scans_total", {{"reason", "a\"b\\c\nd"}});
    metrics.add("stationd_scans_total", {{"reason", "a\"b\\c\nd"}}, 2);
    const std::string text = metrics.render();
    EXPECT_NE(text.find("# TYPE stationd_scans_total counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("stationd_scans_total{reason=\"a\\\"b\\\\c\\nd\"} 3\n"), std::string::npos)
        << text;
}

TEST(MetricsTest, SummaryRendersSumAndCount) {
    Metrics metrics;
    metrics.describe("stationd_scan_decision_seconds", Metrics::Type::Summary, "Latency.");
    EXPECT_NE(metrics.render().find("stationd_scan_decision_seconds_count 0\n"), std::string::npos);
    metrics.observe("stationd_scan_decision_seconds", {}, 0.25);
    metrics.observe("stationd_scan_decision_seconds", {}, 0.5);
    const std::string text = metrics.render();
    EXPECT_NE(text.find("# TYPE stationd_scan_decision_seconds summary\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("stationd_scan_decision_seconds_sum 0.75\n"), std::string::npos) << text;
    EXPECT_NE(text.find("stationd_scan_decision_seconds_count 2\n"), std::string::npos) << text;
}

TEST(MetricsTest, UndescribedMetricIsAnError) {
    Metrics metrics;
    EXPECT_THROW(metrics.add("stationd_typo_total"), std::logic_error);
}

TEST(MetricsTest, CollectorsRunBeforeRender) {
    Metrics metrics;
    metrics.describe("stationd_print_queue_jobs", Metrics::Type::Gauge, "Jobs.");
    int queued = 4;
    metrics.onCollect(
        [&](Metrics& target) { target.set("stationd_print_queue_jobs", {}, queued); });
    EXPECT_NE(metrics.render().find("stationd_print_queue_jobs 4\n"), std::string::npos);
    queued = 0;
    EXPECT_NE(metrics.render().find("stationd_print_queue_jobs 0\n"), std::string::npos);
}

TEST(EventHubTest, KeepsLatestEventsForReplay) {
    EventHub hub(3);
    std::vector<std::uint64_t> delivered;
    hub.subscribe([&](const StationEvent& event) { delivered.push_back(event.sequence); });
    for (int i = 0; i < 5; ++i) {
        hub.publish("decision", {{"i", i}});
    }
    EXPECT_EQ(delivered, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(hub.lastSequence(), 5u);
    std::vector<StationEvent> kept = hub.since(0);
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept.front().sequence, 3u);
    EXPECT_EQ(hub.since(4).size(), 1u);
    EXPECT_TRUE(hub.since(5).empty());
}

TEST(EventHubTest, SubscriberMayUnsubscribeItself) {
    EventHub hub;
    int calls = 0;
    int id = 0;
    id = hub.subscribe([&](const StationEvent&) {
        ++calls;
        hub.unsubscribe(id);
    });
    hub.publish("device", {});
    hub.publish("device", {});
    EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace station::api
