// Starts the real stationd binary with a pty as its serial scanner and the ZPL printer
// emulator on a loopback port, replays scans, and checks the store, the journal and the bytes
// the printer received.

#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>

#include <fstream>
#include <sstream>

#include "station/store/store.hpp"
#include "tests/station/daemon_fixture.hpp"

namespace station {
namespace {

using testing::kBinaryDir;
using testing::readFile;

using DaemonEndToEndTest = testing::DaemonFixture;

TEST_F(DaemonEndToEndTest, ShiftLinksRejectsAndPrints) {
    std::ofstream(directory_ / "state" / "orders" / "SO-1.json") << R"({"order": "SO-1",
        "lines": [{"gtin": "09506000134352", "quantity": 2, "serial_required": true}]})";
    startEmulator();
    startDaemon(printerPort_);
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM orders", 1));

    type("SO-1\r");
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");
    type(
        "0109506000134369172812311023A17\x1D"
        "21SN2\r");  // not on the order
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");  // duplicate serial
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN3\r");  // completes the order

    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM scans", 5))
        << readFile(directory_ / "stationd.log");
    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE order_number = 'SO-1'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans WHERE reason = 'wrong_item'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans WHERE reason = 'duplicate_serial'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE raw_scan = "
                    "CAST('0109506000134352172812311023A17' || char(29) || '21SN1' AS BLOB)"),
              1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'scan_rejected'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'print_job_created'"), 1);

    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 1))
        << readFile(directory_ / "stationd.log");
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'print_job_delivered'"), 1);
    ASSERT_TRUE(
        testing::waitUntil([&] { return receivedLabels().size() == 1; }, std::chrono::seconds(5)));
    std::string zpl = readFile(receivedLabels().front());
    EXPECT_NE(zpl.find("SO-1"), std::string::npos) << zpl;
    EXPECT_NE(zpl.find("SN1"), std::string::npos) << zpl;
    EXPECT_NE(zpl.find("SN3"), std::string::npos) << zpl;
    EXPECT_EQ(zpl.find("SN2"), std::string::npos) << zpl;

    EXPECT_EQ(daemon_->stop(SIGTERM), 0);
}

TEST_F(DaemonEndToEndTest, OrderNumberCannotInjectZpl) {
    startEmulator();
    startDaemon(printerPort_);
    type("SO-^XZ^XA^JUS~JR\r");
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");
    type("CLOSE\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 1))
        << readFile(directory_ / "stationd.log");
    ASSERT_TRUE(
        testing::waitUntil([&] { return receivedLabels().size() == 1; }, std::chrono::seconds(5)));
    std::string zpl = readFile(receivedLabels().front());
    EXPECT_EQ(zpl.find("^JUS"), std::string::npos) << zpl;
    EXPECT_EQ(zpl.find("~JR"), std::string::npos) << zpl;
    EXPECT_NE(zpl.find("SO-_5EXZ_5EXA_5EJUS_7EJR"), std::string::npos) << zpl;
}

TEST_F(DaemonEndToEndTest, UnreachablePrinterKeepsJobQueued) {
    // Find a port with no listener: bind one, then close it.
    startEmulator();
    int closedPort = printerPort_;
    emulator_.reset();
    startDaemon(closedPort);
    type("SO-9\r");
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");
    type("CLOSE\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE attempts >= 2", 1))
        << readFile(directory_ / "stationd.log");
    // The retry timer may be sending it again right now; either way it is still pending.
    EXPECT_EQ(count("SELECT COUNT(*) FROM print_jobs WHERE state IN ('queued', 'sending')"), 1);
    EXPECT_TRUE(daemon_->running());
    EXPECT_NE(readFile(directory_ / "stationd.log").find("not sent"), std::string::npos);

    // Scanning goes on while the printer is away.
    type("SO-10\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM scans WHERE outcome = 'order_opened'", 2));
}

TEST_F(DaemonEndToEndTest, GarbageAndOverlongScansAreRejected) {
    startEmulator();
    startDaemon(printerPort_);
    type("SO-3\r");
    type(std::string("\x01\x02\xff\xfe\x1b[31mred\x00zz\r", 16));
    type(std::string(500, '7') + "\r");
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM links", 1))
        << readFile(directory_ / "stationd.log");
    std::string log = readFile(directory_ / "stationd.log");
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans WHERE outcome = 'rejected'"), 1) << log;
    EXPECT_EQ(log.find("\x1b[31m"), std::string::npos) << "raw escape sequence reached the log";
    EXPECT_TRUE(daemon_->running());
}

TEST_F(DaemonEndToEndTest, LeadReprintReachesPrinter) {
    startEmulator();
    startDaemon(printerPort_);
    type("SO-77\r");
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");
    type("CLOSE\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 1))
        << readFile(directory_ / "stationd.log");

    ::setenv("STATION_LEAD_PIN", "4711", 1);
    auto stationctl = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), {"--config", (directory_ / "station.toml").string()});
        testing::ChildProcess command(kBinaryDir / "station" / "stationctl", arguments,
                                      directory_ / "stationctl.log");
        return command.stop(0);
    };
    EXPECT_EQ(stationctl({"lead", "set-pin", "maria"}), 0)
        << readFile(directory_ / "stationctl.log");
    EXPECT_EQ(stationctl({"reprint", "1", "--reason", "label smudged", "--lead", "maria"}), 0)
        << readFile(directory_ / "stationctl.log");
    ::setenv("STATION_LEAD_PIN", "0000", 1);
    EXPECT_NE(stationctl({"reprint", "1", "--reason", "again", "--lead", "maria"}), 0);
    ::unsetenv("STATION_LEAD_PIN");

    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 2))
        << readFile(directory_ / "stationd.log");
    ASSERT_TRUE(
        testing::waitUntil([&] { return receivedLabels().size() == 2; }, std::chrono::seconds(5)));
    std::string reprint = readFile(receivedLabels().back());
    EXPECT_NE(reprint.find("REPRINT"), std::string::npos) << reprint;
    EXPECT_NE(reprint.find("label smudged"), std::string::npos) << reprint;
    EXPECT_EQ(count("SELECT COUNT(*) FROM print_jobs"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'label_reprinted' "
                    "AND actor = 'maria'"),
              1);
}

TEST_F(DaemonEndToEndTest, PaperOutHoldsQueueUntilReady) {
    startEmulator();
    emulator_->writeLine("state paper-out");
    startDaemon(printerPort_, "");
    daemon_->stop(SIGTERM);
    // Restart with ~HS status queries on, against a printer that reports paper out.
    std::string config = readFile(directory_ / "station.toml");
    config.insert(config.find("write_timeout_ms"), "query_status = true\n");
    std::ofstream(directory_ / "station.toml") << config;
    daemon_ = std::make_unique<testing::ChildProcess>(
        kBinaryDir / "station" / "stationd",
        std::vector<std::string>{"--config", (directory_ / "station.toml").string()},
        directory_ / "stationd.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    type("SO-5\r");
    type(
        "0109506000134352172812311023A17\x1D"
        "21SN1\r");
    type("CLOSE\r");
    ASSERT_TRUE(
        waitForCount("SELECT COUNT(*) FROM print_jobs WHERE last_error LIKE "
                     "'%not ready%paper out%'",
                     1))
        << readFile(directory_ / "stationd.log");
    EXPECT_TRUE(receivedLabels().empty());

    emulator_->writeLine("state ready");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM print_jobs WHERE state = 'delivered'", 1))
        << readFile(directory_ / "stationd.log");
    EXPECT_TRUE(
        testing::waitUntil([&] { return receivedLabels().size() == 1; }, std::chrono::seconds(5)));
}

TEST_F(DaemonEndToEndTest, CheckConfigNamesLineAndKey) {
    std::ofstream(directory_ / "bad.toml") << "[printer]\nkind = \"tcp\"\nport = \"x\"\n";
    testing::ChildProcess check(
        kBinaryDir / "station" / "stationd",
        std::vector<std::string>{"--check-config", (directory_ / "bad.toml").string()},
        directory_ / "check.log");
    int status = check.stop(0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    std::string message = readFile(directory_ / "check.log");
    EXPECT_NE(message.find("bad.toml:3: printer.port: expected an integer"), std::string::npos)
        << message;
}

}  // namespace
}  // namespace station
