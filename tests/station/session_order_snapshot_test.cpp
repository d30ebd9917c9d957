// The session reuses an order and its link counts between unit scans while the store shows no
// other write. These tests write between scans the ways a station does (stationctl on its own
// connection, a lead action on the daemon's connection, a failed transaction) and check that
// each decision still sees the store as it is.

#include <gtest/gtest.h>

#include <fstream>

#include "station/session/session_engine.hpp"
#include "tests/station/test_directory.hpp"

namespace station::session {
namespace {

constexpr char kGs = '\x1D';
const std::string kGtin = "09506000134352";

std::string gs1Unit(const std::string& serial) {
    return "01" + kGtin + "17301231" + "10LOT1" + kGs + "21" + serial;
}

class SessionOrderSnapshotTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::create_directories(directory_ / "orders");
        std::ofstream(directory_ / "orders" / "SO-100.json")
            << R"({"order": "SO-100", "lines": [{"gtin": ")" << kGtin
            << R"(", "quantity": 2, "serial_required": true}]})";
        store_ = std::make_unique<store::Store>(directory_ / "station.db");
        importer_ =
            std::make_unique<orders::OrderImporter>(*store_, directory_ / "orders", "station-1");
        SessionSettings settings;
        settings.station = "station-1";
        settings.operatorName = "packer";
        settings.orderNumberPattern = "SO-[0-9]+";
        settings.closeCode = "CLOSE";
        settings.undoCode = "UNDO";
        settings.printerName = "label";
        session_ = std::make_unique<SessionEngine>(
            *store_, *importer_, settings,
            [](const store::Order& order, const std::vector<store::Link>&) {
                CartonLabel label;
                label.templateName = "carton";
                label.zpl = "^XA^FD" + order.number + "^FS^XZ";
                label.fieldsJson = "{}";
                return label;
            });
    }

    Decision scan(const std::string& data, const std::string& device = "scanner-1") {
        Scan scan;
        scan.id = makeScanId();
        scan.data = data;
        scan.device = device;
        scan.readAt = std::chrono::system_clock::now();
        return session_->handleScan(scan);
    }

    static void voidLink(store::Database& db, std::int64_t linkId) {
        store::Statement insert = db.prepare(
            "INSERT INTO link_voids (link_id, voided_at, voided_by, reason) "
            "VALUES (?, '2026-12-04T10:00:00.000Z', 'lead', 'wrong unit')");
        insert.bind(1, linkId);
        insert.run();
    }

    testing::TestDirectory directory_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<SessionEngine> session_;
};

TEST_F(SessionOrderSnapshotTest, VoidByOtherConnectionIsSeen) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    Decision first = scan(gs1Unit("S1"));
    ASSERT_EQ(first.outcome, "accepted") << first.message;
    ASSERT_TRUE(first.linkId.has_value());

    {
        // stationctl voids the unit from its own connection.
        store::Store other(directory_ / "station.db");
        voidLink(other.database(), *first.linkId);
    }

    Decision second = scan(gs1Unit("S2"));
    EXPECT_EQ(second.outcome, "accepted") << second.message;
    EXPECT_NE(second.message.find("(1 of 2)"), std::string::npos) << second.message;
    EXPECT_FALSE(second.orderCompleted);
    Decision third = scan(gs1Unit("S3"));
    EXPECT_EQ(third.outcome, "accepted") << third.message;
    EXPECT_TRUE(third.orderCompleted);
}

TEST_F(SessionOrderSnapshotTest, VoidOnSameConnectionIsSeen) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    Decision first = scan(gs1Unit("S1"));
    ASSERT_TRUE(first.linkId.has_value());

    // A lead action in the daemon writes through the session's own connection.
    {
        store::Transaction transaction = store_->begin();
        voidLink(store_->database(), *first.linkId);
        transaction.commit();
    }

    Decision second = scan(gs1Unit("S2"));
    EXPECT_EQ(second.outcome, "accepted") << second.message;
    EXPECT_NE(second.message.find("(1 of 2)"), std::string::npos) << second.message;
    EXPECT_FALSE(second.orderCompleted);
}

TEST_F(SessionOrderSnapshotTest, CancelByOtherConnectionIsSeen) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    ASSERT_EQ(scan(gs1Unit("S1")).outcome, "accepted");
    {
        store::Store other(directory_ / "station.db");
        other.setOrderState("SO-100", "cancelled", "2026-12-04T10:00:00.000Z", "customer call");
    }
    Decision next = scan(gs1Unit("S2"));
    EXPECT_EQ(next.outcome, "rejected");
    EXPECT_EQ(next.reason, "order_closed") << next.message;
}

TEST_F(SessionOrderSnapshotTest, RolledBackLinkIsNotCounted) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    ASSERT_EQ(scan(gs1Unit("S1")).outcome, "accepted");
    // The scan row of this device fails after its link is inserted, so the whole transaction
    // rolls back.
    store_->database().execute(
        "CREATE TRIGGER broken_device BEFORE INSERT ON scans "
        "WHEN NEW.device = 'broken-scanner' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    EXPECT_THROW(scan(gs1Unit("S2"), "broken-scanner"), store::StoreError);

    Decision next = scan(gs1Unit("S3"));
    EXPECT_EQ(next.outcome, "accepted") << next.message;
    EXPECT_NE(next.message.find("(2 of 2)"), std::string::npos) << next.message;
    EXPECT_TRUE(next.orderCompleted);
    EXPECT_EQ(store_->linksByOrder("SO-100").size(), 2u);
}

TEST_F(SessionOrderSnapshotTest, UndoFreesQuantity) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    ASSERT_EQ(scan(gs1Unit("S1")).outcome, "accepted");
    ASSERT_EQ(scan("UNDO").outcome, "undone");

    Decision second = scan(gs1Unit("S2"));
    EXPECT_EQ(second.outcome, "accepted") << second.message;
    EXPECT_NE(second.message.find("(1 of 2)"), std::string::npos) << second.message;
    EXPECT_FALSE(second.orderCompleted);
    Decision third = scan(gs1Unit("S3"));
    EXPECT_TRUE(third.orderCompleted) << third.message;
}

}  // namespace
}  // namespace station::session
