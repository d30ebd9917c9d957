#include "station/store/store.hpp"

#include <gtest/gtest.h>

#include "station/store/schema.hpp"
#include "tests/station/test_directory.hpp"

namespace station::store {
namespace {

std::string pragmaText(Store& store, const char* pragma) {
    Statement statement = store.database().prepare(std::string("PRAGMA ") + pragma);
    EXPECT_TRUE(statement.step());
    return statement.text(0);
}

ScanRecord scanRecord(const std::string& id) {
    ScanRecord scan;
    scan.scanId = id;
    scan.device = "bench";
    scan.readAt = "2026-12-04T10:00:00.000Z";
    scan.raw = "SO-1";
    scan.outcome = "order_opened";
    scan.orderNumber = "SO-1";
    return scan;
}

Order orderWithOneLine() {
    Order order;
    order.number = "SO-1";
    order.source = "test";
    order.hasLines = true;
    order.lines.push_back({.lineNo = 1, .gtin = "09506000134352", .quantity = 2});
    return order;
}

Link linkFor(const std::string& scanId, const std::string& serial) {
    Link link;
    link.scanId = scanId;
    link.orderNumber = "SO-1";
    link.lineNo = 1;
    link.gtin = "09506000134352";
    link.serial = serial;
    link.lot = "L1";
    link.station = "station-1";
    link.operatorName = "packer";
    link.device = "bench";
    link.scannedAt = "2026-12-04T10:00:01.000Z";
    link.rawScan = "raw";
    return link;
}

TEST(StoreTest, OpensInWalWithFullSync) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    EXPECT_EQ(pragmaText(store, "journal_mode"), "wal");
    EXPECT_EQ(pragmaText(store, "synchronous"), "2");  // 2 is FULL
    EXPECT_EQ(pragmaText(store, "foreign_keys"), "1");
    EXPECT_EQ(schemaVersion(store.database()), static_cast<int>(migrations().size()));
}

TEST(StoreTest, RejectsNewerSchema) {
    testing::TestDirectory directory;
    {
        Store store(directory / "station.db");
        store.database().execute("PRAGMA user_version = 999");
    }
    try {
        Store store(directory / "station.db");
        FAIL() << "a store from a newer build opened";
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find("schema version 999"), std::string::npos)
            << error.what();
    }
}

TEST(StoreTest, ReopenKeepsCommittedRows) {
    testing::TestDirectory directory;
    {
        Store store(directory / "station.db");
        Transaction transaction = store.begin();
        store.insertOrder(orderWithOneLine(), "2026-12-04T10:00:00.000Z");
        store.insertScan(scanRecord("scan-1"));
        store.insertLink(linkFor("scan-1", "S1"), "2026-12-04T10:00:01.000Z");
        transaction.commit();
    }
    Store reopened(directory / "station.db", Store::Access::ReadOnly);
    std::vector<Link> links = reopened.linksBySerial("S1");
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].orderNumber, "SO-1");
    EXPECT_EQ(links[0].lot, "L1");
}

TEST(StoreTest, UncommittedTransactionRollsBack) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    {
        Transaction transaction = store.begin();
        store.insertOrder(orderWithOneLine(), "2026-12-04T10:00:00.000Z");
    }
    EXPECT_FALSE(store.findOrder("SO-1").has_value());
}

TEST(StoreTest, JournalIsAppendOnly) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    store.appendJournal({.at = "t", .station = "s", .actor = "a", .event = "e"});
    EXPECT_THROW(store.database().execute("UPDATE journal SET event = 'x'"), StoreError);
    EXPECT_THROW(store.database().execute("DELETE FROM journal"), StoreError);
    EXPECT_EQ(store.journal(0, 10).size(), 1u);
}

TEST(StoreTest, LinksAreNeverUpdated) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    store.insertOrder(orderWithOneLine(), "t");
    store.insertScan(scanRecord("scan-1"));
    store.insertLink(linkFor("scan-1", "S1"), "t");
    EXPECT_THROW(store.database().execute("UPDATE links SET serial = 'S2'"), StoreError);
    EXPECT_THROW(store.database().execute("DELETE FROM links"), StoreError);
}

TEST(StoreTest, ScanIdIsUnique) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    store.insertScan(scanRecord("scan-1"));
    EXPECT_THROW(store.insertScan(scanRecord("scan-1")), StoreError);
}

TEST(StoreTest, ShippedSerialIgnoresVoidedAndReturned) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    store.insertOrder(orderWithOneLine(), "t");
    store.insertScan(scanRecord("scan-1"));
    std::int64_t linkId = store.insertLink(linkFor("scan-1", "S1"), "2026-12-04T10:00:01.000Z");
    EXPECT_TRUE(store.findShippedSerial("09506000134352", "", "S1").has_value());
    EXPECT_FALSE(store.findShippedSerial("09506000134369", "", "S1").has_value());

    store.database().execute(
        "INSERT INTO returns (gtin, serial, returned_at, recorded_by, reason) VALUES "
        "('09506000134352', 'S1', '2026-12-05T09:00:00.000Z', 'lead', 'customer return')");
    EXPECT_FALSE(store.findShippedSerial("09506000134352", "", "S1").has_value());

    store.insertScan(scanRecord("scan-2"));
    Link second = linkFor("scan-2", "S2");
    std::int64_t secondId = store.insertLink(second, "2026-12-06T10:00:00.000Z");
    EXPECT_TRUE(store.findShippedSerial("09506000134352", "", "S2").has_value());
    Statement voidLink = store.database().prepare(
        "INSERT INTO link_voids (link_id, voided_at, voided_by, reason) VALUES (?, 't', 'lead', "
        "'wrong scan')");
    voidLink.bind(1, secondId).run();
    EXPECT_FALSE(store.findShippedSerial("09506000134352", "", "S2").has_value());
    EXPECT_NE(linkId, secondId);
}

TEST(StoreTest, RecallByLotAndGtin) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    store.insertOrder(orderWithOneLine(), "t");
    store.insertScan(scanRecord("scan-1"));
    store.insertLink(linkFor("scan-1", "S1"), "t");
    EXPECT_EQ(store.linksByLot("L1", "").size(), 1u);
    EXPECT_EQ(store.linksByLot("L1", "09506000134352").size(), 1u);
    EXPECT_EQ(store.linksByLot("L1", "09506000134369").size(), 0u);
    EXPECT_EQ(store.linksByLot("L2", "").size(), 0u);
}

TEST(StoreTest, ActiveHoldMatchesLotOrSerial) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    store.database().execute(
        "INSERT INTO holds (gtin, lot, reason, created_by, created_at) VALUES "
        "('09506000134352', 'BAD', 'recall 7', 'lead', 't')");
    EXPECT_TRUE(store.activeHold("09506000134352", "BAD", "").has_value());
    EXPECT_FALSE(store.activeHold("09506000134369", "BAD", "").has_value());
    EXPECT_FALSE(store.activeHold("09506000134352", "GOOD", "").has_value());
    store.database().execute("UPDATE holds SET released_at = 't2'");
    EXPECT_FALSE(store.activeHold("09506000134352", "BAD", "").has_value());
}

TEST(StoreTest, PendingPrintJobsInOrder) {
    testing::TestDirectory directory;
    Store store(directory / "station.db");
    PrintJob job;
    job.templateName = "carton";
    job.printer = "label";
    job.zpl = "^XA^XZ";
    job.fieldsJson = "{}";
    job.createdAt = "t";
    std::int64_t first = store.insertPrintJob(job);
    std::int64_t second = store.insertPrintJob(job);
    store.updatePrintJob(first, "delivered", 1, "", "t");
    std::vector<PrintJob> pending = store.pendingPrintJobs();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].jobId, second);
    EXPECT_EQ(pending[0].zpl, "^XA^XZ");
}

}  // namespace
}  // namespace station::store
