// Replays of a scan id across a restart of the session and inside one burst: the link is
// recorded once and the stored decision comes back. The single-session replay is covered in
// tests/station/session_engine_test.cpp.

#include <gtest/gtest.h>

#include <fstream>

#include "station/session/session_engine.hpp"
#include "tests/station/test_directory.hpp"

namespace station::session {
namespace {

constexpr char kGs = '\x1D';

Scan unitScan(const std::string& serial) {
    Scan scan;
    scan.id = makeScanId();
    scan.data = "0109506000134352172812311023A17" + std::string(1, kGs) + "21" + serial;
    scan.device = "camera";
    scan.readAt = std::chrono::system_clock::now();
    return scan;
}

class ScanReplayTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::create_directories(directory_ / "orders");
        open();
    }

    // Opens the store and a new session on it, as the daemon does when it starts.
    void open() {
        session_.reset();
        importer_.reset();
        store_.reset();
        store_ = std::make_unique<store::Store>(directory_ / "station.db");
        importer_ =
            std::make_unique<orders::OrderImporter>(*store_, directory_ / "orders", "station-1");
        SessionSettings settings;
        settings.station = "station-1";
        settings.operatorName = "packer";
        settings.orderNumberPattern = "SO-[0-9]+";
        settings.closeCode = "CLOSE";
        settings.printerName = "label";
        session_ = std::make_unique<SessionEngine>(
            *store_, *importer_, settings, [](const store::Order& order, const auto&) {
                return CartonLabel{"carton", "^XA^FD" + order.number + "^FS^XZ", "{}"};
            });
    }

    Decision scan(const std::string& data) {
        Scan scan;
        scan.id = makeScanId();
        scan.data = data;
        scan.device = "scanner";
        scan.readAt = std::chrono::system_clock::now();
        return session_->handleScan(scan);
    }

    std::int64_t count(const std::string& sql) {
        store::Statement statement = store_->database().prepare(sql);
        statement.step();
        return statement.integer(0);
    }

    testing::TestDirectory directory_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<SessionEngine> session_;
};

TEST_F(ScanReplayTest, ReplayAfterRestartLinksOnce) {
    scan("SO-1");
    const Scan unit = unitScan("R1");
    Decision first = session_->handleScan(unit);
    ASSERT_EQ(first.outcome, "accepted") << first.message;

    open();
    Decision second = session_->handleScan(unit);
    EXPECT_TRUE(second.replayed);
    EXPECT_EQ(second.outcome, "accepted");
    EXPECT_EQ(second.message, first.message);
    EXPECT_EQ(second.orderNumber, first.orderNumber);
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE scan_id = '" + unit.id + "'"), 1);
}

TEST_F(ScanReplayTest, RepeatedIdInBurstLinksOnce) {
    scan("SO-1");
    const Scan unit = unitScan("R1");
    const Scan other = unitScan("R2");
    std::vector<Decision> decisions = session_->handleScans({unit, unit, other});
    ASSERT_EQ(decisions.size(), 3u);
    EXPECT_EQ(decisions[0].outcome, "accepted") << decisions[0].message;
    EXPECT_FALSE(decisions[0].replayed);
    EXPECT_EQ(decisions[1].outcome, "accepted");
    EXPECT_TRUE(decisions[1].replayed);
    EXPECT_EQ(decisions[2].outcome, "accepted") << decisions[2].message;
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'scan_accepted'"), 2);
}

TEST_F(ScanReplayTest, BurstReplayedAfterRestartAddsOnlyNewScans) {
    scan("SO-1");
    std::vector<Scan> burst = {unitScan("R1"), unitScan("R2")};
    session_->handleScans(burst);

    // The camera sends the burst again with one more unit after the daemon restarted.
    open();
    burst.push_back(unitScan("R3"));
    std::vector<Decision> decisions = session_->handleScans(burst);
    ASSERT_EQ(decisions.size(), 3u);
    EXPECT_TRUE(decisions[0].replayed);
    EXPECT_TRUE(decisions[1].replayed);
    EXPECT_FALSE(decisions[2].replayed);
    EXPECT_EQ(decisions[2].outcome, "accepted") << decisions[2].message;
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 3);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'scan_accepted'"), 3);
}

TEST_F(ScanReplayTest, ReplayedRejectKeepsItsReason) {
    const Scan unit = unitScan("R1");
    Decision first = session_->handleScan(unit);
    ASSERT_EQ(first.reason, "no_open_order");

    // An order opened since then does not change the stored decision.
    scan("SO-1");
    open();
    Decision second = session_->handleScan(unit);
    EXPECT_TRUE(second.replayed);
    EXPECT_EQ(second.outcome, "rejected");
    EXPECT_EQ(second.reason, "no_open_order");
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 0);
}

}  // namespace
}  // namespace station::session
