// Printer status through the real stationd: the ZPL printer emulator reports paper out, stays
// silent or is down, and the test reads the "printer" events on the WebSocket, GET
// /api/v1/status, /metrics, the store and the labels that arrive.

#include <gtest/gtest.h>
#include <signal.h>

#include "tests/station/api_client.hpp"
#include "tests/station/daemon_fixture.hpp"

namespace station {
namespace {

using nlohmann::json;
using testing::ApiClient;
using testing::EventStreamClient;
using testing::kBinaryDir;
using testing::readFile;

constexpr std::chrono::seconds kWait{15};

const std::string kUnit =
    "0109506000134352172812311023A17\x1D"
    "21SN1\r";

class PrinterStatusTest : public testing::DaemonFixture {
protected:
    // Starts stationd with status queries on. The fixture's configuration has no status keys,
    // so the first start writes it and the second runs with the keys added.
    void startWithStatusQueries(int printerPort) {
        startDaemon(printerPort);
        ASSERT_EQ(daemon_->stop(SIGTERM), 0) << readFile(directory_ / "stationd.log");
        std::string config = readFile(directory_ / "station.toml");
        config.insert(config.find("write_timeout_ms"),
                      "query_status = true\nstatus_timeout_ms = 300\n");
        std::ofstream(directory_ / "station.toml") << config;
        daemon_ = std::make_unique<testing::ChildProcess>(
            kBinaryDir / "station" / "stationd",
            std::vector<std::string>{"--config", (directory_ / "station.toml").string()},
            directory_ / "stationd.log");
        port_ = apiPort();
        ASSERT_NE(port_, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }

    void packOneUnit() {
        type("SO-1\r");
        type(kUnit);
        type("CLOSE\r");
    }

    // The next "printer" event with `state`, skipping others.
    std::optional<json> nextPrinterState(EventStreamClient& events, const std::string& state) {
        const auto deadline = std::chrono::steady_clock::now() + kWait;
        while (std::chrono::steady_clock::now() < deadline) {
            std::optional<json> event = events.nextOfType("printer", kWait);
            if (!event) {
                return std::nullopt;
            }
            if ((*event)["data"]["state"] == state) {
                return event;
            }
        }
        return std::nullopt;
    }

    std::string metrics() { return ApiClient(port_).get("/metrics").body; }

    json printerStatus() { return ApiClient(port_).get("/api/v1/status").json()["printer"]; }

    int jobsIn(const std::string& state) {
        return count("SELECT COUNT(*) FROM print_jobs WHERE state = '" + state + "'");
    }

    // Checks that the job waits in the queue with `reason` and that nothing was printed.
    void expectHeld(const std::string& state, const std::string& reason) {
        json printer = printerStatus();
        EXPECT_EQ(printer["state"], state) << printer.dump();
        EXPECT_NE(printer["detail"].get<std::string>().find(reason), std::string::npos)
            << printer.dump();
        EXPECT_EQ(printer["queued"], 1) << printer.dump();

        const std::string text = metrics();
        EXPECT_NE(text.find("\nstationd_printer_ready 0\n"), std::string::npos) << text;
        EXPECT_NE(text.find("\nstationd_print_queue_jobs 1\n"), std::string::npos) << text;

        EXPECT_EQ(jobsIn("queued"), 1);
        EXPECT_EQ(count("SELECT COUNT(*) FROM print_jobs WHERE attempts > 0"), 0);
        ASSERT_TRUE(testing::waitUntil(
            [&] {
                return count("SELECT COUNT(*) FROM print_jobs WHERE last_error LIKE '%" + reason +
                             "%'") == 1;
            },
            kWait));
        EXPECT_TRUE(receivedLabels().empty());
    }

    // Checks that the held job was delivered once the printer came back.
    void expectDelivered() {
        ASSERT_TRUE(testing::waitUntil([&] { return receivedLabels().size() == 1; }, kWait))
            << readFile(directory_ / "stationd.log");
        ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 1));
        EXPECT_NE(metrics().find("\nstationd_printer_ready 1\n"), std::string::npos);
        EXPECT_EQ(printerStatus()["queued"], 0);
    }

    unsigned short port_ = 0;
};

TEST_F(PrinterStatusTest, PaperOutHoldsJobUntilReady) {
    startEmulator();
    startWithStatusQueries(printerPort_);
    EventStreamClient events(port_, "/api/v1/events");
    emulator_->writeLine("state paper-out");
    ASSERT_EQ(emulator_->readLine(), "ok state paper-out");

    packOneUnit();
    std::optional<json> notReady = nextPrinterState(events, "not_ready");
    ASSERT_TRUE(notReady) << readFile(directory_ / "stationd.log");
    EXPECT_EQ((*notReady)["data"]["detail"], "paper out");
    expectHeld("not_ready", "paper out");

    emulator_->writeLine("state ready");
    std::optional<json> ready = nextPrinterState(events, "ready");
    ASSERT_TRUE(ready) << readFile(directory_ / "stationd.log");
    expectDelivered();
}

TEST_F(PrinterStatusTest, PaperOutAfterJobIsReported) {
    startEmulator();
    startWithStatusQueries(printerPort_);
    EventStreamClient events(port_, "/api/v1/events");
    // The roll ends with the next label.
    emulator_->writeLine("paper 1");
    ASSERT_EQ(emulator_->readLine(), "ok paper 1");

    packOneUnit();
    std::optional<json> notReady = nextPrinterState(events, "not_ready");
    ASSERT_TRUE(notReady) << readFile(directory_ / "stationd.log");
    EXPECT_EQ((*notReady)["data"]["detail"], "paper out");
    EXPECT_EQ(receivedLabels().size(), 1u);
    EXPECT_EQ(jobsIn("delivered"), 1);
    EXPECT_EQ(printerStatus()["state"], "not_ready");
    EXPECT_NE(metrics().find("\nstationd_printer_ready 0\n"), std::string::npos);

    // Loading paper is noticed by the status polls, without a new job.
    emulator_->writeLine("state ready");
    std::optional<json> ready = nextPrinterState(events, "ready");
    ASSERT_TRUE(ready) << readFile(directory_ / "stationd.log");
    EXPECT_EQ(printerStatus()["state"], "ready");
    EXPECT_NE(metrics().find("\nstationd_printer_ready 1\n"), std::string::npos);
}

TEST_F(PrinterStatusTest, SilentPrinterIsNeverReady) {
    startEmulator();
    startWithStatusQueries(printerPort_);
    EventStreamClient events(port_, "/api/v1/events");
    emulator_->writeLine("state silent");
    ASSERT_EQ(emulator_->readLine(), "ok state silent");

    packOneUnit();
    std::optional<json> unreachable = nextPrinterState(events, "unreachable");
    ASSERT_TRUE(unreachable) << readFile(directory_ / "stationd.log");
    EXPECT_NE(
        (*unreachable)["data"]["detail"].get<std::string>().find("no answer to the status request"),
        std::string::npos)
        << unreachable->dump();
    expectHeld("unreachable", "no answer to the status request");
    // The printer answered ~HQES at start, so silence to it is final: ~HS is not tried, and
    // no label follows the status requests.
    const std::string commands = readFile(directory_ / "printer" / "commands.log");
    EXPECT_NE(commands.find("~HQ"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("~HS"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("^XA"), std::string::npos) << commands;

    emulator_->writeLine("state ready");
    std::optional<json> ready = nextPrinterState(events, "ready");
    ASSERT_TRUE(ready) << readFile(directory_ / "stationd.log");
    expectDelivered();
}

TEST_F(PrinterStatusTest, RefusedConnectionHoldsJob) {
    startEmulator();
    const int port = printerPort_;
    emulator_.reset();
    startWithStatusQueries(port);
    EventStreamClient events(port_, "/api/v1/events");

    packOneUnit();
    std::optional<json> unreachable = nextPrinterState(events, "unreachable");
    ASSERT_TRUE(unreachable) << readFile(directory_ / "stationd.log");
    EXPECT_NE((*unreachable)["data"]["detail"].get<std::string>().find("Connection refused"),
              std::string::npos)
        << unreachable->dump();
    expectHeld("unreachable", "Connection refused");

    // The printer comes back on the same port.
    emulator_ = std::make_unique<testing::ChildProcess>(
        kBinaryDir / "print" / "zpl-printer-emulator",
        std::vector<std::string>{"--port", std::to_string(port), "--output",
                                 (directory_ / "printer").string()},
        directory_ / "emulator.log");
    ASSERT_EQ(emulator_->readLine(), std::to_string(port)) << readFile(directory_ / "emulator.log");
    std::optional<json> ready = nextPrinterState(events, "ready");
    ASSERT_TRUE(ready) << readFile(directory_ / "stationd.log");
    expectDelivered();
}

}  // namespace
}  // namespace station
