// Replays a packing shift through the real stationd binary on a pty serial scanner, with the
// ZPL printer emulator on loopback, and kills the daemon with SIGKILL at random points. After
// every kill the daemon restarts on the same store and the scans it had not acknowledged are
// typed again, as a packer does when the station shows no decision. The store must keep every
// acknowledged link, link no GTIN+serial twice, journal every recorded scan once, and print
// no carton label twice.
//
// The seed is printed at the start. Replay a failure with STATION_CRASH_SEED=<seed>.

#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "station/store/store.hpp"
#include "tests/station/daemon_fixture.hpp"

namespace station {
namespace {

using testing::kBinaryDir;
using testing::readFile;

constexpr unsigned kDefaultSeed = 20261204;
constexpr int kKills = 24;
// Kills timed while a carton label is on its way to the printer, among kKills.
constexpr int kKillsWhileSending = 3;
constexpr char kGs = '\x1D';

// Appends the GS1 check digit (mod 10, weights 3 and 1 from the right) to 13 digits.
std::string gtin14(const std::string& first13) {
    int sum = 0;
    for (std::size_t i = 0; i < first13.size(); ++i) {
        const int digit = first13[first13.size() - 1 - i] - '0';
        sum += (i % 2 == 0) ? digit * 3 : digit;
    }
    return first13 + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// A GS1 DataMatrix element string: GTIN, expiry, lot, GS, serial.
std::string gs1Unit(const std::string& gtin, const std::string& lot, const std::string& serial) {
    std::string bytes = "01" + gtin + "17281231" + "10" + lot;
    if (!serial.empty()) {
        bytes += kGs + std::string("21") + serial;
    }
    return bytes;
}

// The GTIN, serial and order of a link.
using LinkKey = std::tuple<std::string, std::string, std::string>;

struct PlannedScan {
    std::string bytes;
    // Set for a unit that the station must link exactly once by the end of the shift.
    std::optional<LinkKey> link;
    // Set for the unit whose link completes its order.
    std::optional<std::string> completesOrder;
};

struct Shift {
    // Order files for the drop folder: file name and JSON text.
    std::vector<std::pair<std::string, std::string>> orderFiles;
    std::vector<PlannedScan> scans;
};

// Plans a shift of serialised GS1 units over several orders with order files, and one order
// without order data that the packer closes by hand. Rejects are mixed in: wrong items,
// serials already shipped, missing serials, a quantity exceeded and unreadable reads.
Shift planShift(std::mt19937& random) {
    const std::vector<std::string> products = {gtin14("0950600013435"), gtin14("0950600099001"),
                                               gtin14("0950600099002"), gtin14("0950600099003"),
                                               gtin14("0950600099004")};
    auto pick = [&random](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };

    Shift shift;
    int serialCounter = 0;
    std::vector<std::pair<std::string, std::string>> shipped;  // GTIN, serial
    auto newSerial = [&serialCounter] { return "CR" + std::to_string(100000 + ++serialCounter); };

    for (int orderIndex = 0; orderIndex < 16; ++orderIndex) {
        const std::string number = "SO-" + std::to_string(2001 + orderIndex);
        std::vector<std::string> lineProducts = products;
        std::shuffle(lineProducts.begin(), lineProducts.end(), random);
        lineProducts.resize(static_cast<std::size_t>(pick(1, 3)));
        std::vector<int> quantities;
        std::string json = R"({"order": ")" + number + R"(", "customer_ref": "C-)" +
                           std::to_string(orderIndex) + R"(", "lines": [)";
        for (std::size_t line = 0; line < lineProducts.size(); ++line) {
            quantities.push_back(pick(4, 10));
            json += (line > 0 ? ", " : "") + std::string(R"({"gtin": ")") + lineProducts[line] +
                    R"(", "quantity": )" + std::to_string(quantities.back()) +
                    R"(, "serial_required": true, "lot_required": true})";
        }
        json += "]}";
        shift.orderFiles.emplace_back(number + ".json", json);

        shift.scans.push_back({number, std::nullopt, std::nullopt});
        std::vector<std::string> units;
        for (std::size_t line = 0; line < lineProducts.size(); ++line) {
            units.insert(units.end(), static_cast<std::size_t>(quantities[line]),
                         lineProducts[line]);
        }
        std::shuffle(units.begin(), units.end(), random);
        std::set<std::string> fullLines;
        std::map<std::string, int> remaining;
        for (std::size_t line = 0; line < lineProducts.size(); ++line) {
            remaining[lineProducts[line]] = quantities[line];
        }

        for (std::size_t unit = 0; unit < units.size(); ++unit) {
            const std::string& gtin = units[unit];
            const std::string lot = "L" + std::to_string(pick(1, 4));
            switch (pick(0, 14)) {
                case 0: {
                    auto notOnOrder = std::find_if(
                        products.begin(), products.end(),
                        [&](const std::string& product) { return !remaining.contains(product); });
                    if (notOnOrder != products.end()) {
                        shift.scans.push_back({gs1Unit(*notOnOrder, lot, newSerial())});
                    }
                    break;
                }
                case 1:
                    if (!shipped.empty()) {
                        const auto& [shippedGtin, serial] = shipped[static_cast<std::size_t>(
                            pick(0, static_cast<int>(shipped.size() - 1)))];
                        shift.scans.push_back({gs1Unit(shippedGtin, lot, serial)});
                    }
                    break;
                case 2:
                    shift.scans.push_back({gs1Unit(gtin, lot, "")});
                    break;
                case 3:
                    // A misread check digit.
                    shift.scans.push_back({gs1Unit(
                        gtin.substr(0, 13) + static_cast<char>('0' + (gtin[13] - '0' + 1) % 10),
                        lot, newSerial())});
                    break;
                case 4:
                    if (!fullLines.empty()) {
                        shift.scans.push_back({gs1Unit(*fullLines.begin(), lot, newSerial())});
                    }
                    break;
                default:
                    break;
            }

            const std::string serial = newSerial();
            PlannedScan scan{gs1Unit(gtin, lot, serial), LinkKey{gtin, serial, number},
                             std::nullopt};
            if (unit + 1 == units.size()) {
                scan.completesOrder = number;
            }
            shift.scans.push_back(scan);
            shipped.emplace_back(gtin, serial);
            if (--remaining[gtin] == 0) {
                fullLines.insert(gtin);
            }
        }

        if (orderIndex == 5) {
            // An order without order data: every unit links as scanned until CLOSE.
            const std::string manual = "SO-2999";
            shift.scans.push_back({manual, std::nullopt, std::nullopt});
            for (int unit = 0; unit < 5; ++unit) {
                const std::string serial = newSerial();
                shift.scans.push_back({gs1Unit(products[0], "L9", serial),
                                       LinkKey{products[0], serial, manual}, std::nullopt});
                shipped.emplace_back(products[0], serial);
            }
            shift.scans.push_back({"CLOSE", std::nullopt, manual});
        }
    }
    return shift;
}

// One decision line of the daemon log: "OK <outcome> [device] <message>" or
// "REJECTED <reason> [device] <message>", written after the decision was committed.
struct Acknowledgement {
    bool good = false;
    std::string outcome;
    std::string gtin;
    std::string serial;
    std::string order;
    std::string line;
};

std::vector<Acknowledgement> readAcknowledgements(const std::filesystem::path& log) {
    static const std::regex kDecision(R"(\[session\] (OK|REJECTED) (\S+) \[[^\]]*\] (.*))");
    static const std::regex kLinked(R"(^Linked GTIN (\d{14}) serial (\S+) .*to order (\S+))");
    std::vector<Acknowledgement> acknowledgements;
    std::string text = readFile(log);
    // A line cut short by the kill has no newline yet and does not count.
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch match;
        if (!std::regex_search(line, match, kDecision)) {
            continue;
        }
        Acknowledgement acknowledgement;
        acknowledgement.good = match[1] == "OK";
        acknowledgement.outcome = match[2];
        acknowledgement.line = line;
        const std::string message = match[3];
        std::smatch linked;
        if (acknowledgement.outcome == "accepted" && std::regex_search(message, linked, kLinked)) {
            acknowledgement.gtin = linked[1];
            acknowledgement.serial = linked[2];
            acknowledgement.order = linked[3];
        }
        acknowledgements.push_back(acknowledgement);
    }
    return acknowledgements;
}

unsigned crashSeed() {
    if (const char* text = std::getenv("STATION_CRASH_SEED")) {
        return static_cast<unsigned>(std::stoul(text));
    }
    return kDefaultSeed;
}

// The daemon fixture's pty scanner and state folders, with a slow printer and one log per
// daemon run.
class DaemonCrashTest : public testing::DaemonFixture {
protected:
    // The printer reads 64 bytes every 10 ms, so a carton label stays "sending" long enough
    // for a kill to land in the middle of it.
    void startSlowPrinter() {
        emulator_ = std::make_unique<testing::ChildProcess>(
            kBinaryDir / "print" / "zpl-printer-emulator",
            std::vector<std::string>{"--port", "0", "--output", (directory_ / "printer").string(),
                                     "--mode", "slow"},
            directory_ / "emulator.log");
        printerPort_ = std::stoi(emulator_->readLine());
    }

    std::filesystem::path logOfRun(int run) const {
        return directory_ / ("stationd-" + std::to_string(run) + ".log");
    }

    void startDaemon(int run) {
        std::ofstream(directory_ / "station.toml") << R"([station]
id = "crash"
operator = "tester"
state_dir = "state"
log_level = "info"

[orders]
number_pattern = "SO-[0-9]{4}"

[api]
port = 0

[printer]
kind = "tcp"
host = "127.0.0.1"
port = )" << printerPort_ << R"(
connect_timeout_ms = 1000
write_timeout_ms = 10000

[[scanner]]
name = "pty-scanner"
kind = "serial"
device = ")" << device_ << R"("
suffix = "cr"
max_length = 128
)";
        daemon_ = std::make_unique<testing::ChildProcess>(
            kBinaryDir / "station" / "stationd",
            std::vector<std::string>{"--config", (directory_ / "station.toml").string()},
            logOfRun(run));
        ASSERT_TRUE(testing::waitUntil(
            [&] { return readFile(logOfRun(run)).find(": connected ") != std::string::npos; },
            std::chrono::seconds(10)))
            << readFile(logOfRun(run));
    }

    void type(const std::string& bytes) {
        const std::string framed = bytes + "\r";
        ASSERT_EQ(::write(master_, framed.data(), framed.size()),
                  static_cast<ssize_t>(framed.size()));
    }

    std::unique_ptr<store::Store> openStore() {
        return std::make_unique<store::Store>(directory_ / "state" / "station.db",
                                              store::Store::Access::ReadOnly);
    }

    std::int64_t count(const std::string& sql, const std::vector<std::string>& parameters = {}) {
        std::unique_ptr<store::Store> store = openStore();
        return count(*store, sql, parameters);
    }

    static std::int64_t count(store::Store& store, const std::string& sql,
                              const std::vector<std::string>& parameters = {}) {
        store::Statement statement = store.database().prepare(sql);
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            statement.bind(static_cast<int>(i + 1), parameters[i]);
        }
        statement.step();
        return statement.integer(0);
    }

    std::vector<std::int64_t> jobsInState(const std::string& state,
                                          const std::string& order = "%") {
        std::unique_ptr<store::Store> store = openStore();
        store::Statement statement = store->database().prepare(
            "SELECT job_id FROM print_jobs WHERE state = ? AND order_number LIKE ?");
        statement.bind(1, state).bind(2, order);
        std::vector<std::int64_t> jobs;
        while (statement.step()) {
            jobs.push_back(statement.integer(0));
        }
        return jobs;
    }

    std::string jobState(std::int64_t jobId) {
        std::unique_ptr<store::Store> store = openStore();
        store::Statement statement =
            store->database().prepare("SELECT state FROM print_jobs WHERE job_id = ?");
        statement.bind(1, jobId);
        return statement.step() ? statement.text(0) : "";
    }

    // Labels the printer received, counted by the order number they carry.
    std::map<std::string, int> labelsByOrder() {
        static const std::regex kOrder(R"(SO-[0-9]{4})");
        std::map<std::string, int> labels;
        std::error_code error;
        for (const auto& entry :
             std::filesystem::directory_iterator(directory_ / "printer" / "labels", error)) {
            if (entry.path().extension() != ".zpl") {
                continue;
            }
            const std::string zpl = readFile(entry.path());
            std::smatch match;
            if (std::regex_search(zpl, match, kOrder)) {
                ++labels[match[0]];
            } else {
                ++labels["(no order number)"];
            }
        }
        return labels;
    }

    // Checks the store against everything acknowledged so far.
    void checkStore(const std::vector<Acknowledgement>& acknowledged, const std::string& when) {
        SCOPED_TRACE(when);
        std::unique_ptr<store::Store> opened = openStore();
        store::Store& store = *opened;
        for (const Acknowledgement& acknowledgement : acknowledged) {
            if (acknowledgement.outcome != "accepted") {
                continue;
            }
            ASSERT_FALSE(acknowledgement.serial.empty()) << acknowledgement.line;
            EXPECT_EQ(count(store,
                            "SELECT COUNT(*) FROM links l WHERE gtin = ? AND serial = ? AND "
                            "order_number = ? AND NOT EXISTS "
                            "(SELECT 1 FROM link_voids v WHERE v.link_id = l.link_id)",
                            {acknowledgement.gtin, acknowledgement.serial, acknowledgement.order}),
                      1)
                << "acknowledged link missing: " << acknowledgement.line;
        }
        EXPECT_EQ(count(store,
                        "SELECT COUNT(*) FROM (SELECT gtin, sku, serial FROM links "
                        "WHERE serial <> '' GROUP BY gtin, sku, serial HAVING COUNT(*) > 1)"),
                  0)
            << "a GTIN+serial is linked twice";
        EXPECT_EQ(count(store,
                        "SELECT COUNT(*) FROM links l LEFT JOIN scans s ON s.scan_id = l.scan_id "
                        "WHERE s.outcome IS NOT 'accepted'"),
                  0)
            << "a link without its accepted scan";
        EXPECT_EQ(count(store,
                        "SELECT COUNT(*) FROM scans s WHERE (SELECT COUNT(*) FROM journal j "
                        "WHERE j.scan_id = s.scan_id AND j.event LIKE 'scan!_%' ESCAPE '!') <> 1"),
                  0)
            << "a recorded scan without exactly one journal event";
        EXPECT_EQ(
            count(store, "SELECT COUNT(*) FROM journal WHERE event LIKE 'scan!_%' ESCAPE '!'"),
            count(store, "SELECT COUNT(*) FROM scans"))
            << "a journal scan event without its scan";
        EXPECT_EQ(count(store,
                        "SELECT COUNT(*) FROM (SELECT order_number FROM print_jobs "
                        "WHERE reprint_of IS NULL GROUP BY order_number HAVING COUNT(*) > 1)"),
                  0)
            << "an order with two carton label jobs";

        const std::map<std::string, int> labels = labelsByOrder();
        for (const auto& [order, printed] : labels) {
            EXPECT_EQ(printed, 1) << "labels printed for " << order;
        }
        for (std::int64_t jobId : jobsInState("delivered")) {
            std::optional<store::PrintJob> job = store.findPrintJob(jobId);
            ASSERT_TRUE(job.has_value()) << "print job " << jobId;
            ASSERT_TRUE(job->orderNumber.has_value()) << "print job " << jobId;
            EXPECT_TRUE(labels.contains(*job->orderNumber))
                << "print job " << jobId << " is delivered but the printer has no label for "
                << *job->orderNumber;
        }
    }

};

TEST_F(DaemonCrashTest, KillsLoseNoAcknowledgedLink) {
    const unsigned seed = crashSeed();
    std::cout << "Crash test seed " << seed << " (set STATION_CRASH_SEED to replay)" << std::endl;
    RecordProperty("seed", std::to_string(seed));
    std::mt19937 random(seed);
    const Shift shift = planShift(random);
    const int scanCount = static_cast<int>(shift.scans.size());

    // Kill points: a few right after a unit that completes an order, once its label is on the
    // wire, and the rest at random scans.
    std::map<int, bool> killAfter;  // scan index -> kill while a label is sending
    std::vector<int> completions;
    for (int i = 0; i + 1 < scanCount; ++i) {
        if (shift.scans[static_cast<std::size_t>(i)].completesOrder &&
            shift.scans[static_cast<std::size_t>(i)].link) {
            completions.push_back(i);
        }
    }
    std::shuffle(completions.begin(), completions.end(), random);
    for (int i = 0; i < kKillsWhileSending && i < static_cast<int>(completions.size()); ++i) {
        killAfter[completions[static_cast<std::size_t>(i)]] = true;
    }
    std::uniform_int_distribution<int> anyScan(2, scanCount - 3);
    while (static_cast<int>(killAfter.size()) < kKills) {
        killAfter.emplace(anyScan(random), false);
    }

    for (const auto& [name, json] : shift.orderFiles) {
        std::ofstream(directory_ / "state" / "orders" / name) << json;
    }
    startSlowPrinter();

    std::vector<Acknowledgement> acknowledged;
    std::vector<std::int64_t> sendingAtKill;
    int caughtSending = 0;
    int typedAgain = 0;
    int next = 0;
    int kills = 0;
    std::uniform_int_distribution<int> typingGap(0, 12);
    std::uniform_int_distribution<int> killDelay(0, 40);

    for (int run = 0;; ++run) {
        ASSERT_NO_FATAL_FAILURE(startDaemon(run));
        if (run == 0) {
            ASSERT_TRUE(testing::waitUntil(
                [&] {
                    return count("SELECT COUNT(*) FROM orders") ==
                           static_cast<std::int64_t>(shift.orderFiles.size());
                },
                std::chrono::seconds(10)));
        }
        // The spooler marks jobs that were on the wire at the kill as uncertain when it starts.
        for (std::int64_t jobId : sendingAtKill) {
            ASSERT_TRUE(testing::waitUntil([&] { return jobState(jobId) != "sending"; },
                                           std::chrono::seconds(10)));
            EXPECT_EQ(jobState(jobId), "uncertain") << "print job " << jobId;
        }
        sendingAtKill.clear();

        const int runStart = next;
        auto killPoint = killAfter.lower_bound(next);
        const int runEnd = killPoint == killAfter.end() ? scanCount : killPoint->first + 1;
        for (int i = runStart; i < runEnd; ++i) {
            ASSERT_NO_FATAL_FAILURE(type(shift.scans[static_cast<std::size_t>(i)].bytes));
            std::this_thread::sleep_for(std::chrono::milliseconds(typingGap(random)));
        }

        if (runEnd == scanCount) {
            // The last run: let every scan and every label finish, then stop cleanly.
            ASSERT_TRUE(testing::waitUntil(
                [&] {
                    return static_cast<int>(readAcknowledgements(logOfRun(run)).size()) ==
                           scanCount - runStart;
                },
                std::chrono::seconds(20)))
                << readFile(logOfRun(run));
            ASSERT_TRUE(testing::waitUntil(
                [&] {
                    return count(
                               "SELECT COUNT(*) FROM print_jobs "
                               "WHERE state IN ('queued', 'sending')") == 0;
                },
                std::chrono::seconds(20)))
                << readFile(logOfRun(run));
            std::vector<Acknowledgement> last = readAcknowledgements(logOfRun(run));
            acknowledged.insert(acknowledged.end(), last.begin(), last.end());
            EXPECT_EQ(daemon_->stop(SIGTERM), 0);
            break;
        }

        const int killIndex = killPoint->first;
        const bool whileSending = killPoint->second;
        killAfter.erase(killPoint);
        const std::string completedOrder =
            shift.scans[static_cast<std::size_t>(killIndex)].completesOrder.value_or("");
        if (whileSending) {
            if (testing::waitUntil([&] { return !jobsInState("sending", completedOrder).empty(); },
                                   std::chrono::seconds(5))) {
                ++caughtSending;
            }
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(killDelay(random)));
        }
        ASSERT_TRUE(WIFSIGNALED(daemon_->stop(SIGKILL)));
        ++kills;
        // Bytes the daemon had not read yet are lost with it, as a scanner's are when the
        // station restarts; they are typed again below.
        ::tcflush(slave_, TCIFLUSH);

        std::vector<Acknowledgement> runAcknowledged = readAcknowledgements(logOfRun(run));
        ASSERT_LE(static_cast<int>(runAcknowledged.size()), runEnd - runStart)
            << readFile(logOfRun(run));
        acknowledged.insert(acknowledged.end(), runAcknowledged.begin(), runAcknowledged.end());
        next = runStart + static_cast<int>(runAcknowledged.size());
        typedAgain += runEnd - next;
        sendingAtKill = jobsInState("sending");

        ASSERT_NO_FATAL_FAILURE(checkStore(
            acknowledged, "after kill " + std::to_string(kills) + " (seed " + std::to_string(seed) +
                              ", scan " + std::to_string(killIndex) + ")"));
    }

    ASSERT_NO_FATAL_FAILURE(
        checkStore(acknowledged, "at the end (seed " + std::to_string(seed) + ")"));
    EXPECT_GE(kills, 20);
    EXPECT_GE(caughtSending, 1) << "no kill landed while a label was sending";

    // Every planned unit is linked exactly once, and nothing else is.
    std::set<LinkKey> planned;
    for (const PlannedScan& scan : shift.scans) {
        if (scan.link) {
            planned.insert(*scan.link);
        }
    }
    std::set<LinkKey> linked;
    {
        std::unique_ptr<store::Store> store = openStore();
        store::Statement statement =
            store->database().prepare("SELECT gtin, serial, order_number FROM links");
        while (statement.step()) {
            linked.emplace(statement.text(0), statement.text(1), statement.text(2));
        }
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), static_cast<std::int64_t>(planned.size()));
    EXPECT_EQ(linked, planned);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE state = 'complete'"),
              static_cast<std::int64_t>(shift.orderFiles.size() + 1));
    std::cout << "Scans planned " << scanCount << ", typed again after a kill " << typedAgain
              << ", recorded " << count("SELECT COUNT(*) FROM scans") << ", kills " << kills
              << ", kills while a label was sending " << caughtSending << ", uncertain jobs "
              << jobsInState("uncertain").size() << ", labels printed " << labelsByOrder().size()
              << std::endl;
}

}  // namespace
}  // namespace station
