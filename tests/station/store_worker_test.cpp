#include "station/daemon/store_worker.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <mutex>
#include <set>

#include "tests/station/test_directory.hpp"

namespace station::daemon {
namespace {

constexpr char kGs = '\x1D';
const std::string kGtin = "09506000134352";
const std::string kOtherGtin = "09506000134369";
const std::string kUnknownGtin = "09506000134376";

// A GS1 element string as a DataMatrix scanner sends it: GTIN, expiry, lot, GS, serial.
std::string gs1Unit(const std::string& gtin, const std::string& serial,
                    const std::string& lot = "LOT1", const std::string& expiry = "301231") {
    std::string data = "01" + gtin + "17" + expiry + "10" + lot;
    if (!serial.empty()) {
        data += kGs + std::string("21") + serial;
    }
    return data;
}

constexpr const char* kOrder = R"({
  "order": "SO-100",
  "lines": [
    {"gtin": "09506000134352", "quantity": 3, "serial_required": true},
    {"gtin": "09506000134369", "quantity": 2}
  ]})";

session::CartonLabel renderTestLabel(const store::Order& order,
                                     const std::vector<store::Link>& links) {
    session::CartonLabel label;
    label.templateName = "carton";
    label.zpl = "^XA^FD" + order.number + " " + std::to_string(links.size()) + "^FS^XZ";
    label.fieldsJson = "{}";
    return label;
}

// A station folder: its config, its order drop folder with SO-100 in it, and a store with a
// hold on lot HELD.
config::StationConfig prepareStation(const std::filesystem::path& folder) {
    config::StationConfig config;
    config.storePath = folder / "station.db";
    config.orders.dropDir = folder / "orders";
    std::filesystem::create_directories(config.orders.dropDir);
    std::ofstream(config.orders.dropDir / "SO-100.json") << kOrder;
    store::Store store(config.storePath);
    store.database().execute(
        "INSERT INTO holds (gtin, lot, serial, reason, created_by, created_at) "
        "VALUES ('', 'HELD', '', 'recall R-1', 'lead', '2026-01-01T00:00:00.000Z')");
    return config;
}

Scan makeScan(const std::string& data, const std::string& device = "scanner-1") {
    Scan scan;
    scan.id = makeScanId();
    scan.data = data;
    scan.device = device;
    scan.readAt = std::chrono::system_clock::now();
    return scan;
}

// One scan of every kind of decision, a replayed scan id among them.
std::vector<Scan> mixedBurst() {
    std::vector<Scan> scans = {
        makeScan(gs1Unit(kGtin, "S0")),                         // no_open_order
        makeScan("SO-100"),                                     // order_opened
        makeScan(gs1Unit(kGtin, "S1")),                         // accepted
        makeScan(gs1Unit(kGtin, "S1")),                         // duplicate_serial
        makeScan(gs1Unit(kUnknownGtin, "S9")),                  // wrong_item
        makeScan(gs1Unit(kGtin, "")),                           // serial_missing
        makeScan(gs1Unit(kGtin, "S2", "LOT1", "200101")),       // expired
        makeScan(gs1Unit(kGtin, "S3", "HELD")),                 // on_hold
        makeScan(std::string("\x01\x02\xff\xfe garbage", 12)),  // parse_error
        makeScan("CLOSE"),                                      // order_incomplete
        makeScan(gs1Unit(kGtin, "S4")),                         // accepted
        makeScan("UNDO"),                                       // undone
        makeScan(gs1Unit(kGtin, "S4")),                         // accepted again after the undo
        makeScan(gs1Unit(kGtin, "S5")),                         // accepted
        makeScan(gs1Unit(kGtin, "S6")),                         // quantity_exceeded
        makeScan(gs1Unit(kOtherGtin, "T1")),                    // accepted
        makeScan(gs1Unit(kOtherGtin, "T2")),                    // accepted, completes the order
        makeScan(gs1Unit(kOtherGtin, "T3")),                    // no_open_order
    };
    scans.push_back(scans[2]);  // the same scan id again: the stored decision, no new link
    return scans;
}

// Collects decisions as StoreWorker passes them on, from the store thread.
class DecisionLog {
public:
    StoreWorker::ScanDecided callback() {
        return [this](const session::Decision& decision, const Scan& scan) {
            std::lock_guard lock(mutex_);
            decisions_.push_back(decision);
            scanIds_.push_back(scan.id);
        };
    }

    std::vector<session::Decision> decisions() {
        std::lock_guard lock(mutex_);
        return decisions_;
    }
    std::vector<std::string> scanIds() {
        std::lock_guard lock(mutex_);
        return scanIds_;
    }

private:
    std::mutex mutex_;
    std::vector<session::Decision> decisions_;
    std::vector<std::string> scanIds_;
};

// Submits `scans` while the store thread is held busy, so that they all queue up as a burst
// does behind a running commit, then lets the store thread go and waits for every decision.
void submitBurst(StoreWorker& worker, const std::vector<Scan>& scans, DecisionLog& log) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    worker.post([released] { released.wait(); });
    for (const Scan& scan : scans) {
        worker.submitScan(scan, log.callback());
    }
    release.set_value();
    worker.stop();
}

// The scan decisions and their journal events of a store, as text, in journal order.
std::vector<std::string> journalEvents(const std::filesystem::path& file) {
    store::Store store(file, store::Store::Access::ReadOnly);
    std::vector<std::string> events;
    for (const store::JournalEntry& entry : store.journal(0, 1000)) {
        events.push_back(entry.event + " " + entry.scanId.value_or("-") + " " +
                         entry.orderNumber.value_or("-"));
    }
    return events;
}

int linkCount(const std::filesystem::path& file) {
    store::Store store(file, store::Store::Access::ReadOnly);
    store::Statement count = store.database().prepare("SELECT COUNT(*) FROM links");
    count.step();
    return static_cast<int>(count.integer(0));
}

TEST(StoreWorkerTest, BurstMatchesOneByOneDecisions) {
    testing::TestDirectory directory;
    const std::vector<Scan> scans = mixedBurst();

    // Reference: the same scans through the session one at a time, on a store of its own.
    config::StationConfig referenceConfig = prepareStation(directory / "reference");
    std::vector<session::Decision> expected;
    {
        store::Store store(referenceConfig.storePath);
        orders::OrderImporter importer(store, referenceConfig.orders.dropDir,
                                       referenceConfig.stationId);
        session::SessionEngine session(store, importer, session::sessionSettings(referenceConfig),
                                       renderTestLabel);
        for (const Scan& scan : scans) {
            expected.push_back(session.handleScan(scan));
        }
    }

    config::StationConfig config = prepareStation(directory / "worker");
    DecisionLog log;
    StoreWorker worker(config, renderTestLabel);
    submitBurst(worker, scans, log);

    // The order number starts the second batch.
    const ScanBatchStats stats = worker.batchStats();
    EXPECT_EQ(stats.batches, 2u);
    EXPECT_EQ(stats.largestBatch, scans.size() - 1);
    EXPECT_EQ(stats.fallbacks, 0u);

    std::vector<std::string> submittedIds;
    for (const Scan& scan : scans) {
        submittedIds.push_back(scan.id);
    }
    EXPECT_EQ(log.scanIds(), submittedIds);
    const std::vector<session::Decision> decisions = log.decisions();
    ASSERT_EQ(decisions.size(), expected.size());
    for (std::size_t i = 0; i < decisions.size(); ++i) {
        SCOPED_TRACE("scan " + std::to_string(i) + ": " + session::printableScan(scans[i].data));
        EXPECT_EQ(decisions[i].scanId, scans[i].id);
        EXPECT_EQ(decisions[i].outcome, expected[i].outcome);
        EXPECT_EQ(decisions[i].reason, expected[i].reason);
        EXPECT_EQ(decisions[i].message, expected[i].message);
        EXPECT_EQ(decisions[i].orderNumber, expected[i].orderNumber);
        EXPECT_EQ(decisions[i].linkId, expected[i].linkId);
        EXPECT_EQ(decisions[i].printJobId, expected[i].printJobId);
        EXPECT_EQ(decisions[i].orderCompleted, expected[i].orderCompleted);
        EXPECT_EQ(decisions[i].replayed, expected[i].replayed);
    }

    // The burst covers every decision it was built for.
    std::set<std::string> reasons;
    for (const session::Decision& decision : decisions) {
        reasons.insert(decision.reason);
    }
    EXPECT_EQ(reasons, (std::set<std::string>{"", "no_open_order", "duplicate_serial", "wrong_item",
                                              "serial_missing", "expired", "on_hold", "parse_error",
                                              "order_incomplete", "quantity_exceeded"}));
    EXPECT_TRUE(decisions[16].orderCompleted);
    EXPECT_TRUE(decisions.back().replayed);

    EXPECT_EQ(linkCount(config.storePath), 6);
    EXPECT_EQ(linkCount(config.storePath), linkCount(referenceConfig.storePath));
    EXPECT_EQ(journalEvents(config.storePath), journalEvents(referenceConfig.storePath));
}

TEST(StoreWorkerTest, BurstAboveBoundTakesTwoCommits) {
    testing::TestDirectory directory;
    config::StationConfig config = prepareStation(directory / "worker");
    std::vector<Scan> scans = {makeScan("SO-200")};
    while (scans.size() < StoreWorker::kMaxScanBatch + 10) {
        scans.push_back(makeScan(gs1Unit(kGtin, "B" + std::to_string(scans.size()))));
    }

    DecisionLog log;
    StoreWorker worker(config, renderTestLabel);
    submitBurst(worker, scans, log);

    const ScanBatchStats stats = worker.batchStats();
    EXPECT_EQ(stats.batches, 2u);
    EXPECT_EQ(stats.largestBatch, StoreWorker::kMaxScanBatch);
    EXPECT_EQ(stats.scans, scans.size());
    const std::vector<session::Decision> decisions = log.decisions();
    ASSERT_EQ(decisions.size(), scans.size());
    EXPECT_EQ(decisions[0].outcome, "order_opened") << decisions[0].message;
    for (std::size_t i = 1; i < decisions.size(); ++i) {
        EXPECT_EQ(decisions[i].scanId, scans[i].id);
        EXPECT_EQ(decisions[i].outcome, "accepted") << i << ": " << decisions[i].message;
    }
    EXPECT_EQ(linkCount(config.storePath), static_cast<int>(scans.size() - 1));
}

TEST(StoreWorkerTest, FailedScanRejectsOnlyItself) {
    testing::TestDirectory directory;
    config::StationConfig config = prepareStation(directory / "worker");
    {
        // A real SQLite failure for the scans of one device, like a full disk would give.
        store::Store store(config.storePath);
        store.database().execute(
            "CREATE TRIGGER broken_device BEFORE INSERT ON scans "
            "WHEN NEW.device = 'broken-scanner' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); "
            "END");
    }
    const std::vector<Scan> scans = {
        makeScan("SO-200"),
        makeScan(gs1Unit(kGtin, "A1")),
        makeScan(gs1Unit(kGtin, "A2"), "broken-scanner"),
        makeScan(gs1Unit(kGtin, "A3")),
    };

    DecisionLog log;
    StoreWorker worker(config, renderTestLabel);
    submitBurst(worker, scans, log);

    const ScanBatchStats stats = worker.batchStats();
    EXPECT_EQ(stats.batches, 1u);
    EXPECT_EQ(stats.fallbacks, 1u);
    const std::vector<session::Decision> decisions = log.decisions();
    ASSERT_EQ(decisions.size(), 4u);
    EXPECT_EQ(decisions[0].outcome, "order_opened");
    EXPECT_EQ(decisions[1].outcome, "accepted");
    EXPECT_EQ(decisions[2].outcome, "rejected");
    EXPECT_EQ(decisions[2].reason, "store_failed");
    EXPECT_NE(decisions[2].message.find("disk I/O error"), std::string::npos)
        << decisions[2].message;
    EXPECT_EQ(decisions[3].outcome, "accepted");
    EXPECT_EQ(linkCount(config.storePath), 2);
}

TEST(StoreWorkerTest, SingleScanIsDecidedAlone) {
    testing::TestDirectory directory;
    config::StationConfig config = prepareStation(directory / "worker");
    StoreWorker worker(config, renderTestLabel);
    std::promise<session::Decision> decided;
    worker.submitScan(makeScan("SO-100"), [&decided](const session::Decision& decision,
                                                     const Scan&) { decided.set_value(decision); });
    std::future<session::Decision> result = decided.get_future();
    ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(result.get().outcome, "order_opened");
    worker.stop();
    EXPECT_EQ(worker.batchStats().batches, 1u);
    EXPECT_EQ(worker.batchStats().largestBatch, 1u);
}

}  // namespace
}  // namespace station::daemon
