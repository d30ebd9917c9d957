// Drives the real stationd through its local API on loopback: order import, status, the event
// stream, metrics, lead reprints and hostile requests. Scans come from a pty scanner and
// labels go to the ZPL printer emulator, as on a station.

#include <gtest/gtest.h>

#include <boost/asio/write.hpp>

#include "tests/station/api_client.hpp"
#include "tests/station/daemon_fixture.hpp"

namespace station {
namespace {

using nlohmann::json;
using testing::ApiClient;
using testing::EventStreamClient;
using testing::kBinaryDir;
using testing::readFile;

constexpr std::chrono::seconds kWait{10};

const json kOrder = {
    {"order", "SO-500"},
    {"customer_ref", "C-9"},
    {"lines", {{{"gtin", "09506000134352"}, {"quantity", 2}, {"serial_required", true}}}}};

std::string unit(const std::string& serial) {
    return "0109506000134352172812311023A17\x1D"
           "21" +
           serial + "\r";
}

class ApiEndToEndTest : public testing::DaemonFixture {
protected:
    void start() {
        startEmulator();
        startDaemon(printerPort_);
        port_ = apiPort();
        ASSERT_NE(port_, 0);
    }

    int stationctl(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), {"--config", (directory_ / "station.toml").string()});
        testing::ChildProcess command(kBinaryDir / "station" / "stationctl", arguments,
                                      directory_ / "stationctl.log");
        return command.stop(0);
    }

    unsigned short port_ = 0;
};

TEST_F(ApiEndToEndTest, PostedOrderFollowsImportRules) {
    start();
    ApiClient api(port_);

    testing::HttpReply created = api.post("/api/v1/orders", kOrder);
    ASSERT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(created.json()["order"], "SO-500");
    EXPECT_EQ(created.json()["updated"], false);

    json changed = kOrder;
    changed["lines"][0]["quantity"] = 1;
    testing::HttpReply updated = api.post("/api/v1/orders", changed);
    EXPECT_EQ(updated.status, 200u) << updated.body;
    EXPECT_EQ(updated.json()["updated"], true);

    type("SO-500\r");
    type(unit("A1"));
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM links", 1))
        << readFile(directory_ / "stationd.log");

    testing::HttpReply locked = api.post("/api/v1/orders", kOrder);
    EXPECT_EQ(locked.status, 409u) << locked.body;
    EXPECT_EQ(locked.json()["error"], "order_locked");
    EXPECT_NE(locked.json()["message"].get<std::string>().find("SO-500"), std::string::npos);

    testing::HttpReply order = api.get("/api/v1/orders/SO-500");
    ASSERT_EQ(order.status, 200u) << order.body;
    EXPECT_EQ(order.json()["source"], "api");
    ASSERT_EQ(order.json()["units"].size(), 1u);
    EXPECT_EQ(order.json()["units"][0]["serial"], "A1");
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'order_imported'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'order_updated'"), 1);
}

TEST_F(ApiEndToEndTest, BadOrdersAreRejectedWithReasons) {
    start();
    ApiClient api(port_);

    testing::HttpReply noLines = api.post("/api/v1/orders", {{"order", "SO-1"}});
    EXPECT_EQ(noLines.status, 400u);
    EXPECT_EQ(noLines.json()["error"], "invalid_order");
    EXPECT_NE(noLines.json()["message"].get<std::string>().find("lines"), std::string::npos)
        << noLines.body;

    testing::HttpReply notJson =
        api.request(boost::beast::http::verb::post, "/api/v1/orders",
                    "{\"order\": ", {{"Content-Type", "application/json"}});
    EXPECT_EQ(notJson.status, 400u) << notJson.body;

    testing::HttpReply form = api.request(boost::beast::http::verb::post, "/api/v1/orders",
                                          "order=SO-1", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(form.status, 400u);
    EXPECT_NE(form.body.find("application/json"), std::string::npos) << form.body;

    testing::HttpReply huge =
        api.request(boost::beast::http::verb::post, "/api/v1/orders", std::string(2 << 20, ' '),
                    {{"Content-Type", "application/json"}});
    EXPECT_EQ(huge.status, 413u) << huge.body;

    EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);
    EXPECT_EQ(api.get("/api/v1/status").status, 200u);
}

TEST_F(ApiEndToEndTest, StatusEventsAndMetricsFollowScans) {
    start();
    ApiClient api(port_);
    ASSERT_EQ(api.post("/api/v1/orders", kOrder).status, 201u);
    EventStreamClient events(port_, "/api/v1/events");

    type("SO-500\r");
    std::optional<json> opened = events.nextOfType("decision", kWait);
    ASSERT_TRUE(opened) << readFile(directory_ / "stationd.log");
    EXPECT_EQ((*opened)["data"]["outcome"], "order_opened");

    type(unit("B1"));
    std::optional<json> accepted = events.nextOfType("decision", kWait);
    ASSERT_TRUE(accepted);
    EXPECT_EQ((*accepted)["data"]["outcome"], "accepted");
    EXPECT_EQ((*accepted)["data"]["device"], "pty-scanner");

    type("0109506000134352\r");
    std::optional<json> rejected = events.nextOfType("decision", kWait);
    ASSERT_TRUE(rejected);
    EXPECT_EQ((*rejected)["data"]["good"], false);
    EXPECT_EQ((*rejected)["data"]["reason"], "serial_missing");

    json status = api.get("/api/v1/status").json();
    EXPECT_EQ(status["station"], "e2e");
    ASSERT_TRUE(status["open_order"].is_object()) << status.dump();
    EXPECT_EQ(status["open_order"]["order"], "SO-500");
    EXPECT_EQ(status["open_order"]["lines"][0]["linked"], 1);
    EXPECT_EQ(status["last_decision"]["reason"], "serial_missing");
    EXPECT_GE(status["last_event"].get<int>(), 3);

    const std::string metrics = api.get("/metrics").body;
    EXPECT_NE(metrics.find("stationd_scans_total{outcome=\"accepted\",reason=\"\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(
        metrics.find("stationd_scans_total{outcome=\"rejected\",reason=\"serial_missing\"} 1"),
        std::string::npos)
        << metrics;

    // A client that reconnects with the last sequence number it saw gets only newer events.
    const auto seen = (*accepted)["seq"].get<std::uint64_t>();
    json recent = api.get("/api/v1/events/recent?after=" + std::to_string(seen)).json();
    ASSERT_FALSE(recent.empty());
    for (const json& event : recent) {
        EXPECT_GT(event["seq"].get<std::uint64_t>(), seen);
    }
    EventStreamClient replay(port_, "/api/v1/events?after=" + std::to_string(seen));
    std::optional<json> first = replay.next(kWait);
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)["seq"], recent[0]["seq"]);
}

TEST_F(ApiEndToEndTest, LeadReprintNeedsCredentials) {
    start();
    ApiClient api(port_);
    type("SO-77\r");
    type(unit("SN1"));
    type("CLOSE\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 1))
        << readFile(directory_ / "stationd.log");
    ::setenv("STATION_LEAD_PIN", "4711", 1);
    ASSERT_EQ(stationctl({"lead", "set-pin", "maria"}), 0)
        << readFile(directory_ / "stationctl.log");
    ::unsetenv("STATION_LEAD_PIN");

    const json body = {{"reason", "label torn"}};
    testing::HttpReply anonymous = api.post("/api/v1/jobs/1/reprint", body);
    EXPECT_EQ(anonymous.status, 401u);
    // "maria:0000" and "maria:4711" in base64.
    testing::HttpReply wrong =
        api.post("/api/v1/jobs/1/reprint", body, {{"Authorization", "Basic bWFyaWE6MDAwMA=="}});
    EXPECT_EQ(wrong.status, 401u) << wrong.body;
    testing::HttpReply noReason = api.post("/api/v1/jobs/1/reprint", json::object(),
                                           {{"Authorization", "Basic bWFyaWE6NDcxMQ=="}});
    EXPECT_EQ(noReason.status, 400u) << noReason.body;

    testing::HttpReply reprint =
        api.post("/api/v1/jobs/1/reprint", body, {{"Authorization", "Basic bWFyaWE6NDcxMQ=="}});
    ASSERT_EQ(reprint.status, 201u) << reprint.body;
    EXPECT_EQ(reprint.json()["reprint_of"], 1);
    ASSERT_TRUE(testing::waitUntil([&] { return receivedLabels().size() == 2; }, kWait))
        << readFile(directory_ / "stationd.log");
    const std::string label = readFile(receivedLabels().back());
    EXPECT_NE(label.find("REPRINT"), std::string::npos) << label;
    EXPECT_NE(label.find("label torn"), std::string::npos) << label;
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'label_reprinted' AND "
                    "actor = 'maria'"),
              1);

    // Guessing PINs is cut off after a few tries, even with the right PIN afterwards.
    for (int attempt = 0; attempt < 5; ++attempt) {
        api.post("/api/v1/jobs/1/reprint", body, {{"Authorization", "Basic bWFyaWE6MDAwMA=="}});
    }
    testing::HttpReply throttled =
        api.post("/api/v1/jobs/1/reprint", body, {{"Authorization", "Basic bWFyaWE6NDcxMQ=="}});
    EXPECT_EQ(throttled.status, 429u) << throttled.body;
    EXPECT_EQ(count("SELECT COUNT(*) FROM print_jobs"), 2);
}

TEST_F(ApiEndToEndTest, HostileRequestsGetClearErrors) {
    start();
    ApiClient api(port_);

    EXPECT_EQ(api.get("/api/v1/status", {{"Host", "rebound.example.com"}}).status, 403u);
    EXPECT_EQ(api.get("/api/v1/status", {{"Origin", "http://evil.example"}}).status, 403u);
    EXPECT_EQ(api.get("/api/v1/nothing").status, 404u);
    testing::HttpReply wrongMethod =
        api.request(boost::beast::http::verb::delete_, "/api/v1/status", "", {});
    EXPECT_EQ(wrongMethod.status, 405u);
    EXPECT_NE(wrongMethod.body.find("GET"), std::string::npos);
    EXPECT_EQ(api.get("/api/v1/links?serial=%zz").status, 400u);
    EXPECT_EQ(api.get("/api/v1/links").status, 400u);
    testing::HttpReply notATime = api.get("/api/v1/links?since=notadate&until=2026-12-01");
    EXPECT_EQ(notATime.status, 400u);
    EXPECT_NE(notATime.body.find("notadate"), std::string::npos) << notATime.body;
    EXPECT_EQ(api.get("/api/v1/links?since=2026-12-01T00:00:00%2B01:00&until=2026-12-02").status,
              400u);
    EXPECT_EQ(api.get("/api/v1/links?since=2026-12-01&until=2026-12-02T00:00:00Z").status, 200u);
    EXPECT_EQ(api.request(boost::beast::http::verb::post, "/api/v1/orders", kOrder.dump(),
                          {{"Content-Type", "application/jsonx"}})
                  .status,
              400u);
    EXPECT_EQ(api.get("/api/v1/orders/SO-404").status, 404u);
    EXPECT_EQ(api.post("/api/v1/jobs/abc/reprint", {{"reason", "x"}}).status, 400u);

    // Bytes that are not HTTP, and a request with two Host headers, get a 400 and the daemon
    // keeps serving.
    for (const std::string& bytes :
         {std::string("\x16\x03\x01\x02\x00garbage\r\n\r\n"),
          std::string(
              "GET /api/v1/status HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n\r\n")}) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
        boost::asio::write(socket, boost::asio::buffer(bytes));
        char reply[64] = {};
        boost::system::error_code error;
        const std::size_t size = socket.read_some(boost::asio::buffer(reply), error);
        EXPECT_NE(std::string(reply, size).find("400"), std::string::npos) << bytes;
    }
    EXPECT_TRUE(daemon_->running());
    EXPECT_EQ(api.get("/api/v1/status").status, 200u);
    EXPECT_EQ(api.get("/").contentType, "text/html; charset=utf-8");
}

TEST_F(ApiEndToEndTest, SecondDaemonOnSameStoreStops) {
    start();
    testing::ChildProcess second(kBinaryDir / "station" / "stationd",
                                 {"--config", (directory_ / "station.toml").string()},
                                 directory_ / "second.log");
    EXPECT_EQ(second.stop(0, std::chrono::seconds(10)), 1 << 8)
        << readFile(directory_ / "second.log");
    EXPECT_NE(readFile(directory_ / "second.log").find("Another stationd (pid "), std::string::npos)
        << readFile(directory_ / "second.log");
    EXPECT_TRUE(daemon_->running());
    EXPECT_EQ(ApiClient(port_).get("/api/v1/status").status, 200u);
}

}  // namespace
}  // namespace station
