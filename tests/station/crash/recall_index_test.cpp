// Checks that recall queries and the duplicate-serial check read an index, not the whole links
// table. SQLite's virtual machine work is counted with a progress handler: a lookup through
// an index takes a few thousand instructions here, a scan of the links table at least three
// per link (150,000).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "station/store/store.hpp"
#include "tests/station/test_directory.hpp"

namespace station::store {
namespace {

constexpr int kLinks = 50000;
// Virtual machine instructions between two progress handler calls.
constexpr int kInstructionsPerCall = 100;
// At most this many instructions for a query that returns a handful of rows by index.
constexpr long kIndexedBudget = 20000;

class RecallIndexTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_unique<Store>(directory_ / "station.db");
        Transaction transaction = store_->begin();
        Database& db = store_->database();
        Statement order = db.prepare(
            "INSERT INTO orders (order_number, has_lines, source, imported_at) "
            "VALUES (?, 0, 'test', '2026-01-01T00:00:00.000Z')");
        Statement scan = db.prepare(
            "INSERT INTO scans (scan_id, device, read_at, raw, outcome, order_number) "
            "VALUES (?, 'scanner', '2026-01-01T00:00:00.000Z', 'raw', 'accepted', ?)");
        Statement link = db.prepare(
            "INSERT INTO links (scan_id, order_number, gtin, serial, lot, station, operator, "
            "device, scanned_at, linked_at, raw_scan) VALUES (?, ?, ?, ?, ?, 'station-1', "
            "'packer', 'scanner', ?, ?, 'raw')");
        for (int i = 0; i < kLinks; ++i) {
            const std::string number = fmt::format("SO-{:05d}", i / 20);
            if (i % 20 == 0) {
                order.bind(1, number).run();
                order.reset();
            }
            const std::string scanId = fmt::format("scan-{:06d}", i);
            const std::string at =
                fmt::format("2026-01-01T00:{:02d}:{:02d}.000Z", i / 600 % 60, i / 10 % 60);
            scan.bind(1, scanId).bind(2, number).run();
            scan.reset();
            link.bind(1, scanId)
                .bind(2, number)
                .bind(3, fmt::format("0950600{:07d}", i % 50))
                .bind(4, fmt::format("SN{:06d}", i))
                .bind(5, fmt::format("L{:04d}", i % 400))
                .bind(6, at)
                .bind(7, at)
                .run();
            link.reset();
        }
        transaction.commit();
    }

    // Virtual machine instructions that `query` runs, rounded up to kInstructionsPerCall.
    long instructions(const std::function<void()>& query) {
        long calls = 0;
        sqlite3_progress_handler(
            store_->database().handle(), kInstructionsPerCall,
            [](void* counter) {
                ++*static_cast<long*>(counter);
                return 0;
            },
            &calls);
        query();
        sqlite3_progress_handler(store_->database().handle(), 0, nullptr, nullptr);
        return calls * kInstructionsPerCall;
    }

    testing::TestDirectory directory_;
    std::unique_ptr<Store> store_;
};

TEST_F(RecallIndexTest, SerialLookupReadsIndex) {
    std::size_t rows = 0;
    const long work = instructions([&] { rows = store_->linksBySerial("SN004242").size(); });
    EXPECT_EQ(rows, 1u);
    EXPECT_LT(work, kIndexedBudget) << "linksBySerial scans the links table";
}

TEST_F(RecallIndexTest, LotLookupReadsIndex) {
    std::size_t rows = 0;
    const long work = instructions([&] { rows = store_->linksByLot("L0042", "").size(); });
    EXPECT_EQ(rows, static_cast<std::size_t>(kLinks / 400));
    EXPECT_LT(work, kIndexedBudget) << "linksByLot without GTIN scans the links table";
}

TEST_F(RecallIndexTest, LotAndGtinLookupReadsIndex) {
    std::size_t rows = 0;
    const long work =
        instructions([&] { rows = store_->linksByLot("L0042", "09506000000042").size(); });
    EXPECT_EQ(rows, static_cast<std::size_t>(kLinks / 400));
    EXPECT_LT(work, kIndexedBudget) << "linksByLot with GTIN scans the links table";
}

TEST_F(RecallIndexTest, OrderLookupReadsIndex) {
    std::size_t rows = 0;
    const long work = instructions([&] { rows = store_->linksByOrder("SO-00421").size(); });
    EXPECT_EQ(rows, 20u);
    EXPECT_LT(work, kIndexedBudget) << "linksByOrder scans the links table";
}

// The duplicate-serial check runs inside every unit scan's transaction, so a scan of the
// links table there slows every acknowledgement as the store grows.
TEST_F(RecallIndexTest, ShippedSerialCheckReadsIndex) {
    bool found = false;
    const long work = instructions(
        [&] { found = store_->findShippedSerial("09506000000042", "", "SN004242").has_value(); });
    EXPECT_TRUE(found);
    EXPECT_LT(work, kIndexedBudget) << "findShippedSerial scans the links table";
}

}  // namespace
}  // namespace station::store
